// Finds secret values (raw or in a common encoding) in text, in files and folders, and in live process arguments.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Variable name → secret value. */
export type Secrets = Record<string, string>;

/** The forms a value can leak in: raw, URI-encoded, JSON-escaped, base64. */
function encodings(value: string): string[] {
  return [...new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1), Buffer.from(value).toString('base64')])];
}

/** `<label>: <NAME>` for each secret found in `text`. */
export function secretsIn(text: string, secrets: Secrets, label: string): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => encodings(value).some((e) => text.includes(e)))
    .map(([name]) => `${label}: ${name}`);
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  const stat = lstatSync(path);
  if (stat.isDirectory())
    return readdirSync(path)
      .sort()
      .flatMap((entry) => filesUnder(join(path, entry)));
  return stat.isFile() ? [path] : [];
}

/**
 * `<file>: <NAME>` for each secret found in the given files, or in any file under the given folders
 * (recursively, symlinks not followed). Files are read as latin1, so binary files are scanned byte for byte.
 */
export function secretsInFiles(paths: string[], secrets: Secrets): string[] {
  return paths.flatMap(filesUnder).flatMap((file) => secretsIn(readFileSync(file).toString('latin1'), secrets, file));
}

export interface ProcessArgsWatch {
  /** Stops polling; `hits` are `process arguments: <NAME> (pid <pid>: <program>)`. */
  stop(): Promise<{ markerSeen: boolean; polls: number; hits: string[] }>;
}

function commandLines(): { pid: string; args: string[] }[] {
  const out: { pid: string; args: string[] }[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
      if (args.length) out.push({ pid, args });
    } catch {
      // the process exited between readdir and read
    }
  }
  return out;
}

/**
 * Polls every process's argument list (/proc/<pid>/cmdline) until stopped: records secrets seen in any of
 * them, and whether a process whose arguments contain `marker` was seen (proof the poll watched the right thing).
 */
export function watchProcessArgs(secrets: Secrets, marker: string, intervalMs = 20): ProcessArgsWatch {
  let markerSeen = false;
  let polls = 0;
  const hits = new Set<string>();
  const poll = () => {
    polls++;
    for (const { pid, args } of commandLines()) {
      const line = args.join(' ');
      if (line.includes(marker)) markerSeen = true;
      for (const hit of secretsIn(line, secrets, 'process arguments')) hits.add(`${hit} (pid ${pid}: ${args[0]})`);
    }
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      poll();
      return { markerSeen, polls, hits: [...hits].sort() };
    },
  };
}
