// Reads goss's verdict from build output: each failed check and the counts, in its json or documentation format.

export interface GossFailure {
  /** `Package: aide: installed` (resource type, id and property). */
  check: string;
  /** What goss says about it: `Expected\n    <bool>: false\nto equal\n    <bool>: true`. */
  detail: string;
  /** The check's title, when the goss spec gives one. */
  title?: string;
}

export interface GossResult {
  failures: GossFailure[];
  counts?: { count: number; failed: number; skipped: number };
  /** 0-based index of the line where goss's report starts. */
  line: number;
}

interface GossJsonResult {
  'resource-type'?: string;
  'resource-id'?: string;
  property?: string;
  title?: string;
  human?: string;
  'summary-line'?: string;
  successful?: boolean;
  skipped?: boolean;
}

interface GossJson {
  results: GossJsonResult[];
  summary?: { 'test-count'?: number; 'failed-count'?: number; 'skipped-count'?: number };
}

const COUNTS = /Count: (\d+), Failed: (\d+)(?:, Skipped: (\d+))?/;

function parseJson(text: string): GossJson | undefined {
  try {
    const value = JSON.parse(text) as Partial<GossJson>;
    return Array.isArray(value.results) ? (value as GossJson) : undefined;
  } catch {
    return undefined;
  }
}

/** goss `-f json` (image-builder's default, pretty or not): the last complete report object. */
function fromJson(lines: readonly string[]): GossResult | undefined {
  let found: GossResult | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let report: GossJson | undefined;
    let end = i;
    if (line === '{') {
      end = lines.indexOf('}', i);
      if (end < 0) break;
      report = parseJson(lines.slice(i, end + 1).join('\n'));
    } else if (line.startsWith('{"results"')) {
      report = parseJson(line);
    }
    if (!report) continue;
    const failures = report.results
      .filter((r) => r.successful === false && r.skipped !== true)
      .map((r) => ({
        check: [r['resource-type'], r['resource-id'], r.property].filter(Boolean).join(': '),
        detail: (r.human ?? r['summary-line'] ?? '').trim(),
        ...(r.title ? { title: r.title } : {}),
      }));
    const s = report.summary;
    const counts =
      s?.['test-count'] !== undefined
        ? {
            count: s['test-count'],
            failed: s['failed-count'] ?? failures.length,
            skipped: s['skipped-count'] ?? report.results.filter((r) => r.skipped).length,
          }
        : undefined;
    found = { failures, ...(counts ? { counts } : {}), line: i };
    i = end;
  }
  return found;
}

/** One block of the documentation format's `Failures/Skipped:` section (blank-line separated). */
function blockFailure(block: string[]): GossFailure | undefined {
  const title = block.find((l) => l.startsWith('Title: '))?.slice('Title: '.length);
  const rest = block.filter((l) => !l.startsWith('Title: ') && !l.startsWith('Meta: '));
  const [first, ...detail] = rest;
  if (!first || /: skipped$/.test(first)) return undefined;
  return { check: first.replace(/:$/, ''), detail: detail.join('\n').trim(), ...(title ? { title } : {}) };
}

/** goss `-f documentation`: the last `Failures/Skipped:` section and the `Count:` line after it. */
function fromDocumentation(lines: readonly string[]): GossResult | undefined {
  const start = lines.lastIndexOf('Failures/Skipped:');
  let countsAt = lines.length - 1;
  while (countsAt >= 0 && !COUNTS.test(lines[countsAt]!)) countsAt--;
  if (start < 0 && countsAt < 0) return undefined;
  const failures: GossFailure[] = [];
  if (start >= 0) {
    let block: string[] = [];
    const flush = () => {
      const f = blockFailure(block);
      if (f) failures.push(f);
      block = [];
    };
    for (const line of lines.slice(start + 1)) {
      if (line.startsWith('Total Duration:') || COUNTS.test(line)) break;
      if (line.trim() === '') flush();
      else block.push(line);
    }
    flush();
  }
  const m = countsAt >= 0 ? COUNTS.exec(lines[countsAt]!) : null;
  const counts = m ? { count: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) } : undefined;
  return { failures, ...(counts ? { counts } : {}), line: start >= 0 ? start : countsAt };
}

/** goss's report in the output (packer prefixes already removed); undefined when goss printed none. */
export function gossReport(lines: readonly string[]): GossResult | undefined {
  return fromJson(lines) ?? fromDocumentation(lines);
}
