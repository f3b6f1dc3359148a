// Arms a detached reaper that removes a run's containers and private folders if this process dies
// before it cleans up itself (a SIGKILL from the task runner leaves no chance to run finally blocks).
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReaperJob {
  /** Containers to `docker rm -f`. */
  containers: string[];
  /** Folders/files to delete (credentials, per-run copies). */
  paths: string[];
  /** Folder the lease file is written to (one of the run's private folders works). */
  leaseDir: string;
  maxLifetimeMs: number;
}

export interface Reaper {
  /** Call after the normal cleanup: the reaper exits without doing anything. */
  disarm(): void;
}

const SCRIPT = join(__dirname, '..', 'bin', 'cleanup-reaper.js');

export function armReaper(job: ReaperJob): Reaper {
  const lease = join(job.leaseDir, '.kiln-reaper-lease');
  writeFileSync(lease, String(process.pid), { mode: 0o600 });
  const payload = JSON.stringify({
    ownerPid: process.pid,
    lease,
    containers: job.containers,
    paths: job.paths,
    maxLifetimeMs: job.maxLifetimeMs,
  });
  spawn(process.execPath, [SCRIPT, '--stage1', payload], { detached: true, stdio: 'ignore' }).unref();
  return { disarm: () => rmSync(lease, { force: true }) };
}
