// Real kubectl against the test API server: apply-tkr (permissions, apply and its conflicts, controller restart, wait,
// the TKr's images, errors), the OS image version from a management cluster, and apply-tkr through Nx.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '@kiln/errors';
import type { KilnTkr } from '@kiln/schema';
import { osImageVersionFromCluster } from '@kiln/image-version';
import { applyTkrStep, type ApplyTkrInput } from '@kiln/steps';
import { kilnRejectionOf, tempDir } from '@kiln/testing';
import { startKubeApiServer, type KubeApiServer, type KubeApiServerOptions } from './support/kube-api-server';
import { runKubectl } from './support/kubectl-run';
import { taskOutput } from './support/nx-output';
import { spawnNx } from './support/nx-process';
import { createTempWorkspace, REPO_ROOT, type TempWorkspace } from './support/temp-workspace';

const CONTEXT = 'mgmt-admin@mgmt';
const VERSION = 'v1.26.5+vmware.2-tkg.1-myorg';
const TKR = 'v1.26.5---vmware.2-tkg.1-myorg';
const UBUNTU_OVA = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const PHOTON_OVA = 'v1.26.5+vmware.1-tkg.1-4b8cc2d3ee2bb3f2ab37a6bcb86b7bc9';
/** The OVA VERSION of an earlier build, in the ConfigMap the guide (or an earlier run) applied. */
const OLD_OVA = 'v1.26.5+vmware.1-tkg.1-0123456789abcdef0123456789abcdef';
const CM_FILE = `dist/tkrs/custom/configmap-${TKR}.yaml`;
const CM_PATH = `/api/v1/namespaces/tkr-system/configmaps/${TKR}`;
const TKR_PATH = `/apis/run.tanzu.vmware.com/v1alpha3/tanzukubernetesreleases/${TKR}`;
const NAMESPACE_PATH = 'GET /api/v1/namespaces/tkr-system';
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
  return {
    bom: 'tkr-bom.yaml',
    suffix: 'myorg',
    images: ['ubuntu-2004-vsphere-class'],
    managementCluster: { context: CONTEXT, namespace: 'tkr-system', ...managementCluster },
  };
}

/** A stream that keeps what was written, for exact progress-line checks. */
function recorder(): { stream: NodeJS.WritableStream; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = { write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WritableStream;
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== ''),
  };
}

let tmp: string;
let workspace: string;
let server: KubeApiServer | undefined;
const savedEnv = { KUBECONFIG: process.env.KUBECONFIG, KUBECACHEDIR: process.env.KUBECACHEDIR };

beforeAll(() => {
  tmp = tempDir('kiln-kubectl-');
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
});

/** A fresh server, KUBECONFIG pointing at it, and a workspace holding gen-bom's ConfigMap. */
async function setUp(options: KubeApiServerOptions = {}, withConfigMap = true): Promise<KubeApiServer> {
  // Pods restart and the controller reconciles 300 ms after a delete unless a test asks for the realistic seconds.
  server = await startKubeApiServer({ podRestartMs: 300, controllerStartMs: 300, ...options });
  process.env.KUBECONFIG = server.writeKubeconfig(join(tmp, 'kubeconfig'), CONTEXT);
  workspace = join(tmp, 'ws');
  mkdirSync(join(workspace, 'dist/tkrs/custom'), { recursive: true });
  if (withConfigMap) writeFileSync(join(workspace, CM_FILE), CONFIGMAP);
  return server;
}

function input(tkr: KilnTkr, extra: Partial<ApplyTkrInput> = {}): ApplyTkrInput {
  return { workspaceRoot: workspace, project: 'custom', tkr, pollIntervalMs: 100, progressIntervalMs: 60_000, env: {}, ...extra };
}

/** API calls other than the SelfSubjectAccessReviews (checked on their own). */
const calls = (s: KubeApiServer) => s.apiCalls().filter((c) => !c.includes('selfsubjectaccessreviews'));
const ALL_REVIEWS = [
  'create configmaps -n tkr-system → yes',
  'delete pods -n tkr-system → yes',
  'get configmaps -n tkr-system → yes',
  'get osimages.run.tanzu.vmware.com → yes',
  'get tanzukubernetesreleases.run.tanzu.vmware.com → yes',
  'list pods -n tkr-system → yes',
  'patch configmaps -n tkr-system → yes',
];
const bomOnServer = (s: KubeApiServer) =>
  Buffer.from(s.configMap('tkr-system', TKR)!.binaryData.bomContent as string, 'base64').toString('utf8');
/** The OVA VERSIONs the TKr's OSImages carry. */
const tkrOvas = (s: KubeApiServer) =>
  (s.tkr(TKR)!.spec.osImages as { name: string }[]).map((i) => s.osImage(i.name)!.spec.image.ref.version as string);

