// AWS upload: the build's AMI is copied to the declared regions, shared with exactly the declared accounts
// (never public: launch permissions are only ever added for account ids) and tagged, AMIs and snapshots alike.
// Idempotent by asking EC2: copies are found by their kiln:content-key tag, tags and permissions are compared first.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { KilnError } from '@kiln/errors';
import type { KilnImage } from '@kiln/schema';
import { artifactFile } from '../../build/artifact-record';
import type { PlannedCommand } from '../../shared/plan-record';
import { cloudCliFailure } from '../upload-cli';
import { envNumber } from '../../shared/kiln-env';
import type { PublishedRecord } from '../../shared/published-record';
import { kilnTags, PLANNED_COMMIT, replaceHint, REVOKED_TAG, shortKey, type UploadContext } from '../upload-context';

export type AwsUpload = NonNullable<KilnImage['upload']['aws']>;

/** Test/alternative endpoint: when set, every aws call gets `--endpoint-url <value>`. */
export const AWS_ENDPOINT_ENV = 'KILN_AWS_ENDPOINT_URL';

interface Ec2Tag {
  Key: string;
  Value: string;
}

export interface Ec2Image {
  ImageId: string;
  /** Set once deprecation is enabled (enable-image-deprecation), e.g. 2026-03-01T12:35:00.000Z. */
  DeprecationTime?: string;
  Name?: string;
  State?: string;
  Public?: boolean;
  BlockDeviceMappings?: Array<{ Ebs?: { SnapshotId?: string } }>;
  Tags?: Ec2Tag[];
}

interface Permission {
  UserId?: string;
  Group?: string;
}

/** `aws ec2 <op> <args> --region <r> --output json [--endpoint-url <url>]`, without the leading `aws`. */
export function ec2Args(op: string, args: string[], region: string, endpoint?: string): string[] {
  return ['ec2', op, ...args, '--region', region, '--output', 'json', ...(endpoint ? ['--endpoint-url', endpoint] : [])];
}

/** The per-call arguments (before --region), shared by the real run and plan mode. */
export const ec2 = {
  describeImage: (id: string) => ['describe-images', ['--image-ids', id]] as const,
  findByContentKey: (key: string) =>
    ['describe-images', ['--owners', 'self', '--filters', `Name=tag:kiln:content-key,Values=${key}`]] as const,
  findByName: (name: string) => ['describe-images', ['--owners', 'self', '--filters', `Name=name,Values=${name}`]] as const,
  deregister: (id: string) => ['deregister-image', ['--image-id', id]] as const,
  copy: (sourceRegion: string, sourceId: string, name: string, token: string) =>
    ['copy-image', ['--source-region', sourceRegion, '--source-image-id', sourceId, '--name', name, '--client-token', token]] as const,
  describeSnapshots: (ids: string[]) => ['describe-snapshots', ['--snapshot-ids', ...ids]] as const,
  createTags: (resources: string[], tags: Array<[string, string]>) =>
    ['create-tags', ['--resources', ...resources, '--tags', JSON.stringify(tags.map(([Key, Value]) => ({ Key, Value })))]] as const,
  describeLaunchPermission: (id: string) => ['describe-image-attribute', ['--image-id', id, '--attribute', 'launchPermission']] as const,
  /** Add for account ids only; Remove for accounts no longer declared and for the public group. */
  modifyLaunchPermission: (id: string, add: string[], removeUsers: string[], removePublic: boolean) => {
    const parts: string[] = [];
    if (add.length) parts.push(`Add=[${add.map((u) => `{UserId=${u}}`).join(',')}]`);
    const remove = [...removeUsers.map((u) => `{UserId=${u}}`), ...(removePublic ? ['{Group=all}'] : [])];
    if (remove.length) parts.push(`Remove=[${remove.join(',')}]`);
    return ['modify-image-attribute', ['--image-id', id, '--launch-permission', parts.join(',')]] as const;
  },
  enableDeprecation: (id: string, at: string) => ['enable-image-deprecation', ['--image-id', id, '--deprecate-at', at]] as const,
  disableDeprecation: (id: string) => ['disable-image-deprecation', ['--image-id', id]] as const,
  deleteTags: (resources: string[], keys: string[]) =>
    ['delete-tags', ['--resources', ...resources, '--tags', JSON.stringify(keys.map((Key) => ({ Key })))]] as const,
  describeVolumePermission: (snap: string) =>
    ['describe-snapshot-attribute', ['--snapshot-id', snap, '--attribute', 'createVolumePermission']] as const,
  modifyVolumePermission: (snap: string, operation: 'add' | 'remove', users: string[], groups: string[] = []) =>
    [
      'modify-snapshot-attribute',
      [
        '--snapshot-id',
        snap,
        '--attribute',
        'createVolumePermission',
        '--operation-type',
        operation,
        ...(users.length ? ['--user-ids', ...users] : []),
        ...(groups.length ? ['--group-names', ...groups] : []),
      ],
    ] as const,
};

