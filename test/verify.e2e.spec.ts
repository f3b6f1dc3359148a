// verify with the REAL CLIs: govc against vcsim, the aws CLI against the EC2 test server, az against the ARM test
// server and kubectl against the kube test server. A small catalog (two vSphere images, an AMI copied to a second
// region and shared with one account, an Azure image version replicated to two regions, a custom TKr of three of them,
// a cluster on the TKr and one on a template) is published first by the real upload, gen-bom and apply-tkr steps;
// then drift is planted one kind after another (with the real aws and govc where a CLI does it; an OSImage and an
// Azure replication changed in the test servers' state; a revocation in image.yaml), and `kiln verify` must report
// exactly the new findings, the other lines unchanged; `nx run-many -t verify` checks the whole catalog.
// Under CI=true a missing tool fails the file.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadTkrSpec } from '@kiln/schema';
import { applyTkrStep, genBomStep, uploadStep, type PublishedRecord, type VerifyReport } from '@kiln/steps';
import { ArmTestServer } from './support/arm-test-server';
import { Ec2TestServer } from './support/ec2-test-server';
import { kilnAsync } from './support/kiln-cli';
import { startKubeApiServer, type KubeApiServer } from './support/kube-api-server';
import { taskOutput } from './support/nx-output';
import { spawnNx } from './support/nx-process';
import { createTempWorkspace, REPO_ROOT, type TempWorkspace } from './support/temp-workspace';
import { Capture, createUploadWorkspace, key, OVA_VERSION, writeArtifact } from './support/upload-fixtures';
import { requireTools, toolsOrSkip, Vcsim } from './support/vcsim';

const tools = toolsOrSkip(['govc', 'vcsim', 'aws', 'az', 'openssl', 'kubectl', 'qemu-img']);

const CLASS = 'ubuntu-2004-vsphere-class';
const PLAN = 'ubuntu-2004-vsphere-plan';
const AWS = 'ubuntu-2004-aws-cis';
const AZURE = 'ubuntu-2004-azure-fips';
const TKR_PROJECT = 'custom-v1-26-5';
const ON_TKR = 'workload-vsphere';
const ON_TEMPLATE = 'workload-vsphere-template';
/** Every project of the catalog, in the order kiln verify checks them: images, tkrs, clusters, each by name. */
const PROJECTS = [AWS, AZURE, CLASS, PLAN, TKR_PROJECT, ON_TKR, ON_TEMPLATE];
const CONTEXT = 'mgmt-admin@mgmt';
const TKR = 'v1.26.5---vmware.2-tkg.1-myorg';
const AMI_NAME = 'capa-ami-ubuntu-2004-v1.26.5+vmware.2-1689156775';
const SIG = { resourceGroup: 'tkg-images', gallery: 'tkg_gallery', imageName: 'capi-ubuntu-2004', version: '0.1.123456' };
/** An OVA VERSION no template has. */
const MISSING_VERSION = 'v1.26.5+vmware.1-tkg.1-00000000000000000000000000000000';
const NOW = '2026-03-01T00:00:00Z';
const WRITE_OVA = join(REPO_ROOT, 'test/standins/image-builder/write-ova.sh');

/** The sample image.yaml with its upload block pointed at vcsim's default inventory. */
function vcsimImageYaml(image: string, template: string): string {
  return readFileSync(join(REPO_ROOT, 'images', image, 'image.yaml'), 'utf8')
    .replace(/datacenter: .*/, 'datacenter: /DC0')
    .replace(/folder: .*/, 'folder: /DC0/vm')
    .replace(/datastore: .*/, 'datastore: LocalDS_0')
    .replace(/resourcePool: .*/, 'resourcePool: /DC0/host/DC0_C0/Resources')
    .replace(/cluster: .*/, 'cluster: DC0_C0')
    .replace(/templateName: .*/, `templateName: ${template}`);
}

