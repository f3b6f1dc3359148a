// Offsets, lines and indentation of YAML source text, for edits that splice text instead of re-serializing.
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/** One text splice: replace [at, end) with text; inserts at the same offset keep their seq order. */
export interface TextEdit {
  at: number;
  end: number;
  text: string;
  seq: number;
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const ordered = [...edits].sort((a, b) => b.at - a.at || b.seq - a.seq);
  let out = text;
  for (const e of ordered) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

/** Start of the line after the one holding `offset` (text.length on the last line). */
export function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** Offset just after the last non-blank character of a node (its range may include trailing newlines). */
function contentEnd(text: string, node: Node): number {
  let i = node.range![1];
  while (i > node.range![0] && /\s/.test(text[i - 1]!)) i--;
  return i;
}

/** Start of the line after a node's last content line: where a following sibling line goes. */
export function afterNode(text: string, node: Node): number {
  return nextLineStart(text, contentEnd(text, node) - 1);
}

/** Start of the key's line, moved up over comment-only lines directly above it (they belong to the key). */
export function startWithComments(text: string, keyOffset: number): number {
  let start = lineStartOf(text, keyOffset);
  while (start > 0) {
    const prev = lineStartOf(text, start - 1);
    if (!text.slice(prev, start).trim().startsWith('#')) break;
    start = prev;
  }
  return start;
}

export function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export function keyName(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

export function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isPair(p) && keyName(p) === key);
}

/** How a block list is written, relative to the column of the key that holds it. */
export interface SeqStyle {
  /** Column of "-" minus the key's column (0: "- " under the key, 2: indented). */
  dashOffset: number;
  /** Column of the item's first key minus the column of "-". */
  contentOffset: number;
  /** "-" alone on its line, the item's keys on the next lines. */
  dashAlone: boolean;
}

/** The style of a block list, from its first item; undefined for flow or empty lists. */
export function seqStyleOf(text: string, seq: YAMLSeq, keyColumn: number): SeqStyle | undefined {
  const first = seq.items[0] as Node | undefined;
  if (seq.flow || !first?.range) return undefined;
  let dash = first.range[0] - 1;
  while (dash >= 0 && /\s/.test(text[dash]!)) dash--;
  if (text[dash] !== '-') return undefined;
  const dashColumn = columnOf(text, dash);
  return {
    dashOffset: dashColumn - keyColumn,
    contentOffset: columnOf(text, first.range[0]) - dashColumn,
    dashAlone: lineStartOf(text, dash) !== lineStartOf(text, first.range[0]),
  };
}

/** Indentation step of a block map nested in a map pair (child key column minus parent key column). */
export function mapStepOf(text: string, pair: Pair): number | undefined {
  const value = pair.value as Node | null;
  const key = pair.key as Node | null;
  if (!isMap(value) || value.flow || !key?.range) return undefined;
  const firstKey = (value.items[0]?.key as Node | null)?.range;
  return firstKey ? columnOf(text, firstKey[0]) - columnOf(text, key.range[0]) : undefined;
}

/** The first block-list style and nested-map step found in a document, depth first. */
export function documentStyle(text: string, root: unknown): { seq?: SeqStyle; mapStep?: number } {
  const found: { seq?: SeqStyle; mapStep?: number } = {};
  const walk = (node: unknown): void => {
    if (found.seq && found.mapStep !== undefined) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (!key?.range) continue;
        if (isSeq(pair.value) && !found.seq) found.seq = seqStyleOf(text, pair.value, columnOf(text, key.range[0]));
        if (found.mapStep === undefined) found.mapStep = mapStepOf(text, pair);
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  walk(root);
  return found;
}