/** Deterministic CopyImage client token: a retried copy of the same AMI to the same region is the same copy. */
export function copyToken(sourceRegion: string, sourceId: string, region: string): string {
  return `kiln-${createHash('sha256').update(`${sourceRegion}:${sourceId}:${region}`).digest('hex').slice(0, 40)}`;
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** The aws CLI's EC2 calls of one upload: --region, --output json and the test endpoint on each; failures as KilnErrors. */
export class Ec2 {
  private readonly endpoint: string | undefined;
  constructor(private readonly ctx: Pick<UploadContext, 'cli' | 'env'>) {
    this.endpoint = ctx.env[AWS_ENDPOINT_ENV] || undefined;
  }

  args(call: readonly [string, readonly string[]], region: string): string[] {
    return ec2Args(call[0], [...call[1]], region, this.endpoint);
  }

  async call<T>(call: readonly [string, readonly string[]], region: string, notFound?: RegExp): Promise<T | undefined> {
    const args = this.args(call, region);
    const r = await this.ctx.cli.run('aws', args, { allowFailure: true });
    if (r.exitCode !== 0) {
      if (notFound?.test(r.stderr)) return undefined;
      throw cloudCliFailure(
        'AWS_FAILED',
        `aws ec2 ${call[0]} failed in ${region} (exit code ${r.exitCode})`,
        'check the AWS credentials (aws configure, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and their EC2 permissions',
        'aws',
        args,
        r.stderr,
      );
    }
    return r.stdout.trim() ? (JSON.parse(r.stdout) as T) : undefined;
  }

  async image(region: string, id: string): Promise<Ec2Image | undefined> {
    const out = await this.call<{ Images?: Ec2Image[] }>(ec2.describeImage(id), region, /InvalidAMIID\.(NotFound|Unavailable)/);
    return out?.Images?.[0];
  }

  async images(call: readonly [string, readonly string[]], region: string): Promise<Ec2Image[]> {
    return (await this.call<{ Images?: Ec2Image[] }>(call, region))?.Images ?? [];
  }
}

export function tagMap(tags: Ec2Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));
}

function snapshotsOf(image: Ec2Image): string[] {
  return (image.BlockDeviceMappings ?? []).map((b) => b.Ebs?.SnapshotId).filter((s): s is string => !!s);
}

function missingTags(have: Record<string, string>, want: Array<[string, string]>): boolean {
  return want.some(([k, v]) => have[k] !== v);
}

/** KILN_AWS_POLL_SECONDS and KILN_AWS_COPY_TIMEOUT_MINUTES, checked (a bad value is KILN_ENV_INVALID). */
export function awsWaitSettings(env: NodeJS.ProcessEnv): { pollMs: number; timeoutMs: number } {
  return {
    pollMs: envNumber(env, 'KILN_AWS_POLL_SECONDS', 15, { min: 0.01, max: 3600, unit: 'seconds', decimal: true }) * 1000,
    timeoutMs:
      envNumber(env, 'KILN_AWS_COPY_TIMEOUT_MINUTES', 60, { min: 0.001, max: 7 * 24 * 60, unit: 'minutes', decimal: true }) * 60_000,
  };
}

