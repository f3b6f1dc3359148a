import { describe, expect, it } from 'vitest';
import { revocationOf } from './revocation';

const NOW = Date.parse('2026-03-01T00:00:00Z');

describe('revocationOf', () => {
  it('finds none when image.yaml has no revoked:', () => {
    expect(revocationOf(undefined, NOW)).toBeUndefined();
  });

  it('is in force when its at is at or before the clock', () => {
    expect([
      revocationOf({ reason: 'CVE', at: '2026-02-20' }, NOW),
      revocationOf({ reason: 'CVE', at: '2026-03-01T00:00:00Z' }, NOW),
    ]).toEqual([
      { reason: 'CVE', at: '2026-02-20', effective: true },
      { reason: 'CVE', at: '2026-03-01T00:00:00Z', effective: true },
    ]);
  });

  it('is not yet in force when its at is after the clock', () => {
    expect(revocationOf({ reason: 'EOL', at: '2026-04-01' }, NOW)).toEqual({ reason: 'EOL', at: '2026-04-01', effective: false });
  });
});
