// `kiln <command>`: dispatches to one module per command; errors are printed cleanly, never as stacks.
import { formatError } from '@kiln/errors';
import { bomImportCommand } from './bom-import-command';
import { bundleCommand } from './bundle-command';
import { cacheCheckCommand } from './cache-check-command';
import { catalogCommand } from './catalog-command';
import type { Command } from './command-args';
import { ciMatrixCommand } from './ci-matrix-command';
import { doctorCommand } from './doctor-command';
import { osImageVersionCommand } from './os-image-version-command';
import { reviewCommand } from './review-command';
import { validateCommand } from './validate-command';
import { verifyCommand } from './verify-command';

const USAGE = `usage: kiln <command>

commands:
  validate [--root DIR]        check every images/*/image.yaml, tkrs/*/tkr.yaml, clusters/*/cluster.yaml
  bundle stop [--root DIR]     stop and remove the resource-bundle containers Kiln started
  bom import <tkr-name> [--from FILE | --version V] [--root DIR]   copy a TKr BoM into tkrs/<tkr-name>/ (+ starter tkr.yaml)
  os-image-version SOURCE [--write images/NAME]   print (and record) the default OVA's OS image VERSION
  review --base REF [--head REF]      Markdown report of what a change rebuilds and why (also dist/review/report.{md,json})
  ci-matrix --base REF [--head REF]   JSON for a CI matrix: the rebuilt images, then the tkrs and clusters
  cache-check [--expect read-only|read-write]   preflight of the Nx remote cache (run before any build)
  doctor [--json]              check tools, Docker, credentials (names only), config bundles, remote cache, disk space
  catalog [--json] [--out DIR]   every image, tkr and cluster: builds, freshness, published ids (also dist/catalog/index.html)
  verify [PROJECT...] [--json]   declared vs real: templates, AMIs, SIG versions, TKrs; one line per finding, exit 1 on drift
`;

export const COMMANDS: Record<string, Command> = {
  validate: validateCommand,
  bundle: bundleCommand,
  bom: bomImportCommand,
  'os-image-version': osImageVersionCommand,
  review: reviewCommand,
  'ci-matrix': ciMatrixCommand,
  'cache-check': cacheCheckCommand,
  doctor: doctorCommand,
  catalog: catalogCommand,
  verify: verifyCommand,
};

export async function main(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? out : err).write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    err.write(`kiln: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, out, err);
  } catch (e) {
    err.write(`kiln ${name}: ${formatError(e)}\n`);
    return 1;
  }
}
