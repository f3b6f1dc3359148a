// prepareCredentials: what reaches the build container (a tar stream or --env values), checked with GNU tar.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kilnErrorOf, repoRoot, tempDir } from '@kiln/testing';
import { renderBuildPlan, renderCustomizations, SECRET_ENV, type BuildPlan } from '@kiln/render';
import type { KilnImage } from '@kiln/schema';
import { prepareCredentials } from './build-credentials';
import { loadImageContext } from '../shared/load-image-context';
import { normalizePluginOptions } from '../shared/workspace-settings';

const dir = tempDir('kiln-build-credentials-spec-');

// Every test runs with TMPDIR pointing at an empty folder that must stay empty: no host file holds a secret.
let scratch = '';
let savedTmp: string | undefined;
beforeEach(() => {
  scratch = mkdtempSync(join(dir, 'tmp-'));
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  expect(readdirSync(scratch)).toEqual([]);
});

function sample(image: string): { plan: BuildPlan; spec: KilnImage } {
  const ctx = loadImageContext(repoRoot, image, normalizePluginOptions(undefined));
  return { plan: renderBuildPlan(ctx, renderCustomizations(ctx)), spec: ctx.spec };
}

let counter = 0;
/** Writes the archive, lists it with `tar -tv` (mode owner size name) and extracts it; returns both. */
function unpack(archive: Buffer): { listing: string[]; root: string } {
  const n = counter++;
  const file = join(dir, `archive-${n}.tar`);
  const root = join(dir, `extract-${n}`);
  writeFileSync(file, archive);
  mkdirSync(root);
  const list = spawnSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  const extract = spawnSync('tar', ['--numeric-owner', '-xpf', file, '-C', root], { encoding: 'utf8' });
  expect([list.status, list.stderr, extract.status, extract.stderr]).toEqual([0, '', 0, '']);
  const listing = list.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map((f) => `${f[0]} ${f[1]} ${f[2]} ${f[5]}`);
  return { listing, root };
}

const VSPHERE_ENV = { VSPHERE_SERVER: 'vcenter.corp.local', VSPHERE_USERNAME: 'builder@vsphere.local', VSPHERE_PASSWORD: 'pa$$ "w0rd"\\x' };

