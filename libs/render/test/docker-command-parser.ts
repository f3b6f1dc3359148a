// Test helper: reads a `docker run` or `docker create` command (shell text or argv) into mounts, env, network, image and arguments.

export interface ParsedMount {
  host: string;
  readOnly: boolean;
}

export interface ParsedDockerRun {
  /** The docker subcommand: run (the guide) or create (Kiln, started separately). */
  command: 'run' | 'create';
  /** Options without a value, in order (e.g. -it, --rm, -d). */
  flags: string[];
  name?: string;
  network?: string;
  /** Container path → host side of each -v. */
  mounts: Record<string, ParsedMount>;
  /** --env NAME=value → value; --env NAME → null (value taken from the caller's environment). */
  env: Record<string, string | null>;
  envFiles: string[];
  image: string;
  /** Arguments after the image (the image-builder make target). */
  args: string[];
}

const VALUE_OPTIONS = new Set(['-v', '--volume', '-e', '--env', '--env-file', '--network', '--name', '-p', '--publish']);

/** Splits shell text into words: backslash-newline continues the line, '…' and "…" quote; nothing is expanded. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const src = text.replace(/\\\r?\n/g, ' ');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' at ${i}`);
      word = (word ?? '') + src.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let quoted = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length && '"\\$`'.includes(src[j + 1])) j++;
        quoted += src[j++];
      }
      if (j >= src.length) throw new Error(`unterminated " at ${i}`);
      word = (word ?? '') + quoted;
      i = j;
    } else if (c === '\\' && i + 1 < src.length) {
      word = (word ?? '') + src[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function parseMount(spec: string): [string, ParsedMount] {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1] || (parts.length === 3 && !['ro', 'rw'].includes(parts[2]))) {
    throw new Error(`malformed mount "${spec}": expected HOST:CONTAINER[:ro]`);
  }
  return [parts[1], { host: parts[0], readOnly: parts[2] === 'ro' }];
}

/** Parses `docker run …` / `docker create …` words (the first two must be docker and run or create). */
export function parseDockerRun(words: string[]): ParsedDockerRun {
  if (words[0] !== 'docker' || (words[1] !== 'run' && words[1] !== 'create'))
    throw new Error(`not a docker run or create command: ${words.slice(0, 2).join(' ')}`);
  const out: ParsedDockerRun = { command: words[1], flags: [], mounts: {}, env: {}, envFiles: [], image: '', args: [] };
  let i = 2;
  for (; i < words.length && words[i].startsWith('-'); i++) {
    const eq = words[i].indexOf('=');
    const [option, inline] = words[i].startsWith('--') && eq > 0 ? [words[i].slice(0, eq), words[i].slice(eq + 1)] : [words[i], undefined];
    if (!VALUE_OPTIONS.has(option)) {
      out.flags.push(option);
      continue;
    }
    const value = inline ?? words[++i];
    if (value === undefined) throw new Error(`${option} needs a value`);
    if (option === '-v' || option === '--volume') {
      const [container, mount] = parseMount(value);
      if (container in out.mounts) throw new Error(`${container} is mounted twice`);
      out.mounts[container] = mount;
    } else if (option === '-e' || option === '--env') {
      const at = value.indexOf('=');
      out.env[at < 0 ? value : value.slice(0, at)] = at < 0 ? null : value.slice(at + 1);
    } else if (option === '--env-file') out.envFiles.push(value);
    else if (option === '--network') out.network = value;
    else if (option === '--name') out.name = value;
    else out.flags.push(`${option} ${value}`);
  }
  if (i >= words.length) throw new Error('docker run without an image');
  out.image = words[i];
  out.args = words.slice(i + 1);
  return out;
}

/** Parses shell text holding one `docker run` (or `docker create`) command. */
export function parseDockerCommand(text: string): ParsedDockerRun {
  return parseDockerRun(shellWords(text));
}
