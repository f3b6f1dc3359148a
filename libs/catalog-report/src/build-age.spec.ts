import { describe, expect, it } from 'vitest';
import { ageLabel, refreshMs } from './build-age';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('ageLabel', () => {
  it('counts whole minutes under an hour', () => {
    expect([ageLabel(0), ageLabel(59 * MIN + 59_999)]).toEqual(['0m', '59m']);
  });

  it('counts whole hours from one hour to under two days', () => {
    expect([ageLabel(HOUR), ageLabel(47 * HOUR + 59 * MIN)]).toEqual(['1h', '47h']);
  });

  it('counts whole days from two days on', () => {
    expect([ageLabel(48 * HOUR), ageLabel(12 * 24 * HOUR + 23 * HOUR)]).toEqual(['2d', '12d']);
  });

  it('shows a build time after the clock as 0m', () => {
    expect(ageLabel(-5 * HOUR)).toBe('0m');
  });
});

describe('refreshMs', () => {
  it('reads days and hours as image.yaml writes them', () => {
    expect([refreshMs('30d'), refreshMs('12h')]).toEqual([30 * 24 * HOUR, 12 * HOUR]);
  });

  it('is undefined for anything else', () => {
    expect(['', '0d', '3w', '1.5d', 'd'].map(refreshMs)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
