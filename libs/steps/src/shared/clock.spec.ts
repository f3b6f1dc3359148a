import { describe, expect, it } from 'vitest';
import { kilnErrorOf } from '@kiln/testing';
import { kilnNow } from './clock';

describe('kilnNow', () => {
  it('is KILN_NOW when set', () => {
    expect(kilnNow({ KILN_NOW: '2026-03-01T00:00:00Z' })).toBe(Date.parse('2026-03-01T00:00:00Z'));
  });

  it('is the real time when KILN_NOW is unset or empty', () => {
    const before = Date.now();
    const [unset, empty] = [kilnNow({}), kilnNow({ KILN_NOW: '' })];
    expect([unset >= before, empty >= before, unset <= Date.now()]).toEqual([true, true, true]);
  });

  it('refuses a KILN_NOW that is not an ISO date', () => {
    expect([
      kilnErrorOf(() => kilnNow({ KILN_NOW: 'yesterday' })).code,
      kilnErrorOf(() => kilnNow({ KILN_NOW: '2026-13-45' })).code,
    ]).toEqual(['KILN_ENV_INVALID', 'KILN_ENV_INVALID']);
  });
});
