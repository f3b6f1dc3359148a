// Real kubectl against the test API server: apply-tkr (apply, controller restart, wait, errors), the OS image
// version from a management cluster, and apply-tkr through Nx in a temporary workspace.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatError, isKilnError, type KilnError } from '@kiln/errors';
import type { KilnTkr } from '@kiln/spec';
import { applyTkrStep, osImageVersionFromCluster, type ApplyTkrInput } from '@kiln/steps';
import { startKubeApiServer, type KubeApiServer, type KubeApiServerOptions } from './support/kube-api-server';
import { taskOutput } from './support/nx-output';
import { spawnNx } from './support/nx-process';
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace';

const CONTEXT = 'mgmt-admin@mgmt';
const VERSION = 'v1.26.5+vmware.2-tkg.1-myorg';
const TKR = 'v1.26.5---vmware.2-tkg.1-myorg';
const UBUNTU_OVA = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const PHOTON_OVA = 'v1.26.5+vmware.1-tkg.1-4b8cc2d3ee2bb3f2ab37a6bcb86b7bc9';
const CM_FILE = `dist/tkrs/custom/configmap-${TKR}.yaml`;
const CM_PATH = `/api/v1/namespaces/tkr-system/configmaps/${TKR}`;
const TKR_PATH = `/apis/run.tanzu.vmware.com/v1alpha3/tanzukubernetesreleases/${TKR}`;
const PODS_BY_LABEL = '/api/v1/namespaces/tkr-system/pods?labelSelector=control-plane=controller-manager';

const BOM = `release:
  version: ${VERSION}
components:
  kubernetes:
    - version: v1.26.5+vmware.2
ova:
  - name: ova-ubuntu-2004
    osinfo:
      name: ubuntu
      version: "20.04"
      arch: amd64
    version: ${UBUNTU_OVA}
`;

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${TKR}
  namespace: tkr-system
  labels:
    tanzuKubernetesRelease: ${TKR}
binaryData:
  bomContent: "${Buffer.from(BOM).toString('base64')}"
