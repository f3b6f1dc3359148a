// tempDir: a fresh empty folder, removed when the test that made it finishes, or after the file's last test.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir';

const fileLevel = tempDir('kiln-testing-spec-');
let madeInTest = '';

describe('tempDir', () => {
  it('makes a new empty folder under the OS temp dir, named with the prefix', () => {
    madeInTest = tempDir('kiln-testing-spec-');
    writeFileSync(join(madeInTest, 'x'), 'x');
    expect([dirname(madeInTest), basename(madeInTest).startsWith('kiln-testing-spec-'), statSync(madeInTest).isDirectory()]).toEqual([
      tmpdir(),
      true,
      true,
    ]);
    expect(tempDir()).not.toBe(madeInTest);
  });

  it('removes a folder made inside a test when that test finishes, with its content', () => {
    expect(madeInTest).not.toBe('');
    expect(existsSync(madeInTest)).toBe(false);
  });

  it('keeps a folder made at file level for every test of the file', () => {
    expect(readdirSync(fileLevel)).toEqual([]);
  });
});
