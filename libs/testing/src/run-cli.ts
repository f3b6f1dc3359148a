// Runs a CLI entry point (argv, stdout, stderr → exit code) in process, capturing what it writes.
import { PassThrough } from 'node:stream';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export type CliMain = (argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream) => Promise<number>;

/** The exit code and the text `main` wrote to each stream. */
export async function runCli(main: CliMain, argv: string[]): Promise<CliRun> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const code = await main(argv, out, err);
  return { code, stdout, stderr };
}
