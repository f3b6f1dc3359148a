// Runs Nx in a temporary workspace as a child process the test can watch and signal while it runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripAnsi, type TempWorkspace } from './temp-workspace';

export interface NxExit {
  /** Exit code, or null when Nx ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** When the process ended (Date.now()). */
  endedAt: number;
}

export interface NxProcess {
  child: ChildProcess;
  pid: number;
  done: Promise<NxExit>;
}

/** The same environment as TempWorkspace.nx: no daemon, no cloud, no inherited NX_* settings, the workspace's cache. */
export function nxEnvironment(ws: TempWorkspace, extraEnv: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // No CI/FORCE_COLOR: picocolors would colour Nx's output (see temp-workspace.ts); output is stripped too.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NX_') && k !== 'FORCE_COLOR' && k !== 'CI') env[k] = v;
  const merged: NodeJS.ProcessEnv = {
    ...env,
    NX_CACHE_DIRECTORY: ws.cacheDir,
    NX_WORKSPACE_DATA_DIRECTORY: ws.dataDir,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NO_COLOR: '1',
    ...extraEnv,
  };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return merged;
}

function nxBin(root: string): string {
  const manifest = JSON.parse(readFileSync(join(root, 'node_modules', 'nx', 'package.json'), 'utf8')) as { bin: { nx: string } };
  return join('node_modules', 'nx', manifest.bin.nx);
}

/**
 * Starts `nx <args> --outputStyle=static` in the workspace. With `detached`, Nx leads its own process group, so
 * `process.kill(-pid, signal)` reaches Nx and every process it started, like Ctrl-C in a terminal.
 */
export function spawnNx(
  ws: TempWorkspace,
  args: string[],
  extraEnv: Record<string, string | undefined> = {},
  options: { detached?: boolean } = {},
): NxProcess {
  const child = spawn(process.execPath, [nxBin(ws.root), ...args, '--outputStyle=static'], {
    cwd: ws.root,
    env: nxEnvironment(ws, extraEnv),
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<NxExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr), endedAt: Date.now() }),
    );
  });
  return { child, pid: child.pid!, done };
}
