// The Kiln installation: where build-plan.json's {kiln} mounts come from, and the version provenance records.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kilnErrorOf, repoRoot, tempDir } from '@kiln/testing';
import { KILN_ROOT, kilnVersion } from './kiln-installation';

describe('the Kiln installation', () => {
  it('is the folder holding libs/ and the root package.json, found from this code, not from the working directory', () => {
    expect(KILN_ROOT).toBe(repoRoot);
  });

  it("has the root package.json's version", () => {
    expect(kilnVersion()).toBe((JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('fails with KILN_INSTALLATION when package.json has no version', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{"name": "kiln"}\n');
    expect(kilnErrorOf(() => kilnVersion(dir)).code).toBe('KILN_INSTALLATION');
  });
});
