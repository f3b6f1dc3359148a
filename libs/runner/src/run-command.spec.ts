import { PassThrough } from 'node:stream';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '@kiln/render';
import { kilnRejectionOf, tempDir } from '@kiln/testing';
import { errorLines, runCommand, showCommand } from './run-command';
import { findOnPath, requireTool } from './preflight';
import { Redactor } from './redactor';

const SECRET = 'hunter2-secret-value';

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c) => (text += c));
  return { stream, text: () => text };
}

describe('runCommand', () => {
  it('streams redacted, prefixed lines and writes a redacted 0600 log', async () => {
    const dir = tempDir('kiln-runner-spec-');
    const out = collect();
    const logFile = join(dir, 'logs', 'x.log');
    const r = await runCommand({
      file: 'sh',
      args: ['-c', 'printf "one $S\\ntwo\\n"; printf "err $S\\n" >&2'],
      env: { S: SECRET },
      prefix: '[img] ',
      echo: out.stream,
      logFile,
      redactor: new Redactor([SECRET]),
    });
    expect(r.stdout).toBe('one ***\ntwo');
    expect(r.stderr).toBe('err ***');
    expect(out.text().split('\n').sort()).toEqual(['', '[img] err ***', '[img] one ***', '[img] two']);
    const log = readFileSync(logFile, 'utf8');
    expect(log).not.toContain(SECRET);
    expect(log).toContain('one ***');
    expect(statSync(logFile).mode & 0o777).toBe(0o600);
  });

  it('fails with the command, exit code and the error-looking lines', async () => {
    const e = await kilnRejectionOf(runCommand({ file: 'sh', args: ['-c', 'echo working; echo "ERROR: disk full" >&2; exit 3'] }));
    expect(e.code).toBe('COMMAND_FAILED');
    expect(e.message).toBe('sh exited with code 3');
    expect(e.context.command).toBe(`sh -c 'echo working; echo "ERROR: disk full" >&2; exit 3'`);
    expect(e.context.exitCode).toBe(3);
    expect(e.context.errors).toBe('ERROR: disk full');
  });

  it('says when the program is not on PATH, with how to install it', async () => {
    const e = await kilnRejectionOf(runCommand({ file: 'govc', args: ['about'], env: { PATH: '/nonexistent' } }));
    expect(e.code).toBe('TOOL_MISSING');
    expect(e.message).toBe('govc not found on PATH');
    expect(e.hint).toMatch(/govmomi/);
  });

  it('stops a command at its timeout', async () => {
    const e = await kilnRejectionOf(runCommand({ file: 'sleep', args: ['10'], timeoutMs: 200 }));
    expect(e.code).toBe('COMMAND_TIMEOUT');
  });

  it('stops a command when its abort signal fires', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const e = await kilnRejectionOf(runCommand({ file: 'sleep', args: ['10'], signal: controller.signal }));
    expect(e.code).toBe('COMMAND_ABORTED');
  });

  it('returns the exit code instead of throwing when asked', async () => {
    expect((await runCommand({ file: 'sh', args: ['-c', 'exit 4'], allowFailure: true })).exitCode).toBe(4);
  });
});

describe('showCommand', () => {
  const args = ['run', '-e', 'PACKER_VAR_FILES=tkg.json vsphere.json', "it's", '$HOME', '', 'a"b'];

  it('quotes a command line as the plan records and generated scripts do (shellQuote)', () => {
    expect(showCommand('docker', args)).toBe(shellQuote(['docker', ...args]));
  });

  it('redacts the secrets its redactor knows', () => {
    expect(showCommand('govc', ['login', 'pw-123'], new Redactor(['pw-123']))).toBe('govc login ***');
  });
});

describe('errorLines', () => {
  it('keeps the last error-looking lines, or the last lines when none look like errors', () => {
    expect(errorLines(['a', 'fatal: x', 'b', 'Error y'])).toEqual(['fatal: x', 'Error y']);
    expect(errorLines(['a', 'b', 'c'], 2)).toEqual(['b', 'c']);
  });
});

describe('preflight', () => {
  it('finds tools on PATH and names the missing ones with an install hint', () => {
    expect(findOnPath('sh')).toMatch(/\/sh$/);
    const old = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => requireTool('kubectl')).toThrow('kubectl not found on PATH');
    } finally {
      process.env.PATH = old;
    }
  });
});
