// Writes a small ustar archive in memory (for `docker cp -`): entries carry their own owner and mode.

export interface ArchiveEntry {
  /** Relative path; a trailing slash is added for folders. */
  path: string;
  /** File content; absent for a folder. */
  content?: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(entry: ArchiveEntry, mtime: number): Buffer {
  const block = Buffer.alloc(512, 0);
  const isDir = entry.content === undefined;
  const name = isDir && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(entry.mode & 0o7777, 8), 100, 8, 'ascii');
  block.write(octal(entry.uid, 8), 108, 8, 'ascii');
  block.write(octal(entry.gid, 8), 116, 8, 'ascii');
  block.write(octal(isDir ? 0 : entry.content!.length, 12), 124, 12, 'ascii');
  block.write(octal(mtime, 12), 136, 12, 'ascii');
  block.write('        ', 148, 8, 'ascii');
  block.write(isDir ? '5' : '0', 156, 1, 'ascii');
  block.write('ustar\0' + '00', 257, 8, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return block;
}

/** The archive bytes: each entry's header and content padded to 512 bytes, then two zero blocks. */
export function tarArchive(entries: ArchiveEntry[], mtime = 0): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry, mtime));
    if (entry.content && entry.content.length > 0) {
      parts.push(entry.content, Buffer.alloc((512 - (entry.content.length % 512)) % 512, 0));
    }
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}
