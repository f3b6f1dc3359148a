// Builds run by users other than root against a stand-in that runs as the real image's user (imagebuilder,
// uid 1000): what the builder writes is writable by it, what the build leaves in dist/ belongs to the user
// who ran Kiln, Azure logs in into the container's own config folder, and a second host user of uid 1000
// (a real person on a shared build host) can read no credential while a build runs.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireDockerOrSkip } from './support/docker-engine';
import { bridgeGateway, containersNamed, waitForRunningContainer } from './support/docker-watch';
import { taskStatuses } from './support/nx-output';
import { nxEnvironment } from './support/nx-process';
import { secretsIn, type Secrets } from './support/secret-scan';
import { buildStandinImages, catalogImageNames } from './support/standin-images';
import { createTempWorkspace, stripAnsi, type TempWorkspace } from './support/temp-workspace';
import { requireTools, toolsOrSkip, Vcsim } from './support/vcsim';

/** A non-root Kiln user other than the builder's uid (GitHub-hosted runners run as 1001). */
const KILN_UID = 1001;
/** The builder's uid, and on a shared host often a real person's. */
const OTHER_UID = 1000;
const AZURE_SUBSCRIPTION = '00000000-0000-4000-8000-000000000001';
const TAG = randomBytes(4).toString('hex');
const SECRETS: Secrets = {
  VSPHERE_USERNAME: `svc-${TAG}@vsphere.local`,
  VSPHERE_PASSWORD: `Vpw.${TAG}@users`,
  AZURE_TENANT_ID: `tenant-${TAG}`,
  AZURE_CLIENT_ID: `client-${TAG}`,
  AZURE_CLIENT_SECRET: `Az~${TAG}.users`,
  AWS_ACCESS_KEY_ID: `AKIAUSR${TAG.toUpperCase()}`,
  AWS_SECRET_ACCESS_KEY: `aws/${TAG}+usersKEY`,
};

let ws: TempWorkspace;
let home: string;
let env: Record<string, string | undefined>;
/** Supplementary group that may use the Docker socket (its group), for the non-root users. */
let socketGid: number;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The Docker socket path of DOCKER_HOST (default /var/run/docker.sock). */
function dockerSocket(): string {
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) throw new Error(`DOCKER_HOST ${host} is not a unix socket: the other-user tests need one`);
  return host.slice('unix://'.length);
}

/** Runs a command as `uid` (gid = uid, plus the socket's group), with no capabilities. */
function asUser(uid: number, command: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ReturnType<typeof spawn> {
  const args = [`--reuid=${uid}`, `--regid=${uid}`, `--groups=${socketGid}`, '--inh-caps=-all', '--', ...command];
  return spawn('setpriv', args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(child: ReturnType<typeof spawn>): Promise<Exit> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr) }));
  });
}

/** node_modules/nx/<bin> of a workspace, as nx's package.json names it. */
function nxBin(root: string): string {
  return join(
    'node_modules',
    'nx',
    (JSON.parse(readFileSync(join(root, 'node_modules/nx/package.json'), 'utf8')) as { bin: { nx: string } }).bin.nx,
  );
}

/** `nx <args>` in the workspace as uid KILN_UID. */
function nxAs(args: string[], extraEnv: Record<string, string | undefined> = {}): { done: Promise<Exit> } {
  const child = asUser(KILN_UID, [process.execPath, nxBin(ws.root), ...args, '--outputStyle=static'], {
    cwd: ws.root,
    env: nxEnvironment(ws, { ...env, ...extraEnv }),
  });
  return { done: collect(child) };
}

function chownTree(path: string, uid: number): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  chownSync(path, uid, uid);
  if (st.isDirectory()) for (const e of readdirSync(path)) chownTree(join(path, e), uid);
}

