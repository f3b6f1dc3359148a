// `kiln verify [PROJECT...] [--json]`: the verify target's checks for the named projects (default: every image, tkr
// and cluster), one line per finding or the reports as JSON; exits 1 on drift or when a project cannot be checked.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '@kiln/catalog';
import { formatError } from '@kiln/errors';
import { findingLines, findProjectKind, PROJECT_FOLDERS, verifyJson, verifyStep, type ProjectKind, type VerifyReport } from '@kiln/steps';
import { defineCommand, UsageError } from './command-args';
import { workspaceRoot } from './workspace-root';

export const VERIFY_USAGE = `usage: kiln verify [PROJECT...] [--json] [--root DIR]

Compares what each image, tkr and cluster declares with what vCenter (govc), EC2 (aws), Azure (az) and the management
cluster (kubectl) really have: read-only calls, the same checks as nx run <project>:verify. Without PROJECT, every
project of the workspace. Prints one line per finding (<project>: <kind>: <message>), or --json the reports; writes
dist/verify/<kind>/<name>/findings.json. Exits 1 on drift or when a project cannot be checked (its error on stderr).
`;

const SPEC_FILES: Record<ProjectKind, string> = { image: 'image.yaml', tkr: 'tkr.yaml', cluster: 'cluster.yaml' };
/** Projects checked at once (each mostly waits for its CLIs); the output keeps the projects' order. */
const PARALLEL = 4;

/** `fn` over `items`, at most `limit` at a time; the results in the items' order. */
async function inPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Every Kiln project of the workspace: images, then tkrs, then clusters, each by name. */
function allProjects(root: string): Array<{ project: string; kind: ProjectKind }> {
  return (['image', 'tkr', 'cluster'] as const).flatMap((kind) => {
    const dir = join(root, PROJECT_FOLDERS[kind]);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => existsSync(join(dir, name, SPEC_FILES[kind])))
      .sort()
      .map((project) => ({ project, kind }));
  });
}

function namedProjects(root: string, names: string[]): Array<{ project: string; kind: ProjectKind }> {
  return [...new Set(names)].map((project) => {
    const kind = findProjectKind(root, project);
    if (!kind)
      throw new UsageError(
        `unknown project "${project}" (no images/${project}/image.yaml, tkrs/${project}/tkr.yaml or clusters/${project}/cluster.yaml)`,
      );
    return { project, kind };
  });
}

export const verifyCommand = defineCommand({
  name: 'verify',
  usage: VERIFY_USAGE,
  options: { json: { type: 'boolean' }, root: { type: 'string' } },
  maxPositionals: Number.MAX_SAFE_INTEGER,
  run: async ({ values, positionals }, out, err) => {
    const root = workspaceRoot(values.root);
    const projects = positionals.length > 0 ? namedProjects(root, positionals) : allProjects(root);
    const catalog = loadCatalog();
    const results = await inPool(
      projects,
      PARALLEL,
      async ({ project, kind }): Promise<VerifyReport | { project: string; error: unknown }> => {
        try {
          return (await verifyStep({ workspaceRoot: root, project, projectKind: kind, catalog })).report;
        } catch (error) {
          return { project, error };
        }
      },
    );
    const reports: VerifyReport[] = [];
    let failed = 0;
    for (const result of results) {
      if ('error' in result) {
        failed += 1;
        err.write(`kiln verify: ${result.project}: ${formatError(result.error)}\n`);
        continue;
      }
      reports.push(result);
      if (!values.json) for (const line of findingLines(result)) out.write(`${line}\n`);
    }
    if (values.json) out.write(verifyJson(reports));
    const findings = reports.reduce((n, r) => n + r.findings.length, 0);
    const drifted = reports.filter((r) => r.findings.length > 0).length;
    const checked = `${reports.length} project${reports.length === 1 ? '' : 's'} checked${failed ? `, ${failed} could not be` : ''}`;
    err.write(
      `kiln verify: ${findings ? `${findings} finding${findings === 1 ? '' : 's'} in ${drifted} project${drifted === 1 ? '' : 's'}` : 'no drift'} (${checked})\n`,
    );
    return findings > 0 || failed > 0 ? 1 : 0;
  },
});
