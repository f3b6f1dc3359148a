// tarArchive checked with the system's GNU tar: listing (owner, mode, size, time) and a real extraction.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@kiln/testing';
import { listTarEntries, readTarEntry } from '@kiln/image-version';
import { tarArchive, type ArchiveEntry } from './tar-archive';

const dir = tempDir('kiln-tar-archive-spec-');

let counter = 0;
function write(archive: Buffer): string {
  const file = join(dir, `a${counter++}.tar`);
  writeFileSync(file, archive);
  return file;
}

function tar(args: string[]): string {
  const r = spawnSync('tar', args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' } });
  if (r.status !== 0) throw new Error(`tar ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  // GNU tar warns on stderr (e.g. a bad checksum it could skip): a clean archive produces none.
  expect(r.stderr).toBe('');
  return r.stdout;
}

/** `tar -tv` lines reduced to mode, owner, size, time and name. */
function listing(file: string): string[] {
  return tar(['--numeric-owner', '-tvf', file])
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([mode, owner, size, date, time, name]) => `${mode} ${owner} ${size} ${date} ${time} ${name}`);
}

const CONFIG = Buffer.from('[default]\nregion = us-east-1\n');
const CREDENTIALS = Buffer.from('[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t/with+chars=\n');
const ENTRIES: ArchiveEntry[] = [
  { path: '.aws', mode: 0o700, uid: 1000, gid: 1000 },
  { path: '.aws/config', content: CONFIG, mode: 0o600, uid: 1000, gid: 1000 },
  { path: '.aws/credentials', content: CREDENTIALS, mode: 0o600, uid: 1000, gid: 1000 },
];

describe('tarArchive', () => {
  it('tar -tvf lists each entry with its owner uid/gid, mode, size and time, in order', () => {
    expect(listing(write(tarArchive(ENTRIES)))).toEqual([
      'drwx------ 1000/1000 0 1970-01-01 00:00 .aws/',
      `-rw------- 1000/1000 ${CONFIG.length} 1970-01-01 00:00 .aws/config`,
      `-rw------- 1000/1000 ${CREDENTIALS.length} 1970-01-01 00:00 .aws/credentials`,
    ]);
  });

  it('tar -x writes exactly the content, with the modes and (as root) the owners of the entries', () => {
    const target = join(dir, 'extract');
    mkdirSync(target);
    tar(['--numeric-owner', '-xpf', write(tarArchive(ENTRIES)), '-C', target]);
    expect(readdirSync(target)).toEqual(['.aws']);
    expect(readdirSync(join(target, '.aws')).sort()).toEqual(['config', 'credentials']);
    expect(readFileSync(join(target, '.aws', 'config'))).toEqual(CONFIG);
    expect(readFileSync(join(target, '.aws', 'credentials'))).toEqual(CREDENTIALS);
    // Only root can give files away; anyone else extracts them as their own.
    const root = process.getuid?.() === 0;
    const [uid, gid] = root ? [1000, 1000] : [process.getuid?.(), process.getgid?.()];
    const facts = (p: string) => {
      const s = statSync(join(target, p));
      return { p, mode: (s.mode & 0o7777).toString(8), uid: s.uid, gid: s.gid };
    };
    expect(['.aws', '.aws/config', '.aws/credentials'].map(facts)).toEqual([
      { p: '.aws', mode: '700', uid, gid },
      { p: '.aws/config', mode: '600', uid, gid },
      { p: '.aws/credentials', mode: '600', uid, gid },
    ]);
  });

  it('a single file at the top level (vsphere.json) with another owner, and the mtime given', () => {
    const json = Buffer.from('{\n  "cluster": "cluster0"\n}\n');
    const archive = tarArchive([{ path: 'vsphere.json', content: json, mode: 0o600, uid: 1001, gid: 2002 }], 86_400);
    expect(listing(write(archive))).toEqual([`-rw------- 1001/2002 ${json.length} 1970-01-02 00:00 vsphere.json`]);
  });

  it('pads content to 512-byte blocks and ends with two zero blocks: empty, 1, 511, 512, 513 and 70000 bytes round-trip', () => {
    const sizes = [0, 1, 511, 512, 513, 70_000];
    const contents = sizes.map((n, i) => Buffer.from(Array.from({ length: n }, (_, j) => (i * 31 + j * 7) % 256)));
    const entries = contents.map((content, i) => ({ path: `f${sizes[i]}`, content, mode: 0o644, uid: 0, gid: 0 }));
    const archive = tarArchive(entries);
    const blocks = (n: number) => Math.ceil(n / 512);
    expect(archive.length).toBe(512 * (sizes.length + sizes.reduce((sum, n) => sum + blocks(n), 0) + 2));
    expect(archive.subarray(archive.length - 1024).every((b) => b === 0)).toBe(true);
    const target = join(dir, 'sizes');
    mkdirSync(target);
    tar(['-xf', write(archive), '-C', target]);
    for (const [i, n] of sizes.entries()) expect(readFileSync(join(target, `f${n}`))).toEqual(contents[i]);
  });

  it("Kiln's own tar reader reads the same names, types, sizes and content", () => {
    const file = write(tarArchive(ENTRIES));
    const entries = listTarEntries(file);
    expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['.aws/', '5', 0],
      ['.aws/config', '0', CONFIG.length],
      ['.aws/credentials', '0', CREDENTIALS.length],
    ]);
    expect(readTarEntry(file, entries[2]!)).toEqual(CREDENTIALS);
  });

  it('refuses a name longer than the 100 bytes of a ustar header instead of truncating it', () => {
    expect(() => tarArchive([{ path: 'x'.repeat(101), content: Buffer.from('a'), mode: 0o600, uid: 0, gid: 0 }])).toThrow(
      /tar entry name too long/,
    );
    expect(() => tarArchive([{ path: 'x'.repeat(100), content: Buffer.from('a'), mode: 0o600, uid: 0, gid: 0 }])).not.toThrow();
  });

  it('is deterministic: the same entries give the same bytes', () => {
    expect(
      tarArchive(ENTRIES).equals(tarArchive(structuredClone(ENTRIES).map((e) => ({ ...e, content: e.content && Buffer.from(e.content) })))),
    ).toBe(true);
  });
});
