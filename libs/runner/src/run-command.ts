// Runs one external command (the only module that spawns processes): argv arrays, timeout, abort signal,
// redacted prefixed streaming, a full redacted log file, and errors that say what failed and why.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { KilnError } from '@kiln/errors';
import { shellQuote } from '@kiln/render';
import { LineRedactor, Redactor } from './redactor';
import { installHint } from './tool-hints';

export interface RunOptions {
  file: string;
  args: string[];
  /** Extra environment for the child (merged over process.env); secret values go here, never in args. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Default 10 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Prefix for every echoed line, e.g. `[ubuntu-2004-vsphere] `. */
  prefix?: string;
  /** Echo output lines to this stream (default: none). */
  echo?: NodeJS.WritableStream;
  /** Append the full redacted output here (created 0600). */
  logFile?: string;
  redactor?: Redactor;
  /** Called with each redacted output line (progress parsing). */
  onLine?: (line: string) => void;
  /** Resolve instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
  input?: string | Uint8Array;
}

export interface RunResult {
  exitCode: number;
  /** Redacted. */
  stdout: string;
  /** Redacted. */
  stderr: string;
}

const ERROR_LINE = /error|fail|fatal|denied|cannot|can't|unable|refused|not found|no such|panic|exception|invalid/i;
const TAIL_LINES = 200;
/** ANSI/VT escape sequences: CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \\) and two-byte ESC sequences. */
const TERMINAL_CODE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** `text` without terminal escape sequences (colours, clear-line, cursor moves). */
function stripTerminalCodes(text: string): string {
  return text.replace(TERMINAL_CODE, '');
}

/** The last lines that look like errors (or simply the last lines), for failure messages. */
export function errorLines(lines: string[], max = 10): string[] {
  const errors = lines.filter((l) => ERROR_LINE.test(l));
  return (errors.length > 0 ? errors : lines).slice(-max);
}

/** Display form of a command line (already free of secrets: they never enter argv), redacted once more. */
export function showCommand(file: string, args: string[], redactor?: Redactor): string {
  const text = shellQuote([file, ...args]);
  return redactor ? redactor.redact(text) : text;
}

/** The error lines of stderr when it has any, else of the whole output (some tools report on stdout). */
function failureLines(stderrTail: string[], tail: string[]): string[] {
  return stderrTail.some((l) => ERROR_LINE.test(l)) ? errorLines(stderrTail) : errorLines(tail);
}

export async function runCommand(options: RunOptions): Promise<RunResult> {
  const redactor = options.redactor ?? new Redactor();
  const command = showCommand(options.file, options.args, redactor);
  let log: WriteStream | undefined;
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    log = createWriteStream(options.logFile, { flags: 'a', mode: 0o600 });
    log.write(`$ ${command}\n`);
  }
  const tail: string[] = [];
  /** The last stderr lines: where a failing tool says why, so they are searched for errors first. */
  const errTail: string[] = [];
  const out = { stdout: [] as string[], stderr: [] as string[] };

  const child = execa(options.file, options.args, {
    env: options.env,
    extendEnv: true,
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 10 * 60_000,
    cancelSignal: options.signal,
    forceKillAfterDelay: 5_000,
    reject: false,
    buffer: false,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    input: options.input,
  });

  const pump = (stream: NodeJS.ReadableStream | null, sink: string[], own?: string[]) =>
    new Promise<void>((resolve) => {
      if (!stream) return resolve();
      const lines = new LineRedactor(redactor);
      const emit = (raw: string) => {
        // Terminal control sequences (govc's progress lines: CR + ESC[K) never reach the echo or the log.
        const text = stripTerminalCodes(raw);
        if (!text) return;
        // The log gets plain lines: every CR (a progress redraw, or half of a CRLF) becomes a line break.
        log?.write(text.replace(/\r\n?/g, '\n'));
        for (const line of text.split(/\r?\n|\r/)) {
          if (line === '') continue;
          sink.push(line);
          for (const t of own ? [tail, own] : [tail]) {
            t.push(line);
            if (t.length > TAIL_LINES) t.shift();
          }
          options.onLine?.(line);
          options.echo?.write(`${options.prefix ?? ''}${line}\n`);
        }
      };
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => emit(lines.push(chunk)));
      stream.on('end', () => {
        const rest = lines.flush();
        emit(rest && !rest.endsWith('\n') ? rest + '\n' : rest);
        resolve();
      });
      stream.on('error', () => resolve());
    });

  const [result] = await Promise.all([child, pump(child.stdout, out.stdout), pump(child.stderr, out.stderr, errTail)]);
  await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));

  const context = { command, exitCode: result.exitCode ?? null, ...(options.logFile ? { log: options.logFile } : {}) };
  if (
    (result as { code?: string }).code === 'ENOENT' ||
    /ENOENT/.test(String((result as { originalMessage?: string }).originalMessage ?? ''))
  ) {
    throw new KilnError('TOOL_MISSING', `${options.file} not found on PATH`, { hint: installHint(options.file), context: { command } });
  }
  if (result.isCanceled) {
    throw new KilnError('COMMAND_ABORTED', `${options.file} was interrupted`, { context });
  }
  if (result.timedOut) {
    throw new KilnError('COMMAND_TIMEOUT', `${options.file} did not finish within ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s`, {
      hint: 'raise the timeout or look at the log for where it stalled',
      context: { ...context, lastLines: errorLines(tail).join('\n') },
    });
  }
  const exitCode = result.exitCode ?? (result.signal ? 128 : 1);
  if (exitCode !== 0 && !options.allowFailure) {
    const why = result.signal ? ` (${result.signal})` : exitCode === 130 || exitCode === 143 ? ' (interrupted)' : '';
    throw new KilnError('COMMAND_FAILED', `${options.file} exited with code ${exitCode}${why}`, {
      hint: options.logFile ? `see the full log: ${options.logFile}` : 'see the output above',
      context: { ...context, errors: failureLines(errTail, tail).join('\n') },
    });
  }
  return { exitCode, stdout: out.stdout.join('\n'), stderr: out.stderr.join('\n') };
}
