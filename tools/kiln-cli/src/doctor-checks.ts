// The checks of `kiln doctor`: tools and their versions, the Docker daemon, credentials (names only, never values),
// config bundles of the releases in use, the remote cache and its token's scope, free disk space for OVAs.
import { existsSync, mkdirSync, readdirSync, readFileSync, statfsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { configBundleDir, loadCatalog, type Infra } from '@kiln/catalog';
import { findOnPath, runCommand } from '@kiln/runner';
import { DIST_ROOT, imageDist } from '@kiln/schema';
import { AZURE_CREDENTIAL_ENV, VSPHERE_CREDENTIAL_ENV, VSPHERE_CREDENTIALS_FILE_ENV } from '@kiln/render';
import { settingsFromNxJson } from '@kiln/steps';
import { checkRemoteCache } from './remote-cache-check';

export interface DoctorResult {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

export interface WorkspaceUse {
  infras: Set<Infra>;
  releases: Set<string>;
  kubectl: boolean;
}

/** What the workspace's projects need: infras and releases of images, kubectl for tkrs. */
function workspaceUse(root: string): WorkspaceUse {
  const use: WorkspaceUse = { infras: new Set(), releases: new Set(), kubectl: false };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only this check pays for the YAML parser
  const yaml = require('yaml') as typeof import('yaml');
  const dir = join(root, 'images');
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const file = join(dir, name, 'image.yaml');
    if (!existsSync(file)) continue;
    try {
      const d = yaml.parse(readFileSync(file, 'utf8')) as { infra?: Infra; release?: string };
      if (d?.infra) use.infras.add(d.infra);
      if (d?.release) use.releases.add(d.release);
    } catch {
      // kiln validate reports unreadable specs
    }
  }
  use.kubectl =
    existsSync(join(root, 'tkrs')) && readdirSync(join(root, 'tkrs')).some((n) => existsSync(join(root, 'tkrs', n, 'tkr.yaml')));
  return use;
}

async function version(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: boolean; text: string }> {
  try {
    const r = await runCommand({ file, args, allowFailure: true, timeoutMs: 60_000, env });
    const text =
      `${r.stdout}\n${r.stderr}`
        .split('\n')
        .map((l) => l.trim())
        .find(Boolean) ?? '';
    return { ok: r.exitCode === 0, text };
  } catch (e) {
    return { ok: false, text: (e as Error).message };
  }
}

const TOOLS: { tool: string; args: string[]; needed: (u: WorkspaceUse) => boolean; why: string; fix: string }[] = [
  {
    tool: 'govc',
    args: ['version'],
    needed: (u) => u.infras.has('vsphere'),
    why: 'vSphere upload',
    fix: "install govc (github.com/vmware/govmomi releases, or build it from Debian's govmomi source package)",
  },
  {
    tool: 'aws',
    args: ['--version'],
    needed: (u) => u.infras.has('aws'),
    why: 'AWS upload',
    fix: 'install the AWS CLI (apt-get install awscli, or pip install awscli)',
  },
  {
    tool: 'az',
    args: ['version', '--output', 'tsv'],
    needed: (u) => u.infras.has('azure'),
    why: 'Azure upload',
    fix: 'install the Azure CLI (apt-get install azure-cli)',
  },
  {
    tool: 'kubectl',
    args: ['version', '--client'],
    needed: (u) => u.kubectl,
    why: 'apply-tkr',
    fix: 'install kubectl (apt-get install kubectl, or the Kubernetes release binary)',
  },
];

export async function doctorChecks(root: string, env: NodeJS.ProcessEnv = process.env): Promise<DoctorResult[]> {
  const out: DoctorResult[] = [];
  const use = workspaceUse(root);

  // Docker: the CLI, then the daemon.
  if (!findOnPath('docker', env.PATH)) {
    out.push({
      check: 'docker CLI',
      status: 'fail',
      detail: 'not found on PATH',
      fix: 'install the docker CLI (apt-get install docker.io)',
    });
  } else {
    const client = await version('docker', ['version', '--format', '{{.Client.Version}}'], env);
    out.push({ check: 'docker CLI', status: 'ok', detail: client.text.split(/\s/)[0] || 'present' });
    const server = await version('docker', ['version', '--format', '{{.Server.Version}}'], env);
    out.push(
      server.ok
        ? { check: 'docker daemon', status: 'ok', detail: `engine ${server.text} (DOCKER_HOST=${env.DOCKER_HOST ?? 'default'})` }
        : {
            check: 'docker daemon',
            status: 'fail',
            detail: `not reachable (DOCKER_HOST=${env.DOCKER_HOST ?? 'default'})`,
            fix: 'start dockerd, or set DOCKER_HOST to the engine you use',
          },
    );
  }

  for (const t of TOOLS) {
    const needed = t.needed(use);
    if (!findOnPath(t.tool, env.PATH)) {
      out.push({
        check: t.tool,
        status: needed ? 'fail' : 'warn',
        detail: `not found on PATH (${needed ? 'needed' : 'not needed by this workspace'} for ${t.why})`,
        fix: t.fix,
      });
      continue;
    }
    const v = await version(t.tool, t.args, env);
    out.push(
      v.ok
        ? { check: t.tool, status: 'ok', detail: v.text }
        : {
            check: t.tool,
            status: needed ? 'fail' : 'warn',
            detail: `present but \`${t.tool} ${t.args.join(' ')}\` failed: ${v.text}`,
            fix: t.fix,
          },
    );
  }

  // Credentials: names only.
  const missing = (names: readonly string[]) => names.filter((n) => !env[n]);
  if (use.infras.has('vsphere')) {
    const m = missing(VSPHERE_CREDENTIAL_ENV);
    const file = env[VSPHERE_CREDENTIALS_FILE_ENV];
    out.push(
      m.length === 0 || (file && existsSync(file))
        ? {
            check: 'vSphere credentials',
            status: 'ok',
            detail: m.length === 0 ? `${VSPHERE_CREDENTIAL_ENV.join(', ')} set` : `${VSPHERE_CREDENTIALS_FILE_ENV} names an existing file`,
          }
        : {
            check: 'vSphere credentials',
            status: 'fail',
            detail: `${m.join(', ')} not set${file ? ` and ${VSPHERE_CREDENTIALS_FILE_ENV} names no file` : ''}`,
            fix: `export ${VSPHERE_CREDENTIAL_ENV.join(', ')} (from your secret store) or set ${VSPHERE_CREDENTIALS_FILE_ENV}`,
          },
    );
  }
  if (use.infras.has('aws')) {
    const home = env.HOME ?? homedir();
    const ok =
      (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) ||
      existsSync(join(home, '.aws', 'credentials')) ||
      existsSync(join(home, '.aws', 'config'));
    out.push(
      ok
        ? {
            check: 'AWS credentials',
            status: 'ok',
            detail: env.AWS_ACCESS_KEY_ID ? 'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY set' : '~/.aws present',
          }
        : {
            check: 'AWS credentials',
            status: 'fail',
            detail: 'no ~/.aws/credentials and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY not set',
            fix: 'run aws configure, or export the AWS_* variables from your secret store',
          },
    );
  }
  if (use.infras.has('azure')) {
    const m = missing(AZURE_CREDENTIAL_ENV);
    out.push(
      m.length === 0
        ? { check: 'Azure credentials', status: 'ok', detail: `${AZURE_CREDENTIAL_ENV.join(', ')} set` }
        : {
            check: 'Azure credentials',
            status: 'fail',
            detail: `${m.join(', ')} not set`,
            fix: 'export the AZURE_* service principal variables from your secret store',
          },
    );
  }

  // Config bundles of every release in use.
  let settings = settingsFromNxJson({});
  try {
    settings = settingsFromNxJson(JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')));
  } catch {
    // defaults
  }
  const catalog = loadCatalog();
  for (const id of [...use.releases].sort()) {
    const release = catalog.releases[id];
    if (!release) {
      out.push({
        check: `config bundle ${id}`,
        status: 'fail',
        detail: `release ${id} is not in the catalog`,
        fix: 'run npx kiln validate',
      });
      continue;
    }
    const dir = configBundleDir(release, settings.configBundlesDir);
    out.push(
      existsSync(join(root, dir, 'tkg.json'))
        ? { check: `config bundle ${id}`, status: 'ok', detail: dir }
        : {
            check: `config bundle ${id}`,
            status: 'fail',
            detail: `${dir}/tkg.json not found`,
            fix: `download the image-builder config bundle of TKG ${id} and unzip it into ${dir}/`,
          },
    );
  }

  const cache = await checkRemoteCache(env);
  out.push({ check: 'remote cache', status: cache.ok ? 'ok' : 'fail', detail: cache.message, fix: cache.fix });

  // Free space where OVAs are written (dist/images/<name>/output).
  const minGb = Number(env.KILN_DOCTOR_MIN_FREE_GB ?? 20);
  if (!Number.isFinite(minGb) || minGb < 0) {
    out.push({
      check: 'disk space',
      status: 'fail',
      detail: `KILN_DOCTOR_MIN_FREE_GB=${JSON.stringify(env.KILN_DOCTOR_MIN_FREE_GB)} is not a number`,
      fix: 'set it to a number of GiB, e.g. 20',
    });
  } else {
    mkdirSync(join(root, DIST_ROOT), { recursive: true });
    const s = statfsSync(join(root, DIST_ROOT));
    const freeGb = (s.bavail * s.bsize) / 1024 ** 3;
    const detail = `${freeGb.toFixed(1)} GiB free in ${join(root, DIST_ROOT)} (OVAs are written under ${imageDist('<name>').output}; need ${minGb} GiB)`;
    out.push(
      freeGb >= minGb
        ? { check: 'disk space', status: 'ok', detail }
        : {
            check: 'disk space',
            status: 'fail',
            detail,
            fix: 'free disk space or move the workspace to a larger disk (KILN_DOCTOR_MIN_FREE_GB sets the threshold)',
          },
    );
  }
  return out;
}
