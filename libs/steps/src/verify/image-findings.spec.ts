import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '@kiln/catalog';
import { loadImageSpec, type KilnImage } from '@kiln/schema';
import { repoRoot } from '@kiln/testing';
import type { PublishedRecord } from '../shared/published-record';
import { kilnTags } from '../upload/upload-context';
import { parseVmInfo } from '../upload/vsphere/upload-vsphere';
import { parseDescribedImage, type AmiFacts } from './aws-reader';
import { parseSigVersion } from './azure-reader';
import { amiFindings, permissionFindings, publishedFindings, sigVersionFindings, tagFindings, templateFindings } from './image-findings';

const catalog = loadCatalog();
const sample = (image: string): KilnImage =>
  loadImageSpec(`images/${image}/image.yaml`, readFileSync(join(repoRoot, 'images', image, 'image.yaml'), 'utf8'), catalog).spec;
const fakeSample = (file: string) => readFileSync(join(repoRoot, 'test/fakes/samples', file), 'utf8');
const KEY = 'a'.repeat(64);
const VERSION = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const TEMPLATE = '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class';

const vsphereRecord: PublishedRecord = {
  image: 'ubuntu-2004-vsphere-class',
  infra: 'vsphere',
  os: 'ubuntu-2004',
  version: VERSION,
  contentKey: KEY,
  vsphere: { templatePath: TEMPLATE, templateName: 'ubuntu-2004-kube-v1.26.5-class' },
};
const awsRecord: PublishedRecord = {
  image: 'ubuntu-2004-aws-cis',
  infra: 'aws',
  os: 'ubuntu-2004',
  contentKey: KEY,
  aws: { amis: { 'us-east-1': 'ami-0aaaaaaaaaaaaaaa1', 'us-west-2': 'ami-0aaaaaaaaaaaaaaa2' } },
};

/** `govc vm.info -json` output of one VM (the camelCase sample) with this annotation and VERSION. */
function vmInfo(annotation: string, version: string, template = true): string {
  const doc = JSON.parse(fakeSample('govc-vm-info-camel.json')) as { virtualMachines: Array<{ config: Record<string, unknown> }> };
  const config = doc.virtualMachines[0]!.config;
  config.annotation = annotation;
  config.template = template;
  const vapp = config.vAppConfig as { property: Array<{ id: string; defaultValue: string }> };
  for (const p of vapp.property) if (p.id === 'VERSION') p.defaultValue = version;
  return JSON.stringify(doc);
}

/** `aws ec2 describe-images --image-ids <id> --output json` as the aws CLI prints it. */
function describeImages(
  id: string,
  state: string,
  tags: Record<string, string>,
  deprecationTime?: string,
  snapshot = 'snap-0000000000000000a',
): string {
  return JSON.stringify({
    Images: [
      {
        Architecture: 'x86_64',
        CreationDate: '2024-05-01T10:00:00.000Z',
        ImageId: id,
        ImageLocation: '111122223333/capa-ami-ubuntu-2004',
        ImageType: 'machine',
        Public: false,
        OwnerId: '111122223333',
        State: state,
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/sda1',
            Ebs: { DeleteOnTermination: true, SnapshotId: snapshot, VolumeSize: 20, VolumeType: 'gp2', Encrypted: false },
          },
        ],
        Name: 'capa-ami-ubuntu-2004',
        RootDeviceName: '/dev/sda1',
        RootDeviceType: 'ebs',
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        VirtualizationType: 'hvm',
        ...(deprecationTime ? { DeprecationTime: deprecationTime } : {}),
      },
    ],
  });
}

const TAGS = kilnTags('ubuntu-2004-aws-cis', undefined, 'v1.26.5+vmware.2', KEY);
const TAG_MAP = Object.fromEntries(TAGS);

function ami(init: Partial<AmiFacts> & { state?: string; tags?: Record<string, string>; deprecationTime?: string } = {}): AmiFacts {
  const id = init.id ?? 'ami-0aaaaaaaaaaaaaaa1';
  return {
    region: init.region ?? 'us-east-1',
    id,
    image: parseDescribedImage(describeImages(id, init.state ?? 'available', init.tags ?? TAG_MAP, init.deprecationTime), id),
    launchPermissions: init.launchPermissions ?? [{ UserId: '123456789012' }],
    snapshots: init.snapshots ?? [{ id: 'snap-0000000000000000a', permissions: [{ UserId: '123456789012' }] }],
  };
}

