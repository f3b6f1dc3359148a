// Generated from src/executors/pull-bundle/schema.json by tools/kiln-nx/bin/gen-executor-types.js: do not edit, run npm run gen:types.

/** Ensure the release's shared linux-resource-bundle container is serving. Options are set by the Kiln plugin; -c plan prints what the target would do without doing it. */
export interface PullBundleOptions {
  /** Perform nothing; print and record the commands under dist/plan/ (the plan configuration sets it). */
  plan?: boolean;
  /** Plan mode: workspace-relative folder the plan is written to. */
  outputPath?: string;
  /** Workspace-relative folder of the image's rendered config. */
  configPath: string;
  /** Workspace setting (plugin option): where unzipped image-builder config bundles live. */
  configBundlesDir: string;
  /** Workspace setting (plugin option): private registry prefix replacing projects.registry.vmware.com/tkg. */
  registry?: string;
  /** Workspace setting (plugin option): when to pull the bundle and builder images; env KILN_PULL_POLICY wins. */
  pullPolicy: 'IfNotPresent' | 'Always' | 'Never';
  /** Workspace setting (plugin option): host port for the resource bundle (unset: a free port). */
  bundlePort?: number;
  /** Workspace setting (plugin option): the docker host's address as the build VMs reach it (unset: detected); env KILN_ADVERTISE_ADDRESS wins. */
  advertiseAddress?: string;
}
