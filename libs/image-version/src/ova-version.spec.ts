import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kilnErrorOf, tempDir } from '@kiln/testing';
import { ovaVersion } from './ova-version';
import { makeTar, ovfDescriptor, type TarFile } from '../test/tar-fixture';

const V = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const dir = tempDir('kiln-ova-spec-');

const VERSION_PROPERTY = `      <Property ovf:key="VERSION" ovf:type="string" ovf:userConfigurable="false" ovf:value="${V}"/>`;
const DISK: TarFile = { name: 'ubuntu-2004-kube-v1.26.5-disk1.vmdk', content: Buffer.alloc(3000, 1) };
const MANIFEST: TarFile = { name: 'ubuntu-2004-kube-v1.26.5.mf', content: 'SHA256(ubuntu-2004-kube-v1.26.5.ovf)= 0123\n' };
const LONG_OVF = `ubuntu-2004-kube-v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e-with-an-organisation-suffix-myorg.ovf`;

let n = 0;
function ova(files: TarFile[], format?: 'gnu' | 'pax'): string {
  return makeTar(join(dir, `image-${++n}.ova`), files, format);
}

describe('ovaVersion', () => {
  it('reads VERSION from the .ovf stored first, as ovftool writes it', () => {
    const file = ova([{ name: 'ubuntu-2004-kube-v1.26.5.ovf', content: ovfDescriptor(VERSION_PROPERTY) }, MANIFEST, DISK]);
    expect(ovaVersion(file)).toBe(V);
  });

  it('finds the .ovf when it is not the first member', () => {
    const file = ova([DISK, MANIFEST, { name: 'ubuntu-2004-kube-v1.26.5.ovf', content: ovfDescriptor(VERSION_PROPERTY) }]);
    expect(ovaVersion(file)).toBe(V);
  });

  it('reads a descriptor whose tag is spread over lines with single quotes and entities', () => {
    const property = `      <Property ovf:value='v1.26.5&#43;vmware.1-tkg.1-765d418b72c247c2310384e640ee075e'\n                ovf:key='VERSION'\n                ovf:type="string" />`;
    const file = ova([{ name: 'ubuntu.ovf', content: ovfDescriptor(property) }, DISK]);
    expect(ovaVersion(file)).toBe(V);
  });

  it('finds an .ovf with a name longer than 100 characters (GNU long name)', () => {
    expect(LONG_OVF.length).toBeGreaterThan(100);
    expect(ovaVersion(ova([DISK, { name: LONG_OVF, content: ovfDescriptor(VERSION_PROPERTY) }], 'gnu'))).toBe(V);
  });

  it('finds an .ovf with a name longer than 100 characters (pax path)', () => {
    expect(ovaVersion(ova([DISK, { name: LONG_OVF, content: ovfDescriptor(VERSION_PROPERTY) }], 'pax'))).toBe(V);
  });

  it('fails clearly when the descriptor has no VERSION property', () => {
    const file = ova([
      { name: 'plain.ovf', content: ovfDescriptor(`      <Property ovf:key="BUILD_TIMESTAMP" ovf:value="1689147482"/>`) },
      DISK,
    ]);
    const e = kilnErrorOf(() => ovaVersion(file, 'plain.ova'));
    expect([e.code, e.message]).toEqual(['OVF_NO_VERSION', 'plain.ovf (in plain.ova) has no <Property ovf:key="VERSION">']);
  });

  it('refuses an archive holding two .ovf descriptors', () => {
    const file = ova([
      { name: 'one.ovf', content: ovfDescriptor(VERSION_PROPERTY) },
      { name: 'two.OVF', content: ovfDescriptor(VERSION_PROPERTY) },
    ]);
    const e = kilnErrorOf(() => ovaVersion(file, 'two.ova'));
    expect([e.code, e.message]).toEqual(['OVA_MULTIPLE_OVF', 'two.ova holds 2 .ovf descriptors: one.ovf, two.OVF']);
  });

  it('refuses an archive without an .ovf descriptor', () => {
    const e = kilnErrorOf(() => ovaVersion(ova([MANIFEST, DISK]), 'disks.ova'));
    expect([e.code, e.message]).toEqual(['OVA_NO_OVF', 'disks.ova holds no .ovf descriptor']);
  });

  it('says when the path is a folder', () => {
    const e = kilnErrorOf(() => ovaVersion(dir, 'downloads'));
    expect([e.code, e.message]).toEqual(['NOT_A_FILE', 'downloads is not a file']);
  });

  it('says when the file does not exist', () => {
    const e = kilnErrorOf(() => ovaVersion(join(dir, 'missing.ova'), 'missing.ova'));
    expect([e.code, e.message]).toEqual(['FILE_MISSING', 'file not found: missing.ova']);
  });
});
