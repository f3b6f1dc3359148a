// Preflight of Nx's self-hosted remote cache: reachable, token accepted, scope (read-only or read-write), PUT answered
// with the 200 Nx 23 requires. Nx reports a task that succeeded as failed when the cache PUT fails, so a dead or
// misconfigured cache must be caught before any build starts. The token is sent in a header only, never printed.

const CACHE_SERVER_ENV = 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER';
const CACHE_TOKEN_ENV = 'NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN';
const SKIP_ENV = 'NX_SKIP_REMOTE_CACHE';
/** The one record the write probe creates (a fixed hash: later probes get 409, which also proves write access). */
const PROBE_HASH = '00000000000000000001';
const FALLBACK = `fallback: set ${SKIP_ENV}=true to build with the local Nx cache only (nothing is shared between runners)`;

export type CacheScope = 'read-write' | 'read-only';

export interface CacheCheck {
  ok: boolean;
  /** 'not configured' and 'skipped' are ok. */
  state: 'not configured' | 'skipped' | CacheScope | 'failed';
  message: string;
  /** What to do (failures only). */
  fix?: string;
}

async function request(url: string, method: 'GET' | 'PUT', token: string | undefined, timeoutMs: number): Promise<number | Error> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const body = method === 'PUT' ? Buffer.from('kiln remote cache preflight probe\n') : undefined;
  if (body) headers['Content-Type'] = 'application/octet-stream';
  try {
    const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return new Error(cause?.code ?? cause?.message ?? (e as Error).message);
  }
}

export async function checkRemoteCache(
  env: NodeJS.ProcessEnv = process.env,
  options: { expect?: CacheScope; timeoutMs?: number } = {},
): Promise<CacheCheck> {
  const server = env[CACHE_SERVER_ENV];
  if (env[SKIP_ENV] === 'true')
    return { ok: true, state: 'skipped', message: `remote cache skipped (${SKIP_ENV}=true): this run uses the local Nx cache only` };
  if (!server)
    return {
      ok: true,
      state: 'not configured',
      message: `remote cache not configured (${CACHE_SERVER_ENV} unset): this run uses the local Nx cache only`,
    };
  const token = env[CACHE_TOKEN_ENV] || undefined;
  const fail = (message: string, fix: string): CacheCheck => ({
    ok: false,
    state: 'failed',
    message: `remote cache ${server}: ${message}`,
    fix: `${fix}; ${FALLBACK}`,
  });
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    return fail(`${CACHE_SERVER_ENV} is not a URL`, 'set it to the server address, e.g. https://nx-cache.example.com');
  }
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/v1/cache/${PROBE_HASH}`, base).toString();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const get = await request(url, 'GET', token, timeoutMs);
  if (get instanceof Error) return fail(`not reachable (${get.message})`, `start the cache server or fix ${CACHE_SERVER_ENV}`);
  if (get === 401)
    return fail(`the token was rejected (GET answered 401)`, `set ${CACHE_TOKEN_ENV} to a valid token (from the CI secret store)`);
  if (get === 403) return fail(`the token may not read (GET answered 403)`, `give the token read access`);
  if (get !== 200 && get !== 404)
    return fail(
      `GET /v1/cache/{hash} answered ${get}, not 200 or 404: this is not an Nx self-hosted cache endpoint`,
      `point ${CACHE_SERVER_ENV} at the server's base URL (Nx adds /v1/cache/{hash})`,
    );
  const put = await request(url, 'PUT', token, timeoutMs);
  if (put instanceof Error) return fail(`PUT failed (${put.message})`, 'check the server logs');
  let scope: CacheScope;
  if (put === 200 || put === 409) scope = 'read-write';
  else if (put === 403) scope = 'read-only';
  else if (put === 401) return fail('the token was rejected (PUT answered 401)', `set ${CACHE_TOKEN_ENV} to a valid token`);
  else
    return fail(
      `PUT /v1/cache/{hash} answered ${put}; Nx 23 needs 200 (or 403 for a read-only token) and otherwise reports tasks that succeeded as failed ("Misconfigured remote cache endpoint")`,
      'use a server that implements the Nx remote cache spec (not a plain WebDAV/S3 endpoint)',
    );
  if (options.expect && options.expect !== scope) {
    return options.expect === 'read-only'
      ? fail(
          'the token can write, but this job must use a read-only token (a pull request must not be able to poison the cache main uses)',
          `give this job the read-only token in ${CACHE_TOKEN_ENV}`,
        )
      : fail('the token is read-only, so this job would share nothing', `give this job the read-write token in ${CACHE_TOKEN_ENV}`);
  }
  return { ok: true, state: scope, message: `remote cache ${server}: reachable, token is ${scope}` };
}

export function formatCacheCheck(c: CacheCheck): string {
  return c.ok ? `ok: ${c.message}\n` : `error: ${c.message}\n  fix: ${c.fix}\n`;
}