`;

function tkrSpec(managementCluster: Partial<KilnTkr['managementCluster']> = {}): KilnTkr {
  return { bom: 'tkr-bom.yaml', suffix: 'myorg', images: ['ubuntu-2004-vsphere-class'], managementCluster: { context: CONTEXT, namespace: 'tkr-system', ...managementCluster } };
}

/** A stream that keeps what was written, for exact progress-line checks. */
function recorder(): { stream: NodeJS.WritableStream; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = { write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WritableStream;
  return { stream, lines: () => chunks.join('').split('\n').filter((l) => l !== '') };
}

async function failure(promise: Promise<unknown>): Promise<KilnError> {
  try {
    await promise;
  } catch (error) {
    if (isKilnError(error)) return error;
    throw error;
  }
  throw new Error('expected a KilnError, but it succeeded');
}

let tmp: string;
let workspace: string;
let server: KubeApiServer | undefined;
const savedEnv = { KUBECONFIG: process.env.KUBECONFIG, KUBECACHEDIR: process.env.KUBECACHEDIR };

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kiln-kubectl-'));
  // kubectl caches discovery per server address: keep it out of ~/.kube.
  process.env.KUBECACHEDIR = join(tmp, 'kube-cache');
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(join(tmp, 'ws'), { recursive: true, force: true });
});

afterAll(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh server, KUBECONFIG pointing at it, and a workspace holding gen-bom's ConfigMap. */
async function setUp(options: KubeApiServerOptions = {}, withConfigMap = true): Promise<KubeApiServer> {
  server = await startKubeApiServer(options);
  process.env.KUBECONFIG = server.writeKubeconfig(join(tmp, 'kubeconfig'), CONTEXT);
  workspace = join(tmp, 'ws');
  mkdirSync(join(workspace, 'dist/tkrs/custom'), { recursive: true });
  if (withConfigMap) writeFileSync(join(workspace, CM_FILE), CONFIGMAP);
  return server;
}

function input(tkr: KilnTkr, extra: Partial<ApplyTkrInput> = {}): ApplyTkrInput {
  return { workspaceRoot: workspace, project: 'custom', tkr, pollIntervalMs: 100, progressIntervalMs: 60_000, ...extra };
}

describe('apply-tkr against a management cluster', () => {
  it('applies the ConfigMap server-side, deletes the controller pod found by label, waits for Ready and records it', async () => {
    const s = await setUp({ readyDelayMs: 1500 });
    const pod = s.controllerPod();
    const out = recorder();

    const report = await applyTkrStep(input(tkrSpec(), { echo: out.stream }));

    expect(report).toBe(`TKr ${TKR} is Ready and Compatible on ${CONTEXT} (ConfigMap tkr-system/${TKR}; TKr controller restarted: deleted pod ${pod})`);
    const calls = s.apiCalls();
    expect(calls.slice(0, 3)).toEqual([`PATCH ${CM_PATH}?fieldManager=kiln`, `GET ${PODS_BY_LABEL}`, `DELETE /api/v1/namespaces/tkr-system/pods/${pod}`]);
    expect(calls.length).toBeGreaterThanOrEqual(5);
    expect(new Set(calls.slice(3))).toEqual(new Set([`GET ${TKR_PATH}`]));
    expect(s.requests.find((r) => r.method === 'PATCH')).toEqual({
      method: 'PATCH',
      path: CM_PATH,
      query: { fieldManager: 'kiln', fieldValidation: 'Strict', force: 'false' },
      contentType: 'application/apply-patch+yaml',
      fieldManager: 'kiln',
    });
    expect(s.deletedPods).toEqual([pod]);
    expect(s.controllerPod()).not.toBe(pod);
    expect(s.configMap('tkr-system', TKR)?.binaryData).toEqual({ bomContent: Buffer.from(BOM).toString('base64') });
    expect(out.lines()).toEqual([
      `[custom] configmap/${TKR} serverside-applied`,
      `[custom] pod "${pod}" deleted`,
      `[custom] waiting for TKr ${TKR} (elapsed 0m00s, Ready=False (WaitingForOSImages: OSImages are being resolved))`,
    ]);
    expect(readFileSync(join(workspace, 'dist/applied/tkrs/custom/applied.json'), 'utf8')).toBe(
      `{
  "conditions": [
    {
      "status": "True",
      "type": "Compatible"
    },
    {
      "status": "True",
      "type": "Ready"
    }
  ],
  "configMap": "${TKR}",
  "context": "${CONTEXT}",
  "namespace": "tkr-system",
  "tkr": "${TKR}"
}
`,
    );
  });

  it('is idempotent: a second apply leaves the ConfigMap unchanged and finds the TKr Ready at once', async () => {
    const s = await setUp();
    await applyTkrStep(input(tkrSpec()));
    const first = s.configMap('tkr-system', TKR)!;
    s.clearRequests();
    const pod = s.controllerPod();

    const report = await applyTkrStep(input(tkrSpec()));

    expect(report).toBe(`TKr ${TKR} is Ready and Compatible on ${CONTEXT} (ConfigMap tkr-system/${TKR}; TKr controller restarted: deleted pod ${pod})`);
    expect(s.configMap('tkr-system', TKR)!.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(s.apiCalls()).toEqual([`PATCH ${CM_PATH}?fieldManager=kiln`, `GET ${PODS_BY_LABEL}`, `DELETE /api/v1/namespaces/tkr-system/pods/${pod}`, `GET ${TKR_PATH}`]);
  });

  it('leaves the controller alone with restartController: false and still sees the TKr after the periodic reconcile', async () => {
    const s = await setUp({ reconcileDelayMs: 1500 });
    const started = Date.now();

    const report = await applyTkrStep(input(tkrSpec({ restartController: false })));

    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(report).toBe(`TKr ${TKR} is Ready and Compatible on ${CONTEXT} (ConfigMap tkr-system/${TKR}; controller not restarted (restartController: false))`);
    expect(s.deletedPods).toEqual([]);
    const calls = s.apiCalls();
    expect(calls[0]).toBe(`PATCH ${CM_PATH}?fieldManager=kiln`);
    expect(new Set(calls.slice(1))).toEqual(new Set([`GET ${TKR_PATH}`]));
  });

  it('names the missing kubeconfig context and the command that lists the contexts', async () => {
    const s = await setUp();
    const error = await failure(applyTkrStep(input(tkrSpec({ context: 'mgmt-typo' }))));

    expect(error.code).toBe('KUBE_CONTEXT_MISSING');
    expect(formatError(error)).toBe(
      [
        'kubeconfig context "mgmt-typo" does not exist',
        `  hint: list the contexts of your kubeconfig (KUBECONFIG=${process.env.KUBECONFIG}) with: kubectl config get-contexts`,
        `  command: kubectl --context mgmt-typo -n tkr-system apply --server-side --field-manager=kiln -f ${CM_FILE}`,
        '  exitCode: 1',
        '  kubectl: error: context "mgmt-typo" does not exist',
      ].join('\n'),
    );
    expect(s.apiCalls()).toEqual([]);
  });

  it('reports an RBAC denial with the auth can-i command to check it, and stops there', async () => {
    const s = await setUp({ denyConfigMaps: true });
    const error = await failure(applyTkrStep(input(tkrSpec())));

    expect(error.code).toBe('KUBE_FORBIDDEN');
    expect(formatError(error)).toBe(
      [
        `not allowed to apply ConfigMap ${TKR} in namespace tkr-system on context ${CONTEXT} (403 Forbidden)`,
        `  hint: check your permission with: kubectl --context ${CONTEXT} -n tkr-system auth can-i patch configmaps; ask the management cluster's admin for it`,
        `  command: kubectl --context ${CONTEXT} -n tkr-system apply --server-side --field-manager=kiln -f ${CM_FILE}`,
        '  exitCode: 1',
        `  kubectl: Error from server (Forbidden): configmaps "${TKR}" is forbidden: User "kiln-e2e" cannot patch resource "configmaps" in API group "" in the namespace "tkr-system"`,
      ].join('\n'),
    );
    expect(s.apiCalls()).toEqual([`PATCH ${CM_PATH}?fieldManager=kiln`]);
  });

  it('times out when the TKr never appears, naming the commands to investigate', async () => {
    const s = await setUp({ neverReconciles: true });
    const out = recorder();
    const error = await failure(applyTkrStep(input(tkrSpec({ timeoutSeconds: 1 }), { echo: out.stream })));

    expect(error.code).toBe('TKR_TIMEOUT');
    expect(formatError(error)).toBe(
      [
        `TKr ${TKR} did not appear within 1 s`,
        `  hint: check that the TKr controller read the ConfigMap: kubectl --context ${CONTEXT} -n tkr-system logs -l control-plane=controller-manager; the TKr: kubectl --context ${CONTEXT} get tkr ${TKR}; raise managementCluster.timeoutSeconds in tkrs/custom/tkr.yaml if the controller is slow`,
        `  configMap: kubectl --context ${CONTEXT} -n tkr-system get configmap ${TKR} -o yaml`,
      ].join('\n'),
    );
    expect(out.lines().at(-1)).toBe(`[custom] waiting for TKr ${TKR} (elapsed 0m00s)`);
    expect(s.deletedPods).toHaveLength(1);
    expect(s.tkr(TKR)).toBeUndefined();
  });

  it('fails at once when the TKr appears but is not Compatible', async () => {
    await setUp({ incompatible: true });
    const error = await failure(applyTkrStep(input(tkrSpec())));

    expect(error.code).toBe('TKR_NOT_COMPATIBLE');
    expect(formatError(error)).toBe(
      [
        `TKr ${TKR} is not compatible with the management cluster: Compatible=False (NotCompatible: TKr ${TKR} is not compatible with this management cluster's TKG version)`,
        `  hint: inspect it with: kubectl --context ${CONTEXT} get tkr ${TKR} -o yaml (a custom TKr must start from a BoM of the management cluster's TKG version)`,
        '  conditions:',
        `    Compatible=False (NotCompatible: TKr ${TKR} is not compatible with this management cluster's TKG version)`,
        '    Ready=False (NotCompatible: not compatible)',
      ].join('\n'),
    );
  });

  it('times out with the TKr conditions when it appears but never becomes Ready', async () => {
    await setUp({ readyDelayMs: 600_000 });
    const error = await failure(applyTkrStep(input(tkrSpec({ timeoutSeconds: 1 }))));

    expect(error.code).toBe('TKR_NOT_READY');
    expect(formatError(error)).toBe(
      [
        `TKr ${TKR} exists but is not Ready after 1 s: Ready=False (WaitingForOSImages: OSImages are being resolved), Compatible=True`,
        `  hint: inspect it with: kubectl --context ${CONTEXT} get tkr ${TKR} -o yaml`,
      ].join('\n'),
    );
  });

  it('fails before any kubectl call when gen-bom has not written the ConfigMap', async () => {
    const s = await setUp({}, false);
    const error = await failure(applyTkrStep(input(tkrSpec())));

    expect(formatError(error)).toBe(
      [
        'no TKr ConfigMap in dist/tkrs/custom/: gen-bom has not produced configmap-<version>.yaml',
        '  hint: run gen-bom first: nx run custom:gen-bom (or run apply-tkr without --excludeTaskDependencies)',
      ].join('\n'),
    );
    expect(s.requests).toEqual([]);
  });

  it('refuses to guess between two ConfigMaps in the gen-bom folder', async () => {
    const s = await setUp();
    writeFileSync(join(workspace, 'dist/tkrs/custom/configmap-v1.26.5---vmware.2-tkg.1-old.yaml'), CONFIGMAP);
    const error = await failure(applyTkrStep(input(tkrSpec())));

    expect(formatError(error)).toBe(
      [
        `more than one TKr ConfigMap in dist/tkrs/custom/: configmap-${TKR}.yaml, configmap-v1.26.5---vmware.2-tkg.1-old.yaml`,
        '  hint: delete dist/tkrs/custom/ and run nx run custom:gen-bom again',
      ].join('\n'),
    );
    expect(s.requests).toEqual([]);
  });
});

