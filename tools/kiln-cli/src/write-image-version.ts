// Records the OVA VERSION as vsphere.version in an image.yaml by splicing text, keeping every other byte.
import { statSync, readFileSync } from 'node:fs';
import { isAlias, isMap, isScalar, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { loadCatalog, type Catalog } from '@kiln/catalog';
import { isKilnError, KilnError, KilnErrors } from '@kiln/errors';
import { loadImageSpec, parseYamlSource, type YamlSource } from '@kiln/schema';
import { writeFileAtomic } from '@kiln/steps';

export interface ImageVersionEdit {
  text: string;
  /** The version the file had before (undefined when the key was absent or empty). */
  previous?: string;
  changed: boolean;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;
}

function at(src: YamlSource, node: unknown): { line?: number; column?: number } {
  const offset = (node as Node | null | undefined)?.range?.[0];
  if (offset === undefined) return {};
  const p = src.lines.linePos(offset);
  return { line: p.line, column: p.col };
}

/** True when `value` reads back as exactly this string when written plain in that context. */
function plainIsSafe(value: string, flow: boolean): boolean {
  if (value === '') return false;
  const doc = parseDocument(flow ? `{k: ${value}}` : `k: ${value}\n`);
  if (doc.errors.length > 0) return false;
  const data = doc.toJS() as { k?: unknown } | null;
  return data?.k === value;
}

function doubleQuoted(value: string): string {
  return JSON.stringify(value);
}

function scalarText(value: string, style: string | undefined, flow: boolean): string {
  if (style === 'QUOTE_DOUBLE') return doubleQuoted(value);
  if (style === 'QUOTE_SINGLE' && !/[\r\n]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  return plainIsSafe(value, flow) ? value : doubleQuoted(value);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The vsphere map of a class-based vSphere image.yaml; refuses other images with a positioned error. */
function vsphereBlock(src: YamlSource, file: string): YAMLMap {
  const root = src.doc.contents;
  const infraPair = isMap(root) ? pairOf(root, 'infra') : undefined;
  const infra = isScalar(infraPair?.value) ? infraPair.value.value : undefined;
  if (infra !== 'vsphere') {
    throw new KilnError(
      'IMAGE_NOT_VSPHERE',
      `not a vSphere image (infra: ${infra === undefined ? 'missing' : String(infra)}); the OVA VERSION only applies to vsphere images`,
      {
        file,
        ...at(src, infraPair?.value ?? root),
        hint: 'pass --write images/<name> of an image with infra: vsphere and vsphere.clusterType: class',
      },
    );
  }
  const vspherePair = pairOf(root as YAMLMap, 'vsphere');
  const block = vspherePair?.value;
  if (!isMap(block)) {
    throw new KilnError('IMAGE_NO_VSPHERE_BLOCK', 'no vsphere: block to record the version in', {
      file,
      ...at(src, vspherePair?.key ?? root),
      hint: 'add\nvsphere:\n  clusterType: class\nthen run this command again',
    });
  }
  const clusterTypePair = pairOf(block, 'clusterType');
  const clusterType = isScalar(clusterTypePair?.value) ? clusterTypePair.value.value : undefined;
  if (clusterType === 'plan') {
    throw new KilnError(
      'IMAGE_PLAN_BASED',
      "plan-based image (vsphere.clusterType: plan): its VERSION is a unique string of yours, not the default OVA's OS image version",
      {
        file,
        ...at(src, clusterTypePair?.value),
        hint: 'set vsphere.version by hand, e.g. v1.26.5+vmware.1-myorg.0, or change clusterType to class if the image is for class-based clusters',
      },
    );
  }
  return block;
}

/**
 * The image.yaml text with vsphere.version set to `version`: the old value's characters are replaced
 * (keeping its quoting style) or one `version:` line is added to the vsphere block. Refuses non-vSphere
 * and plan-based images. `file` names the file in errors.
 */
export function spliceImageVersion(text: string, version: string, file: string): ImageVersionEdit {
  const src = parseYamlSource(file, text);
  const block = vsphereBlock(src, file);

  const flow = Boolean(block.flow);
  const versionPair = pairOf(block, 'version');
  if (versionPair) {
    const node = versionPair.value;
    if (isAlias(node) || (isScalar(node) && (node.anchor || node.tag))) {
      throw new KilnError('IMAGE_VERSION_UNEDITABLE', 'vsphere.version uses a YAML alias, anchor or tag; it is not changed automatically', {
        file,
        ...at(src, node),
        hint: `write vsphere.version: ${version} by hand`,
      });
    }
    if (!isScalar(node) || !node.range) {
      throw new KilnError('IMAGE_VERSION_UNEDITABLE', 'vsphere.version is not a single value', {
        file,
        ...at(src, node ?? versionPair.key),
        hint: `write vsphere.version: ${version} by hand`,
      });
    }
    const previous = node.value === null || node.value === undefined || node.value === '' ? undefined : String(node.value);
    if (previous === version && typeof node.value === 'string') return { text, previous, changed: false };
    const [start, end] = node.range;
    const old = text.slice(start, end);
    const trailingBreaks = /(\r?\n)*$/.exec(old)?.[0] ?? '';
    const before = start === end && !/\s/.test(text[start - 1] ?? ' ') ? ' ' : '';
    const after = start === end && text[end] === '#' ? ' ' : '';
    const replacement = before + scalarText(version, node.type, flow) + after + trailingBreaks;
    return verified({ text: text.slice(0, start) + replacement + text.slice(end), previous, changed: true }, version, file);
  }

  const value = scalarText(version, undefined, flow);
  if (flow) {
    const last = block.items[block.items.length - 1];
    const insertAt = last ? ((last.value as Node | null)?.range?.[1] ?? (last.key as Node).range![1]) : block.range![0] + 1;
    const entry = last ? `, version: ${value}` : `version: ${value}`;
    return verified({ text: text.slice(0, insertAt) + entry + text.slice(insertAt), changed: true }, version, file);
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const firstKey = block.items[0].key as Node;
  const indent = ' '.repeat(firstKey.range![0] - lineStart(text, firstKey.range![0]));
  const last = block.items[block.items.length - 1];
  const lastEnd = (last.value as Node | null)?.range?.[1] ?? (last.key as Node).range![1];
  const newline = text.indexOf('\n', Math.max(lastEnd - 1, 0));
  const next =
    newline === -1
      ? `${text}${eol}${indent}version: ${value}`
      : `${text.slice(0, newline + 1)}${indent}version: ${value}${eol}${text.slice(newline + 1)}`;
  return verified({ text: next, changed: true }, version, file);
}

/** Guards the splice: the edited text must read back with exactly this vsphere.version. */
function verified(edit: ImageVersionEdit, version: string, file: string): ImageVersionEdit {
  const doc = parseDocument(edit.text);
  const data = doc.errors.length === 0 ? (doc.toJS() as { vsphere?: { version?: unknown } } | null) : null;
  if (data?.vsphere?.version !== version) {
    throw new KilnError('IMAGE_VERSION_SPLICE', 'could not record vsphere.version without changing the layout', {
      file,
      hint: `write vsphere.version: ${JSON.stringify(version)} by hand`,
    });
  }
  return edit;
}

function readImage(path: string, file: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new KilnError('FILE_MISSING', `file not found: ${file}`, {
      hint: 'pass --write images/<name>, the folder of an existing image.yaml',
    });
  }
}

/** Fails early (before a slow lookup) when the image.yaml at `path` cannot take a VERSION. */
export function checkImageVersionTarget(path: string, file: string): void {
  vsphereBlock(parseYamlSource(file, readImage(path, file)), file);
}

/**
 * Sets vsphere.version in the image.yaml at `path` (named `file` in messages), refusing to write a file
 * that would not validate; the write is atomic and keeps the file mode.
 */
export function writeImageVersion(path: string, file: string, version: string, catalog: Catalog = loadCatalog()): ImageVersionEdit {
  const edit = spliceImageVersion(readImage(path, file), version, file);
  try {
    loadImageSpec(file, edit.text, catalog);
  } catch (e) {
    if (!isKilnError(e)) throw e;
    const problems = e instanceof KilnErrors ? e.errors : [e];
    throw new KilnErrors([
      new KilnError('IMAGE_WRITE_INVALID', `not written: with vsphere.version ${version} the file would be invalid`, { file }),
      ...problems,
    ]);
  }
  if (edit.changed) writeFileAtomic(path, edit.text, statSync(path).mode & 0o7777);
  return edit;
}
