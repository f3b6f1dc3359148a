// Checks that the tools a step needs are installed and, for Docker, that the daemon answers.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { KilnError } from '@kiln/errors';
import { runCommand } from './run-command';
import { installHint } from './tool-hints';

/** Absolute path of `tool` on PATH, or undefined. */
export function findOnPath(tool: string, path = process.env.PATH ?? ''): string | undefined {
  if (isAbsolute(tool)) return tool;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function requireTool(tool: string): string {
  const found = findOnPath(tool);
  if (!found) throw new KilnError('TOOL_MISSING', `${tool} not found on PATH`, { hint: installHint(tool) });
  return found;
}

/** Fails clearly when docker is missing or its daemon does not answer. */
export async function requireDocker(signal?: AbortSignal): Promise<void> {
  requireTool('docker');
  const r = await runCommand({
    file: 'docker',
    args: ['version', '--format', '{{.Server.Version}}'],
    timeoutMs: 20_000,
    signal,
    allowFailure: true,
  });
  if (r.exitCode !== 0) {
    throw new KilnError('DOCKER_DAEMON', 'the Docker daemon does not answer', {
      hint: 'start it (systemctl start docker, or dockerd &) or point DOCKER_HOST at a running daemon',
      context: { stderr: r.stderr.split('\n').slice(-5).join('\n') },
    });
  }
}
