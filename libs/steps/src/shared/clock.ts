// The clock stages judge dates by (revocations): KILN_NOW (an ISO date, for tests) or the real time.
import { KilnError } from '@kiln/errors';

/** ms since the epoch: KILN_NOW when set (e.g. 2026-03-01T00:00:00Z), else Date.now(). */
export function kilnNow(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KILN_NOW;
  if (raw === undefined || raw === '') return Date.now();
  const t = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(t)) {
    throw new KilnError(
      'KILN_ENV_INVALID',
      `KILN_NOW must be an ISO date such as 2026-03-01T00:00:00Z (got ${JSON.stringify(raw.slice(0, 40))})`,
      {
        hint: 'unset KILN_NOW to use the real clock',
      },
    );
  }
  return t;
}
