// apply-tkr: check every permission first, server-side apply the BoM ConfigMap gen-bom wrote, restart the TKr
// controller when the ConfigMap changed (unless disabled), wait until the TKr is Ready and Compatible, and check that
// its OSImages are exactly the BoM's images (TKrs are immutable); records the result in applied.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import { KilnError } from '@kiln/errors';
import { stableJson } from '@kiln/render';
import { tkrDist, type KilnTkr } from '@kiln/schema';
import { writeFileAtomic } from '../shared/atomic-write';
import { formatElapsed } from '../build/build-progress';
import { describeManager, parseApplyConflict } from './kubectl-apply-conflict';
import { isAccessProblem, isNotFound, kubectl, kubectlError, parseKubectlJson, type KubectlOptions } from '@kiln/runner';
import { envNumber } from '../shared/kiln-env';
import { bomImages, compareImages, osImageImage, type OSImageObject } from '../gen-bom/tkr-bom-images';
import { missingPermissions, permissionsError, tkrPermissions } from './tkr-access-check';

export const DEFAULT_TKR_NAMESPACE = 'tkr-system';
export const DEFAULT_TKR_TIMEOUT_SECONDS = 900;
export const DEFAULT_TKR_POLL_SECONDS = 5;
/** The label of the tkr-controller-manager Deployment's pods, and the pods' name prefix. */
export const TKR_CONTROLLER_SELECTOR = 'control-plane=controller-manager';
export const TKR_CONTROLLER_PREFIX = 'tkr-controller-manager-';
/** The ConfigMap label the TKr controller reads; its value is the TKr name. */
const TKR_LABEL = 'tanzuKubernetesRelease';
/** Overrides managementCluster.timeoutSeconds. */
export const TKR_TIMEOUT_ENV = 'KILN_TKR_TIMEOUT_SECONDS';
/** The label TKG puts on every Cluster: the TKr it runs. */
const CLUSTER_TKR_LABEL = 'run.tanzu.vmware.com/tkr';

