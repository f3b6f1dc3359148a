import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = join(__dirname, '..', 'bin', 'freshness-window.js');
const dir = mkdtempSync(join(tmpdir(), 'kiln-freshness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function windowFor(yaml: string | undefined, now: string): string {
  const file = join(dir, `image-${Math.random().toString(36).slice(2)}.yaml`);
  if (yaml !== undefined) writeFileSync(file, yaml);
  const r = spawnSync(process.execPath, [SCRIPT, file], { encoding: 'utf8', env: { ...process.env, KILN_NOW: now } });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('freshness-window.js (the build target runtime input)', () => {
  it('defaults to 30 days and rolls over every 30 days', () => {
    const day0 = windowFor('infra: aws\n', '2026-01-01T00:00:00Z');
    expect(day0).toMatch(/^refresh=30d window=\d+\n$/);
    expect(windowFor('infra: aws\n', '2026-01-01T00:00:00Z')).toBe(day0);
    expect(windowFor('infra: aws\n', '2026-03-15T00:00:00Z')).not.toBe(day0);
  });

  it('uses the image refresh in hours or days', () => {
    expect(windowFor('refresh: 12h\n', '1970-01-02T00:00:00Z')).toBe('refresh=12h window=2\n');
    expect(windowFor('refresh: "7d" # weekly\n', '1970-01-15T00:00:00Z')).toBe('refresh=7d window=2\n');
  });

  it('falls back to the default for a missing file (the build task itself reports the problem)', () => {
    expect(windowFor(undefined, '1970-01-31T00:00:00Z')).toBe('refresh=30d window=1\n');
  });
});
