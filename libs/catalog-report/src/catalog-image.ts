// One image's catalog entry from its validated spec, its release and its dist records, at a given clock.
import type { Release } from '@kiln/catalog';
import { hardeningKind } from '@kiln/render';
import type { KilnImage } from '@kiln/schema';
import { gitSourceOf } from '@kiln/steps';
import { ageLabel, DEFAULT_REFRESH, refreshMs } from './build-age';
import type { CatalogBuild, CatalogImage, CatalogPublished, Freshness } from './catalog-model';
import { imageRecordFiles, type ImageRecords } from './image-records';
import { revocationOf } from './revocation';

export interface CatalogImageInput {
  name: string;
  spec: KilnImage;
  /** Key of the image's release in the release catalog, and the release. */
  tkg: string;
  release: Release;
  records: ImageRecords;
  now: number;
  usedBy: { tkrs: string[]; clusters: string[] };
}

const validTime = (t: string | undefined): t is string => t !== undefined && !Number.isNaN(Date.parse(t));

/** The last build: time from freshness.json (else artifact.json), expiry from freshness.json (else builtAt + refresh). */
function buildOf(records: ImageRecords, refresh: string, now: number, notes: string[]): CatalogBuild | undefined {
  const builtAt = records.freshness?.builtAt ?? records.artifact?.builtAt;
  if (builtAt === undefined) return undefined;
  if (!validTime(builtAt)) {
    notes.push(`the build record's builtAt ${JSON.stringify(builtAt)} is not a time; treated as never built`);
    return undefined;
  }
  const built = Date.parse(builtAt);
  const recorded = records.freshness?.expiresAt;
  const windowMs = refreshMs(records.freshness?.refresh ?? refresh) ?? refreshMs(DEFAULT_REFRESH)!;
  const expiresAt = validTime(recorded) ? recorded : new Date(built + windowMs).toISOString();
  return { builtAt, expiresAt, ageMs: now - built, age: ageLabel(now - built) };
}

function optionsOf(spec: KilnImage): string[] {
  const options: string[] = [];
  const hardening = hardeningKind(spec);
  if (hardening) options.push(hardening);
  if (spec.fips) options.push('fips');
  if (spec.gpu) options.push('gpu');
  if (spec.proxy) options.push('proxy');
  return options;
}

/** What upload published, when the record is of this image and infra. */
function publishedOf(name: string, spec: KilnImage, records: ImageRecords, notes: string[]): CatalogPublished | undefined {
  const record = records.published;
  if (!record) return undefined;
  const file = imageRecordFiles(name).published;
  if ((record.image !== undefined && record.image !== name) || (record.infra !== undefined && record.infra !== spec.infra)) {
    notes.push(`${file} is for ${record.image} (${record.infra}), not for this image; ignored`);
    return undefined;
  }
  const published: CatalogPublished = { contentKey: record.contentKey, regions: {} };
  if (spec.infra === 'aws') published.regions = { ...(record.aws?.amis ?? {}) };
  if (spec.infra === 'vsphere' && record.vsphere)
    published.template = { name: record.vsphere.templateName, path: record.vsphere.templatePath };
  if (spec.infra === 'azure' && record.azure) {
    const a = record.azure;
    published.sig = { id: a.sigImageVersionId, gallery: a.gallery, image: a.imageName, version: a.version };
    const declared = spec.upload.azure;
    for (const region of declared ? [declared.location, ...(declared.replicationRegions ?? [])] : [])
      published.regions[region] = a.sigImageVersionId;
  }
  const built = records.artifact?.contentKey;
  if (built && record.contentKey && built !== record.contentKey) {
    notes.push(
      `published content key ${record.contentKey.slice(0, 12)} is not the last build's (${built.slice(0, 12)}): run nx run ${name}:upload`,
    );
  }
  return published;
}

function freshnessOf(revokedNow: boolean, build: CatalogBuild | undefined, now: number): Freshness {
  if (revokedNow) return 'revoked';
  if (!build) return 'never built';
  return now >= Date.parse(build.expiresAt) ? 'stale' : 'fresh';
}

export function catalogImage(input: CatalogImageInput): CatalogImage {
  const { name, spec, records, now } = input;
  const notes = [...records.notes];
  const refresh = spec.refresh ?? DEFAULT_REFRESH;
  const revoked = revocationOf(spec.revoked, now);
  const build = buildOf(records, refresh, now, notes);
  const git = gitSourceOf(records.provenance);
  if (revoked) notes.unshift(`${revoked.effective ? 'revoked' : 'to be revoked'} ${revoked.at}: ${revoked.reason}`);
  return {
    name,
    infra: spec.infra,
    os: spec.os,
    tkg: input.tkg,
    kubernetes: input.release.kubernetes,
    options: optionsOf(spec),
    version: spec.vsphere?.version,
    refresh,
    freshness: freshnessOf(revoked?.effective ?? false, build, now),
    build,
    contentKey: records.artifact?.contentKey,
    gitCommit: git.commit,
    gitDirty: git.dirty,
    published: publishedOf(name, spec, records, notes),
    revoked,
    usedBy: input.usedBy,
    notes,
  };
}
