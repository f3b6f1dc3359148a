// Workspace-wide Kiln settings: the options of the @kiln/nx plugin entry in nx.json, normalised once.
import { DEFAULT_CONFIG_BUNDLES_DIR } from '@kiln/catalog';
import { KilnError } from '@kiln/errors';

export interface KilnSettings {
  /** Folder holding unzipped image-builder config bundles. */
  configBundlesDir: string;
  /** Private registry prefix replacing projects.registry.vmware.com/tkg (relocated images). */
  registry?: string;
  /** Host port for the resource-bundle container (default: a free port). */
  bundlePort?: number;
  /** Address the build VMs use to reach this host (default: detected; env KILN_ADVERTISE_ADDRESS wins). */
  advertiseAddress?: string;
  /** IfNotPresent (default: air-gapped hosts with preloaded images work), Always or Never. */
  pullPolicy: 'IfNotPresent' | 'Always' | 'Never';
}

const PULL_POLICIES = ['IfNotPresent', 'Always', 'Never'] as const;

export function normalizeSettings(raw: Partial<KilnSettings> | undefined): KilnSettings {
  const pullPolicy = process.env.KILN_PULL_POLICY || raw?.pullPolicy || 'IfNotPresent';
  if (!(PULL_POLICIES as readonly string[]).includes(pullPolicy)) {
    throw new KilnError('SETTINGS_INVALID', `pull policy ${JSON.stringify(pullPolicy)} is not one of ${PULL_POLICIES.join(', ')}`, {
      hint: 'fix KILN_PULL_POLICY or the plugin option pullPolicy in nx.json',
    });
  }
  return {
    configBundlesDir: (raw?.configBundlesDir ?? DEFAULT_CONFIG_BUNDLES_DIR).replace(/\/+$/, ''),
    registry: raw?.registry || undefined,
    bundlePort: raw?.bundlePort ? Number(raw.bundlePort) : undefined,
    advertiseAddress: raw?.advertiseAddress || undefined,
    pullPolicy: pullPolicy as KilnSettings['pullPolicy'],
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
