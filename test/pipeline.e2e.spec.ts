// The whole Kiln pipeline over the repository's sample catalog (9 images, tkrs/custom-v1-26-5, both clusters), in
// a temporary workspace with real Nx: plan mode, then fully local real mode, where nothing is faked but what cannot
// exist here: the TKG images are the busybox stand-ins (real Docker), the EC2 API is a local server the real aws CLI
// talks to, govc and az are the fakes in test/fakes, and the management cluster is the test API server real kubectl
// talks to. The stand-in builder "creates" the AMIs and the SIG version it reports, so the fake clouds are seeded
// with exactly those (standinAmiId, standinAzureVersion), as a real build would have left them.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { requireDockerOrSkip } from './support/docker-engine';
import { bridgeGateway, containerMountSources, containersNamed, docker, dockerEvents } from './support/docker-watch';
import { Ec2TestServer } from './support/ec2-test-server';
import { changedPaths, listFiles } from './support/file-tree';
import { startKubeApiServer, type KubeApiServer } from './support/kube-api-server';
import { runKubectl } from './support/kubectl-run';
import { allWithStatus, taskOutput, taskStatuses, type TaskStatus } from './support/nx-output';
import { spawnNx, type NxExit } from './support/nx-process';
import { secretsIn, secretsInFiles, type Secrets } from './support/secret-scan';
import { buildStandinImages, catalogImageNames, standinAmiId, standinAzureVersion } from './support/standin-images';
import { createTempWorkspace, REPO_ROOT, type CommandResult, type TempWorkspace } from './support/temp-workspace';
import { kiln } from './support/kiln-cli';
import type { CatalogReport } from '@kiln/catalog-report';
import { pathWithFakes, readLog } from './support/upload-fixtures';

const IMAGES = [
  'amazon-2-aws',
  'photon-3-vsphere',
  'rhel-8-vsphere',
  'ubuntu-2004-aws-cis',
  'ubuntu-2004-aws-stig',
  'ubuntu-2004-azure-fips',
  'ubuntu-2004-vsphere-class',
  'ubuntu-2004-vsphere-gpu',
  'ubuntu-2004-vsphere-plan',
];
const VSPHERE_IMAGES = IMAGES.filter((n) => n.includes('vsphere'));
/** The images the gen-cluster-config chain needs: the TKr's three and the template cluster's one. */
const CHAIN_IMAGES = ['ubuntu-2004-aws-cis', 'ubuntu-2004-azure-fips', 'ubuntu-2004-vsphere-class', 'ubuntu-2004-vsphere-plan'];
const TKR_PROJECT = 'custom-v1-26-5';
const TKR_VERSION = 'v1.26.5+vmware.2-tkg.1-myorg';
const TKR = 'v1.26.5---vmware.2-tkg.1-myorg';
const BASE_BOM = `tkrs/${TKR_PROJECT}/tkr-bom-v1.26.5+vmware.2-tkg.1.yaml`;
const CONTEXT = 'mgmt-admin@mgmt';
const CLASS_VERSION = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const PLAN_TEMPLATE = 'ubuntu-2004-kube-v1.26.5-myorg.0';
const UBUNTU = { name: 'ubuntu', version: '20.04', arch: 'amd64' };
const AZURE_SUBSCRIPTION = '00000000-0000-4000-8000-000000000001';
const AZURE_IMAGE = 'capi-ubuntu-2004'; // the definition image-builder's init-sig.sh creates
/** AMI name (the stand-in's default capa-ami-<build name>-<kubernetes semver>) and build region of each AWS image. */
const AWS_BUILDS: Record<string, { name: string; region: string }> = {
  'amazon-2-aws': { name: 'capa-ami-amazon-2-v1.26.5+vmware.2', region: 'us-west-2' },
  'ubuntu-2004-aws-cis': { name: 'capa-ami-ubuntu-2004-v1.26.5+vmware.2', region: 'us-east-1' },
  'ubuntu-2004-aws-stig': { name: 'capa-ami-ubuntu-2004-v1.26.5+vmware.2', region: 'eu-west-1' },
};
const CIS_AMI = standinAmiId(AWS_BUILDS['ubuntu-2004-aws-cis']!.name, 'us-east-1');
const AZURE_VERSION = standinAzureVersion(AZURE_IMAGE);
const AZURE_VERSION_ID = `/subscriptions/${AZURE_SUBSCRIPTION}/resourceGroups/tkg-images/providers/Microsoft.Compute/galleries/tkg_gallery/images/${AZURE_IMAGE}/versions/${AZURE_VERSION}`;

