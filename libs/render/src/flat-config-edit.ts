// Edits a flat KEY: value cluster configuration file as text: set, remove, append; every other line stays as it was.
import { isMap, isScalar, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { KilnError } from '@kiln/errors';
import { yamlScalarText } from './yaml-scalar-text';
import { afterNode, applyEdits, keyName, lineStartOf, newlineOf, type TextEdit } from './yaml-text-layout';

export type FlatValue = string | number | boolean;

export interface FlatConfig {
  text: string;
  file: string;
  /** Top-level values (plain JS). */
  values: Record<string, unknown>;
  pairs: Map<string, Pair>;
}

export function parseFlatConfig(text: string, file: string): FlatConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new KilnError('CLUSTER_CONFIG_INVALID', `invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, {
      file,
      line: e.linePos?.[0].line,
      column: e.linePos?.[0].col,
    });
  }
  const pairs = new Map<string, Pair>();
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return { text, file, values: {}, pairs };
  if (!isMap(doc.contents) || doc.contents.flow) {
    throw new KilnError('CLUSTER_CONFIG_INVALID', 'a cluster configuration file is a flat list of KEY: value lines', {
      file,
      line: 1,
      column: 1,
    });
  }
  for (const pair of doc.contents.items) {
    const key = keyName(pair);
    if (key !== undefined) pairs.set(key, pair);
  }
  return { text, file, values: (doc.toJS() ?? {}) as Record<string, unknown>, pairs };
}

export interface FlatSetting {
  key: string;
  value: FlatValue;
  /** Comment lines written above the setting when it is appended. */
  comment?: string[];
}

export interface FlatGroup {
  /** Comment line that heads the appended settings of this group. */
  title: string;
  settings: FlatSetting[];
}

export interface FlatEdit {
  /** Comment lines put at the very top. */
  header: string[];
  remove: string[];
  /** Settings of keys the file has are replaced in place; the others are appended, group by group. */
  groups: FlatGroup[];
}

export function editFlatConfig(config: FlatConfig, edit: FlatEdit): string {
  const { text } = config;
  const nl = newlineOf(text);
  const edits: TextEdit[] = [];
  let seq = 0;
  for (const key of edit.remove) {
    const pair = config.pairs.get(key);
    if (!pair) continue;
    const keyNode = pair.key as Node;
    const end = afterNode(text, (pair.value as Node | null) ?? keyNode);
    edits.push({ at: lineStartOf(text, keyNode.range![0]), end, text: '', seq: seq++ });
  }
  const appended: string[] = [];
  for (const group of edit.groups) {
    const lines: string[] = [];
    /** Comments of settings replaced in place go above the group's next appended setting. */
    let carried: string[] = [];
    for (const s of group.settings) {
      const valueText = yamlScalarText(s.value);
      const pair = config.pairs.get(s.key);
      if (pair) {
        const value = pair.value as Node | null;
        const keyEnd = (pair.key as Node).range![1];
        if (value?.range && value.range[1] > value.range[0])
          edits.push({ at: value.range[0], end: value.range[1], text: valueText, seq: seq++ });
        else edits.push({ at: text.indexOf(':', keyEnd) + 1, end: text.indexOf(':', keyEnd) + 1, text: ` ${valueText}`, seq: seq++ });
        carried.push(...(s.comment ?? []));
      } else {
        lines.push(...[...carried, ...(s.comment ?? [])].map((c) => `# ${c}`), `${s.key}: ${valueText}`);
        carried = [];
      }
    }
    if (lines.length > 0) appended.push(`# ${group.title}`, ...lines);
  }
  let out = applyEdits(text, edits);
  if (appended.length > 0) {
    if (out !== '' && !out.endsWith('\n')) out += nl;
    out += appended.map((l) => l + nl).join('');
  }
  return edit.header.map((l) => `# ${l}${nl}`).join('') + out;
}
