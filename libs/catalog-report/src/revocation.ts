// The `revoked: { reason, at }` of an image.yaml as the catalog shows it: in force once `at` has come.
import { revocationInForce, type KilnImageRevoked } from '@kiln/schema';
import type { CatalogRevocation } from './catalog-model';

/** The catalog's view of a validated revocation, or undefined when the image has none. */
export function revocationOf(revoked: KilnImageRevoked | undefined, now: number): CatalogRevocation | undefined {
  if (!revoked) return undefined;
  return { reason: revoked.reason, at: revoked.at, effective: revocationInForce(revoked, now) };
}
