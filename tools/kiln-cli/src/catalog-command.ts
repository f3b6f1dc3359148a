// `kiln catalog [--json] [--out DIR]`: prints every image, tkr and cluster with its build, freshness and published
// records, and writes the self-contained page dist/catalog/index.html and dist/catalog/catalog.json.
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CATALOG_DIST, catalogFiles, readCatalog, renderCatalogJson, renderCatalogTable } from '@kiln/catalog-report';
import { KilnError } from '@kiln/errors';
import { nowMs } from '@kiln/nx/src/freshness';
import { writeFileAtomic } from '@kiln/steps';
import { defineCommand } from './command-args';
import { workspaceRoot } from './workspace-root';

export const CATALOG_USAGE = `usage: kiln catalog [--json] [--out DIR] [--root DIR]

Prints a table of every image (infra, OS, Kubernetes and TKG version, options, VERSION, last build and its age,
freshness: fresh / stale / never built / revoked, published ids, template or SIG version, content key, git commit,
the tkrs and clusters using it), then the tkrs and clusters with their images; --json prints catalog.json instead.
Writes index.html (one self-contained page: open it from disk) and catalog.json to DIR (default ${CATALOG_DIST}).
Reads only the workspace and its dist/ records; KILN_NOW (an ISO date) sets the clock.
`;

/** The clock, with a malformed KILN_NOW as a Kiln error rather than a crash. */
function catalogNow(): number {
  try {
    return nowMs();
  } catch (e) {
    throw new KilnError('KILN_NOW_INVALID', (e as Error).message, { hint: 'unset KILN_NOW or set it to an ISO date' });
  }
}

export const catalogCommand = defineCommand({
  name: 'catalog',
  usage: CATALOG_USAGE,
  options: { json: { type: 'boolean' }, out: { type: 'string' }, root: { type: 'string' } },
  run: async ({ values }, out, err) => {
    const root = workspaceRoot(values.root);
    const report = readCatalog(root, { now: catalogNow() });
    const dir = values.out ? resolve(values.out) : join(root, CATALOG_DIST);
    for (const [name, content] of Object.entries(catalogFiles(report))) writeFileAtomic(join(dir, name), content);
    out.write(values.json ? renderCatalogJson(report) : renderCatalogTable(report));
    const rel = relative(process.cwd(), dir);
    const shown = rel.startsWith('..') || isAbsolute(rel) ? dir : rel || '.';
    err.write(`kiln catalog: wrote ${join(shown, 'index.html')} and ${join(shown, 'catalog.json')}\n`);
    return 0;
  },
});