describe('apply-tkr against a management cluster', () => {
  it('checks every permission, applies the ConfigMap server-side, deletes the controller pod, waits for the TKr the controller creates seconds later, checks its images and records it', async () => {
    const s = await setUp({ readyDelayMs: 1000, podRestartMs: 1000, controllerStartMs: 1000 });
    const pod = s.controllerPod()!;
    const out = recorder();
    const started = Date.now();

    const report = await applyTkrStep(input(tkrSpec(), { echo: out.stream }));

    // The replacement controller pod starts 1 s after the delete and reconciles 1 s later; Ready 1 s after that.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(report).toBe(
      `TKr ${TKR} is Ready and Compatible on ${CONTEXT} with the BoM's images (ConfigMap tkr-system/${TKR}; TKr controller restarted: deleted pod ${pod})`,
    );
    expect([...s.accessReviews].sort()).toEqual(ALL_REVIEWS);
    const c = calls(s);
    // kubectl get looks the namespace up when the object is not found.
    expect(c.slice(0, 5)).toEqual([
      `GET ${CM_PATH}`,
      NAMESPACE_PATH,
      `PATCH ${CM_PATH}?fieldManager=kiln`,
      `GET ${PODS_BY_LABEL}`,
      `DELETE /api/v1/namespaces/tkr-system/pods/${pod}`,
    ]);
    expect(c.length).toBeGreaterThanOrEqual(7);
    expect(new Set(c.slice(5, -1))).toEqual(new Set([`GET ${TKR_PATH}`]));
    expect(c.at(-1)).toMatch(/^GET \/apis\/run\.tanzu\.vmware\.com\/v1alpha3\/osimages\/v1\.26\.5---vmware\.2-tkg\.1-myorg-[0-9a-f]{10}$/);
    expect(s.requests.find((r) => r.method === 'PATCH')).toMatchObject({
      method: 'PATCH',
      path: CM_PATH,
      query: { fieldManager: 'kiln', fieldValidation: 'Strict', force: 'false' },
      contentType: 'application/apply-patch+yaml',
    });
    expect(s.deletedPods).toEqual([pod]);
    expect(s.pods().find((p) => p.name === pod)).toEqual({ name: pod, terminating: true });
    expect(s.controllerPod()).not.toBe(pod);
    expect(bomOnServer(s)).toBe(BOM);
    expect(tkrOvas(s)).toEqual([UBUNTU_OVA]);
    expect(out.lines()).toEqual([
      `[custom] configmap/${TKR} serverside-applied`,
      `[custom] pod "${pod}" deleted`,
      `[custom] waiting for TKr ${TKR} (elapsed 0m00s)`,
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

  it('does not restart the controller when the apply changed nothing and the TKr exists (issue 10, item 5)', async () => {
    const s = await setUp();
    await applyTkrStep(input(tkrSpec()));
    const first = s.configMap('tkr-system', TKR)!;
    s.clearRequests();
    const pod = s.controllerPod();
    const out = recorder();

    const report = await applyTkrStep(input(tkrSpec(), { echo: out.stream }));

    expect(report).toBe(
      `TKr ${TKR} is Ready and Compatible on ${CONTEXT} with the BoM's images (ConfigMap tkr-system/${TKR}; ConfigMap unchanged and the TKr exists: controller not restarted)`,
    );
    expect(out.lines()).toEqual([`[custom] configmap/${TKR} serverside-applied (unchanged)`]);
    expect(s.configMap('tkr-system', TKR)!.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(s.controllerPod()).toBe(pod);
    expect(calls(s).filter((c) => !c.includes('/osimages/'))).toEqual([
      `GET ${CM_PATH}`,
      `PATCH ${CM_PATH}?fieldManager=kiln`,
      `GET ${TKR_PATH}`,
      `GET ${TKR_PATH}`,
    ]);
  });

  it('leaves the controller alone with restartController: false and still sees the TKr after the periodic reconcile', async () => {
    const s = await setUp({ reconcileDelayMs: 1500 });
    const started = Date.now();

    const report = await applyTkrStep(input(tkrSpec({ restartController: false })));

    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(report).toBe(
      `TKr ${TKR} is Ready and Compatible on ${CONTEXT} with the BoM's images (ConfigMap tkr-system/${TKR}; controller not restarted (restartController: false))`,
    );
    expect(s.deletedPods).toEqual([]);
    expect([...s.accessReviews].sort()).toEqual(ALL_REVIEWS.filter((r) => !r.includes(' pods ')));
    const c = calls(s);
    expect(c.slice(0, 3)).toEqual([`GET ${CM_PATH}`, NAMESPACE_PATH, `PATCH ${CM_PATH}?fieldManager=kiln`]);
    expect(new Set(c.slice(3, -1))).toEqual(new Set([`GET ${TKR_PATH}`]));
  });

  it('names the missing kubeconfig context and the command that lists the contexts', async () => {
    const s = await setUp();
    const error = await kilnRejectionOf(applyTkrStep(input(tkrSpec({ context: 'mgmt-typo' }))));

    expect(error.code).toBe('KUBE_CONTEXT_MISSING');
    expect(formatError(error)).toBe(
      [
        'kubeconfig context "mgmt-typo" does not exist',
        `  hint: list the contexts of your kubeconfig (KUBECONFIG=${process.env.KUBECONFIG}) with: kubectl config get-contexts`,
        '  command: kubectl --context mgmt-typo -n tkr-system auth can-i get configmaps',
        '  exitCode: 1',
        '  kubectl: error: context "mgmt-typo" does not exist',
      ].join('\n'),
    );
    expect(s.apiCalls()).toEqual([]);
  });

  it('reports every missing permission at once before changing anything (issue 10, item 3)', async () => {
    const s = await setUp({ deny: ['list pods', 'get osimages'] });
    const error = await kilnRejectionOf(applyTkrStep(input(tkrSpec())));

    expect(error.code).toBe('KUBE_PERMISSIONS_MISSING');
    expect(formatError(error)).toBe(
      [
        `not allowed on context ${CONTEXT}: list pods in namespace tkr-system, get osimages.run.tanzu.vmware.com; apply-tkr checked before changing anything, so nothing was applied`,
        "  hint: ask the management cluster's admin for these permissions",
        '  missing:',
        `    list pods in namespace tkr-system (to find the tkr-controller-manager pod): kubectl --context ${CONTEXT} -n tkr-system auth can-i list pods`,
        `    get osimages.run.tanzu.vmware.com (to check the TKr's OS images): kubectl --context ${CONTEXT} auth can-i get osimages.run.tanzu.vmware.com --all-namespaces`,
      ].join('\n'),
    );
    expect(calls(s)).toEqual([`GET ${CM_PATH}`, NAMESPACE_PATH]);
    expect(s.configMap('tkr-system', TKR)).toBeUndefined();
    expect(s.deletedPods).toEqual([]);
  });

  it('reports a full denial on ConfigMaps as missing permissions, with the restartController way out only for pods', async () => {
    const s = await setUp({ deny: ['* configmaps'] });
    expect(formatError(await kilnRejectionOf(applyTkrStep(input(tkrSpec()))))).toBe(
      [
        `not allowed on context ${CONTEXT}: get configmaps in namespace tkr-system, patch configmaps in namespace tkr-system, create configmaps in namespace tkr-system; apply-tkr checked before changing anything, so nothing was applied`,
        "  hint: ask the management cluster's admin for these permissions",
        '  missing:',
        `    get configmaps in namespace tkr-system (to see whether the apply changes the ConfigMap): kubectl --context ${CONTEXT} -n tkr-system auth can-i get configmaps`,
        `    patch configmaps in namespace tkr-system (to apply the BoM ConfigMap): kubectl --context ${CONTEXT} -n tkr-system auth can-i patch configmaps`,
        `    create configmaps in namespace tkr-system (to create the BoM ConfigMap): kubectl --context ${CONTEXT} -n tkr-system auth can-i create configmaps`,
      ].join('\n'),
    );
    expect(calls(s)).toEqual([]);
    await s.close();
    const pods = await setUp({ deny: ['delete pods'] });
    expect((await kilnRejectionOf(applyTkrStep(input(tkrSpec())))).hint).toBe(
      "ask the management cluster's admin for this permission (or set managementCluster.restartController: false in tkrs/custom/tkr.yaml and wait for the controller's periodic reconcile)",
    );
    expect(pods.configMap('tkr-system', TKR)).toBeUndefined();
  });

  it('names a ConfigMap field another field manager owns and the --force-conflicts way out; forcing takes it over (issue 10, item 1)', async () => {
    const s = await setUp({ podRestartMs: 300, controllerStartMs: 300 });
    // The manual guide's client-side apply of an earlier BoM.
    writeFileSync(
      join(tmp, 'guide-configmap.yaml'),
      CONFIGMAP.replace(Buffer.from(BOM).toString('base64'), Buffer.from(BOM.replace(UBUNTU_OVA, OLD_OVA)).toString('base64')),
    );
    const guide = await runKubectl(['--context', CONTEXT, '-n', 'tkr-system', 'apply', '-f', join(tmp, 'guide-configmap.yaml')]);
    expect(guide.stdout).toBe(`configmap/${TKR} created\n`);
    const version = s.configMap('tkr-system', TKR)!.metadata.resourceVersion;

    const error = await kilnRejectionOf(applyTkrStep(input(tkrSpec())));

    expect(error.code).toBe('TKR_CONFIGMAP_CONFLICT');
    expect(formatError(error)).toBe(
      [
        `ConfigMap tkr-system/${TKR} on context ${CONTEXT} has fields another field manager owns: .binaryData.bomContent is managed by "kubectl-client-side-apply" (a client-side kubectl apply -f, as in the manual guide)`,
        `  hint: Kiln applies as field manager "kiln" and does not take fields over by default. If ${CM_FILE} should replace what is there, run apply-tkr again with --force-conflicts: nx run custom:apply-tkr --force-conflicts`,
        `  command: kubectl --context ${CONTEXT} -n tkr-system apply --server-side --field-manager=kiln -f ${CM_FILE} -o 'jsonpath={.metadata.resourceVersion}'`,
        '  kubectl: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .binaryData.bomContent',
      ].join('\n'),
    );
    expect(s.configMap('tkr-system', TKR)!.metadata.resourceVersion).toBe(version);
    expect(s.deletedPods).toEqual([]);

    const report = await applyTkrStep(input(tkrSpec(), { forceConflicts: true }));

    expect(report).toMatch(
      new RegExp(
        `^TKr ${TKR} is Ready and Compatible on ${CONTEXT} with the BoM's images \\(ConfigMap tkr-system/${TKR}; TKr controller restarted: deleted pod `,
      ),
    );
    expect(
      s.requests.filter((r) => r.method === 'PATCH' && r.contentType === 'application/apply-patch+yaml').map((r) => r.query.force),
    ).toEqual(['false', 'true', 'true']);
    expect(bomOnServer(s)).toBe(BOM);
    expect((s.configMap('tkr-system', TKR)!.metadata.managedFields as { manager: string }[]).map((m) => m.manager)).toEqual(['kiln']);
    expect(tkrOvas(s)).toEqual([UBUNTU_OVA]);
  });

  it('refuses to report a stale TKr Ready: the existing TKr keeps the old OVA, and shows both ways out (issue 10, item 2)', async () => {
    const s = await setUp({ podRestartMs: 300, controllerStartMs: 300 });
    writeFileSync(
      join(workspace, CM_FILE),
      CONFIGMAP.replace(Buffer.from(BOM).toString('base64'), Buffer.from(BOM.replace(UBUNTU_OVA, OLD_OVA)).toString('base64')),
    );
    await applyTkrStep(input(tkrSpec()));
    expect(tkrOvas(s)).toEqual([OLD_OVA]);
    // gen-bom wrote a BoM with a new OVA VERSION under the same release.version.
    writeFileSync(join(workspace, CM_FILE), CONFIGMAP);

    const error = await kilnRejectionOf(applyTkrStep(input(tkrSpec())));

    expect(error.code).toBe('TKR_STALE');
    expect(formatError(error)).toBe(
      [
        `TKr ${TKR} on context ${CONTEXT} does not carry the images of the BoM just applied (ConfigMap tkr-system/${TKR}): missing ova ${UBUNTU_OVA}, has ova ${OLD_OVA}`,
        '  hint: TKr versions are immutable: the TKr controller does not rebuild a TKr that already exists from a changed ConfigMap. Either ' +
          `(1) bump the release suffix: set suffix: myorg-1 in tkrs/custom/tkr.yaml (a new TKr v1.26.5---vmware.2-tkg.1-myorg-1) and run apply-tkr again, or ` +
          `(2) if no cluster uses TKr ${TKR} (check with: kubectl --context ${CONTEXT} get clusters.cluster.x-k8s.io -A -l run.tanzu.vmware.com/tkr=${TKR}), ` +
          `delete it with: kubectl --context ${CONTEXT} delete tkr ${TKR}; then run apply-tkr again`,
        `  bomImages: ova ${UBUNTU_OVA}`,
        `  tkrImages: ova ${OLD_OVA}`,
      ].join('\n'),
    );
    expect(bomOnServer(s)).toBe(BOM);
    expect(tkrOvas(s)).toEqual([OLD_OVA]);

    // Way out 2: delete the stale TKr. The ConfigMap is unchanged now, but the TKr is missing: the controller is restarted.
    // (First let the controller restart of the failed run finish, or its late start would recreate the TKr itself.)
    await s.settled(30_000);
    expect((await runKubectl(['--context', CONTEXT, 'delete', 'tkr', TKR])).code).toBe(0);
    const report = await applyTkrStep(input(tkrSpec()));
    expect(report).toContain('TKr controller restarted: deleted pod');
    expect(tkrOvas(s)).toEqual([UBUNTU_OVA]);
  });

  it('names a namespace that does not exist and lists the ones that do (issue 10, item 4)', async () => {
    const s = await setUp();
    // gen-bom writes the namespace of tkr.yaml into the ConfigMap.
    writeFileSync(join(workspace, CM_FILE), CONFIGMAP.replace('namespace: tkr-system', 'namespace: tkr-sytem'));
    const error = await kilnRejectionOf(applyTkrStep(input(tkrSpec({ namespace: 'tkr-sytem' }))));

    expect(error.code).toBe('TKR_NAMESPACE_MISSING');
    expect(formatError(error)).toBe(
      [
        `tkrs/custom/tkr.yaml: namespace "tkr-sytem" does not exist on context ${CONTEXT}`,
        "  hint: set managementCluster.namespace to the TKr controller's namespace (tkr-system on TKG; leave it out for the default); the namespaces that exist: default, kube-node-lease, kube-public, kube-system, tkg-system, tkr-system",
      ].join('\n'),
    );
    expect(s.configMap('tkr-sytem', TKR)).toBeUndefined();
    expect(s.deletedPods).toEqual([]);
  });

  it('takes the TKr timeout from KILN_TKR_TIMEOUT_SECONDS over tkr.yaml, and refuses a value that is not a positive whole number (issue 10, item 5)', async () => {
    const s = await setUp({ neverReconciles: true, podRestartMs: 100 });
    const started = Date.now();
    const error = await kilnRejectionOf(applyTkrStep(input(tkrSpec({ timeoutSeconds: 900 }), { env: { KILN_TKR_TIMEOUT_SECONDS: '1' } })));
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(error.code).toBe('TKR_TIMEOUT');
    expect(error.message).toBe(`TKr ${TKR} did not appear within 1 s (KILN_TKR_TIMEOUT_SECONDS)`);

    for (const bad of ['abc', '0', '-5', '1.5']) {
      s.clearRequests();
      const invalid = await kilnRejectionOf(applyTkrStep(input(tkrSpec(), { env: { KILN_TKR_TIMEOUT_SECONDS: bad } })));
      // The wording is the shared KILN_* check's (libs/steps/src/kiln-env.ts).
      expect(invalid.code).toBe('KILN_ENV_INVALID');
      expect(invalid.message).toMatch(
        new RegExp(`^KILN_TKR_TIMEOUT_SECONDS must be a whole number\\b.*\\(got "${bad.replace('.', '\\.')}"\\)$`),
      );
      expect(invalid.hint).toBe('set KILN_TKR_TIMEOUT_SECONDS to e.g. 900, or unset it for the default (900)');
      expect(s.requests).toEqual([]);
    }
  });

  it('times out when the TKr never appears, naming the commands to investigate', async () => {
    const s = await setUp({ neverReconciles: true, podRestartMs: 100 });
    const out = recorder();
    const error = await kilnRejectionOf(applyTkrStep(input(tkrSpec({ timeoutSeconds: 1 }), { echo: out.stream, env: {} })));

    expect(error.code).toBe('TKR_TIMEOUT');
    expect(formatError(error)).toBe(
      [
        `TKr ${TKR} did not appear within 1 s (managementCluster.timeoutSeconds in tkrs/custom/tkr.yaml)`,
        `  hint: check that the TKr controller read the ConfigMap: kubectl --context ${CONTEXT} -n tkr-system logs -l control-plane=controller-manager; the TKr: kubectl --context ${CONTEXT} get tkr ${TKR}; raise KILN_TKR_TIMEOUT_SECONDS or managementCluster.timeoutSeconds in tkrs/custom/tkr.yaml if the controller is slow`,
        `  configMap: kubectl --context ${CONTEXT} -n tkr-system get configmap ${TKR} -o yaml`,
      ].join('\n'),
    );
    expect(out.lines().at(-1)).toBe(`[custom] waiting for TKr ${TKR} (elapsed 0m00s)`);
    expect(s.deletedPods).toHaveLength(1);
    expect(s.tkr(TKR)).toBeUndefined();
  });

  it('fails at once when the TKr appears but is not Compatible', async () => {
    await setUp({ incompatible: true, podRestartMs: 100, controllerStartMs: 100 });
    const error = await kilnRejectionOf(applyTkrStep(input(tkrSpec())));

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
    await setUp({ readyDelayMs: 600_000, podRestartMs: 100, controllerStartMs: 100 });
    const error = await kilnRejectionOf(applyTkrStep(input(tkrSpec({ timeoutSeconds: 2 }), { env: {} })));

    expect(error.code).toBe('TKR_NOT_READY');
    expect(formatError(error)).toBe(
      [
        `TKr ${TKR} exists but is not Ready after 2 s (managementCluster.timeoutSeconds in tkrs/custom/tkr.yaml): Ready=False (WaitingForOSImages: OSImages are being resolved), Compatible=True`,
        `  hint: inspect it with: kubectl --context ${CONTEXT} get tkr ${TKR} -o yaml; raise KILN_TKR_TIMEOUT_SECONDS or managementCluster.timeoutSeconds in tkrs/custom/tkr.yaml if its OS images are slow to resolve`,
      ].join('\n'),
    );
  });

  it('fails before any kubectl call when gen-bom has not written the ConfigMap', async () => {
    const s = await setUp({}, false);
    const error = await kilnRejectionOf(applyTkrStep(input(tkrSpec())));

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
    const error = await kilnRejectionOf(applyTkrStep(input(tkrSpec())));

    expect(formatError(error)).toBe(
      [
        `more than one TKr ConfigMap in dist/tkrs/custom/: configmap-${TKR}.yaml, configmap-v1.26.5---vmware.2-tkg.1-old.yaml`,
        '  hint: delete dist/tkrs/custom/ and run nx run custom:gen-bom again',
      ].join('\n'),
    );
    expect(s.requests).toEqual([]);
  });

  it('works against an older API server that serves OpenAPI v2 only', async () => {
    const s = await setUp({ openApiV3: false, podRestartMs: 100, controllerStartMs: 100 });
    expect(await applyTkrStep(input(tkrSpec()))).toContain(`TKr ${TKR} is Ready and Compatible`);
    expect(s.requests.some((r) => r.path === '/openapi/v2')).toBe(true);
    expect(s.requests.filter((r) => r.path.startsWith('/openapi/v3/')).length).toBe(0);
  });
});

describe('osImageVersionFromCluster', () => {
  const seed = (s: KubeApiServer) =>
    s.seedTkr({
      name: 'v1.26.5---vmware.2-tkg.1',
      version: 'v1.26.5+vmware.2-tkg.1',
      kubernetesVersion: 'v1.26.5+vmware.2',
      osImages: [
        {
          name: 'v1.26.5---vmware.2-tkg.1-ami-us-east-1',
          type: 'ami',
          os: { name: 'ubuntu', version: '20.04', arch: 'amd64' },
          id: 'ami-0123456789abcdef0',
          region: 'us-east-1',
        },
        { name: 'v1.26.5---vmware.2-tkg.1-photon', type: 'ova', os: { name: 'photon', version: '3', arch: 'amd64' }, version: PHOTON_OVA },
        {
          name: 'v1.26.5---vmware.2-tkg.1-ubuntu',
          type: 'ova',
          os: { name: 'ubuntu', version: '20.04', arch: 'amd64' },
          version: UBUNTU_OVA,
        },
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
    const error = await kilnRejectionOf(osImageVersionFromCluster({ context: CONTEXT, tkr: 'v1.26.5---vmware.2-tkg.9' }));
    expect(formatError(error)).toBe(
      `TKr v1.26.5---vmware.2-tkg.9 does not exist on context ${CONTEXT}\n  hint: list the TKrs with: kubectl --context ${CONTEXT} get tkr`,
    );
  });

  it('lists the OSImages that exist when none is an OVA of the wanted OS', async () => {
    seed(await setUp());
    const error = await kilnRejectionOf(osImageVersionFromCluster({ context: CONTEXT, tkr: 'v1.26.5---vmware.2-tkg.1', os: 'rhel' }));
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

  const seedTwoUbuntus = (s: KubeApiServer) =>
    s.seedTkr({
      name: 'v1.26.5---vmware.2-tkg.3',
      version: 'v1.26.5+vmware.2-tkg.3',
      kubernetesVersion: 'v1.26.5+vmware.2',
      osImages: [
        { name: 'ubuntu-2004', type: 'ova', os: { name: 'ubuntu', version: '20.04', arch: 'amd64' }, version: UBUNTU_OVA },
        {
          name: 'ubuntu-2204',
          type: 'ova',
          os: { name: 'ubuntu', version: '22.04', arch: 'amd64' },
          version: 'v1.26.5+vmware.2-tkg.1-2204',
        },
      ],
    });

  it('refuses to pick between two OVA versions of the same OS and names --os-version', async () => {
    seedTwoUbuntus(await setUp());
    const error = await kilnRejectionOf(osImageVersionFromCluster({ context: CONTEXT, tkr: 'v1.26.5---vmware.2-tkg.3' }));
    expect(formatError(error)).toBe(
      [
        `TKr v1.26.5---vmware.2-tkg.3 has 2 OVA OSImages for os ubuntu with different versions: ${UBUNTU_OVA}, v1.26.5+vmware.2-tkg.1-2204`,
        '  hint: choose the OS version with --os-version (20.04 or 22.04)',
        '  osImages:',
        `    ubuntu-2004: ova ubuntu 20.04 amd64 ${UBUNTU_OVA}`,
        '    ubuntu-2204: ova ubuntu 22.04 amd64 v1.26.5+vmware.2-tkg.1-2204',
      ].join('\n'),
    );
  });

  it('kiln os-image-version --from-cluster --os-version picks the OVA of that OS version (issue 10, item 6)', async () => {
    seedTwoUbuntus(await setUp());
    const kiln = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [
            join(REPO_ROOT, 'tools/kiln-cli/bin/kiln.js'),
            'os-image-version',
            '--from-cluster',
            '--context',
            CONTEXT,
            '--tkr',
            'v1.26.5---vmware.2-tkg.3',
            ...args,
          ],
          { encoding: 'utf8' },
          (e, stdout, stderr) => resolve({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr }),
        );
      });
    expect(await kiln('--os-version', '20.04')).toEqual({ code: 0, stdout: `${UBUNTU_OVA}\n`, stderr: '' });
    expect(await kiln('--os', 'ubuntu', '--os-version', '22.04')).toEqual({ code: 0, stdout: 'v1.26.5+vmware.2-tkg.1-2204\n', stderr: '' });
    const none = await kiln('--os-version', '24.04');
    expect([none.code, none.stderr.split('\n')[0]]).toEqual([
      1,
      'kiln os-image-version: TKr v1.26.5---vmware.2-tkg.3 has no OVA OSImage for os ubuntu 24.04',
    ]);
  });

  it('says when the TKr lists no OSImages', async () => {
    const s = await setUp();
    s.seedTkr({ name: 'v1.26.5---vmware.2-tkg.2', version: 'v1.26.5+vmware.2-tkg.2', kubernetesVersion: 'v1.26.5+vmware.2', osImages: [] });
    const error = await kilnRejectionOf(osImageVersionFromCluster({ context: CONTEXT, tkr: 'v1.26.5---vmware.2-tkg.2' }));
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
  /** The management cluster of this describe's tests (kept across them; the top-level afterEach closes only `server`). */
  let nxServer: KubeApiServer | undefined;

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
        sigImageVersionId:
          '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/tkg-images/providers/Microsoft.Compute/galleries/tkg_gallery/images/ubuntu-2004-fips/versions/2023.7.1',
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
    for (const [image, record] of Object.entries(published))
      ws.write(`dist/images/${image}/upload/published.json`, JSON.stringify(record, null, 2) + '\n');
  });

  afterAll(async () => {
    await nxServer?.close();
    ws?.dispose();
  });

  it('prints the exact kubectl commands in plan mode, with no not-implemented marker', () => {
    const r = ws.nx(['run', `${PROJECT}:apply-tkr`, '-c', 'plan', '--excludeTaskDependencies']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ns = `$ kubectl --context ${CONTEXT} -n tkr-system`;
    const cluster = `$ kubectl --context ${CONTEXT}`;
    expect(taskOutput(r.stdout, `${PROJECT}:apply-tkr:plan`)).toBe(
      [
        `[plan] apply-tkr ${PROJECT}`,
        `  register the custom TKr on the management cluster ${CONTEXT}`,
        `  ${ns} auth can-i get configmaps    # before any change`,
        `  ${ns} auth can-i patch configmaps    # before any change`,
        `  ${ns} auth can-i create configmaps    # if the ConfigMap does not exist yet; all permissions are checked before any change`,
        `  ${ns} auth can-i list pods    # before any change`,
        `  ${ns} auth can-i delete pods    # before any change`,
        `  ${cluster} auth can-i get tanzukubernetesreleases.run.tanzu.vmware.com --all-namespaces    # before any change`,
        `  ${cluster} auth can-i get osimages.run.tanzu.vmware.com --all-namespaces    # before any change`,
        `  ${ns} get configmap '<tkr name>' -o 'jsonpath={.metadata.resourceVersion}'`,
        `  ${ns} apply --server-side --field-manager=kiln -f 'dist/tkrs/${PROJECT}/configmap-<version>.yaml' -o 'jsonpath={.metadata.resourceVersion}'`,
        `  ${ns} get pods -l control-plane=controller-manager -o json    # find the tkr-controller-manager-* pod, unless the ConfigMap is unchanged and the TKr exists`,
        `  ${ns} delete pod '<tkr-controller-manager-* pod>' --wait=false    # to reconcile at once`,
        `  ${cluster} get tkr '<tkr name>' -o json    # every 5 s until Ready and Compatible (timeout 900 s; KILN_TKR_TIMEOUT_SECONDS overrides)`,
        `  ${cluster} get osimages '<OSImages of the TKr>' -o json    # its images must be exactly the BoM's`,
      ].join('\n'),
    );
  });

  it('registers the TKr gen-bom wrote: apply, controller restart, Ready, applied.json', async () => {
    const gen = ws.nx(['run', `${PROJECT}:gen-bom`, '--excludeTaskDependencies']);
    expect(gen.code, gen.stdout + gen.stderr).toBe(0);
    expect(ws.exists(`dist/tkrs/${PROJECT}/configmap-${TKR}.yaml`)).toBe(true);

    const srv = (nxServer = await startKubeApiServer());
    const kubeconfig = srv.writeKubeconfig(join(tmp, 'nx-kubeconfig'), CONTEXT);
    const pod = srv.controllerPod();
    // Async: the API server answers from this process while Nx runs. No NO_COLOR: Nx sets FORCE_COLOR for tasks
    // and Node warns when both are set.
    const env = { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(tmp, 'kube-cache'), NO_COLOR: undefined };
    const r = await spawnNx(ws, ['run', `${PROJECT}:apply-tkr`, '--excludeTaskDependencies'], env).done;

    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(taskOutput(r.stdout, `${PROJECT}:apply-tkr`)).toBe(
      [
        `[${PROJECT}] configmap/${TKR} serverside-applied`,
        `[${PROJECT}] pod "${pod}" deleted`,
        `[${PROJECT}] waiting for TKr ${TKR} (elapsed 0m00s)`,
        `TKr ${TKR} is Ready and Compatible on ${CONTEXT} with the BoM's images (ConfigMap tkr-system/${TKR}; TKr controller restarted: deleted pod ${pod})`,
      ].join('\n'),
    );
    expect(
      srv
        .apiCalls()
        .filter((c) => !c.includes('selfsubjectaccessreviews'))
        .slice(0, 6),
    ).toEqual([
      `GET ${CM_PATH}`,
      NAMESPACE_PATH,
      `PATCH ${CM_PATH}?fieldManager=kiln`,
      `GET ${PODS_BY_LABEL}`,
      `DELETE /api/v1/namespaces/tkr-system/pods/${pod}`,
      `GET ${TKR_PATH}`,
    ]);
    const cm = srv.configMap('tkr-system', TKR)!;
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
    expect(srv.tkr(TKR)?.spec.version).toBe(VERSION);
  });

  it('stops on a field another manager took over, and nx run <tkr>:apply-tkr --force-conflicts takes it back', async () => {
    expect(nxServer, 'runs after the registration test').toBeDefined();
    const s = nxServer!;
    const kubeconfig = join(tmp, 'nx-kubeconfig');
    const env = { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(tmp, 'kube-cache'), NO_COLOR: undefined };
    // Someone applies an edited copy client-side, as the manual guide does.
    const edited = ws
      .read(`dist/tkrs/${PROJECT}/configmap-${TKR}.yaml`)
      .replace(/bomContent: "[^"]*"/, `bomContent: "${Buffer.from('release:\n  version: edited\n').toString('base64')}"`);
    writeFileSync(join(tmp, 'edited.yaml'), edited);
    const guide = await runKubectl(['--context', CONTEXT, '-n', 'tkr-system', 'apply', '-f', join(tmp, 'edited.yaml')], {
      ...process.env,
      KUBECONFIG: kubeconfig,
    });
    expect(guide.stdout).toBe(`configmap/${TKR} configured\n`);

    const stopped = await spawnNx(ws, ['run', `${PROJECT}:apply-tkr`, '--excludeTaskDependencies'], env).done;
    expect(stopped.code).not.toBe(0);
    expect(stopped.stdout + stopped.stderr).toContain(
      `${PROJECT}: ConfigMap tkr-system/${TKR} on context ${CONTEXT} has fields another field manager owns: .binaryData.bomContent is managed by "kubectl-client-side-apply" (a client-side kubectl apply -f, as in the manual guide)`,
    );
    expect(s.configMap('tkr-system', TKR)!.binaryData.bomContent).toBe(Buffer.from('release:\n  version: edited\n').toString('base64'));

    const forced = await spawnNx(ws, ['run', `${PROJECT}:apply-tkr`, '--excludeTaskDependencies', '--force-conflicts'], env).done;
    expect(forced.code, forced.stdout + forced.stderr).toBe(0);
    expect(s.requests.filter((q) => q.method === 'PATCH' && q.contentType === 'application/apply-patch+yaml').at(-1)?.query.force).toBe(
      'true',
    );
    expect(ws.read(`dist/tkrs/${PROJECT}/configmap-${TKR}.yaml`)).toContain(
      `bomContent: "${s.configMap('tkr-system', TKR)!.binaryData.bomContent}"`,
    );
  });
});
