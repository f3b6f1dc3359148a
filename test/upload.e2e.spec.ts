// The upload target against real processes: the real aws CLI (v1) talking to a local EC2 Query API server, and a
// govc FAKE on PATH (test/fakes/govc). The real govc against vcsim is tested in vsphere-vcsim.e2e.spec.ts; the fake
// stays for what vcsim 0.24 cannot do: it drops the OVF ProductSection on import (vCenter keeps it as vApp
// properties), so the VERSION of a template and the "already holds this build" re-run need the fake, as do injected
// failures (a broken upload, a hang, a name taken mid-import). The Azure upload runs with the real az against a local
// ARM test server in azure-cli.e2e.spec.ts. The fake is faithful to govc's output shapes (samples in
// test/fakes/samples) and keeps its own state, so idempotency is checked against "the cloud".
// Each test gets a fresh small workspace with a hand-written artifact.json (and a real tiny .ova for vSphere).
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '@kiln/catalog';
import { formatError } from '@kiln/errors';
import { loadImageSpec } from '@kiln/schema';
import { contentKey, formatPlan, planUpload, uploadStep, type PublishedRecord } from '@kiln/steps';
import { Ec2TestServer } from './support/ec2-test-server';
import {
  Capture,
  commitOf,
  copySampleImage,
  createUploadWorkspace,
  key,
  OVA_VERSION,
  pathWithFakes,
  readLog,
  revokeImage,
  writeArtifact,
  writeOva,
  writeProvenance,
  type UploadWorkspace,
} from './support/upload-fixtures';
import { taskOutput } from './support/nx-output';
import { createTempWorkspace, REPO_ROOT, type TempWorkspace } from './support/temp-workspace';

const execFileAsync = promisify(execFile);
let ws: UploadWorkspace;

async function upload(env: NodeJS.ProcessEnv, project: string, replace = false): Promise<{ report: string; output: string }> {
  const echo = new Capture();
  const report = await uploadStep({ workspaceRoot: ws.root, project, replace, echo, env });
  return { report, output: echo.text };
}

async function uploadError(env: NodeJS.ProcessEnv, project: string, replace = false): Promise<string> {
  try {
    await uploadStep({ workspaceRoot: ws.root, project, replace, echo: new Capture(), env });
  } catch (e) {
    return formatError(e);
  }
  throw new Error('upload succeeded but was expected to fail');
}

function published(project: string): PublishedRecord {
  return JSON.parse(ws.read(`dist/images/${project}/upload/published.json`)) as PublishedRecord;
}

