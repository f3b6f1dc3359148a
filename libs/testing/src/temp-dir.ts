// Temporary folders for one test, removed after it (the test registers nothing itself).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];
let hooked = false;

/** A new empty folder under the OS temp dir, removed after the current test. */
export function tempDir(prefix = 'kiln-test-'): string {
  if (!hooked) {
    hooked = true;
    afterEach(() => {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
