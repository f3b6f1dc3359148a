// Temporary folders for tests, removed by the test runner (the test registers no cleanup itself).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';
import { getCurrentTest } from 'vitest/suite';

const remove = (dir: string) => rmSync(dir, { recursive: true, force: true });

// Registered while the spec file that imports this module is collected, so it runs after that file's last test.
const fileLevel: string[] = [];
afterAll(() => fileLevel.splice(0).forEach(remove));

/**
 * A new empty folder under the OS temp dir. Made inside a test (or its beforeEach) it is removed when that
 * test finishes; made anywhere else (file level, a describe block, beforeAll), after the file's last test.
 */
export function tempDir(prefix = 'kiln-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (getCurrentTest()) onTestFinished(() => remove(dir));
  else fileLevel.push(dir);
  return dir;
}
