import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@kiln/testing';
import {
  freshnessRecord,
  freshnessToken,
  nowMs,
  phaseMs,
  readFreshnessRecord,
  refreshMs,
  refreshOf,
  revokedAt,
  windowAt,
} from './freshness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-01T00:30:00Z');
const dir = tempDir('kiln-freshness-');

/** The token the hasher computes at `now` when the output folder holds `record`. */
const tokenAt = (image: string, refresh: string, now: number, record?: ReturnType<typeof freshnessRecord>) =>
  freshnessToken(image, refresh, record, now);

describe('refresh of an image.yaml', () => {
  it('reads refresh in hours or days and defaults to 30d', () => {
    expect(refreshOf('infra: aws\nrefresh: 12h\n')).toBe('12h');
    expect(refreshOf('refresh: "7d" # weekly\n')).toBe('7d');
    expect(refreshOf('infra: aws\n')).toBe('30d');
    expect(refreshOf(undefined)).toBe('30d');
    expect([refreshMs('12h'), refreshMs('30d')]).toEqual([12 * HOUR, 30 * DAY]);
  });
});

describe('freshness token', () => {
  it('keeps a build until it is exactly refresh old, counted from its own build time, wherever the window boundary falls', () => {
    for (const image of ['a', 'b', 'ubuntu-2004-aws-cis', 'bench-17']) {
      for (const offset of [0, 1, 5 * HOUR, 11 * HOUR + 59 * 60_000]) {
        const built = T0 + offset;
        const token = tokenAt(image, '12h', built);
        const record = freshnessRecord(image, '12h', token, built);
        expect(record.expiresAt).toBe(new Date(built + 12 * HOUR).toISOString());
        for (const age of [0, HOUR, 6 * HOUR, 12 * HOUR - 1])
          expect(tokenAt(image, '12h', built + age, record), `${image} +${offset} age ${age}`).toBe(token);
        expect(tokenAt(image, '12h', built + 12 * HOUR, record)).not.toBe(token);
        expect(tokenAt(image, '12h', built + 40 * DAY, record)).not.toBe(token);
      }
    }
  });

  it('without a record (a fresh clone) every machine computes the same window; a record of another refresh or image is ignored', () => {
    const w = tokenAt('img', '30d', T0);
    expect(tokenAt('img', '30d', T0)).toBe(w);
    expect(w).toBe(windowAt('img', '30d', T0));
    const record = freshnessRecord('img', '30d', 12345, T0);
    expect(tokenAt('img', '30d', T0 + DAY, record)).toBe(12345);
    expect(tokenAt('img', '12h', T0 + DAY, record)).toBe(windowAt('img', '12h', T0 + DAY));
    expect(tokenAt('other', '30d', T0 + DAY, record)).toBe(windowAt('other', '30d', T0 + DAY));
    // A record from the future (the clock went back) is not trusted.
    expect(tokenAt('img', '30d', T0 - DAY, record)).toBe(windowAt('img', '30d', T0 - DAY));
  });

  it('spreads the window boundaries of 1000 images with the same refresh over the whole window', () => {
    const period = refreshMs('30d');
    const phases = Array.from({ length: 1000 }, (_, i) => phaseMs(`gen-${String(i + 1).padStart(4, '0')}`, period));
    const perDay = new Map<number, number>();
    for (const p of phases) perDay.set(Math.floor(p / DAY), (perDay.get(Math.floor(p / DAY)) ?? 0) + 1);
    expect(perDay.size).toBe(30); // every day of the window gets expiries
    expect(Math.max(...perDay.values())).toBeLessThan(70); // ~33 a day, never the whole catalog at once
  });
});

describe('the freshness record and the clock', () => {
  it('reads a record written next to the outputs and ignores a missing or malformed one', () => {
    mkdirSync(join(dir, 'out'), { recursive: true });
    const record = freshnessRecord('img', '12h', 7, T0);
    writeFileSync(join(dir, 'out', 'freshness.json'), JSON.stringify(record));
    expect(readFreshnessRecord(dir, 'out')).toEqual(record);
    expect(readFreshnessRecord(dir, 'missing')).toBeUndefined();
    writeFileSync(join(dir, 'out', 'freshness.json'), '{"window": "x"');
    expect(readFreshnessRecord(dir, 'out')).toBeUndefined();
  });

  it('takes KILN_NOW as the clock and refuses a value that is not an ISO date', () => {
    expect(nowMs({ KILN_NOW: '2026-03-01T00:30:00Z' })).toBe(T0);
    const before = Date.now();
    expect(nowMs({})).toBeGreaterThanOrEqual(before);
    expect(() => nowMs({ KILN_NOW: 'tomorrow' })).toThrow('KILN_NOW must be an ISO date such as 2026-03-01T00:00:00Z (got "tomorrow")');
    expect(() => nowMs({ KILN_NOW: '1700000000' })).toThrow('KILN_NOW must be an ISO date');
  });
});

describe('revocation in the build hash', () => {
  const yaml = (at: string) => `infra: aws\nrevoked:\n  reason: CVE-2026-0001\n  at: ${at}\n`;

  it('marks an image whose revocation is in force, and not one revoked in the future or not at all', () => {
    expect(revokedAt(yaml('2026-02-01'), T0)).toBe(true);
    expect(revokedAt(yaml('2026-03-02'), T0)).toBe(false);
    expect(revokedAt(yaml('2026-03-02'), T0 + 2 * DAY)).toBe(true);
    expect(revokedAt('infra: aws\n', T0)).toBe(false);
    expect(revokedAt('infra: aws\n  revoked: nested\n', T0)).toBe(false);
  });
});
