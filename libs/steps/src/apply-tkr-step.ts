// apply-tkr: server-side apply the BoM ConfigMap gen-bom wrote, restart the TKr controller (unless disabled),
// and wait until the TKr exists and is Ready and Compatible; records the result in applied.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import { KilnError } from '@kiln/errors';
import { stableJson } from '@kiln/render';
import type { KilnTkr } from '@kiln/spec';
import { writeFileAtomic } from './atomic-write';
import { formatElapsed } from './build-progress';
import { isAccessProblem, isNotFound, kubectl, kubectlError, parseKubectlJson, type KubectlOptions } from './kubectl-command';

export const DEFAULT_TKR_NAMESPACE = 'tkr-system';
export const DEFAULT_TKR_TIMEOUT_SECONDS = 900;
export const DEFAULT_TKR_POLL_SECONDS = 5;
/** The label of the tkr-controller-manager Deployment's pods, and the pods' name prefix. */
export const TKR_CONTROLLER_SELECTOR = 'control-plane=controller-manager';
export const TKR_CONTROLLER_PREFIX = 'tkr-controller-manager-';
/** The ConfigMap label the TKr controller reads; its value is the TKr name. */
export const TKR_LABEL = 'tanzuKubernetesRelease';

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

interface BomConfigMap {
  /** Workspace-relative path. */
  file: string;
  name: string;
  tkrName: string;
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
export function findBomConfigMap(workspaceRoot: string, project: string, bomPath = `dist/tkrs/${project}`): BomConfigMap {
  const dir = join(workspaceRoot, bomPath);
  const found = existsSync(dir) ? readdirSync(dir).filter((f) => /^configmap-.+\.ya?ml$/.test(f)).sort() : [];
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
  const doc = readYaml(join(workspaceRoot, file)) as { kind?: unknown; metadata?: { name?: unknown; labels?: Record<string, unknown> }; binaryData?: { bomContent?: unknown } } | undefined;
  const name = doc?.metadata?.name;
  const tkrName = doc?.metadata?.labels?.[TKR_LABEL];
  if (doc?.kind !== 'ConfigMap' || typeof name !== 'string' || typeof tkrName !== 'string' || typeof doc.binaryData?.bomContent !== 'string') {
    throw new KilnError('TKR_CONFIGMAP_INVALID', `${file} is not a TKr BoM ConfigMap (kind ConfigMap, metadata.name, label ${TKR_LABEL}, binaryData.bomContent)`, {
      file,
      hint: `run nx run ${project}:gen-bom again`,
    });
  }
  return { file, name, tkrName };
}

function conditionsOf(tkr: { status?: { conditions?: TkrCondition[] } }): TkrCondition[] {
  return (tkr.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) }));
}

function describeCondition(c: TkrCondition | undefined, type: string): string {
  if (!c) return `${type} not reported yet`;
  const why = [c.reason, c.message].filter(Boolean).join(': ');
  return `${type}=${c.status}${why ? ` (${why})` : ''}`;
}

/** Deletes the tkr-controller-manager pod(s) so the controller reconciles now; returns the deleted names. */
async function restartController(context: string, namespace: string, options: KubectlOptions): Promise<string[]> {
  const podsOf = async (selector: string[]) => {
    const r = await kubectl(context, ['-n', namespace, 'get', 'pods', ...selector, '-o', 'json'], { ...options, echo: undefined });
    if (r.exitCode !== 0) throw kubectlError(context, r, `list the pods in namespace ${namespace}`, { verb: 'list', resource: 'pods', namespace });
    return parseKubectlJson<{ items: { metadata: { name: string } }[] }>(r)
      .items.map((p) => p.metadata.name)
      .filter((n) => n.startsWith(TKR_CONTROLLER_PREFIX));
  };
  let pods = await podsOf(['-l', TKR_CONTROLLER_SELECTOR]);
  if (pods.length === 0) pods = await podsOf([]);
  for (const pod of pods) {
    const r = await kubectl(context, ['-n', namespace, 'delete', 'pod', pod, '--wait=false'], options);
    if (r.exitCode !== 0 && !isNotFound(r)) throw kubectlError(context, r, `delete pod ${pod} in namespace ${namespace}`, { verb: 'delete', resource: 'pods', namespace });
  }
  return pods;
}

interface Waited {
  conditions: TkrCondition[];
}

