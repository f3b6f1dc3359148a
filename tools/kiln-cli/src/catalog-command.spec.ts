// kiln catalog in process on a small workspace: where it writes, what it prints, and the clock it uses.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { repoPath, runCli, tempDir } from '@kiln/testing';
import { main } from './main';

let root: string;

beforeEach(() => {
  root = tempDir('kiln-catalog-command-');
  writeFileSync(join(root, 'nx.json'), '{}\n');
  cpSync(repoPath('images', 'ubuntu-2004-aws-stig'), join(root, 'images', 'ubuntu-2004-aws-stig'), { recursive: true });
  vi.stubEnv('KILN_NOW', '2026-03-01T00:00:00Z');
  return () => vi.unstubAllEnvs();
});

describe('kiln catalog', () => {
  it('writes index.html and catalog.json to dist/catalog and prints the table', async () => {
    const r = await runCli(main, ['catalog', '--root', root]);
    const json = JSON.parse(readFileSync(join(root, 'dist/catalog/catalog.json'), 'utf8')) as {
      generatedAt: string;
      images: Array<{ name: string }>;
    };
    expect([
      r.code,
      r.stdout.split('\n')[0],
      json.images.map((i) => i.name),
      readFileSync(join(root, 'dist/catalog/index.html'), 'utf8').startsWith('<!doctype html>'),
    ]).toEqual([0, 'Kiln catalog at 2026-03-01T00:00:00.000Z: 1 image: 1 never built; 0 tkrs; 0 clusters', ['ubuntu-2004-aws-stig'], true]);
  });

  it('with --json prints catalog.json, and --out DIR writes there instead', async () => {
    const out = join(root, 'elsewhere');
    const r = await runCli(main, ['catalog', '--json', '--out', out, '--root', root]);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      0,
      readFileSync(join(out, 'catalog.json'), 'utf8'),
      `kiln catalog: wrote ${join(out, 'index.html')} and ${join(out, 'catalog.json')}\n`,
    ]);
  });

  it('refuses a KILN_NOW that is not a date with a clean error, exit 1', async () => {
    vi.stubEnv('KILN_NOW', 'tomorrow');
    const r = await runCli(main, ['catalog', '--root', root]);
    expect([r.code, r.stderr.split('\n')[0], /\n\s+at /.test(r.stderr)]).toEqual([
      1,
      'kiln catalog: KILN_NOW must be an ISO date such as 2026-03-01T00:00:00Z (got "tomorrow"); unset it to use the real clock',
      false,
    ]);
  });
});
