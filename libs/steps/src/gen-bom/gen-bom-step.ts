// gen-bom: tkr.yaml + base BoM + each image's published record → the custom TKr BoM, ConfigMap and diff.
import { join, posix } from 'node:path';
import { loadCatalog } from '@kiln/catalog';
import { renderTkrBom, type BomImage } from '@kiln/render';
import { loadTkrSpec, positionAt, readWorkspaceFile } from '@kiln/schema';
import { writeDirAtomic } from '../shared/atomic-write';
import { kilnNow } from '../shared/clock';
import { refuseRevokedUses, restoreHint, revokedSince } from '../shared/revoked-image';
import { loadListedImage, publishedFor, type ListedImage } from '../shared/listed-image';
import { planGenBom } from './plan-gen-bom';
import { writePlan } from '../shared/plan-record';
import { publishedFile, type PublishedRecord } from '../shared/published-record';
import type { PureStepOptions } from '../shared/pure-step-options';

export type GenBomStepOptions = PureStepOptions;

export function tkrSpecPath(name: string): string {
  return `tkrs/${name}/tkr.yaml`;
}

/** Workspace-relative path of the base BoM that tkr.yaml's bom: names (relative to the tkr folder). */
function tkrBomPath(name: string, bom: string): string {
  return posix.normalize(`tkrs/${name}/${bom}`);
}

export function readTkrBom(workspaceRoot: string, name: string, bom: string): { file: string; text: string } {
  const file = tkrBomPath(name, bom);
  const text = readWorkspaceFile(
    workspaceRoot,
    file,
    `bom: in ${tkrSpecPath(name)} is relative to tkrs/${name}/; copy the TKG release's BoM there with npx kiln bom import ${name} --version <release.version>`,
  );
  return { file, text };
}

/** What gen-bom adds to the BoM for one image, from its published record. */
export function bomImageOf(image: ListedImage, published: PublishedRecord): BomImage {
  const { name, spec, osinfo } = image;
  if (spec.infra === 'vsphere') {
    return {
      image: name,
      infra: 'vsphere',
      name,
      version: published.version!,
      osinfo,
      uniqueVersion: spec.vsphere?.clusterType === 'plan',
    };
  }
  if (spec.infra === 'aws') return { image: name, infra: 'aws', amis: published.aws!.amis, osinfo };
  const a = published.azure!;
  return {
    image: name,
    infra: 'azure',
    resourceGroup: a.resourceGroup,
    name: a.imageName,
    subscriptionID: a.subscriptionId,
    gallery: a.gallery,
    version: a.version,
    osinfo,
  };
}

export function genBomStep(options: GenBomStepOptions): string {
  const { workspaceRoot, project, outputPath, plan } = options;
  const catalog = options.catalog ?? loadCatalog();
  const tkrFile = tkrSpecPath(project);
  const { spec: tkr, source } = loadTkrSpec(tkrFile, readWorkspaceFile(workspaceRoot, tkrFile));
  const base = readTkrBom(workspaceRoot, project, tkr.bom);
  // Every listed image must exist and be valid before any published record is read.
  const listed = tkr.images.map((name, i) => loadListedImage(workspaceRoot, name, tkrFile, positionAt(source, `/images/${i}`), catalog));
  refuseRevokedUses(
    listed.map((image, i) => ({ image, file: tkrFile, at: positionAt(source, `/images/${i}`) })),
    options.now ?? kilnNow(),
    ({ image }, revoked) => ({
      code: 'TKR_IMAGE_REVOKED',
      message: `${tkrFile} lists image ${image.name}, which is ${revokedSince(revoked)}`,
      hint: `remove ${image.name} from images: in ${tkrFile}, or ${restoreHint(image.name)}`,
    }),
  );
  const images = listed.map((image) => bomImageOf(image, publishedFor(workspaceRoot, image, plan)));
  const out = renderTkrBom({
    tkr: project,
    bomFile: base.file,
    bom: base.text,
    suffix: tkr.suffix,
    namespace: tkr.managementCluster.namespace ?? 'tkr-system',
    images,
    outputPath,
  });
  const written = `wrote ${outputPath}/{${Object.keys(out.files).sort().join(',')}}`;
  if (plan) {
    const record = {
      ...planGenBom(project, tkr),
      summary: `TKr ${out.tkrName}: ${planGenBom(project, tkr).summary}`,
      notes: [
        ...out.summary,
        `ami-PLANNED-<image>-<region> and PLANNED:<image> stand for ids only upload knows; the real run reads ${publishedFile('<image>')}`,
        written,
      ],
    };
    return writePlan(workspaceRoot, outputPath, record, out.files);
  }
  writeDirAtomic(join(workspaceRoot, outputPath), out.files);
  return [`gen-bom ${project}: TKr ${out.tkrName}`, ...out.summary.map((l) => `  ${l}`), written].join('\n');
}
