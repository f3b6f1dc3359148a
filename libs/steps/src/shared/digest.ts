// Content digests of files and folders (sorted paths, so identical content gives identical digests).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** sha256 of a file, or of a folder's relative paths and contents. */
export function digestPath(path: string): string {
  const hash = createHash('sha256');
  if (statSync(path).isDirectory()) {
    for (const file of listFiles(path).sort()) {
      hash.update(relative(path, file).split('\\').join('/'));
      hash.update('\0');
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  } else {
    hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}
