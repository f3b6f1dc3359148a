import { describe, expect, it } from 'vitest';
import { revocationInForce, revocationTime } from './revocation';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('revocationTime', () => {
  it('reads a date as midnight UTC', () => {
    expect(revocationTime('2026-03-01')).toBe(Date.parse('2026-03-01T00:00:00Z'));
  });

  it('reads an RFC 3339 time with its offset or Z, in either letter case', () => {
    expect([revocationTime('2026-03-01T14:00:00+02:00'), revocationTime('2026-03-01t12:00:00.5z')]).toEqual([
      Date.parse('2026-03-01T12:00:00Z'),
      Date.parse('2026-03-01T12:00:00.500Z'),
    ]);
  });

  it('refuses a day the month does not have, which Date.parse would roll over', () => {
    expect([revocationTime('2026-02-29'), revocationTime('2026-04-31'), revocationTime('2024-02-29')]).toEqual([
      undefined,
      undefined,
      Date.parse('2024-02-29T00:00:00Z'),
    ]);
  });

  it('refuses hours, minutes or offsets out of range, and text that is no date', () => {
    expect(
      ['2026-03-01T24:00:00Z', '2026-03-01T10:60:00Z', '2026-03-01T10:00:00+24:00', '2026-13-01', 'next week'].map(revocationTime),
    ).toEqual(Array(5).fill(undefined));
  });
});

describe('revocationInForce', () => {
  it('is in force once at has come', () => {
    expect([
      revocationInForce({ reason: 'CVE', at: '2026-03-01' }, NOW),
      revocationInForce({ reason: 'CVE', at: '2026-03-01T12:00:00Z' }, NOW),
    ]).toEqual([true, true]);
  });

  it('is not in force before a future at', () => {
    expect(revocationInForce({ reason: 'EOL', at: '2026-03-01T12:00:01Z' }, NOW)).toBe(false);
  });

  it('is not in force without a revocation', () => {
    expect(revocationInForce(undefined, NOW)).toBe(false);
  });

  it('is in force at once when at is no real date (a revocation is never ignored)', () => {
    expect(revocationInForce({ reason: 'bad', at: '2026-02-30' }, NOW)).toBe(true);
  });
});
