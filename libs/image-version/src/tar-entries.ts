// Lists the files of a tar archive (ustar, GNU long names, pax) by walking its headers, without reading file data.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { KilnError } from '@kiln/errors';

const BLOCK = 512;

export interface TarEntry {
  /** Path inside the archive, as stored (long names resolved). */
  name: string;
  /** Tar type flag: '0' regular file, '5' directory, '2' symlink... */
  type: string;
  size: number;
  /** Byte offset of the entry's data inside the archive. */
  dataOffset: number;
}

function readBlock(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

function cString(buffer: Buffer, start: number, length: number): string {
  const field = buffer.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

/** Numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function numberField(buffer: Buffer, start: number, length: number): number {
  const field = buffer.subarray(start, start + length);
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return value;
  }
  const text = cString(buffer, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumMatches(header: Buffer): boolean {
  const stored = numberField(header, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : header[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** pax extended header records: `<length> <key>=<value>\n`. */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (!(length > 0)) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** Every entry of the tar file `file` (label: how to name it in errors). */
export function listTarEntries(file: string, label = file): TarEntry[] {
  const fd = openSync(file, 'r');
  try {
    const total = fstatSync(fd).size;
    const entries: TarEntry[] = [];
    let position = 0;
    let longName: string | undefined;
    let pax: Record<string, string> = {};
    for (;;) {
      const header = readBlock(fd, position, BLOCK);
      if (header.length === 0 && entries.length > 0) break;
      if (header.length < BLOCK && position === 0) throw notTar(label, header);
      if (header.length < BLOCK) {
        throw new KilnError('TAR_TRUNCATED', `${label} is truncated: the tar header at byte ${position} is incomplete`, {
          hint: 'download or copy the file again',
        });
      }
      if (header.every((b) => b === 0)) break;
      if (!checksumMatches(header)) {
        if (position === 0) throw notTar(label, header);
        throw new KilnError('TAR_CORRUPT', `${label} is corrupt: bad tar header checksum at byte ${position}`, {
          hint: 'download or copy the file again',
        });
      }
      const type = String.fromCharCode(header[156] || 0x30);
      const size = pax.size !== undefined ? Number(pax.size) : numberField(header, 124, 12);
      const dataOffset = position + BLOCK;
      if (dataOffset + size > total) {
        throw new KilnError(
          'TAR_TRUNCATED',
          `${label} is truncated: entry at byte ${position} needs ${size} bytes of data, the file ends first`,
          { hint: 'download or copy the file again' },
        );
      }
      position = dataOffset + padded(size);
      if (type === 'L') {
        longName = cString(readBlock(fd, dataOffset, size), 0, size);
        continue;
      }
      if (type === 'x') {
        pax = paxRecords(readBlock(fd, dataOffset, size));
        continue;
      }
      if (type === 'K' || type === 'g') continue;
      const magic = header.subarray(257, 263).toString('latin1');
      const prefix = magic === 'ustar\0' ? cString(header, 345, 155) : '';
      const shortName = cString(header, 0, 100);
      const name = pax.path ?? longName ?? (prefix ? `${prefix}/${shortName}` : shortName);
      entries.push({ name, type, size, dataOffset });
      longName = undefined;
      pax = {};
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

function notTar(label: string, header: Buffer): KilnError {
  const gzip = header[0] === 0x1f && header[1] === 0x8b;
  return new KilnError('TAR_INVALID', `${label} is not a tar archive${gzip ? ' (it is gzip-compressed)' : ''}`, {
    hint: 'an .ova file is an uncompressed tar holding the .ovf descriptor, the manifest and the disks',
  });
}

/** The data of one entry (for small members such as an .ovf descriptor). */
export function readTarEntry(file: string, entry: TarEntry): Buffer {
  const fd = openSync(file, 'r');
  try {
    return readBlock(fd, entry.dataOffset, entry.size);
  } finally {
    closeSync(fd);
  }
}
