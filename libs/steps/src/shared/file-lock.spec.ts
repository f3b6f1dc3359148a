import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, OWNERLESS_LOCK_GRACE_MS } from './file-lock';

const dir = mkdtempSync(join(tmpdir(), 'kiln-file-lock-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('acquireLock', () => {
  it('takes over a lock folder whose owner file never got written, once it is older than the grace period', async () => {
    const lock = join(dir, 'ownerless.lock');
    mkdirSync(lock);
    const old = (Date.now() - OWNERLESS_LOCK_GRACE_MS - 5_000) / 1000;
    utimesSync(lock, old, old);
    const release = await acquireLock(lock, 2_000);
    release();
  });

  it('waits for a fresh ownerless lock (its owner is writing the file right now)', async () => {
    const lock = join(dir, 'fresh.lock');
    mkdirSync(lock);
    await expect(acquireLock(lock, 500)).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
  });

  it('takes over a lock whose owner process is gone', async () => {
    const lock = join(dir, 'dead.lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), '2147483646');
    const release = await acquireLock(lock, 2_000);
    release();
  });
});
