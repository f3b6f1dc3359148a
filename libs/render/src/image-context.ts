// Everything a renderer needs about one image, gathered by the caller (renderers never touch fs/env/clock).
import type { Catalog, Release } from '@kiln/catalog';
import type { HardeningKind, KilnImage } from '@kiln/schema';

export interface ImageContext {
  /** Image project name (folder under images/). */
  name: string;
  spec: KilnImage;
  catalog: Catalog;
  release: Release;
  /** Workspace-relative folder of the release's config bundle. */
  bundleDir: string;
  /** The config bundle's tkg.json, as read. */
  bundleTkgJson: Record<string, string>;
  /** Goss spec file name inside the bundle's goss/ folder. */
  gossSpec: string;
  /** sha256 of each bundle part the build mounts (tkg role, hardening role, goss spec). */
  bundleDigests: Record<string, string>;
  /** Private registry prefix that replaces projects.registry.vmware.com/tkg (workspace setting), if any. */
  registry?: string;
}

/** The hardening kind of the image, if any. */
export function hardeningKind(spec: KilnImage): HardeningKind | undefined {
  if (spec.hardening?.cis) return 'cis';
  if (spec.hardening?.stig) return 'stig';
  return undefined;
}