/** aws with the test credentials against the EC2 test server, asynchronously (the server answers from this process). */
function aws(server: Ec2TestServer, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['ec2', ...args, '--endpoint-url', server.url, '--output', 'json'],
      { env: process.env, encoding: 'utf8', timeout: 60_000 },
      (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
    );
  });
}

describe.skipIf(tools.skip)('verify: declared vs real, with the real govc, aws, az and kubectl', () => {
  const vcsim = new Vcsim();
  const ec2 = new Ec2TestServer();
  const arm = new ArmTestServer();
  let kube: KubeApiServer;
  let ws: TempWorkspace;
  let tmp = '';
  /** The environment every CLI call (and the Nx runs) get: credentials, endpoints, KUBECONFIG, the clock. */
  let env: Record<string, string> = {};
  const published = (image: string) => JSON.parse(ws.read(`dist/images/${image}/upload/published.json`)) as PublishedRecord;
  /** `kiln verify` (tools/kiln-cli/bin/kiln.js) in the workspace: every project of it. */
  const kilnVerify = (...args: string[]) => kilnAsync(ws, ['verify', ...args]);
  /** The lines of the last `findings()`: a planted drift must leave the other projects' lines as they were. */
  let previous: string[] = [];
  const findings = async () => {
    const r = await kilnVerify();
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    const before = previous;
    previous = lines;
    return { lines, before };
  };
  /** The lines of `lines` about other projects than `projects`. */
  const others = (lines: string[], ...projects: string[]) => lines.filter((l) => !projects.some((p) => l.startsWith(`${p}: `)));

  /** The OVA OSImages of the TKr: name and VERSION, by name. */
  const ovaOsImages = () =>
    (kube.tkr(TKR)!.spec.osImages as Array<{ name: string }>)
      .map((i) => kube.osImage(i.name)!)
      .filter((o) => o.spec.image.type === 'ova')
      .map((o) => ({ name: o.metadata.name as string, version: o.spec.image.ref.version as string }))
      .sort((a, b) => a.name.localeCompare(b.name));
  const noTemplate = (version: string) =>
    `clusters on TKr ${TKR} fail with "unable to find VM Template associated with OVA Version ${version}"`;

  beforeAll(async () => {
    requireTools(tools.missing);
    tmp = mkdtempSync(join(tmpdir(), 'kiln-verify-'));
    await vcsim.start();
    await ec2.start();
    await arm.start();
    const azConfig = join(tmp, 'az');
    mkdirSync(azConfig);
    await arm.azLogin(azConfig);
    kube = await startKubeApiServer({ podRestartMs: 300, controllerStartMs: 300 });
    env = {
      VSPHERE_SERVER: vcsim.url,
      VSPHERE_USERNAME: vcsim.username,
      VSPHERE_PASSWORD: vcsim.password,
      VSPHERE_INSECURE: 'true',
      AWS_ACCESS_KEY_ID: 'AKIDKILNTEST0000',
      AWS_SECRET_ACCESS_KEY: 'kiln-test-secret-access-key',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_MAX_ATTEMPTS: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      KILN_AWS_ENDPOINT_URL: ec2.url,
      KILN_AWS_POLL_SECONDS: '0.05',
      ...arm.azEnv(azConfig),
      KUBECONFIG: kube.writeKubeconfig(join(tmp, 'kubeconfig'), CONTEXT),
      KUBECACHEDIR: join(tmp, 'kube-cache'),
      KILN_NOW: NOW,
    };
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);

    // The catalog: the samples this test publishes, nothing else.
    ws = createTempWorkspace();
    for (const image of ['amazon-2-aws', 'photon-3-vsphere', 'rhel-8-vsphere', 'ubuntu-2004-aws-stig', 'ubuntu-2004-vsphere-gpu'])
      ws.remove(`images/${image}`);
    ws.write(`images/${CLASS}/image.yaml`, vcsimImageYaml(CLASS, 'kiln-verify-class'));
    ws.write(`images/${PLAN}/image.yaml`, vcsimImageYaml(PLAN, 'kiln-verify-plan'));
    ws.commitAll('the verify catalog');

    // Publish it as the pipeline would: upload (real govc/aws/az), gen-bom, apply-tkr (real kubectl).
    const files = createUploadWorkspace(ws.root);
    for (const [image, version] of [
      [CLASS, OVA_VERSION],
      [PLAN, 'v1.26.5+vmware.1-myorg.0'],
    ] as const) {
      const build = `ubuntu-2004-kube-v1.26.5+vmware.2-${image}`;
      const dir = `dist/images/${image}/output/${build}`;
      mkdirSync(join(ws.root, dir), { recursive: true });
      const r = spawnSync('/bin/busybox', ['sh', WRITE_OVA, join(ws.root, dir), build], {
        input: `VERSION=${version}\nDISTRO_NAME=ubuntu\nDISTRO_VERSION=20.04\n`,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`write-ova.sh failed: ${r.stderr}`);
      writeArtifact(files, { image, infra: 'vsphere', contentKey: key(`verify ${image}`), version, ova: `${dir}/${build}.ova` });
    }
    const source = ec2.addImage('us-east-1', AMI_NAME, { description: 'Cluster API AMI' });
    writeArtifact(files, { image: AWS, infra: 'aws', contentKey: key(`verify ${AWS}`), amis: { 'us-east-1': source.imageId } });
    const sig = arm.addVersion(SIG, 'westeurope');
    writeArtifact(files, { image: AZURE, infra: 'azure', contentKey: key(`verify ${AZURE}`), sigImageVersionId: sig.id });
    for (const image of [CLASS, PLAN, AWS, AZURE])
      await uploadStep({ workspaceRoot: ws.root, project: image, echo: new Capture(), env: process.env });
    genBomStep({ workspaceRoot: ws.root, project: TKR_PROJECT, outputPath: `dist/tkrs/${TKR_PROJECT}`, plan: false });
    const tkr = loadTkrSpec(`tkrs/${TKR_PROJECT}/tkr.yaml`, ws.read(`tkrs/${TKR_PROJECT}/tkr.yaml`)).spec;
    await applyTkrStep({ workspaceRoot: ws.root, project: TKR_PROJECT, tkr, pollIntervalMs: 100, env: {} });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await kube?.close();
    await arm.stop();
    await ec2.stop();
    await vcsim.stop();
    ws?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('a clean run reports no finding for any project, and writes each findings.json', async () => {
    const r = await kilnVerify();
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', 'kiln verify: no drift (7 projects checked)\n']);
    const tkr = JSON.parse(ws.read(`dist/verify/tkrs/${TKR_PROJECT}/findings.json`)) as VerifyReport;
    expect(tkr.checked).toEqual([
      `TKr ${TKR} on ${CONTEXT}`,
      `its ${(kube.tkr(TKR)!.spec.osImages as unknown[]).length} OSImages`,
      'template /DC0/vm/kiln-verify-class',
    ]);
  });

  it('--json prints every report', async () => {
    const r = await kilnVerify('--json');
    const reports = JSON.parse(r.stdout) as VerifyReport[];
    expect(reports.map((x) => [x.project, x.projectKind, x.findings])).toEqual(
      PROJECTS.map((p, i) => [p, i < 4 ? 'image' : i === 4 ? 'tkr' : 'cluster', []]),
    );
    expect(reports.find((x) => x.project === AWS)!.checked).toEqual(
      Object.entries(published(AWS).aws!.amis).map(([region, id]) => `AMI ${id} in ${region}`),
    );
  });

  it('an AMI made public (modify-image-attribute Add=[{Group=all}]) is a public finding', async () => {
    const east = published(AWS).aws!.amis['us-east-1']!;
    expect(
      (await aws(ec2, ['modify-image-attribute', '--image-id', east, '--launch-permission', 'Add=[{Group=all}]', '--region', 'us-east-1']))
        .code,
    ).toBe(0);
    expect((await findings()).lines).toEqual([`${AWS}: public: AMI ${east} in us-east-1 is public (launch permission for group all)`]);
  });

  it('a region copy deregistered (deregister-image) is an ami-missing finding; upload would copy it again', async () => {
    const { 'us-east-1': east, 'us-west-2': west } = published(AWS).aws!.amis;
    expect((await aws(ec2, ['deregister-image', '--image-id', west!, '--region', 'us-west-2'])).code).toBe(0);
    expect((await findings()).lines).toEqual([
      `${AWS}: public: AMI ${east} in us-east-1 is public (launch permission for group all)`,
      `${AWS}: ami-missing: AMI ${west} in us-west-2 does not exist (published.json names it; nx run ${AWS}:upload copies it again)`,
    ]);
  });

  it('templates destroyed in vCenter (govc vm.destroy): the images, the TKr whose OVA VERSION needs one, and the cluster on the template', async () => {
    for (const template of ['kiln-verify-class', 'kiln-verify-plan'])
      expect(vcsim.govc(['vm.destroy', `/DC0/vm/${template}`]).code).toBe(0);
    const { 'us-east-1': east, 'us-west-2': west } = published(AWS).aws!.amis;
    const atClassVersion = ovaOsImages().filter((o) => o.version === OVA_VERSION);
    expect(atClassVersion.length).toBeGreaterThan(0);
    expect((await findings()).lines).toEqual([
      `${AWS}: public: AMI ${east} in us-east-1 is public (launch permission for group all)`,
      `${AWS}: ami-missing: AMI ${west} in us-west-2 does not exist (published.json names it; nx run ${AWS}:upload copies it again)`,
      `${CLASS}: template-missing: template /DC0/vm/kiln-verify-class does not exist in vCenter`,
      `${PLAN}: template-missing: template /DC0/vm/kiln-verify-plan does not exist in vCenter`,
      ...atClassVersion.map(
        (o) =>
          `${TKR_PROJECT}: osimage-no-template: OSImage ${o.name} (OVA VERSION ${OVA_VERSION}): template /DC0/vm/kiln-verify-class of image ${CLASS} does not exist in vCenter: ${noTemplate(OVA_VERSION)}`,
      ),
      `${ON_TEMPLATE}: template-missing: image ${PLAN}: template /DC0/vm/kiln-verify-plan does not exist in vCenter`,
    ]);
  });

  it('a TKr OSImage pointing at an OVA VERSION no template has is an osimage-no-template finding with the TKG failure', async () => {
    const photon = ovaOsImages().find((o) => o.version !== OVA_VERSION)!;
    kube.osImage(photon.name)!.spec.image.ref.version = MISSING_VERSION;
    const { lines, before } = await findings();
    expect(lines.filter((l) => l.startsWith(`${TKR_PROJECT}: `))).toEqual([
      `${TKR_PROJECT}: tkr-image-missing: TKr ${TKR} has no OSImage for OVA VERSION ${photon.version} (from the base BoM)`,
      `${TKR_PROJECT}: osimage-no-template: OSImage ${photon.name} points at OVA VERSION ${MISSING_VERSION}, which no published template has: ${noTemplate(MISSING_VERSION)}`,
      ...before.filter((l) => l.startsWith(`${TKR_PROJECT}: `)),
    ]);
    expect(others(lines, TKR_PROJECT)).toEqual(others(before, TKR_PROJECT));
  });

  it('an Azure version no longer replicated to a declared region is a region-missing finding', async () => {
    const stored = arm.versions.get(published(AZURE).azure!.sigImageVersionId.toLowerCase())!;
    stored.properties.publishingProfile.targetRegions = stored.properties.publishingProfile.targetRegions.filter(
      (t) => t.name !== 'North Europe',
    );
    const { lines, before } = await findings();
    expect(lines.filter((l) => l.startsWith(`${AZURE}: `))).toEqual([
      `${AZURE}: region-missing: image version tkg_gallery/capi-ubuntu-2004/0.1.123456 is not replicated to northeurope (declared in upload.azure.replicationRegions)`,
    ]);
    expect(others(lines, AZURE)).toEqual(before);
  });

  it('a revoked image the TKr still lists is a finding of the tkr and of the cluster on it, and of the image until upload applies the lifecycle', async () => {
    ws.write(
      `images/${AZURE}/image.yaml`,
      `${ws.read(`images/${AZURE}/image.yaml`)}revoked:\n  reason: CVE-2026-0001 in the kernel\n  at: 2026-02-01\n`,
    );
    const { lines, before } = await findings();
    expect(lines.filter((l) => [AZURE, TKR_PROJECT, ON_TKR].some((p) => l.startsWith(`${p}: `)))).toEqual([
      ...before.filter((l) => l.startsWith(`${AZURE}: `)),
      `${AZURE}: revoked: image version tkg_gallery/capi-ubuntu-2004/0.1.123456 is not excluded from latest, though image.yaml revokes the image since 2026-02-01 (run nx run ${AZURE}:upload)`,
      `${TKR_PROJECT}: revoked: lists image ${AZURE}, which is revoked since 2026-02-01 (CVE-2026-0001 in the kernel)`,
      ...before.filter((l) => l.startsWith(`${TKR_PROJECT}: `)),
      `${ON_TKR}: revoked: uses tkr ${TKR_PROJECT}, which lists image ${AZURE}, which is revoked since 2026-02-01 (CVE-2026-0001 in the kernel)`,
    ]);
    expect(others(lines, AZURE, TKR_PROJECT, ON_TKR)).toEqual(others(before, AZURE, TKR_PROJECT, ON_TKR));
  });

  it('nx run-many -t verify checks the whole catalog: one line per finding in each task, and fails', async () => {
    const expected = (await findings()).lines;
    const r = await spawnNx(ws, ['run-many', '-t', 'verify'], { ...env, NO_COLOR: undefined }).done;
    expect(r.code).not.toBe(0);
    const printed = PROJECTS.flatMap((p) =>
      taskOutput(r.stdout, `${p}:verify`)
        .split('\n')
        .filter((l) => !l.startsWith(`verify ${p}: `)),
    );
    expect(printed.filter((l) => l !== '')).toEqual(expected);
    expect(taskOutput(r.stdout, `${AWS}:verify`).split('\n').at(-1)).toBe(
      `verify ${AWS}: 2 findings → dist/verify/images/${AWS}/findings.json`,
    );
  });

  it('-c plan prints every call verify would make and makes none', async () => {
    ec2.clearCalls();
    arm.clearCalls();
    kube.clearRequests();
    const r = await spawnNx(ws, ['run-many', '-t', 'verify', '-c', 'plan'], { ...env, NO_COLOR: undefined }).done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect([ec2.calls, arm.calls, kube.apiCalls()]).toEqual([[], [], []]);
    expect(
      taskOutput(r.stdout, `${TKR_PROJECT}:verify:plan`)
        .split('\n')
        .filter((l) => l.startsWith('  $ ')),
    ).toEqual([
      `  $ kubectl --context ${CONTEXT} get tkr ${TKR} -o json    # exists, Ready=True and Compatible=True`,
      `  $ kubectl --context ${CONTEXT} get osimages '<OSImages of the TKr>' -o json    # exactly the images of the BoM gen-bom renders now from tkrs/${TKR_PROJECT}/tkr-bom-v1.26.5+vmware.2-tkg.1.yaml and the images' published.json`,
      `  $ govc vm.info -json /DC0/vm/kiln-verify-class    # the template of ${CLASS}'s OVA VERSION exists (else clusters fail with "unable to find VM Template associated with OVA Version <VERSION>")`,
    ]);
    expect(ws.read(`dist/plan/images/${AWS}/verify/plan.txt`)).toContain(
      `aws ec2 describe-image-attribute --image-id '<ami-id>' --attribute launchPermission --region us-west-2 --output json`,
    );
  });
});
