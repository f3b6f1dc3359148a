// runCli: the exit code and each stream's text of an in-process CLI run.
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

describe('runCli', () => {
  it('returns the exit code and what the entry point wrote to stdout and stderr, apart', async () => {
    const main = async (argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream) => {
      out.write(`args: ${argv.join(' ')}\n`);
      err.write('warning\n');
      return 3;
    };
    expect(await runCli(main, ['a', 'b'])).toEqual({ code: 3, stdout: 'args: a b\n', stderr: 'warning\n' });
  });
});
