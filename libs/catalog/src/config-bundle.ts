// Locates the image-builder config bundle of a release in the workspace and checks it has what a build needs.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import type { Release } from './catalog-types';

/** Default workspace folder that holds unzipped config bundles, one folder per bundle. */
export const DEFAULT_CONFIG_BUNDLES_DIR = 'images/_bundles';

export interface BundleNeeds {
  gossSpec: string;
  /** Role folders the build mounts besides tkg/ (the hardening role). */
  roles: string[];
}

/** Workspace-relative folder of the release's config bundle. */
export function configBundleDir(release: Release, bundlesDir = DEFAULT_CONFIG_BUNDLES_DIR): string {
  return `${bundlesDir}/${release.configBundle}`;
}

function missing(workspaceRoot: string, relPath: string, kind: 'file' | 'folder', releaseId: string, bundleDir: string): KilnError {
  return new KilnError('CONFIG_BUNDLE_MISSING', `config bundle ${kind} not found: ${relPath}`, {
    file: relPath,
    hint:
      `download the TKG Image Builder config bundle for ${releaseId} and unzip it so that ${bundleDir}/tkg.json exists ` +
      `(the folder name must be exactly ${bundleDir.split('/').pop()})`,
    context: { workspaceRoot },
  });
}

/** Checks the bundle's files exist; returns the parsed tkg.json (string values only). */
export function readConfigBundle(
  workspaceRoot: string,
  releaseId: string,
  release: Release,
  needs: BundleNeeds,
  bundlesDir = DEFAULT_CONFIG_BUNDLES_DIR,
): { dir: string; tkgJson: Record<string, string> } {
  const dir = configBundleDir(release, bundlesDir);
  const abs = (p: string) => join(workspaceRoot, p);
  const isDir = (p: string) => existsSync(abs(p)) && statSync(abs(p)).isDirectory();
  if (!isDir(dir)) throw missing(workspaceRoot, dir, 'folder', releaseId, dir);
  const tkgJsonPath = `${dir}/tkg.json`;
  if (!existsSync(abs(tkgJsonPath))) throw missing(workspaceRoot, tkgJsonPath, 'file', releaseId, dir);
  for (const folder of [`${dir}/tkg`, ...needs.roles.map((r) => `${dir}/${r}`)]) {
    if (!isDir(folder)) throw missing(workspaceRoot, folder, 'folder', releaseId, dir);
  }
  const goss = `${dir}/goss/${needs.gossSpec}`;
  if (!existsSync(abs(goss))) throw missing(workspaceRoot, goss, 'file', releaseId, dir);

  let tkgJson: unknown;
  try {
    tkgJson = JSON.parse(readFileSync(abs(tkgJsonPath), 'utf8'));
  } catch (e) {
    throw new KilnError('CONFIG_BUNDLE_INVALID', `tkg.json is not valid JSON: ${(e as Error).message}`, {
      file: tkgJsonPath,
      hint: 'restore tkg.json from the downloaded config bundle; Kiln applies your options itself, do not hand-edit it',
    });
  }
  if (tkgJson === null || typeof tkgJson !== 'object' || Array.isArray(tkgJson)) {
    throw new KilnError('CONFIG_BUNDLE_INVALID', 'tkg.json must be a JSON object', { file: tkgJsonPath });
  }
  for (const [k, v] of Object.entries(tkgJson)) {
    if (typeof v !== 'string') {
      throw new KilnError('CONFIG_BUNDLE_INVALID', `tkg.json key "${k}" must be a string (packer variables are strings)`, {
        file: tkgJsonPath,
      });
    }
  }
  return { dir, tkgJson: tkgJson as Record<string, string> };
}