/** Waits until an AMI is available (bounded), polling describe-images. */
async function waitAvailable(api: Ec2, ctx: UploadContext, region: string, id: string, first?: Ec2Image): Promise<Ec2Image> {
  const { pollMs, timeoutMs } = awsWaitSettings(ctx.env);
  const deadline = Date.now() + timeoutMs;
  let image = first;
  for (;;) {
    image = image ?? (await api.image(region, id));
    if (!image)
      throw new KilnError('AMI_NOT_FOUND', `AMI ${id} in ${region} disappeared while Kiln waited for it`, { hint: 'run upload again' });
    if (image.State === 'available') return image;
    if (image.State !== 'pending') {
      throw new KilnError('AMI_COPY_FAILED', `AMI ${id} in ${region} is ${image.State}, not available`, {
        hint: `look at the AMI in the EC2 console (${region}); deregister it and run upload again`,
      });
    }
    if (Date.now() >= deadline) {
      throw new KilnError('AMI_COPY_TIMEOUT', `AMI ${id} in ${region} is still pending after ${Math.round(timeoutMs / 60_000)} min`, {
        hint: 'run upload again later (it reuses the copy), or raise KILN_AWS_COPY_TIMEOUT_MINUTES',
      });
    }
    try {
      await sleep(pollMs, undefined, { signal: ctx.signal });
    } catch {
      throw new KilnError('COMMAND_ABORTED', `interrupted while waiting for AMI ${id} in ${region}`, {
        hint: 'run upload again: it finds the copy by its content key',
      });
    }
    image = undefined;
  }
}

/** Finds this build's copy in `region` (by content key tag and name), or clears the way for a new copy. */
async function existingCopy(api: Ec2, ctx: UploadContext, region: string, name: string): Promise<Ec2Image | undefined> {
  const key = ctx.artifact.contentKey;
  const ours = (await api.images(ec2.findByContentKey(key), region)).filter((i) => i.Name === name && i.State !== 'failed');
  if (ours[0]) return ours[0];
  for (const other of await api.images(ec2.findByName(name), region)) {
    const theirs = tagMap(other.Tags)['kiln:content-key'];
    if (theirs === key) {
      // A failed copy of this very build: it only blocks the name.
      ctx.say(`${region}: deregistering ${other.ImageId}, a failed copy of this build`);
      await api.call(ec2.deregister(other.ImageId), region);
      continue;
    }
    if (!ctx.replace) {
      throw new KilnError(
        'AMI_CONFLICT',
        `AMI ${other.ImageId} in ${region} already has the name ${name} but other content (content key ${shortKey(theirs)}, this build ${shortKey(key)})`,
        {
          hint: replaceHint(ctx.image, `deregister ${other.ImageId} and copy this build`, 'the AMI name (packerVars.ami_name)'),
        },
      );
    }
    ctx.say(`--replace: deregistering ${other.ImageId} in ${region} (content key ${shortKey(theirs)})`);
    await api.call(ec2.deregister(other.ImageId), region);
  }
  return undefined;
}

/** Converges one permission list to exactly `accounts` (never adds a group). */
function permissionDiff(current: Permission[], accounts: string[]): { add: string[]; remove: string[]; removePublic: boolean } {
  const users = current.map((p) => p.UserId).filter((u): u is string => !!u);
  return {
    add: accounts.filter((a) => !users.includes(a)),
    remove: sorted(users.filter((u) => !accounts.includes(u))),
    removePublic: current.some((p) => p.Group === 'all'),
  };
}

