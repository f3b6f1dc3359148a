// Azure upload: the build already created the Shared Image Gallery image version; upload checks it is this build
// (tags), tags it and replicates it to the declared regions (keeping the build location), with the az CLI.
import { KilnError } from '@kiln/errors';
import { azureImageDefinition } from '@kiln/render';
import type { KilnImage } from '@kiln/schema';
import { artifactFile } from '../../build/artifact-record';
import type { PlannedCommand } from '../../shared/plan-record';
import { cloudCliFailure } from '../upload-cli';
import { envNumber } from '../../shared/kiln-env';
import type { PublishedRecord } from '../../shared/published-record';
import { kilnTags, PLANNED_COMMIT, replaceHint, REVOKED_TAG, shortKey, type UploadContext } from '../upload-context';

export type AzureUpload = NonNullable<KilnImage['upload']['azure']>;

export interface SigVersionRef {
  subscriptionId: string;
  resourceGroup: string;
  gallery: string;
  imageName: string;
  version: string;
}

export interface TargetRegion {
  name: string;
  regionalReplicaCount?: number;
  storageAccountType?: string | null;
}

export interface SigImageVersion {
  id: string;
  name: string;
  location: string;
  provisioningState?: string;
  publishingProfile?: { targetRegions?: TargetRegion[]; excludeFromLatest?: boolean };
  tags?: Record<string, string> | null;
}

const VERSION_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/galleries\/([^/]+)\/images\/([^/]+)\/versions\/([^/]+)$/i;

export function parseSigVersionId(id: string): SigVersionRef | undefined {
  const m = VERSION_ID.exec(id);
  return m ? { subscriptionId: m[1]!, resourceGroup: m[2]!, gallery: m[3]!, imageName: m[4]!, version: m[5]! } : undefined;
}

/** The gallery image definition the build used: the one image-builder's init-sig.sh creates for the OS. */
function galleryImageName(os: string): string {
  return azureImageDefinition(os);
}

/** Azure answers target regions with display names ("West Europe"); compare as `westeurope`. */
export function regionKey(name: string): string {
  return name.toLowerCase().replace(/\s+/g, '');
}

/** The version as published.json recorded it. */
export function publishedSigRef(azure: {
  subscriptionId: string;
  resourceGroup: string;
  gallery: string;
  imageName: string;
  version: string;
}): SigVersionRef {
  return {
    subscriptionId: azure.subscriptionId,
    resourceGroup: azure.resourceGroup,
    gallery: azure.gallery,
    imageName: azure.imageName,
    version: azure.version,
  };
}

function refArgs(ref: SigVersionRef): string[] {
  return [
    '--subscription',
    ref.subscriptionId,
    '--resource-group',
    ref.resourceGroup,
    '--gallery-name',
    ref.gallery,
    '--gallery-image-definition',
    ref.imageName,
    '--gallery-image-version',
    ref.version,
  ];
}

export const azArgs = {
  show: (ref: SigVersionRef) => ['sig', 'image-version', 'show', ...refArgs(ref), '-o', 'json'],
  /** `--target-regions` is the whole list (existing entries keep `name=replicas=storage`); tags via generic `--set`. */
  update: (ref: SigVersionRef, targetRegions: string[] | undefined, tags: Array<[string, string]> | undefined) => [
    'sig',
    'image-version',
    'update',
    ...refArgs(ref),
    ...(targetRegions ? ['--target-regions', ...targetRegions] : []),
    ...(tags ? ['--set', ...tags.map(([k, v]) => `tags.${k}=${v}`), '--force-string'] : []),
    '-o',
    'json',
  ],
  /**
   * A revocation: excluded from latest and tagged with its `at`. No --force-string: excludeFromLatest must reach Azure
   * as a JSON boolean (az would turn the string "false" into true); the tag value is JSON-quoted so it stays a string.
   */
  exclude: (ref: SigVersionRef, at: string) => [
    'sig',
    'image-version',
    'update',
    ...refArgs(ref),
    '--set',
    'publishingProfile.excludeFromLatest=true',
    `tags.${REVOKED_TAG}=${JSON.stringify(at)}`,
    '-o',
    'json',
  ],
  /** Undoes a revocation removed from image.yaml: back in latest, the kiln:revoked tag removed. */
  restore: (ref: SigVersionRef) => [
    'sig',
    'image-version',
    'update',
    ...refArgs(ref),
    '--set',
    'publishingProfile.excludeFromLatest=false',
    '--remove',
    `tags.${REVOKED_TAG}`,
    '-o',
    'json',
  ],
};

