// Two separate clones share a spec-conformant Nx self-hosted remote cache server (test/support/nx-cache-server.ts):
// the second clone's build is a remote cache hit and starts no container; only small records are shared (never the
// OVA); a read-only token writes nothing; a dead or misconfigured server is caught by `kiln cache-check` before any
// build, and NX_SKIP_REMOTE_CACHE=true is the documented fallback. Real Nx, real Docker, the stand-in images.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listTarEntries } from '@kiln/image-version';
import { requireDockerOrSkip } from './support/docker-engine';
import { bridgeGateway, dockerEvents } from './support/docker-watch';
import { kiln, kilnAsync } from './support/kiln-cli';
import { startNxCacheServer, type NxCacheServer } from './support/nx-cache-server';
import { taskStatuses } from './support/nx-output';
import { spawnNx, type NxExit } from './support/nx-process';
import { buildStandinImages, catalogImageNames } from './support/standin-images';
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace';

const IMAGE = 'ubuntu-2004-vsphere-plan';
const TAG = randomBytes(4).toString('hex');
const TOKENS = { readWrite: `rw-${TAG}`, readOnly: `ro-${TAG}` };

let a: TempWorkspace;
let b: TempWorkspace;
let server: NxCacheServer;
let home: string;
let baseEnv: Record<string, string | undefined>;
const timings: Record<string, number> = {};

function cacheEnv(token: string | undefined, url = server.url): Record<string, string | undefined> {
  return { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token, NX_SKIP_REMOTE_CACHE: undefined };
}

async function nx(ws: TempWorkspace, args: string[], env: Record<string, string | undefined>): Promise<NxExit> {
  return spawnNx(ws, args, { ...baseEnv, ...env }).done;
}

/** Makes clone b byte-identical to clone a (both were copied from the working tree, which others may be editing). */
function syncClone(from: TempWorkspace, to: TempWorkspace): void {
  for (const file of from.git(['ls-files']).split('\n').filter(Boolean))
    to.write(file, readFileSync(join(from.root, file)) as unknown as string);
  if (to.git(['status', '--porcelain']) !== '') to.commitAll('same content as clone a');
}

