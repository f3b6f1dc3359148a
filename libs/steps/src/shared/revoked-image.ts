// Revoked images in the stages that use them: build refuses a revoked image, gen-bom a tkr listing one and
// gen-cluster-config a cluster using one, each error at the line that names the image. Restoring is removing the key.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog, type Catalog } from '@kiln/catalog';
import { KilnError, KilnErrors } from '@kiln/errors';
import { loadImageSpec, positionAt, readWorkspaceFile, revocationInForce, type KilnImageRevoked, type Position } from '@kiln/schema';
import { kilnNow } from './clock';
import { imageSpecPath } from './load-image-context';
import type { ListedImage } from './listed-image';

/** `revoked since 2026-02-01 (CVE-2026-0001 in the kernel)`. */
export function revokedSince(revoked: KilnImageRevoked): string {
  return `revoked since ${revoked.at} (${revoked.reason})`;
}

/** The way back, the same in every refusal. */
export function restoreHint(image: string): string {
  return `remove \`revoked:\` from ${imageSpecPath(image)} to restore it`;
}

/** The revocation of `image` when it is in force at `now`. */
export function revocationAt(image: { spec: { revoked?: KilnImageRevoked } }, now: number): KilnImageRevoked | undefined {
  return revocationInForce(image.spec.revoked, now) ? image.spec.revoked : undefined;
}

/**
 * build (and its plan): IMAGE_REVOKED, at the `revoked:` key of image.yaml, when the image's revocation is in force.
 * image.yaml was validated by the caller; a workspace without it (a plan checked outside a workspace) has none to refuse.
 */
export function refuseRevokedBuild(
  workspaceRoot: string,
  project: string,
  now: number = kilnNow(),
  catalog: Catalog = loadCatalog(),
): void {
  const file = imageSpecPath(project);
  if (!existsSync(join(workspaceRoot, file))) return;
  const { spec, source } = loadImageSpec(file, readWorkspaceFile(workspaceRoot, file), catalog);
  const revoked = revocationAt({ spec }, now);
  if (!revoked) return;
  const at = positionAt(source, '/revoked');
  throw new KilnError('IMAGE_REVOKED', `image ${project} is ${revokedSince(revoked)}: a revoked image is not built`, {
    file,
    line: at.line,
    column: at.column,
    hint: restoreHint(project),
  });
}

/** One use of an image in a tkr.yaml or cluster.yaml: the image and where the file names it. */
export interface ImageUse {
  image: ListedImage;
  file: string;
  at: Position;
}

/** Throws one error per use of an image whose revocation is in force (KilnErrors for several); nothing otherwise. */
export function refuseRevokedUses(
  uses: ImageUse[],
  now: number,
  error: (use: ImageUse, revoked: KilnImageRevoked) => { code: string; message: string; hint: string; context?: Record<string, unknown> },
): void {
  const errors = uses.flatMap((use) => {
    const revoked = revocationAt(use.image, now);
    if (!revoked) return [];
    const e = error(use, revoked);
    return [
      new KilnError(e.code, e.message, { file: use.file, line: use.at.line, column: use.at.column, hint: e.hint, context: e.context }),
    ];
  });
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new KilnErrors(errors);
}