/**
 * An existing target region as `name[=replicas[=storage]]`. The storage type is lower-cased: az 2.45 compares the
 * three-part form case-sensitively against `standard_lrs, standard_zrs, premium_lrs` (the API answers `Standard_LRS`),
 * later versions compare case-insensitively, and Azure accepts either casing.
 */
export function keepRegion(t: TargetRegion): string {
  const count = t.regionalReplicaCount ? `=${t.regionalReplicaCount}` : '';
  return `${regionKey(t.name)}${count}${count && t.storageAccountType ? `=${t.storageAccountType.toLowerCase()}` : ''}`;
}

function expectedRef(ctx: UploadContext): SigVersionRef {
  const up = ctx.upload.azure!;
  const id = ctx.artifact.sigImageVersionId ?? '';
  const ref = parseSigVersionId(id);
  if (!ref) {
    throw new KilnError('ARTIFACT_INVALID', `${artifactFile(ctx.image)} has no valid sigImageVersionId (${JSON.stringify(id)})`, {
      hint: `rebuild: nx run ${ctx.image}:build --skip-nx-cache`,
    });
  }
  const want = {
    subscriptionId: up.subscriptionId,
    resourceGroup: up.resourceGroup,
    gallery: up.gallery,
    imageName: galleryImageName(ctx.artifact.os),
  };
  for (const [k, v] of Object.entries(want) as Array<[keyof typeof want, string]>) {
    if (ref[k].toLowerCase() !== v.toLowerCase()) {
      throw new KilnError('ARTIFACT_MISMATCH', `the built image version ${id} is in ${k} ${ref[k]}, but image.yaml declares ${v}`, {
        hint: `rebuild for the declared gallery: nx run ${ctx.image}:build --skip-nx-cache`,
      });
    }
  }
  return ref;
}

/** `az sig image-version show`: the version, or undefined when Azure answers ResourceNotFound; other failures throw. */
export async function showSigVersion(cli: UploadContext['cli'], ref: SigVersionRef): Promise<SigImageVersion | undefined> {
  const showArgs = azArgs.show(ref);
  const shown = await cli.run('az', showArgs, { allowFailure: true });
  if (shown.exitCode !== 0) {
    if (/ResourceNotFound|was not found/i.test(shown.stderr)) return undefined;
    throw cloudCliFailure(
      'AZ_FAILED',
      `az sig image-version show failed (exit code ${shown.exitCode})`,
      'run az login (or az account set --subscription ...) in the shell that runs nx',
      'az',
      showArgs,
      shown.stderr,
    );
  }
  return JSON.parse(shown.stdout) as SigImageVersion;
}