/** The file names inside an Nx cache record (a gzipped tar). */
function recordEntries(record: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-e2e-record-'));
  try {
    const file = join(dir, 'record.tar');
    writeFileSync(file, gunzipSync(record));
    return listTarEntries(file).map((e) => e.name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

requireDockerOrSkip('a shared Nx remote cache across two clones', () => {
  beforeAll(async () => {
    await buildStandinImages(catalogImageNames());
    server = await startNxCacheServer(TOKENS);
    a = createTempWorkspace();
    b = createTempWorkspace();
    syncClone(a, b);
    home = mkdtempSync(join(tmpdir(), 'kiln-e2e-home-'));
    mkdirSync(join(home, '.aws'));
    baseEnv = {
      VSPHERE_SERVER: 'vc.kiln-e2e.test',
      VSPHERE_USERNAME: `svc-${TAG}@vsphere.local`,
      VSPHERE_PASSWORD: `Vpw.${TAG}`,
      HOME: home,
      KILN_ADVERTISE_ADDRESS: bridgeGateway(),
      KILN_PULL_POLICY: undefined,
      KILN_NOW: undefined,
    };
  });

  afterAll(async () => {
    for (const ws of [a, b]) {
      if (!ws) continue;
      kiln(ws, ['bundle', 'stop', '--root', ws.root]);
      ws.dispose();
    }
    await server?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('clone a builds and shares small records; clone b gets a remote cache hit and starts no container', async () => {
    const checkA = await kilnAsync(a, ['cache-check', '--expect', 'read-write'], cacheEnv(TOKENS.readWrite));
    expect(checkA.stdout, checkA.stderr).toBe(`ok: remote cache ${server.url}: reachable, token is read-write\n`);
    const probeRecords = server.records.size;

    let t0 = Date.now();
    const ra = await nx(a, ['run', `${IMAGE}:build`], cacheEnv(TOKENS.readWrite));
    timings.cloneA = Date.now() - t0;
    expect(ra.code, ra.stdout + ra.stderr).toBe(0);
    expect(taskStatuses(ra.stdout)).toEqual({ [`${IMAGE}:render-config`]: 'ran', [`${IMAGE}:build`]: 'ran' });
    expect(a.exists(`dist/images/${IMAGE}/output`)).toBe(true);
    // Two records (render-config, build), each small and never holding the OVA or logs.
    const puts = server.requests.filter((r) => r.method === 'PUT' && r.hash !== '00000000000000000001');
    expect(puts.map((p) => p.status)).toEqual([200, 200]);
    expect(server.records.size).toBe(probeRecords + 2);
    const entries = puts.map((p) => recordEntries(server.records.get(p.hash)!));
    for (const p of puts) expect(server.records.get(p.hash)!.length).toBeLessThan(64 * 1024);
    const all = entries.flat();
    expect(all.filter((n) => /(^|\/)dist\/images\/[^/]+\/(output|logs)\//.test(n) || /\.ova$/.test(n))).toEqual([]);
    expect(all).toContain(`dist/images/${IMAGE}/build/artifact.json`);

    const checkB = await kilnAsync(b, ['cache-check', '--expect', 'read-write'], cacheEnv(TOKENS.readWrite));
    expect(checkB.code).toBe(0);
    t0 = Date.now();
    const rb = await nx(b, ['run', `${IMAGE}:build`], cacheEnv(TOKENS.readWrite));
    const t1 = Date.now();
    timings.cloneB = t1 - t0;
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect(taskStatuses(rb.stdout)).toEqual({ [`${IMAGE}:render-config`]: 'remote cache', [`${IMAGE}:build`]: 'remote cache' });
    // No Kiln container (image builder or resource bundle) started; other suites may use the engine meanwhile.
    expect(dockerEvents('container', t0, t1 + 1000, 'start').filter((e) => e.name.startsWith('kiln-'))).toEqual([]);
    expect(b.read(`dist/images/${IMAGE}/build/artifact.json`)).toBe(a.read(`dist/images/${IMAGE}/build/artifact.json`));
    expect(b.exists(`dist/images/${IMAGE}/output`)).toBe(false);
    console.log(`two-clone timings: clone a (build ran) ${timings.cloneA} ms, clone b (remote cache hit) ${timings.cloneB} ms`);
  });

  it('a read-only token (pull-request jobs) reads but writes nothing', async () => {
    expect((await kilnAsync(b, ['cache-check', '--expect', 'read-only'], cacheEnv(TOKENS.readOnly))).stdout).toBe(
      `ok: remote cache ${server.url}: reachable, token is read-only\n`,
    );
    const wrong = await kilnAsync(b, ['cache-check', '--expect', 'read-only'], cacheEnv(TOKENS.readWrite));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the token can write, but this job must use a read-only token');
    const before = new Map(server.records);
    const requestsBefore = server.requests.length;
    b.write(
      'images/ro-only/image.yaml',
      b.read(`images/${IMAGE}/image.yaml`).replace('templateName: ubuntu-2004-kube-v1.26.5-myorg.0', 'templateName: ro-only'),
    );
    const r = await nx(b, ['run', 'ro-only:render-config'], cacheEnv(TOKENS.readOnly));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(taskStatuses(r.stdout)).toEqual({ 'ro-only:render-config': 'ran' });
    expect(server.records).toEqual(before);
    const after = server.requests.slice(requestsBefore);
    expect(after.filter((q) => q.method === 'PUT').map((q) => q.status)).toEqual([403]);
  });

  it('a dead or misconfigured cache is caught by the preflight; NX_SKIP_REMOTE_CACHE=true is the fallback', async () => {
    // A server that answers like WebDAV (201 on PUT): Nx 23 would call every task failed.
    const webdav: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(req.method === 'PUT' ? 201 : 404);
        res.end();
      });
    });
    await new Promise<void>((resolve) => webdav.listen(0, '127.0.0.1', resolve));
    const webdavUrl = `http://127.0.0.1:${(webdav.address() as AddressInfo).port}`;
    const mis = await kilnAsync(b, ['cache-check'], cacheEnv(TOKENS.readWrite, webdavUrl));
    await new Promise<void>((resolve) => webdav.close(() => resolve()));
    expect(mis.code).toBe(1);
    expect(mis.stderr).toBe(
      `error: remote cache ${webdavUrl}: PUT /v1/cache/{hash} answered 201; Nx 23 needs 200 (or 403 for a read-only token) and otherwise reports tasks that succeeded as failed ("Misconfigured remote cache endpoint")\n` +
        '  fix: use a server that implements the Nx remote cache spec (not a plain WebDAV/S3 endpoint); fallback: set NX_SKIP_REMOTE_CACHE=true to build with the local Nx cache only (nothing is shared between runners)\n',
    );
    const badToken = await kilnAsync(b, ['cache-check'], cacheEnv('not-a-token'));
    expect(badToken.code).toBe(1);
    expect(badToken.stderr.split('\n')[0]).toBe(`error: remote cache ${server.url}: the token was rejected (GET answered 401)`);

    await server.close();
    const dead = await kilnAsync(b, ['cache-check'], cacheEnv(TOKENS.readWrite));
    expect(dead.code).toBe(1);
    expect(dead.stderr).toBe(
      `error: remote cache ${server.url}: not reachable (ECONNREFUSED)\n` +
        '  fix: start the cache server or fix NX_SELF_HOSTED_REMOTE_CACHE_SERVER; fallback: set NX_SKIP_REMOTE_CACHE=true to build with the local Nx cache only (nothing is shared between runners)\n',
    );
    // What the preflight prevents: Nx 23.3.1 fails the whole run on the dead server (here the task is skipped).
    b.write(
      'images/dead-cache/image.yaml',
      b.read(`images/${IMAGE}/image.yaml`).replace('templateName: ubuntu-2004-kube-v1.26.5-myorg.0', 'templateName: dead-cache'),
    );
    const r = await nx(b, ['run', 'dead-cache:render-config'], cacheEnv(TOKENS.readWrite));
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(`Failed to send request: error sending request for url (${server.url}/v1/cache/`);
    expect(b.exists('dist/images/dead-cache/config/build-plan.json')).toBe(false);
    // The documented fallback: skip the remote cache.
    const skipped = await nx(b, ['run', 'dead-cache:render-config', '--skip-nx-cache'], {
      ...cacheEnv(TOKENS.readWrite),
      NX_SKIP_REMOTE_CACHE: 'true',
    });
    expect(skipped.code, skipped.stdout + skipped.stderr).toBe(0);
    expect((await kilnAsync(b, ['cache-check'], { ...cacheEnv(TOKENS.readWrite), NX_SKIP_REMOTE_CACHE: 'true' })).stdout).toBe(
      'ok: remote cache skipped (NX_SKIP_REMOTE_CACHE=true): this run uses the local Nx cache only\n',
    );
  });
});