describe('publishedFindings: published.json against image.yaml', () => {
  it('an image with no published.json is never published, and nothing else is said', () => {
    expect(publishedFindings('ubuntu-2004-aws-cis', sample('ubuntu-2004-aws-cis'), undefined)).toEqual([
      {
        kind: 'not-published',
        message:
          'never published: dist/images/ubuntu-2004-aws-cis/upload/published.json does not exist (run nx run ubuntu-2004-aws-cis:upload)',
      },
    ]);
  });

  it('a record of another infra is stale', () => {
    expect(
      publishedFindings('ubuntu-2004-vsphere-class', sample('ubuntu-2004-vsphere-class'), {
        ...awsRecord,
        image: 'ubuntu-2004-vsphere-class',
      }),
    ).toEqual([
      {
        kind: 'published-stale',
        message:
          'dist/images/ubuntu-2004-vsphere-class/upload/published.json records ubuntu-2004-vsphere-class (aws), but image.yaml declares ubuntu-2004-vsphere-class (vsphere) (run nx run ubuntu-2004-vsphere-class:upload)',
      },
    ]);
  });

  it('a template published elsewhere than image.yaml declares now has moved, and another OVA VERSION is stale', () => {
    const moved = { ...vsphereRecord, version: 'v1.26.5+vmware.1-myorg.0', vsphere: { templatePath: '/dc0/vm/old/t', templateName: 't' } };
    expect(publishedFindings('ubuntu-2004-vsphere-class', sample('ubuntu-2004-vsphere-class'), moved).map((f) => f.kind)).toEqual([
      'template-moved',
      'published-stale',
    ]);
    expect(publishedFindings('ubuntu-2004-vsphere-class', sample('ubuntu-2004-vsphere-class'), moved)[0]!.message).toBe(
      `image.yaml declares the template ${TEMPLATE}, upload published /dc0/vm/old/t (run nx run ubuntu-2004-vsphere-class:upload)`,
    );
  });

  it('every declared AWS region needs a published AMI; a published region no longer declared is named too', () => {
    const record = { ...awsRecord, aws: { amis: { 'us-east-1': 'ami-0aaaaaaaaaaaaaaa1', 'eu-central-1': 'ami-0aaaaaaaaaaaaaaa3' } } };
    expect(publishedFindings('ubuntu-2004-aws-cis', sample('ubuntu-2004-aws-cis'), record)).toEqual([
      {
        kind: 'region-missing',
        message:
          'no AMI in us-west-2: image.yaml declares it (upload.aws.copyToRegions), published.json has none (run nx run ubuntu-2004-aws-cis:upload)',
      },
      {
        kind: 'region-undeclared',
        message: 'AMI ami-0aaaaaaaaaaaaaaa3 in eu-central-1 is published, but image.yaml no longer declares eu-central-1',
      },
    ]);
  });

  it('a record matching image.yaml has no finding', () => {
    expect([
      publishedFindings('ubuntu-2004-vsphere-class', sample('ubuntu-2004-vsphere-class'), vsphereRecord),
      publishedFindings('ubuntu-2004-aws-cis', sample('ubuntu-2004-aws-cis'), awsRecord),
    ]).toEqual([[], []]);
  });
});

