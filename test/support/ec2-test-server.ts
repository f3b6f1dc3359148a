// A small local EC2 Query API server for tests: the aws CLI (v1) talks to it through --endpoint-url. It keeps
// images and snapshots in memory per region (the region is read from the request's SigV4 credential scope),
// answers with the EC2 XML shapes botocore parses, and records every call (action, region, form params). AMI
// deprecation is enforced as EC2 documents it: DeprecateAt must not be in the past (by this server's clock) nor more
// than 10 years ahead, seconds are rounded to the nearest minute, DescribeImages answers DeprecationTime.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The account the test credentials belong to (`--owners self`). */
export const TEST_ACCOUNT = '111122223333';

export interface Ec2Image {
  imageId: string;
  region: string;
  name: string;
  description?: string;
  /** available | pending | failed */
  state: string;
  ownerId: string;
  launchUsers: string[];
  launchGroups: string[];
  snapshotIds: string[];
  tags: Record<string, string>;
  /** Describes that still answer `pending` before a copy becomes available. */
  pendingDescribes: number;
  /** Set by EnableImageDeprecation (ISO, whole minutes), cleared by DisableImageDeprecation. */
  deprecationTime?: string;
}

export interface Ec2Snapshot {
  snapshotId: string;
  region: string;
  volumeUsers: string[];
  volumeGroups: string[];
  tags: Record<string, string>;
}

export interface Ec2Call {
  action: string;
  region: string;
  /** Form parameters without Action and Version. */
  params: Record<string, string>;
}

/** Actions that change state (everything but Describe*). */
export const MUTATING_ACTIONS = [
  'CopyImage',
  'CreateTags',
  'DeleteTags',
  'DeregisterImage',
  'DisableImageDeprecation',
  'EnableImageDeprecation',
  'ModifyImageAttribute',
  'ModifySnapshotAttribute',
];

const MINUTE = 60_000;
const TEN_YEARS = 10 * 365.25 * 24 * 60 * MINUTE;

