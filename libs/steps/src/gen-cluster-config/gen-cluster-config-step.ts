// gen-cluster-config: cluster.yaml + the management cluster's config + TKr or image → cluster-config.yaml, create.sh.
import { chmodSync, existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { loadCatalog } from '@kiln/catalog';
import { KilnError } from '@kiln/errors';
import { bomReleaseVersion, customTkrVersion, renderClusterConfig, tkrNameOf, type ClusterImage } from '@kiln/render';
import { loadClusterSpec, loadTkrSpec, positionAt, readWorkspaceFile } from '@kiln/schema';
import { writeDirAtomic } from '../shared/atomic-write';
import { kilnNow } from '../shared/clock';
import { refuseRevokedUses, restoreHint, revokedSince } from '../shared/revoked-image';
import { readTkrBom, tkrSpecPath } from '../gen-bom/gen-bom-step';
import { loadListedImage, publishedFor, type ListedImage } from '../shared/listed-image';
import { planGenClusterConfig } from './plan-gen-cluster-config';
import { writePlan } from '../shared/plan-record';
import type { PublishedRecord } from '../shared/published-record';
import type { PureStepOptions } from '../shared/pure-step-options';

export type GenClusterConfigStepOptions = PureStepOptions;

function clusterImageOf(image: ListedImage, published?: PublishedRecord): ClusterImage {
  const { name, spec, osinfo } = image;
  const out: ClusterImage = { image: name, infra: spec.infra, osinfo, clusterType: spec.vsphere?.clusterType };
  if (published?.vsphere) out.templateName = published.vsphere.templateName;
  if (published?.aws) out.amis = published.aws.amis;
  if (published?.azure) {
    const a = published.azure;
    out.azure = {
      subscriptionId: a.subscriptionId,
      resourceGroup: a.resourceGroup,
      gallery: a.gallery,
      imageName: a.imageName,
      version: a.version,
    };
  }
  return out;
}

export function genClusterConfigStep(options: GenClusterConfigStepOptions): string {
  const { workspaceRoot, project, outputPath, plan } = options;
  const catalog = options.catalog ?? loadCatalog();
  const now = options.now ?? kilnNow();
  const clusterFile = `clusters/${project}/cluster.yaml`;
  const { spec: cluster, source } = loadClusterSpec(clusterFile, readWorkspaceFile(workspaceRoot, clusterFile));
  const baseFile = posix.normalize(`clusters/${project}/${cluster.base}`);
  const base = readWorkspaceFile(
    workspaceRoot,
    baseFile,
    `base: in ${clusterFile} is relative to clusters/${project}/; copy the management cluster's configuration file there`,
  );

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
    const listed = loaded.spec.images.map((name, i) =>
      loadListedImage(workspaceRoot, name, tkrFile, positionAt(loaded.source, `/images/${i}`), catalog),
    );
    const at = positionAt(source, '/tkr');
    refuseRevokedUses(
      listed.map((image) => ({ image, file: clusterFile, at })),
      now,
      ({ image: listedImage }, revoked) => {
        const entry = positionAt(loaded.source, `/images/${loaded.spec.images.indexOf(listedImage.name)}`);
        return {
          code: 'CLUSTER_IMAGE_REVOKED',
          message: `${clusterFile} uses tkr ${cluster.tkr}, which lists image ${listedImage.name}, ${revokedSince(revoked)}`,
          hint: `remove ${listedImage.name} from ${tkrFile} and apply the TKr again, use another tkr, or ${restoreHint(listedImage.name)}`,
          context: { 'listed at': `${tkrFile}:${entry.line}:${entry.column}` },
        };
      },
    );
    tkr = { project: cluster.tkr, tkrName, images: listed.map((l) => clusterImageOf(l)) };
  } else {
    const listed = loadListedImage(workspaceRoot, cluster.image!, clusterFile, positionAt(source, '/image'), catalog);
    refuseRevokedUses([{ image: listed, file: clusterFile, at: positionAt(source, '/image') }], now, ({ image: used }, revoked) => ({
      code: 'CLUSTER_IMAGE_REVOKED',
      message: `${clusterFile} uses image ${used.name}, which is ${revokedSince(revoked)}`,
      hint: `use another image, or ${restoreHint(used.name)}`,
    }));
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
      notes: [
        ...out.summary.slice(1, -1).map((l) => l.trim()),
        ...warnings,
        ...(image && image.infra !== 'vsphere' ? ['ami-PLANNED-<image>-<region> and PLANNED:<image> stand for ids only upload knows'] : []),
        written,
      ],
    };
    report = writePlan(workspaceRoot, outputPath, record, out.files);
  } else {
    writeDirAtomic(join(workspaceRoot, outputPath), out.files);
    report = [
      `gen-cluster-config ${project}: ${out.summary[0]}`,
      ...out.summary.slice(1).map((l) => `  ${l}`),
      ...warnings.map((w) => `  ${w}`),
      written,
    ].join('\n');
  }
  chmodSync(join(workspaceRoot, outputPath, 'create.sh'), 0o755);
  return report;
}
