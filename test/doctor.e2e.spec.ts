// `kiln doctor` on this machine: one line per check with its fix, exit 1 on a failure, --json, credential NAMES
// only (the values never appear), the remote cache's token scope, and missing tools reported with their fix.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findOnPath } from '@kiln/runner';
import { requireDockerOrSkip } from './support/docker-engine';
import { kilnAsync } from './support/kiln-cli';
import { startNxCacheServer, type NxCacheServer } from './support/nx-cache-server';
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace';

const TAG = randomBytes(4).toString('hex');
const SECRETS = {
  VSPHERE_SERVER: 'vc.kiln-e2e.test',
  VSPHERE_USERNAME: `svc-${TAG}`,
  VSPHERE_PASSWORD: `Vpw.${TAG}.secret`,
  AZURE_SUBSCRIPTION_ID: '00000000-0000-4000-8000-000000000001',
  AZURE_TENANT_ID: `tenant-${TAG}`,
  AZURE_CLIENT_ID: `client-${TAG}`,
  AZURE_CLIENT_SECRET: `Az~${TAG}.secret`,
  AWS_ACCESS_KEY_ID: `AKIA${TAG.toUpperCase()}`,
  AWS_SECRET_ACCESS_KEY: `aws/${TAG}+secret`,
};

let ws: TempWorkspace;
let server: NxCacheServer;
let scratch: string;

interface Row {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

requireDockerOrSkip('kiln doctor', () => {
  beforeAll(async () => {
    ws = createTempWorkspace();
    server = await startNxCacheServer({ readWrite: `rw-${TAG}`, readOnly: `ro-${TAG}` });
    scratch = mkdtempSync(join(tmpdir(), 'kiln-e2e-doctor-'));
  });
  afterAll(async () => {
    ws?.dispose();
    await server?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('passes with tools, credentials and a read-only cache token, and never prints a credential value', async () => {
    const r = await kilnAsync(ws, ['doctor', '--json'], {
      ...SECRETS,
      HOME: scratch,
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: `ro-${TAG}`,
      KILN_DOCTOR_MIN_FREE_GB: '0',
    });
    const rows = JSON.parse(r.stdout) as Row[];
    const byCheck = Object.fromEntries(rows.map((x) => [x.check, x]));
    expect(rows.map((x) => x.check)).toEqual([
      'docker CLI',
      'docker daemon',
      'govc',
      'aws',
      'az',
      'kubectl',
      'vSphere credentials',
      'AWS credentials',
      'Azure credentials',
      'config bundle v2.3.0',
      'remote cache',
      'disk space',
    ]);
    for (const tool of [
      'docker daemon',
      'vSphere credentials',
      'AWS credentials',
      'Azure credentials',
      'config bundle v2.3.0',
      'remote cache',
      'disk space',
    ])
      expect(byCheck[tool]!.status, tool).toBe('ok');
    expect(byCheck['remote cache']!.detail).toBe(`remote cache ${server.url}: reachable, token is read-only`);
    expect(byCheck['vSphere credentials']!.detail).toBe('VSPHERE_SERVER, VSPHERE_USERNAME, VSPHERE_PASSWORD set');
    expect(byCheck['config bundle v2.3.0']!.detail).toBe('images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0');
    const printed = r.stdout + r.stderr;
    for (const [name, value] of Object.entries(SECRETS))
      if (name !== 'VSPHERE_SERVER' && name !== 'AZURE_SUBSCRIPTION_ID') expect(printed).not.toContain(value);
    expect(printed).not.toContain(`ro-${TAG}`);
    // Exit status follows the tools this machine has: 0 only when every check passed.
    expect(r.code).toBe(rows.some((x) => x.status === 'fail') ? 1 : 0);
  });

  it('fails with one line and one fix per problem: missing tools, credentials, config bundle, dead cache', async () => {
    // PATH holding only docker, git and node: govc, aws, az and kubectl are missing.
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    for (const tool of ['docker', 'git']) symlinkSync(findOnPath(tool)!, join(bin, tool));
    symlinkSync(process.execPath, join(bin, 'node'));
    ws.remove('images/_bundles');
    await server.close();
    const r = await kilnAsync(ws, ['doctor'], {
      PATH: bin,
      HOME: scratch,
      VSPHERE_SERVER: undefined,
      VSPHERE_USERNAME: undefined,
      VSPHERE_PASSWORD: undefined,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AZURE_CLIENT_SECRET: undefined,
      KILN_VSPHERE_CREDENTIALS_FILE: undefined,
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: `rw-${TAG}`,
      KILN_DOCTOR_MIN_FREE_GB: '0',
    });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    const expectFail = (prefix: string, fix: string) => {
      const i = at(prefix);
      expect(i, `${prefix} in\n${r.stdout}`).toBeGreaterThanOrEqual(0);
      expect(lines[i + 1]).toBe(`       fix: ${fix}`);
    };
    expect(lines[0]).toMatch(/^ok {3}docker CLI: \d+\.\d+/);
    expectFail(
      'FAIL govc: not found on PATH (needed for vSphere upload)',
      "install govc (github.com/vmware/govmomi releases, or build it from Debian's govmomi source package)",
    );
    expectFail(
      'FAIL aws: not found on PATH (needed for AWS upload)',
      'install the AWS CLI (apt-get install awscli, or pip install awscli)',
    );
    expectFail('FAIL az: not found on PATH (needed for Azure upload)', 'install the Azure CLI (apt-get install azure-cli)');
    expectFail(
      'FAIL kubectl: not found on PATH (needed for apply-tkr)',
      'install kubectl (apt-get install kubectl, or the Kubernetes release binary)',
    );
    expectFail(
      'FAIL vSphere credentials: VSPHERE_SERVER, VSPHERE_USERNAME, VSPHERE_PASSWORD not set',
      'export VSPHERE_SERVER, VSPHERE_USERNAME, VSPHERE_PASSWORD (from your secret store) or set KILN_VSPHERE_CREDENTIALS_FILE',
    );
    expectFail('FAIL AWS credentials:', 'run aws configure, or export the AWS_* variables from your secret store');
    expectFail(
      'FAIL config bundle v2.3.0: images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0/tkg.json not found',
      'download the image-builder config bundle of TKG v2.3.0 and unzip it into images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0/',
    );
    expectFail(
      `FAIL remote cache: remote cache ${server.url}: not reachable (ECONNREFUSED)`,
      'start the cache server or fix NX_SELF_HOSTED_REMOTE_CACHE_SERVER; fallback: set NX_SKIP_REMOTE_CACHE=true to build with the local Nx cache only (nothing is shared between runners)',
    );
    expect(r.stdout).not.toContain(`rw-${TAG}`);
  });
});
