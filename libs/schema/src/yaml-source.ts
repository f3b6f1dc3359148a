// Parses a YAML file keeping node positions, and maps JSON-pointer paths back to line:column.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { KilnErrors } from '@kiln/errors';
import { yamlSyntaxError } from './yaml-syntax-error';

export interface YamlSource {
  /** Workspace-relative path used in messages. */
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export interface Position {
  line: number;
  column: number;
}

/** Parses text; YAML syntax errors (including duplicate keys) throw KilnErrors with positions. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => yamlSyntaxError(file, text, doc, lines, e));
    throw errors.length === 1 ? errors[0] : new KilnErrors(errors);
  }
  return { file, text, doc, lines };
}

function positionOf(src: YamlSource, offset: number | undefined): Position {
  if (offset === undefined) return { line: 1, column: 1 };
  const p = src.lines.linePos(offset);
  return { line: p.line, column: p.col };
}

/** Splits a JSON pointer (`/a/b/0`) into keys. */
function pointerKeys(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function child(node: unknown, key: string): { pair?: Pair; node?: unknown } {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    return pair ? { pair, node: pair.value } : {};
  }
  if (isSeq(node)) return { node: node.items[Number(key)] };
  return {};
}

/**
 * Position of the value at `pointer` (or of its key when `at` is 'key'); falls back to the nearest
 * existing ancestor, so a missing key points at the map that should hold it.
 */
export function positionAt(src: YamlSource, pointer: string, at: 'value' | 'key' = 'value'): Position {
  let node: unknown = src.doc.contents;
  let lastPair: Pair | undefined;
  let lastNode: unknown = node;
  for (const key of pointerKeys(pointer)) {
    const next = child(node, key);
    if (next.node === undefined && next.pair === undefined) break;
    lastPair = next.pair;
    node = next.node;
    lastNode = node ?? lastNode;
  }
  if (at === 'key' && lastPair && (lastPair.key as Node | null)?.range) {
    return positionOf(src, (lastPair.key as Node).range?.[0]);
  }
  // A block (map or list) is reported at its key: its first line is the key's line, not its first child's.
  if (lastPair && lastPair.value === lastNode && (isMap(lastNode) || isSeq(lastNode)) && (lastPair.key as Node | null)?.range) {
    return positionOf(src, (lastPair.key as Node).range?.[0]);
  }
  const target = (lastNode as Node | null | undefined)?.range ? (lastNode as Node) : undefined;
  return positionOf(src, target?.range?.[0]);
}

/** Position of the key `key` inside the map at `pointer` (used for unknown keys). */
export function keyPositionAt(src: YamlSource, pointer: string, key: string): Position {
  return positionAt(src, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'key');
}