describe('templateFindings: govc vm.info of the published template', () => {
  it('a template with the published content key and VERSION has no finding', () => {
    expect(
      templateFindings(
        TEMPLATE,
        parseVmInfo(vmInfo(`Cluster API vSphere image\nKiln image x\nkiln-content-key=${KEY}`, VERSION)),
        vsphereRecord,
      ),
    ).toEqual([]);
  });

  it('no VM at the path (govc: exit 0, no VMs) is template-missing', () => {
    expect(templateFindings(TEMPLATE, parseVmInfo('{"virtualMachines": null}'), vsphereRecord)).toEqual([
      { kind: 'template-missing', message: `template ${TEMPLATE} does not exist in vCenter` },
    ]);
  });

  it('a VM (not a template) with another content key and VERSION: one finding each', () => {
    const other = 'b'.repeat(64);
    expect(
      templateFindings(TEMPLATE, parseVmInfo(vmInfo(`kiln-content-key=${other}`, 'v1.26.5+vmware.1-myorg.0', false)), vsphereRecord),
    ).toEqual([
      { kind: 'not-a-template', message: `${TEMPLATE} is a VM, not a template` },
      {
        kind: 'content-key',
        message: `template ${TEMPLATE} carries content key bbbbbbbbbbbb (annotation kiln-content-key), published aaaaaaaaaaaa`,
      },
      { kind: 'ova-version', message: `template ${TEMPLATE} has OVA VERSION v1.26.5+vmware.1-myorg.0, published ${VERSION}` },
    ]);
  });

  it("a template without Kiln's annotation says so", () => {
    expect(templateFindings(TEMPLATE, parseVmInfo(vmInfo('Cluster API vSphere image', VERSION)), vsphereRecord)).toEqual([
      { kind: 'content-key', message: `template ${TEMPLATE} carries no kiln-content-key annotation (published aaaaaaaaaaaa)` },
    ]);
  });
});

describe('amiFindings: describe-images, describe-image-attribute and describe-snapshot-attribute of one AMI', () => {
  const ACCOUNTS = ['123456789012'];

  it('an available AMI with the tags, shared with exactly the declared accounts, has no finding', () => {
    expect(amiFindings('ubuntu-2004-aws-cis', ami(), { tags: TAGS, accounts: ACCOUNTS, home: true })).toEqual([]);
  });

  it("an AMI EC2 does not know is missing: the build region's needs a rebuild, a copy is copied again by upload", () => {
    const gone = { ...ami(), image: undefined };
    expect([
      amiFindings('i', gone, { tags: TAGS, accounts: ACCOUNTS, home: true }),
      amiFindings('i', { ...gone, region: 'us-west-2' }, { tags: TAGS, accounts: ACCOUNTS, home: false }),
    ]).toEqual([
      [
        {
          kind: 'ami-missing',
          message:
            'AMI ami-0aaaaaaaaaaaaaaa1 in us-east-1 does not exist (published.json names it; rebuild: nx run i:build --skip-nx-cache, then upload)',
        },
      ],
      [
        {
          kind: 'ami-missing',
          message: 'AMI ami-0aaaaaaaaaaaaaaa1 in us-west-2 does not exist (published.json names it; nx run i:upload copies it again)',
        },
      ],
    ]);
  });

  it('a recently deregistered AMI (EC2 still lists it, state deregistered) is missing too', () => {
    expect(amiFindings('i', ami({ state: 'deregistered' }), { tags: TAGS, accounts: ACCOUNTS, home: false }).map((f) => f.kind)).toEqual([
      'ami-missing',
    ]);
  });

  it('an AMI that is not available is named with its state', () => {
    expect(amiFindings('i', ami({ state: 'failed' }), { tags: TAGS, accounts: ACCOUNTS, home: true })).toEqual([
      { kind: 'ami-state', message: 'AMI ami-0aaaaaaaaaaaaaaa1 in us-east-1 is failed, not available' },
    ]);
  });

  it('a public AMI (launch permission group all) and a public snapshot are each a public finding', () => {
    const facts = ami({
      launchPermissions: [{ UserId: '123456789012' }, { Group: 'all' }],
      snapshots: [{ id: 'snap-0000000000000000a', permissions: [{ Group: 'all' }, { UserId: '123456789012' }] }],
    });
    expect(amiFindings('i', facts, { tags: TAGS, accounts: ACCOUNTS, home: true })).toEqual([
      { kind: 'public', message: 'AMI ami-0aaaaaaaaaaaaaaa1 in us-east-1 is public (launch permission for group all)' },
      {
        kind: 'public',
        message:
          'snapshot snap-0000000000000000a of AMI ami-0aaaaaaaaaaaaaaa1 in us-east-1 is public (createVolumePermission for group all)',
      },
    ]);
  });

  it('sharing with an undeclared account or not with a declared one is one shared finding per object', () => {
    const facts = ami({ launchPermissions: [{ UserId: '999999999999' }], snapshots: [{ id: 'snap-0000000000000000a', permissions: [] }] });
    expect(amiFindings('i', facts, { tags: TAGS, accounts: ACCOUNTS, home: true })).toEqual([
      {
        kind: 'shared',
        message:
          'AMI ami-0aaaaaaaaaaaaaaa1 in us-east-1: launch permission differs from upload.aws.shareWithAccounts: shared with undeclared 999999999999; not shared with declared 123456789012',
      },
      {
        kind: 'shared',
        message:
          'snapshot snap-0000000000000000a of AMI ami-0aaaaaaaaaaaaaaa1 in us-east-1: createVolumePermission differs from upload.aws.shareWithAccounts: not shared with declared 123456789012',
      },
    ]);
  });

  it('a snapshot that is gone is snapshot-missing', () => {
    expect(
      amiFindings('i', ami({ snapshots: [{ id: 'snap-0000000000000000a' }] }), { tags: TAGS, accounts: ACCOUNTS, home: true }),
    ).toEqual([
      { kind: 'snapshot-missing', message: 'snapshot snap-0000000000000000a of AMI ami-0aaaaaaaaaaaaaaa1 in us-east-1 does not exist' },
    ]);
  });

  it('tags: one finding naming each missing or other value (content keys shortened)', () => {
    const { 'kiln:image': _dropped, ...rest } = TAG_MAP;
    const facts = ami({ tags: { ...rest, 'kiln:content-key': 'c'.repeat(64) } });
    expect(amiFindings('i', facts, { tags: TAGS, accounts: ACCOUNTS, home: true })).toEqual([
      {
        kind: 'tags',
        message:
          'AMI ami-0aaaaaaaaaaaaaaa1 in us-east-1: tags differ: kiln:image missing (expected ubuntu-2004-aws-cis), kiln:content-key=cccccccccccc (expected aaaaaaaaaaaa)',
      },
    ]);
  });
});

