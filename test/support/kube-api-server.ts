// A small Kubernetes API server for tests that real kubectl talks to, harsh where a real one is: discovery and
// OpenAPI (v3, or v2 only like an older server), namespaces that must exist, ConfigMaps with field ownership
// (server-side apply conflicts, client-side apply, kubectl's migration patch), per-verb RBAC answered the same by
// SelfSubjectAccessReview, pods that linger Terminating while the Deployment recreates them, TanzuKubernetesReleases
// and OSImages, and a TKr controller that works asynchronously and never rebuilds a TKr that exists.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { conflictStatus, now, recordUpdate, serverSideApply } from './kube-field-manager';
import { openApiV2Protobuf, openApiV3, type OpenApiResource } from './kube-openapi';
import { messageOf, stringOf, unwrapK8sProtobuf } from './kube-protobuf';

export const TKR_GROUP = 'run.tanzu.vmware.com';
export const TKR_VERSION = 'v1alpha3';
const TKR_API = `${TKR_GROUP}/${TKR_VERSION}`;
const TKR_PREFIX = `/apis/${TKR_API}`;
const AUTHZ_API = 'authorization.k8s.io/v1';
export const TKR_NAMESPACE = 'tkr-system';
/** The labels of the tkr-controller-manager Deployment's pods (kubebuilder scaffold). */
export const CONTROLLER_LABELS = { 'control-plane': 'controller-manager' };
export const TEST_USER = 'kiln-e2e';
export const DEFAULT_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'tkg-system', TKR_NAMESPACE];
const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export interface KubeApiServerOptions {
  /** ms from a TKr ConfigMap's apply to the controller's periodic reconcile (default 600 000, like the real 600 s). */
  reconcileDelayMs?: number;
  /** ms from a TKr's creation until its Ready condition is True (default 0). */
  readyDelayMs?: number;
  /** The controller never creates TKrs (neither periodically nor when its pod restarts). */
  neverReconciles?: boolean;
  /** RBAC: what the test user may NOT do, as "verb resource" ("*" for any), e.g. ["list pods", "* configmaps"]. */
  deny?: string[];
  /** The TKrs the controller creates report Compatible=False. */
  incompatible?: boolean;
  /** Namespace the controller pods live in and whose ConfigMaps it reads (default tkr-system). */
  controllerNamespace?: string;
  /** The namespaces that exist (default DEFAULT_NAMESPACES plus the controller's). */
  namespaces?: string[];
  /** ms from a controller pod's delete until the Deployment's replacement pod runs (default 1000). */
  podRestartMs?: number;
  /** ms from the replacement pod's start until the controller has reconciled (default 1000). */
  controllerStartMs?: number;
  /** ms a deleted pod stays Terminating (default 30 000, the default grace period). */
  podTerminationMs?: number;
  /** false: an older server that serves OpenAPI v2 only (no /openapi/v3, no fieldValidation parameter). Default true. */
  openApiV3?: boolean;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  fieldManager?: string;
  /** OpenAPI requests only: what kubectl asked for (v2 is protobuf). */
  accept?: string;
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
  /** spec.image.ref (Azure: the BoM entry without osinfo) */
  ref?: Record<string, unknown>;
}

