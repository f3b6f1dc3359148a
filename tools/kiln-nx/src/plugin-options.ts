// Options of the Kiln Nx plugin (nx.json), normalised once per createNodes call.

export interface KilnPluginOptions {
  /** Folder of unzipped image-builder config bundles (default images/_bundles). */
  configBundlesDir?: string;
  /** Private registry prefix replacing projects.registry.vmware.com/tkg. */
  registry?: string;
}

export interface NormalizedPluginOptions {
  configBundlesDir: string;
  registry?: string;
}

export function normalizePluginOptions(options: KilnPluginOptions | undefined): NormalizedPluginOptions {
  return {
    configBundlesDir: (options?.configBundlesDir ?? 'images/_bundles').replace(/\/+$/, ''),
    registry: options?.registry || undefined,
  };
}
