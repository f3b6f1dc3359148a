// Reads KILN_* numbers from the environment: a value that is not a number in range is a clear error.
import { KilnError } from '@kiln/errors';

export interface EnvNumberRule {
  min: number;
  max?: number;
  /** What the number means, for the hint (e.g. "minutes"). */
  unit: string;
  /** Accept a decimal fraction too (e.g. 0.05 seconds). */
  decimal?: boolean;
}

/** The variable as a number (whole unless rule.decimal), or `fallback` when unset or empty; anything else is KILN_ENV_INVALID. */
export function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, rule: EnvNumberRule): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim();
  const value = (rule.decimal ? /^[0-9]+(\.[0-9]+)?$/ : /^[0-9]+$/).test(text) ? Number(text) : NaN;
  if (
    !Number.isFinite(value) ||
    (!rule.decimal && !Number.isSafeInteger(value)) ||
    value < rule.min ||
    (rule.max !== undefined && value > rule.max)
  ) {
    const range = rule.max === undefined ? `at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
    throw new KilnError(
      'KILN_ENV_INVALID',
      `${name} must be a ${rule.decimal ? 'number' : 'whole number'} (${rule.unit}), ${range} (got ${JSON.stringify(raw.slice(0, 40))})`,
      {
        hint: `set ${name} to e.g. ${fallback}, or unset it for the default (${fallback})`,
      },
    );
  }
  return value;
}