export interface TkrSeed {
  name: string;
  version: string;
  kubernetesVersion: string;
  osImages: OSImageSeed[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary Kubernetes objects, walked by path
type KubeObject = Record<string, any>;

export interface KubeApiServer {
  url: string;
  /** Every request, in order. */
  readonly requests: RecordedRequest[];
  /** Requests other than discovery and OpenAPI, as `METHOD path?query-of-interest`. */
  apiCalls(): string[];
  /** The SelfSubjectAccessReviews asked, as `verb resource[.group] [-n namespace] → yes|no`. */
  readonly accessReviews: string[];
  clearRequests(): void;
  /** Resolves once every controller restart has reconciled (its TKr work done), polling up to `boundMs`. */
  settled(boundMs: number): Promise<void>;
  /** Name of the running (not Terminating) tkr-controller-manager pod, or undefined while it is being replaced. */
  controllerPod(): string | undefined;
  /** Every pod in the controller namespace: name and whether it is Terminating. */
  pods(): { name: string; terminating: boolean }[];
  /** Names of every pod deleted so far, in order. */
  readonly deletedPods: string[];
  configMap(namespace: string, name: string): KubeObject | undefined;
  tkr(name: string): KubeObject | undefined;
  osImage(name: string): KubeObject | undefined;
  seedTkr(seed: TkrSeed): void;
  /** Writes a kubeconfig whose `context` points at this server; returns the path. */
  writeKubeconfig(file: string, context: string): string;
  close(): Promise<void>;
}

interface Resource extends OpenApiResource {
  singularName: string;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const CORE_RESOURCES: Resource[] = [
  {
    name: 'configmaps',
    singularName: 'configmap',
    namespaced: true,
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    shortNames: ['cm'],
    verbs: VERBS,
  },
  {
    name: 'namespaces',
    singularName: 'namespace',
    namespaced: false,
    kind: 'Namespace',
    group: '',
    version: 'v1',
    shortNames: ['ns'],
    verbs: VERBS.filter((v) => v !== 'deletecollection'),
  },
  {
    name: 'pods',
    singularName: 'pod',
    namespaced: true,
    kind: 'Pod',
    group: '',
    version: 'v1',
    shortNames: ['po'],
    categories: ['all'],
    verbs: VERBS,
  },
];
const TKR_RESOURCES: Resource[] = [
  { name: 'osimages', singularName: 'osimage', namespaced: false, kind: 'OSImage', group: TKR_GROUP, version: TKR_VERSION, verbs: VERBS },
  {
    name: 'tanzukubernetesreleases',
    singularName: 'tanzukubernetesrelease',
    namespaced: false,
    kind: 'TanzuKubernetesRelease',
    group: TKR_GROUP,
    version: TKR_VERSION,
    shortNames: ['tkr'],
    verbs: VERBS,
  },
];
const AUTHZ_RESOURCES = [
  {
    name: 'selfsubjectaccessreviews',
    singularName: 'selfsubjectaccessreview',
    namespaced: false,
    kind: 'SelfSubjectAccessReview',
    verbs: ['create'],
  },
  {
    name: 'selfsubjectrulesreviews',
    singularName: 'selfsubjectrulesreview',
    namespaced: false,
    kind: 'SelfSubjectRulesReview',
    verbs: ['create'],
  },
];
const RESOURCES = new Map([...CORE_RESOURCES, ...TKR_RESOURCES].map((r) => [r.name, r]));

/** The discovery document of a resource list (the openapi fields are ours, not discovery's). */
const discovery = (resources: Resource[]) =>
  resources.map(({ name, singularName, namespaced, kind, shortNames, categories, verbs }) => ({
    name,
    singularName,
    namespaced,
    kind,
    verbs,
    ...(shortNames ? { shortNames } : {}),
    ...(categories ? { categories } : {}),
  }));

const DISCOVERY = /^\/(api|api\/v1|apis|apis\/[^/]+|apis\/[^/]+\/[^/]+|version|openapi\/.*)$/;

function status(code: number, reason: string, message: string, details?: object): KubeObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

function qualified(resource: string): string {
  const r = RESOURCES.get(resource);
  return r?.group ? `${resource}.${r.group}` : resource;
}

function notFound(resource: string, name: string): KubeObject {
  const group = RESOURCES.get(resource)?.group;
  return status(404, 'NotFound', `${qualified(resource)} "${name}" not found`, { name, ...(group ? { group } : {}), kind: resource });
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

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A SelfSubjectAccessReview as kubectl sends it (protobuf): spec=2 → resourceAttributes=1 → namespace=1 verb=2 group=3 version=4 resource=5 subresource=6 name=7. */
function accessReviewFromProtobuf(raw: Buffer): KubeObject {
  const attrs = messageOf(messageOf(unwrapK8sProtobuf(raw), 2), 1);
  const names = ['', 'namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
  const resourceAttributes = Object.fromEntries(names.flatMap((n, i) => (n && stringOf(attrs, i) ? [[n, stringOf(attrs, i)]] : [])));
  return { apiVersion: AUTHZ_API, kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } };
}

/** RFC 7386 merge patch (also what a strategic merge patch of a ConfigMap amounts to: maps only). */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: KubeObject = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as KubeObject) } : {};
  for (const [k, v] of Object.entries(patch as KubeObject)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** RFC 6902 JSON patch (add, replace, remove, test) on plain object paths; throws a message on a bad operation. */
function jsonPatch(target: KubeObject, ops: KubeObject[]): KubeObject {
  const doc = JSON.parse(JSON.stringify(target)) as KubeObject;
  for (const op of ops) {
    const path = String(op.path ?? '')
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON patch walks any document
    let parent: any = doc;
    for (const p of path.slice(0, -1)) {
      if (parent?.[p] === undefined) throw new Error(`doc is missing path: ${op.path}`);
      parent = parent[p];
    }
    const last = path.at(-1)!;
    if (op.op === 'test') {
      if (JSON.stringify(parent?.[last]) !== JSON.stringify(op.value)) throw new Error(`testing value ${op.path} failed`);
    } else if (op.op === 'remove') {
      if (parent?.[last] === undefined) throw new Error(`unable to remove nonexistent key: ${last}`);
      delete parent[last];
    } else if (op.op === 'add' || op.op === 'replace') {
      if (op.op === 'replace' && parent?.[last] === undefined)
        throw new Error(`replace operation does not apply: doc is missing key: ${op.path}`);
      parent[last] = op.value;
    } else {
      throw new Error(`unsupported JSON patch operation ${op.op}`);
    }
  }
  return doc;
}

export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const controllerNs = options.controllerNamespace ?? TKR_NAMESPACE;
  const reconcileDelayMs = options.reconcileDelayMs ?? 600_000;
  const readyDelayMs = options.readyDelayMs ?? 0;
  const podRestartMs = options.podRestartMs ?? 1000;
  const controllerStartMs = options.controllerStartMs ?? 1000;
  const podTerminationMs = options.podTerminationMs ?? 30_000;
  const withV3 = options.openApiV3 !== false;
  const serverVersion = withV3 ? 'v1.26.5+vmware.2' : 'v1.23.8+vmware.2';
  const deny = (options.deny ?? []).map((d) => d.trim().split(/\s+/) as [string, string]);
  const requests: RecordedRequest[] = [];
  const accessReviews: string[] = [];
  const deletedPods: string[] = [];
  const store = new Map<string, KubeObject>();
  const createdAt = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  /** Controller restarts whose new controller has not reconciled yet. */
  let pendingStarts = 0;
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
    creationTimestamp: now(),
    ...extra,
  });
  const put = (resource: string, obj: KubeObject) => store.set(key(resource, obj.metadata.namespace, obj.metadata.name), obj);
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    timers.add(timer);
  };

  for (const ns of new Set([...(options.namespaces ?? DEFAULT_NAMESPACES), controllerNs])) {
    put('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: newMeta(ns, undefined, { labels: { 'kubernetes.io/metadata.name': ns } }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  const namespaceExists = (ns: string) => store.has(key('namespaces', undefined, ns));

  const addPod = (name: string, labels: Record<string, string>) =>
    put('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: newMeta(name, controllerNs, { labels, generateName: name.replace(/[^-]+$/, '') }),
      spec: { containers: [{ name: 'manager', image: 'projects.registry.vmware.com/tkg/tanzu_core/tkr/tkr-controller-manager:v0.30.2' }] },
      status: { phase: 'Running' },
    });
  const templateHash = hash('tkr-controller-manager', 10);
  const isControllerPod = (pod: KubeObject) => Object.entries(CONTROLLER_LABELS).every(([k, v]) => pod.metadata.labels?.[k] === v);
  const startControllerPod = () =>
    addPod(`tkr-controller-manager-${templateHash}-${hash(`pod-${++podGeneration}`, 5)}`, {
      ...CONTROLLER_LABELS,
      'pod-template-hash': templateHash,
    });
  startControllerPod();
  // Another controller in the namespace, so a lookup by a loose name prefix or a missing label would be caught.
  addPod(`tkr-status-controller-manager-${hash('status', 10)}-${hash('status-pod', 5)}`, { app: 'tkr-status-controller' });
  const podsNow = () => [...store.entries()].filter(([k]) => k.startsWith(`pods/${controllerNs}/`)).map(([, p]) => p);

  const osImageObject = (seed: OSImageSeed, kubernetesVersion: string): KubeObject => ({
    apiVersion: TKR_API,
    kind: 'OSImage',
    metadata: newMeta(seed.name, undefined, { labels: { 'image-type': seed.type, 'os-name': seed.os.name, 'os-arch': seed.os.arch } }),
    spec: {
      kubernetesVersion,
      os: { type: 'linux', name: seed.os.name, version: seed.os.version, arch: seed.os.arch },
      image: {
        type: seed.type,
        ref:
          seed.type === 'ami'
            ? { id: seed.id, region: seed.region }
            : seed.type === 'azure'
              ? { ...seed.ref }
              : { name: `${seed.type}-${seed.os.name}`, version: seed.version },
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

  /** What the TKr controller does with one BoM ConfigMap: a TKr named after release.version plus its OSImages, unless that TKr exists. */
  const reconcileConfigMap = (cm: KubeObject) => {
    const content = cm.binaryData?.bomContent;
    if (typeof content !== 'string') return;
    const bom = parseYaml(Buffer.from(content, 'base64').toString('utf8')) as KubeObject;
    const version = bom?.release?.version;
    if (typeof version !== 'string') return;
    const name = version.replace(/\+/g, '---');
    // TKr versions are immutable: the controller never rebuilds an existing TKr from a changed ConfigMap.
    if (store.has(key('tanzukubernetesreleases', undefined, name))) return;
    const kubernetesVersion = String(bom.components?.kubernetes?.[0]?.version ?? version.replace(/-tkg\..*$/, ''));
    const images: OSImageSeed[] = [];
    for (const ova of (bom.ova ?? []) as KubeObject[]) {
      images.push({ name: `${name}-${hash(JSON.stringify(ova), 10)}`, type: 'ova', os: ova.osinfo, version: ova.version });
    }
    for (const [region, amis] of Object.entries((bom.ami ?? {}) as Record<string, KubeObject[]>)) {
      for (const ami of amis)
        images.push({ name: `${name}-${hash(`${region}/${JSON.stringify(ami)}`, 10)}`, type: 'ami', os: ami.osinfo, id: ami.id, region });
    }
    for (const azure of (bom.azure ?? []) as KubeObject[]) {
      const { osinfo, ...ref } = azure;
      images.push({ name: `${name}-${hash(`azure/${JSON.stringify(azure)}`, 10)}`, type: 'azure', os: osinfo, ref });
    }
    seedTkr({ name, version, kubernetesVersion, osImages: images });
  };
  const reconcile = () => {
    if (options.neverReconciles) return;
    for (const [k, obj] of store) {
      if (k.startsWith(`configmaps/${controllerNs}/`) && obj.metadata.labels?.tanzuKubernetesRelease) reconcileConfigMap(obj);
    }
  };
  const configMapChanged = (namespace: string, cm: KubeObject) => {
    if (namespace === controllerNs && cm.metadata.labels?.tanzuKubernetesRelease) later(reconcileDelayMs, reconcile);
  };

  /** The TKr as read now: its conditions follow its age and the compatibility knob. */
  const withStatus = (tkr: KubeObject): KubeObject => {
    const created = createdAt.get(tkr.metadata.name) ?? 0;
    const ready = !options.incompatible && Date.now() - created >= readyDelayMs;
    const since = new Date(created).toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = (type: string, ok: boolean, reason: string, message: string) =>
      ok
        ? { type, status: 'True', lastTransitionTime: since }
        : { type, status: 'False', severity: 'Warning', reason, message, lastTransitionTime: since };
    return {
      ...tkr,
      status: {
        conditions: [
          condition(
            'Compatible',
            !options.incompatible,
            'NotCompatible',
            `TKr ${tkr.metadata.name} is not compatible with this management cluster's TKG version`,
          ),
          condition(
            'Ready',
            ready,
            options.incompatible ? 'NotCompatible' : 'WaitingForOSImages',
            options.incompatible ? 'not compatible' : 'OSImages are being resolved',
          ),
        ],
      },
    };
  };

  const present = (resource: string, obj: KubeObject) => (resource === 'tanzukubernetesreleases' ? withStatus(obj) : obj);
  const list = (resource: string, namespace: string | undefined, query: Record<string, string>) => {
    const r = RESOURCES.get(resource)!;
    const items = [...store.entries()]
      .filter(([k]) => k.startsWith(namespace === undefined ? `${resource}/` : `${resource}/${namespace}/`))
      .map(([, o]) => o)
      .filter((o) => matchesSelector(o.metadata.labels, query.labelSelector) && matchesFieldSelector(o, query.fieldSelector))
      .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)))
      .map((o) => present(resource, o));
    return {
      apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
      kind: `${r.kind}List`,
      metadata: { resourceVersion: String(resourceVersion) },
      items,
    };
  };

  /** RBAC: the same rule answers requests and SelfSubjectAccessReviews. */
  const allowed = (verb: string, resource: string) => !deny.some(([v, r]) => (v === '*' || v === verb) && (r === '*' || r === resource));
  const forbidden = (verb: string, resource: string, name: string | undefined, namespace: string | undefined) => {
    const group = RESOURCES.get(resource)?.group ?? '';
    const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
    return status(
      403,
      'Forbidden',
      `${qualified(resource)}${name ? ` "${name}"` : ''} is forbidden: User "${TEST_USER}" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`,
      {
        ...(name ? { name } : {}),
        ...(group ? { group } : {}),
        kind: resource,
      },
    );
  };
  const namespaceMissing = (namespace: string) =>
    status(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });

  /** A write to a ConfigMap: the namespace must exist, then the new state is stored with a new resourceVersion. */
  const storeConfigMap = (namespace: string, name: string, obj: KubeObject, existing: KubeObject | undefined): KubeObject => {
    const stored = {
      ...obj,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        ...(existing ? {} : newMeta(name, namespace)),
        ...obj.metadata,
        name,
        namespace,
        ...(existing ? { uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp } : {}),
        resourceVersion: nextVersion(),
      },
    };
    for (const k of ['labels', 'annotations'])
      if (stored.metadata[k] && Object.keys(stored.metadata[k]).length === 0) delete stored.metadata[k];
    const clean = JSON.parse(JSON.stringify(stored)) as KubeObject;
    put('configmaps', clean);
    configMapChanged(namespace, clean);
    return clean;
  };

  const deletePod = (pod: KubeObject): KubeObject => {
    const name = pod.metadata.name as string;
    if (pod.metadata.deletionTimestamp) return pod;
    deletedPods.push(name);
    const terminating = {
      ...pod,
      metadata: {
        ...pod.metadata,
        deletionTimestamp: now(),
        deletionGracePeriodSeconds: Math.round(podTerminationMs / 1000),
        resourceVersion: nextVersion(),
      },
    };
    put('pods', terminating);
    later(podTerminationMs, () => store.delete(key('pods', controllerNs, name)));
    if (isControllerPod(pod)) {
      // The ReplicaSet creates the replacement a moment later; the new controller reconciles once it has started.
      pendingStarts++;
      later(podRestartMs, () => {
        startControllerPod();
        later(controllerStartMs, () => {
          pendingStarts--;
          reconcile();
        });
      });
    }
    return terminating;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const contentType = req.headers['content-type'];
    const accept = req.headers.accept;
    requests.push({
      method: req.method ?? 'GET',
      path,
      query,
      ...(contentType ? { contentType } : {}),
      ...(query.fieldManager ? { fieldManager: query.fieldManager } : {}),
      ...(accept && path.startsWith('/openapi/') ? { accept } : {}),
    });
    const raw = await readBody(req);
    const body = raw.toString('utf8');
    const send = (code: number, obj: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    const method = req.method ?? 'GET';
    const gv = (groupVersion: string, version: string) => ({ groupVersion, version });

    // Discovery (legacy, unaggregated: kubectl falls back to it) and OpenAPI.
    if (method === 'GET') {
      const host = req.headers.host ?? '127.0.0.1';
      switch (path) {
        case '/version':
          return send(200, { major: '1', minor: serverVersion.split('.')[1], gitVersion: serverVersion, platform: 'linux/amd64' });
        case '/api':
          return send(200, {
            kind: 'APIVersions',
            versions: ['v1'],
            serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
          });
        case '/api/v1':
          return send(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: discovery(CORE_RESOURCES) });
        case '/apis': {
          const groups = [
            { name: 'authorization.k8s.io', versions: [gv(AUTHZ_API, 'v1')], preferredVersion: gv(AUTHZ_API, 'v1') },
            { name: TKR_GROUP, versions: [gv(TKR_API, TKR_VERSION)], preferredVersion: gv(TKR_API, TKR_VERSION) },
          ];
          return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
        }
        case `/apis/${TKR_GROUP}`:
          return send(200, {
            kind: 'APIGroup',
            apiVersion: 'v1',
            name: TKR_GROUP,
            versions: [gv(TKR_API, TKR_VERSION)],
            preferredVersion: gv(TKR_API, TKR_VERSION),
          });
        case TKR_PREFIX:
          return send(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: TKR_API, resources: discovery(TKR_RESOURCES) });
        case '/apis/authorization.k8s.io':
          return send(200, {
            kind: 'APIGroup',
            apiVersion: 'v1',
            name: 'authorization.k8s.io',
            versions: [gv(AUTHZ_API, 'v1')],
            preferredVersion: gv(AUTHZ_API, 'v1'),
          });
        case `/apis/${AUTHZ_API}`:
          return send(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: AUTHZ_API, resources: AUTHZ_RESOURCES });
        case '/openapi/v2': {
          const resources = [
            ...CORE_RESOURCES.map((resource) => ({ prefix: '/api/v1', resource })),
            ...TKR_RESOURCES.map((resource) => ({ prefix: TKR_PREFIX, resource })),
          ];
          res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF });
          return void res.end(openApiV2Protobuf(resources, serverVersion, withV3));
        }
      }
      if (withV3) {
        switch (path) {
          case '/openapi/v3':
            return send(200, {
              paths: {
                'api/v1': { serverRelativeURL: `/openapi/v3/api/v1?hash=${hash('core', 16).toUpperCase()}` },
                [`apis/${TKR_API}`]: { serverRelativeURL: `/openapi/v3/apis/${TKR_API}?hash=${hash('tkr', 16).toUpperCase()}` },
              },
            });
          case '/openapi/v3/api/v1':
            return send(200, openApiV3('/api/v1', CORE_RESOURCES, serverVersion));
          case `/openapi/v3/apis/${TKR_API}`:
            return send(200, openApiV3(TKR_PREFIX, TKR_RESOURCES, serverVersion));
        }
      }
    }

    // SelfSubjectAccessReview: every user may ask what it may do; the answer is the rule requests are held to.
    if (method === 'POST' && path === `/apis/${AUTHZ_API}/selfsubjectaccessreviews`) {
      const review =
        contentType === 'application/vnd.kubernetes.protobuf' ? accessReviewFromProtobuf(raw) : (JSON.parse(body) as KubeObject);
      const attrs = (review.spec?.resourceAttributes ?? {}) as KubeObject;
      const ok = allowed(String(attrs.verb ?? ''), String(attrs.resource ?? ''));
      const what = `${attrs.verb} ${attrs.resource}${attrs.group ? `.${attrs.group}` : ''}${attrs.namespace ? ` -n ${attrs.namespace}` : ''}`;
      accessReviews.push(`${what} → ${ok ? 'yes' : 'no'}`);
      return send(201, {
        kind: 'SelfSubjectAccessReview',
        apiVersion: AUTHZ_API,
        metadata: { creationTimestamp: null },
        spec: review.spec,
        status: ok
          ? { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "kiln-e2e" of ClusterRole "kiln-e2e" to User "${TEST_USER}"` }
          : { allowed: false },
      });
    }

    const nsPath = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/.exec(path);
    const core = /^\/api\/v1\/namespaces\/([^/]+)\/(configmaps|pods)(?:\/([^/]+))?$/.exec(path);
    const crd = new RegExp(`^${TKR_PREFIX}/(tanzukubernetesreleases|osimages)(?:/([^/]+))?$`).exec(path);
    if (!nsPath && !core && !crd) return send(404, status(404, 'NotFound', 'the server could not find the requested resource', {}));
    const [resource, namespace, name] = nsPath
      ? ['namespaces', nsPath[1], nsPath[1]]
      : core
        ? [core[2]!, core[1]!, core[3]]
        : [crd![1]!, undefined, crd![2]];
    const verb =
      { GET: name ? 'get' : 'list', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ?? method.toLowerCase();
    if (!allowed(verb, resource)) return send(403, forbidden(verb, resource, name, namespace));
    if (query.watch === 'true' || query.watch === '1')
      return send(405, status(405, 'MethodNotAllowed', 'watch is not supported by the test API server'));

    if (resource === 'namespaces') {
      if (method !== 'GET')
        return send(405, status(405, 'MethodNotAllowed', `${method} is not supported on namespaces by the test API server`));
      if (!name) return send(200, list('namespaces', undefined, query));
      const ns = store.get(key('namespaces', undefined, name));
      return ns ? send(200, ns) : send(404, notFound('namespaces', name));
    }

    const fieldManager = query.fieldManager ?? (String(req.headers['user-agent'] ?? 'unknown').split('/')[0] || 'unknown');
    if (!name) {
      if (method === 'GET') return send(200, list(resource, namespace, query));
      if (method === 'POST' && resource === 'configmaps') {
        const obj = parseYaml(body) as KubeObject;
        const objName = obj.metadata?.name as string;
        if (!namespaceExists(namespace!)) return send(404, namespaceMissing(namespace!));
        if (store.has(key(resource, namespace, objName)))
          return send(409, status(409, 'AlreadyExists', `configmaps "${objName}" already exists`, { name: objName, kind: 'configmaps' }));
        const created = storeConfigMap(
          namespace!,
          objName,
          recordUpdate(undefined, { ...obj, metadata: { ...obj.metadata, managedFields: undefined } }, fieldManager),
          undefined,
        );
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
        if (resource !== 'configmaps')
          return send(415, status(415, 'UnsupportedMediaType', `the test API server patches only configmaps, not ${resource}`));
        if (contentType === 'application/apply-patch+yaml') {
          if (!query.fieldManager)
            return send(
              422,
              status(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'),
            );
          if (!existing && !allowed('create', resource)) return send(403, forbidden('create', resource, name, namespace));
          if (!existing && !namespaceExists(namespace!)) return send(404, namespaceMissing(namespace!));
          const obj = parseYaml(body) as KubeObject;
          const result = serverSideApply(existing, obj, query.fieldManager, query.force === 'true');
          if (!result.ok) return send(409, conflictStatus(result.conflicts));
          if (!result.changed) return send(200, existing);
          return send(existing ? 200 : 201, storeConfigMap(namespace!, name, result.obj, existing));
        }
        if (!existing) return send(404, notFound(resource, name));
        let next: KubeObject;
        try {
          if (contentType === 'application/json-patch+json') next = jsonPatch(existing, JSON.parse(body) as KubeObject[]);
          else if (contentType === 'application/merge-patch+json' || contentType === 'application/strategic-merge-patch+json')
            next = mergePatch(existing, JSON.parse(body)) as KubeObject;
          else
            return send(
              415,
              status(
                415,
                'UnsupportedMediaType',
                `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
              ),
            );
        } catch (error) {
          return send(422, status(422, 'Invalid', (error as Error).message));
        }
        if (String(next.metadata?.resourceVersion) !== String(existing.metadata.resourceVersion)) {
          return send(
            409,
            status(
              409,
              'Conflict',
              `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
              { name, kind: 'configmaps' },
            ),
          );
        }
        return send(200, storeConfigMap(namespace!, name, recordUpdate(existing, next, fieldManager), existing));
      }
      case 'PUT': {
        if (resource !== 'configmaps') return send(405, status(405, 'MethodNotAllowed', `PUT is not supported on ${resource}`));
        if (!existing) return send(404, notFound(resource, name));
        const obj = parseYaml(body) as KubeObject;
        return send(
          200,
          storeConfigMap(
            namespace!,
            name,
            recordUpdate(existing, { ...obj, metadata: { ...obj.metadata, managedFields: existing.metadata.managedFields } }, fieldManager),
            existing,
          ),
        );
      }
      case 'DELETE': {
        if (!existing) return send(404, notFound(resource, name));
        if (resource === 'pods') return send(200, deletePod(existing));
        store.delete(k);
        return send(200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name, ...(RESOURCES.get(resource)?.group ? { group: TKR_GROUP } : {}), kind: resource, uid: existing.metadata.uid },
        });
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
    accessReviews,
    apiCalls: () =>
      requests
        .filter((r) => !DISCOVERY.test(r.path))
        .map((r) => {
          const interesting = ['fieldManager', 'labelSelector', 'fieldSelector']
            .filter((q) => r.query[q] !== undefined)
            .map((q) => `${q}=${r.query[q]}`);
          return `${r.method} ${r.path}${interesting.length ? `?${interesting.join('&')}` : ''}`;
        }),
    clearRequests: () => {
      requests.length = 0;
      accessReviews.length = 0;
    },
    settled: async (boundMs) => {
      const deadline = Date.now() + boundMs;
      while (pendingStarts > 0) {
        if (Date.now() > deadline)
          throw new Error(`the test API server still had ${pendingStarts} controller restarts pending after ${boundMs} ms`);
        await sleep(50);
      }
    },
    controllerPod: () => podsNow().find((p) => isControllerPod(p) && !p.metadata.deletionTimestamp)?.metadata.name,
    pods: () => podsNow().map((p) => ({ name: p.metadata.name as string, terminating: Boolean(p.metadata.deletionTimestamp) })),
    deletedPods,
    configMap: (namespace, name) => store.get(key('configmaps', namespace, name)),
    tkr: (name) => {
      const obj = store.get(key('tanzukubernetesreleases', undefined, name));
      return obj && withStatus(obj);
    },
    osImage: (name) => store.get(key('osimages', undefined, name)),
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