// ---------------------------------------------------------------------------------------------------------
describe('vSphere upload (govc fake on PATH)', () => {
  const IMAGE = 'ubuntu-2004-vsphere-class';
  const TEMPLATE = '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class';
  const OVA = `dist/images/${IMAGE}/output/ubuntu-2004-kube-v1.26.5+vmware.2/ubuntu-2004-kube-v1.26.5.ova`;
  const OPTIONS = `dist/images/${IMAGE}/upload/import-options.json`;
  const KEY = key('vsphere build 1');
  const PASSWORD = 'S3cret-vsphere-pw';

  interface GovcCall {
    argv: string[];
    govcUrl: string | null;
    govcUsername: string | null;
  }

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: pathWithFakes(),
    FAKE_GOVC_STATE: ws.state,
    FAKE_GOVC_LOG: ws.govcLog,
    FAKE_GOVC_PASSWORD: PASSWORD,
    VSPHERE_SERVER: 'vcenter.example.com',
    VSPHERE_USERNAME: 'administrator@vsphere.local',
    VSPHERE_PASSWORD: PASSWORD,
    ...extra,
  });
  const calls = () =>
    readLog<GovcCall>(ws.govcLog)
      .filter((c) => c.argv)
      .map((c) => c.argv);
  const vms = () =>
    JSON.parse(readFileSync(join(ws.state, 'vms.json'), 'utf8')) as Record<string, { annotation: string; template: boolean }>;
  /** A VM already in the fake vCenter, as an earlier import left it. */
  const seedVm = (contentKey: string, version: string, template = true) =>
    writeFileSync(
      join(ws.state, 'vms.json'),
      JSON.stringify({
        [TEMPLATE]: {
          name: 'ubuntu-2004-kube-v1.26.5-class',
          path: TEMPLATE,
          moref: 'vm-1001',
          template,
          annotation: `Cluster API vSphere image\nKiln image ${IMAGE}\nkiln-content-key=${contentKey}`,
          properties: [
            { key: 'DISTRO_NAME', value: 'ubuntu' },
            { key: 'VERSION', value: version },
          ],
          product: 'ubuntu-2004-kube-v1.26.5+vmware.1 distro_name=ubuntu distro_version=20.04',
        },
      }),
    );

  beforeEach(() => {
    ws = createUploadWorkspace();
    copySampleImage(ws, IMAGE);
    writeOva(ws, OVA, OVA_VERSION);
    writeArtifact(ws, { image: IMAGE, infra: 'vsphere', contentKey: KEY, version: OVA_VERSION, ova: OVA });
  });

  afterEach(() => ws.dispose());

  it('imports the OVA with the generated options and marks it as a template, in this exact govc sequence', async () => {
    const { report } = await upload(env(), IMAGE);
    expect(report).toBe(`[${IMAGE}] published template ${TEMPLATE} → dist/images/${IMAGE}/upload/published.json`);
    expect(calls()).toEqual([
      ['vm.info', '-json', TEMPLATE],
      ['import.spec', OVA],
      [
        'import.ova',
        '-dc',
        '/dc0',
        '-ds',
        'vsanDatastore',
        '-folder',
        '/dc0/vm/tkg-templates',
        '-pool',
        '/dc0/host/cluster0/Resources',
        '-name',
        'ubuntu-2004-kube-v1.26.5-class',
        '-options',
        OPTIONS,
        OVA,
      ],
      ['vm.markastemplate', TEMPLATE],
    ]);
    expect(vms()[TEMPLATE]).toMatchObject({
      template: true,
      annotation: `Cluster API vSphere image\nKiln image ${IMAGE}\nkiln-content-key=${KEY}`,
    });
  });

  it('writes the import options as govc import.spec made them, with Kiln settings laid over', async () => {
    await upload(env(), IMAGE);
    expect(JSON.parse(ws.read(OPTIONS))).toEqual({
      Annotation: `Cluster API vSphere image\nKiln image ${IMAGE}\nkiln-content-key=${KEY}`,
      DiskProvisioning: 'flat',
      IPAllocationPolicy: 'dhcpPolicy',
      IPProtocol: 'IPv4',
      InjectOvfEnv: false,
      MarkAsTemplate: false,
      Name: 'ubuntu-2004-kube-v1.26.5-class',
      NetworkMapping: [{ Name: 'nic0', Network: 'VM Network' }],
      PowerOn: false,
      WaitForIP: false,
    });
  });

  it('writes published.json in the PublishedRecord shape', async () => {
    await upload(env(), IMAGE);
    expect(published(IMAGE)).toEqual({
      contentKey: KEY,
      image: IMAGE,
      infra: 'vsphere',
      os: 'ubuntu-2004',
      version: OVA_VERSION,
      vsphere: { templateName: 'ubuntu-2004-kube-v1.26.5-class', templatePath: TEMPLATE },
    });
  });

  it('gives govc the credentials through its environment (VSPHERE_* mapped to GOVC_*), never in argv or output', async () => {
    const { output } = await upload(env(), IMAGE);
    const log = readLog<GovcCall>(ws.govcLog);
    expect(log.map((c) => [c.govcUrl, c.govcUsername])).toEqual(Array(4).fill(['vcenter.example.com', 'administrator@vsphere.local']));
    expect(JSON.stringify(log)).not.toContain(PASSWORD);
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain('administrator@vsphere.local');
  });

  it('stops before calling govc when no vSphere credentials are set', async () => {
    const noCreds = env();
    delete noCreds.VSPHERE_SERVER;
    delete noCreds.VSPHERE_USERNAME;
    delete noCreds.VSPHERE_PASSWORD;
    expect(await uploadError(noCreds, IMAGE)).toBe(
      'vSphere credentials are missing: set GOVC_URL, GOVC_USERNAME and GOVC_PASSWORD (or VSPHERE_SERVER, VSPHERE_USERNAME, VSPHERE_PASSWORD)\n' +
        '  hint: export them in the shell that runs nx (govc reads them from its environment, never from its arguments), or set KILN_VSPHERE_CREDENTIALS_FILE to a vsphere.json outside the repository',
    );
    expect(calls()).toEqual([]);
  });

  it('skips the import when vCenter already holds this build (govc ≤ v0.30 PascalCase vm.info)', async () => {
    seedVm(KEY, OVA_VERSION);
    const { output } = await upload(env({ FAKE_GOVC_CASE: 'pascal' }), IMAGE);
    expect(calls()).toEqual([['vm.info', '-json', TEMPLATE]]);
    expect(output).toContain(
      `template ${TEMPLATE} already holds this build (VERSION ${OVA_VERSION}, content key ${KEY.slice(0, 12)}): nothing to import`,
    );
    expect(published(IMAGE).vsphere).toEqual({ templateName: 'ubuntu-2004-kube-v1.26.5-class', templatePath: TEMPLATE });
  });

  it('skips the import when vCenter already holds this build (later govc camelCase vm.info)', async () => {
    seedVm(KEY, OVA_VERSION);
    await upload(env({ FAKE_GOVC_CASE: 'camel' }), IMAGE);
    expect(calls()).toEqual([['vm.info', '-json', TEMPLATE]]);
    expect(published(IMAGE).contentKey).toBe(KEY);
  });

  it('stops with an error naming the template and --replace when it holds another build', async () => {
    const other = key('vsphere build 0');
    seedVm(other, 'v1.26.5+vmware.1-myorg.0');
    expect(await uploadError(env(), IMAGE)).toBe(
      `vSphere VM ${TEMPLATE} already exists with other content (VERSION v1.26.5+vmware.1-myorg.0, content key ${other.slice(0, 12)}); this build is VERSION ${OVA_VERSION}, content key ${KEY.slice(0, 12)}\n` +
        `  hint: run nx run ${IMAGE}:upload --replace to destroy ${TEMPLATE} and import this build, or change upload.vsphere.templateName in images/${IMAGE}/image.yaml`,
    );
    expect(calls()).toEqual([['vm.info', '-json', TEMPLATE]]);
    expect(ws.exists(`dist/images/${IMAGE}/upload/published.json`)).toBe(false);
  });

  it('with --replace destroys the other build and imports this one', async () => {
    seedVm(key('vsphere build 0'), 'v1.26.5+vmware.1-myorg.0');
    await upload(env(), IMAGE, true);
    expect(calls().map((a) => a[0])).toEqual(['vm.info', 'vm.destroy', 'import.spec', 'import.ova', 'vm.markastemplate']);
    expect(calls()[1]).toEqual(['vm.destroy', TEMPLATE]);
    expect(vms()[TEMPLATE]!.annotation).toBe(`Cluster API vSphere image\nKiln image ${IMAGE}\nkiln-content-key=${KEY}`);
  });

  it('destroys the half-imported VM when import.ova fails, and writes no published.json', async () => {
    const message = await uploadError(env({ FAKE_GOVC_FAIL: 'import.ova' }), IMAGE);
    expect(message.split('\n')[0]).toBe('govc exited with code 1');
    expect(message).toContain('govc: Post "https://vcenter.example.com/nfc/52c1a9e0-1f0b/disk-0.vmdk": unexpected EOF');
    expect(calls().slice(2)).toEqual([expect.arrayContaining(['import.ova']), ['vm.info', '-json', TEMPLATE], ['vm.destroy', TEMPLATE]]);
    expect(vms()).toEqual({});
    expect(ws.exists(`dist/images/${IMAGE}/upload/published.json`)).toBe(false);
  });

  it("leaves alone a VM that is not this upload's when the import fails because someone took the name meanwhile", async () => {
    const message = await uploadError(env({ FAKE_GOVC_RACE: 'import.ova' }), IMAGE);
    expect(message).toContain("govc: ServerFaultCode: The name 'ubuntu-2004-kube-v1.26.5-class' already exists.");
    expect(calls().map((a) => a[0])).toEqual(['vm.info', 'import.spec', 'import.ova', 'vm.info']);
    expect(vms()[TEMPLATE]!.annotation).toBe('created by someone else');
  });

  it('destroys the imported VM when markastemplate fails', async () => {
    await uploadError(env({ FAKE_GOVC_FAIL: 'vm.markastemplate' }), IMAGE);
    expect(calls().map((a) => a[0])).toEqual(['vm.info', 'import.spec', 'import.ova', 'vm.markastemplate', 'vm.info', 'vm.destroy']);
    expect(vms()).toEqual({});
  });

  it('on SIGINT during the import stops govc, destroys the half-imported VM and exits with INTERRUPTED', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(REPO_ROOT, 'test/support/run-upload.ts'), ws.root, IMAGE], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env({ FAKE_GOVC_HANG: 'import.ova' }) },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!readLog<{ event?: string }>(ws.govcLog).some((e) => e.event === 'hang')) {
      if (Date.now() > deadline) throw new Error(`import never started: ${stderr}`);
      await sleep(50);
    }
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stderr.split('\n')[0]).toBe(`${IMAGE}: upload interrupted by SIGINT; run upload again to finish it`);
    expect(calls().map((a) => a[0])).toEqual(['vm.info', 'import.spec', 'import.ova', 'vm.info', 'vm.destroy']);
    expect(vms()).toEqual({});
    expect(ws.exists(`dist/images/${IMAGE}/upload/published.json`)).toBe(false);
  });

  it('reports a govc login failure with the credentials hint and imports nothing', async () => {
    expect(await uploadError(env({ FAKE_GOVC_PASSWORD: 'another-password' }), IMAGE)).toBe(
      `govc vm.info ${TEMPLATE} failed (exit code 1): ServerFaultCode: Cannot complete login due to an incorrect user name or password.\n` +
        '  hint: check GOVC_USERNAME and GOVC_PASSWORD (or VSPHERE_USERNAME, VSPHERE_PASSWORD); Kiln never reuses a cached govc session',
    );
    expect(calls()).toEqual([['vm.info', '-json', TEMPLATE]]);
  });

  it('refuses an artifact built from other config than the rendered config folder holds now', async () => {
    ws.write(`dist/images/${IMAGE}/config/build-plan.json`, '{"changed": true}\n');
    await expect(
      uploadStep({ workspaceRoot: ws.root, project: IMAGE, configPath: `dist/images/${IMAGE}/config`, echo: new Capture(), env: env() }),
    ).rejects.toMatchObject({
      code: 'ARTIFACT_STALE',
      message: `dist/images/${IMAGE}/build/artifact.json was built from other config than dist/images/${IMAGE}/config holds now`,
    });
    expect(calls()).toEqual([]);
  });

  it('writes the commit the build recorded into the annotation it imports with', async () => {
    writeProvenance(ws, IMAGE, commitOf('vsphere'));
    await upload(env(), IMAGE);
    expect(vms()[TEMPLATE]!.annotation).toBe(
      `Cluster API vSphere image\nKiln image ${IMAGE}\nkiln-content-key=${KEY}\nkiln-commit=${commitOf('vsphere')}`,
    );
    expect(calls().map((a) => a[0])).toEqual(['vm.info', 'import.spec', 'import.ova', 'vm.markastemplate']);
  });

  it('adds the commit line to a template that already holds this build (govc vm.change -annotation), keeping its other lines', async () => {
    seedVm(KEY, OVA_VERSION);
    writeProvenance(ws, IMAGE, commitOf('vsphere'), true);
    await upload(env(), IMAGE);
    const annotation = `Cluster API vSphere image\nKiln image ${IMAGE}\nkiln-content-key=${KEY}\nkiln-commit=${commitOf('vsphere')}-dirty`;
    expect(calls()).toEqual([
      ['vm.info', '-json', TEMPLATE],
      ['vm.change', '-vm', TEMPLATE, '-annotation', annotation],
    ]);
    expect(vms()[TEMPLATE]!.annotation).toBe(annotation);
  });

  it('removes the kiln-revoked line of a restored image (revoked: gone from image.yaml) from the template that holds this build', async () => {
    seedVm(KEY, OVA_VERSION);
    const state = vms();
    state[TEMPLATE]!.annotation += '\nkiln-revoked=2026-02-20 CVE-2026-0001';
    writeFileSync(join(ws.state, 'vms.json'), JSON.stringify(state));
    const { output } = await upload(env(), IMAGE);
    expect(vms()[TEMPLATE]!.annotation).toBe(`Cluster API vSphere image\nKiln image ${IMAGE}\nkiln-content-key=${KEY}`);
    expect(output).toContain(`template ${TEMPLATE} annotated: the revocation image.yaml no longer declares is removed`);
  });

  it('refuses an OVA that is not the one the build recorded', async () => {
    writeFileSync(join(ws.root, OVA), 'not the built ova');
    expect(await uploadError(env(), IMAGE)).toBe(
      `the OVA ${OVA} is not the one the build produced (size or sha256 differ from artifact.json)\n  hint: rebuild: nx run ${IMAGE}:build --skip-nx-cache`,
    );
    expect(calls()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('AWS upload (the real aws CLI against a local EC2 endpoint)', () => {
  const IMAGE = 'ubuntu-2004-aws';
  const KEY = key('aws build 1');
  const NAME = 'capa-ami-ubuntu-2004-v1.26.5+vmware.2-1689156775';
  const ACCOUNTS = ['123456789012', '210987654321'];
  const TAGS = { 'kiln:image': IMAGE, 'kiln:version': '-', 'kiln:kubernetes': 'v1.26.5+vmware.2', 'kiln:content-key': KEY };
  const tagParams = (): Record<string, string> =>
    Object.fromEntries(
      Object.entries(TAGS).flatMap(([k, v], i) => [
        [`Tag.${i + 1}.Key`, k],
        [`Tag.${i + 1}.Value`, v],
      ]),
    );
  const server = new Ec2TestServer();
  let sourceId = '';
  let sourceSnap = '';

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: ws.root,
    AWS_ACCESS_KEY_ID: 'AKIDKILNTEST0000',
    AWS_SECRET_ACCESS_KEY: 'kiln-test-secret-access-key',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    KILN_AWS_ENDPOINT_URL: server.url,
    KILN_AWS_POLL_SECONDS: '0.05',
    ...extra,
  });
  const calls = () => server.calls.map((c): [string, string, Record<string, string>] => [c.action, c.region, c.params]);
  const actions = () => server.calls.map((c) => `${c.action} ${c.region}`);

  /** A fresh workspace and EC2 store holding the build's AMI in us-east-1; `upload` is the image.yaml upload.aws block. */
  function setup(uploadLines: string[]): void {
    ws = createUploadWorkspace();
    server.images.clear();
    server.snapshots.clear();
    server.clearCalls();
    server.copyPendingDescribes = 1;
    ws.write(
      `images/${IMAGE}/image.yaml`,
      [
        'infra: aws',
        'os: ubuntu-2004',
        'release: v2.3.0',
        'upload:',
        '  aws:',
        '    region: us-east-1',
        ...uploadLines.map((l) => `    ${l}`),
        '',
      ].join('\n'),
    );
    const source = server.addImage('us-east-1', NAME, { description: 'Cluster API AMI' });
    sourceId = source.imageId;
    sourceSnap = source.snapshotIds[0]!;
    writeArtifact(ws, { image: IMAGE, infra: 'aws', contentKey: KEY, amis: { 'us-east-1': sourceId } });
  }

  beforeAll(async () => {
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  describe('a first upload to three regions, shared with two accounts', () => {
    let output = '';

    beforeAll(async () => {
      setup(['copyToRegions: [us-west-2, eu-central-1]', 'shareWithAccounts: ["123456789012", "210987654321"]']);
      output = (await upload(env(), IMAGE)).output;
    });

    afterAll(() => ws.dispose());

    /** The calls that copy the build's AMI into `region` and tag the copy at once. */
    const copyCalls = (region: string, copyId: string, token: string) => [
      ['DescribeImages', region, { 'Owner.1': 'self', 'Filter.1.Name': 'tag:kiln:content-key', 'Filter.1.Value.1': KEY }],
      ['DescribeImages', region, { 'Owner.1': 'self', 'Filter.1.Name': 'name', 'Filter.1.Value.1': NAME }],
      ['CopyImage', region, { Name: NAME, SourceImageId: sourceId, SourceRegion: 'us-east-1', ClientToken: token }],
      ['CreateTags', region, { 'ResourceId.1': copyId, ...tagParams() }],
    ];
    /** The calls that tag and share one AMI (and its snapshot) in `region`. */
    const convergeCalls = (region: string, ami: string, snap: string, tagAmi: boolean) => [
      ['DescribeSnapshots', region, { 'SnapshotId.1': snap }],
      ['CreateTags', region, { 'ResourceId.1': tagAmi ? ami : snap, ...(tagAmi ? { 'ResourceId.2': snap } : {}), ...tagParams() }],
      ['DescribeImageAttribute', region, { Attribute: 'launchPermission', ImageId: ami }],
      [
        'ModifyImageAttribute',
        region,
        { ImageId: ami, 'LaunchPermission.Add.1.UserId': ACCOUNTS[0], 'LaunchPermission.Add.2.UserId': ACCOUNTS[1] },
      ],
      ['DescribeSnapshotAttribute', region, { Attribute: 'createVolumePermission', SnapshotId: snap }],
      [
        'ModifySnapshotAttribute',
        region,
        { Attribute: 'createVolumePermission', OperationType: 'add', SnapshotId: snap, 'UserId.1': ACCOUNTS[0], 'UserId.2': ACCOUNTS[1] },
      ],
    ];

    it('copies to every declared region, polls each copy until available, then tags and shares every AMI: exactly these EC2 calls', () => {
      const eu = server.imagesIn('eu-central-1')[0]!;
      const west = server.imagesIn('us-west-2')[0]!;
      const token = (region: string) => server.calls.find((c) => c.action === 'CopyImage' && c.region === region)!.params.ClientToken!;
      expect(token('eu-central-1')).toMatch(/^kiln-[0-9a-f]{40}$/);
      expect(token('us-west-2')).not.toBe(token('eu-central-1'));
      expect(calls()).toEqual([
        ['DescribeImages', 'us-east-1', { 'ImageId.1': sourceId }],
        ...copyCalls('eu-central-1', eu.imageId, token('eu-central-1')),
        ...copyCalls('us-west-2', west.imageId, token('us-west-2')),
        ['DescribeImages', 'eu-central-1', { 'ImageId.1': eu.imageId }],
        ['DescribeImages', 'eu-central-1', { 'ImageId.1': eu.imageId }],
        ...convergeCalls('eu-central-1', eu.imageId, eu.snapshotIds[0]!, false),
        ...convergeCalls('us-east-1', sourceId, sourceSnap, true),
        ['DescribeImages', 'us-west-2', { 'ImageId.1': west.imageId }],
        ['DescribeImages', 'us-west-2', { 'ImageId.1': west.imageId }],
        ...convergeCalls('us-west-2', west.imageId, west.snapshotIds[0]!, false),
      ]);
    });

    it('makes nothing public: no call names a group, and every AMI and snapshot is shared with exactly the declared accounts', () => {
      const groupParams = server.calls.flatMap((c) =>
        Object.keys(c.params)
          .filter((k) => /Group/.test(k))
          .map((k) => `${c.action} ${k}=${c.params[k]}`),
      );
      expect(groupParams).toEqual([]);
      expect([...server.images.values()].map((i) => [i.region, i.launchUsers, i.launchGroups])).toEqual([
        ['us-east-1', ACCOUNTS, []],
        ['eu-central-1', ACCOUNTS, []],
        ['us-west-2', ACCOUNTS, []],
      ]);
      expect([...server.snapshots.values()].map((x) => [x.region, x.volumeUsers, x.volumeGroups])).toEqual([
        ['us-east-1', ACCOUNTS, []],
        ['eu-central-1', ACCOUNTS, []],
        ['us-west-2', ACCOUNTS, []],
      ]);
    });

    it('tags every AMI and every snapshot with kiln:image, kiln:version, kiln:kubernetes and kiln:content-key', () => {
      expect([...server.images.values(), ...server.snapshots.values()].map((x) => x.tags)).toEqual(Array(6).fill(TAGS));
    });

    it('writes published.json with the AMI of every region', () => {
      expect(published(IMAGE)).toEqual({
        aws: {
          amis: {
            'eu-central-1': server.imagesIn('eu-central-1')[0]!.imageId,
            'us-east-1': sourceId,
            'us-west-2': server.imagesIn('us-west-2')[0]!.imageId,
          },
        },
        contentKey: KEY,
        image: IMAGE,
        infra: 'aws',
        os: 'ubuntu-2004',
      });
    });

    it('passes --output json and --endpoint-url (from KILN_AWS_ENDPOINT_URL) on every aws call', () => {
      const lines = output.split('\n').filter((l) => l.startsWith(`[${IMAGE}] $ aws `));
      expect(lines.length).toBe(server.calls.length);
      expect(lines.filter((l) => !l.endsWith(` --output json --endpoint-url ${server.url}`))).toEqual([]);
    });

    it('never shows the AWS secret key', () => {
      expect(output).not.toContain('kiln-test-secret-access-key');
    });

    it('re-running makes no mutating call (describes only) and publishes the same AMIs', async () => {
      const first = ws.read(`dist/images/${IMAGE}/upload/published.json`);
      server.clearCalls();
      await upload(env(), IMAGE);
      expect(server.mutatingCalls()).toEqual([]);
      expect(actions()).toEqual([
        'DescribeImages us-east-1',
        'DescribeImages eu-central-1',
        'DescribeImages us-west-2',
        ...['eu-central-1', 'us-east-1', 'us-west-2'].flatMap((r) => [
          `DescribeSnapshots ${r}`,
          `DescribeImageAttribute ${r}`,
          `DescribeSnapshotAttribute ${r}`,
        ]),
      ]);
      expect(ws.read(`dist/images/${IMAGE}/upload/published.json`)).toBe(first);
    });
  });

  describe('copies that exist already, conflicts and repairs (one copy region, one account)', () => {
    beforeEach(() => setup(['copyToRegions: [us-west-2]', 'shareWithAccounts: ["123456789012"]']));
    afterEach(() => ws.dispose());

    it('reuses a copy an interrupted run started (found by its content key tag) and polls it until available instead of copying again', async () => {
      const pending = server.addImage('us-west-2', NAME, { pendingDescribes: 3, tags: { 'kiln:content-key': KEY } });
      await upload(env(), IMAGE);
      expect(server.calls.filter((c) => c.action === 'CopyImage')).toEqual([]);
      expect(server.calls.filter((c) => c.action === 'DescribeImages' && c.params['ImageId.1'] === pending.imageId).length).toBe(3);
      expect(published(IMAGE).aws!.amis).toEqual({ 'us-east-1': sourceId, 'us-west-2': pending.imageId });
    });

    it('deregisters a failed copy of this very build (it holds the name) without --replace, then copies again', async () => {
      const failed = server.addImage('us-west-2', NAME, { state: 'failed', tags: { 'kiln:content-key': KEY } });
      await upload(env(), IMAGE);
      expect(
        server
          .mutatingCalls()
          .filter((c) => c.region === 'us-west-2')
          .slice(0, 2)
          .map((c) => [c.action, c.params.ImageId ?? c.params.SourceImageId]),
      ).toEqual([
        ['DeregisterImage', failed.imageId],
        ['CopyImage', sourceId],
      ]);
    });

    it('stops with an error naming the AMI and --replace when another AMI holds the name in a copy region', async () => {
      const other = server.addImage('us-west-2', NAME, { tags: { 'kiln:content-key': key('aws build 0') } });
      expect(await uploadError(env(), IMAGE)).toBe(
        `AMI ${other.imageId} in us-west-2 already has the name ${NAME} but other content (content key ${key('aws build 0').slice(0, 12)}, this build ${KEY.slice(0, 12)})\n` +
          `  hint: run nx run ${IMAGE}:upload --replace to deregister ${other.imageId} and copy this build, or change the AMI name (packerVars.ami_name) in images/${IMAGE}/image.yaml`,
      );
      expect(server.mutatingCalls()).toEqual([]);
      expect(ws.exists(`dist/images/${IMAGE}/upload/published.json`)).toBe(false);
    });

    it('with --replace deregisters the AMI holding the name, then copies this build', async () => {
      const other = server.addImage('us-west-2', NAME, {});
      await upload(env(), IMAGE, true);
      expect(
        server
          .mutatingCalls()
          .filter((c) => c.region === 'us-west-2')
          .map((c) => [c.action, c.params.ImageId ?? c.params.SourceImageId ?? c.params['ResourceId.1']]),
      ).toEqual([
        ['DeregisterImage', other.imageId],
        ['CopyImage', sourceId],
        ['CreateTags', server.imagesIn('us-west-2')[0]!.imageId],
        ['CreateTags', server.imagesIn('us-west-2')[0]!.snapshotIds[0]],
        ['ModifyImageAttribute', server.imagesIn('us-west-2')[0]!.imageId],
        ['ModifySnapshotAttribute', undefined],
      ]);
      expect(server.images.has(other.imageId)).toBe(false);
    });

    it('gives up on a copy that stays pending longer than KILN_AWS_COPY_TIMEOUT_MINUTES', async () => {
      server.copyPendingDescribes = 1_000_000;
      const message = await uploadError(env({ KILN_AWS_COPY_TIMEOUT_MINUTES: '0.001' }), IMAGE);
      const copyId = server.imagesIn('us-west-2')[0]!.imageId;
      expect(message).toBe(
        `AMI ${copyId} in us-west-2 is still pending after 0 min\n  hint: run upload again later (it reuses the copy), or raise KILN_AWS_COPY_TIMEOUT_MINUTES`,
      );
      expect(ws.exists(`dist/images/${IMAGE}/upload/published.json`)).toBe(false);
    });

    it('stops when the build AMI no longer exists', async () => {
      server.images.delete(sourceId);
      expect(await uploadError(env(), IMAGE)).toBe(
        `AMI ${sourceId} in us-east-1 (from artifact.json) does not exist any more\n  hint: rebuild: nx run ${IMAGE}:build --skip-nx-cache`,
      );
      expect(actions()).toEqual(['DescribeImages us-east-1']);
    });
  });

  describe('an AMI that was shared more widely than declared', () => {
    beforeEach(() => setup(['shareWithAccounts: ["123456789012"]']));
    afterEach(() => ws.dispose());

    it('is made private (public group removed) and loses the accounts that are not declared', async () => {
      const source = server.images.get(sourceId)!;
      source.launchGroups = ['all'];
      source.launchUsers = ['999999999999'];
      server.snapshots.get(sourceSnap)!.volumeGroups = ['all'];
      await upload(env(), IMAGE);
      const params = (action: string) => server.calls.filter((c) => c.action === action).map((c) => c.params);
      expect(params('ModifyImageAttribute')).toEqual([
        {
          ImageId: sourceId,
          'LaunchPermission.Add.1.UserId': '123456789012',
          'LaunchPermission.Remove.1.UserId': '999999999999',
          'LaunchPermission.Remove.2.Group': 'all',
        },
      ]);
      expect(params('ModifySnapshotAttribute')).toEqual([
        { Attribute: 'createVolumePermission', OperationType: 'add', SnapshotId: sourceSnap, 'UserId.1': '123456789012' },
        { Attribute: 'createVolumePermission', OperationType: 'remove', SnapshotId: sourceSnap, 'UserGroup.1': 'all' },
      ]);
      expect([source.launchUsers, source.launchGroups, server.snapshots.get(sourceSnap)!.volumeGroups]).toEqual([['123456789012'], [], []]);
    });
  });

  describe('the git commit of the build (provenance.json) as a tag', () => {
    beforeEach(() => setup(['copyToRegions: [us-west-2]']));
    afterEach(() => ws.dispose());

    it('tags every AMI and snapshot with kiln:commit (with -dirty for a dirty tree) when the build recorded a commit', async () => {
      writeProvenance(ws, IMAGE, commitOf('aws'), true);
      await upload(env(), IMAGE);
      expect([...server.images.values(), ...server.snapshots.values()].map((x) => x.tags['kiln:commit'])).toEqual(
        Array(4).fill(`${commitOf('aws')}-dirty`),
      );
    });

    it('adds the commit tag to AMIs an earlier upload left without it, and nothing else', async () => {
      await upload(env(), IMAGE);
      writeProvenance(ws, IMAGE, commitOf('aws'));
      server.clearCalls();
      await upload(env(), IMAGE);
      expect(server.mutatingCalls().map((c) => [c.action, c.region, c.params['Tag.5.Key'], c.params['Tag.5.Value']])).toEqual([
        ['CreateTags', 'us-east-1', 'kiln:commit', commitOf('aws')],
        ['CreateTags', 'us-west-2', 'kiln:commit', commitOf('aws')],
      ]);
    });

    it('without a provenance record, says so in the output and the log and tags no commit', async () => {
      const { output } = await upload(env(), IMAGE);
      const note = `no provenance record with a git commit (dist/images/${IMAGE}/build/provenance.json): the published objects get no kiln:commit tag`;
      expect(output).toContain(`[${IMAGE}] ${note}`);
      const logs = readdirSync(join(ws.root, `dist/images/${IMAGE}/logs`));
      expect(readFileSync(join(ws.root, `dist/images/${IMAGE}/logs`, logs[0]!), 'utf8')).toContain(note);
      expect([...server.images.values()].map((i) => i.tags['kiln:commit'])).toEqual([undefined, undefined]);
    });
  });

  describe('a revoked image: the AMIs published.json lists are deprecated, nothing is copied or shared', () => {
    const REASON = 'CVE-2026-0001 in the kernel';
    let published0: PublishedRecord;
    let before = '';

    /** The real aws CLI's describe-images of one AMI, against the test endpoint (spawned asynchronously: the server runs in this process). */
    const describeImage = async (region: string, id: string) => {
      const { stdout } = await execFileAsync(
        'aws',
        ['ec2', 'describe-images', '--image-ids', id, '--region', region, '--output', 'json', '--endpoint-url', server.url],
        { env: env(), encoding: 'utf8' },
      );
      return (
        JSON.parse(stdout) as { Images: Array<{ ImageId: string; DeprecationTime?: string; Tags?: Array<{ Key: string; Value: string }> }> }
      ).Images[0]!;
    };

    /** The AMIs and published.json as an earlier upload left them (the copy in us-west-2 tagged and shared). */
    beforeEach(() => {
      setup(['copyToRegions: [us-west-2]', 'shareWithAccounts: ["123456789012"]']);
      const copy = server.addImage('us-west-2', NAME, { tags: { ...TAGS }, launchUsers: ['123456789012'] });
      published0 = {
        image: IMAGE,
        infra: 'aws',
        os: 'ubuntu-2004',
        contentKey: KEY,
        aws: { amis: { 'us-east-1': sourceId, 'us-west-2': copy.imageId } },
      };
      ws.write(`dist/images/${IMAGE}/upload/published.json`, JSON.stringify(published0, null, 2) + '\n');
      before = revokeImage(ws, IMAGE, REASON, '2026-02-20');
    });
    afterEach(() => ws.dispose());

    it('enables EC2 deprecation on the AMI of every region and tags it kiln:revoked: exactly these calls', async () => {
      const started = Date.now();
      const { report } = await upload(env(), IMAGE);
      const [east, west] = [published0.aws!.amis['us-east-1']!, published0.aws!.amis['us-west-2']!];
      const deprecateAt = server.calls.find((c) => c.action === 'EnableImageDeprecation')!.params.DeprecateAt!;
      expect(Date.parse(deprecateAt)).toBeGreaterThan(started + 60_000 - 1);
      expect(calls()).toEqual([
        ['DescribeImages', 'us-east-1', { 'ImageId.1': east }],
        ['EnableImageDeprecation', 'us-east-1', { ImageId: east, DeprecateAt: deprecateAt }],
        ['CreateTags', 'us-east-1', { 'ResourceId.1': east, 'Tag.1.Key': 'kiln:revoked', 'Tag.1.Value': '2026-02-20' }],
        ['DescribeImages', 'us-west-2', { 'ImageId.1': west }],
        ['EnableImageDeprecation', 'us-west-2', { ImageId: west, DeprecateAt: deprecateAt }],
        ['CreateTags', 'us-west-2', { 'ResourceId.1': west, 'Tag.1.Key': 'kiln:revoked', 'Tag.1.Value': '2026-02-20' }],
      ]);
      expect(report).toMatch(
        new RegExp(
          `^\\[${IMAGE}\\] revoked AMIs us-east-1:${east}, us-west-2:${west}: us-east-1:${east} deprecated at \\S+, us-west-2:${west} deprecated at \\S+ → dist/images/${IMAGE}/upload/published.json$`,
        ),
      );
    });

    it('the real aws CLI describes every AMI with its DeprecationTime afterwards', async () => {
      await upload(env(), IMAGE);
      const times = await Promise.all(
        Object.entries(published0.aws!.amis).map(async ([region, id]) => (await describeImage(region, id)).DeprecationTime),
      );
      expect(times.every((t) => t !== undefined && Date.parse(t) > Date.now())).toBe(true);
    });

    it('records the revocation and what it applied in published.json, keeping what was published', async () => {
      await upload(env(), IMAGE);
      const record = published(IMAGE);
      const time = (region: string) => server.images.get(published0.aws!.amis[region]!)!.deprecationTime!;
      expect(record).toEqual({
        ...published0,
        revoked: {
          reason: REASON,
          at: '2026-02-20',
          applied: ['us-east-1', 'us-west-2'].map((region) => ({
            object: published0.aws!.amis[region],
            region,
            lifecycle: `deprecated at ${time(region).replace('.000Z', 'Z')}`,
          })),
        },
      });
    });

    it('running it again changes nothing (describes only)', async () => {
      await upload(env(), IMAGE);
      server.clearCalls();
      await upload(env(), IMAGE);
      expect(server.mutatingCalls()).toEqual([]);
    });

    it("a deprecation time in the past is refused by EC2 (the server's clock ahead of Kiln's): the upload fails naming the call", async () => {
      server.clock = () => Date.now() + 3_600_000;
      try {
        const message = await uploadError(env(), IMAGE);
        expect(message.split('\n')[0]).toBe('aws ec2 enable-image-deprecation failed in us-east-1 (exit code 255)');
        expect(message).toContain("You can't specify a date in the past");
      } finally {
        server.clock = () => Date.now();
      }
    });

    it('a revoked image that was never published is a clear error, and nothing is called', async () => {
      rmSync(join(ws.root, `dist/images/${IMAGE}/upload/published.json`));
      expect(await uploadError(env(), IMAGE)).toBe(
        `image ${IMAGE} is revoked since 2026-02-20 (${REASON}) and was never published (dist/images/${IMAGE}/upload/published.json not found): there is no AMI, image version or template to apply the cloud's lifecycle to\n` +
          `  hint: nothing to do in the cloud (a revoked image is not built); remove \`revoked:\` from images/${IMAGE}/image.yaml to restore it`,
      );
      expect(server.calls).toEqual([]);
    });

    it('a revocation whose date has not come yet uploads as usual', async () => {
      ws.write(`images/${IMAGE}/image.yaml`, before);
      revokeImage(ws, IMAGE, REASON, '2999-01-01');
      await upload(env(), IMAGE);
      expect(server.calls.filter((c) => c.action === 'EnableImageDeprecation')).toEqual([]);
      expect(published(IMAGE).revoked).toBeUndefined();
    });

    it('restoring (revoked: removed) undoes the deprecation and the tag on the next upload, and published.json drops the revocation', async () => {
      await upload(env(), IMAGE);
      ws.write(`images/${IMAGE}/image.yaml`, before);
      server.clearCalls();
      await upload(env(), IMAGE);
      const [east, west] = [published0.aws!.amis['us-east-1']!, published0.aws!.amis['us-west-2']!];
      const restoring = server.mutatingCalls().filter((c) => ['DisableImageDeprecation', 'DeleteTags'].includes(c.action));
      expect(restoring.map((c) => [c.action, c.region, c.params.ImageId ?? c.params['ResourceId.1']])).toEqual([
        ['DisableImageDeprecation', 'us-east-1', east],
        ['DeleteTags', 'us-east-1', east],
        ['DisableImageDeprecation', 'us-west-2', west],
        ['DeleteTags', 'us-west-2', west],
      ]);
      expect(
        (await Promise.all([describeImage('us-east-1', east), describeImage('us-west-2', west)])).map((i) => [
          i.DeprecationTime,
          (i.Tags ?? []).some((t) => t.Key === 'kiln:revoked'),
        ]),
      ).toEqual([
        [undefined, false],
        [undefined, false],
      ]);
      expect(published(IMAGE)).toEqual(published0);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('plan mode lists every command upload runs', () => {
  const CONTENT = key('plan');
  const planText = (image: string, content = CONTENT) => {
    const plan = JSON.parse(readFileSync(join(REPO_ROOT, 'libs/steps/golden', image, 'build-plan.json'), 'utf8')) as Parameters<
      typeof planUpload
    >[0]['plan'];
    const { spec } = loadImageSpec(
      `images/${image}/image.yaml`,
      readFileSync(join(REPO_ROOT, 'images', image, 'image.yaml'), 'utf8'),
      loadCatalog(),
    );
    return formatPlan(planUpload({ project: image, plan, upload: spec.upload, contentKey: content }));
  };

  it('vSphere: vm.info, the annotation of a reused template, the --replace destroy, import.spec, import.ova, markastemplate and the cleanup destroy', () => {
    const T = '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class';
    expect(
      planText('ubuntu-2004-vsphere-class')
        .split('\n')
        .filter((l) => l.startsWith('  $ ')),
    ).toEqual([
      `  $ govc vm.info -json ${T}    # always: an existing template with content key ${CONTENT.slice(0, 12)} and VERSION ${OVA_VERSION} is reused`,
      `  $ govc vm.change -vm ${T} -annotation '<its annotation with kiln-commit=<commit>, without kiln-revoked=...>'    # only when the template is reused and its annotation lacks this commit or still carries a revocation image.yaml no longer declares`,
      `  $ govc vm.destroy ${T}    # only with --replace, when the VM exists with other content (otherwise: stop with an error)`,
      `  $ govc import.spec '<ova>'    # only if the template is not there yet`,
      `  $ govc import.ova -dc /dc0 -ds vsanDatastore -folder /dc0/vm/tkg-templates -pool /dc0/host/cluster0/Resources -name ubuntu-2004-kube-v1.26.5-class -options dist/images/ubuntu-2004-vsphere-class/upload/import-options.json '<ova>'    # only if the template is not there yet`,
      `  $ govc vm.markastemplate ${T}    # after the import`,
      `  $ govc vm.info -json ${T}    # only if the import or markastemplate fails or is interrupted: is the VM there, and is it this upload's (content key)?`,
      `  $ govc vm.destroy ${T}    # then, if it is: no half-imported VM stays`,
    ]);
  });

  it('AWS: every describe, copy, tag and share command per region, and no command that names a group to add', () => {
    const lines = planText('ubuntu-2004-aws-cis')
      .split('\n')
      .filter((l) => l.startsWith('  $ '));
    expect(
      lines.map(
        (l) =>
          l
            .replace(/ {4}# .*$/, '')
            .split(' ')
            .slice(4, 6)
            .join(' ') +
          ' ' +
          /--region (\S+)/.exec(l)![1],
      ),
    ).toEqual([
      'ec2 describe-images us-east-1',
      'ec2 describe-images us-west-2',
      'ec2 describe-images us-west-2',
      'ec2 deregister-image us-west-2',
      'ec2 copy-image us-west-2',
      'ec2 create-tags us-west-2',
      'ec2 describe-images us-west-2',
      ...['us-east-1', 'us-west-2'].flatMap((r) =>
        [
          'disable-image-deprecation',
          'delete-tags',
          'describe-snapshots',
          'create-tags',
          'describe-image-attribute',
          'modify-image-attribute',
          'describe-snapshot-attribute',
          'modify-snapshot-attribute',
        ].map((op) => `ec2 ${op} ${r}`),
      ),
    ]);
    expect(lines.filter((l) => /modify-image-attribute/.test(l)).map((l) => /--launch-permission (\S+)/.exec(l)![1])).toEqual([
      "'Add=[{UserId=123456789012}]'",
      "'Add=[{UserId=123456789012}]'",
    ]);
    expect(lines.filter((l) => /Group|group-names/.test(l.replace(/ {4}# .*$/, '')))).toEqual([]);
  });

  it('Azure: show, then one update with --target-regions and --set tags (the commit too), and the restore of a revoked version', () => {
    const lines = planText('ubuntu-2004-azure-fips')
      .split('\n')
      .filter((l) => l.startsWith('  $ '));
    const ref =
      '--subscription 00000000-0000-4000-8000-000000000001 --resource-group tkg-images --gallery-name tkg_gallery --gallery-image-definition capi-ubuntu-2004';
    expect(lines).toEqual([
      `  $ az sig image-version show ${ref} --gallery-image-version '<version>' -o json    # always: the version must exist; tags with another kiln:content-key stop the upload unless --replace`,
      `  $ az sig image-version update ${ref} --gallery-image-version '<version>' --target-regions '<existing region=replicas=storage>...' westeurope northeurope --set tags.kiln:image=ubuntu-2004-azure-fips tags.kiln:version=- tags.kiln:kubernetes=v1.26.5+vmware.2 tags.kiln:content-key=${CONTENT} 'tags.kiln:commit=<commit>' --force-string -o json    # only if a region is not replicated yet (--target-regions, existing regions kept) or a tag is missing (--set); waits for replication`,
      `  $ az sig image-version update ${ref} --gallery-image-version '<version>' --set publishingProfile.excludeFromLatest=false --remove tags.kiln:revoked -o json    # only if the version carries kiln:revoked: a revocation removed from image.yaml is undone`,
    ]);
  });

  it('is marked implemented (no "not implemented yet")', () => {
    expect(planText('ubuntu-2004-vsphere-class').split('\n')[0]).toBe('[plan] upload ubuntu-2004-vsphere-class');
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('through Nx (the upload executor, vSphere with the govc fake)', () => {
  const IMAGE = 'ubuntu-2004-vsphere-class';
  const TEMPLATE = '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class';
  const OVA = `dist/images/${IMAGE}/output/ubuntu-2004-kube-v1.26.5+vmware.2/ubuntu-2004-kube-v1.26.5.ova`;
  const KEY = key('nx build 1');
  let nxWs: TempWorkspace;
  let fakes: UploadWorkspace;

  const env = (): Record<string, string> => ({
    PATH: pathWithFakes(),
    FAKE_GOVC_STATE: fakes.state,
    FAKE_GOVC_LOG: fakes.govcLog,
    VSPHERE_SERVER: 'vcenter.example.com',
    VSPHERE_USERNAME: 'administrator@vsphere.local',
    VSPHERE_PASSWORD: 'S3cret-vsphere-pw',
  });
  const govcCommands = () => readLog<{ argv?: string[] }>(fakes.govcLog).flatMap((c) => (c.argv ? [c.argv[0]] : []));

  beforeAll(() => {
    nxWs = createTempWorkspace();
    fakes = createUploadWorkspace();
    // The build's outputs, written by hand (no Docker here): the OVA and artifact.json.
    const inNx = createUploadWorkspace(nxWs.root);
    writeOva(inNx, OVA, OVA_VERSION);
    writeArtifact(inNx, { image: IMAGE, infra: 'vsphere', contentKey: KEY, version: OVA_VERSION, ova: OVA });
    writeFileSync(
      join(fakes.state, 'vms.json'),
      JSON.stringify({
        [TEMPLATE]: {
          name: 'ubuntu-2004-kube-v1.26.5-class',
          path: TEMPLATE,
          moref: 'vm-1001',
          template: true,
          annotation: 'kiln-content-key=0000',
          properties: [{ key: 'VERSION', value: 'v1.26.5+vmware.1-myorg.0' }],
          product: '',
        },
      }),
    );
  });

  afterAll(() => {
    nxWs?.dispose();
    fakes?.dispose();
  });

  it('plan mode prints exactly the plan of every govc command, without side effects', () => {
    const r = nxWs.nx(['run', `${IMAGE}:upload`, '-c', 'plan'], env());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const plan = JSON.parse(nxWs.read(`dist/plan/images/${IMAGE}/config/build-plan.json`)) as Parameters<typeof planUpload>[0]['plan'];
    const { spec } = loadImageSpec(`images/${IMAGE}/image.yaml`, nxWs.read(`images/${IMAGE}/image.yaml`), loadCatalog());
    const expected = formatPlan(
      planUpload({
        project: IMAGE,
        plan,
        upload: spec.upload,
        contentKey: contentKey(join(nxWs.root, `dist/plan/images/${IMAGE}/config`)),
      }),
    );
    expect(taskOutput(r.stdout, `${IMAGE}:upload:plan`)).toBe(expected);
    expect(nxWs.read(`dist/plan/images/${IMAGE}/upload/plan.txt`)).toBe(expected + '\n');
    expect(govcCommands()).toEqual([]);
  });

  it('real mode stops on a template holding another build and names --replace', () => {
    const r = nxWs.nx(['run', `${IMAGE}:upload`, '--excludeTaskDependencies'], env());
    expect(r.code).toBe(1);
    expect(taskOutput(r.stdout, `${IMAGE}:upload`).split('\n').slice(-2)).toEqual([
      `${IMAGE}: vSphere VM ${TEMPLATE} already exists with other content (VERSION v1.26.5+vmware.1-myorg.0, content key 0000); this build is VERSION ${OVA_VERSION}, content key ${KEY.slice(0, 12)}`,
      `  hint: run nx run ${IMAGE}:upload --replace to destroy ${TEMPLATE} and import this build, or change upload.vsphere.templateName in images/${IMAGE}/image.yaml`,
    ]);
    expect(govcCommands()).toEqual(['vm.info']);
  });

  it('--replace on the nx command line reaches the step: the template is destroyed and this build imported', () => {
    writeFileSync(fakes.govcLog, '');
    const r = nxWs.nx(['run', `${IMAGE}:upload`, '--excludeTaskDependencies', '--replace'], env());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(govcCommands()).toEqual(['vm.info', 'vm.destroy', 'import.spec', 'import.ova', 'vm.markastemplate']);
    // (Nx prints the header with the overrides, `> nx run <task> --replace`, so the report is looked up as a line.)
    expect(r.stdout.split('\n')).toContain(`[${IMAGE}] published template ${TEMPLATE} → dist/images/${IMAGE}/upload/published.json`);
    expect((JSON.parse(nxWs.read(`dist/images/${IMAGE}/upload/published.json`)) as PublishedRecord).contentKey).toBe(KEY);
  });
});
