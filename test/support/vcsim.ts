// VMware's vCenter simulator (vcsim, built with govc from Debian's govmomi source package by
// .ci/install-vsphere-azure-tools) on a free loopback port, with a login that rejects wrong passwords.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

/** Real tools a test file needs that are not on PATH. Under CI=true a missing tool fails the file (never skipped). */
export function missingTools(tools: string[]): string[] {
  return tools.filter((t) => spawnSync('sh', ['-c', `command -v "$1"`, 'sh', t], { encoding: 'utf8' }).status !== 0);
}

/** Throws (CI) or tells the caller to skip (local machine) when tools are missing. */
export function toolsOrSkip(tools: string[]): { skip: boolean; missing: string[] } {
  const missing = missingTools(tools);
  return { skip: missing.length > 0 && process.env.CI !== 'true', missing };
}

export function requireTools(missing: string[]): void {
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not on PATH: install with .ci/install-vsphere-azure-tools (CI runs it)`);
}

const START_BOUND_MS = 30_000;

export class Vcsim {
  readonly username = 'kiln-vcsim-user';
  readonly password = 'vcsim-S3cret-pw';
  /** https://127.0.0.1:<port>/sdk, without credentials. */
  url = '';
  private child: ChildProcess | undefined;

  /** Starts vcsim on 127.0.0.1:0 (it picks a free port and prints it) and polls /about until it answers (30 s bound). */
  async start(): Promise<void> {
    const child = spawn('vcsim', ['-l', '127.0.0.1:0', '-username', this.username, '-password', this.password], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    const deadline = Date.now() + START_BOUND_MS;
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`vcsim printed no GOVC_URL within ${START_BOUND_MS / 1000} s: ${output}`)),
        START_BOUND_MS,
      );
      const onData = (d: Buffer) => {
        output += d.toString();
        const m = /GOVC_URL=https:\/\/[^@\s]*@([^\s/]+)\/sdk/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(`https://${m[1]}/sdk`);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => reject(new Error(`vcsim exited (${code}) before it answered: ${output}`)));
    });
    this.url = url;
    for (;;) {
      if (await this.answers()) return;
      if (Date.now() > deadline) throw new Error(`vcsim at ${url} did not answer within ${START_BOUND_MS / 1000} s`);
      await sleep(100);
    }
  }

  private answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = request(this.url.replace(/\/sdk$/, '/about'), { rejectUnauthorized: false, timeout: 2_000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
  }

  /** GOVC_* for a direct govc call (tests' own checks), with a session that is not persisted. */
  govcEnv(): Record<string, string> {
    return {
      GOVC_URL: this.url,
      GOVC_USERNAME: this.username,
      GOVC_PASSWORD: this.password,
      GOVC_INSECURE: '1',
      GOVC_PERSIST_SESSION: 'false',
    };
  }

  /** Runs the real govc against this vcsim (for the tests' own checks, not Kiln's calls). */
  govc(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
    const r = spawnSync('govc', args, { env: { ...process.env, ...this.govcEnv(), ...env }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Stops vcsim (SIGTERM, then SIGKILL after 10 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