export interface ApplyTkrInput {
  workspaceRoot: string;
  project: string;
  tkr: KilnTkr;
  /** Workspace-relative folder gen-bom wrote (default dist/tkrs/<project>). */
  bomPath?: string;
  /** Workspace-relative folder applied.json goes to (default dist/applied/tkrs/<project>: outside gen-bom's cached output folder). */
  outputPath?: string;
  echo?: NodeJS.WritableStream;
  signal?: AbortSignal;
  /** How often to ask for the TKr (default 5 s). */
  pollIntervalMs?: number;
  /** How often to print a progress line while waiting (default 30 s). */
  progressIntervalMs?: number;
  /** Take over fields another field manager owns (kubectl apply --force-conflicts); never the default. */
  forceConflicts?: boolean;
  /** Where KILN_TKR_TIMEOUT_SECONDS is read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface TkrCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface AppliedTkr {
  tkr: string;
  context: string;
  namespace: string;
  configMap: string;
  conditions: TkrCondition[];
}

/** The TKr timeout: KILN_TKR_TIMEOUT_SECONDS, else managementCluster.timeoutSeconds, else 900 s; and where it came from. */
function tkrTimeout(tkr: KilnTkr, project: string, env: NodeJS.ProcessEnv = process.env): { seconds: number; source: string } {
  const fromSpec = tkr.managementCluster.timeoutSeconds;
  const fallback = fromSpec ?? DEFAULT_TKR_TIMEOUT_SECONDS;
  const seconds = envNumber(env, TKR_TIMEOUT_ENV, fallback, { min: 1, unit: 'seconds' });
  const given = env[TKR_TIMEOUT_ENV] !== undefined && env[TKR_TIMEOUT_ENV]!.trim() !== '';
  return {
    seconds,
    source: given
      ? TKR_TIMEOUT_ENV
      : fromSpec !== undefined
        ? `managementCluster.timeoutSeconds in tkrs/${project}/tkr.yaml`
        : 'the default',
  };
}

interface BomConfigMap {
  /** Workspace-relative path. */
  file: string;
  name: string;
  tkrName: string;
  /** The BoM it carries (decoded binaryData.bomContent). */
  bom: string;
}

/** A YAML file's value, or undefined when it does not parse. */
function readYaml(path: string): unknown {
  try {
    return parseYaml(readFileSync(path, 'utf8')) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The one configmap-*.yaml gen-bom wrote, with its name and the TKr it declares. */
function findBomConfigMap(workspaceRoot: string, project: string, bomPath = tkrDist(project).bom): BomConfigMap {
  const dir = join(workspaceRoot, bomPath);
  const found = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^configmap-.+\.ya?ml$/.test(f))
        .sort()
    : [];
  if (found.length === 0) {
    throw new KilnError('TKR_CONFIGMAP_MISSING', `no TKr ConfigMap in ${bomPath}/: gen-bom has not produced configmap-<version>.yaml`, {
      hint: `run gen-bom first: nx run ${project}:gen-bom (or run apply-tkr without --excludeTaskDependencies)`,
    });
  }
  if (found.length > 1) {
    throw new KilnError('TKR_CONFIGMAP_AMBIGUOUS', `more than one TKr ConfigMap in ${bomPath}/: ${found.join(', ')}`, {
      hint: `delete ${bomPath}/ and run nx run ${project}:gen-bom again`,
    });
  }
  const file = `${bomPath}/${found[0]}`;
  const doc = readYaml(join(workspaceRoot, file)) as
    { kind?: unknown; metadata?: { name?: unknown; labels?: Record<string, unknown> }; binaryData?: { bomContent?: unknown } } | undefined;
  const name = doc?.metadata?.name;
  const tkrName = doc?.metadata?.labels?.[TKR_LABEL];
  if (
    doc?.kind !== 'ConfigMap' ||
    typeof name !== 'string' ||
    typeof tkrName !== 'string' ||
    typeof doc.binaryData?.bomContent !== 'string'
  ) {
    throw new KilnError(
      'TKR_CONFIGMAP_INVALID',
      `${file} is not a TKr BoM ConfigMap (kind ConfigMap, metadata.name, label ${TKR_LABEL}, binaryData.bomContent)`,
      {
        file,
        hint: `run nx run ${project}:gen-bom again`,
      },
    );
  }
  return { file, name, tkrName, bom: Buffer.from(doc.binaryData.bomContent, 'base64').toString('utf8') };
}

function conditionsOf(tkr: { status?: { conditions?: TkrCondition[] } }): TkrCondition[] {
  return (tkr.status?.conditions ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
  }));
}

function describeCondition(c: TkrCondition | undefined, type: string): string {
  if (!c) return `${type} not reported yet`;
  const why = [c.reason, c.message].filter(Boolean).join(': ');
  return `${type}=${c.status}${why ? ` (${why})` : ''}`;
}

/** Deletes the running tkr-controller-manager pod(s) (not those already Terminating) so the controller reconciles now; returns the deleted names. */
async function restartController(
  context: string,
  namespace: string,
  options: KubectlOptions,
): Promise<{ deleted: string[]; terminating: string[] }> {
  const podsOf = async (selector: string[]) => {
    const r = await kubectl(context, ['-n', namespace, 'get', 'pods', ...selector, '-o', 'json'], { ...options, echo: undefined });
    if (r.exitCode !== 0)
      throw kubectlError(context, r, `list the pods in namespace ${namespace}`, { verb: 'list', resource: 'pods', namespace });
    return parseKubectlJson<{ items: { metadata: { name: string; deletionTimestamp?: string } }[] }>(r)
      .items.filter((p) => p.metadata.name.startsWith(TKR_CONTROLLER_PREFIX))
      .map((p) => ({ name: p.metadata.name, terminating: Boolean(p.metadata.deletionTimestamp) }));
  };
  let pods = await podsOf(['-l', TKR_CONTROLLER_SELECTOR]);
  if (pods.length === 0) pods = await podsOf([]);
  const running = pods.filter((p) => !p.terminating).map((p) => p.name);
  for (const pod of running) {
    const r = await kubectl(context, ['-n', namespace, 'delete', 'pod', pod, '--wait=false'], options);
    if (r.exitCode !== 0 && !isNotFound(r))
      throw kubectlError(context, r, `delete pod ${pod} in namespace ${namespace}`, { verb: 'delete', resource: 'pods', namespace });
  }
  return { deleted: running, terminating: pods.filter((p) => p.terminating).map((p) => p.name) };
}