type Bom = {
  release: { version: string };
  ova: Array<Record<string, unknown>>;
  ami: Record<string, Array<{ id: string; osinfo: unknown }>>;
  azure: Array<Record<string, unknown>>;
} & Record<string, unknown>;

interface ImageYaml {
  upload: { vsphere?: { datacenter: string; datastore: string; folder: string; resourcePool: string; templateName: string } };
}

function expectOk(r: { code: number | null; stdout: string; stderr: string }): void {
  expect(r.code, `nx failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
}

/** Every file of the workspace but its dependencies, git's store and the Nx folders, as path → bytes. */
function workspaceSnapshot(ws: TempWorkspace): Map<string, Buffer> {
  const skip = (rel: string) => rel === 'node_modules' || rel === '.git' || rel === '.nx-e2e';
  return new Map(listFiles(ws.root, ws.root, skip).map((rel) => [rel, readFileSync(join(ws.root, rel))] as const));
}

/** The `  $ ` command lines of a task's printed output. */
function commandLines(stdout: string, taskId: string): string[] {
  return taskOutput(stdout, taskId)
    .split('\n')
    .filter((l) => l.startsWith('  $ '));
}

const readYaml = <T>(ws: TempWorkspace, rel: string): T => parseYaml(ws.read(rel)) as T;

// ---------------------------------------------------------------------------------------------------------
describe('plan mode over the sample catalog', () => {
  const PLAN_BOM = `dist/plan/tkrs/${TKR_PROJECT}/gen-bom/tkr-bom-${TKR}.yaml`;
  let ws: TempWorkspace;
  let before: Map<string, Buffer>;
  let pipeline: CommandResult;
  let applyTkr: CommandResult;

  beforeAll(() => {
    ws = createTempWorkspace();
    before = workspaceSnapshot(ws);
    const t0 = Date.now();
    pipeline = ws.nx(['run-many', '-t', 'upload', 'gen-cluster-config', '-c', 'plan']);
    const t1 = Date.now();
    applyTkr = ws.nx(['run-many', '-t', 'apply-tkr', '-c', 'plan']);
    console.info(`plan mode: run-many -t upload gen-cluster-config -c plan took ${t1 - t0} ms, -t apply-tkr -c plan ${Date.now() - t1} ms`);
  });

  afterAll(() => ws?.dispose());

  it('runs every task of the pipeline, and apply-tkr on its own, successfully', () => {
    expectOk(pipeline);
    expectOk(applyTkr);
    const planTasks = (target: string, names: string[]) => names.map((n) => `${n}:${target}:plan`);
    expect(Object.keys(taskStatuses(pipeline.stdout))).toEqual(
      [
        ...planTasks('render-config', IMAGES),
        ...planTasks('build', IMAGES),
        ...planTasks('upload', IMAGES),
        `${TKR_PROJECT}:gen-bom:plan`,
        `${TKR_PROJECT}:apply-tkr:plan`,
        'workload-vsphere:gen-cluster-config:plan',
        'workload-vsphere-template:gen-cluster-config:plan',
      ].sort(),
    );
    expect(taskStatuses(applyTkr.stdout)[`${TKR_PROJECT}:apply-tkr:plan`]).toBe('ran');
  });

  it('writes under dist/plan/ only', () => {
    const changed = changedPaths(before, workspaceSnapshot(ws));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.filter((p) => !p.startsWith('dist/plan/'))).toEqual([]);
  });

  it('writes a plan-mode BoM with release.version suffixed -myorg and marked placeholders for the three images', () => {
    const base = readYaml<Bom>(ws, BASE_BOM);
    const bom = readYaml<Bom>(ws, PLAN_BOM);
    expect(bom.release.version).toBe(TKR_VERSION);
    expect(bom.ova).toEqual([...base.ova, { name: 'ubuntu-2004-vsphere-class', osinfo: UBUNTU, version: CLASS_VERSION }]);
    expect(bom.ami['us-east-1']).toEqual([{ id: 'ami-PLANNED-ubuntu-2004-aws-cis-us-east-1', osinfo: UBUNTU }, ...base.ami['us-east-1']!]);
    expect(bom.ami['us-west-2']).toEqual([{ id: 'ami-PLANNED-ubuntu-2004-aws-cis-us-west-2', osinfo: UBUNTU }, ...base.ami['us-west-2']!]);
    expect(bom.azure).toEqual([
      ...base.azure,
      {
        resourceGroup: 'tkg-images',
        name: AZURE_IMAGE,
        subscriptionID: AZURE_SUBSCRIPTION,
        gallery: 'tkg_gallery',
        version: 'PLANNED:ubuntu-2004-azure-fips',
        osinfo: UBUNTU,
      },
    ]);
  });

  it('writes both plan-mode cluster configs: the TKr cluster with --tkr, the template cluster with VSPHERE_TEMPLATE', () => {
    const dir = (c: string) => `dist/plan/clusters/${c}/gen-cluster-config`;
    expect(listFiles(join(ws.root, dir('workload-vsphere')))).toEqual([
      'annotations.yaml',
      'cluster-config.yaml',
      'create.sh',
      'plan.json',
      'plan.txt',
    ]);
    expect(listFiles(join(ws.root, dir('workload-vsphere-template')))).toEqual([
      'cluster-config.yaml',
      'create.sh',
      'plan.json',
      'plan.txt',
    ]);
    expect(ws.read(`${dir('workload-vsphere')}/create.sh`).split('\n')).toContain(
      `exec tanzu cluster create workload-1 --file "$(dirname "$0")/cluster-config.yaml" --tkr ${TKR}`,
    );
    const template = readYaml<Record<string, unknown>>(ws, `${dir('workload-vsphere-template')}/cluster-config.yaml`);
    expect([template.VSPHERE_TEMPLATE, 'CLUSTER_NAME' in template]).toEqual([PLAN_TEMPLATE, false]);
  });

  it('prints the docker create of every build', () => {
    const runs = IMAGES.map((n) =>
      commandLines(pipeline.stdout, `${n}:build:plan`).filter((l) => l.startsWith(`  $ docker create --name 'kiln-build-${n}-<run-id>' `)),
    );
    expect(runs.map((r) => r.length)).toEqual(IMAGES.map(() => 1));
    const plan = (n: string) => JSON.parse(ws.read(`dist/plan/images/${n}/config/build-plan.json`)) as { makeTarget: string };
    expect(runs.map((r, i) => r[0]!.endsWith(` ${plan(IMAGES[i]!).makeTarget}`))).toEqual(IMAGES.map(() => true));
  });

  it('prints govc import.ova into the declared folder, datastore and pool for every vSphere image', () => {
    for (const n of VSPHERE_IMAGES) {
      const v = readYaml<ImageYaml>(ws, `images/${n}/image.yaml`).upload.vsphere!;
      expect(commandLines(pipeline.stdout, `${n}:upload:plan`).filter((l) => l.includes(' import.ova '))).toEqual([
        `  $ govc import.ova -dc ${v.datacenter} -ds ${v.datastore} -folder ${v.folder} -pool ${v.resourcePool} -name ${v.templateName} -options dist/images/${n}/upload/import-options.json '<ova>'    # only if the template is not there yet`,
      ]);
    }
  });

  it('prints aws ec2 copy-image to us-west-2 and modify-image-attribute for both regions of the CIS image', () => {
    const lines = commandLines(pipeline.stdout, 'ubuntu-2004-aws-cis:upload:plan').map((l) => l.replace(/ {4}# .*$/, ''));
    expect(lines.filter((l) => l.includes(' copy-image '))).toEqual([
      "  $ aws ec2 copy-image --source-region us-east-1 --source-image-id '<ami-id>' --name '<ami-name>' --client-token '<token>' --region us-west-2 --output json",
    ]);
    expect(lines.filter((l) => l.includes(' modify-image-attribute '))).toEqual([
      "  $ aws ec2 modify-image-attribute --image-id '<ami-id>' --launch-permission 'Add=[{UserId=123456789012}]' --region us-east-1 --output json",
      "  $ aws ec2 modify-image-attribute --image-id '<copy-ami-id>' --launch-permission 'Add=[{UserId=123456789012}]' --region us-west-2 --output json",
    ]);
  });

  it('prints az sig image-version show, update, and the update that undoes a removed revocation for the Azure image', () => {
    const ref = `--subscription ${AZURE_SUBSCRIPTION} --resource-group tkg-images --gallery-name tkg_gallery --gallery-image-definition ${AZURE_IMAGE} --gallery-image-version '<version>'`;
    const lines = commandLines(pipeline.stdout, 'ubuntu-2004-azure-fips:upload:plan');
    expect(lines.map((l) => l.split(' --')[0])).toEqual([
      '  $ az sig image-version show',
      '  $ az sig image-version update',
      '  $ az sig image-version update',
    ]);
    expect(lines.every((l) => l.includes(ref))).toBe(true);
    expect(lines[2]).toContain('--set publishingProfile.excludeFromLatest=false');
  });

  it('prints the kubectl server-side apply of the BoM ConfigMap, in the pipeline and in apply-tkr on its own', () => {
    const apply = `  $ kubectl --context ${CONTEXT} -n tkr-system apply --server-side --field-manager=kiln -f 'dist/tkrs/${TKR_PROJECT}/configmap-<version>.yaml' -o 'jsonpath={.metadata.resourceVersion}'`;
    // After the permission checks (kubectl auth can-i) and the read of the ConfigMap's resourceVersion.
    const applyLine = (stdout: string) => commandLines(stdout, `${TKR_PROJECT}:apply-tkr:plan`).find((l) => l.includes(' apply '));
    expect(applyLine(pipeline.stdout)).toBe(apply);
    expect(applyLine(applyTkr.stdout)).toBe(apply);
  });
});

