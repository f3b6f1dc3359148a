// Gates test suites on a real Docker engine: skipped locally without one, failing in CI (CI=true) without one.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, it } from 'vitest';

/** How long `docker version` may take to answer before the engine counts as unavailable. */
export const DOCKER_PROBE_TIMEOUT_MS = 15_000;

/** Environment for docker child processes: the caller's, DOCKER_HOST included as set. */
export function dockerEnv(): NodeJS.ProcessEnv {
  return { ...process.env };
}

interface Probe {
  available: boolean;
  reason: string;
}

let probe: Probe | undefined;

function probeDocker(): Probe {
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], {
    env: dockerEnv(),
    encoding: 'utf8',
    timeout: DOCKER_PROBE_TIMEOUT_MS,
  });
  const where = `DOCKER_HOST=${process.env.DOCKER_HOST ?? '(unset)'}`;
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { available: false, reason: 'the docker CLI is not on PATH' };
    if (code === 'ETIMEDOUT')
      return { available: false, reason: `\`docker version\` did not answer within ${DOCKER_PROBE_TIMEOUT_MS / 1000} s (${where})` };
    return { available: false, reason: `\`docker version\` could not run: ${r.error.message}` };
  }
  if (r.status !== 0 || r.stdout.trim() === '') {
    const detail = r.stderr.trim().split('\n')[0] || `exit code ${r.status}`;
    return { available: false, reason: `\`docker version\` found no engine (${where}): ${detail}` };
  }
  return { available: true, reason: `Docker engine ${r.stdout.trim()} (${where})` };
}

/** True when the docker CLI is present and `docker version` reaches an engine within 15 s (probed once). */
export function dockerAvailable(): boolean {
  probe ??= probeDocker();
  return probe.available;
}

/** Why Docker is (not) available, for messages. */
export function dockerStatus(): string {
  probe ??= probeDocker();
  return probe.reason;
}

/**
 * `describe(name, body)` that needs a Docker engine. Without one the suite is skipped, unless
 * CI=true: then it fails in beforeAll with the reason, so CI cannot pass without running it.
 */
export function requireDockerOrSkip(name: string, body: () => void): void {
  if (dockerAvailable()) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      beforeAll(() => {
        throw new Error(
          `Docker is required when CI=true, and ${dockerStatus()}\nRun the tests through .ci/run, which installs docker.io and starts dockerd.`,
        );
      });
      it('runs against a Docker engine', () => undefined);
    });
  } else {
    describe.skipIf(true)(name, body);
  }
}