interface TkrObject {
  spec?: { osImages?: { name?: string }[] };
  status?: { conditions?: TkrCondition[] };
}

interface Waited {
  conditions: TkrCondition[];
  tkr: TkrObject;
}

/** `kubectl get tkr <name> -o json`: the TKr, undefined when it does not exist; access problems throw. */
async function getTkr(context: string, name: string, options: KubectlOptions): Promise<TkrObject | undefined> {
  const r = await kubectl(context, ['get', 'tkr', name, '-o', 'json'], { ...options, echo: undefined });
  if (r.exitCode === 0) return parseKubectlJson<TkrObject>(r);
  if (isNotFound(r)) return undefined;
  throw kubectlError(context, r, `read TKr ${name}`, { verb: 'get', resource: 'tanzukubernetesreleases' });
}

/** Polls `kubectl get tkr <name> -o json` until Ready=True and Compatible=True, Compatible=False, or the timeout. */
async function waitForTkr(input: ApplyTkrInput, name: string, configMap: BomConfigMap, options: KubectlOptions): Promise<Waited> {
  const { context } = input.tkr.managementCluster;
  const namespace = input.tkr.managementCluster.namespace ?? DEFAULT_TKR_NAMESPACE;
  const timeout = tkrTimeout(input.tkr, input.project, input.env);
  const timeoutSeconds = timeout.seconds;
  const pollMs = input.pollIntervalMs ?? DEFAULT_TKR_POLL_SECONDS * 1000;
  const progressMs = input.progressIntervalMs ?? 30_000;
  const prefix = `[${input.project}] `;
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  const inspect = `kubectl --context ${context} get tkr ${name} -o yaml`;
  let lastProgress = -Infinity;
  let seen: TkrCondition[] | undefined;
  let lastError: string | undefined;

  for (;;) {
    const r = await kubectl(context, ['get', 'tkr', name, '-o', 'json'], { ...options, echo: undefined });
    if (r.exitCode === 0) {
      const tkr = parseKubectlJson<TkrObject>(r);
      const conditions = conditionsOf(tkr);
      const ready = conditions.find((c) => c.type === 'Ready');
      const compatible = conditions.find((c) => c.type === 'Compatible');
      if (compatible?.status === 'False') {
        throw new KilnError(
          'TKR_NOT_COMPATIBLE',
          `TKr ${name} is not compatible with the management cluster: ${describeCondition(compatible, 'Compatible')}`,
          {
            hint: `inspect it with: ${inspect} (a custom TKr must start from a BoM of the management cluster's TKG version)`,
            context: { conditions: conditions.map((c) => describeCondition(c, c.type)).join('\n') },
          },
        );
      }
      if (ready?.status === 'True' && compatible?.status === 'True') return { conditions, tkr };
      seen = conditions;
      lastError = undefined;
    } else if (isNotFound(r)) {
      lastError = undefined;
    } else if (isAccessProblem(r)) {
      throw kubectlError(context, r, `read TKr ${name}`, { verb: 'get', resource: 'tanzukubernetesreleases' });
    } else {
      // Transient (API server restarting, network): keep polling until the deadline.
      lastError = r.stderr.split('\n').filter(Boolean).slice(-1)[0];
    }

    const now = Date.now();
    if (now >= deadline) {
      const raise = `raise ${TKR_TIMEOUT_ENV} or managementCluster.timeoutSeconds in tkrs/${input.project}/tkr.yaml`;
      if (seen) {
        const ready = seen.find((c) => c.type === 'Ready');
        const compatible = seen.find((c) => c.type === 'Compatible');
        throw new KilnError(
          'TKR_NOT_READY',
          `TKr ${name} exists but is not Ready after ${timeoutSeconds} s (${timeout.source}): ${describeCondition(ready, 'Ready')}, ${describeCondition(compatible, 'Compatible')}`,
          {
            hint: `inspect it with: ${inspect}; ${raise} if its OS images are slow to resolve`,
          },
        );
      }
      throw new KilnError('TKR_TIMEOUT', `TKr ${name} did not appear within ${timeoutSeconds} s (${timeout.source})`, {
        hint: `check that the TKr controller read the ConfigMap: kubectl --context ${context} -n ${namespace} logs -l ${TKR_CONTROLLER_SELECTOR}; the TKr: kubectl --context ${context} get tkr ${name}; ${raise} if the controller is slow`,
        context: {
          configMap: `kubectl --context ${context} -n ${namespace} get configmap ${configMap.name} -o yaml`,
          ...(lastError ? { lastError } : {}),
        },
      });
    }
    if (now - lastProgress >= progressMs) {
      const state = seen
        ? `, ${describeCondition(
            seen.find((c) => c.type === 'Ready'),
            'Ready',
          )}`
        : '';
      input.echo?.write(`${prefix}waiting for TKr ${name} (elapsed ${formatElapsed(now - started)}${state})\n`);
      lastProgress = now;
    }
    try {
      await sleep(Math.min(pollMs, Math.max(0, deadline - now)), undefined, { signal: input.signal });
    } catch {
      throw new KilnError('COMMAND_ABORTED', `apply-tkr was interrupted while waiting for TKr ${name}`, {
        hint: `the ConfigMap is applied; check the TKr with: ${inspect}`,
      });
    }
  }
}

