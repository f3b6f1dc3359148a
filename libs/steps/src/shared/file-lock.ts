// A cross-process lock (a folder that only one process can create), freed when its owner dies.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KilnError } from '@kiln/errors';

/** How long a lock folder without an owner file counts as being created (then it is stale). */
export const OWNERLESS_LOCK_GRACE_MS = 10_000;

function ownerAlive(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lockDir, 'owner'), 'utf8').trim());
  } catch {
    // Being created right now (mkdir, then the owner file): held, unless its creator died in between.
    try {
      return Date.now() - statSync(lockDir).mtimeMs < OWNERLESS_LOCK_GRACE_MS;
    } catch {
      return false;
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits for and takes the lock; returns its release function. */
export async function acquireLock(lockDir: string, timeoutMs = 10 * 60_000, signal?: AbortSignal): Promise<() => void> {
  mkdirSync(dirname(lockDir), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'owner'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (!ownerAlive(lockDir)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (signal?.aborted) throw new KilnError('INTERRUPTED', 'interrupted while waiting for a lock');
    if (Date.now() > deadline) {
      throw new KilnError('LOCK_TIMEOUT', `another Kiln process holds ${lockDir}`, { hint: 'wait for it to finish, or remove the folder if no Kiln process is running' });
    }
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 150));
  }
}
