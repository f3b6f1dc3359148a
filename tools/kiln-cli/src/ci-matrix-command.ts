// `kiln ci-matrix --base REF [--head REF]`: the CI fan-out as JSON: one entry per rebuilt image, then the tkrs and clusters.
import { defineCommand, UsageError } from './command-args';
import { analyseChange } from './change-analysis';
import type { Affected } from './affected-projects';
import { workspaceRoot } from './workspace-root';

const CI_MATRIX_USAGE = `usage: kiln ci-matrix --base REF [--head REF] [--root DIR]

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

function ciMatrix(base: string, head: string, a: Affected): CiMatrix {
  const images = a.images.map((i) => ({ project: i.name, infra: i.head.plan?.infra ?? 'unknown' }));
  const tkrs = a.tkrs.map((t) => t.name);
  const clusters = a.clusters.map((c) => c.name);
  return { base, head, images, tkrs, clusters, imageCount: images.length, finalCount: tkrs.length + clusters.length };
}

export const ciMatrixCommand = defineCommand({
  name: 'ci-matrix',
  usage: CI_MATRIX_USAGE,
  options: { base: { type: 'string' }, head: { type: 'string' }, root: { type: 'string' } },
  run: async ({ values }, out) => {
    if (!values.base) throw new UsageError('--base is required');
    const { sides, affected } = await analyseChange(workspaceRoot(values.root), values.base, values.head);
    out.write(JSON.stringify(ciMatrix(sides.base, sides.head ?? 'working tree', affected)) + '\n');
    return 0;
  },
});
