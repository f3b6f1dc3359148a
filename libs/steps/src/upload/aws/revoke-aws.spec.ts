import { describe, expect, it } from 'vitest';
import { deprecateAt } from './revoke-aws';

describe('deprecateAt', () => {
  it('is the next whole minute at least a minute ahead (EC2 refuses a time in the past and rounds seconds)', () => {
    expect([
      deprecateAt(Date.parse('2026-03-01T12:00:00Z')),
      deprecateAt(Date.parse('2026-03-01T12:00:00.001Z')),
      deprecateAt(Date.parse('2026-03-01T12:00:59Z')),
    ]).toEqual(['2026-03-01T12:01:00Z', '2026-03-01T12:02:00Z', '2026-03-01T12:02:00Z']);
  });
});
