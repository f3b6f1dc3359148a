// The repository root as tests see it, so fixtures are named from one fixed place wherever a spec file lives.
import { resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..', '..');

/** A path inside the repository, from its segments. */
export function repoPath(...segments: string[]): string {
  return resolve(repoRoot, ...segments);
}