describe('prepareCredentials: vSphere', () => {
  // The image.yaml cluster differs from the pool path on purpose: the cluster is declared, never guessed.
  const { plan, spec: sampleSpec } = sample('ubuntu-2004-vsphere-gpu');
  const spec: KilnImage = {
    ...sampleSpec,
    upload: { vsphere: { ...sampleSpec.upload.vsphere!, cluster: 'compute-a', network: 'VM Network' } },
  };

  it('archives one vsphere.json (0600) and the empty output folder (0755), owned by KILN_BUILDER_UID (default 1000), for docker cp into /home/imagebuilder', () => {
    const creds = prepareCredentials(plan, spec, repoRoot, { ...VSPHERE_ENV });
    expect(plan.credentials.into).toBe('/home/imagebuilder/vsphere.json');
    const { listing, root } = unpack(creds.archive!);
    const size = readFileSync(join(root, 'vsphere.json')).length;
    expect(listing).toEqual(['drwxr-xr-x 1000/1000 0 output/', `-rw------- 1000/1000 ${size} vsphere.json`]);
    expect(readdirSync(root).sort()).toEqual(['output', 'vsphere.json']);
    expect(creds.env).toEqual({});

    const other = unpack(prepareCredentials(plan, spec, repoRoot, { ...VSPHERE_ENV, KILN_BUILDER_UID: '1001' }).archive!);
    expect(other.listing).toEqual(['drwxr-xr-x 1001/1001 0 output/', `-rw------- 1001/1001 ${size} vsphere.json`]);
  });

  it('a credentials file gives only the credentials; placement (cluster, folder, ...) still comes from image.yaml', () => {
    const file = join(dir, 'vsphere-file.json');
    writeFileSync(
      file,
      JSON.stringify({
        vcenter_server: 'vc.file',
        username: 'u@file',
        password: 'p-file',
        cluster: 'stale',
        resource_pool: '/x',
        linked_clone: 'true',
      }),
    );
    const creds = prepareCredentials(plan, spec, repoRoot, { KILN_VSPHERE_CREDENTIALS_FILE: file });
    const json = JSON.parse(readFileSync(join(unpack(creds.archive!).root, 'vsphere.json'), 'utf8')) as Record<string, string>;
    expect(json).toEqual({
      cluster: 'compute-a',
      convert_to_template: 'false',
      datacenter: '/dc0',
      datastore: 'vsanDatastore',
      folder: '/dc0/vm/tkg-gpu-templates',
      insecure_connection: 'false',
      network: 'VM Network',
      password: 'p-file',
      username: 'u@file',
      vcenter_server: 'vc.file',
    });
    expect(creds.redactor.redact('p-file u@file')).toBe('*** ***');
  });

  it('a credentials file without a password is CREDENTIALS_INVALID naming what is missing', () => {
    const file = join(dir, 'vsphere-nopass.json');
    writeFileSync(file, JSON.stringify({ vcenter_server: 'vc.file', username: 'u@file' }));
    const e = kilnErrorOf(() => prepareCredentials(plan, spec, repoRoot, { KILN_VSPHERE_CREDENTIALS_FILE: file }));
    expect([e.code, e.message]).toEqual([
      'CREDENTIALS_INVALID',
      'the vSphere credentials file named by KILN_VSPHERE_CREDENTIALS_FILE has no password',
    ]);
  });

  it('vsphere.json has the image.yaml cluster and no create_snapshot, linked_clone, template or resource_pool', () => {
    const creds = prepareCredentials(plan, spec, repoRoot, { ...VSPHERE_ENV, VSPHERE_CLUSTER: 'from-the-environment' });
    const json = JSON.parse(readFileSync(join(unpack(creds.archive!).root, 'vsphere.json'), 'utf8')) as Record<string, string>;
    expect(json).toEqual({
      cluster: 'compute-a',
      convert_to_template: 'false',
      datacenter: '/dc0',
      datastore: 'vsanDatastore',
      folder: '/dc0/vm/tkg-gpu-templates',
      insecure_connection: 'false',
      network: 'VM Network',
      password: VSPHERE_ENV.VSPHERE_PASSWORD,
      username: VSPHERE_ENV.VSPHERE_USERNAME,
      vcenter_server: 'vcenter.corp.local',
    });
    for (const key of ['create_snapshot', 'linked_clone', 'template', 'resource_pool']) expect(key in json).toBe(false);
  });

  it('registers the user name and password (also as JSON-escaped) with the redactor', () => {
    const { redactor } = prepareCredentials(plan, spec, repoRoot, { ...VSPHERE_ENV });
    const text = `user ${VSPHERE_ENV.VSPHERE_USERNAME} pass ${VSPHERE_ENV.VSPHERE_PASSWORD} json ${JSON.stringify(VSPHERE_ENV.VSPHERE_PASSWORD)}`;
    expect(redactor.redact(text)).toBe('user *** pass *** json "***"');
  });

  it('a bad KILN_BUILDER_UID is KILN_ENV_INVALID, before any credential is read', () => {
    for (const value of ['imagebuilder', '1000.0', '-1']) {
      const e = kilnErrorOf(() => prepareCredentials(plan, spec, repoRoot, { KILN_BUILDER_UID: value }));
      expect([e.code, e.message]).toEqual([
        'KILN_ENV_INVALID',
        `KILN_BUILDER_UID must be a whole number (a user id), from 0 to 2147483647 (got ${JSON.stringify(value)})`,
      ]);
    }
  });

  it('missing vSphere variables are CREDENTIALS_MISSING naming them', () => {
    const e = kilnErrorOf(() => prepareCredentials(plan, spec, repoRoot, { VSPHERE_SERVER: 'vc' }));
    expect([e.code, e.message]).toEqual(['CREDENTIALS_MISSING', 'vSphere credentials are missing: set VSPHERE_USERNAME, VSPHERE_PASSWORD']);
  });
});

