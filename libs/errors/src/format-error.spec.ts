import { describe, expect, it } from 'vitest';
import { formatError, KilnError, KilnErrors } from './index';

describe('formatError', () => {
  it('prints location, message and hint without a stack', () => {
    const e = new KilnError('X', '/a must be boolean (got "yes")', {
      file: 'images/x/image.yaml',
      line: 3,
      column: 5,
      hint: 'write true or false',
    });
    expect(formatError(e)).toBe('images/x/image.yaml:3:5: /a must be boolean (got "yes")\n  hint: write true or false');
  });

  it('prints one block per error of a KilnErrors', () => {
    const e = new KilnErrors([
      new KilnError('A', 'first', { file: 'f', line: 1, column: 1 }),
      new KilnError('B', 'second', { file: 'f', line: 2, column: 3 }),
    ]);
    expect(formatError(e)).toBe('f:1:1: first\nf:2:3: second');
  });

  it('prints multi-line context indented', () => {
    const e = new KilnError('RUN', 'docker failed', { context: { exitCode: 2, stderr: 'a\nb' } });
    expect(formatError(e)).toBe('docker failed\n  exitCode: 2\n  stderr:\n    a\n    b');
  });

  it('keeps the stack of unexpected errors (they are bugs)', () => {
    expect(formatError(new TypeError('boom'))).toMatch(/^internal error: TypeError: boom\n\s+at /);
  });
});
