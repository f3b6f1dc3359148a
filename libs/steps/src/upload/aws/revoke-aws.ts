// AWS lifecycle of a revoked image: every AMI published.json lists (build region and copies) is deprecated with
// EC2's own deprecation (enable-image-deprecation) and tagged kiln:revoked; nothing is copied, shared or deregistered.
import type { PlannedCommand } from '../../shared/plan-record';
import type { PublishedRecord, RevocationApplied } from '../../shared/published-record';
import { REVOKED_TAG } from '../upload-context';
import type { RevokeContext } from '../revoke-context';
import { ec2, ec2Args, Ec2, tagMap, type AwsUpload } from './upload-aws';

const MINUTE = 60_000;

/**
 * The deprecation time to ask for: EC2 refuses a time in the past and rounds seconds to the nearest minute, so a
 * revocation in force deprecates at the next whole minute at least a minute ahead of `now` (the real clock: EC2's).
 */
export function deprecateAt(now: number): string {
  return new Date(Math.ceil((now + MINUTE) / MINUTE) * MINUTE).toISOString().replace('.000Z', 'Z');
}

export async function revokeAws(ctx: RevokeContext, published: NonNullable<PublishedRecord['aws']>): Promise<RevocationApplied[]> {
  const api = new Ec2(ctx);
  const target = deprecateAt(Date.now());
  const applied: RevocationApplied[] = [];
  for (const [region, id] of Object.entries(published.amis).sort(([a], [b]) => a.localeCompare(b))) {
    const image = await api.image(region, id);
    if (!image) {
      ctx.say(`${region}: AMI ${id} no longer exists: nothing to deprecate`);
      applied.push({ object: id, region, lifecycle: 'gone' });
      continue;
    }
    let deprecation = image.DeprecationTime;
    // Already deprecated by then (an earlier revoked upload, or by hand): an earlier time is kept.
    if (deprecation === undefined || Number.isNaN(Date.parse(deprecation)) || Date.parse(deprecation) > Date.parse(target)) {
      await api.call(ec2.enableDeprecation(id, target), region);
      deprecation = target;
    }
    if (tagMap(image.Tags)[REVOKED_TAG] !== ctx.revoked.at) await api.call(ec2.createTags([id], [[REVOKED_TAG, ctx.revoked.at]]), region);
    ctx.say(`${region}: AMI ${id} deprecated at ${deprecation}`);
    applied.push({ object: id, region, lifecycle: `deprecated at ${deprecation}` });
  }
  return applied;
}

export function planRevokeAws(up: AwsUpload, at: string): { commands: PlannedCommand[]; notes: string[] } {
  const regions = [...new Set([up.region, ...(up.copyToRegions ?? [])])].sort();
  const aws = (call: readonly [string, readonly string[]], region: string) => ['aws', ...ec2Args(call[0], [...call[1]], region)];
  const commands = regions.flatMap((region): PlannedCommand[] => [
    { argv: aws(ec2.describeImage('<ami-id>'), region), when: `the AMI published.json lists for ${region}: its DeprecationTime and tags` },
    { argv: aws(ec2.enableDeprecation('<ami-id>', '<next-minute>'), region), when: 'unless it is deprecated by then already' },
    { argv: aws(ec2.createTags(['<ami-id>'], [[REVOKED_TAG, at]]), region), when: `unless it carries ${REVOKED_TAG}=${at}` },
  ]);
  return {
    commands,
    notes: [
      '<next-minute> = the next whole minute at least a minute ahead (EC2 refuses a deprecation time in the past)',
      'nothing is copied, shared, tagged otherwise or deregistered: only the AMIs published.json lists are deprecated',
    ],
  };
}