describe('permissionFindings and tagFindings', () => {
  it('a private object with no declared account has no finding', () => {
    expect(permissionFindings('AMI x', 'launch permission', [], [])).toEqual([]);
  });

  it("extra tags (someone else's) are not findings", () => {
    expect(tagFindings('x', { ...TAG_MAP, owner: 'team-a' }, TAGS)).toEqual([]);
  });
});

describe('sigVersionFindings: az sig image-version show of the published version', () => {
  const up = sample('ubuntu-2004-azure-fips').upload.azure!;
  const AZ_TAGS = kilnTags('ubuntu-2004-azure-fips', undefined, 'v1.26.5+vmware.2', KEY);
  /** The az sample (West Europe only, the build's tags), with Kiln's tags and these regions. */
  const shown = (regions: string[], tags: Array<[string, string]> = AZ_TAGS, state = 'Succeeded') => {
    const doc = JSON.parse(fakeSample('az-sig-image-version-show.json')) as {
      publishingProfile: { targetRegions: unknown[] };
      tags: Record<string, string>;
      provisioningState: string;
    };
    doc.publishingProfile.targetRegions = regions.map((name) => ({ name, regionalReplicaCount: 1, storageAccountType: 'Standard_LRS' }));
    doc.tags = { ...doc.tags, ...Object.fromEntries(tags) };
    doc.provisioningState = state;
    return parseSigVersion(JSON.stringify(doc));
  };
  const WHAT = 'image version tkg_gallery/capi-ubuntu-2004/0.1.123456';

  it('replicated to the location and every replication region (display names), with the tags: no finding', () => {
    expect(sigVersionFindings(WHAT, shown(['West Europe', 'North Europe']), AZ_TAGS, up, 'ubuntu-2004-azure-fips')).toEqual([]);
  });

  it('a declared region it is not replicated to is region-missing', () => {
    expect(sigVersionFindings(WHAT, shown(['West Europe']), AZ_TAGS, up, 'ubuntu-2004-azure-fips')).toEqual([
      { kind: 'region-missing', message: `${WHAT} is not replicated to northeurope (declared in upload.azure.replicationRegions)` },
    ]);
  });

  it('a version that does not exist, or is not Succeeded, or lacks the tags', () => {
    expect([
      sigVersionFindings(WHAT, undefined, AZ_TAGS, up, 'ubuntu-2004-azure-fips'),
      sigVersionFindings(WHAT, shown(['West Europe', 'North Europe'], [], 'Failed'), AZ_TAGS, up, 'ubuntu-2004-azure-fips').map(
        (f) => f.kind,
      ),
    ]).toEqual([[{ kind: 'sig-version-missing', message: `${WHAT} does not exist` }], ['sig-version-state', 'tags']]);
  });
});

