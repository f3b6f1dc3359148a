import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { kilnErrorOf, tempDir } from '@kiln/testing';
import { listTarEntries, readTarEntry } from './tar-entries';
import { makeTar } from '../test/tar-fixture';

const dir = tempDir('kiln-tar-spec-');

const LONG = `${'ubuntu-2004-kube-v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e-'.repeat(2)}descriptor.ovf`;

describe('listTarEntries', () => {
  it('lists names, types and sizes in archive order, and reads one entry', () => {
    const tar = makeTar(join(dir, 'plain.tar'), [
      { name: 'a.mf', content: 'SHA256(a.ovf)= 00\n' },
      { name: 'a.ovf', content: '<Envelope/>' },
    ]);
    const entries = listTarEntries(tar);
    expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['a.mf', '0', 18],
      ['a.ovf', '0', 11],
    ]);
    expect(readTarEntry(tar, entries[1]).toString('utf8')).toBe('<Envelope/>');
  });

  it('resolves GNU long names (././@LongLink entries)', () => {
    expect(LONG.length).toBeGreaterThan(100);
    const tar = makeTar(join(dir, 'gnu.tar'), [{ name: LONG, content: 'x' }], 'gnu');
    expect(readFileSync(tar).includes('././@LongLink')).toBe(true);
    expect(listTarEntries(tar).map((e) => e.name)).toEqual([LONG]);
  });

  it('resolves pax long names (path records of x headers)', () => {
    const tar = makeTar(join(dir, 'pax.tar'), [{ name: LONG, content: 'x' }], 'pax');
    expect(readFileSync(tar).includes('PaxHeaders')).toBe(true);
    expect(listTarEntries(tar).map((e) => e.name)).toEqual([LONG]);
  });

  it('joins the ustar prefix and name fields', () => {
    const nested = `${'folder-with-a-fairly-long-name/'.repeat(3)}ubuntu-2004-kube-v1.26.5+vmware.1-tkg.1.ovf`;
    expect(nested.length).toBeGreaterThan(100);
    const tar = makeTar(join(dir, 'ustar.tar'), [{ name: nested, content: 'x' }], 'ustar');
    expect(
      listTarEntries(tar)
        .filter((e) => e.type === '0')
        .map((e) => e.name),
    ).toEqual([nested]);
  });

  it('refuses a file that is not a tar archive', () => {
    const file = join(dir, 'text.ova');
    writeFileSync(file, 'just some text, certainly not a tar header\n'.repeat(20));
    const e = kilnErrorOf(() => listTarEntries(file, 'text.ova'));
    expect([e.code, e.message]).toEqual(['TAR_INVALID', 'text.ova is not a tar archive']);
  });

  it('says when the file is gzip-compressed', () => {
    const file = join(dir, 'zipped.ova');
    writeFileSync(file, gzipSync(readFileSync(makeTar(join(dir, 'to-zip.tar'), [{ name: 'a.ovf', content: 'x' }]))));
    expect(kilnErrorOf(() => listTarEntries(file, 'zipped.ova')).message).toBe('zipped.ova is not a tar archive (it is gzip-compressed)');
  });

  it('reports a truncated archive', () => {
    const tar = makeTar(join(dir, 'cut.tar'), [{ name: 'disk.vmdk', content: Buffer.alloc(4096, 7) }]);
    truncateSync(tar, 512 + 1000);
    const e = kilnErrorOf(() => listTarEntries(tar, 'cut.ova'));
    expect([e.code, e.message]).toEqual([
      'TAR_TRUNCATED',
      'cut.ova is truncated: entry at byte 0 needs 4096 bytes of data, the file ends first',
    ]);
  });
});
