// The dist/ layout: every folder Kiln writes under dist/, named once (workspace-relative; users and CI rely on these paths).
// No imports: the Nx plugin entry loads this module while it builds the project graph.

/** Root of everything Kiln writes. */
export const DIST_ROOT = 'dist';

/** Root of plan mode (`-c plan`): a plan run writes nothing outside it. */
export const PLAN_ROOT = `${DIST_ROOT}/plan`;

/** Endpoint records of the running resource-bundle containers (not an Nx output). */
export const BUNDLES_DIST = `${DIST_ROOT}/bundles`;

/** Folders of `kiln review`: the report, and the scratch renders it compares. */
export const REVIEW_DIST = { report: `${DIST_ROOT}/review`, renders: `${PLAN_ROOT}/kiln-review` } as const;

/** Folders of an image's real runs. */
export interface ImageDist {
  /** render-config: tkg.json, customizations.json, metadata.json, build-plan.json. */
  config: string;
  /** build (its Nx output): artifact.json, provenance.json, sbom.cdx.json, freshness.json. */
  build: string;
  /** What the image-builder container produced (OVA, manifests, the package list packages.tsv); not an Nx output. */
  output: string;
  /** upload: published.json, import-options.json. */
  upload: string;
  /** Full logs of build and upload runs. */
  logs: string;
}

export function imageDist(name: string): ImageDist {
  const root = `${DIST_ROOT}/images/${name}`;
  return { config: `${root}/config`, build: `${root}/build`, output: `${root}/output`, upload: `${root}/upload`, logs: `${root}/logs` };
}

/** Folders of a TKr's real runs. */
export interface TkrDist {
  /** gen-bom: the BoM, its ConfigMap and changes.diff. */
  bom: string;
  /** apply-tkr: applied.json (outside gen-bom's cached folder). */
  applied: string;
}

export function tkrDist(name: string): TkrDist {
  return { bom: `${DIST_ROOT}/tkrs/${name}`, applied: `${DIST_ROOT}/applied/tkrs/${name}` };
}

/** Folders of a cluster's real runs. */
export interface ClusterDist {
  /** gen-cluster-config: cluster-config.yaml and create.sh. */
  config: string;
}

export function clusterDist(name: string): ClusterDist {
  return { config: `${DIST_ROOT}/clusters/${name}` };
}

/** The folder of each kind of Kiln project (images/<name>/image.yaml, ...), as dist/ and dist/plan/ use it too. */
export type ProjectFolder = 'images' | 'tkrs' | 'clusters';

/** verify (every project): findings.json, what it found the last time it ran. */
export function verifyDist(folder: ProjectFolder, name: string): string {
  return `${DIST_ROOT}/verify/${folder}/${name}`;
}

/** The targets of Kiln projects, by the kind of project that has them. */
const TARGET_KINDS = {
  'render-config': 'images',
  'pull-bundle': 'images',
  build: 'images',
  upload: 'images',
  'gen-bom': 'tkrs',
  'apply-tkr': 'tkrs',
  'gen-cluster-config': 'clusters',
} as const;

export type KilnTarget = keyof typeof TARGET_KINDS;

/**
 * Where a `-c plan` run of `target` writes for `project`: dist/plan/<kind>/<project>/<target> (render-config: .../config).
 * verify runs on every kind of project, so its plan folder needs the project's folder.
 */
export function planDist(target: KilnTarget, project: string): string;
export function planDist(target: 'verify', project: string, folder: ProjectFolder): string;
export function planDist(target: KilnTarget | 'verify', project: string, folder?: ProjectFolder): string {
  const kind = target === 'verify' ? folder! : TARGET_KINDS[target];
  return `${PLAN_ROOT}/${kind}/${project}/${target === 'render-config' ? 'config' : target}`;
}
