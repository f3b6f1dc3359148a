// pull-bundle: one healthy resource-bundle container per bundle image, shared by every image of the
// release, started under a lock so parallel images neither duplicate it nor race for its port.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import { containerLogs, containersWithLabel, containerState, ensureImage, removeContainer, requireDocker, runCommand } from '@kiln/runner';
import { advertiseAddress } from './advertise-address';
import { endpointFile, writeEndpoint, type BundleEndpoint } from './bundle-endpoint';
import { acquireLock } from '../shared/file-lock';
import { freePort } from '@kiln/runner';
import { httpAnswers, waitForHttp } from '@kiln/runner';
import { bundleContainerName } from './plan-pull-bundle';
import { readBuildPlan } from '../shared/build-plan-file';
import type { KilnSettings } from '../shared/workspace-settings';

const BUNDLE_LABEL = 'kiln.bundle=true';
const HEALTH_PATH = '/files/kubernetes';
const PORT_TAKEN = /port is already allocated|address already in use|bind: /i;

export interface PullBundleInput {
  workspaceRoot: string;
  project: string;
  configPath: string;
  settings: KilnSettings;
  signal?: AbortSignal;
  echo?: NodeJS.WritableStream;
  /** How long to wait for /files/kubernetes to answer after start (default 60 s). */
  healthTimeoutMs?: number;
}

function healthUrl(port: number): string {
  return `http://127.0.0.1:${port}${HEALTH_PATH}`;
}

async function startContainer(
  name: string,
  image: string,
  port: number,
  signal?: AbortSignal,
): Promise<{ ok: true } | { ok: false; portTaken: boolean; error: string }> {
  const r = await runCommand({
    file: 'docker',
    args: ['run', '-d', '--name', name, '--label', BUNDLE_LABEL, '--restart', 'unless-stopped', '-p', `${port}:3000`, image],
    allowFailure: true,
    timeoutMs: 120_000,
    signal,
  });
  if (r.exitCode === 0) return { ok: true };
  await removeContainer(name);
  return { ok: false, portTaken: PORT_TAKEN.test(r.stderr), error: r.stderr.split('\n').slice(-3).join('\n') };
}

export async function pullBundleStep(input: PullBundleInput): Promise<string> {
  const { workspaceRoot, project, settings, signal } = input;
  const plan = readBuildPlan(workspaceRoot, input.configPath);
  const image = plan.bundleImage;
  const name = bundleContainerName(image);
  const address = advertiseAddress(settings.advertiseAddress);
  await requireDocker(signal);

  // Host-wide lock: the container name is host-wide too, so every workspace on this Docker host shares it.
  // Per user (a shared /tmp folder would belong to whoever made it first; other users could not lock).
  const release = await acquireLock(join(tmpdir(), `kiln-locks-${process.getuid?.() ?? 'user'}`, `${name}.lock`), 10 * 60_000, signal);
  try {
    const existing = await containerState(name, signal);
    if (
      existing?.running &&
      existing.hostPort &&
      (settings.bundlePort === undefined || settings.bundlePort === existing.hostPort) &&
      (await httpAnswers(healthUrl(existing.hostPort)))
    ) {
      const endpoint: BundleEndpoint = { container: name, image, hostPort: existing.hostPort, address };
      writeEndpoint(workspaceRoot, endpoint);
      return `bundle ${image} already serving at http://${address}:${existing.hostPort}/files (container ${name}, reused)`;
    }
    if (existing) {
      input.echo?.write(`[${project}] replacing bundle container ${name} (${existing.running ? 'not answering' : 'stopped'})\n`);
      await removeContainer(name);
    }
    await ensureImage(image, settings.pullPolicy, { signal, echo: input.echo, prefix: `[${project}] ` });

    let port = settings.bundlePort ?? (await freePort());
    for (let attempt = 1; ; attempt++) {
      const started = await startContainer(name, image, port, signal);
      if (started.ok) break;
      if (started.portTaken && settings.bundlePort !== undefined) {
        throw new KilnError('BUNDLE_PORT_TAKEN', `host port ${port} for the resource bundle is already in use`, {
          hint: 'free the port, or change the plugin option bundlePort in nx.json (or remove it to use any free port)',
          context: { docker: started.error },
        });
      }
      if (!started.portTaken || attempt >= 5) {
        throw new KilnError('BUNDLE_START_FAILED', `could not start the resource bundle container ${name}`, {
          context: { docker: started.error },
        });
      }
      port = await freePort();
    }
    if (!(await waitForHttp(healthUrl(port), input.healthTimeoutMs ?? 60_000, signal))) {
      const logs = await containerLogs(name);
      await removeContainer(name);
      throw new KilnError('BUNDLE_UNHEALTHY', `the resource bundle ${image} did not answer on ${HEALTH_PATH}`, {
        hint: 'check that the image is a TKG linux-resource-bundle serving port 3000',
        context: { logs },
      });
    }
    writeEndpoint(workspaceRoot, { container: name, image, hostPort: port, address });
    return `bundle ${image} serving at http://${address}:${port}/files (container ${name}, started)`;
  } finally {
    release();
  }
}

/** Stops and removes every Kiln bundle container and forgets their endpoints. */
export async function stopBundles(workspaceRoot: string): Promise<string[]> {
  await requireDocker();
  const names = await containersWithLabel(BUNDLE_LABEL);
  for (const n of names) {
    await removeContainer(n);
    rmSync(join(workspaceRoot, endpointFile(n)), { force: true });
  }
  return names;
}
