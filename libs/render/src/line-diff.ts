// Unified line diff of two texts (the `diff` package), for reviewable change records such as changes.diff.
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';

export interface LineDiff {
  text: string;
  added: number;
  removed: number;
}

/** `--- from` / `+++ to` / `@@ -a,n +b,m @@` hunks with `context` lines around each change; '' when equal. */
export function lineDiff(before: string, after: string, from: string, to: string, context = 3): LineDiff {
  const patch = structuredPatch(from, to, before, after, undefined, undefined, { context });
  if (patch.hunks.length === 0) return { text: '', added: 0, removed: 0 };
  const lines = patch.hunks.flatMap((h) => h.lines);
  return {
    text: formatPatch(patch, FILE_HEADERS_ONLY),
    added: lines.filter((l) => l.startsWith('+')).length,
    removed: lines.filter((l) => l.startsWith('-')).length,
  };
}
