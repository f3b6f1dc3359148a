// Azure lifecycle of a revoked image: the Shared Image Gallery version published.json lists is excluded from latest
// (new VMs asking for the definition's latest version no longer get it) and tagged kiln:revoked; nothing else changes.
import { KilnError } from '@kiln/errors';
import type { PlannedCommand } from '../../shared/plan-record';
import type { PublishedRecord, RevocationApplied } from '../../shared/published-record';
import { publishedFile } from '../../shared/published-record';
import { REVOKED_TAG } from '../upload-context';
import type { RevokeContext } from '../revoke-context';
import { azArgs, publishedSigRef, showSigVersion, type SigImageVersion, type SigVersionRef } from './upload-azure';

export async function revokeAzure(ctx: RevokeContext, published: NonNullable<PublishedRecord['azure']>): Promise<RevocationApplied[]> {
  const ref = publishedSigRef(published);
  const version = await showSigVersion(ctx.cli, ref);
  if (!version) {
    ctx.say(`image version ${published.sigImageVersionId} no longer exists: nothing to exclude from latest`);
    return [{ object: published.sigImageVersionId, lifecycle: 'gone' }];
  }
  const have = version.tags ?? {};
  if (have['kiln:content-key'] && have['kiln:content-key'] !== ctx.published.contentKey) {
    throw new KilnError(
      'SIG_VERSION_CONFLICT',
      `Shared Image Gallery image version ${version.id} holds other content than ${publishedFile(ctx.image)} lists (content key ${have['kiln:content-key'].slice(0, 12)}, published ${ctx.published.contentKey.slice(0, 12)}): it is left alone`,
      {
        hint: `look at the version in the gallery; ${publishedFile(ctx.image)} no longer describes it`,
      },
    );
  }
  if (version.publishingProfile?.excludeFromLatest === true && have[REVOKED_TAG] === ctx.revoked.at) {
    ctx.say(`image version ${version.id} is excluded from latest already`);
  } else {
    const out = await ctx.cli.json<SigImageVersion>('az', azArgs.exclude(ref, ctx.revoked.at));
    ctx.say(`image version ${(out ?? version).id} excluded from latest`);
  }
  return [{ object: published.sigImageVersionId, lifecycle: 'excludeFromLatest' }];
}

export function planRevokeAzure(ref: SigVersionRef, at: string): { commands: PlannedCommand[]; notes: string[] } {
  return {
    commands: [
      { argv: ['az', ...azArgs.show(ref)], when: 'the version published.json lists: excludeFromLatest and tags' },
      { argv: ['az', ...azArgs.exclude(ref, at)], when: `unless it is excluded from latest and tagged ${REVOKED_TAG} already` },
    ],
    notes: ['<version> = the version published.json lists; nothing is replicated or retagged otherwise'],
  };
}