class Ec2Fault extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${esc(String(value))}</${name}>`;
}

function tagSet(tags: Record<string, string>): string {
  const items = Object.entries(tags).map(([k, v]) => `<item>${el('key', k)}${el('value', v)}</item>`);
  return items.length ? `<tagSet>${items.join('')}</tagSet>` : '';
}

/** Values of `Prefix.1`, `Prefix.2`, ... in order. */
function listParam(params: Record<string, string>, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; params[`${prefix}.${i}`] !== undefined; i++) out.push(params[`${prefix}.${i}`]!);
  return out;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

export class Ec2TestServer {
  readonly calls: Ec2Call[] = [];
  readonly images = new Map<string, Ec2Image>();
  readonly snapshots = new Map<string, Ec2Snapshot>();
  /** Describes a new copy answers `pending` before it is `available`. */
  copyPendingDescribes = 1;
  /** The server's clock (EC2's): what a DeprecateAt in the past is judged by. */
  clock: () => number = () => Date.now();
  private server: Server | undefined;
  private counter = 0;
  private failures: Array<{ action: string; code: string; message: string }> = [];
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Forgets recorded calls (the store stays). */
  clearCalls(): void {
    this.calls.length = 0;
  }

  mutatingCalls(): Ec2Call[] {
    return this.calls.filter((c) => MUTATING_ACTIONS.includes(c.action));
  }

  /** The next call of `action` fails with this EC2 error code. */
  failNext(action: string, code: string, message: string): void {
    this.failures.push({ action, code, message });
  }

  /** Adds an available image (with one snapshot) owned by the test account; returns it. */
  addImage(region: string, name: string, init: Partial<Omit<Ec2Image, 'region' | 'name'>> = {}): Ec2Image {
    const snapshotIds = init.snapshotIds ?? [this.newSnapshot(region).snapshotId];
    const image: Ec2Image = {
      imageId: init.imageId ?? this.newId('ami'),
      region,
      name,
      description: init.description,
      state: init.state ?? 'available',
      ownerId: init.ownerId ?? TEST_ACCOUNT,
      launchUsers: init.launchUsers ?? [],
      launchGroups: init.launchGroups ?? [],
      snapshotIds,
      tags: init.tags ?? {},
      pendingDescribes: init.pendingDescribes ?? 0,
    };
    this.images.set(image.imageId, image);
    return image;
  }

  imagesIn(region: string): Ec2Image[] {
    return [...this.images.values()].filter((i) => i.region === region);
  }

  private newId(kind: 'ami' | 'snap'): string {
    this.counter += 1;
    return `${kind}-0${hex(this.counter, 16)}`;
  }

  private newSnapshot(region: string): Ec2Snapshot {
    const snap: Ec2Snapshot = { snapshotId: this.newId('snap'), region, volumeUsers: [], volumeGroups: [], tags: {} };
    this.snapshots.set(snap.snapshotId, snap);
    return snap;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const params: Record<string, string> = {};
    for (const [k, v] of form) if (k !== 'Action' && k !== 'Version') params[k] = v;
    const action = form.get('Action') ?? '';
    const region = /Credential=[^/]+\/\d+\/([^/]+)\/ec2\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    this.calls.push({ action, region, params });
    try {
      const i = this.failures.findIndex((f) => f.action === action);
      if (i >= 0) {
        const [f] = this.failures.splice(i, 1);
        throw new Ec2Fault(f!.code, f!.message);
      }
      const body = this.dispatch(action, region, params);
      res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NS}"><requestId>${randomUUID()}</requestId>${body}</${action}Response>`,
      );
    } catch (e) {
      const fault = e instanceof Ec2Fault ? e : new Ec2Fault('InternalError', String(e));
      res.writeHead(fault.code === 'InternalError' ? 500 : 400, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${esc(fault.code)}</Code><Message>${esc(fault.message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
      );
    }
  }

  private image(region: string, id: string): Ec2Image {
    const image = this.images.get(id);
    if (!image || image.region !== region) throw new Ec2Fault('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
    return image;
  }

  private snapshot(region: string, id: string): Ec2Snapshot {
    const snap = this.snapshots.get(id);
    if (!snap || snap.region !== region) throw new Ec2Fault('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    return snap;
  }

  private dispatch(action: string, region: string, p: Record<string, string>): string {
    switch (action) {
      case 'DescribeImages':
        return this.describeImages(region, p);
      case 'CopyImage':
        return this.copyImage(region, p);
      case 'ModifyImageAttribute':
        return this.modifyImageAttribute(region, p);
      case 'ModifySnapshotAttribute':
        return this.modifySnapshotAttribute(region, p);
      case 'DescribeImageAttribute':
        return this.describeImageAttribute(region, p);
      case 'DescribeSnapshotAttribute':
        return this.describeSnapshotAttribute(region, p);
      case 'CreateTags':
        return this.createTags(region, p);
      case 'DescribeSnapshots':
        return this.describeSnapshots(region, p);
      case 'DeleteTags':
        return this.deleteTags(region, p);
      case 'EnableImageDeprecation':
        return this.enableImageDeprecation(region, p);
      case 'DisableImageDeprecation':
        delete this.image(region, p.ImageId ?? '').deprecationTime;
        return '<return>true</return>';
      case 'DeregisterImage':
        this.images.delete(this.image(region, p.ImageId ?? '').imageId);
        return '<return>true</return>';
      default:
        throw new Ec2Fault('InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  private describeImages(region: string, p: Record<string, string>): string {
    const ids = listParam(p, 'ImageId');
    const owners = listParam(p, 'Owner');
    let images = ids.length ? ids.map((id) => this.image(region, id)) : this.imagesIn(region);
    if (owners.length) images = images.filter((i) => owners.some((o) => (o === 'self' ? i.ownerId === TEST_ACCOUNT : i.ownerId === o)));
    for (let f = 1; p[`Filter.${f}.Name`] !== undefined; f++) {
      const name = p[`Filter.${f}.Name`]!;
      const values = listParam(p, `Filter.${f}.Value`);
      images = images.filter((i) => {
        if (name === 'name') return values.includes(i.name);
        if (name === 'state') return values.includes(i.state);
        if (name.startsWith('tag:')) return values.includes(i.tags[name.slice(4)] ?? '\0');
        throw new Ec2Fault('InvalidParameterValue', `The filter '${name}' is invalid`);
      });
    }
    const items = images.map((i) => {
      const state = i.pendingDescribes > 0 ? 'pending' : i.state;
      if (i.pendingDescribes > 0) i.pendingDescribes -= 1;
      const bdm = i.snapshotIds
        .map(
          (s, n) =>
            `<item>${el('deviceName', n === 0 ? '/dev/sda1' : `/dev/sd${String.fromCharCode(98 + n)}`)}<ebs>${el('snapshotId', s)}${el('volumeSize', 20)}${el('deleteOnTermination', true)}${el('volumeType', 'gp2')}${el('encrypted', false)}</ebs></item>`,
        )
        .join('');
      return (
        `<item>${el('imageId', i.imageId)}${el('imageLocation', `${i.ownerId}/${i.name}`)}${el('imageState', state)}${el('imageOwnerId', i.ownerId)}` +
        `${el('creationDate', '2024-05-01T10:00:00.000Z')}${el('isPublic', i.launchGroups.includes('all'))}${el('architecture', 'x86_64')}${el('imageType', 'machine')}` +
        `${el('name', i.name)}${el('description', i.description)}${el('rootDeviceType', 'ebs')}${el('rootDeviceName', '/dev/sda1')}` +
        `<blockDeviceMapping>${bdm}</blockDeviceMapping>${el('virtualizationType', 'hvm')}${tagSet(i.tags)}${el('hypervisor', 'xen')}${el('enaSupport', true)}` +
        `${el('deprecationTime', i.deprecationTime)}</item>`
      );
    });
    return `<imagesSet>${items.join('')}</imagesSet>`;
  }

  private copyImage(region: string, p: Record<string, string>): string {
    const sourceRegion = p.SourceRegion ?? '';
    const source = this.images.get(p.SourceImageId ?? '');
    if (!source || source.region !== sourceRegion)
      throw new Ec2Fault('InvalidAMIID.NotFound', `The image id '[${p.SourceImageId}]' does not exist`);
    const name = p.Name ?? '';
    if (this.imagesIn(region).some((i) => i.name === name && i.ownerId === TEST_ACCOUNT)) {
      throw new Ec2Fault(
        'InvalidAMIName.Duplicate',
        `AMI name ${name} is already in use by AMI ${this.imagesIn(region).find((i) => i.name === name)!.imageId}`,
      );
    }
    const copy = this.addImage(region, name, {
      description: p.Description ?? source.description,
      snapshotIds: source.snapshotIds.map(() => this.newSnapshot(region).snapshotId),
      pendingDescribes: this.copyPendingDescribes,
    });
    return el('imageId', copy.imageId);
  }

  private modifyImageAttribute(region: string, p: Record<string, string>): string {
    const image = this.image(region, p.ImageId ?? '');
    const apply = (op: string, users: string[], groups: string[]) => {
      for (const u of users) {
        if (op === 'add' && !image.launchUsers.includes(u)) image.launchUsers.push(u);
        if (op === 'remove') image.launchUsers = image.launchUsers.filter((x) => x !== u);
      }
      for (const g of groups) {
        if (op === 'add' && !image.launchGroups.includes(g)) image.launchGroups.push(g);
        if (op === 'remove') image.launchGroups = image.launchGroups.filter((x) => x !== g);
      }
    };
    for (const op of ['Add', 'Remove']) {
      const users: string[] = [];
      const groups: string[] = [];
      for (let n = 1; p[`LaunchPermission.${op}.${n}.UserId`] !== undefined || p[`LaunchPermission.${op}.${n}.Group`] !== undefined; n++) {
        if (p[`LaunchPermission.${op}.${n}.UserId`]) users.push(p[`LaunchPermission.${op}.${n}.UserId`]!);
        if (p[`LaunchPermission.${op}.${n}.Group`]) groups.push(p[`LaunchPermission.${op}.${n}.Group`]!);
      }
      apply(op.toLowerCase(), users, groups);
    }
    if (p.OperationType) apply(p.OperationType, listParam(p, 'UserId'), listParam(p, 'UserGroup'));
    return '<return>true</return>';
  }

  private modifySnapshotAttribute(region: string, p: Record<string, string>): string {
    const snap = this.snapshot(region, p.SnapshotId ?? '');
    if (p.Attribute !== 'createVolumePermission')
      throw new Ec2Fault('InvalidParameterValue', `Value (${p.Attribute}) for parameter attribute is invalid.`);
    const apply = (op: string, users: string[], groups: string[]) => {
      if (op === 'add') {
        snap.volumeUsers = [...new Set([...snap.volumeUsers, ...users])];
        snap.volumeGroups = [...new Set([...snap.volumeGroups, ...groups])];
      } else {
        snap.volumeUsers = snap.volumeUsers.filter((u) => !users.includes(u));
        snap.volumeGroups = snap.volumeGroups.filter((g) => !groups.includes(g));
      }
    };
    if (p.OperationType) apply(p.OperationType, listParam(p, 'UserId'), listParam(p, 'UserGroup'));
    for (const op of ['Add', 'Remove']) {
      const users: string[] = [];
      const groups: string[] = [];
      for (
        let n = 1;
        p[`CreateVolumePermission.${op}.${n}.UserId`] !== undefined || p[`CreateVolumePermission.${op}.${n}.Group`] !== undefined;
        n++
      ) {
        if (p[`CreateVolumePermission.${op}.${n}.UserId`]) users.push(p[`CreateVolumePermission.${op}.${n}.UserId`]!);
        if (p[`CreateVolumePermission.${op}.${n}.Group`]) groups.push(p[`CreateVolumePermission.${op}.${n}.Group`]!);
      }
      apply(op.toLowerCase(), users, groups);
    }
    return '<return>true</return>';
  }

  private describeImageAttribute(region: string, p: Record<string, string>): string {
    const image = this.image(region, p.ImageId ?? '');
    if (p.Attribute !== 'launchPermission')
      throw new Ec2Fault('InvalidParameterValue', `Value (${p.Attribute}) for parameter attribute is invalid.`);
    const items = [
      ...image.launchUsers.map((u) => `<item>${el('userId', u)}</item>`),
      ...image.launchGroups.map((g) => `<item>${el('group', g)}</item>`),
    ];
    return `${el('imageId', image.imageId)}<launchPermission>${items.join('')}</launchPermission>`;
  }

  private describeSnapshotAttribute(region: string, p: Record<string, string>): string {
    const snap = this.snapshot(region, p.SnapshotId ?? '');
    const items = [
      ...snap.volumeUsers.map((u) => `<item>${el('userId', u)}</item>`),
      ...snap.volumeGroups.map((g) => `<item>${el('group', g)}</item>`),
    ];
    return `${el('snapshotId', snap.snapshotId)}<createVolumePermission>${items.join('')}</createVolumePermission>`;
  }

  private createTags(region: string, p: Record<string, string>): string {
    const resources = listParam(p, 'ResourceId');
    const tags: Record<string, string> = {};
    for (let n = 1; p[`Tag.${n}.Key`] !== undefined; n++) tags[p[`Tag.${n}.Key`]!] = p[`Tag.${n}.Value`] ?? '';
    for (const id of resources) {
      const target = id.startsWith('ami-') ? this.image(region, id) : this.snapshot(region, id);
      Object.assign(target.tags, tags);
    }
    return '<return>true</return>';
  }

  /** EnableImageDeprecation: the AMI must exist here; DeprecateAt is rounded to the minute, in the future, at most 10 years ahead. */
  private enableImageDeprecation(region: string, p: Record<string, string>): string {
    const image = this.image(region, p.ImageId ?? '');
    if (p.DeprecateAt === undefined) throw new Ec2Fault('MissingParameter', 'The request must contain the parameter DeprecateAt');
    const at = Date.parse(p.DeprecateAt);
    if (Number.isNaN(at)) throw new Ec2Fault('InvalidParameterValue', `Value (${p.DeprecateAt}) for parameter DeprecateAt is invalid.`);
    const rounded = Math.round(at / MINUTE) * MINUTE;
    const now = this.clock();
    if (rounded < now)
      throw new Ec2Fault(
        'InvalidParameterValue',
        `Value (${p.DeprecateAt}) for parameter DeprecateAt is invalid. You can't specify a date in the past.`,
      );
    if (rounded > now + TEN_YEARS)
      throw new Ec2Fault(
        'InvalidParameterValue',
        `Value (${p.DeprecateAt}) for parameter DeprecateAt is invalid. It must be at most 10 years from now.`,
      );
    image.deprecationTime = new Date(rounded).toISOString();
    return '<return>true</return>';
  }

  /** DeleteTags: a tag given with a value is removed only when the value matches; without one, whatever its value. */
  private deleteTags(region: string, p: Record<string, string>): string {
    const resources = listParam(p, 'ResourceId');
    const keys: Array<[string, string | undefined]> = [];
    for (let n = 1; p[`Tag.${n}.Key`] !== undefined; n++) keys.push([p[`Tag.${n}.Key`]!, p[`Tag.${n}.Value`]]);
    for (const id of resources) {
      const target = id.startsWith('ami-') ? this.image(region, id) : this.snapshot(region, id);
      for (const [key, value] of keys) if (value === undefined || target.tags[key] === value) delete target.tags[key];
    }
    return '<return>true</return>';
  }

  private describeSnapshots(region: string, p: Record<string, string>): string {
    const ids = listParam(p, 'SnapshotId');
    const snaps = ids.length ? ids.map((id) => this.snapshot(region, id)) : [...this.snapshots.values()].filter((s) => s.region === region);
    const items = snaps.map(
      (s) =>
        `<item>${el('snapshotId', s.snapshotId)}${el('volumeId', 'vol-ffffffff')}${el('status', 'completed')}${el('startTime', '2024-05-01T10:00:00.000Z')}` +
        `${el('progress', '100%')}${el('ownerId', TEST_ACCOUNT)}${el('volumeSize', 20)}${el('description', `Copied for DestinationAmi`)}${el('encrypted', false)}${tagSet(s.tags)}</item>`,
    );
    return `<snapshotSet>${items.join('')}</snapshotSet>`;
  }
}