/** Tags the AMI and its snapshots, shares both with exactly the declared accounts, and restores an AMI Kiln revoked. */
async function converge(
  api: Ec2,
  ctx: UploadContext,
  region: string,
  image: Ec2Image,
  tags: Array<[string, string]>,
  accounts: string[],
): Promise<void> {
  const id = image.ImageId;
  const snaps = snapshotsOf(image);
  const revokedAt = tagMap(image.Tags)[REVOKED_TAG];
  if (revokedAt !== undefined) {
    // image.yaml no longer revokes the image: undo what the revoked upload did (only Kiln's own deprecation, by its tag).
    ctx.say(`AMI ${id} in ${region} was revoked (${revokedAt}) and image.yaml no longer says so: restoring it`);
    if (image.DeprecationTime) await api.call(ec2.disableDeprecation(id), region);
    await api.call(ec2.deleteTags([id], [REVOKED_TAG]), region);
  }
  const needTags: string[] = missingTags(tagMap(image.Tags), tags) ? [id] : [];
  if (snaps.length) {
    const out = await api.call<{ Snapshots?: Array<{ SnapshotId: string; Tags?: Ec2Tag[] }> }>(ec2.describeSnapshots(snaps), region);
    for (const s of out?.Snapshots ?? []) if (missingTags(tagMap(s.Tags), tags)) needTags.push(s.SnapshotId);
  }
  if (needTags.length) await api.call(ec2.createTags(needTags, tags), region);

  const launch = await api.call<{ LaunchPermissions?: Permission[] }>(ec2.describeLaunchPermission(id), region);
  const l = permissionDiff(launch?.LaunchPermissions ?? [], accounts);
  if (l.add.length || l.remove.length || l.removePublic) {
    if (l.removePublic) ctx.say(`AMI ${id} in ${region} was public: making it private`);
    await api.call(ec2.modifyLaunchPermission(id, l.add, l.remove, l.removePublic), region);
  }
  for (const snap of snaps) {
    const vol = await api.call<{ CreateVolumePermissions?: Permission[] }>(ec2.describeVolumePermission(snap), region);
    const v = permissionDiff(vol?.CreateVolumePermissions ?? [], accounts);
    if (v.add.length) await api.call(ec2.modifyVolumePermission(snap, 'add', v.add), region);
    if (v.remove.length || v.removePublic)
      await api.call(ec2.modifyVolumePermission(snap, 'remove', v.remove, v.removePublic ? ['all'] : []), region);
  }
}

export async function uploadAws(ctx: UploadContext): Promise<NonNullable<PublishedRecord['aws']>> {
  awsWaitSettings(ctx.env); // checked before any call, so a bad value never stops a half-done upload
  const up = ctx.upload.aws!;
  const api = new Ec2(ctx);
  const home = up.region;
  const built = ctx.artifact.amis ?? {};
  const sourceId = built[home];
  if (!sourceId) {
    throw new KilnError('ARTIFACT_INVALID', `${artifactFile(ctx.image)} has no AMI in the build region ${home}`, {
      hint: `rebuild: nx run ${ctx.image}:build --skip-nx-cache`,
    });
  }
  const source = await api.image(home, sourceId);
  if (!source) {
    throw new KilnError('AMI_NOT_FOUND', `AMI ${sourceId} in ${home} (from artifact.json) does not exist any more`, {
      hint: `rebuild: nx run ${ctx.image}:build --skip-nx-cache`,
    });
  }
  const name = source.Name ?? sourceId;
  const tags = kilnTags(ctx.image, ctx.artifact.version, ctx.kubernetesSemver, ctx.artifact.contentKey, ctx.commit);
  const accounts = sorted(up.shareWithAccounts ?? []);
  const regions = sorted([home, ...(up.copyToRegions ?? [])]);

  const found: Record<string, Ec2Image | undefined> = { [home]: source };
  const amis: Record<string, string> = { [home]: sourceId };
  for (const region of regions.filter((r) => r !== home)) {
    if (built[region]) {
      amis[region] = built[region]!;
      continue;
    }
    const copy = await existingCopy(api, ctx, region, name);
    if (copy) {
      ctx.say(`${region}: reusing ${copy.ImageId} (a copy of this build)`);
      found[region] = copy;
      amis[region] = copy.ImageId;
      continue;
    }
    const out = await api.call<{ ImageId: string }>(ec2.copy(home, sourceId, name, copyToken(home, sourceId, region)), region);
    amis[region] = out!.ImageId;
    ctx.say(`${region}: copying ${sourceId} → ${amis[region]}`);
    // Tag at once: an interrupted run finds the copy by its content key.
    await api.call(ec2.createTags([amis[region]!], tags), region);
  }
  for (const region of regions) {
    const image = await waitAvailable(api, ctx, region, amis[region]!, found[region]?.State === 'available' ? found[region] : undefined);
    await converge(api, ctx, region, image, tags, accounts);
  }
  ctx.say(
    `AMIs ${regions.map((r) => `${r}:${amis[r]}`).join(', ')} ${accounts.length ? `shared with ${accounts.join(', ')}` : 'private'}, tagged`,
  );
  return { amis };
}

