// Upload of a revoked image: the cloud's own lifecycle applied to exactly what published.json lists (AMIs deprecated,
// the SIG version excluded from latest, the template annotated), recorded in published.json; nothing is published.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import type { KilnImage, KilnImageRevoked } from '@kiln/schema';
import { publishedFile, type PublishedRecord, type RevocationApplied } from '../shared/published-record';
import { restoreHint, revokedSince } from '../shared/revoked-image';
import { revokeAws } from './aws/revoke-aws';
import { revokeAzure } from './azure/revoke-azure';
import type { RevokeContext } from './revoke-context';
import { revokeVsphere } from './vsphere/revoke-vsphere';

/** published.json of a revoked image: it must exist and describe this image, or there is nothing to revoke. */
export function readPublishedForRevocation(
  workspaceRoot: string,
  project: string,
  spec: KilnImage,
  revoked: KilnImageRevoked,
  file = publishedFile(project),
): PublishedRecord {
  if (!existsSync(join(workspaceRoot, file))) {
    throw new KilnError(
      'REVOKED_NOT_PUBLISHED',
      `image ${project} is ${revokedSince(revoked)} and was never published (${file} not found): there is no AMI, image version or template to apply the cloud's lifecycle to`,
      { hint: `nothing to do in the cloud (a revoked image is not built); ${restoreHint(project)}` },
    );
  }
  let record: PublishedRecord;
  try {
    record = JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as PublishedRecord;
  } catch {
    throw new KilnError('PUBLISHED_INVALID', `${file} is not valid JSON`, {
      file,
      hint: 'restore it from the last upload (it lists what to revoke), or remove the published objects by hand',
    });
  }
  const has = spec.infra === 'vsphere' ? record.vsphere : spec.infra === 'aws' ? record.aws : record.azure;
  if (record.image !== project || record.infra !== spec.infra || !has) {
    throw new KilnError(
      'PUBLISHED_INVALID',
      `${file} does not describe a ${spec.infra} upload of ${project} (it is for ${record.image} on ${record.infra})`,
      {
        file,
        hint: 'restore it from the last upload (it lists what to revoke), or remove the published objects by hand',
      },
    );
  }
  return record;
}

/** Applies the lifecycle to every object of ctx.published; returns what the cloud now says about each. */
export function revokePublished(ctx: RevokeContext): Promise<RevocationApplied[]> {
  const { published } = ctx;
  if (published.vsphere) return revokeVsphere(ctx, published.vsphere);
  if (published.aws) return revokeAws(ctx, published.aws);
  return revokeAzure(ctx, published.azure!);
}
