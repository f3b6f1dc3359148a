// An image named by a tkr.yaml or cluster.yaml: its validated spec, OS info and published (or planned) record.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '@kiln/catalog';
import { KilnError } from '@kiln/errors';
import type { BomOsInfo } from '@kiln/render';
import { loadImageSpec, readWorkspaceFile, type KilnImage, type Position } from '@kiln/schema';
import { imageSpecPath } from './load-image-context';
import { plannedPublished } from './planned-published';
import { publishedFile, readPublished, type PublishedRecord } from './published-record';

export interface ListedImage {
  name: string;
  spec: KilnImage;
  osinfo: BomOsInfo;
}

/** Loads images/<name>/image.yaml; a missing one is an error at the referring file's line. */
export function loadListedImage(workspaceRoot: string, name: string, referrer: string, at: Position, catalog: Catalog): ListedImage {
  const file = imageSpecPath(name);
  if (!existsSync(join(workspaceRoot, file))) {
    throw new KilnError('IMAGE_UNKNOWN', `${referrer} lists image ${name}, but ${file} does not exist`, {
      file: referrer,
      line: at.line,
      column: at.column,
      hint: 'use the name of an image project (a folder under images/ with an image.yaml)',
    });
  }
  const { spec } = loadImageSpec(file, readWorkspaceFile(workspaceRoot, file), catalog);
  return { name, spec, osinfo: { ...catalog.osinfo[spec.os] } };
}

/** The image's published.json (real mode, checked against its spec) or its planned stand-in (plan mode). */
export function publishedFor(workspaceRoot: string, image: ListedImage, plan: boolean): PublishedRecord {
  if (plan) return plannedPublished(image.name, image.spec);
  const record = readPublished(workspaceRoot, image.name);
  const stale = (what: string) =>
    new KilnError('PUBLISHED_STALE', `${publishedFile(image.name)} ${what}`, {
      file: publishedFile(image.name),
      hint: `run nx run ${image.name}:upload again`,
    });
  if (record.image !== image.name || record.infra !== image.spec.infra) {
    throw stale(`is for ${record.image} (${record.infra}), not for ${image.name} (${image.spec.infra})`);
  }
  const missing =
    image.spec.infra === 'vsphere'
      ? (!record.version || !record.vsphere?.templateName) && 'version/vsphere.templateName'
      : image.spec.infra === 'aws'
        ? (!record.aws || Object.keys(record.aws.amis).length === 0) && 'aws.amis'
        : !record.azure && 'azure';
  if (missing) throw stale(`has no ${missing}`);
  // The callers refuse an image whose revocation is in force first: a recorded revocation is one image.yaml dropped.
  if (record.revoked) {
    throw new KilnError(
      'PUBLISHED_STALE',
      `${publishedFile(image.name)} records the revocation of ${record.revoked.at}, but images/${image.name}/image.yaml no longer revokes the image`,
      {
        file: publishedFile(image.name),
        hint: `run nx run ${image.name}:upload again: it restores the image in the cloud and rewrites the record`,
      },
    );
  }
  if (image.spec.infra === 'vsphere' && image.spec.vsphere?.version !== record.version) {
    throw stale(`says the OVA VERSION is ${record.version}, but images/${image.name}/image.yaml says ${image.spec.vsphere?.version}`);
  }
  return record;
}
