// Gathers an image's validated spec, release and config bundle into the renderer's input.
import { join } from 'node:path';
import { getRelease, gossSpecName, loadCatalog, readConfigBundle, type Catalog } from '@kiln/catalog';
import { hardeningKind, type ImageContext } from '@kiln/render';
import { HARDENING_ANSIBLE, loadImageSpec, readWorkspaceFile } from '@kiln/schema';
import { digestPath } from './digest';
import type { ImageSettings } from './workspace-settings';

export function imageSpecPath(name: string): string {
  return `images/${name}/image.yaml`;
}

export function loadImageContext(
  workspaceRoot: string,
  name: string,
  settings: ImageSettings,
  catalog: Catalog = loadCatalog(),
): ImageContext {
  const file = imageSpecPath(name);
  const { spec } = loadImageSpec(file, readWorkspaceFile(workspaceRoot, file), catalog);
  const release = getRelease(catalog, spec.release)!;
  const gossSpec = gossSpecName(catalog, spec.release, spec.infra, spec.os);
  const kind = hardeningKind(spec);
  const roles = kind ? [HARDENING_ANSIBLE[kind].role] : [];
  const bundle = readConfigBundle(workspaceRoot, spec.release, release, { gossSpec, roles }, settings.configBundlesDir);
  const bundleDigests: Record<string, string> = {
    tkg: digestPath(join(workspaceRoot, bundle.dir, 'tkg')),
    goss: digestPath(join(workspaceRoot, bundle.dir, 'goss', gossSpec)),
  };
  for (const role of roles) bundleDigests[role] = digestPath(join(workspaceRoot, bundle.dir, role));
  return {
    name,
    spec,
    catalog,
    release,
    bundleDir: bundle.dir,
    bundleTkgJson: bundle.tkgJson,
    gossSpec,
    bundleDigests,
    registry: settings.registry,
  };
}