describe("lifecycleFindings: a revoked image carries the cloud's lifecycle, a restored one no longer Kiln's mark", () => {
  const REVOKED = { reason: 'CVE-2026-0001 in the kernel', at: '2026-02-01' };
  const ACCOUNTS = ['123456789012'];

  it("AWS: a revoked image's AMI that is not deprecated", () => {
    expect(amiFindings('i', ami(), { tags: TAGS, accounts: ACCOUNTS, home: true, revoked: REVOKED })).toEqual([
      {
        kind: 'revoked',
        message:
          'AMI ami-0aaaaaaaaaaaaaaa1 in us-east-1 is not deprecated, though image.yaml revokes the image since 2026-02-01 (run nx run i:upload)',
      },
    ]);
  });

  it('AWS: deprecated (DeprecationTime in describe-images) while revoked is as declared', () => {
    expect(
      amiFindings('i', ami({ deprecationTime: '2026-02-01T00:00:00.000Z', tags: { ...TAG_MAP, 'kiln:revoked': '2026-02-01' } }), {
        tags: TAGS,
        accounts: ACCOUNTS,
        home: true,
        revoked: REVOKED,
      }),
    ).toEqual([]);
  });

  it("AWS: Kiln's kiln:revoked tag left on an AMI whose image is no longer revoked", () => {
    expect(
      amiFindings('i', ami({ deprecationTime: '2026-02-01T00:00:00.000Z', tags: { ...TAG_MAP, 'kiln:revoked': '2026-02-01' } }), {
        tags: TAGS,
        accounts: ACCOUNTS,
        home: true,
      }),
    ).toEqual([
      {
        kind: 'revoked',
        message:
          'AMI ami-0aaaaaaaaaaaaaaa1 in us-east-1 is still deprecated by Kiln, though image.yaml no longer revokes the image (run nx run i:upload to restore it)',
      },
    ]);
  });

  it("Azure: a revoked image's version still in latest", () => {
    const up = sample('ubuntu-2004-azure-fips').upload.azure!;
    const facts = {
      id: 'x',
      provisioningState: 'Succeeded',
      excludeFromLatest: false,
      tags: Object.fromEntries(TAGS),
      regions: ['northeurope', 'westeurope'],
    };
    expect(sigVersionFindings('image version g/i/1', facts, TAGS, up, 'a', REVOKED)).toEqual([
      {
        kind: 'revoked',
        message:
          'image version g/i/1 is not excluded from latest, though image.yaml revokes the image since 2026-02-01 (run nx run a:upload)',
      },
    ]);
  });

  it("vSphere: a revoked image's template without the kiln-revoked= annotation line, and one with it", () => {
    const annotation = `Kiln image x\nkiln-content-key=${KEY}`;
    expect([
      templateFindings(TEMPLATE, parseVmInfo(vmInfo(annotation, VERSION)), vsphereRecord, REVOKED),
      templateFindings(
        TEMPLATE,
        parseVmInfo(vmInfo(`${annotation}\nkiln-revoked=2026-02-01 CVE-2026-0001 in the kernel`, VERSION)),
        vsphereRecord,
        REVOKED,
      ),
    ]).toEqual([
      [
        {
          kind: 'revoked',
          message: `template ${TEMPLATE} is not annotated kiln-revoked=, though image.yaml revokes the image since 2026-02-01 (run nx run ubuntu-2004-vsphere-class:upload)`,
        },
      ],
      [],
    ]);
  });
});