export async function uploadAzure(ctx: UploadContext): Promise<NonNullable<PublishedRecord['azure']>> {
  const up = ctx.upload.azure!;
  const ref = expectedRef(ctx);
  const key = ctx.artifact.contentKey;
  const shown = await showSigVersion(ctx.cli, ref);
  if (!shown) {
    throw new KilnError(
      'SIG_VERSION_NOT_FOUND',
      `Shared Image Gallery image version ${ref.gallery}/${ref.imageName}/${ref.version} (from artifact.json) does not exist`,
      {
        hint: `rebuild: nx run ${ctx.image}:build --skip-nx-cache`,
      },
    );
  }
  let version = shown;
  if (version.provisioningState && version.provisioningState !== 'Succeeded') {
    throw new KilnError('SIG_VERSION_NOT_READY', `Shared Image Gallery image version ${version.id} is ${version.provisioningState}`, {
      hint:
        version.provisioningState === 'Failed'
          ? `rebuild: nx run ${ctx.image}:build --skip-nx-cache`
          : 'wait for Azure to finish, then run upload again',
    });
  }
  const have = version.tags ?? {};
  if (have['kiln:content-key'] && have['kiln:content-key'] !== key && !ctx.replace) {
    throw new KilnError(
      'SIG_VERSION_CONFLICT',
      `Shared Image Gallery image version ${version.id} already carries other content (content key ${shortKey(have['kiln:content-key'])}, this build ${shortKey(key)})`,
      {
        hint: replaceHint(ctx.image, 'tag it as this build', 'upload.azure.gallery'),
      },
    );
  }
  const tags = kilnTags(ctx.image, ctx.artifact.version, ctx.kubernetesSemver, key, ctx.commit);
  const needTags = tags.some(([k, v]) => have[k] !== v);
  const current = version.publishingProfile?.targetRegions ?? [];
  const currentKeys = current.map((t) => regionKey(t.name));
  const wanted = [...new Set([up.location, version.location, ...(up.replicationRegions ?? [])].map(regionKey))];
  const missing = wanted.filter((r) => !currentKeys.includes(r));
  if (!needTags && missing.length === 0) {
    ctx.say(`image version ${version.id} already holds this build in ${currentKeys.join(', ')}: nothing to do`);
  } else {
    if (needTags && have['kiln:content-key'] && have['kiln:content-key'] !== key)
      ctx.say(`--replace: overwriting the Kiln tags of ${version.id}`);
    const regions = missing.length ? [...current.map(keepRegion), ...missing] : undefined;
    const timeoutMs =
      envNumber(ctx.env, 'KILN_AZURE_REPLICATION_TIMEOUT_MINUTES', 180, { min: 0.001, max: 7 * 24 * 60, unit: 'minutes', decimal: true }) *
      60_000;
    const out = await ctx.cli.json<SigImageVersion>('az', azArgs.update(ref, regions, needTags ? tags : undefined), {
      echoOutput: true,
      timeoutMs,
    });
    if (out) version = out;
    ctx.say(`image version ${version.id}${missing.length ? ` replicated to ${missing.join(', ')}` : ''}${needTags ? ', tagged' : ''}`);
  }
  if ((version.tags ?? {})[REVOKED_TAG] !== undefined) {
    // image.yaml no longer revokes the image: undo what the revoked upload did (found by its tag).
    const out = await ctx.cli.json<SigImageVersion>('az', azArgs.restore(ref));
    if (out) version = out;
    ctx.say(`image version ${version.id} was revoked and image.yaml no longer says so: back in latest`);
  }
  return {
    sigImageVersionId: version.id,
    subscriptionId: ref.subscriptionId,
    resourceGroup: ref.resourceGroup,
    gallery: ref.gallery,
    imageName: ref.imageName,
    version: ref.version,
  };
}

export function planAzure(
  image: string,
  os: string,
  up: AzureUpload,
  tags: Array<[string, string]>,
): { commands: PlannedCommand[]; notes: string[] } {
  const ref: SigVersionRef = {
    subscriptionId: up.subscriptionId,
    resourceGroup: up.resourceGroup,
    gallery: up.gallery,
    imageName: galleryImageName(os),
    version: '<version>',
  };
  const regions = [...new Set([up.location, ...(up.replicationRegions ?? [])].map(regionKey))];
  return {
    commands: [
      {
        argv: ['az', ...azArgs.show(ref)],
        when: 'always: the version must exist; tags with another kiln:content-key stop the upload unless --replace',
      },
      {
        argv: ['az', ...azArgs.update(ref, ['<existing region=replicas=storage>...', ...regions], tags)],
        when: 'only if a region is not replicated yet (--target-regions, existing regions kept) or a tag is missing (--set); waits for replication',
      },
      {
        argv: ['az', ...azArgs.restore(ref)],
        when: `only if the version carries ${REVOKED_TAG}: a revocation removed from image.yaml is undone`,
      },
    ],
    notes: [
      `<version> = the version in sigImageVersionId of ${artifactFile(image)}`,
      `${PLANNED_COMMIT} = the git commit in the build's provenance.json (-dirty when tracked files differed); without a provenance record the version gets no kiln:commit tag`,
      'credentials: the az CLI login (az login), never argv',
    ],
  };
}
