// The Kubernetes test API server behaves like a real kube-apiserver where Kiln depends on it, checked with the real
// kubectl: apply conflicts between field managers, kubectl's client-side → server-side migration, namespaces that
// must exist, pods that linger Terminating while the Deployment replaces them, the TKr controller's asynchronous and
// create-only work, per-verb RBAC answered the same by SelfSubjectAccessReview, and an OpenAPI v2-only server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@kiln/testing';
import { startKubeApiServer, type KubeApiServer, type KubeApiServerOptions } from './support/kube-api-server';
import { pollUntil, runKubectl } from './support/kubectl-run';

const CONTEXT = 'mgmt-admin@mgmt';
const CM = 'v1.26.5---vmware.2-tkg.1-myorg';
const CM_PATH = `/api/v1/namespaces/tkr-system/configmaps/${CM}`;

const bom = (ova: string) =>
  `release:\n  version: v1.26.5+vmware.2-tkg.1-myorg\nova:\n  - name: ova-ubuntu-2004\n    osinfo: { name: ubuntu, version: "20.04", arch: amd64 }\n    version: ${ova}\n`;
const configMap = (ova: string, namespace = 'tkr-system') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${CM}\n  namespace: ${namespace}\n  labels:\n    tanzuKubernetesRelease: ${CM}\nbinaryData:\n  bomContent: "${Buffer.from(bom(ova)).toString('base64')}"\n`;

let tmp: string;
let server: KubeApiServer | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  tmp = tempDir('kiln-kube-server-');
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setUp(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  server = await startKubeApiServer(options);
  env = { ...process.env, KUBECONFIG: server.writeKubeconfig(join(tmp, 'kubeconfig'), CONTEXT), KUBECACHEDIR: join(tmp, 'kube-cache') };
  return server;
}

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const kubectl = (...args: string[]) => runKubectl(['--context', CONTEXT, ...args], env);
const managers = (s: KubeApiServer) =>
  (s.configMap('tkr-system', CM)!.metadata.managedFields as { manager: string; operation: string; fieldsV1: object }[]).map((m) => [
    m.manager,
    m.operation,
    m.fieldsV1,
  ]);
const bomOf = (s: KubeApiServer) => Buffer.from(s.configMap('tkr-system', CM)!.binaryData.bomContent as string, 'base64').toString('utf8');

describe('server-side apply and field managers', () => {
  it('rejects an apply that changes a field another manager owns with 409 Conflict naming it, and takes it over with --force-conflicts', async () => {
    const s = await setUp();
    expect((await kubectl('-n', 'tkr-system', 'apply', '-f', file('old.yaml', configMap('v-old')))).stdout).toBe(
      `configmap/${CM} created\n`,
    );
    expect(managers(s)).toEqual([
      [
        'kubectl-client-side-apply',
        'Update',
        {
          'f:binaryData': { '.': {}, 'f:bomContent': {} },
          'f:metadata': {
            'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} },
            'f:labels': { '.': {}, 'f:tanzuKubernetesRelease': {} },
          },
        },
      ],
    ]);

    const apply = ['-n', 'tkr-system', 'apply', '--server-side', '--field-manager=kiln', '-f', file('new.yaml', configMap('v-new'))];
    const conflict = await kubectl(...apply);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr.split('\n')[0]).toBe(
      'error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .binaryData.bomContent',
    );
    expect(bomOf(s)).toBe(bom('v-old'));

    const forced = await kubectl(...apply, '--force-conflicts');
    expect([forced.code, forced.stdout]).toEqual([0, `configmap/${CM} serverside-applied\n`]);
    expect(bomOf(s)).toBe(bom('v-new'));
    expect(managers(s)).toEqual([
      ['kiln', 'Apply', { 'f:binaryData': { 'f:bomContent': {} }, 'f:metadata': { 'f:labels': { 'f:tanzuKubernetesRelease': {} } } }],
    ]);
  });

  it('conflicts between two server-side appliers only where their values differ, and lists every field per manager', async () => {
    const s = await setUp();
    const apply = (manager: string, name: string, text: string) =>
      kubectl('-n', 'tkr-system', 'apply', '--server-side', `--field-manager=${manager}`, '-f', file(name, text));
    expect((await apply('first', 'a.yaml', configMap('v-a'))).code).toBe(0);
    // The same values: shared ownership, no conflict.
    expect((await apply('second', 'a2.yaml', configMap('v-a'))).code).toBe(0);
    expect(managers(s).map(([m]) => m)).toEqual(['first', 'second']);
    const changed = configMap('v-b').replace(`tanzuKubernetesRelease: ${CM}`, 'tanzuKubernetesRelease: other');
    const r = await apply('second', 'b.yaml', changed);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').slice(0, 3)).toEqual([
      'error: Apply failed with 2 conflicts: conflicts with "first":',
      '- .binaryData.bomContent',
      '- .metadata.labels.tanzuKubernetesRelease',
    ]);
  });

  it("migrates a client-side-applied object to the server-side applier (kubectl's JSON patch of managedFields) when the values agree", async () => {
    const s = await setUp();
    await kubectl('-n', 'tkr-system', 'apply', '-f', file('cm.yaml', configMap('v-same')));
    s.clearRequests();
    const r = await kubectl(
      '-n',
      'tkr-system',
      'apply',
      '--server-side',
      '--field-manager=kiln',
      '-f',
      file('cm.yaml', configMap('v-same')),
    );
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(s.requests.filter((q) => q.method === 'PATCH').map((q) => [q.contentType, q.query.force])).toEqual([
      ['application/apply-patch+yaml', 'false'],
      ['application/json-patch+json', undefined],
      ['application/apply-patch+yaml', 'false'],
    ]);
    expect(managers(s)).toEqual([
      ['kiln', 'Apply', { 'f:binaryData': { 'f:bomContent': {} }, 'f:metadata': { 'f:labels': { 'f:tanzuKubernetesRelease': {} } } }],
    ]);
    // The last-applied annotation only the client-side manager owned is gone after the re-sent apply.
    expect(s.configMap('tkr-system', CM)!.metadata.annotations).toBeUndefined();
  });

  it('does not bump resourceVersion for an apply that changes nothing', async () => {
    const s = await setUp();
    const apply = () =>
      kubectl('-n', 'tkr-system', 'apply', '--server-side', '--field-manager=kiln', '-f', file('cm.yaml', configMap('v-1')));
    await apply();
    const version = s.configMap('tkr-system', CM)!.metadata.resourceVersion;
    await apply();
    expect(s.configMap('tkr-system', CM)!.metadata.resourceVersion).toBe(version);
  });
});

describe('namespaces', () => {
  it('refuses to create an object in a namespace that does not exist (404 NotFound namespace), client- or server-side', async () => {
    const s = await setUp();
    const cm = file('typo.yaml', configMap('v-1', 'tkr-sytem'));
    for (const args of [
      ['apply', '-f', cm],
      ['apply', '--server-side', '--field-manager=kiln', '-f', cm],
    ]) {
      const r = await kubectl('-n', 'tkr-sytem', ...args);
      expect([r.code, r.stderr]).toEqual([
        1,
        expect.stringMatching(/^Error from server \(NotFound\): (error when creating "[^"]+": )?namespaces "tkr-sytem" not found\n$/),
      ]);
    }
    expect((await kubectl('get', 'namespaces', '-o', 'name')).stdout.split('\n').filter(Boolean)).toEqual([
      'namespace/default',
      'namespace/kube-node-lease',
      'namespace/kube-public',
      'namespace/kube-system',
      'namespace/tkg-system',
      'namespace/tkr-system',
    ]);
    // Reading from a missing namespace is just "not found"; kubectl 1.32 then looks the namespace up and names it.
    s.clearRequests();
    expect((await kubectl('-n', 'tkr-sytem', 'get', 'configmap', CM)).stderr).toBe(
      'Error from server (NotFound): namespaces "tkr-sytem" not found\n',
    );
    expect(s.apiCalls()).toEqual([`GET /api/v1/namespaces/tkr-sytem/configmaps/${CM}`, 'GET /api/v1/namespaces/tkr-sytem']);
    expect(s.configMap('tkr-sytem', CM)).toBeUndefined();
  });
});

describe('the tkr-controller-manager Deployment and the TKr controller', () => {
  it('keeps a deleted pod Terminating, starts the replacement a moment later, and the controller creates the TKr after it started', async () => {
    const s = await setUp({ podRestartMs: 500, controllerStartMs: 500, podTerminationMs: 2500 });
    await kubectl('-n', 'tkr-system', 'apply', '--server-side', '--field-manager=kiln', '-f', file('cm.yaml', configMap('v-1')));
    const old = s.controllerPod()!;
    const deleted = Date.now();
    expect((await kubectl('-n', 'tkr-system', 'delete', 'pod', old, '--wait=false')).stdout).toBe(`pod "${old}" deleted\n`);

    const listed = await kubectl('-n', 'tkr-system', 'get', 'pods', '-l', 'control-plane=controller-manager', '-o', 'json');
    const pods = (JSON.parse(listed.stdout) as { items: { metadata: { name: string; deletionTimestamp?: string } }[] }).items;
    expect(pods.find((p) => p.metadata.name === old)?.metadata.deletionTimestamp).toBeDefined();
    expect(s.tkr(CM)).toBeUndefined();

    await pollUntil(() => s.controllerPod() !== undefined, 3000, 'the replacement pod');
    expect(Date.now() - deleted).toBeGreaterThanOrEqual(500);
    expect(s.controllerPod()).not.toBe(old);
    await pollUntil(() => s.tkr(CM) !== undefined, 3000, 'the TKr');
    expect(Date.now() - deleted).toBeGreaterThanOrEqual(1000);
    expect(s.pods().find((p) => p.name === old)).toEqual({ name: old, terminating: true });
    await pollUntil(() => !s.pods().some((p) => p.name === old), 5000, 'the old pod going away');
    expect(Date.now() - deleted).toBeGreaterThanOrEqual(2500);
  });

  it('never rebuilds a TKr that exists from a changed ConfigMap', async () => {
    const s = await setUp({ podRestartMs: 100, controllerStartMs: 100 });
    const apply = (ova: string) =>
      kubectl('-n', 'tkr-system', 'apply', '--server-side', '--field-manager=kiln', '-f', file('cm.yaml', configMap(ova)));
    const bounce = async () => {
      const pod = s.controllerPod()!;
      await kubectl('-n', 'tkr-system', 'delete', 'pod', pod, '--wait=false');
      await pollUntil(() => s.controllerPod() !== undefined && s.controllerPod() !== pod, 3000, 'the replacement pod');
      await sleep(400);
    };
    const ovaOf = () => s.osImage((s.tkr(CM)!.spec.osImages as { name: string }[])[0]!.name)!.spec.image.ref.version;
    await apply('v-first');
    await bounce();
    expect(ovaOf()).toBe('v-first');
    await apply('v-second');
    await bounce();
    expect(bomOf(s)).toBe(bom('v-second'));
    expect(ovaOf()).toBe('v-first');
  });
});

describe('RBAC per verb and resource', () => {
  it('answers kubectl auth can-i exactly as it enforces requests', async () => {
    const s = await setUp({ deny: ['list pods', 'patch configmaps', 'get osimages'] });
    const cases: [string, string, boolean][] = [
      ['list', 'pods', false],
      ['get', 'pods', true],
      ['delete', 'pods', true],
      ['patch', 'configmaps', false],
      ['get', 'configmaps', true],
      ['get', 'osimages.run.tanzu.vmware.com', false],
      ['get', 'tanzukubernetesreleases.run.tanzu.vmware.com', true],
    ];
    for (const [verb, resource, allowed] of cases) {
      const r = await kubectl('-n', 'tkr-system', 'auth', 'can-i', verb, resource);
      expect([verb, resource, r.code, r.stdout.trim()]).toEqual([verb, resource, allowed ? 0 : 1, allowed ? 'yes' : 'no']);
    }
    expect((await kubectl('-n', 'tkr-system', 'get', 'pods')).stderr).toBe(
      'Error from server (Forbidden): pods is forbidden: User "kiln-e2e" cannot list resource "pods" in API group "" in the namespace "tkr-system"\n',
    );
    expect((await kubectl('-n', 'tkr-system', 'get', 'pod', s.controllerPod()!)).code).toBe(0);
    const apply = await kubectl(
      '-n',
      'tkr-system',
      'apply',
      '--server-side',
      '--field-manager=kiln',
      '-f',
      file('cm.yaml', configMap('v-1')),
    );
    expect(apply.stderr).toBe(
      `Error from server (Forbidden): configmaps "${CM}" is forbidden: User "kiln-e2e" cannot patch resource "configmaps" in API group "" in the namespace "tkr-system"\n`,
    );
    expect((await kubectl('get', 'osimages', 'x')).stderr).toBe(
      'Error from server (Forbidden): osimages.run.tanzu.vmware.com "x" is forbidden: User "kiln-e2e" cannot get resource "osimages" in API group "run.tanzu.vmware.com" at the cluster scope\n',
    );
    expect(s.configMap('tkr-system', CM)).toBeUndefined();
  });

  it('needs create as well as patch when a server-side apply creates the object', async () => {
    const s = await setUp({ deny: ['create configmaps'] });
    const r = await kubectl('-n', 'tkr-system', 'apply', '--server-side', '--field-manager=kiln', '-f', file('cm.yaml', configMap('v-1')));
    expect(r.stderr).toContain(`cannot create resource "configmaps"`);
    expect(s.configMap('tkr-system', CM)).toBeUndefined();
  });
});

describe('an older server without OpenAPI v3', () => {
  it('serves OpenAPI v2 (protobuf) only, and kubectl still applies server-side', async () => {
    const s = await setUp({ openApiV3: false });
    const r = await kubectl('-n', 'tkr-system', 'apply', '--server-side', '--field-manager=kiln', '-f', file('cm.yaml', configMap('v-1')));
    expect([r.code, r.stdout, r.stderr]).toEqual([0, `configmap/${CM} serverside-applied\n`, '']);
    const openapi = s.requests.filter((q) => q.path.startsWith('/openapi/'));
    expect(openapi.map((q) => q.path)).toContain('/openapi/v2');
    expect(openapi.find((q) => q.path === '/openapi/v2')?.accept).toContain('application/com.github.proto-openapi.spec.v2');
    expect((await runKubectl(['--context', CONTEXT, 'get', '--raw', '/openapi/v3'], env)).code).toBe(1);
    expect(JSON.parse((await kubectl('get', '--raw', '/version')).stdout).gitVersion).toBe('v1.23.8+vmware.2');
    expect(s.configMap('tkr-system', CM)?.metadata.managedFields[0].manager).toBe('kiln');
    expect(s.requests.find((q) => q.method === 'PATCH')?.path).toBe(CM_PATH);
  });
});
