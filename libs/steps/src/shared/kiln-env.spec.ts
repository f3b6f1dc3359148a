// envNumber and the KILN_* numbers read through it: defaults, whole numbers in range, KILN_ENV_INVALID otherwise.
import { describe, expect, it } from 'vitest';
import { kilnErrorOf } from '@kiln/testing';
import { builderUid } from '../build/build-credentials';
import { buildTimeoutMs } from '../build/build-step';
import { envNumber, type EnvNumberRule } from './kiln-env';

const RULE: EnvNumberRule = { min: 1, max: 600, unit: 'seconds' };

function read(value: string | undefined, rule: EnvNumberRule = RULE): number {
  return envNumber(value === undefined ? {} : { KILN_TEST_SECONDS: value }, 'KILN_TEST_SECONDS', 30, rule);
}

describe('envNumber', () => {
  it('unset → the default', () => {
    expect(read(undefined)).toBe(30);
  });

  it('empty or blank → the default (an exported-but-empty variable counts as unset)', () => {
    expect(read('')).toBe(30);
    expect(read('   ')).toBe(30);
  });

  it('"12" → 12, surrounding blanks ignored, the range bounds included', () => {
    expect(read('12')).toBe(12);
    expect(read(' 12\n')).toBe(12);
    expect(read('1')).toBe(1);
    expect(read('600')).toBe(600);
    expect(read('007')).toBe(7);
  });

  it('a value that is not a whole number is KILN_ENV_INVALID naming the variable, the value, the unit and the range', () => {
    for (const value of ['abc', '1.5', '-3', '+3', '1e3', '0x10', '12abc', '1 2', '١٢']) {
      const e = kilnErrorOf(() => read(value));
      expect(e.code).toBe('KILN_ENV_INVALID');
      expect(e.message).toBe(`KILN_TEST_SECONDS must be a whole number (seconds), from 1 to 600 (got ${JSON.stringify(value)})`);
      expect(e.hint).toBe('set KILN_TEST_SECONDS to e.g. 30, or unset it for the default (30)');
    }
  });

  it('a whole number out of range is KILN_ENV_INVALID: below min, above max, beyond a safe integer', () => {
    for (const value of ['0', '601', '99999999999999999999']) {
      const e = kilnErrorOf(() => read(value));
      expect(e.code).toBe('KILN_ENV_INVALID');
      expect(e.message).toContain('KILN_TEST_SECONDS must be a whole number (seconds), from 1 to 600');
    }
    expect(read('0', { min: 0, unit: 'a user id' })).toBe(0);
    expect(kilnErrorOf(() => read('-1', { min: 0, unit: 'a user id' })).message).toBe(
      'KILN_TEST_SECONDS must be a whole number (a user id), at least 0 (got "-1")',
    );
  });

  it('quotes at most 40 characters of a bad value', () => {
    const e = kilnErrorOf(() => read('x'.repeat(500)));
    expect(e.message).toContain(`(got "${'x'.repeat(40)}")`);
    expect(e.message).not.toContain('x'.repeat(41));
  });
});

describe('KILN_* numbers read through envNumber', () => {
  it('KILN_BUILD_TIMEOUT_MINUTES: default 240 minutes, "12" → 12 minutes, "abc" → KILN_ENV_INVALID', () => {
    expect(buildTimeoutMs({})).toBe(240 * 60_000);
    expect(buildTimeoutMs({ KILN_BUILD_TIMEOUT_MINUTES: '12' })).toBe(12 * 60_000);
    const e = kilnErrorOf(() => buildTimeoutMs({ KILN_BUILD_TIMEOUT_MINUTES: 'abc' }));
    expect([e.code, e.message]).toEqual([
      'KILN_ENV_INVALID',
      'KILN_BUILD_TIMEOUT_MINUTES must be a whole number (minutes), from 1 to 10080 (got "abc")',
    ]);
    expect(kilnErrorOf(() => buildTimeoutMs({ KILN_BUILD_TIMEOUT_MINUTES: '0' })).code).toBe('KILN_ENV_INVALID');
  });

  it('KILN_BUILDER_UID: default 1000, "1001" → 1001, 0 allowed, "1000.5" / "-1" → KILN_ENV_INVALID', () => {
    expect(builderUid({})).toBe(1000);
    expect(builderUid({ KILN_BUILDER_UID: '1001' })).toBe(1001);
    expect(builderUid({ KILN_BUILDER_UID: '0' })).toBe(0);
    for (const value of ['1000.5', '-1', 'imagebuilder', '2147483648']) {
      const e = kilnErrorOf(() => builderUid({ KILN_BUILDER_UID: value }));
      expect(e.code).toBe('KILN_ENV_INVALID');
      expect(e.message).toContain('KILN_BUILDER_UID');
    }
  });
});

describe('the KILN_* waits of upload', () => {
  it('a non-numeric KILN_AWS_COPY_TIMEOUT_MINUTES is KILN_ENV_INVALID, never a NaN deadline that waits forever', async () => {
    const { awsWaitSettings } = await import('../upload/aws/upload-aws');
    expect(() => awsWaitSettings({ KILN_AWS_COPY_TIMEOUT_MINUTES: 'sixty' })).toThrow(
      'KILN_AWS_COPY_TIMEOUT_MINUTES must be a number (minutes), from 0.001 to 10080 (got "sixty")',
    );
    expect(() => awsWaitSettings({ KILN_AWS_POLL_SECONDS: '0' })).toThrow(
      'KILN_AWS_POLL_SECONDS must be a number (seconds), from 0.01 to 3600 (got "0")',
    );
    expect(() => awsWaitSettings({ KILN_AWS_POLL_SECONDS: 'NaN' })).toThrow('KILN_AWS_POLL_SECONDS must be a number (seconds)');
    expect(awsWaitSettings({ KILN_AWS_POLL_SECONDS: '0.05' }).pollMs).toBe(50);
    expect(awsWaitSettings({})).toEqual({ pollMs: 15_000, timeoutMs: 3_600_000 });
  });
});
