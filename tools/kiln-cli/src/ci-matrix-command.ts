// `kiln ci-matrix --base REF [--head REF]`: the CI fan-out as JSON: one entry per rebuilt image, then the tkrs and clusters.
import { parseArgs } from 'node:util';
import { analyseChange } from './change-analysis';
import type { Affected } from './affected-projects';
import { workspaceRoot } from './workspace-root';

export const CI_MATRIX_USAGE = `usage: kiln ci-matrix --base REF [--head REF] [--root DIR]

Prints one line of JSON for a CI matrix:
  {"base":SHA,"head":SHA,"images":[{"project":NAME,"infra":INFRA},...],"tkrs":[...],"clusters":[...],"imageCount":N,"finalCount":M}
images: one matrix job each (nx run <project>:upload); tkrs and clusters: one final job (gen-bom, apply-tkr, gen-cluster-config).
`;

export interface CiMatrix {
  base: string;
  head: string;
  images: { project: string; infra: string }[];
  tkrs: string[];
  clusters: string[];
  imageCount: number;
  finalCount: number;
}

export function ciMatrix(base: string, head: string, a: Affected): CiMatrix {
  const images = a.images.map((i) => ({ project: i.name, infra: i.head.plan?.infra ?? 'unknown' }));
  const tkrs = a.tkrs.map((t) => t.name);
  const clusters = a.clusters.map((c) => c.name);
  return { base, head, images, tkrs, clusters, imageCount: images.length, finalCount: tkrs.length + clusters.length };
}

export async function ciMatrixCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream = out): Promise<number> {
  const { values } = parseArgs({ args, options: { base: { type: 'string' }, head: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    out.write(CI_MATRIX_USAGE);
    return 0;
  }
  if (!values.base) {
    err.write(`kiln ci-matrix: --base is required\n\n${CI_MATRIX_USAGE}`);
    return 2;
  }
  const { sides, affected } = await analyseChange(workspaceRoot(values.root), values.base, values.head);
  out.write(JSON.stringify(ciMatrix(sides.base, sides.head ?? 'working tree', affected)) + '\n');
  return 0;
}
