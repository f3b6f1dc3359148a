// Reads a published AMI for verify with the aws CLI: the image (state, tags, snapshots), who may launch it, and who
// may create volumes from each of its snapshots. Describe calls only.
import { cloudCliFailure, type CloudCli } from '../upload/upload-cli';
import { ec2, ec2Args } from '../upload/aws/upload-aws';

/** A launch or createVolume permission entry as the EC2 API answers it. */
export interface Ec2Permission {
  UserId?: string;
  Group?: string;
}

export interface AmiImage {
  state: string;
  public: boolean;
  /** When EC2 deprecates (or deprecated) the AMI; what a revoked upload sets. */
  deprecationTime?: string;
  tags: Record<string, string>;
  snapshotIds: string[];
}

export interface SnapshotFacts {
  id: string;
  /** Undefined when the snapshot does not exist. */
  permissions?: Ec2Permission[];
}

export interface AmiFacts {
  region: string;
  id: string;
  /** Undefined when EC2 does not know the AMI (deregistered, or never there). */
  image?: AmiImage;
  launchPermissions: Ec2Permission[];
  snapshots: SnapshotFacts[];
}

interface DescribedImage {
  ImageId?: string;
  State?: string;
  DeprecationTime?: string;
  Public?: boolean;
  BlockDeviceMappings?: Array<{ Ebs?: { SnapshotId?: string } }>;
  Tags?: Array<{ Key: string; Value: string }>;
}

/** The AMI `id` among the images of a describe-images answer, undefined when it lists none. */
function amiImageOf(answer: { Images?: DescribedImage[] }, id: string): AmiImage | undefined {
  const image = (answer.Images ?? []).find((i) => i.ImageId === id);
  if (!image) return undefined;
  return {
    state: image.State ?? 'unknown',
    public: image.Public === true,
    ...(image.DeprecationTime ? { deprecationTime: image.DeprecationTime } : {}),
    tags: Object.fromEntries((image.Tags ?? []).map((t) => [t.Key, t.Value])),
    snapshotIds: (image.BlockDeviceMappings ?? []).map((b) => b.Ebs?.SnapshotId).filter((s): s is string => !!s),
  };
}

/**
 * The AMI in `describe-images --image-ids <id>` output, or undefined when the answer lists none (EC2 answers a
 * deregistered AMI with an empty list, or for a while with state `deregistered`: the caller reports the state).
 */
export function parseDescribedImage(stdout: string, id: string): AmiImage | undefined {
  return amiImageOf((stdout.trim() ? JSON.parse(stdout) : {}) as { Images?: DescribedImage[] }, id);
}

const AMI_NOT_FOUND = /InvalidAMIID\.(NotFound|Unavailable)/;
const SNAPSHOT_NOT_FOUND = /InvalidSnapshot\.NotFound/;

/** The aws calls of one AMI's check, in the order they run (`<snapshot-id>`: once per snapshot). */
export function amiCalls(region: string, id: string, snapshotIds: string[], endpoint?: string): string[][] {
  const aws = (call: readonly [string, readonly string[]]) => ['aws', ...ec2Args(call[0], [...call[1]], region, endpoint)];
  return [
    aws(ec2.describeImage(id)),
    aws(ec2.describeLaunchPermission(id)),
    ...snapshotIds.map((s) => aws(ec2.describeVolumePermission(s))),
  ];
}

export class AmiReader {
  constructor(
    private readonly cli: CloudCli,
    private readonly endpoint: string | undefined,
  ) {}

  /** The JSON answer, or undefined when stderr matches `notFound`; any other failure stops verify. */
  private async call<T>(
    call: readonly [string, readonly string[]],
    region: string,
    notFound: RegExp,
  ): Promise<{ found: false } | { found: true; out: T }> {
    const args = ec2Args(call[0], [...call[1]], region, this.endpoint);
    const r = await this.cli.run('aws', args, { allowFailure: true, timeoutMs: 120_000 });
    if (r.exitCode === 0) return { found: true, out: (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T };
    if (notFound.test(r.stderr)) return { found: false };
    throw cloudCliFailure(
      'AWS_FAILED',
      `aws ec2 ${call[0]} failed in ${region} (exit code ${r.exitCode})`,
      'check the AWS credentials (aws configure, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and their ec2:Describe* permissions',
      'aws',
      args,
      r.stderr,
    );
  }

  /** The AMI; with `permissions`, also its launch permissions and each snapshot's createVolume permissions. */
  async read(region: string, id: string, permissions: boolean): Promise<AmiFacts> {
    const facts: AmiFacts = { region, id, launchPermissions: [], snapshots: [] };
    const described = await this.call<{ Images?: DescribedImage[] }>(ec2.describeImage(id), region, AMI_NOT_FOUND);
    facts.image = described.found ? amiImageOf(described.out, id) : undefined;
    if (!facts.image || !permissions || facts.image.state === 'deregistered') return facts;
    const [launch, volumes] = await Promise.all([
      this.call<{ LaunchPermissions?: Ec2Permission[] }>(ec2.describeLaunchPermission(id), region, AMI_NOT_FOUND),
      Promise.all(
        facts.image.snapshotIds.map((snap) =>
          this.call<{ CreateVolumePermissions?: Ec2Permission[] }>(ec2.describeVolumePermission(snap), region, SNAPSHOT_NOT_FOUND),
        ),
      ),
    ]);
    facts.launchPermissions = launch.found ? (launch.out.LaunchPermissions ?? []) : [];
    facts.snapshots = facts.image.snapshotIds.map((snap, i) => {
      const vol = volumes[i]!;
      return { id: snap, ...(vol.found ? { permissions: vol.out.CreateVolumePermissions ?? [] } : {}) };
    });
    return facts;
  }
}