/** Polls `kubectl get tkr <name> -o json` until Ready=True and Compatible=True, Compatible=False, or the timeout. */
async function waitForTkr(input: ApplyTkrInput, name: string, configMap: BomConfigMap, options: KubectlOptions): Promise<Waited> {
  const { context } = input.tkr.managementCluster;
  const namespace = input.tkr.managementCluster.namespace ?? DEFAULT_TKR_NAMESPACE;
  const timeoutSeconds = input.tkr.managementCluster.timeoutSeconds ?? DEFAULT_TKR_TIMEOUT_SECONDS;
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
      const conditions = conditionsOf(parseKubectlJson(r));
      const ready = conditions.find((c) => c.type === 'Ready');
      const compatible = conditions.find((c) => c.type === 'Compatible');
      if (compatible?.status === 'False') {
        throw new KilnError('TKR_NOT_COMPATIBLE', `TKr ${name} is not compatible with the management cluster: ${describeCondition(compatible, 'Compatible')}`, {
          hint: `inspect it with: ${inspect} (a custom TKr must start from a BoM of the management cluster's TKG version)`,
          context: { conditions: conditions.map((c) => describeCondition(c, c.type)).join('\n') },
        });
      }
      if (ready?.status === 'True' && compatible?.status === 'True') return { conditions };
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
      if (seen) {
        const ready = seen.find((c) => c.type === 'Ready');
        const compatible = seen.find((c) => c.type === 'Compatible');
        throw new KilnError('TKR_NOT_READY', `TKr ${name} exists but is not Ready after ${timeoutSeconds} s: ${describeCondition(ready, 'Ready')}, ${describeCondition(compatible, 'Compatible')}`, {
          hint: `inspect it with: ${inspect}`,
        });
      }
      throw new KilnError('TKR_TIMEOUT', `TKr ${name} did not appear within ${timeoutSeconds} s`, {
        hint: `check that the TKr controller read the ConfigMap: kubectl --context ${context} -n ${namespace} logs -l ${TKR_CONTROLLER_SELECTOR}; the TKr: kubectl --context ${context} get tkr ${name}; raise managementCluster.timeoutSeconds in tkrs/${input.project}/tkr.yaml if the controller is slow`,
        context: { configMap: `kubectl --context ${context} -n ${namespace} get configmap ${configMap.name} -o yaml`, ...(lastError ? { lastError } : {}) },
      });
    }
    if (now - lastProgress >= progressMs) {
      const state = seen ? `, ${describeCondition(seen.find((c) => c.type === 'Ready'), 'Ready')}` : '';
      input.echo?.write(`${prefix}waiting for TKr ${name} (elapsed ${formatElapsed(now - started)}${state})\n`);
      lastProgress = now;
    }
    try {
      await sleep(Math.min(pollMs, Math.max(0, deadline - now)), undefined, { signal: input.signal });
    } catch {
      throw new KilnError('COMMAND_ABORTED', `apply-tkr was interrupted while waiting for TKr ${name}`, { hint: `the ConfigMap is applied; check the TKr with: ${inspect}` });
    }
  }
}

export async function applyTkrStep(input: ApplyTkrInput): Promise<string> {
  const { workspaceRoot, project, tkr } = input;
  const { context } = tkr.managementCluster;
  const namespace = tkr.managementCluster.namespace ?? DEFAULT_TKR_NAMESPACE;
  const prefix = `[${project}] `;
  const options: KubectlOptions = { cwd: workspaceRoot, signal: input.signal, echo: input.echo, prefix };

  const configMap = findBomConfigMap(workspaceRoot, project, input.bomPath);
  const applied = await kubectl(context, ['-n', namespace, 'apply', '--server-side', '--field-manager=kiln', '-f', configMap.file], options);
  if (applied.exitCode !== 0) {
    throw kubectlError(context, applied, `apply ConfigMap ${configMap.name} in namespace ${namespace}`, { verb: 'patch', resource: 'configmaps', namespace });
  }

  let restarted = 'controller not restarted (restartController: false)';
  if (tkr.managementCluster.restartController !== false) {
    const pods = await restartController(context, namespace, options);
    restarted = pods.length > 0 ? `TKr controller restarted: deleted pod ${pods.join(', ')}` : `no ${TKR_CONTROLLER_PREFIX}* pod in ${namespace}: left to the controller's periodic reconcile`;
    if (pods.length === 0) input.echo?.write(`${prefix}${restarted}\n`);
  }

  const { conditions } = await waitForTkr(input, configMap.tkrName, configMap, options);
  const record: AppliedTkr = { tkr: configMap.tkrName, context, namespace, configMap: configMap.name, conditions };
  writeFileAtomic(join(workspaceRoot, input.outputPath ?? `dist/applied/tkrs/${project}`, 'applied.json'), stableJson(record));
  return `TKr ${configMap.tkrName} is Ready and Compatible on ${context} (ConfigMap ${namespace}/${configMap.name}; ${restarted})`;
}
