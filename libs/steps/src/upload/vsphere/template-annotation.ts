// Kiln's lines in a VM template's annotation (vCenter "Notes"): the image, its content key, the git commit it was built
// from and, while the image is revoked, the revocation. vCenter lets a template change only its name and annotation
// (no extraConfig), so the annotation is where these live; the other lines (the OVA's own) are kept.
import type { KilnImageRevoked } from '@kiln/schema';

/** Marker Kiln writes into the template's annotation (and reads back to recognise its own template). */
export const CONTENT_KEY_MARKER = 'kiln-content-key=';
export const COMMIT_MARKER = 'kiln-commit=';
export const REVOKED_MARKER = 'kiln-revoked=';

/** The Kiln lines an import writes (after the OVA's own annotation). */
export function annotation(image: string, contentKey: string, commit?: string): string {
  return [`Kiln image ${image}`, `${CONTENT_KEY_MARKER}${contentKey}`, ...(commit ? [`${COMMIT_MARKER}${commit}`] : [])].join('\n');
}

/** `kiln-revoked=<at> <reason>`, on one line. */
export function revokedLine(revoked: KilnImageRevoked): string {
  return `${REVOKED_MARKER}${revoked.at} ${revoked.reason.replace(/\s+/g, ' ').trim()}`;
}

/**
 * `text` with Kiln's commit and revocation lines as wanted, every other line kept in order: the commit line is
 * replaced (kept when `commit` is unknown), the revocation line set when `revoked` is given and removed otherwise.
 */
export function withKilnLines(text: string, want: { commit?: string; revoked?: KilnImageRevoked }): string {
  const lines = text === '' ? [] : text.split(/\r?\n/);
  const commit = want.commit ? `${COMMIT_MARKER}${want.commit}` : lines.find((l) => l.startsWith(COMMIT_MARKER));
  const kept = lines.filter((l) => !l.startsWith(COMMIT_MARKER) && !l.startsWith(REVOKED_MARKER));
  return [...kept, ...(commit ? [commit] : []), ...(want.revoked ? [revokedLine(want.revoked)] : [])].join('\n');
}