/** The ConfigMap's resourceVersion, or undefined when it does not exist (yet). */
async function configMapVersion(context: string, namespace: string, name: string, options: KubectlOptions): Promise<string | undefined> {
  const r = await kubectl(context, ['-n', namespace, 'get', 'configmap', name, '-o', 'jsonpath={.metadata.resourceVersion}'], {
    ...options,
    echo: undefined,
  });
  if (r.exitCode === 0) return r.stdout.trim();
  if (isNotFound(r)) return undefined;
  throw kubectlError(context, r, `read ConfigMap ${name} in namespace ${namespace}`, { verb: 'get', resource: 'configmaps', namespace });
}

/** suffix myorg → myorg-1, myorg-1 → myorg-2 (the schema allows letters, digits and '-'). */
function bumpSuffix(suffix: string): string {
  const m = /^(.*)-(\d+)$/.exec(suffix);
  return m ? `${m[1]}-${Number(m[2]) + 1}` : `${suffix}-1`;
}

/** Namespace missing: name it and list the ones that exist. */
async function namespaceMissing(input: ApplyTkrInput, namespace: string, options: KubectlOptions): Promise<KilnError> {
  const { context } = input.tkr.managementCluster;
  const r = await kubectl(context, ['get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}'], { ...options, echo: undefined });
  const names = r.exitCode === 0 ? r.stdout.trim().split(/\s+/).filter(Boolean).sort() : undefined;
  const listed = names
    ? `the namespaces that exist: ${names.join(', ')}`
    : `list the namespaces with: kubectl --context ${context} get namespaces`;
  return new KilnError('TKR_NAMESPACE_MISSING', `namespace "${namespace}" does not exist on context ${context}`, {
    file: `tkrs/${input.project}/tkr.yaml`,
    hint: `set managementCluster.namespace to the TKr controller's namespace (${DEFAULT_TKR_NAMESPACE} on TKG; leave it out for the default); ${listed}`,
  });
}

