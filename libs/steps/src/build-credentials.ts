// Credentials for one build: read from env or a file outside the repo, written to a private 0700 folder
// as 0600 files, registered with the redactor, and deleted after the build.
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import type { BuildPlan } from '@kiln/render';
import { Redactor } from '@kiln/runner';
import type { KilnImage } from '@kiln/spec';
import { AWS_CREDENTIAL_ENV, AZURE_CREDENTIAL_ENV, VSPHERE_CREDENTIAL_ENV, VSPHERE_CREDENTIALS_FILE_ENV } from './credential-env';
import { readVsphereCredentialsFile } from './vsphere-credentials-file';

export interface BuildCredentials {
  /** Private folder ({credentials} in build plans). */
  dir: string;
  redactor: Redactor;
  /** Extra environment for the docker CLI (values of --env NAME passthroughs). */
  env: Record<string, string>;
  cleanup(): void;
}

/** uid the image-builder container runs as; the 0600 files must be readable by it. */
const BUILDER_UID = Number(process.env.KILN_BUILDER_UID ?? 1000);

function requireEnv(env: NodeJS.ProcessEnv, names: readonly string[], what: string): Record<string, string> {
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) {
    throw new KilnError('CREDENTIALS_MISSING', `${what} credentials are missing: set ${missing.join(', ')}`, {
      hint: `export them in the shell that runs nx (values are never written to the workspace)${what === 'vSphere' ? `, or set ${VSPHERE_CREDENTIALS_FILE_ENV} to a vsphere.json outside the repository` : ''}`,
    });
  }
  return Object.fromEntries(names.map((n) => [n, env[n]!]));
}

function writePrivate(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  if (process.getuid?.() === 0) chownSync(path, BUILDER_UID, BUILDER_UID);
}

function clusterFromPool(pool: string): string {
  const m = pool.match(/\/host\/([^/]+)/);
  return m ? m[1] : '';
}

function vsphereJson(spec: KilnImage, env: NodeJS.ProcessEnv, workspaceRoot: string, redactor: Redactor): string {
  const fromFile = readVsphereCredentialsFile(workspaceRoot, env);
  if (fromFile) {
    redactor.add(fromFile.password);
    redactor.add(fromFile.username);
    return JSON.stringify(fromFile, null, 2) + '\n';
  }
  const creds = requireEnv(env, VSPHERE_CREDENTIAL_ENV, 'vSphere');
  const up = spec.upload.vsphere!;
  const data: Record<string, string> = {
    cluster: env.VSPHERE_CLUSTER ?? clusterFromPool(up.resourcePool),
    convert_to_template: 'false',
    create_snapshot: 'true',
    datacenter: up.datacenter,
    datastore: up.datastore,
    folder: up.folder,
    insecure_connection: env.VSPHERE_INSECURE === 'true' ? 'true' : 'false',
    linked_clone: 'true',
    network: up.network ?? '',
    password: creds.VSPHERE_PASSWORD,
    resource_pool: up.resourcePool,
    template: '',
    username: creds.VSPHERE_USERNAME,
    vcenter_server: creds.VSPHERE_SERVER,
  };
  return JSON.stringify(data, null, 2) + '\n';
}

export function prepareCredentials(plan: BuildPlan, spec: KilnImage, workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): BuildCredentials {
  const redactor = new Redactor();
  for (const name of [...VSPHERE_CREDENTIAL_ENV.filter((n) => n !== 'VSPHERE_SERVER'), ...AWS_CREDENTIAL_ENV, ...AZURE_CREDENTIAL_ENV.filter((n) => n !== 'AZURE_SUBSCRIPTION_ID'), 'GOVC_PASSWORD']) {
    redactor.add(env[name]);
  }
  const dir = mkdtempSync(join(tmpdir(), 'kiln-credentials-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (process.getuid?.() === 0) chownSync(dir, BUILDER_UID, BUILDER_UID);
    const extraEnv: Record<string, string> = {};
    if (plan.credentials.kind === 'vsphere-json') {
      writePrivate(join(dir, 'vsphere.json'), vsphereJson(spec, env, workspaceRoot, redactor));
    } else if (plan.credentials.kind === 'azure') {
      const creds = requireEnv(env, AZURE_CREDENTIAL_ENV, 'Azure');
      for (const [k, v] of Object.entries(creds)) {
        if (/[\r\n]/.test(v)) throw new KilnError('CREDENTIALS_INVALID', `${k} contains a line break`, { hint: 'set it to the plain value' });
      }
      writePrivate(join(dir, 'azure-creds.env'), Object.entries(creds).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    } else if (!existsSync(join(env.HOME ?? homedir(), '.aws'))) {
      throw new KilnError('CREDENTIALS_MISSING', 'AWS configuration not found (~/.aws)', { hint: 'run aws configure (the folder is mounted read-only into the builder)' });
    }
    for (const e of plan.envFromHost) {
      const value = env[e.from];
      if (!value) {
        throw new KilnError('CREDENTIALS_MISSING', `environment variable ${e.from} (for ${e.name}) is not set`, {
          hint: `export ${e.from} with the Red Hat Subscription Manager ${e.name === 'RHSM_PASS' ? 'password' : 'user'} (the name comes from image.yaml rhel.subscription)`,
        });
      }
      redactor.add(value);
      extraEnv[e.name] = value;
    }
    return { dir, redactor, env: extraEnv, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}
