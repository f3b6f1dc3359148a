// gen-cluster-config: cluster.yaml + the management cluster's config + TKr or image → cluster-config.yaml, create.sh.
import { chmodSync, existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { loadCatalog, type Catalog } from '@kiln/catalog';
import { KilnError } from '@kiln/errors';
import { bomReleaseVersion, customTkrVersion, renderClusterConfig, tkrNameOf, type ClusterImage } from '@kiln/render';
import { loadClusterSpec, loadTkrSpec, positionAt, readWorkspaceFile } from '@kiln/schema';
import { writeDirAtomic } from '../shared/atomic-write';
import { readTkrBom, tkrSpecPath } from '../gen-bom/gen-bom-step';
import { loadListedImage, publishedFor, type ListedImage } from '../shared/listed-image';
import { planGenClusterConfig } from './plan-gen-cluster-config';
import { writePlan } from '../shared/plan-record';
import type { PublishedRecord } from '../shared/published-record';

export interface GenClusterConfigStepOptions {
  workspaceRoot: string;
  /** Cluster project name (folder under clusters/). */
  project: string;
  /** Workspace-relative output folder (dist/clusters/<name>, or dist/plan/clusters/<name>/gen-cluster-config). */
  outputPath: string;
  plan: boolean;
  catalog?: Catalog;
}

function clusterImageOf(image: ListedImage, published?: PublishedRecord): ClusterImage {
  const { name, spec, osinfo } = image;
  const out: ClusterImage = { image: name, infra: spec.infra, osinfo, clusterType: spec.vsphere?.clusterType };
  if (published?.vsphere) out.templateName = published.vsphere.templateName;
  if (published?.aws) out.amis = published.aws.amis;
  if (published?.azure) {
    const a = published.azure;
    out.azure = { subscriptionId: a.subscriptionId, resourceGroup: a.resourceGroup, gallery: a.gallery, imageName: a.imageName, version: a.version };
  }
  return out;
}

export function genClusterConfigStep(options: GenClusterConfigStepOptions): string {
  const { workspaceRoot, project, outputPath, plan } = options;
  const catalog = options.catalog ?? loadCatalog();
  const clusterFile = `clusters/${project}/cluster.yaml`;
  const { spec: cluster, source } = loadClusterSpec(clusterFile, readWorkspaceFile(workspaceRoot, clusterFile));
  const baseFile = posix.normalize(`clusters/${project}/${cluster.base}`);
  const base = readWorkspaceFile(workspaceRoot, baseFile, `base: in ${clusterFile} is relative to clusters/${project}/; copy the management cluster's configuration file there`);

  let tkr: { project: string; tkrName: string; images: ClusterImage[] } | undefined;
  let image: ClusterImage | undefined;
  if (cluster.tkr) {
    const tkrFile = tkrSpecPath(cluster.tkr);
    if (!existsSync(join(workspaceRoot, tkrFile))) {
      const at = positionAt(source, '/tkr');
      throw new KilnError('TKR_UNKNOWN', `${clusterFile} uses tkr ${cluster.tkr}, but ${tkrFile} does not exist`, {
        file: clusterFile,
        line: at.line,
        column: at.column,
        hint: 'use the name of a TKr project (a folder under tkrs/ with a tkr.yaml)',
      });
    }
    const loaded = loadTkrSpec(tkrFile, readWorkspaceFile(workspaceRoot, tkrFile));
    const bom = readTkrBom(workspaceRoot, cluster.tkr, loaded.spec.bom);
    const tkrName = tkrNameOf(customTkrVersion(bomReleaseVersion(bom.text, bom.file), loaded.spec.suffix, tkrFile));
    const images = loaded.spec.images.map((name, i) => clusterImageOf(loadListedImage(workspaceRoot, name, tkrFile, positionAt(loaded.source, `/images/${i}`), catalog)));
    tkr = { project: cluster.tkr, tkrName, images };
  } else {
    const listed = loadListedImage(workspaceRoot, cluster.image!, clusterFile, positionAt(source, '/image'), catalog);
    image = clusterImageOf(listed, publishedFor(workspaceRoot, listed, plan));
  }

  const out = renderClusterConfig({
    project,
    clusterFile,
    baseFile,
    base,
    kind: cluster.kind ?? 'workload',
    name: cluster.name,
    overrides: cluster.overrides ?? {},
    outputPath,
    tkr,
    image,
  });
  const written = `wrote ${outputPath}/{${Object.keys(out.files).sort().join(',')}}`;
  const warnings = out.warnings.map((w) => `warning: ${w}`);
  let report: string;
  if (plan) {
    const record = {
      ...planGenClusterConfig(project, cluster),
      summary: `${out.summary[0]}, over ${baseFile}`,
      commands: [{ argv: out.argv }],
      notes: [...out.summary.slice(1, -1).map((l) => l.trim()), ...warnings, ...(image && image.infra !== 'vsphere' ? ['ami-PLANNED-<image>-<region> and PLANNED:<image> stand for ids only upload knows'] : []), written],
    };
    report = writePlan(workspaceRoot, outputPath, record, out.files);
  } else {
    writeDirAtomic(join(workspaceRoot, outputPath), out.files);
    report = [`gen-cluster-config ${project}: ${out.summary[0]}`, ...out.summary.slice(1).map((l) => `  ${l}`), ...warnings.map((w) => `  ${w}`), written].join('\n');
  }
  chmodSync(join(workspaceRoot, outputPath, 'create.sh'), 0o755);
  return report;
}
