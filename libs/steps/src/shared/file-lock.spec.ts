// acquireLock: a lock file that appears whole, stale-lock takeover (dead owner, ownerless past the grace), a private folder.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kilnRejectionOf, tempDir } from '@kiln/testing';
import { acquireLock, OWNERLESS_LOCK_GRACE_MS } from './file-lock';

/** A pid no process has (above the kernel's pid_max). */
const DEAD_PID = '2147483646';

describe('acquireLock', () => {
  it('writes the lock whole: this process id and a token, and no draft left beside it', async () => {
    const dir = tempDir();
    const release = await acquireLock(join(dir, 'x.lock'), 1_000);
    expect(readFileSync(join(dir, 'x.lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f]{16}\\n$`));
    expect(readdirSync(dir)).toEqual(['x.lock']);
    release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('creates a missing lock folder private to this user (mode 0700)', async () => {
    const folder = join(tempDir(), 'kiln-locks-test');
    (await acquireLock(join(folder, 'x.lock'), 1_000))();
    expect(statSync(folder).mode & 0o777).toBe(0o700);
  });

  it('refuses a lock folder that others can write', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const e = await kilnRejectionOf(acquireLock(join(dir, 'x.lock'), 1_000));
    expect([e.code, e.message]).toEqual(['LOCK_DIR_UNSAFE', `the lock folder ${dir} is not a folder that only this user can write`]);
  });

  it('times out while a live process holds the lock, naming the owner', async () => {
    const lock = join(tempDir(), 'live.lock');
    writeFileSync(lock, `${process.ppid} 00\n`);
    const e = await kilnRejectionOf(acquireLock(lock, 300));
    expect([e.code, e.message, e.context.owner]).toEqual(['LOCK_TIMEOUT', `another Kiln process holds ${lock}`, `${process.ppid} 00`]);
  });

  it('takes over a lock whose owner process is gone', async () => {
    const lock = join(tempDir(), 'dead.lock');
    writeFileSync(lock, `${DEAD_PID} 00\n`);
    const release = await acquireLock(lock, 2_000);
    expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    release();
  });

  it("takes over a lock without an owner (an older Kiln's lock folder) once it is older than the grace period", async () => {
    const lock = join(tempDir(), 'ownerless.lock');
    mkdirSync(lock);
    const old = (Date.now() - OWNERLESS_LOCK_GRACE_MS - 5_000) / 1000;
    utimesSync(lock, old, old);
    const release = await acquireLock(lock, 2_000);
    expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    release();
  });

  it('waits for a fresh lock without an owner (its owner may be writing it right now)', async () => {
    const lock = join(tempDir(), 'fresh.lock');
    mkdirSync(lock);
    expect((await kilnRejectionOf(acquireLock(lock, 500))).code).toBe('LOCK_TIMEOUT');
  });

  it('stops waiting when interrupted', async () => {
    const lock = join(tempDir(), 'wait.lock');
    const release = await acquireLock(lock, 1_000);
    const controller = new AbortController();
    const waiting = kilnRejectionOf(acquireLock(lock, 60_000, controller.signal));
    controller.abort();
    expect(await waiting).toMatchObject({ code: 'INTERRUPTED', message: 'interrupted while waiting for a lock' });
    release();
  });

  it('release leaves alone a lock that is no longer its own', async () => {
    const lock = join(tempDir(), 'moved.lock');
    const release = await acquireLock(lock, 1_000);
    writeFileSync(lock, `${process.ppid} other\n`);
    release();
    expect(readFileSync(lock, 'utf8')).toBe(`${process.ppid} other\n`);
  });
});
