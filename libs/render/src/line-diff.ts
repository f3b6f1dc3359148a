// Unified-style line diff of two texts (Myers' shortest edit script), for reviewable change records.

type Op = ' ' | '-' | '+';

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The shortest edit script turning a into b, as one op per line. */
function editScript(a: string[], b: string[]): { op: Op; line: string }[] {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  /** trace[d]: the furthest x on each diagonal k before round d. */
  const trace: Int32Array[] = [];
  const down = (w: Int32Array, k: number, d: number) => k === -d || (k !== d && w[offset + k - 1]! < w[offset + k + 1]!);
  search: for (let d = 0; d <= n + m; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = down(v, k, d) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) break search;
    }
  }
  const ops: { op: Op; line: string }[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const w = trace[d]!;
    const k = x - y;
    const prevK = down(w, k, d) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : w[offset + prevK]!;
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ op: ' ', line: a[x]! });
    }
    if (d === 0) break;
    if (x === prevX) {
      y--;
      ops.push({ op: '+', line: b[y]! });
    } else {
      x--;
      ops.push({ op: '-', line: a[x]! });
    }
  }
  return ops.reverse();
}

export interface LineDiff {
  text: string;
  added: number;
  removed: number;
}

/** `--- from` / `+++ to` / `@@ -a,n +b,m @@` hunks with `context` lines around each change; '' when equal. */
export function lineDiff(before: string, after: string, from: string, to: string, context = 3): LineDiff {
  const ops = editScript(splitLines(before), splitLines(after));
  const changed = ops.map((o, i) => (o.op === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return { text: '', added: 0, removed: 0 };
  // Group changes whose context windows touch into hunks.
  const groups: [number, number][] = [];
  for (const i of changed) {
    const last = groups[groups.length - 1];
    if (last && i - last[1] <= 2 * context + 1) last[1] = i;
    else groups.push([i, i]);
  }
  // Line numbers before each op.
  const aAt: number[] = [];
  const bAt: number[] = [];
  let ai = 0;
  let bi = 0;
  for (const o of ops) {
    aAt.push(ai);
    bAt.push(bi);
    if (o.op !== '+') ai++;
    if (o.op !== '-') bi++;
  }
  const out = [`--- ${from}`, `+++ ${to}`];
  for (const [first, last] of groups) {
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(start, end + 1);
    const aLen = slice.filter((o) => o.op !== '+').length;
    const bLen = slice.filter((o) => o.op !== '-').length;
    const aStart = aLen === 0 ? aAt[start]! : aAt[start]! + 1;
    const bStart = bLen === 0 ? bAt[start]! : bAt[start]! + 1;
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`);
    for (const o of slice) out.push(`${o.op}${o.line}`);
  }
  return {
    text: out.join('\n') + '\n',
    added: ops.filter((o) => o.op === '+').length,
    removed: ops.filter((o) => o.op === '-').length,
  };
}
