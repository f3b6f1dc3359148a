// The verify target every image, tkr and cluster project has: declared vs real, read-only, never cached.
import type { TargetConfiguration } from '@nx/devkit';
import { planDist, verifyDist, type ProjectFolder } from '@kiln/schema/src/dist-layout';

/**
 * verify depends on nothing: it checks what is already published (published.json) and registered, so a catalog is
 * checked with `nx run-many -t verify` without building or uploading anything.
 */
export function verifyTarget(name: string, folder: ProjectFolder): TargetConfiguration {
  return {
    executor: '@kiln/nx:verify',
    cache: false,
    continuous: false,
    options: { outputPath: verifyDist(folder, name) },
    configurations: { plan: { plan: true, outputPath: planDist('verify', name, folder) } },
    metadata: {
      description:
        'Check that what the project declares is what vCenter, EC2, Azure and the management cluster have; one line per finding, non-zero exit on drift (not cached).',
    },
  };
}
