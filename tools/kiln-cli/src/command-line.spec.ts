// Every kiln command answers a wrong command line (unknown option, missing value, value for a switch, extra argument)
// with its usage on stderr and exit code 2, never a stack trace: through the real bin/kiln.js, and through main().
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot as ROOT, runCli } from '@kiln/testing';
import { COMMANDS, main } from './main';

const BIN = join(ROOT, 'tools', 'kiln-cli', 'bin', 'kiln.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node tools/kiln-cli/bin/kiln.js ...argv` as a child process. */
function runBin(argv: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const runMain = (argv: string[]): Promise<Run> => runCli(main, argv);

/** What a usage error looks like: exit 2, nothing on stdout, `kiln <command>: <message>`, then the usage. */
function usageError(r: Run, command: string): { code: number; stdout: string; first: string; usage: boolean; stack: boolean } {
  return {
    code: r.code,
    stdout: r.stdout,
    first: r.stderr.split('\n')[0],
    usage: r.stderr.includes(`\nusage: kiln ${command}`),
    stack: /internal error|\n\s+at /.test(r.stderr),
  };
}

function expected(command: string, message: string) {
  return { code: 2, stdout: '', first: `kiln ${command}: ${message}`, usage: true, stack: false };
}

/**
 * Per command: a valid start of its command line, one of its string options, one of its switches, and a command
 * line with an argument too many (`extra`, the one it names; `extraMessage` when the command takes arguments and
 * refuses this one for another reason).
 */
const CASES: Record<string, { prefix: string[]; stringOption: string; switchOption: string; extra: string[]; extraMessage?: string }> = {
  validate: { prefix: [], stringOption: '--root', switchOption: '--help', extra: ['extra'] },
  bundle: { prefix: ['stop'], stringOption: '--root', switchOption: '--help', extra: ['stop', 'extra'] },
  bom: {
    prefix: ['import', 'custom'],
    stringOption: '--from',
    switchOption: '--force',
    extra: ['import', 'custom', 'extra', '--from', 'bom.yaml'],
  },
  'os-image-version': {
    prefix: ['--govc-json', 'vm.json'],
    stringOption: '--write',
    switchOption: '--from-cluster',
    extra: ['--govc-json', 'vm.json', 'extra'],
  },
  review: { prefix: ['--base', 'HEAD'], stringOption: '--head', switchOption: '--help', extra: ['--base', 'HEAD', 'extra'] },
  'ci-matrix': { prefix: ['--base', 'HEAD'], stringOption: '--head', switchOption: '--help', extra: ['--base', 'HEAD', 'extra'] },
  'cache-check': { prefix: [], stringOption: '--expect', switchOption: '--json', extra: ['extra'] },
  doctor: { prefix: [], stringOption: '--root', switchOption: '--json', extra: ['extra'] },
  catalog: { prefix: [], stringOption: '--out', switchOption: '--json', extra: ['extra'] },
  verify: {
    prefix: [],
    stringOption: '--root',
    switchOption: '--json',
    extra: ['extra'],
    extraMessage: 'unknown project "extra" (no images/extra/image.yaml, tkrs/extra/tkr.yaml or clusters/extra/cluster.yaml)',
  },
};

it('covers every command main.ts dispatches', () => {
  expect(Object.keys(CASES).sort()).toEqual(Object.keys(COMMANDS).sort());
});

describe('bin/kiln.js <command> --bogus (the real entry, as a child process)', () => {
  const runs = new Map<string, Run>();
  beforeAll(async () => {
    const results = await Promise.all(Object.keys(CASES).map((c) => runBin([c, ...CASES[c].prefix, '--bogus'])));
    Object.keys(CASES).forEach((c, i) => runs.set(c, results[i]));
  }, 120_000);

  for (const command of Object.keys(CASES)) {
    it(`kiln ${command} prints its usage and exits 2`, () => {
      expect(usageError(runs.get(command)!, command)).toEqual(expected(command, 'unknown option --bogus'));
    });
  }
});

for (const [command, c] of Object.entries(CASES)) {
  describe(`kiln ${command}: a wrong command line`, () => {
    it('an unknown short option', async () => {
      expect(usageError(await runMain([command, ...c.prefix, '-z']), command)).toEqual(expected(command, 'unknown option -z'));
    });

    it('a string option without its value', async () => {
      expect(usageError(await runMain([command, ...c.prefix, c.stringOption]), command)).toEqual(
        expected(command, `${c.stringOption} needs a value`),
      );
    });

    it('a string option followed by another option instead of its value', async () => {
      expect(usageError(await runMain([command, ...c.prefix, c.stringOption, '--help']), command)).toEqual(
        expected(command, `${c.stringOption} needs a value`),
      );
    });

    it('a value for a switch', async () => {
      expect(usageError(await runMain([command, ...c.prefix, `${c.switchOption}=yes`]), command)).toEqual(
        expected(command, `${c.switchOption} takes no value`),
      );
    });

    it('an argument it does not take', async () => {
      expect(usageError(await runMain([command, ...c.extra]), command)).toEqual(
        expected(command, c.extraMessage ?? 'unexpected argument "extra"'),
      );
    });

    it('--help prints the usage on stdout and exits 0', async () => {
      const r = await runMain([command, '--help']);
      expect([r.code, r.stdout.startsWith(`usage: kiln ${command}`), r.stderr]).toEqual([0, true, '']);
    });
  });
}
