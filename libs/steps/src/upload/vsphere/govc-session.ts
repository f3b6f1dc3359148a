// govc per run: a private GOVMOMI_HOME with session persistence off (no cached login outlives the run), and the
// reason of a failure as govc really prints it (text, or the JSON error objects of -json).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GovcSession {
  /** Environment for every govc call of the run. */
  env: Record<string, string>;
  /** Removes the private GOVMOMI_HOME (and anything govc left in it). */
  dispose(): void;
}

/**
 * A private GOVMOMI_HOME (0700) for one run, with GOVC_PERSIST_SESSION=false: govc neither reuses a session cached
 * under ~/.govmomi/sessions (which would let a wrong password still work) nor leaves a live session cookie on disk.
 * GOVC_FORMAT_ERROR=false makes govc print errors as text even under -json.
 */
export function openGovcSession(): GovcSession {
  const home = mkdtempSync(join(tmpdir(), 'kiln-govc-'));
  return {
    env: { GOVMOMI_HOME: home, GOVC_PERSIST_SESSION: 'false', GOVC_FORMAT_ERROR: 'false' },
    dispose: () => rmSync(home, { recursive: true, force: true }),
  };
}

const MESSAGE_KEYS = ['message', 'Message', 'faultMessage', 'localizedMessage', 'msg', 'Msg'];

/** The first human-readable message inside a JSON error object govc printed (fault objects nest it). */
function jsonMessage(value: unknown, depth = 0): string | undefined {
  if (depth > 6 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const m = jsonMessage(item, depth + 1);
      if (m) return m;
    }
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  for (const key of MESSAGE_KEYS) {
    if (typeof obj[key] === 'string' && obj[key] !== '') return obj[key] as string;
  }
  for (const v of Object.values(obj)) {
    const m = jsonMessage(v, depth + 1);
    if (m) return m;
  }
  return undefined;
}

/**
 * Why a govc call failed, from its stderr (and stdout): text lines without the `govc: ` prefix, messages found in
 * JSON error objects; empty JSON objects (`{}`, what govc 0.24 prints under -json) carry nothing and are dropped.
 */
export function govcFailureReason(stderr: string, stdout = ''): string {
  const reasons: string[] = [];
  for (const raw of `${stderr}\n${stdout}`.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('{') || line.startsWith('[')) {
      try {
        const m = jsonMessage(JSON.parse(line));
        if (m) reasons.push(m.trim());
        continue;
      } catch {
        // not JSON after all: keep the text
      }
    }
    reasons.push(line.replace(/^(?:\S*\/)?govc: /, ''));
  }
  const unique = [...new Set(reasons)];
  return unique.length > 0 ? unique.slice(-5).join('\n') : 'govc printed no reason';
}
