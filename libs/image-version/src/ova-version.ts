// Reads the OS image VERSION of an .ova file: the tar's single .ovf descriptor → its VERSION property.
import { existsSync, statSync } from 'node:fs';
import { KilnError } from '@kiln/errors';
import { ovfVersion } from './ovf-version';
import { listTarEntries, readTarEntry } from './tar-entries';

/** Descriptors are a few hundred KiB at most; anything bigger is not an OVF descriptor. */
const MAX_OVF_BYTES = 64 * 1024 * 1024;

/** `label` names the file in messages (default: the path). */
export function ovaVersion(ovaFile: string, label = ovaFile): string {
  if (!existsSync(ovaFile))
    throw new KilnError('FILE_MISSING', `file not found: ${label}`, { hint: 'pass the path of a downloaded .ova file' });
  if (!statSync(ovaFile).isFile())
    throw new KilnError('NOT_A_FILE', `${label} is not a file`, { hint: 'pass the path of a downloaded .ova file' });
  const ovfs = listTarEntries(ovaFile, label).filter((e) => (e.type === '0' || e.type === '7') && /\.ovf$/i.test(e.name));
  if (ovfs.length === 0) {
    throw new KilnError('OVA_NO_OVF', `${label} holds no .ovf descriptor`, {
      hint: 'an .ova is a tar with one .ovf file; check that this is the OVA and not a disk or a manifest',
    });
  }
  if (ovfs.length > 1) {
    throw new KilnError('OVA_MULTIPLE_OVF', `${label} holds ${ovfs.length} .ovf descriptors: ${ovfs.map((e) => e.name).join(', ')}`, {
      hint: 'an .ova holds exactly one descriptor; extract the one you mean (tar -xf) and check its VERSION property by hand',
    });
  }
  const ovf = ovfs[0];
  if (ovf.size > MAX_OVF_BYTES)
    throw new KilnError('OVA_OVF_TOO_BIG', `${label}: ${ovf.name} is ${ovf.size} bytes, too big for an OVF descriptor`);
  return ovfVersion(readTarEntry(ovaFile, ovf).toString('utf8'), `${ovf.name} (in ${label})`);
}