describe('prepareCredentials: AWS', () => {
  const { plan, spec } = sample('ubuntu-2004-aws-cis');
  const CONFIG = '[default]\nregion = us-east-1\n';
  const CREDENTIALS =
    '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\naws_session_token = FwoGZXIvYXdzEBYaDEXAMPLETOKEN\n';

  function home(files: Record<string, string>): string {
    const h = mkdtempSync(join(dir, 'home-'));
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(h, '.aws', name, '..'), { recursive: true });
      writeFileSync(join(h, '.aws', name), content);
    }
    return h;
  }

  it('copies ~/.aws/config and ~/.aws/credentials (never the CLI caches) as .aws/ 0700 and files 0600 owned by the builder uid', () => {
    const h = home({ config: CONFIG, credentials: CREDENTIALS, 'cli/cache/session.json': '{"Credentials":{}}' });
    const creds = prepareCredentials(plan, spec, repoRoot, { HOME: h, KILN_BUILDER_UID: '1000' });
    expect(plan.credentials.into).toBe('/home/imagebuilder/.aws');
    const { listing, root } = unpack(creds.archive!);
    expect(listing).toEqual([
      'drwxr-xr-x 1000/1000 0 output/',
      'drwx------ 1000/1000 0 .aws/',
      `-rw------- 1000/1000 ${CONFIG.length} .aws/config`,
      `-rw------- 1000/1000 ${CREDENTIALS.length} .aws/credentials`,
    ]);
    expect(readFileSync(join(root, '.aws', 'config'), 'utf8')).toBe(CONFIG);
    expect(readFileSync(join(root, '.aws', 'credentials'), 'utf8')).toBe(CREDENTIALS);
    expect(readdirSync(join(root, '.aws')).sort()).toEqual(['config', 'credentials']);
    expect(creds.env).toEqual({});
  });

  it('registers the key id, secret key and session token of ~/.aws/credentials with the redactor', () => {
    const creds = prepareCredentials(plan, spec, repoRoot, { HOME: home({ config: CONFIG, credentials: CREDENTIALS }) });
    const line = 'AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY FwoGZXIvYXdzEBYaDEXAMPLETOKEN us-east-1';
    expect(creds.redactor.redact(line)).toBe('*** *** *** us-east-1');
  });

  it('also the AWS_* variables of the environment', () => {
    const creds = prepareCredentials(plan, spec, repoRoot, { HOME: home({ config: CONFIG }), AWS_SECRET_ACCESS_KEY: 'env-secret-value' });
    expect(creds.redactor.redact('x env-secret-value y')).toBe('x *** y');
  });

  it('only config present: only config is copied', () => {
    const { listing } = unpack(prepareCredentials(plan, spec, repoRoot, { HOME: home({ config: CONFIG }) }).archive!);
    expect(listing).toEqual([
      'drwxr-xr-x 1000/1000 0 output/',
      'drwx------ 1000/1000 0 .aws/',
      `-rw------- 1000/1000 ${CONFIG.length} .aws/config`,
    ]);
  });

  it('no ~/.aws/config nor credentials is CREDENTIALS_MISSING; a symlinked file is CREDENTIALS_INVALID', () => {
    const empty = home({});
    expect(kilnErrorOf(() => prepareCredentials(plan, spec, repoRoot, { HOME: empty })).code).toBe('CREDENTIALS_MISSING');
    const linked = home({ config: CONFIG });
    writeFileSync(join(dir, 'elsewhere'), CREDENTIALS);
    symlinkSync(join(dir, 'elsewhere'), join(linked, '.aws', 'credentials'));
    const e = kilnErrorOf(() => prepareCredentials(plan, spec, repoRoot, { HOME: linked }));
    expect([e.code, e.message]).toEqual([
      'CREDENTIALS_INVALID',
      `${join(linked, '.aws', 'credentials')} is not a regular file of at most 1 MiB`,
    ]);
  });
});

