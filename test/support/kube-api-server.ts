// A small Kubernetes API server for tests that real kubectl talks to: discovery, OpenAPI v3, ConfigMaps (with
// server-side apply), pods, TanzuKubernetesReleases and OSImages, and a simulated TKr controller.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export const TKR_GROUP = 'run.tanzu.vmware.com';
export const TKR_VERSION = 'v1alpha3';
const TKR_API = `${TKR_GROUP}/${TKR_VERSION}`;
const TKR_PREFIX = `/apis/${TKR_API}`;
export const TKR_NAMESPACE = 'tkr-system';
/** The labels of the tkr-controller-manager Deployment's pods (kubebuilder scaffold). */
export const CONTROLLER_LABELS = { 'control-plane': 'controller-manager' };
export const TEST_USER = 'kiln-e2e';

export interface KubeApiServerOptions {
  /** ms from a TKr ConfigMap's apply to the controller's periodic reconcile (default 600 000, like the real 600 s). */
  reconcileDelayMs?: number;
  /** ms from a TKr's creation until its Ready condition is True (default 0). */
  readyDelayMs?: number;
  /** The controller never creates TKrs (neither periodically nor when its pod restarts). */
  neverReconciles?: boolean;
  /** Every ConfigMap request is denied with 403 Forbidden (RBAC denial). */
  denyConfigMaps?: boolean;
  /** The TKrs the controller creates report Compatible=False. */
  incompatible?: boolean;
  /** Namespace the controller pods live in and whose ConfigMaps it reads (default tkr-system). */
  controllerNamespace?: string;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  fieldManager?: string;
}

export interface OSImageSeed {
  name: string;
  os: { name: string; version: string; arch: string };
  type: 'ova' | 'ami' | 'azure';
  /** spec.image.ref.version (OVA) */
  version?: string;
  /** spec.image.ref.id (AMI) */
  id?: string;
  region?: string;
}

export interface TkrSeed {
  name: string;
  version: string;
  kubernetesVersion: string;
  osImages: OSImageSeed[];
}

type KubeObject = Record<string, any>;

export interface KubeApiServer {
  url: string;
  /** Every request, in order. */
  readonly requests: RecordedRequest[];
  /** Requests other than discovery and OpenAPI, as `METHOD path?query-of-interest`. */
  apiCalls(): string[];
  clearRequests(): void;
  /** Current name of the tkr-controller-manager pod. */
  controllerPod(): string;
  /** Names of every controller pod deleted so far, in order. */
  readonly deletedPods: string[];
  configMap(namespace: string, name: string): KubeObject | undefined;
  tkr(name: string): KubeObject | undefined;
  seedTkr(seed: TkrSeed): void;
  /** Writes a kubeconfig whose `context` points at this server; returns the path. */
  writeKubeconfig(file: string, context: string): string;
  close(): Promise<void>;
}

const CORE_RESOURCES = [
  { name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', shortNames: ['cm'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
  { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
];
const CRD_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const TKR_RESOURCES = [
  { name: 'osimages', singularName: 'osimage', namespaced: false, kind: 'OSImage', verbs: CRD_VERBS },
  { name: 'tanzukubernetesreleases', singularName: 'tanzukubernetesrelease', namespaced: false, kind: 'TanzuKubernetesRelease', shortNames: ['tkr'], verbs: CRD_VERBS },
  { name: 'tanzukubernetesreleases/status', singularName: '', namespaced: false, kind: 'TanzuKubernetesRelease', verbs: ['get', 'patch', 'update'] },
];

const GVK: Record<string, { group: string; version: string; kind: string }> = {
  configmaps: { group: '', version: 'v1', kind: 'ConfigMap' },
  namespaces: { group: '', version: 'v1', kind: 'Namespace' },
  pods: { group: '', version: 'v1', kind: 'Pod' },
  osimages: { group: TKR_GROUP, version: TKR_VERSION, kind: 'OSImage' },
  tanzukubernetesreleases: { group: TKR_GROUP, version: TKR_VERSION, kind: 'TanzuKubernetesRelease' },
};

/** OpenAPI v3 for one group-version: a PATCH operation per kind that accepts fieldValidation (server-side validation). */
function openApiV3(prefix: string, resources: { name: string; namespaced: boolean; kind: string }[]): object {
  const paths: Record<string, object> = {};
  for (const r of resources) {
    if (r.name.includes('/')) continue;
    const gvk = GVK[r.name]!;
    const path = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.name}/{name}` : `${prefix}/${r.name}/{name}`;
    paths[path] = {
      patch: {
        operationId: `patch${r.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } },
        ],
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.26.5+vmware.2' }, paths, components: { schemas: {} } };
}

