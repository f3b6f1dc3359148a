// `kiln cache-check [--expect read-only|read-write]`: the remote cache preflight; run it before any nx build in CI.
import { defineCommand, UsageError } from './command-args';
import { checkRemoteCache, formatCacheCheck, type CacheScope } from './remote-cache-check';

const CACHE_CHECK_USAGE = `usage: kiln cache-check [--expect read-only|read-write] [--json]

Checks the Nx self-hosted remote cache named by NX_SELF_HOSTED_REMOTE_CACHE_SERVER with the token in
NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: reachable, token accepted, its scope, and a PUT that answers as Nx 23 needs.
Exits 1 on a problem (Nx would otherwise report builds that succeeded as failed). Fallback: NX_SKIP_REMOTE_CACHE=true.
`;

export const cacheCheckCommand = defineCommand({
  name: 'cache-check',
  usage: CACHE_CHECK_USAGE,
  options: { expect: { type: 'string' }, json: { type: 'boolean' } },
  run: async ({ values }, out, err) => {
    if (values.expect !== undefined && values.expect !== 'read-only' && values.expect !== 'read-write') {
      throw new UsageError(`--expect must be read-only or read-write (got ${JSON.stringify(values.expect)})`);
    }
    const check = await checkRemoteCache(process.env, { expect: values.expect as CacheScope | undefined });
    if (values.json) out.write(JSON.stringify(check) + '\n');
    else (check.ok ? out : err).write(formatCacheCheck(check));
    return check.ok ? 0 : 1;
  },
});
