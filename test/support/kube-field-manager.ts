// Field ownership of the test API server's ConfigMaps as a real kube-apiserver keeps it (managedFields, FieldsV1):
// server-side apply with conflicts between managers (409 unless force), updates that take fields over, and
// managedFields a client replaces itself (kubectl's client-side → server-side apply migration).

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary Kubernetes objects, walked by path
type KubeObject = Record<string, any>;

/** The leaf fields of a ConfigMap that managers own: labels, annotations, data and binaryData keys. */
const MAPS: string[][] = [['metadata', 'labels'], ['metadata', 'annotations'], ['data'], ['binaryData']];

export interface FieldEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  /** Leaf paths, each JSON.stringify(string[]). */
  fields: Set<string>;
}

export interface FieldConflict {
  manager: FieldEntry;
  path: string[];
}

function get(obj: KubeObject | undefined, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as KubeObject)[p] : undefined;
  return cur;
}

export function leafPaths(obj: KubeObject | undefined): Set<string> {
  const out = new Set<string>();
  for (const map of MAPS) {
    const m = get(obj, map);
    if (m && typeof m === 'object') for (const k of Object.keys(m as object)) out.add(JSON.stringify([...map, k]));
  }
  return out;
}

export function valueAt(obj: KubeObject | undefined, key: string): unknown {
  return get(obj, JSON.parse(key) as string[]);
}

/** `.binaryData.bomContent`, as structured-merge-diff prints a path. */
export function printPath(path: string[]): string {
  return path.map((p) => `.${p}`).join('');
}

/** How the API server names a manager in a conflict: appliers by name, updaters with their API version. */
export function printManager(e: FieldEntry): string {
  return e.operation === 'Update' ? `"${e.manager}" using ${e.apiVersion}` : `"${e.manager}"`;
}

export function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** FieldsV1 JSON of a set of leaf paths (`f:` keys; update entries also own each map itself, as `.`). */
export function toFieldsV1(fields: Set<string>, operation: 'Apply' | 'Update'): KubeObject {
  const root: KubeObject = {};
  for (const key of [...fields].sort()) {
    const path = JSON.parse(key) as string[];
    let node = root;
    path.forEach((p, i) => {
      node[`f:${p}`] ??= {};
      node = node[`f:${p}`];
      if (operation === 'Update' && i === path.length - 2) node['.'] = {};
    });
  }
  return root;
}

function fromFieldsV1(raw: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown, path: string[]) => {
    if (!node || typeof node !== 'object') return;
    const keys = Object.keys(node as object).filter((k) => k.startsWith('f:'));
    if (keys.length === 0 && path.length > 0) out.add(JSON.stringify(path));
    for (const k of keys) walk((node as KubeObject)[k], [...path, k.slice(2)]);
  };
  walk(raw, []);
  // Only leaves of the owned maps count (a lone `f:labels` with `.` is ownership of the map, not a leaf).
  return new Set(
    [...out].filter((k) =>
      MAPS.some((m) => (JSON.parse(k) as string[]).length === m.length + 1 && m.every((p, i) => (JSON.parse(k) as string[])[i] === p)),
    ),
  );
}

export function entriesFromObject(managedFields: unknown): FieldEntry[] {
  if (!Array.isArray(managedFields)) return [];
  return managedFields.map((m: KubeObject) => ({
    manager: String(m.manager ?? ''),
    operation: m.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: String(m.apiVersion ?? 'v1'),
    time: String(m.time ?? now()),
    fields: fromFieldsV1(m.fieldsV1),
  }));
}

export function entriesToObject(entries: FieldEntry[]): KubeObject[] {
  return entries
    .filter((e) => e.fields.size > 0)
    .map((e) => ({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      time: e.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(e.fields, e.operation),
    }));
}

