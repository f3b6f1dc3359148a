// Vitest global setup: records, at the start of the e2e run, which docker client (path and version) and
// which engine the suite talks to, so a failure can be read against them.
import { spawnSync } from 'node:child_process';

export function setup(): void {
  const which = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim() || '(not on PATH)';
  const r = spawnSync('docker', ['version', '--format', '{{.Client.Version}} {{.Server.Version}}'], { encoding: 'utf8', timeout: 15_000 });
  const [client = '?', engine = '?'] = (r.stdout ?? '').trim().split(' ');
  const others = process.env.KILN_E2E_DOCKER_CLIENTS ?? '(KILN_E2E_DOCKER_CLIENTS unset: only the client on PATH)';
  console.info(
    `e2e: docker client ${client} at ${which}, engine ${engine} (DOCKER_HOST=${process.env.DOCKER_HOST ?? 'default'}); clients exercised: ${others}`,
  );
}
