// Credentials for one build: read from the environment, a vsphere.json outside the repo or ~/.aws, and
// handed to the builder without a host file: a tar stream copied into the created container (owned by
// the builder's user, 0600) or values of `--env NAME` passthroughs. Every value goes to the redactor.
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import { AZURE_CREDENTIAL_ENV, SECRET_ENV, VSPHERE_CREDENTIAL_ENV, VSPHERE_CREDENTIALS_FILE_ENV, type BuildPlan } from '@kiln/render';
import { Redactor } from '@kiln/runner';
import type { KilnImage } from '@kiln/schema';
import { envNumber } from '../shared/kiln-env';
import { tarArchive, type ArchiveEntry } from './tar-archive';
import { readVsphereCredentialsFile } from '../upload/vsphere/vsphere-credentials-file';

export interface BuildCredentials {
  /** Private files for `docker cp - <container>:<folder>` (absent when the plan copies nothing in). */
  archive?: Buffer;
  redactor: Redactor;
  /** Environment for the docker CLI: the values of the plan's `--env NAME` passthroughs. */
  env: Record<string, string>;
}

/** The files of ~/.aws the builder gets (never the CLI's caches). */
const AWS_FILES = ['config', 'credentials'];
const MAX_AWS_FILE = 1024 * 1024;

/** uid/gid the image-builder container runs as (the real image: imagebuilder, 1000:1000). */
export function builderUid(env: NodeJS.ProcessEnv = process.env): number {
  return envNumber(env, 'KILN_BUILDER_UID', 1000, { min: 0, max: 2 ** 31 - 1, unit: 'a user id' });
}

function requireEnv(env: NodeJS.ProcessEnv, names: readonly string[], what: string): Record<string, string> {
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) {
    throw new KilnError('CREDENTIALS_MISSING', `${what} credentials are missing: set ${missing.join(', ')}`, {
      hint: `export them in the shell that runs nx (values are never written to the workspace)${what === 'vSphere' ? `, or set ${VSPHERE_CREDENTIALS_FILE_ENV} to a vsphere.json outside the repository` : ''}`,
    });
  }
  return Object.fromEntries(names.map((n) => [n, env[n]!]));
}

/** The keys of vsphere.json that are credentials; the rest (placement) always comes from image.yaml. */
const VSPHERE_CREDENTIAL_KEYS = ['vcenter_server', 'username', 'password', 'insecure_connection'];

/** vsphere.json as image-builder reads it: credentials, and where the build VM goes (cluster, not pool). */
function vsphereJson(spec: KilnImage, env: NodeJS.ProcessEnv, workspaceRoot: string, redactor: Redactor): string {
  const fromFile = readVsphereCredentialsFile(workspaceRoot, env);
  let credentials: Record<string, string>;
  if (fromFile) {
    const missing = ['vcenter_server', 'username', 'password'].filter((k) => typeof fromFile[k] !== 'string' || fromFile[k] === '');
    if (missing.length > 0) {
      throw new KilnError(
        'CREDENTIALS_INVALID',
        `the vSphere credentials file named by ${VSPHERE_CREDENTIALS_FILE_ENV} has no ${missing.join(', ')}`,
        {
          hint: 'it must hold vcenter_server, username and password (string values); placement comes from image.yaml',
        },
      );
    }
    credentials = Object.fromEntries(VSPHERE_CREDENTIAL_KEYS.filter((k) => fromFile[k] !== undefined).map((k) => [k, String(fromFile[k])]));
  } else {
    const creds = requireEnv(env, VSPHERE_CREDENTIAL_ENV, 'vSphere');
    credentials = { vcenter_server: creds.VSPHERE_SERVER, username: creds.VSPHERE_USERNAME, password: creds.VSPHERE_PASSWORD };
  }
  redactor.add(credentials.password);
  redactor.add(credentials.username);
  const up = spec.upload.vsphere!;
  const data: Record<string, string> = {
    cluster: up.cluster,
    convert_to_template: 'false',
    datacenter: up.datacenter,
    datastore: up.datastore,
    folder: up.folder,
    insecure_connection: env.VSPHERE_INSECURE === 'true' ? 'true' : 'false',
    network: up.network ?? '',
    ...credentials,
  };
  return JSON.stringify(Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b))), null, 2) + '\n';
}