/** Server-side apply of the ConfigMap (never forcing unless asked); returns the resourceVersion after it. */
async function applyConfigMap(input: ApplyTkrInput, configMap: BomConfigMap, options: KubectlOptions): Promise<string> {
  const { context } = input.tkr.managementCluster;
  const namespace = input.tkr.managementCluster.namespace ?? DEFAULT_TKR_NAMESPACE;
  const force = input.forceConflicts === true ? ['--force-conflicts'] : [];
  const r = await kubectl(
    context,
    [
      '-n',
      namespace,
      'apply',
      '--server-side',
      '--field-manager=kiln',
      ...force,
      '-f',
      configMap.file,
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ],
    {
      ...options,
      echo: undefined,
    },
  );
  if (r.exitCode === 0) return r.stdout.trim();
  const owners = parseApplyConflict(r.stderr);
  if (owners && owners.length > 0) {
    const owned = owners
      .map((o) => `${o.fields.join(', ')} ${o.fields.length === 1 ? 'is' : 'are'} managed by ${describeManager(o.manager)}`)
      .join('; ');
    return Promise.reject(
      new KilnError(
        'TKR_CONFIGMAP_CONFLICT',
        `ConfigMap ${namespace}/${configMap.name} on context ${context} has fields another field manager owns: ${owned}`,
        {
          hint: `Kiln applies as field manager "kiln" and does not take fields over by default. If ${configMap.file} should replace what is there, run apply-tkr again with --force-conflicts: nx run ${input.project}:apply-tkr --force-conflicts`,
          context: {
            command: r.command,
            kubectl:
              r.stderr
                .split('\n')
                .find((l) => /Apply failed/.test(l))
                ?.replace(/^error: /, '') ?? '',
          },
        },
      ),
    );
  }
  const ns = /namespaces "([^"]+)" not found/.exec(r.stderr);
  if (ns && ns[1] === namespace) return Promise.reject(await namespaceMissing(input, namespace, options));
  throw kubectlError(context, r, `apply ConfigMap ${configMap.name} in namespace ${namespace}`, {
    verb: 'patch',
    resource: 'configmaps',
    namespace,
  });
}

/** The TKr's OSImages must be exactly the BoM's images: the controller never rebuilds a TKr that exists. */
async function checkTkrImages(input: ApplyTkrInput, configMap: BomConfigMap, tkr: TkrObject, options: KubectlOptions): Promise<void> {
  const { context } = input.tkr.managementCluster;
  const namespace = input.tkr.managementCluster.namespace ?? DEFAULT_TKR_NAMESPACE;
  const name = configMap.tkrName;
  const names = (tkr.spec?.osImages ?? []).map((i) => i.name).filter((n): n is string => typeof n === 'string' && n !== '');
  let actual: string[] = [];
  if (names.length > 0) {
    const r = await kubectl(context, ['get', 'osimages', ...names, '-o', 'json'], { ...options, echo: undefined });
    if (r.exitCode !== 0 && !isNotFound(r))
      throw kubectlError(context, r, `read the OSImages of TKr ${name}`, { verb: 'get', resource: 'osimages' });
    const out = r.stdout.trim() === '' ? { items: [] } : parseKubectlJson<{ items?: OSImageObject[] } & OSImageObject>(r);
    actual = [...new Set((out.items ?? [out]).map(osImageImage))].sort();
  }
  const expected = bomImages(configMap.bom);
  const { missing, unexpected } = compareImages(expected, actual);
  if (missing.length === 0 && unexpected.length === 0) return;
  const suffix = input.tkr.suffix;
  const next = bumpSuffix(suffix);
  const nextTkr = name.endsWith(`-${suffix}`) ? `${name.slice(0, -suffix.length)}${next}` : undefined;
  throw new KilnError(
    'TKR_STALE',
    `TKr ${name} on context ${context} does not carry the images of the BoM just applied (ConfigMap ${namespace}/${configMap.name}): ${[
      ...missing.map((i) => `missing ${i}`),
      ...unexpected.map((i) => `has ${i}`),
    ].join(', ')}`,
    {
      hint:
        `TKr versions are immutable: the TKr controller does not rebuild a TKr that already exists from a changed ConfigMap. Either ` +
        `(1) bump the release suffix: set suffix: ${next} in tkrs/${input.project}/tkr.yaml (a new TKr${nextTkr ? ` ${nextTkr}` : ''}) and run apply-tkr again, or ` +
        `(2) if no cluster uses TKr ${name} (check with: kubectl --context ${context} get clusters.cluster.x-k8s.io -A -l ${CLUSTER_TKR_LABEL}=${name}), ` +
        `delete it with: kubectl --context ${context} delete tkr ${name}; then run apply-tkr again`,
      context: { bomImages: expected.join('\n'), tkrImages: actual.join('\n') || '(none)' },
    },
  );
}

