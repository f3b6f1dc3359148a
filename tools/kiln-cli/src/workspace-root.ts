// Finds the Kiln workspace root (the folder holding nx.json) from --root or the current directory.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KilnError } from '@kiln/errors';

export function workspaceRoot(explicit?: string): string {
  let dir = resolve(explicit ?? process.cwd());
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new KilnError('NO_WORKSPACE', `no nx.json found in ${explicit ?? process.cwd()} or above`, {
        hint: 'run kiln inside a Kiln workspace or pass --root',
      });
    dir = parent;
  }
}