describe('prepareCredentials: Azure', () => {
  const { plan, spec } = sample('ubuntu-2004-azure-fips');
  const subscription = spec.upload.azure!.subscriptionId;
  const AZURE_ENV = {
    AZURE_SUBSCRIPTION_ID: subscription,
    AZURE_TENANT_ID: '11111111-2222-4333-8444-555555555555',
    AZURE_CLIENT_ID: '66666666-7777-4888-9999-000000000000',
    AZURE_CLIENT_SECRET: 'client~secret.value',
  };

  it('copies nothing in: the four AZURE_* values go to the docker CLI environment for --env NAME', () => {
    const creds = prepareCredentials(plan, spec, repoRoot, { ...AZURE_ENV });
    expect(creds.archive).toBeUndefined();
    expect(creds.env).toEqual(AZURE_ENV);
  });

  it('registers tenant, client id and secret with the redactor, not the subscription id (it is in image.yaml)', () => {
    const { redactor } = prepareCredentials(plan, spec, repoRoot, { ...AZURE_ENV });
    const text = `${AZURE_ENV.AZURE_TENANT_ID} ${AZURE_ENV.AZURE_CLIENT_ID} ${AZURE_ENV.AZURE_CLIENT_SECRET} ${subscription}`;
    expect(redactor.redact(text)).toBe(`*** *** *** ${subscription}`);
  });

  it('registers the value of every SECRET_ENV variable with the redactor (the list upload redacts too)', () => {
    const secrets = Object.fromEntries(SECRET_ENV.map((name, i) => [name, `secret-value-${i}`]));
    const { redactor } = prepareCredentials(plan, spec, repoRoot, { ...secrets, ...AZURE_ENV });
    const values = SECRET_ENV.map((name) => ({ ...secrets, ...AZURE_ENV })[name]);
    expect(redactor.redact(values.join(' '))).toBe(values.map(() => '***').join(' '));
  });

  it('an AZURE_SUBSCRIPTION_ID other than upload.azure.subscriptionId is CREDENTIALS_MISMATCH (case is not a difference)', () => {
    const other = '99999999-0000-4000-8000-000000000000';
    const e = kilnErrorOf(() => prepareCredentials(plan, spec, repoRoot, { ...AZURE_ENV, AZURE_SUBSCRIPTION_ID: other }));
    expect(e.code).toBe('CREDENTIALS_MISMATCH');
    expect(e.message).toBe(`AZURE_SUBSCRIPTION_ID (${other}) is not the subscription image.yaml builds in (${subscription})`);
    expect(e.hint).toContain('make them the same');
    expect(
      prepareCredentials(plan, spec, repoRoot, { ...AZURE_ENV, AZURE_SUBSCRIPTION_ID: subscription.toUpperCase() }).env
        .AZURE_SUBSCRIPTION_ID,
    ).toBe(subscription.toUpperCase());
  });

  it('a missing AZURE_* variable is CREDENTIALS_MISSING naming it', () => {
    const { AZURE_CLIENT_SECRET: _, ...rest } = AZURE_ENV;
    const e = kilnErrorOf(() => prepareCredentials(plan, spec, repoRoot, rest));
    expect([e.code, e.message]).toEqual(['CREDENTIALS_MISSING', 'Azure credentials are missing: set AZURE_CLIENT_SECRET']);
  });
});

describe('prepareCredentials: RHEL subscription', () => {
  const { plan, spec } = sample('rhel-8-vsphere');

  it('RHSM_USER / RHSM_PASS values come from the declared host variables, go to the docker CLI env and the redactor', () => {
    const creds = prepareCredentials(plan, spec, repoRoot, { ...VSPHERE_ENV, RHSM_USER: 'rh-user-1', RHSM_PASS: 'rh-pass-1' });
    expect(creds.env).toEqual({ RHSM_USER: 'rh-user-1', RHSM_PASS: 'rh-pass-1' });
    expect(creds.redactor.redact('rh-user-1 rh-pass-1')).toBe('*** ***');
  });

  it('an unset subscription variable is CREDENTIALS_MISSING with a hint pointing at image.yaml rhel.subscription', () => {
    const e = kilnErrorOf(() => prepareCredentials(plan, spec, repoRoot, { ...VSPHERE_ENV, RHSM_USER: 'rh-user-1' }));
    expect([e.code, e.message]).toEqual(['CREDENTIALS_MISSING', 'environment variable RHSM_PASS (for RHSM_PASS) is not set']);
    expect(e.hint).toContain('image.yaml rhel.subscription');
  });
});
