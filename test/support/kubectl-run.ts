// Runs the real kubectl from a test without blocking the event loop (the test API server answers from this process).
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runKubectl(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<KubectlRun> {
  return new Promise((resolve) => {
    execFile('kubectl', args, { env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Polls `check` every 50 ms until it returns true or `boundMs` passes; returns the elapsed ms (throws on timeout). */
export async function pollUntil(check: () => boolean, boundMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > boundMs) throw new Error(`${what} did not happen within ${boundMs} ms`);
    await sleep(50);
  }
  return Date.now() - started;
}