export async function applyTkrStep(input: ApplyTkrInput): Promise<string> {
  const { workspaceRoot, project, tkr } = input;
  const { context } = tkr.managementCluster;
  const namespace = tkr.managementCluster.namespace ?? DEFAULT_TKR_NAMESPACE;
  const restart = tkr.managementCluster.restartController !== false;
  const prefix = `[${project}] `;
  const options: KubectlOptions = { cwd: workspaceRoot, signal: input.signal, echo: input.echo, prefix };

  const configMap = findBomConfigMap(workspaceRoot, project, input.bomPath);
  tkrTimeout(tkr, project, input.env); // a bad KILN_TKR_TIMEOUT_SECONDS stops the run before it changes anything

  // Every permission first: a run that would fail half-way changes nothing.
  const missing = await missingPermissions(
    context,
    tkrPermissions(namespace, { restartController: restart, configMapExists: true }),
    options,
  );
  const canGet = !missing.some((p) => p.verb === 'get' && p.resource === 'configmaps');
  const before = canGet ? await configMapVersion(context, namespace, configMap.name, options) : undefined;
  if (before === undefined)
    missing.push(
      ...(await missingPermissions(
        context,
        tkrPermissions(namespace, { restartController: restart }).filter((p) => p.verb === 'create'),
        options,
      )),
    );
  const order = tkrPermissions(namespace, { restartController: restart }).map((p) => `${p.verb} ${p.resource}`);
  missing.sort((a, b) => order.indexOf(`${a.verb} ${a.resource}`) - order.indexOf(`${b.verb} ${b.resource}`));
  if (missing.length > 0) throw permissionsError(context, missing, project);

  const after = await applyConfigMap(input, configMap, options);
  const changed = after !== before;
  input.echo?.write(`${prefix}configmap/${configMap.name} serverside-applied${changed ? '' : ' (unchanged)'}\n`);

  let restarted = 'controller not restarted (restartController: false)';
  if (restart) {
    if (!changed && (await getTkr(context, configMap.tkrName, options))) {
      restarted = 'ConfigMap unchanged and the TKr exists: controller not restarted';
    } else {
      const { deleted, terminating } = await restartController(context, namespace, options);
      restarted =
        deleted.length > 0
          ? `TKr controller restarted: deleted pod ${deleted.join(', ')}`
          : terminating.length > 0
            ? `the TKr controller is already restarting (pod ${terminating.join(', ')} is Terminating): left to its replacement`
            : `no running ${TKR_CONTROLLER_PREFIX}* pod in ${namespace}: left to the controller's periodic reconcile`;
      if (deleted.length === 0) input.echo?.write(`${prefix}${restarted}\n`);
    }
  }

  const waited = await waitForTkr(input, configMap.tkrName, configMap, options);
  await checkTkrImages(input, configMap, waited.tkr, options);
  const record: AppliedTkr = { tkr: configMap.tkrName, context, namespace, configMap: configMap.name, conditions: waited.conditions };
  writeFileAtomic(join(workspaceRoot, input.outputPath ?? tkrDist(project).applied, 'applied.json'), stableJson(record));
  return `TKr ${configMap.tkrName} is Ready and Compatible on ${context} with the BoM's images (ConfigMap ${namespace}/${configMap.name}; ${restarted})`;
}
