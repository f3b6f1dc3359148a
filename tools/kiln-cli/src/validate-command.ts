// `kiln validate`: loads every spec file of the workspace and reports all problems at once.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '@kiln/catalog';
import { formatError } from '@kiln/errors';
import { loadClusterSpec, loadImageSpec, loadTkrSpec, projectNameClashes, readWorkspaceFile } from '@kiln/schema';
import { defineCommand } from './command-args';
import { workspaceRoot } from './workspace-root';

const VALIDATE_USAGE = `usage: kiln validate [--root DIR]

Checks every images/*/image.yaml, tkrs/*/tkr.yaml and clusters/*/cluster.yaml of the workspace and prints every
problem at once. Exits 1 when a file is invalid.
`;

const KINDS = [
  { dir: 'images', file: 'image.yaml', load: (f: string, t: string) => loadImageSpec(f, t, loadCatalog()) },
  { dir: 'tkrs', file: 'tkr.yaml', load: loadTkrSpec },
  { dir: 'clusters', file: 'cluster.yaml', load: loadClusterSpec },
];

export const validateCommand = defineCommand({
  name: 'validate',
  usage: VALIDATE_USAGE,
  options: { root: { type: 'string' } },
  run: async ({ values }, out) => validate(workspaceRoot(values.root), out),
});

async function validate(root: string, out: NodeJS.WritableStream): Promise<number> {
  let checked = 0;
  let failed = 0;
  const specFiles: string[] = [];
  for (const kind of KINDS) {
    const dir = join(root, kind.dir);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const file = `${kind.dir}/${name}/${kind.file}`;
      if (!existsSync(join(root, file))) continue;
      checked++;
      specFiles.push(file);
      try {
        kind.load(file, readWorkspaceFile(root, file));
      } catch (e) {
        failed++;
        out.write(formatError(e) + '\n');
      }
    }
  }
  for (const clash of projectNameClashes(specFiles)) {
    failed++;
    out.write(formatError(clash) + '\n');
  }
  out.write(`${checked - failed} valid, ${failed} invalid\n`);
  return failed > 0 ? 1 : 0;
}
