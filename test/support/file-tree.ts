// Lists and snapshots folders (regular files only, symlinks not followed) for byte-exact comparisons.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Paths of the regular files under `dir`, relative to `base` with forward slashes, sorted; [] if `dir` is missing. */
export function listFiles(dir: string, base: string = dir, skip: (rel: string) => boolean = () => false): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(base, path).split('\\').join('/');
    if (skip(rel)) continue;
    if (entry.isDirectory()) out.push(...listFiles(path, base, skip));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

/** Relative path → content of every file under `dir` (relative to `base`). */
export function snapshotFiles(dir: string, base: string = dir): Map<string, Buffer> {
  return new Map(listFiles(dir, base).map((rel) => [rel, readFileSync(join(base, rel))] as const));
}

/** Paths whose content differs between two snapshots, or that only one of them has, sorted. */
export function changedPaths(before: Map<string, Buffer>, after: Map<string, Buffer>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths]
    .filter((p) => {
      const a = before.get(p);
      const b = after.get(p);
      return !a || !b || !a.equals(b);
    })
    .sort();
}