const DISCOVERY = /^\/(api|api\/v1|apis|apis\/[^/]+|apis\/[^/]+\/[^/]+|version|openapi\/.*)$/;

function status(code: number, reason: string, message: string, details?: object): KubeObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

function notFound(resource: string, name: string): KubeObject {
  const gvk = GVK[resource]!;
  const qualified = gvk.group ? `${resource}.${gvk.group}` : resource;
  return status(404, 'NotFound', `${qualified} "${name}" not found`, { name, ...(gvk.group ? { group: gvk.group } : {}), kind: resource });
}

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** `a=b,c=d` / `a==b` / `a!=b` equality selectors, the only kind Kiln uses. */
function matchesSelector(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const neq = /^([^!=]+)!=(.*)$/.exec(term);
    if (neq) return labels?.[neq[1]!.trim()] !== neq[2]!.trim();
    const eq = /^([^=]+)==?(.*)$/.exec(term);
    if (eq) return labels?.[eq[1]!.trim()] === eq[2]!.trim();
    return labels?.[term.trim()] !== undefined;
  });
}

function matchesFieldSelector(obj: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const m = /^metadata\.(name|namespace)==?(.*)$/.exec(term);
    return !m || obj.metadata?.[m[1]!] === m[2];
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const controllerNs = options.controllerNamespace ?? TKR_NAMESPACE;
  const reconcileDelayMs = options.reconcileDelayMs ?? 600_000;
  const readyDelayMs = options.readyDelayMs ?? 0;
  const requests: RecordedRequest[] = [];
  const deletedPods: string[] = [];
  const store = new Map<string, KubeObject>();
  const createdAt = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let resourceVersion = 1000;
  let podGeneration = 0;
  let uidCounter = 0;

  const key = (resource: string, namespace: string | undefined, name: string) => `${resource}/${namespace ?? ''}/${name}`;
  const nextVersion = () => String(++resourceVersion);
  const newMeta = (name: string, namespace?: string, extra: KubeObject = {}): KubeObject => ({
    name,
    ...(namespace ? { namespace } : {}),
    uid: `00000000-0000-4000-8000-${String(++uidCounter).padStart(12, '0')}`,
    resourceVersion: nextVersion(),
    creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    ...extra,
  });
  const put = (resource: string, obj: KubeObject) => store.set(key(resource, obj.metadata.namespace, obj.metadata.name), obj);

  const addPod = (name: string, labels: Record<string, string>) =>
    put('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: newMeta(name, controllerNs, { labels, generateName: name.replace(/[^-]+$/, '') }),
      spec: { containers: [{ name: 'manager', image: 'projects.registry.vmware.com/tkg/tanzu_core/tkr/tkr-controller-manager:v0.30.2' }] },
      status: { phase: 'Running' },
    });
  const templateHash = hash('tkr-controller-manager', 10);
  const startControllerPod = () => {
    const name = `tkr-controller-manager-${templateHash}-${hash(`pod-${++podGeneration}`, 5)}`;
    addPod(name, { ...CONTROLLER_LABELS, 'pod-template-hash': templateHash });
    return name;
  };
  let controllerPod = startControllerPod();
  // Another controller in the namespace, so a lookup by a loose name prefix or a missing label would be caught.
  addPod(`tkr-status-controller-manager-${hash('status', 10)}-${hash('status-pod', 5)}`, { app: 'tkr-status-controller' });

  const osImageObject = (seed: OSImageSeed, kubernetesVersion: string): KubeObject => ({
    apiVersion: TKR_API,
    kind: 'OSImage',
    metadata: newMeta(seed.name, undefined, { labels: { 'image-type': seed.type, 'os-name': seed.os.name, 'os-arch': seed.os.arch } }),
    spec: {
      kubernetesVersion,
      os: { type: 'linux', name: seed.os.name, version: seed.os.version, arch: seed.os.arch },
      image: {
        type: seed.type,
        ref: seed.type === 'ami' ? { id: seed.id, region: seed.region } : { name: `${seed.type}-${seed.os.name}`, version: seed.version },
      },
    },
  });

  const seedTkr = (seed: TkrSeed) => {
    for (const image of seed.osImages) put('osimages', osImageObject(image, seed.kubernetesVersion));
    put('tanzukubernetesreleases', {
      apiVersion: TKR_API,
      kind: 'TanzuKubernetesRelease',
      metadata: newMeta(seed.name, undefined, { generation: 1, labels: { [seed.name]: '' } }),
      spec: {
        version: seed.version,
        kubernetes: { version: seed.kubernetesVersion, imageRepository: 'projects.registry.vmware.com/tkg' },
        osImages: seed.osImages.map((i) => ({ name: i.name })),
        bootstrapPackages: [],
      },
    });
    createdAt.set(seed.name, Date.now());
  };

  /** What the TKr controller does with one BoM ConfigMap: a TKr named after release.version plus its OSImages. */
  const reconcileConfigMap = (cm: KubeObject) => {
    const content = cm.binaryData?.bomContent;
    if (typeof content !== 'string') return;
    const bom = parseYaml(Buffer.from(content, 'base64').toString('utf8')) as KubeObject;
    const version = bom?.release?.version;
    if (typeof version !== 'string') return;
    const name = version.replace(/\+/g, '---');
    if (store.has(key('tanzukubernetesreleases', undefined, name))) return;
    const kubernetesVersion = String(bom.components?.kubernetes?.[0]?.version ?? version.replace(/-tkg\..*$/, ''));
    const images: OSImageSeed[] = [];
    for (const ova of (bom.ova ?? []) as KubeObject[]) {
      images.push({ name: `${name}-${hash(JSON.stringify(ova), 10)}`, type: 'ova', os: ova.osinfo, version: ova.version });
    }
    for (const [region, amis] of Object.entries((bom.ami ?? {}) as Record<string, KubeObject[]>)) {
      for (const ami of amis) images.push({ name: `${name}-${hash(`${region}/${JSON.stringify(ami)}`, 10)}`, type: 'ami', os: ami.osinfo, id: ami.id, region });
    }
    seedTkr({ name, version, kubernetesVersion, osImages: images });
  };
  const reconcile = () => {
    if (options.neverReconciles) return;
    for (const [k, obj] of store) {
      if (k.startsWith(`configmaps/${controllerNs}/`) && obj.metadata.labels?.tanzuKubernetesRelease) reconcileConfigMap(obj);
    }
  };
  const scheduleReconcile = () => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      reconcile();
    }, reconcileDelayMs);
    timer.unref();
    timers.add(timer);
  };

  /** The TKr as read now: its conditions follow its age and the compatibility knob. */
  const withStatus = (tkr: KubeObject): KubeObject => {
    const created = createdAt.get(tkr.metadata.name) ?? 0;
    const ready = !options.incompatible && Date.now() - created >= readyDelayMs;
    const since = new Date(created).toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = (type: string, ok: boolean, reason: string, message: string) =>
      ok ? { type, status: 'True', lastTransitionTime: since } : { type, status: 'False', severity: 'Warning', reason, message, lastTransitionTime: since };
    return {
      ...tkr,
      status: {
        conditions: [
          condition('Compatible', !options.incompatible, 'NotCompatible', `TKr ${tkr.metadata.name} is not compatible with this management cluster's TKG version`),
          condition('Ready', ready, options.incompatible ? 'NotCompatible' : 'WaitingForOSImages', options.incompatible ? 'not compatible' : 'OSImages are being resolved'),
        ],
      },
    };
  };

  const present = (resource: string, obj: KubeObject) => (resource === 'tanzukubernetesreleases' ? withStatus(obj) : obj);
  const list = (resource: string, namespace: string | undefined, query: Record<string, string>) => {
    const gvk = GVK[resource]!;
    const items = [...store.entries()]
      .filter(([k]) => k.startsWith(namespace === undefined ? `${resource}/` : `${resource}/${namespace}/`))
      .map(([, o]) => o)
      .filter((o) => matchesSelector(o.metadata.labels, query.labelSelector) && matchesFieldSelector(o, query.fieldSelector))
      .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)))
      .map((o) => present(resource, o));
    return { apiVersion: gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, kind: `${gvk.kind}List`, metadata: { resourceVersion: String(resourceVersion) }, items };
  };

  const forbidden = (verb: string, name: string | undefined, namespace: string) =>
    status(
      403,
      'Forbidden',
      `configmaps${name ? ` "${name}"` : ''} is forbidden: User "${TEST_USER}" cannot ${verb} resource "configmaps" in API group "" in the namespace "${namespace}"`,
      { ...(name ? { name } : {}), kind: 'configmaps' },
    );

  /** Server-side apply of a ConfigMap: creates it or replaces the fields the manager applies. */
  const applyConfigMap = (namespace: string, name: string, body: KubeObject, fieldManager: string): { code: number; obj: KubeObject } => {
    const k = key('configmaps', namespace, name);
    const existing = store.get(k);
    const managed = [{ manager: fieldManager, operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', time: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }];
    const applied = {
      labels: body.metadata?.labels,
      annotations: body.metadata?.annotations,
      data: body.data,
      binaryData: body.binaryData,
    };
    if (!existing) {
      const obj = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: newMeta(name, namespace, { ...(applied.labels ? { labels: applied.labels } : {}), ...(applied.annotations ? { annotations: applied.annotations } : {}), managedFields: managed }),
        ...(applied.data ? { data: applied.data } : {}),
        ...(applied.binaryData ? { binaryData: applied.binaryData } : {}),
      };
      store.set(k, obj);
      return { code: 201, obj };
    }
    const next = {
      ...existing,
      metadata: { ...existing.metadata, labels: applied.labels, annotations: applied.annotations, managedFields: managed },
      data: applied.data,
      binaryData: applied.binaryData,
    };
    const same = JSON.stringify([existing.metadata.labels, existing.metadata.annotations, existing.data, existing.binaryData]) === JSON.stringify([applied.labels, applied.annotations, applied.data, applied.binaryData]);
    if (!same) next.metadata.resourceVersion = nextVersion();
    else next.metadata.managedFields = existing.metadata.managedFields;
    const clean = JSON.parse(JSON.stringify(next)) as KubeObject;
    store.set(k, clean);
    return { code: 200, obj: clean };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const contentType = req.headers['content-type'];
    requests.push({ method: req.method ?? 'GET', path, query, ...(contentType ? { contentType } : {}), ...(query.fieldManager ? { fieldManager: query.fieldManager } : {}) });
    const body = await readBody(req);
    const send = (code: number, obj: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    const method = req.method ?? 'GET';

    // Discovery (legacy, unaggregated: kubectl falls back to it) and OpenAPI v3.
    if (method === 'GET') {
      const host = req.headers.host ?? '127.0.0.1';
      switch (path) {
        case '/version':
          return send(200, { major: '1', minor: '26', gitVersion: 'v1.26.5+vmware.2', platform: 'linux/amd64' });
        case '/api':
          return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] });
        case '/api/v1':
          return send(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: CORE_RESOURCES });
        case '/apis': {
          const gv = { groupVersion: TKR_API, version: TKR_VERSION };
          return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: TKR_GROUP, versions: [gv], preferredVersion: gv }] });
        }
        case `/apis/${TKR_GROUP}`: {
          const gv = { groupVersion: TKR_API, version: TKR_VERSION };
          return send(200, { kind: 'APIGroup', apiVersion: 'v1', name: TKR_GROUP, versions: [gv], preferredVersion: gv });
        }
        case TKR_PREFIX:
          return send(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: TKR_API, resources: TKR_RESOURCES });
        case '/openapi/v3':
          return send(200, {
            paths: {
              'api/v1': { serverRelativeURL: `/openapi/v3/api/v1?hash=${hash('core', 16).toUpperCase()}` },
              [`apis/${TKR_API}`]: { serverRelativeURL: `/openapi/v3/apis/${TKR_API}?hash=${hash('tkr', 16).toUpperCase()}` },
            },
          });
        case '/openapi/v3/api/v1':
          return send(200, openApiV3('/api/v1', CORE_RESOURCES));
        case `/openapi/v3/apis/${TKR_API}`:
          return send(200, openApiV3(TKR_PREFIX, TKR_RESOURCES));
      }
    }

    const core = /^\/api\/v1\/namespaces\/([^/]+)\/(configmaps|pods)(?:\/([^/]+))?$/.exec(path);
    const crd = new RegExp(`^${TKR_PREFIX}/(tanzukubernetesreleases|osimages)(?:/([^/]+))?$`).exec(path);
    if (!core && !crd) return send(404, status(404, 'NotFound', 'the server could not find the requested resource', {}));
    const [resource, namespace, name] = core ? [core[2]!, core[1]!, core[3]] : [crd![1]!, undefined, crd![2]];
    const verb = { GET: name ? 'get' : 'list', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ?? method.toLowerCase();
    if (resource === 'configmaps' && options.denyConfigMaps) return send(403, forbidden(verb, name, namespace!));
    if (query.watch === 'true' || query.watch === '1') return send(405, status(405, 'MethodNotAllowed', 'watch is not supported by the test API server'));

    if (!name) {
      if (method === 'GET') return send(200, list(resource, namespace, query));
      if (method === 'POST' && resource === 'configmaps') {
        const obj = parseYaml(body) as KubeObject;
        const objName = obj.metadata?.name as string;
        if (store.has(key(resource, namespace, objName))) return send(409, status(409, 'AlreadyExists', `configmaps "${objName}" already exists`, { name: objName, kind: 'configmaps' }));
        const created = { ...obj, apiVersion: 'v1', kind: 'ConfigMap', metadata: newMeta(objName, namespace, { labels: obj.metadata?.labels, annotations: obj.metadata?.annotations }) };
        put(resource, created);
        if (namespace === controllerNs && created.metadata.labels?.tanzuKubernetesRelease) scheduleReconcile();
        return send(201, created);
      }
      return send(405, status(405, 'MethodNotAllowed', `${method} is not supported on ${path}`));
    }

    const k = key(resource, namespace, name);
    const existing = store.get(k);
    switch (method) {
      case 'GET':
        return existing ? send(200, present(resource, existing)) : send(404, notFound(resource, name));
      case 'PATCH': {
        if (resource !== 'configmaps' || contentType !== 'application/apply-patch+yaml') {
          return send(415, status(415, 'UnsupportedMediaType', `the test API server only supports server-side apply of configmaps, not ${contentType} on ${resource}`));
        }
        if (!query.fieldManager) return send(422, status(422, 'Invalid', 'fieldManager is required for apply requests'));
        const obj = parseYaml(body) as KubeObject;
        const result = applyConfigMap(namespace!, name, obj, query.fieldManager);
        if (namespace === controllerNs && result.obj.metadata.labels?.tanzuKubernetesRelease) scheduleReconcile();
        return send(result.code, result.obj);
      }
      case 'PUT': {
        if (resource !== 'configmaps') return send(405, status(405, 'MethodNotAllowed', `PUT is not supported on ${resource}`));
        if (!existing) return send(404, notFound(resource, name));
        const obj = parseYaml(body) as KubeObject;
        const updated = { ...obj, metadata: { ...existing.metadata, labels: obj.metadata?.labels, annotations: obj.metadata?.annotations, resourceVersion: nextVersion() } };
        put(resource, updated);
        return send(200, updated);
      }
      case 'DELETE': {
        if (!existing) return send(404, notFound(resource, name));
        store.delete(k);
        if (resource === 'pods' && name === controllerPod) {
          deletedPods.push(name);
          controllerPod = startControllerPod();
          reconcile();
        } else if (resource === 'pods') {
          deletedPods.push(name);
        }
        if (resource === 'pods') return send(200, { ...existing, metadata: { ...existing.metadata, deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), deletionGracePeriodSeconds: 0 } });
        return send(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, kind: resource, uid: existing.metadata.uid } });
      }
    }
    return send(405, status(405, 'MethodNotAllowed', `${method} is not supported on ${path}`));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(status(500, 'InternalError', String(error))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    apiCalls: () =>
      requests
        .filter((r) => !DISCOVERY.test(r.path))
        .map((r) => {
          const interesting = ['fieldManager', 'labelSelector', 'fieldSelector'].filter((q) => r.query[q] !== undefined).map((q) => `${q}=${r.query[q]}`);
          return `${r.method} ${r.path}${interesting.length ? `?${interesting.join('&')}` : ''}`;
        }),
    clearRequests: () => {
      requests.length = 0;
    },
    controllerPod: () => controllerPod,
    deletedPods,
    configMap: (namespace, name) => store.get(key('configmaps', namespace, name)),
    tkr: (name) => {
      const obj = store.get(key('tanzukubernetesreleases', undefined, name));
      return obj && withStatus(obj);
    },
    seedTkr,
    writeKubeconfig(file, context) {
      const cluster = `${context}-cluster`;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(
        file,
        stringifyYaml({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: cluster, cluster: { server: url } }],
          users: [{ name: TEST_USER, user: {} }],
          contexts: [{ name: context, context: { cluster, user: TEST_USER } }],
          'current-context': context,
        }),
        { mode: 0o600 },
      );
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
