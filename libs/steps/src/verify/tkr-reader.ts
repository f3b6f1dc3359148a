// Reads a TKr and its OSImages from the management cluster for verify (kubectl get, nothing else).
import { isNotFound, kubectl, kubectlError, parseKubectlJson, type KubectlOptions } from '@kiln/runner';
import type { TkrCondition } from '../apply-tkr/apply-tkr-step';
import type { OSImageObject } from '../gen-bom/tkr-bom-images';

export interface TkrFacts {
  conditions: TkrCondition[];
  /** The OSImages the TKr lists (spec.osImages[].name). */
  osImageNames: string[];
}

interface TkrObject {
  spec?: { osImages?: { name?: string }[] };
  status?: { conditions?: TkrCondition[] };
}

/** The facts of `kubectl get tkr <name> -o json` output. */
export function parseTkr(stdout: string): TkrFacts {
  const tkr = JSON.parse(stdout) as TkrObject;
  return {
    conditions: (tkr.status?.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
    })),
    osImageNames: (tkr.spec?.osImages ?? []).map((i) => i.name).filter((n): n is string => typeof n === 'string' && n !== ''),
  };
}

/** The TKr, or undefined when it does not exist; a missing context, a 403 or anything else stops verify. */
export async function readTkr(context: string, name: string, options: KubectlOptions): Promise<TkrFacts | undefined> {
  const r = await kubectl(context, ['get', 'tkr', name, '-o', 'json'], { ...options, echo: undefined });
  if (r.exitCode === 0) return parseTkr(r.stdout);
  if (isNotFound(r)) return undefined;
  throw kubectlError(context, r, `read TKr ${name}`, { verb: 'get', resource: 'tanzukubernetesreleases' });
}

/**
 * The OSImages of `names` that exist, and the names that do not (`kubectl get osimages a b -o json` prints the found
 * ones and a NotFound error for each missing one).
 */
export async function readOsImages(
  context: string,
  names: string[],
  options: KubectlOptions,
): Promise<{ found: OSImageObject[]; missing: string[] }> {
  if (names.length === 0) return { found: [], missing: [] };
  const r = await kubectl(context, ['get', 'osimages', ...names, '-o', 'json'], { ...options, echo: undefined });
  if (r.exitCode !== 0 && !isNotFound(r))
    throw kubectlError(context, r, 'read the OSImages of the TKr', { verb: 'get', resource: 'osimages' });
  const out = r.stdout.trim() === '' ? { items: [] } : parseKubectlJson<{ items?: OSImageObject[] } & OSImageObject>(r);
  const found = out.items ?? [out];
  const have = new Set(found.map((o) => o.metadata?.name));
  return { found, missing: names.filter((n) => !have.has(n)) };
}
