// Docker queries for end-to-end tests: containers by name prefix, their mounts, past events, the bridge gateway.
import { execFile, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { dockerEnv } from './docker-engine';

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function docker(args: string[]): DockerResult {
  const r = spawnSync('docker', args, { env: dockerEnv(), encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

export function dockerAsync(args: string[]): Promise<DockerResult> {
  return new Promise((resolve) => {
    execFile('docker', args, { env: dockerEnv(), encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter(Boolean).sort();
}

/** Names of containers (running or not, with `all`) whose name starts with `prefix`, sorted. */
export function containersNamed(prefix: string, all = true): string[] {
  const r = docker(['ps', ...(all ? ['-a'] : []), '--filter', `name=${prefix}`, '--format', '{{.Names}}']);
  return lines(r.stdout).filter((n) => n.startsWith(prefix));
}

/** Names of running containers carrying `label` (k=v), sorted. */
export function containersLabelled(label: string): string[] {
  return lines(docker(['ps', '--filter', `label=${label}`, '--format', '{{.Names}}']).stdout);
}

/** Host paths mounted into a container. */
export function containerMountSources(name: string): string[] {
  const r = docker(['container', 'inspect', '--format', '{{range .Mounts}}{{.Source}}{{"\\n"}}{{end}}', name]);
  return r.code === 0 ? lines(r.stdout) : [];
}

/** Waits until a running container's name starts with `prefix`; returns its name. */
export async function waitForRunningContainer(
  prefix: string,
  timeoutMs: number,
  stillWaiting: () => boolean = () => true,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && stillWaiting()) {
    const r = await dockerAsync(['ps', '--filter', `name=${prefix}`, '--filter', 'status=running', '--format', '{{.Names}}']);
    const name = lines(r.stdout).find((n) => n.startsWith(prefix));
    if (name) return name;
    await sleep(100);
  }
  throw new Error(`no running container named ${prefix}* appeared within ${timeoutMs} ms`);
}

export interface DockerEvent {
  action: string;
  /** Container name, or image reference for image events. */
  name: string;
  /** Milliseconds since the epoch. */
  time: number;
}

/**
 * Events of one object type (container, image) the daemon recorded between two instants (Date.now() values),
 * optionally only `action` (start, pull, ...). Reads the daemon's event history, so nothing has to listen while
 * the watched command runs.
 */
export function dockerEvents(type: 'container' | 'image', sinceMs: number, untilMs: number, action?: string): DockerEvent[] {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const args = ['events', '--since', seconds(sinceMs), '--until', seconds(untilMs), '--filter', `type=${type}`];
  if (action) args.push('--filter', `event=${action}`);
  args.push('--format', '{{.Action}} {{.TimeNano}} {{if .Actor.Attributes.name}}{{.Actor.Attributes.name}}{{else}}{{.Actor.ID}}{{end}}');
  const r = docker(args);
  if (r.code !== 0) throw new Error(`docker events failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [act, nano, name] = l.split(' ');
      return { action: act!, name: name ?? '', time: Number(BigInt(nano!) / 1_000_000n) };
    });
}

/** Address of the host on Docker's default bridge: reachable from containers, and local to this host. */
export function bridgeGateway(): string {
  const r = docker(['network', 'inspect', 'bridge', '--format', '{{range .IPAM.Config}}{{.Gateway}}|{{.Subnet}}{{"\\n"}}{{end}}']);
  if (r.code !== 0) throw new Error(`docker network inspect bridge failed: ${r.stderr}`);
  for (const line of r.stdout.split('\n')) {
    const [gateway, subnet] = line.trim().split('|');
    if (gateway && /^\d+\.\d+\.\d+\.\d+$/.test(gateway)) return gateway;
    // Some daemons leave Gateway empty: the bridge then takes the subnet's first address.
    const m = subnet?.match(/^(\d+\.\d+\.\d+)\.0\/(\d+)$/);
    if (m) return `${m[1]}.1`;
  }
  throw new Error(`no IPv4 gateway on the default bridge: ${r.stdout}`);
}