// ---------------------------------------------------------------------------------------------------------
/** Unique fake credentials given to Nx through the environment: none may reach dist/, the Nx cache or Nx output. */
const TAG = randomBytes(4).toString('hex');
const SECRETS: Secrets = {
  VSPHERE_USERNAME: `svc-${TAG}@vsphere.local`,
  VSPHERE_PASSWORD: `Vpw.${TAG}@p/ss:word`,
  RHSM_USER: `rhsm-user-${TAG}`,
  RHSM_PASS: `Rhsm.${TAG}!pass`,
  AZURE_TENANT_ID: `tenant-${TAG}`,
  AZURE_CLIENT_ID: `client-${TAG}`,
  AZURE_CLIENT_SECRET: `Az~${TAG}.secret`,
  AWS_ACCESS_KEY_ID: `AKIAE2E${TAG.toUpperCase()}`,
  AWS_SECRET_ACCESS_KEY: `aws/${TAG}+secretKEY`,
};

requireDockerOrSkip('fully local mode over the sample catalog (stand-in images, fake clouds, test API server)', () => {
  const BOM = `dist/tkrs/${TKR_PROJECT}/tkr-bom-${TKR}.yaml`;
  const CONFIGMAP = `dist/tkrs/${TKR_PROJECT}/configmap-${TKR}.yaml`;
  const ec2 = new Ec2TestServer();
  let kube: KubeApiServer;
  let ws: TempWorkspace;
  let scratch: string;
  let govcLog: string;
  let azLog: string;
  let env: Record<string, string | undefined>;
  /** Every Nx run of this suite, for the output scan. */
  const runs: NxExit[] = [];
  let chain: NxExit;
  let uploads: NxExit;

  async function nx(args: string[]): Promise<NxExit> {
    const r = await spawnNx(ws, args, env).done;
    runs.push(r);
    return r;
  }

  const published = (n: string) =>
    JSON.parse(ws.read(`dist/images/${n}/upload/published.json`)) as {
      vsphere?: { templateName: string };
      aws?: { amis: Record<string, string> };
    };
  /** Every build log of the workspace (a build container run writes one). */
  const buildLogs = () => listFiles(join(ws.root, 'dist/images')).filter((f) => /\/logs\/build-[0-9a-f]{8}\.log$/.test(f));
  const govcCommands = () => readLog<{ argv?: string[] }>(govcLog).flatMap((c) => (c.argv ? [c.argv.join(' ')] : []));
  const azCommands = () => readLog<{ argv: string[] }>(azLog).map((c) => c.argv.slice(0, 3).join(' '));

  beforeAll(async () => {
    await buildStandinImages(catalogImageNames());
    ws = createTempWorkspace();
    // The RHEL sample mounts the DVD ISO from the workspace.
    ws.write('isos/rhel-8.4-x86_64-dvd.iso', 'kiln e2e: not a real ISO\n');
    ws.commitAll('the dummy RHEL ISO');
    scratch = mkdtempSync(join(tmpdir(), 'kiln-pipeline-'));
    const home = join(scratch, 'home');
    mkdirSync(join(home, '.aws'), { recursive: true });
    mkdirSync(join(home, '.azure'));
    writeFileSync(join(home, '.aws', 'config'), '[default]\nregion = us-east-1\n');
    writeFileSync(
      join(home, '.aws', 'credentials'),
      `[default]\naws_access_key_id = ${SECRETS.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${SECRETS.AWS_SECRET_ACCESS_KEY}\n`,
    );
    const fakeState = join(scratch, 'fakes');
    mkdirSync(fakeState);
    govcLog = join(fakeState, 'govc.log');
    azLog = join(fakeState, 'az.log');

    // The clouds as the stand-in builds leave them: the AMIs it reports, the SIG image version it reports.
    await ec2.start();
    for (const { name, region } of Object.values(AWS_BUILDS))
      ec2.addImage(region, name, { imageId: standinAmiId(name, region), description: 'Cluster API AMI' });
    const version = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fakes/samples/az-sig-image-version-show.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(
      join(fakeState, 'versions.json'),
      JSON.stringify({ [AZURE_VERSION_ID.toLowerCase()]: { ...version, id: AZURE_VERSION_ID, name: AZURE_VERSION } }),
    );
    kube = await startKubeApiServer();

    env = {
      ...SECRETS,
      HOME: home,
      PATH: pathWithFakes(),
      KILN_ADVERTISE_ADDRESS: bridgeGateway(),
      KILN_PULL_POLICY: undefined,
      KILN_NOW: undefined,
      KILN_VSPHERE_CREDENTIALS_FILE: undefined,
      VSPHERE_SERVER: 'vcenter.example.com',
      AZURE_SUBSCRIPTION_ID: AZURE_SUBSCRIPTION,
      FAKE_GOVC_STATE: fakeState,
      FAKE_GOVC_LOG: govcLog,
      FAKE_GOVC_PASSWORD: SECRETS.VSPHERE_PASSWORD,
      FAKE_AZ_STATE: fakeState,
      FAKE_AZ_LOG: azLog,
      KILN_AWS_ENDPOINT_URL: ec2.url,
      KILN_AWS_POLL_SECONDS: '0.05',
      AWS_MAX_ATTEMPTS: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      KUBECONFIG: kube.writeKubeconfig(join(scratch, 'kubeconfig'), CONTEXT),
      KUBECACHEDIR: join(scratch, 'kube-cache'),
    };

    const t0 = Date.now();
    chain = await nx(['run-many', '-t', 'gen-cluster-config']);
    const t1 = Date.now();
    uploads = await nx(['run-many', '-t', 'upload']);
    console.info(`fully local mode: run-many -t gen-cluster-config took ${t1 - t0} ms, run-many -t upload ${Date.now() - t1} ms`);
  });

  afterAll(async () => {
    if (ws) {
      const stop = spawnSync(process.execPath, [join(ws.root, 'tools/kiln-cli/bin/kiln.js'), 'bundle', 'stop', '--root', ws.root], {
        cwd: ws.root,
        encoding: 'utf8',
      });
      if (stop.status !== 0) console.error(`kiln bundle stop failed: ${stop.stdout}${stop.stderr}`);
      // Build containers of this workspace (mounting its folders) that a failing run may have left.
      for (const name of containersNamed('kiln-build-')) {
        if (containerMountSources(name).some((s) => s.startsWith(ws.root))) docker(['rm', '-f', name]);
      }
      ws.dispose();
    }
    await kube?.close();
    await ec2.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('runs the whole chain render-config → build → upload → gen-bom → apply-tkr → gen-cluster-config, then the remaining uploads', () => {
    expectOk(chain);
    expect(taskStatuses(chain.stdout)).toEqual({
      ...allWithStatus(
        CHAIN_IMAGES.flatMap((n) => [`${n}:render-config`, `${n}:build`, `${n}:upload`]),
        'ran',
      ),
      [`${TKR_PROJECT}:gen-bom`]: 'ran',
      [`${TKR_PROJECT}:apply-tkr`]: 'ran',
      'workload-vsphere:gen-cluster-config': 'ran',
      'workload-vsphere-template:gen-cluster-config': 'ran',
    });
    expectOk(uploads);
    const rest = IMAGES.filter((n) => !CHAIN_IMAGES.includes(n));
    expect(
      Object.entries(taskStatuses(uploads.stdout))
        .filter(([, s]) => s === 'ran')
        .map(([id]) => id),
    ).toEqual([...rest.flatMap((n) => [`${n}:render-config`, `${n}:build`]), ...IMAGES.map((n) => `${n}:upload`)].sort());
  });

  it('leaves artifact.json and published.json for every image', () => {
    const missing = IMAGES.flatMap((n) => [`dist/images/${n}/build/artifact.json`, `dist/images/${n}/upload/published.json`]).filter(
      (f) => !ws.exists(f),
    );
    expect(missing).toEqual([]);
  });

  it('lists every image in kiln catalog after the pipeline: fresh, built from this commit, with what it published and who uses it', () => {
    const r = kiln(ws, ['catalog', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CatalogReport;
    const byName = Object.fromEntries(report.images.map((i) => [i.name, i]));
    expect(report.images.map((i) => i.name)).toEqual(IMAGES);
    const head = ws.git(['rev-parse', 'HEAD']).trim();
    for (const name of IMAGES) {
      expect([name, byName[name]!.freshness, byName[name]!.gitCommit]).toEqual([name, 'fresh', head]);
      expect(byName[name]!.build?.builtAt, name).toBeTruthy();
    }
    expect(byName['ubuntu-2004-aws-cis']!.published?.regions['us-east-1']).toBe(CIS_AMI);
    expect(byName['ubuntu-2004-azure-fips']!.published?.sig?.version).toBe(AZURE_VERSION);
    expect(byName['ubuntu-2004-vsphere-plan']!.published?.template?.name).toBe(PLAN_TEMPLATE);
    expect(byName['ubuntu-2004-aws-cis']!.usedBy).toEqual({ tkrs: [TKR_PROJECT], clusters: ['workload-vsphere'] });
    expect(byName['ubuntu-2004-vsphere-plan']!.usedBy).toEqual({ tkrs: [], clusters: ['workload-vsphere-template'] });
    const page = ws.read('dist/catalog/index.html');
    expect(IMAGES.filter((n) => !page.includes(n))).toEqual([]);
  });

  it('writes the BoM with the class OVA VERSION, the stand-in AMI first in us-east-1 and its copy first in us-west-2, and the SIG version', () => {
    const base = readYaml<Bom>(ws, BASE_BOM);
    const bom = readYaml<Bom>(ws, BOM);
    const copy = ec2.imagesIn('us-west-2').filter((i) => i.name === AWS_BUILDS['ubuntu-2004-aws-cis']!.name);
    expect(copy).toHaveLength(1);
    expect(published('ubuntu-2004-aws-cis').aws!.amis).toEqual({ 'us-east-1': CIS_AMI, 'us-west-2': copy[0]!.imageId });
    expect(bom).toEqual({
      ...base,
      release: { version: TKR_VERSION },
      ova: [...base.ova, { name: 'ubuntu-2004-vsphere-class', osinfo: UBUNTU, version: CLASS_VERSION }],
      ami: {
        'us-east-1': [{ id: CIS_AMI, osinfo: UBUNTU }, ...base.ami['us-east-1']!],
        'us-west-2': [{ id: copy[0]!.imageId, osinfo: UBUNTU }, ...base.ami['us-west-2']!],
      },
      azure: [
        ...base.azure,
        {
          resourceGroup: 'tkg-images',
          name: AZURE_IMAGE,
          subscriptionID: AZURE_SUBSCRIPTION,
          gallery: 'tkg_gallery',
          version: AZURE_VERSION,
          osinfo: UBUNTU,
        },
      ],
    });
  });

  it('writes a ConfigMap whose bomContent decodes to the exact bytes of the BoM', () => {
    const cm = readYaml<{ binaryData: { bomContent: string } }>(ws, CONFIGMAP);
    expect(Buffer.from(cm.binaryData.bomContent, 'base64').toString('utf8')).toBe(ws.read(BOM));
  });

  it('applied the ConfigMap server-side to the management cluster, and the TKr became Ready and Compatible', () => {
    const patches = kube.requests.filter((r) => r.method === 'PATCH');
    expect(patches[0]).toEqual({
      method: 'PATCH',
      path: `/api/v1/namespaces/tkr-system/configmaps/${TKR}`,
      query: { fieldManager: 'kiln', fieldValidation: 'Strict', force: 'false' },
      contentType: 'application/apply-patch+yaml',
      fieldManager: 'kiln',
    });
    const stored = kube.configMap('tkr-system', TKR)!;
    expect(Buffer.from(stored.binaryData.bomContent as string, 'base64').toString('utf8')).toBe(ws.read(BOM));
    const conditions = (kube.tkr(TKR)!.status.conditions as Array<{ type: string; status: string }>).map((c) => [c.type, c.status]);
    expect(conditions).toEqual([
      ['Compatible', 'True'],
      ['Ready', 'True'],
    ]);
    expect(JSON.parse(ws.read(`dist/applied/tkrs/${TKR_PROJECT}/applied.json`))).toMatchObject({
      tkr: TKR,
      context: CONTEXT,
      configMap: TKR,
    });
  });

  it('writes create.sh of the TKr cluster with --tkr of the custom TKr', () => {
    expect(ws.read('dist/clusters/workload-vsphere/create.sh').split('\n')).toContain(
      `exec tanzu cluster create workload-1 --file "$(dirname "$0")/cluster-config.yaml" --tkr ${TKR}`,
    );
  });

  it("writes the template cluster's config with VSPHERE_TEMPLATE = the plan image's published template and no CLUSTER_NAME", () => {
    const config = readYaml<Record<string, unknown>>(ws, 'dist/clusters/workload-vsphere-template/cluster-config.yaml');
    expect(published('ubuntu-2004-vsphere-plan').vsphere!.templateName).toBe(PLAN_TEMPLATE);
    expect([config.VSPHERE_TEMPLATE, 'CLUSTER_NAME' in config]).toEqual([PLAN_TEMPLATE, false]);
  });

  describe('a second run of run-many -t gen-cluster-config', () => {
    let again: NxExit;
    let t0 = 0;
    let t1 = 0;
    let publishedBefore: string[];
    let buildLogsBefore: string[];
    let configMapVersion: string;
    let controllerPod: string;

    beforeAll(async () => {
      publishedBefore = IMAGES.map((n) => ws.read(`dist/images/${n}/upload/published.json`));
      buildLogsBefore = buildLogs();
      configMapVersion = kube.configMap('tkr-system', TKR)!.metadata.resourceVersion as string;
      controllerPod = kube.controllerPod() ?? '';
      ec2.clearCalls();
      kube.clearRequests();
      writeFileSync(govcLog, '');
      writeFileSync(azLog, '');
      t0 = Date.now();
      again = await nx(['run-many', '-t', 'gen-cluster-config']);
      t1 = Date.now();
      console.info(`fully local mode: the second run-many -t gen-cluster-config took ${t1 - t0} ms`);
    });

    it('serves every build from the Nx cache and starts no build container', () => {
      expectOk(again);
      const statuses = taskStatuses(again.stdout);
      const builds = Object.entries(statuses).filter(([id]) => id.endsWith(':build'));
      expect(builds.map(([id]) => id)).toEqual(CHAIN_IMAGES.map((n) => `${n}:build`));
      expect(builds.filter(([, s]) => s === 'ran')).toEqual([]);
      const ours = (name: string) => CHAIN_IMAGES.some((n) => name.startsWith(`kiln-build-${n}-`));
      expect(dockerEvents('container', t0, t1, 'start').filter((e) => ours(e.name))).toEqual([]);
      expect(buildLogsBefore).toHaveLength(IMAGES.length);
      expect(buildLogs()).toEqual(buildLogsBefore);
    });

    it('re-runs upload and apply-tkr (not cached) and serves gen-bom and gen-cluster-config from the cache', () => {
      const statuses = taskStatuses(again.stdout);
      const cached: TaskStatus[] = ['local cache', 'existing outputs match the cache, left as is'];
      expect(CHAIN_IMAGES.map((n) => statuses[`${n}:upload`])).toEqual(CHAIN_IMAGES.map(() => 'ran'));
      expect(statuses[`${TKR_PROJECT}:apply-tkr`]).toBe('ran');
      for (const id of [`${TKR_PROJECT}:gen-bom`, 'workload-vsphere:gen-cluster-config', 'workload-vsphere-template:gen-cluster-config']) {
        expect(cached, id).toContain(statuses[id]);
      }
    });

    it('makes no mutating EC2 call (describes only) and publishes the same records', () => {
      expect(ec2.calls.length).toBeGreaterThan(0);
      expect(ec2.mutatingCalls()).toEqual([]);
      expect(IMAGES.map((n) => ws.read(`dist/images/${n}/upload/published.json`))).toEqual(publishedBefore);
    });

    it('asks govc only vm.info for the two vSphere templates and az only show', () => {
      expect(govcCommands().sort()).toEqual([
        'vm.info -json /dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class',
        `vm.info -json /dc0/vm/tkg-templates/${PLAN_TEMPLATE}`,
      ]);
      expect(azCommands()).toEqual(['sig image-version show']);
    });

    it("re-applies the ConfigMap without changing it, leaves the controller alone and finds the TKr Ready at once with the BoM's images", () => {
      // Besides the permission checks (SelfSubjectAccessReviews) and the reads of the TKr's OSImages.
      expect(kube.apiCalls().filter((c) => !c.includes('selfsubjectaccessreviews') && !c.includes('/osimages/'))).toEqual([
        `GET /api/v1/namespaces/tkr-system/configmaps/${TKR}`,
        `PATCH /api/v1/namespaces/tkr-system/configmaps/${TKR}?fieldManager=kiln`,
        `GET /apis/run.tanzu.vmware.com/v1alpha3/tanzukubernetesreleases/${TKR}`,
        `GET /apis/run.tanzu.vmware.com/v1alpha3/tanzukubernetesreleases/${TKR}`,
      ]);
      expect(kube.apiCalls().filter((c) => c.includes('/osimages/')).length).toBeGreaterThan(0);
      expect(kube.configMap('tkr-system', TKR)!.metadata.resourceVersion).toBe(configMapVersion);
      expect(kube.controllerPod()).toBe(controllerPod);
    });
  });

  describe('a run after the us-west-2 copy of the CIS AMI disappeared from EC2', () => {
    let third: NxExit;
    let oldCopy: string;

    beforeAll(async () => {
      oldCopy = published('ubuntu-2004-aws-cis').aws!.amis['us-west-2']!;
      ec2.images.delete(oldCopy);
      ec2.clearCalls();
      // The new copy changes the BoM under the same release.version, and TKrs are immutable: apply-tkr would stop with
      // TKR_STALE (test/kubectl.e2e.spec.ts). Take its second way out first, as a user would: delete the unused TKr.
      const deleted = await runKubectl(['--context', CONTEXT, 'delete', 'tkr', TKR], {
        ...process.env,
        KUBECONFIG: env.KUBECONFIG,
        KUBECACHEDIR: env.KUBECACHEDIR,
      });
      expect(deleted.code, deleted.stderr).toBe(0);
      third = await nx(['run-many', '-t', 'gen-cluster-config']);
    });

    it('copies the AMI again, and gen-bom (keyed on published.json) re-runs and names the new copy first in us-west-2', () => {
      expectOk(third);
      expect(
        ec2
          .mutatingCalls()
          .filter((c) => c.action === 'CopyImage')
          .map((c) => [c.region, c.params.SourceImageId]),
      ).toEqual([['us-west-2', CIS_AMI]]);
      const newCopy = published('ubuntu-2004-aws-cis').aws!.amis['us-west-2']!;
      expect(newCopy).not.toBe(oldCopy);
      expect(taskStatuses(third.stdout)[`${TKR_PROJECT}:gen-bom`]).toBe('ran');
      expect(readYaml<Bom>(ws, BOM).ami['us-west-2']![0]).toEqual({ id: newCopy, osinfo: UBUNTU });
      const stored = kube.configMap('tkr-system', TKR)!;
      expect(Buffer.from(stored.binaryData.bomContent as string, 'base64').toString('utf8')).toBe(ws.read(BOM));
      const amis = (kube.tkr(TKR)!.spec.osImages as { name: string }[]).map(
        (i) => kube.osImage(i.name)?.spec.image.ref.id as string | undefined,
      );
      expect(amis).toContain(newCopy);
      expect(amis).not.toContain(oldCopy);
    });
  });

  it('lets no credential given through the environment reach dist/, the Nx cache, the workspace data or Nx output', () => {
    expect(runs.length).toBe(4);
    expect(
      runs.flatMap((r, i) => [
        ...secretsIn(r.stdout, SECRETS, `nx run ${i + 1} stdout`),
        ...secretsIn(r.stderr, SECRETS, `nx run ${i + 1} stderr`),
      ]),
    ).toEqual([]);
    expect(secretsInFiles([join(ws.root, 'dist'), ws.cacheDir, ws.dataDir], SECRETS)).toEqual([]);
  });
});