/** The body of a 409 apply conflict, worded as the API server words it. */
export function conflictStatus(conflicts: FieldConflict[]): KubeObject {
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.manager)}: ${printPath(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts)
      byManager.set(printManager(c.manager), [...(byManager.get(printManager(c.manager)) ?? []), printPath(c.path)]);
    const parts = [...byManager.keys()].sort().flatMap((m) => [`conflicts with ${m}:`, ...byManager.get(m)!.map((p) => `- ${p}`)]);
    message = `Apply failed with ${conflicts.length} conflicts: ${parts.join('\n')}`;
  }
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Conflict',
    details: {
      causes: conflicts.map((c) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with ${printManager(c.manager)}`,
        field: printPath(c.path),
      })),
    },
    code: 409,
  };
}

function setAt(obj: KubeObject, path: string[], value: unknown): void {
  let node = obj;
  for (const p of path.slice(0, -1)) node = node[p] ??= {};
  node[path.at(-1)!] = value;
}

function deleteAt(obj: KubeObject, path: string[]): void {
  const parent = get(obj, path.slice(0, -1)) as KubeObject | undefined;
  if (!parent) return;
  delete parent[path.at(-1)!];
  // An emptied map disappears, as it does on a real server.
  if (Object.keys(parent).length === 0) deleteAt(obj, path.slice(0, -1));
}

/** The owned content of a ConfigMap, for "did anything change". */
export function content(obj: KubeObject | undefined): string {
  return JSON.stringify([...leafPaths(obj)].sort().map((k) => [k, valueAt(obj, k)]));
}

function ownership(entries: FieldEntry[]): string {
  return JSON.stringify(entries.filter((e) => e.fields.size > 0).map((e) => [e.manager, e.operation, [...e.fields].sort()]));
}

export type ApplyResult = { ok: true; obj: KubeObject; changed: boolean } | { ok: false; conflicts: FieldConflict[] };

/**
 * Server-side apply of `body` by `manager` onto `existing` (undefined: create). Fields another manager owns with
 * a different value conflict unless `force` (which takes them over); fields this applier stops applying are
 * removed when no one else owns them.
 */
export function serverSideApply(existing: KubeObject | undefined, body: KubeObject, manager: string, force: boolean): ApplyResult {
  const applied = leafPaths(body);
  const entries = entriesFromObject(existing?.metadata?.managedFields);
  const mine = entries.find((e) => e.manager === manager && e.operation === 'Apply');
  const conflicts: FieldConflict[] = [];
  for (const e of entries) {
    if (e === mine) continue;
    for (const key of e.fields) {
      if (applied.has(key) && JSON.stringify(valueAt(existing, key)) !== JSON.stringify(valueAt(body, key)))
        conflicts.push({ manager: e, path: JSON.parse(key) as string[] });
    }
  }
  if (conflicts.length > 0 && !force)
    return { ok: false, conflicts: conflicts.sort((a, b) => printPath(a.path).localeCompare(printPath(b.path))) };
  for (const c of conflicts) c.manager.fields.delete(JSON.stringify(c.path));

  const next = JSON.parse(JSON.stringify(existing ?? { metadata: {} })) as KubeObject;
  for (const key of mine?.fields ?? []) {
    if (!applied.has(key) && !entries.some((e) => e !== mine && e.fields.has(key))) deleteAt(next, JSON.parse(key) as string[]);
  }
  for (const key of applied) setAt(next, JSON.parse(key) as string[], valueAt(body, key));
  const entry: FieldEntry = { manager, operation: 'Apply', apiVersion: String(body.apiVersion ?? 'v1'), time: now(), fields: applied };
  const nextEntries = mine ? entries.map((e) => (e === mine ? entry : e)) : [...entries, entry];
  const changed =
    !existing ||
    content(existing) !== content(next) ||
    ownership(entriesFromObject(existing.metadata?.managedFields)) !== ownership(nextEntries);
  next.metadata.managedFields = changed ? entriesToObject(nextEntries) : existing!.metadata.managedFields;
  return { ok: true, obj: next, changed };
}

/**
 * An update (create, merge patch, JSON patch, PUT) by `manager`: the fields whose value it changes become its
 * own and leave every other manager. When the request replaced managedFields itself, they are taken as given.
 */
export function recordUpdate(existing: KubeObject | undefined, next: KubeObject, manager: string): KubeObject {
  const before = JSON.stringify(existing?.metadata?.managedFields ?? null);
  const given = JSON.stringify(next.metadata?.managedFields ?? null);
  if (existing && given !== before) {
    next.metadata.managedFields = entriesToObject(entriesFromObject(next.metadata.managedFields));
    return next;
  }
  const entries = entriesFromObject(existing?.metadata?.managedFields);
  const newPaths = leafPaths(next);
  const changed = [...newPaths].filter((k) => JSON.stringify(valueAt(existing, k)) !== JSON.stringify(valueAt(next, k)));
  for (const e of entries) {
    for (const key of [...e.fields]) if (!newPaths.has(key) || changed.includes(key)) e.fields.delete(key);
  }
  if (changed.length > 0) {
    let entry = entries.find((e) => e.manager === manager && e.operation === 'Update');
    if (!entry) entries.unshift((entry = { manager, operation: 'Update', apiVersion: 'v1', time: now(), fields: new Set() }));
    for (const key of changed) entry.fields.add(key);
    entry.time = now();
  }
  next.metadata.managedFields = entriesToObject(entries);
  return next;
}
