// A cross-process lock file that appears whole with its owner's pid (written aside, then hard-linked into place).
import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KilnError } from '@kiln/errors';

/** How long a lock without a readable owner (e.g. an older Kiln's lock folder) counts as held (then it is stale). */
export const OWNERLESS_LOCK_GRACE_MS = 10_000;

/** The lock's text ('' when it has none, e.g. a folder), or undefined when there is no lock. */
function lockText(lock: string): string | undefined {
  try {
    return readFileSync(lock, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') return '';
    throw e;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock whose owner process is gone, or that names no owner and is older than the grace period. */
function isStale(lock: string, text: string): boolean {
  const pid = Number(text.split(/\s/)[0]);
  if (Number.isInteger(pid) && pid > 0) return !processAlive(pid);
  try {
    return Date.now() - lstatSync(lock).mtimeMs >= OWNERLESS_LOCK_GRACE_MS;
  } catch {
    return true;
  }
}

/** Moves the stale lock aside and deletes it; puts it back if another waiter had taken the lock in between. */
function takeOver(lock: string, staleText: string): void {
  const aside = `${lock}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lock, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (lockText(aside) !== staleText) {
    try {
      linkSync(aside, lock);
    } catch {
      // A third process holds the lock by now; the one moved aside was taken over in a race that lost it.
    }
  }
  rmSync(aside, { recursive: true, force: true });
}

/** The folder of the locks must be ours alone: another user could otherwise plant or remove locks. */
function checkPrivate(dir: string): void {
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) {
    throw new KilnError('LOCK_DIR_UNSAFE', `the lock folder ${dir} is not a folder that only this user can write`, {
      hint: `remove ${dir} (Kiln creates it again with mode 0700)`,
    });
  }
}

/** Waits for and takes the lock (a file at `lock`, in a folder private to this user); returns its release function. */
export async function acquireLock(lock: string, timeoutMs = 10 * 60_000, signal?: AbortSignal): Promise<() => void> {
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  checkPrivate(dirname(lock));
  const mine = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  const draft = `${lock}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, mine, { flag: 'wx', mode: 0o600 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        linkSync(draft, lock);
        return () => {
          if (lockText(lock) === mine) rmSync(lock, { force: true });
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const held = lockText(lock);
      if (held === undefined) continue;
      if (isStale(lock, held)) {
        takeOver(lock, held);
        continue;
      }
      if (Date.now() > deadline) {
        throw new KilnError('LOCK_TIMEOUT', `another Kiln process holds ${lock}`, {
          hint: 'wait for it to finish, or remove the lock if no Kiln process is running',
          context: { owner: held.trim() || '(none recorded)' },
        });
      }
      try {
        await sleep(100 + Math.random() * 150, undefined, { signal });
      } catch {
        throw new KilnError('INTERRUPTED', 'interrupted while waiting for a lock');
      }
    }
  } finally {
    rmSync(draft, { force: true });
  }
}