/** ~/.aws/config and ~/.aws/credentials (whichever exist), with their secret values registered. */
function awsFiles(env: NodeJS.ProcessEnv, redactor: Redactor): Array<[string, Buffer]> {
  const dir = join(env.HOME ?? homedir(), '.aws');
  const files: Array<[string, Buffer]> = [];
  for (const name of AWS_FILES) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const stat = lstatSync(path);
    if (!stat.isFile() || stat.size > MAX_AWS_FILE) {
      throw new KilnError('CREDENTIALS_INVALID', `${path} is not a regular file of at most 1 MiB`, {
        hint: 'keep the AWS CLI configuration as plain files',
      });
    }
    const content = readFileSync(path);
    for (const m of content.toString('utf8').matchAll(/^\s*(aws_secret_access_key|aws_session_token|aws_access_key_id)\s*=\s*(\S+)\s*$/gm))
      redactor.add(m[2]);
    files.push([name, content]);
  }
  if (files.length === 0) {
    throw new KilnError('CREDENTIALS_MISSING', `AWS configuration not found (${dir}/config or ${dir}/credentials)`, {
      hint: 'run aws configure (Kiln copies those two files into the build container, readable by its user only)',
    });
  }
  return files;
}

/** The folder the archive is copied into: the parent of the credentials' `into`. */
function copyTarget(into: string): string {
  return into.slice(0, into.lastIndexOf('/'));
}

/**
 * The private files as a tar stream rooted at the parent of `into` (folders 0700, files 0600), plus the
 * empty output folder the builder writes to (packer's manifest post-processor does not create it).
 */
function archiveOf(plan: BuildPlan, into: string, files: Array<[string, Buffer]>, uid: number): Buffer {
  const base = into.slice(into.lastIndexOf('/') + 1);
  const owner = { uid, gid: uid };
  const entries: ArchiveEntry[] = [];
  if (plan.outputDir && copyTarget(plan.outputDir) === copyTarget(into)) {
    entries.push({ path: plan.outputDir.slice(plan.outputDir.lastIndexOf('/') + 1), mode: 0o755, ...owner });
  }
  if (files.length === 1 && files[0]![0] === base) {
    entries.push({ path: base, content: files[0]![1], mode: 0o600, ...owner });
  } else {
    entries.push({ path: base, mode: 0o700, ...owner });
    for (const [name, content] of files) entries.push({ path: `${base}/${name}`, content, mode: 0o600, ...owner });
  }
  return tarArchive(entries);
}

export function prepareCredentials(
  plan: BuildPlan,
  spec: KilnImage,
  workspaceRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): BuildCredentials {
  const redactor = new Redactor(SECRET_ENV.map((n) => env[n]));
  const uid = builderUid(env);
  const extraEnv: Record<string, string> = {};
  let archive: Buffer | undefined;
  const into = plan.credentials.into;
  if (plan.credentials.kind === 'vsphere-json' && into) {
    archive = archiveOf(plan, into, [['vsphere.json', Buffer.from(vsphereJson(spec, env, workspaceRoot, redactor))]], uid);
  } else if (plan.credentials.kind === 'aws-config' && into) {
    archive = archiveOf(plan, into, awsFiles(env, redactor), uid);
  } else if (plan.credentials.kind === 'azure') {
    const creds = requireEnv(env, AZURE_CREDENTIAL_ENV, 'Azure');
    const declared = spec.upload.azure?.subscriptionId;
    if (declared && creds.AZURE_SUBSCRIPTION_ID.toLowerCase() !== declared.toLowerCase()) {
      throw new KilnError(
        'CREDENTIALS_MISMATCH',
        `AZURE_SUBSCRIPTION_ID (${creds.AZURE_SUBSCRIPTION_ID}) is not the subscription image.yaml builds in (${declared})`,
        {
          hint: 'init-sig.sh selects AZURE_SUBSCRIPTION_ID while packer builds in upload.azure.subscriptionId: make them the same',
        },
      );
    }
  }
  for (const e of plan.envFromHost) {
    const value = env[e.from];
    if (!value) {
      const what = e.name.startsWith('RHSM_')
        ? `the Red Hat Subscription Manager ${e.name === 'RHSM_PASS' ? 'password' : 'user'} (the name comes from image.yaml rhel.subscription)`
        : 'the Azure service principal init-sig.sh logs in with';
      throw new KilnError('CREDENTIALS_MISSING', `environment variable ${e.from} (for ${e.name}) is not set`, {
        hint: `export ${e.from} with ${what}`,
      });
    }
    if (e.name !== 'AZURE_SUBSCRIPTION_ID') redactor.add(value);
    extraEnv[e.name] = value;
  }
  return { archive, redactor, env: extraEnv };
}
