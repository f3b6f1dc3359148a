// Docker operations Kiln needs, as small functions over runCommand (argument arrays only).
import { setTimeout as sleep } from 'node:timers/promises';
import { KilnError } from '@kiln/errors';
import type { PullPolicy } from './pull-policy';
import { runCommand } from './run-command';

export interface ContainerState {
  running: boolean;
  /** Host port published for container port 3000/tcp, if any. */
  hostPort?: number;
  image: string;
}

async function imagePresent(ref: string, signal?: AbortSignal): Promise<boolean> {
  const r = await runCommand({
    file: 'docker',
    args: ['image', 'inspect', '--format', '{{.Id}}', ref],
    allowFailure: true,
    timeoutMs: 60_000,
    signal,
  });
  return r.exitCode === 0;
}

/** Makes `ref` available locally per the pull policy; pulls retry with exponential backoff. */
export async function ensureImage(
  ref: string,
  policy: PullPolicy,
  options: { attempts?: number; backoffMs?: number; signal?: AbortSignal; echo?: NodeJS.WritableStream; prefix?: string } = {},
): Promise<'present' | 'pulled'> {
  if (policy !== 'Always' && (await imagePresent(ref, options.signal))) return 'present';
  if (policy === 'Never') {
    throw new KilnError('IMAGE_UNAVAILABLE', `image ${ref} is not present and the pull policy is Never`, {
      hint: `docker load or docker pull it first, or relocate images to a registry you can reach (plugin option "registry" in nx.json)`,
    });
  }
  const attempts = options.attempts ?? 3;
  let last = '';
  for (let i = 1; i <= attempts; i++) {
    const r = await runCommand({ file: 'docker', args: ['pull', ref], allowFailure: true, timeoutMs: 30 * 60_000, signal: options.signal });
    if (r.exitCode === 0) return 'pulled';
    last = (r.stderr || r.stdout).split('\n').slice(-3).join('\n');
    if (i < attempts) {
      options.echo?.write(`${options.prefix ?? ''}docker pull ${ref} failed (attempt ${i}/${attempts}), retrying\n`);
      await sleep((options.backoffMs ?? 2_000) * 2 ** (i - 1));
    }
  }
  if (policy === 'Always' && (await imagePresent(ref, options.signal))) return 'present';
  throw new KilnError('IMAGE_UNAVAILABLE', `image ${ref} is not present and could not be pulled (${attempts} attempts)`, {
    hint: 'check registry access, docker load the image on air-gapped hosts, or relocate images (plugin option "registry" in nx.json)',
    context: { lastError: last },
  });
}

export async function containerState(name: string, signal?: AbortSignal): Promise<ContainerState | undefined> {
  const r = await runCommand({
    file: 'docker',
    args: ['container', 'inspect', '--format', '{{json .}}', name],
    allowFailure: true,
    timeoutMs: 60_000,
    signal,
  });
  if (r.exitCode !== 0) return undefined;
  const info = JSON.parse(r.stdout) as {
    Config?: { Image?: string };
    State?: { Running?: boolean };
    NetworkSettings?: { Ports?: Record<string, Array<{ HostPort?: string }> | null> };
  };
  const binding = info.NetworkSettings?.Ports?.['3000/tcp']?.[0]?.HostPort;
  return { running: info.State?.Running === true, hostPort: binding ? Number(binding) : undefined, image: info.Config?.Image ?? '' };
}

export async function removeContainer(name: string): Promise<void> {
  await runCommand({ file: 'docker', args: ['rm', '-f', name], allowFailure: true, timeoutMs: 60_000 });
}

/** Names of containers carrying `label` (e.g. kiln.bundle=true). */
export async function containersWithLabel(label: string): Promise<string[]> {
  const r = await runCommand({
    file: 'docker',
    args: ['ps', '-a', '--filter', `label=${label}`, '--format', '{{.Names}}'],
    timeoutMs: 60_000,
  });
  return r.stdout.split('\n').filter(Boolean).sort();
}

export async function containerLogs(name: string, lines = 20): Promise<string> {
  const r = await runCommand({ file: 'docker', args: ['logs', '--tail', String(lines), name], allowFailure: true, timeoutMs: 60_000 });
  return [r.stdout, r.stderr].filter(Boolean).join('\n');
}

/** A local image's identity as the Docker engine reports it (`docker image inspect`: Id and RepoDigests). */
export interface ImageDigests {
  /** `sha256:<config digest>`. */
  id: string;
  /** `repo@sha256:<manifest digest>` per registry repository it was pulled from; empty for a local build or load. */
  repoDigests: string[];
}

export async function imageDigests(ref: string, signal?: AbortSignal): Promise<ImageDigests> {
  const r = await runCommand({
    file: 'docker',
    args: ['image', 'inspect', '--format', '{{json .}}', ref],
    allowFailure: true,
    timeoutMs: 60_000,
    signal,
  });
  if (r.exitCode !== 0) {
    throw new KilnError('IMAGE_UNAVAILABLE', `image ${ref} is not present: docker image inspect failed`, {
      hint: 'the build ran it a moment ago; was it removed meanwhile (docker image prune)?',
      context: { stderr: r.stderr },
    });
  }
  const info = JSON.parse(r.stdout) as { Id?: string; RepoDigests?: string[] | null };
  return { id: info.Id ?? '', repoDigests: info.RepoDigests ?? [] };
}
