// The git commit (and dirty flag) a build was made from, found in its provenance.json (an in-toto statement).
// Read defensively: SLSA v1 resolvedDependencies, SLSA v0.2 materials, else any gitCommit / dirty field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageDist } from '@kiln/schema';

export interface RecordedGitSource {
  commit?: string;
  dirty?: boolean;
}

const COMMIT = /^[0-9a-f]{7,64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function commitOf(entry: Record<string, unknown>): string | undefined {
  const digest = isRecord(entry.digest) ? entry.digest : {};
  const uri = typeof entry.uri === 'string' ? entry.uri : '';
  const candidates = [digest.gitCommit, uri.startsWith('git+') ? (digest.sha1 ?? digest.sha256) : undefined];
  return candidates.find((c): c is string => typeof c === 'string' && COMMIT.test(c));
}

function dirtyOf(entry: Record<string, unknown>): boolean | undefined {
  for (const holder of [entry, entry.annotations]) {
    if (!isRecord(holder)) continue;
    for (const key of ['dirty', 'gitDirty']) if (typeof holder[key] === 'boolean') return holder[key] as boolean;
  }
  return undefined;
}

/** Depth-first search for the first value of `key` that `accept` takes. */
function findField<T>(value: unknown, key: string, accept: (v: unknown) => v is T, depth = 0): T | undefined {
  if (depth > 8) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findField(item, key, accept, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  if (accept(value[key])) return value[key] as T;
  for (const child of Object.values(value)) {
    const found = findField(child, key, accept, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

const isCommit = (v: unknown): v is string => typeof v === 'string' && COMMIT.test(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

/** The git source of a parsed provenance statement; empty when the statement names none. */
export function gitSourceOf(statement: unknown): RecordedGitSource {
  if (!isRecord(statement)) return {};
  const predicate = isRecord(statement.predicate) ? statement.predicate : {};
  const definition = isRecord(predicate.buildDefinition) ? predicate.buildDefinition : {};
  const entries = [definition.resolvedDependencies, predicate.materials]
    .flatMap((list) => (Array.isArray(list) ? list : []))
    .filter(isRecord);
  for (const entry of entries) {
    const commit = commitOf(entry);
    if (commit)
      return { commit, dirty: dirtyOf(entry) ?? findField(statement, 'dirty', isBoolean) ?? findField(statement, 'gitDirty', isBoolean) };
  }
  const commit = findField(statement, 'gitCommit', isCommit);
  if (!commit) return {};
  return { commit, dirty: findField(statement, 'dirty', isBoolean) ?? findField(statement, 'gitDirty', isBoolean) };
}

/** Workspace-relative path of an image's provenance record (written by its build). */
export function provenanceFile(image: string): string {
  return `${imageDist(image).build}/provenance.json`;
}

/** The git source of an image's last build, from its provenance.json; empty when there is no readable record. */
export function readBuildSource(workspaceRoot: string, image: string): RecordedGitSource {
  let text: string;
  try {
    text = readFileSync(join(workspaceRoot, provenanceFile(image)), 'utf8');
  } catch {
    return {};
  }
  try {
    return gitSourceOf(JSON.parse(text));
  } catch {
    return {};
  }
}

/** The value of the kiln:commit tag: the commit, with `-dirty` (as git describe --dirty) when tracked files differed. */
export function commitTag(source: RecordedGitSource): string | undefined {
  return source.commit && `${source.commit}${source.dirty ? '-dirty' : ''}`;
}