describe('osImageVersionFromCluster', () => {
  const seed = (s: KubeApiServer) =>
    s.seedTkr({
      name: 'v1.26.5---vmware.2-tkg.1',
      version: 'v1.26.5+vmware.2-tkg.1',
      kubernetesVersion: 'v1.26.5+vmware.2',
      osImages: [
        { name: 'v1.26.5---vmware.2-tkg.1-ami-us-east-1', type: 'ami', os: { name: 'ubuntu', version: '20.04', arch: 'amd64' }, id: 'ami-0123456789abcdef0', region: 'us-east-1' },
        { name: 'v1.26.5---vmware.2-tkg.1-photon', type: 'ova', os: { name: 'photon', version: '3', arch: 'amd64' }, version: PHOTON_OVA },
        { name: 'v1.26.5---vmware.2-tkg.1-ubuntu', type: 'ova', os: { name: 'ubuntu', version: '20.04', arch: 'amd64' }, version: UBUNTU_OVA },
      ],
    });

  it('returns the Ubuntu OVA version by default, reading the TKr and each of its OSImages', async () => {
    const s = await setUp();
    seed(s);
    expect(await osImageVersionFromCluster({ context: CONTEXT, tkr: 'v1.26.5---vmware.2-tkg.1' })).toBe(UBUNTU_OVA);
    const base = '/apis/run.tanzu.vmware.com/v1alpha3';
    expect(s.apiCalls()).toEqual([
      `GET ${base}/tanzukubernetesreleases/v1.26.5---vmware.2-tkg.1`,
      `GET ${base}/osimages/v1.26.5---vmware.2-tkg.1-ami-us-east-1`,
      `GET ${base}/osimages/v1.26.5---vmware.2-tkg.1-photon`,
      `GET ${base}/osimages/v1.26.5---vmware.2-tkg.1-ubuntu`,
    ]);
  });

  it('returns the Photon OVA version for os photon', async () => {
    seed(await setUp());
    expect(await osImageVersionFromCluster({ context: CONTEXT, tkr: 'v1.26.5---vmware.2-tkg.1', os: 'photon' })).toBe(PHOTON_OVA);
  });

  it('says the TKr does not exist and how to list the TKrs', async () => {
    seed(await setUp());
    const error = await failure(osImageVersionFromCluster({ context: CONTEXT, tkr: 'v1.26.5---vmware.2-tkg.9' }));
    expect(formatError(error)).toBe(`TKr v1.26.5---vmware.2-tkg.9 does not exist on context ${CONTEXT}\n  hint: list the TKrs with: kubectl --context ${CONTEXT} get tkr`);
  });

  it('lists the OSImages that exist when none is an OVA of the wanted OS', async () => {
    seed(await setUp());
    const error = await failure(osImageVersionFromCluster({ context: CONTEXT, tkr: 'v1.26.5---vmware.2-tkg.1', os: 'rhel' }));
    expect(error.code).toBe('OSIMAGE_NOT_FOUND');
    expect(formatError(error)).toBe(
      [
        'TKr v1.26.5---vmware.2-tkg.1 has no OVA OSImage for os rhel',
        `  hint: choose --os from the OSImages the TKr lists, or inspect them with: kubectl --context ${CONTEXT} get osimages`,
        '  osImages:',
        '    v1.26.5---vmware.2-tkg.1-ami-us-east-1: ami ubuntu 20.04 amd64 us-east-1 ami-0123456789abcdef0',
        `    v1.26.5---vmware.2-tkg.1-photon: ova photon 3 amd64 ${PHOTON_OVA}`,
        `    v1.26.5---vmware.2-tkg.1-ubuntu: ova ubuntu 20.04 amd64 ${UBUNTU_OVA}`,
      ].join('\n'),
    );
  });

  it('refuses to pick between two OVA versions of the same OS', async () => {
    const s = await setUp();
    s.seedTkr({
      name: 'v1.26.5---vmware.2-tkg.3',
      version: 'v1.26.5+vmware.2-tkg.3',
      kubernetesVersion: 'v1.26.5+vmware.2',
      osImages: [
        { name: 'ubuntu-2004', type: 'ova', os: { name: 'ubuntu', version: '20.04', arch: 'amd64' }, version: UBUNTU_OVA },
        { name: 'ubuntu-2204', type: 'ova', os: { name: 'ubuntu', version: '22.04', arch: 'amd64' }, version: 'v1.26.5+vmware.2-tkg.1-2204' },
      ],
    });
    const error = await failure(osImageVersionFromCluster({ context: CONTEXT, tkr: 'v1.26.5---vmware.2-tkg.3' }));
    expect(formatError(error)).toBe(
      [
        `TKr v1.26.5---vmware.2-tkg.3 has 2 OVA OSImages for os ubuntu with different versions: ${UBUNTU_OVA}, v1.26.5+vmware.2-tkg.1-2204`,
        `  hint: pick the VERSION yourself from: kubectl --context ${CONTEXT} get osimages`,
        '  osImages:',
        `    ubuntu-2004: ova ubuntu 20.04 amd64 ${UBUNTU_OVA}`,
        '    ubuntu-2204: ova ubuntu 22.04 amd64 v1.26.5+vmware.2-tkg.1-2204',
      ].join('\n'),
    );
  });

  it('says when the TKr lists no OSImages', async () => {
    const s = await setUp();
    s.seedTkr({ name: 'v1.26.5---vmware.2-tkg.2', version: 'v1.26.5+vmware.2-tkg.2', kubernetesVersion: 'v1.26.5+vmware.2', osImages: [] });
    const error = await failure(osImageVersionFromCluster({ context: CONTEXT, tkr: 'v1.26.5---vmware.2-tkg.2' }));
    expect(formatError(error)).toBe(
      `TKr v1.26.5---vmware.2-tkg.2 lists no OSImages (spec.osImages is empty)\n  hint: inspect it with: kubectl --context ${CONTEXT} get tkr v1.26.5---vmware.2-tkg.2 -o yaml`,
    );
  });

  it('finds the OVA version of a TKr the controller created from an applied BoM', async () => {
    const s = await setUp();
    await applyTkrStep(input(tkrSpec()));
    expect(await osImageVersionFromCluster({ context: CONTEXT, tkr: TKR })).toBe(UBUNTU_OVA);
    expect(s.tkr(TKR)?.spec.version).toBe(VERSION);
  });
});

