// Runs the workspace's own `kiln` command line (tools/kiln-cli/bin/kiln.js) in a temporary workspace.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stripAnsi, type CommandResult, type TempWorkspace } from './temp-workspace';

export function kiln(ws: TempWorkspace, args: string[], env: Record<string, string | undefined> = {}): CommandResult {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const r = spawnSync(process.execPath, [join(ws.root, 'tools/kiln-cli/bin/kiln.js'), ...args], {
    cwd: ws.root,
    env: merged,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: stripAnsi(r.stdout), stderr: stripAnsi(r.stderr) };
}

/** Like kiln(), without blocking the test process (needed when the command talks to a server the test runs). */
export function kilnAsync(ws: TempWorkspace, args: string[], env: Record<string, string | undefined> = {}): Promise<CommandResult> {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ws.root, 'tools/kiln-cli/bin/kiln.js'), ...args], {
      cwd: ws.root,
      env: merged,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr) }));
  });
}