/** Distinct uid:gid owners of a folder and everything under it. */
function ownersUnder(dir: string): string[] {
  const owners = new Set<string>();
  const visit = (path: string) => {
    const st = lstatSync(path);
    owners.add(`${st.uid}:${st.gid}`);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return [...owners].sort();
}

/**
 * What a host user can read: a scanner run AS that user walks the given roots (no symlinks, unreadable
 * folders skipped) and prints every readable file holding a secret. The secrets reach it through its
 * environment, never its arguments.
 */
async function secretsReadableBy(uid: number, roots: string[]): Promise<{ hits: string[]; files: number }> {
  const script = `
    const fs = require('node:fs'); const path = require('node:path');
    const secrets = JSON.parse(process.env.SCAN_SECRETS);
    const forms = (v) => [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1), Buffer.from(v).toString('base64')];
    let files = 0; const hits = [];
    const visit = (p) => {
      let st; try { st = fs.lstatSync(p); } catch { return; }
      if (st.isDirectory()) { let es; try { es = fs.readdirSync(p); } catch { return; } for (const e of es) visit(path.join(p, e)); return; }
      if (!st.isFile() || st.size > 64 * 1024 * 1024) return;
      let text; try { text = fs.readFileSync(p).toString('latin1'); } catch { return; }
      files++;
      for (const [name, value] of Object.entries(secrets)) if (forms(value).some((f) => text.includes(f))) hits.push(p + ': ' + name);
    };
    for (const root of JSON.parse(process.env.SCAN_ROOTS)) visit(root);
    process.stdout.write(JSON.stringify({ hits, files }));`;
  const r = await collect(
    asUser(uid, [process.execPath, '-e', script], {
      env: { PATH: process.env.PATH, SCAN_SECRETS: JSON.stringify(SECRETS), SCAN_ROOTS: JSON.stringify(roots) },
    }),
  );
  if (r.code !== 0) throw new Error(`scanner as uid ${uid} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { hits: string[]; files: number };
}

/**
 * `docker exec` output; retried up to `withinMs` (an exec into a container that is still starting can
 * fail with "read init-p: connection reset by peer" on a loaded machine).
 */
async function dockerExec(container: string, command: string[], withinMs: number): Promise<string> {
  const start = Date.now();
  for (;;) {
    const r = spawnSync('docker', ['exec', container, ...command], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return r.stdout;
    if (Date.now() - start > withinMs) throw new Error(`docker exec ${command.join(' ')} failed for ${withinMs} ms: ${r.stderr}`);
    await sleep(500);
  }
}

function sample(name: string, extra = ''): string {
  return ws.read(`images/${name}/image.yaml`) + extra;
}

requireDockerOrSkip('builds run by non-root users against a builder that runs as uid 1000', () => {
  beforeAll(async () => {
    await buildStandinImages(catalogImageNames());
    const socket = dockerSocket();
    socketGid = statSync(socket).gid;
    // The socket and the folders above it must be reachable by the other users (the socket's group grants use).
    for (let dir = dirname(socket); dir !== '/'; dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) chmodSync(dir, statSync(dir).mode | 0o001);
    }
    if ((statSync(socket).mode & 0o060) !== 0o060) chmodSync(socket, statSync(socket).mode | 0o060);

    ws = createTempWorkspace();
    home = mkdtempSync(join(tmpdir(), 'kiln-users-home-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'config'), '[default]\nregion = us-east-1\n', { mode: 0o600 });
    writeFileSync(
      join(home, '.aws', 'credentials'),
      `[default]\naws_access_key_id = ${SECRETS.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${SECRETS.AWS_SECRET_ACCESS_KEY}\n`,
      { mode: 0o600 },
    );
    mkdirSync(join(home, '.azure'));
    writeFileSync(join(home, '.azure', 'azureProfile.json'), '{"subscriptions": []}\n');
    env = {
      ...SECRETS,
      HOME: home,
      VSPHERE_SERVER: 'vc.kiln-users.test',
      AZURE_SUBSCRIPTION_ID: AZURE_SUBSCRIPTION,
      KILN_ADVERTISE_ADDRESS: bridgeGateway(),
      KILN_PULL_POLICY: undefined,
      KILN_NOW: undefined,
      KILN_VSPHERE_CREDENTIALS_FILE: undefined,
    };
    ws.write('images/users-vsphere/image.yaml', sample('ubuntu-2004-vsphere-plan'));
    ws.write('images/users-slow/image.yaml', sample('ubuntu-2004-vsphere-plan', 'packerVars:\n  kiln_standin_sleep: "25"\n'));
    ws.write('images/users-aws/image.yaml', sample('ubuntu-2004-aws-cis'));
    ws.write('images/users-azure/image.yaml', sample('ubuntu-2004-azure-fips'));
    // Uploaded to vcsim: its default inventory (DC0, cluster DC0_C0, datastore LocalDS_0).
    ws.write(
      'images/users-vcsim/image.yaml',
      sample('ubuntu-2004-vsphere-plan')
        .replace(/datacenter: .*/, 'datacenter: /DC0')
        .replace(/folder: .*/, 'folder: /DC0/vm')
        .replace(/datastore: .*/, 'datastore: LocalDS_0')
        .replace(/resourcePool: .*/, 'resourcePool: /DC0/host/DC0_C0/Resources')
        .replace(/cluster: .*/, 'cluster: DC0_C0')
        .replace(/templateName: .*/, 'templateName: kiln-users-vcsim'),
    );
    ws.commitAll('images built by other users');
    // A checkout as users have one: owned by the Kiln user, readable by everyone (so the uid-1000 scan sees it).
    chownTree(ws.root, KILN_UID);
    chownTree(home, KILN_UID);
    chmodSync(ws.root, 0o755);
    chmodSync(home, 0o755);
  });

  afterAll(() => {
    for (const name of containersNamed('kiln-build-users-')) spawnSync('docker', ['rm', '-f', name]);
    ws?.dispose();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it(`a build run by uid ${KILN_UID} writes the OVA and the AWS manifest, and leaves dist/ owned by and removable by that user`, async () => {
    const r = await nxAs(['run-many', '-t', 'build', '--projects', 'users-vsphere,users-aws', '--parallel', '2']).done;
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(taskStatuses(r.stdout)).toMatchObject({ 'users-vsphere:build': 'ran', 'users-aws:build': 'ran' });
    const ova = JSON.parse(ws.read('dist/images/users-vsphere/build/artifact.json')) as { ova: { path: string } };
    expect(ova.ova.path).toBe('dist/images/users-vsphere/output/kiln-users-vsphere/kiln-users-vsphere.ova');
    expect(JSON.parse(ws.read('dist/images/users-aws/build/artifact.json'))).toHaveProperty('amis');
    expect(ws.exists('dist/images/users-aws/output/manifest.json')).toBe(true);
    expect(ownersUnder(join(ws.root, 'dist'))).toEqual([`${KILN_UID}:${KILN_UID}`]);
    // Nothing under dist/ is writable by other users.
    const writable = (p: string): string[] => {
      const st = lstatSync(p);
      const own = st.mode & 0o022 ? [p] : [];
      return st.isDirectory() ? [...own, ...readdirSync(p).flatMap((e) => writable(join(p, e)))] : own;
    };
    expect(writable(join(ws.root, 'dist'))).toEqual([]);
    const rm = await collect(asUser(KILN_UID, ['rm', '-rf', join(ws.root, 'dist', 'images')]));
    expect(rm.code, rm.stderr).toBe(0);
    expect(ws.exists('dist/images')).toBe(false);
  });

  it(`the OVA a build run by uid ${KILN_UID} leaves in dist/ is one the real govc imports into vcsim (upload as uid ${KILN_UID})`, async () => {
    const tools = toolsOrSkip(['govc', 'vcsim']);
    if (tools.skip) return; // not under CI=true: there, missing tools fail the test (requireTools)
    requireTools(tools.missing);
    const vcsim = new Vcsim();
    await vcsim.start();
    try {
      const vc = {
        VSPHERE_SERVER: vcsim.url,
        VSPHERE_USERNAME: vcsim.username,
        VSPHERE_PASSWORD: vcsim.password,
        VSPHERE_INSECURE: 'true',
      };
      const r = await nxAs(['run', 'users-vcsim:upload'], vc).done;
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(taskStatuses(r.stdout)).toMatchObject({ 'users-vcsim:build': 'ran', 'users-vcsim:upload': 'ran' });
      const info = JSON.parse(vcsim.govc(['vm.info', '-json', '/DC0/vm/kiln-users-vcsim']).stdout) as {
        VirtualMachines: Array<{ Config: { Template: boolean } }> | null;
      };
      expect(info.VirtualMachines?.[0]?.Config.Template).toBe(true);
      expect(JSON.parse(ws.read('dist/images/users-vcsim/upload/published.json'))).toMatchObject({
        vsphere: { templateName: 'kiln-users-vcsim' },
      });
    } finally {
      await vcsim.stop();
    }
  });

  it(`an Azure build run by uid ${KILN_UID} logs in into the container's own config folder and never touches ~/.azure`, async () => {
    const before = readFileSync(join(home, '.azure', 'azureProfile.json'), 'utf8');
    const r = await nxAs(['run', 'users-azure:build']).done;
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const record = JSON.parse(ws.read('dist/images/users-azure/build/artifact.json')) as { sigImageVersionId: string };
    expect(record.sigImageVersionId).toContain('/images/capi-ubuntu-2004/versions/');
    expect(readdirSync(join(home, '.azure'))).toEqual(['azureProfile.json']);
    expect(readFileSync(join(home, '.azure', 'azureProfile.json'), 'utf8')).toBe(before);
    expect(secretsIn(r.stdout + r.stderr, SECRETS, 'nx output')).toEqual([]);
  });

  it(`while a build runs, host uid ${OTHER_UID} can read no credential anywhere under ${tmpdir()}, the workspace or the Kiln user's home`, async () => {
    const run = nxAs(['run', 'users-slow:build']);
    let ended = false;
    void run.done.then(() => (ended = true));
    const container = await waitForRunningContainer('kiln-build-users-slow-', 180_000, () => !ended);
    // The credentials are in the running container (proof the scan ran while they existed)...
    const inside = await dockerExec(container, ['stat', '-c', '%u:%g %a', '/home/imagebuilder/vsphere.json'], 20_000);
    expect(inside).toBe('1000:1000 600\n');
    expect(await dockerExec(container, ['cat', '/home/imagebuilder/vsphere.json'], 20_000)).toContain(SECRETS.VSPHERE_PASSWORD);
    // ...and in no host file another user can read.
    const scan = await secretsReadableBy(OTHER_UID, [tmpdir(), ws.root, home]);
    expect(scan.files).toBeGreaterThan(100);
    expect(scan.hits).toEqual([]);
    const r = await run.done;
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  });
});