describe('apply-tkr through Nx', () => {
  const PROJECT = 'custom-v1-26-5';
  let ws: TempWorkspace;

  /** What upload would have published for the tkr's three images (gen-bom reads these). */
  const published: Record<string, object> = {
    'ubuntu-2004-vsphere-class': {
      image: 'ubuntu-2004-vsphere-class',
      infra: 'vsphere',
      os: 'ubuntu-2004',
      version: UBUNTU_OVA,
      contentKey: 'sha256:0001',
      vsphere: { templatePath: '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class', templateName: 'ubuntu-2004-kube-v1.26.5-class' },
    },
    'ubuntu-2004-aws-cis': {
      image: 'ubuntu-2004-aws-cis',
      infra: 'aws',
      os: 'ubuntu-2004',
      contentKey: 'sha256:0002',
      aws: { amis: { 'us-east-1': 'ami-0a1b2c3d4e5f60001', 'us-west-2': 'ami-0a1b2c3d4e5f60002' } },
    },
    'ubuntu-2004-azure-fips': {
      image: 'ubuntu-2004-azure-fips',
      infra: 'azure',
      os: 'ubuntu-2004',
      contentKey: 'sha256:0003',
      azure: {
        sigImageVersionId: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/tkg-images/providers/Microsoft.Compute/galleries/tkg_gallery/images/ubuntu-2004-fips/versions/2023.7.1',
        subscriptionId: '00000000-0000-4000-8000-000000000001',
        resourceGroup: 'tkg-images',
        gallery: 'tkg_gallery',
        imageName: 'ubuntu-2004-fips',
        version: '2023.7.1',
      },
    },
  };

  beforeAll(() => {
    ws = createTempWorkspace();
    for (const [image, record] of Object.entries(published)) ws.write(`dist/images/${image}/upload/published.json`, JSON.stringify(record, null, 2) + '\n');
  });

  afterAll(() => {
    ws?.dispose();
  });

  it('prints the exact kubectl commands in plan mode, with no not-implemented marker', () => {
    const r = ws.nx(['run', `${PROJECT}:apply-tkr`, '-c', 'plan', '--excludeTaskDependencies']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const kubectl = `$ kubectl --context ${CONTEXT} -n tkr-system`;
    expect(taskOutput(r.stdout, `${PROJECT}:apply-tkr:plan`)).toBe(
      [
        `[plan] apply-tkr ${PROJECT}`,
        `  register the custom TKr on the management cluster ${CONTEXT}`,
        `  ${kubectl} apply --server-side --field-manager=kiln -f 'dist/tkrs/${PROJECT}/configmap-<version>.yaml'`,
        `  ${kubectl} get pods -l control-plane=controller-manager -o json    # find the tkr-controller-manager-* pod`,
        `  ${kubectl} delete pod '<tkr-controller-manager-* pod>' --wait=false    # to reconcile at once`,
        `  $ kubectl --context ${CONTEXT} get tkr '<tkr name>' -o json    # every 5 s until Ready and Compatible (timeout 900 s)`,
      ].join('\n'),
    );
  });

  it('registers the TKr gen-bom wrote: apply, controller restart, Ready, applied.json', async () => {
    const gen = ws.nx(['run', `${PROJECT}:gen-bom`, '--excludeTaskDependencies']);
    expect(gen.code, gen.stdout + gen.stderr).toBe(0);
    expect(ws.exists(`dist/tkrs/${PROJECT}/configmap-${TKR}.yaml`)).toBe(true);

    server = await startKubeApiServer();
    const kubeconfig = server.writeKubeconfig(join(tmp, 'nx-kubeconfig'), CONTEXT);
    const pod = server.controllerPod();
    // Async: the API server answers from this process while Nx runs. No NO_COLOR: Nx sets FORCE_COLOR for tasks
    // and Node warns when both are set.
    const env = { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(tmp, 'kube-cache'), NO_COLOR: undefined };
    const r = await spawnNx(ws, ['run', `${PROJECT}:apply-tkr`, '--excludeTaskDependencies'], env).done;

    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(taskOutput(r.stdout, `${PROJECT}:apply-tkr`)).toBe(
      [
        `[${PROJECT}] configmap/${TKR} serverside-applied`,
        `[${PROJECT}] pod "${pod}" deleted`,
        `TKr ${TKR} is Ready and Compatible on ${CONTEXT} (ConfigMap tkr-system/${TKR}; TKr controller restarted: deleted pod ${pod})`,
      ].join('\n'),
    );
    expect(server.apiCalls().slice(0, 4)).toEqual([`PATCH ${CM_PATH}?fieldManager=kiln`, `GET ${PODS_BY_LABEL}`, `DELETE /api/v1/namespaces/tkr-system/pods/${pod}`, `GET ${TKR_PATH}`]);
    const cm = server.configMap('tkr-system', TKR)!;
    const bomFile = ws.read(`dist/tkrs/${PROJECT}/configmap-${TKR}.yaml`);
    expect(bomFile).toContain(`bomContent: "${cm.binaryData.bomContent}"`);
    expect(JSON.parse(ws.read(`dist/applied/tkrs/${PROJECT}/applied.json`))).toEqual({
      conditions: [
        { status: 'True', type: 'Compatible' },
        { status: 'True', type: 'Ready' },
      ],
      configMap: TKR,
      context: CONTEXT,
      namespace: 'tkr-system',
      tkr: TKR,
    });
    expect(server.tkr(TKR)?.spec.version).toBe(VERSION);
  });
});
