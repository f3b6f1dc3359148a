// gen-bom: tkr.yaml + base BoM + each image's published record → the custom TKr BoM, ConfigMap and diff.
import { join, posix } from 'node:path';
import { loadCatalog, type Catalog } from '@kiln/catalog';
import { renderTkrBom, type BomImage } from '@kiln/render';
import { loadTkrSpec, positionAt, readWorkspaceFile } from '@kiln/schema';
import { writeDirAtomic } from '../shared/atomic-write';
import { loadListedImage, publishedFor, type ListedImage } from '../shared/listed-image';
import { planGenBom } from './plan-gen-bom';
import { writePlan } from '../shared/plan-record';
import type { PublishedRecord } from '../shared/published-record';

export interface GenBomStepOptions {
  workspaceRoot: string;
  /** TKr project name (folder under tkrs/). */
  project: string;
  /** Workspace-relative output folder (dist/tkrs/<name>, or dist/plan/tkrs/<name>/gen-bom in plan mode). */
  outputPath: string;
  plan: boolean;
  catalog?: Catalog;
}

export function tkrSpecPath(name: string): string {
  return `tkrs/${name}/tkr.yaml`;
}

/** Workspace-relative path of the base BoM that tkr.yaml's bom: names (relative to the tkr folder). */
export function tkrBomPath(name: string, bom: string): string {
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

function bomImageOf(image: ListedImage, published: PublishedRecord): BomImage {
  const { name, spec, osinfo } = image;
  if (spec.infra === 'vsphere') {
    return { image: name, infra: 'vsphere', name, version: published.version!, osinfo, uniqueVersion: spec.vsphere?.clusterType === 'plan' };
  }
  if (spec.infra === 'aws') return { image: name, infra: 'aws', amis: published.aws!.amis, osinfo };
  const a = published.azure!;
  return { image: name, infra: 'azure', resourceGroup: a.resourceGroup, name: a.imageName, subscriptionID: a.subscriptionId, gallery: a.gallery, version: a.version, osinfo };
}

export function genBomStep(options: GenBomStepOptions): string {
  const { workspaceRoot, project, outputPath, plan } = options;
  const catalog = options.catalog ?? loadCatalog();
  const tkrFile = tkrSpecPath(project);
  const { spec: tkr, source } = loadTkrSpec(tkrFile, readWorkspaceFile(workspaceRoot, tkrFile));
  const base = readTkrBom(workspaceRoot, project, tkr.bom);
  // Every listed image must exist and be valid before any published record is read.
  const listed = tkr.images.map((name, i) => loadListedImage(workspaceRoot, name, tkrFile, positionAt(source, `/images/${i}`), catalog));
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
        'ami-PLANNED-<image>-<region> and PLANNED:<image> stand for ids only upload knows; the real run reads dist/images/<image>/upload/published.json',
        written,
      ],
    };
    return writePlan(workspaceRoot, outputPath, record, out.files);
  }
  writeDirAtomic(join(workspaceRoot, outputPath), out.files);
  return [`gen-bom ${project}: TKr ${out.tkrName}`, ...out.summary.map((l) => `  ${l}`), written].join('\n');
}
