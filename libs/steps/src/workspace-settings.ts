// Workspace-wide Kiln settings: the options of the @kiln/nx plugin entry in nx.json, normalised once.
import { DEFAULT_CONFIG_BUNDLES_DIR } from '@kiln/catalog';

export interface KilnSettings {
  /** Folder holding unzipped image-builder config bundles. */
  configBundlesDir: string;
  /** Private registry prefix replacing projects.registry.vmware.com/tkg (relocated images). */
  registry?: string;
}

export function normalizeSettings(raw: Partial<KilnSettings> | undefined): KilnSettings {
  return {
    configBundlesDir: (raw?.configBundlesDir ?? DEFAULT_CONFIG_BUNDLES_DIR).replace(/\/+$/, ''),
    registry: raw?.registry || undefined,
  };
}

/** Finds the Kiln plugin options in an nx.json object. */
export function settingsFromNxJson(nxJson: { plugins?: unknown[] } | undefined): KilnSettings {
  for (const p of nxJson?.plugins ?? []) {
    if (p && typeof p === 'object' && typeof (p as { plugin?: unknown }).plugin === 'string' && /kiln-nx|@kiln\/nx/.test((p as { plugin: string }).plugin)) {
      return normalizeSettings((p as { options?: Partial<KilnSettings> }).options);
    }
  }
  return normalizeSettings(undefined);
}