export function planAws(up: AwsUpload, tags: Array<[string, string]>): { commands: PlannedCommand[]; notes: string[] } {
  const home = up.region;
  const accounts = sorted(up.shareWithAccounts ?? []);
  const regions = sorted([home, ...(up.copyToRegions ?? [])]);
  const aws = (call: readonly [string, readonly string[]], region: string) => ['aws', ...ec2Args(call[0], [...call[1]], region)];
  const commands: PlannedCommand[] = [
    { argv: aws(ec2.describeImage('<ami-id>'), home), when: `the build's AMI (amis.${home} in artifact.json): its name and snapshots` },
  ];
  const key = tags.find(([k]) => k === 'kiln:content-key')![1];
  for (const region of regions.filter((r) => r !== home)) {
    commands.push(
      { argv: aws(ec2.findByContentKey(key), region), when: `a copy of this build already in ${region} (same name) is reused` },
      { argv: aws(ec2.findByName('<ami-name>'), region), when: 'only if there is no copy: another AMI holding the name stops the upload' },
      { argv: aws(ec2.deregister('<conflicting-ami-id>'), region), when: 'only with --replace' },
      { argv: aws(ec2.copy(home, '<ami-id>', '<ami-name>', '<token>'), region), when: 'only if there is no copy' },
      { argv: aws(ec2.createTags(['<copy-ami-id>'], tags), region), when: 'right after the copy starts' },
      {
        argv: aws(ec2.describeImage('<copy-ami-id>'), region),
        when: 'until available (every KILN_AWS_POLL_SECONDS, default 15; at most KILN_AWS_COPY_TIMEOUT_MINUTES, default 60)',
      },
    );
  }
  for (const region of regions) {
    const ami = region === home ? '<ami-id>' : '<copy-ami-id>';
    commands.push(
      {
        argv: aws(ec2.disableDeprecation(ami), region),
        when: `only if the AMI carries ${REVOKED_TAG} and a DeprecationTime: a revocation removed from image.yaml is undone`,
      },
      { argv: aws(ec2.deleteTags([ami], [REVOKED_TAG]), region), when: `only if the AMI carries ${REVOKED_TAG}` },
      { argv: aws(ec2.describeSnapshots(['<snapshot-id>...']), region) },
      { argv: aws(ec2.createTags([ami, '<snapshot-id>...'], tags), region), when: 'only for the AMI/snapshots missing a tag' },
      { argv: aws(ec2.describeLaunchPermission(ami), region) },
      {
        argv: aws(
          accounts.length
            ? ec2.modifyLaunchPermission(ami, accounts, [], false)
            : ec2.modifyLaunchPermission(ami, [], ['<user-id>...'], false),
          region,
        ),
        when: accounts.length
          ? 'only for accounts not yet shared with (undeclared accounts and a public group are removed: Remove=[...])'
          : 'only if the AMI is shared: Remove=[...] makes it private',
      },
      { argv: aws(ec2.describeVolumePermission('<snapshot-id>'), region), when: 'per snapshot' },
      {
        argv: aws(
          ec2.modifyVolumePermission('<snapshot-id>', accounts.length ? 'add' : 'remove', accounts.length ? accounts : ['<user-id>...']),
          region,
        ),
        when: accounts.length
          ? 'per snapshot, only for accounts not yet shared with (undeclared ones: --operation-type remove)'
          : 'per snapshot, only if it is shared',
      },
    );
  }
  const notes = [
    `never public: launch and createVolume permissions are only ever added for the declared account ids (${accounts.length ? accounts.join(', ') : 'none: private'})`,
    `${PLANNED_COMMIT} = the git commit in the build's provenance.json (-dirty when tracked files differed); without a provenance record the AMIs get no kiln:commit tag`,
    'credentials: the aws CLI configuration (~/.aws or AWS_* environment variables), never argv',
    `with ${AWS_ENDPOINT_ENV} set, every call also gets --endpoint-url <that url> (a test or private EC2 endpoint)`,
  ];
  if (regions.length > 1) notes.splice(1, 0, `<token> = kiln-<sha256 of ${home}:<ami-id>:<region>> (a retried copy is the same copy)`);
  return { commands, notes };
}
