// Ages and refresh windows as the catalog shows them: "40m", "5h", "12d"; image.yaml's `refresh:` (12h, 30d).

/** image.yaml's default `refresh:` (the build's freshness window). */
export const DEFAULT_REFRESH = '30d';
const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000 };

/** Milliseconds of a `refresh:` value (`<n>d` or `<n>h`); undefined when it is not one. */
export function refreshMs(refresh: string): number | undefined {
  const m = /^([1-9][0-9]*)([dh])$/.exec(refresh);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

/** A short age: minutes under an hour, hours under two days, then days (a future time counts as 0m). */
export function ageLabel(ms: number): string {
  const minutes = Math.floor(Math.max(ms, 0) / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
