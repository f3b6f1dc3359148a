import { describe, expect, it } from 'vitest';
import { annotation, withKilnLines } from './template-annotation';

const KEY = 'a'.repeat(64);
const COMMIT = '3f2c1a9b8e7d6c5b4a39281706f5e4d3c2b1a098';
const IMPORTED = `Cluster API vSphere image\nKiln image img\nkiln-content-key=${KEY}`;

describe('annotation', () => {
  it('names the image and content key, and the commit when the build recorded one', () => {
    expect([annotation('img', KEY), annotation('img', KEY, COMMIT)]).toEqual([
      `Kiln image img\nkiln-content-key=${KEY}`,
      `Kiln image img\nkiln-content-key=${KEY}\nkiln-commit=${COMMIT}`,
    ]);
  });
});

describe('withKilnLines', () => {
  it('adds the commit line after the other lines', () => {
    expect(withKilnLines(IMPORTED, { commit: COMMIT })).toBe(`${IMPORTED}\nkiln-commit=${COMMIT}`);
  });

  it('replaces another commit line, and keeps the one there when the commit is unknown', () => {
    const old = `${IMPORTED}\nkiln-commit=0000000`;
    expect([withKilnLines(old, { commit: COMMIT }), withKilnLines(old, {})]).toEqual([`${IMPORTED}\nkiln-commit=${COMMIT}`, old]);
  });

  it('adds a revocation as one kiln-revoked line with its date and reason', () => {
    expect(withKilnLines(IMPORTED, { revoked: { reason: 'CVE-2026-0001\n  in the kernel', at: '2026-02-20' } })).toBe(
      `${IMPORTED}\nkiln-revoked=2026-02-20 CVE-2026-0001 in the kernel`,
    );
  });

  it('removes a revocation line when no revocation is wanted (restored), keeping the commit', () => {
    expect(withKilnLines(`${IMPORTED}\nkiln-commit=${COMMIT}\nkiln-revoked=2026-02-20 CVE`, {})).toBe(`${IMPORTED}\nkiln-commit=${COMMIT}`);
  });

  it('changes nothing that already says it all', () => {
    const done = `${IMPORTED}\nkiln-commit=${COMMIT}\nkiln-revoked=2026-02-20 CVE`;
    expect(withKilnLines(done, { commit: COMMIT, revoked: { reason: 'CVE', at: '2026-02-20' } })).toBe(done);
  });
});
