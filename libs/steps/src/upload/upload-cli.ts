// Runs the cloud CLIs (govc, aws, az) for upload: one place that adds the child environment, the log file,
// the redactor and the abort signal, and echoes each command line (secrets never reach argv).
import { KilnError } from '@kiln/errors';
import { runCommand, showCommand, type Redactor, type RunResult } from '@kiln/runner';

export interface CliCallOptions {
  allowFailure?: boolean;
  timeoutMs?: number;
  /** Echo the command's output lines too (long-running commands); by default only the command line. */
  echoOutput?: boolean;
  /** Run even after an interrupt (cleanup). */
  ignoreAbort?: boolean;
  /** Environment for this call, laid over the CLI's own (e.g. govc's private GOVMOMI_HOME). */
  env?: Record<string, string>;
}

export interface CloudCli {
  run(file: string, args: string[], options?: CliCallOptions): Promise<RunResult>;
  /** Runs and parses stdout as JSON (empty output → undefined). */
  json<T>(file: string, args: string[], options?: CliCallOptions): Promise<T | undefined>;
}

export interface CloudCliOptions {
  cwd: string;
  /** Environment for the children (merged over process.env). */
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  echo: NodeJS.WritableStream;
  prefix: string;
  logFile?: string;
  redactor: Redactor;
}

export function cloudCli(o: CloudCliOptions): CloudCli {
  const run = async (file: string, args: string[], options: CliCallOptions = {}): Promise<RunResult> => {
    o.echo.write(`${o.prefix}$ ${showCommand(file, args, o.redactor)}\n`);
    return runCommand({
      file,
      args,
      cwd: o.cwd,
      env: options.env ? { ...o.env, ...options.env } : o.env,
      signal: options.ignoreAbort ? undefined : o.signal,
      timeoutMs: options.timeoutMs,
      prefix: o.prefix + '  ',
      echo: options.echoOutput ? o.echo : undefined,
      logFile: o.logFile,
      redactor: o.redactor,
      allowFailure: options.allowFailure,
    });
  };
  return {
    run,
    async json<T>(file: string, args: string[], options?: CliCallOptions): Promise<T | undefined> {
      const r = await run(file, args, options);
      if (r.exitCode !== 0 || r.stdout.trim() === '') return undefined;
      try {
        return JSON.parse(r.stdout) as T;
      } catch {
        throw new KilnError('CLI_OUTPUT_INVALID', `${file} ${args[0] ?? ''} printed output that is not JSON`, {
          hint: `check the ${file} version (Kiln parses its -json / --output json output)`,
          context: { command: showCommand(file, args, o.redactor), output: r.stdout.slice(0, 500) },
        });
      }
    },
  };
}

/** The error for a cloud CLI call that failed: what ran, and the last lines it printed on stderr. */
export function cloudCliFailure(code: string, message: string, hint: string, file: string, args: string[], stderr: string): KilnError {
  const errors = stderr
    .split('\n')
    .filter((l) => l.trim())
    .slice(-5)
    .join('\n');
  return new KilnError(code, message, { hint, context: { command: showCommand(file, args), errors } });
}