/** The docker clients to exercise: KILN_E2E_DOCKER_CLIENTS (set by .ci/run), else the one on PATH. */
function dockerClients(): string[] {
  const listed = (process.env.KILN_E2E_DOCKER_CLIENTS ?? '').split(/\s+/).filter(Boolean);
  if (listed.length > 0) return listed;
  const which = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim();
  return which ? [which] : [];
}

requireDockerOrSkip('builds with each docker client the machine has', () => {
  let cws: TempWorkspace;
  let cenv: Record<string, string | undefined>;
  const bins: string[] = [];

  beforeAll(async () => {
    await buildStandinImages(catalogImageNames());
    cws = createTempWorkspace();
    const chome = mkdtempSync(join(tmpdir(), 'kiln-clients-home-'));
    bins.push(chome);
    mkdirSync(join(chome, '.aws'));
    writeFileSync(
      join(chome, '.aws', 'credentials'),
      `[default]\naws_access_key_id = ${SECRETS.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${SECRETS.AWS_SECRET_ACCESS_KEY}\n`,
      { mode: 0o600 },
    );
    cenv = { HOME: chome, KILN_ADVERTISE_ADDRESS: bridgeGateway(), KILN_PULL_POLICY: undefined, KILN_NOW: undefined };
    cws.write('images/clients-aws/image.yaml', cws.read('images/ubuntu-2004-aws-cis/image.yaml'));
    cws.commitAll('an image per client');
  });

  afterAll(() => {
    cws?.dispose();
    for (const b of bins) rmSync(b, { recursive: true, force: true });
  });

  it('runs a whole build (create, copy in, start, copy out, remove) with every docker client', async () => {
    const clients = dockerClients();
    expect(clients.length).toBeGreaterThan(0);
    const seen: string[] = [];
    for (const client of clients) {
      const bin = mkdtempSync(join(tmpdir(), 'kiln-client-bin-'));
      bins.push(bin);
      spawnSync('ln', ['-s', client, join(bin, 'docker')]);
      const version = spawnSync(client, ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8' }).stdout.trim();
      const pathEnv = `${bin}:${process.env.PATH ?? ''}`;
      const r = await collect(
        spawn(process.execPath, [nxBin(cws.root), 'run', 'clients-aws:build', '--skip-nx-cache', '--outputStyle=static'], {
          cwd: cws.root,
          env: nxEnvironment(cws, { ...cenv, PATH: pathEnv }),
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      expect(r.code, `${client} (${version}):\n${r.stdout}\n${r.stderr}`).toBe(0);
      expect(JSON.parse(cws.read('dist/images/clients-aws/build/artifact.json'))).toHaveProperty('amis');
      expect(containersNamed('kiln-build-clients-aws-')).toEqual([]);
      seen.push(`${client} ${version}`);
    }
    console.info(`built with: ${seen.join('; ')}`);
  });
});
