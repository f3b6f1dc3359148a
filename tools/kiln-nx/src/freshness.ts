// The build freshness token: a build is reused until it is `refresh` old, counted from its own build time.
// Pure functions shared by the build hasher (Nx's process) and the build executor (which records the token).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { revocationInForce } from '@kiln/schema/src/revocation';

export const DEFAULT_REFRESH = '30d';
const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000 };
/** The record the build writes next to its outputs (restored from the cache with them). */
export const FRESHNESS_FILE = 'freshness.json';

export interface FreshnessRecord {
  image: string;
  refresh: string;
  /** When this build ran (KILN_NOW when set): the build is reused until builtAt + refresh. */
  builtAt: string;
  expiresAt: string;
  /** The token in the build's Nx hash; kept while the build is fresh. */
  window: number;
}

/** `refresh:` of an image.yaml text (a top-level `refresh: 12h` / `30d`), else the default; validation is render-config's job. */
export function refreshOf(imageYaml: string | undefined): string {
  const m = imageYaml?.match(/^refresh:\s*["']?([1-9][0-9]*[dh])["']?\s*(#.*)?$/m);
  return m ? m[1]! : DEFAULT_REFRESH;
}

export function refreshMs(refresh: string): number {
  return Number(refresh.slice(0, -1)) * UNIT_MS[refresh.slice(-1)]!;
}

/** Per-image offset of the window boundaries, so images with the same refresh do not all expire at once. */
export function phaseMs(image: string, periodMs: number): number {
  return createHash('sha256').update(image).digest().readUInt32BE(0) % periodMs;
}

/** The image's window number at `nowMs`: windows are `refresh` long and start at the image's own phase. */
export function windowAt(image: string, refresh: string, nowMs: number): number {
  const period = refreshMs(refresh);
  return Math.floor((nowMs - phaseMs(image, period)) / period);
}

/** The clock: KILN_NOW (an ISO date, for tests) or the real time. */
export function nowMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.KILN_NOW;
  if (raw === undefined || raw === '') return Date.now();
  const t = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(t)) {
    throw new Error(
      `KILN_NOW must be an ISO date such as 2026-03-01T00:00:00Z (got ${JSON.stringify(raw)}); unset it to use the real clock`,
    );
  }
  return t;
}

/** The freshness record in a build output folder, or undefined when there is none or it is unreadable. */
export function readFreshnessRecord(workspaceRoot: string, outputPath: string): FreshnessRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(join(workspaceRoot, outputPath, FRESHNESS_FILE), 'utf8')) as FreshnessRecord;
    return typeof r.window === 'number' && typeof r.builtAt === 'string' && typeof r.refresh === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The token for the build's hash at `now`. While the build recorded in the output folder is younger than its
 * refresh (and the refresh is unchanged), its own token: its cache entry stays valid until builtAt + refresh.
 * Otherwise the image's current window, which every machine computes alike (a fresh clone, a remote cache).
 */
export function freshnessToken(image: string, refresh: string, record: FreshnessRecord | undefined, now: number): number {
  if (record && record.refresh === refresh && record.image === image) {
    const builtAt = Date.parse(record.builtAt);
    if (!Number.isNaN(builtAt) && builtAt <= now && now < builtAt + refreshMs(refresh)) return record.window;
  }
  return windowAt(image, refresh, now);
}

/** The record a build that ran at `now` with `token` in its hash writes next to its outputs. */
export function freshnessRecord(image: string, refresh: string, token: number, now: number): FreshnessRecord {
  return {
    image,
    refresh,
    builtAt: new Date(now).toISOString(),
    expiresAt: new Date(now + refreshMs(refresh)).toISOString(),
    window: token,
  };
}

/**
 * Whether image.yaml's `revoked:` is in force at `now`: part of the build's hash, so a cached build is not replayed
 * for a revoked image (the build then refuses it). Only an image.yaml with a top-level `revoked:` pays for the parser.
 */
export function revokedAt(imageYaml: string | undefined, now: number): boolean {
  if (!imageYaml || !/^revoked:/m.test(imageYaml)) return false;
  let data: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only revoked images load the YAML parser
    data = (require('yaml') as typeof import('yaml')).parse(imageYaml);
  } catch {
    return false; // render-config reports the broken image.yaml
  }
  const revoked = (data as { revoked?: unknown } | null)?.revoked;
  if (!revoked || typeof revoked !== 'object') return false;
  const at = (revoked as { at?: unknown }).at;
  return revocationInForce({ reason: '', at: typeof at === 'string' ? at : '' }, now);
}
