// Generated from src/executors/build/schema.json by tools/kiln-nx/bin/gen-executor-types.js: do not edit, run npm run gen:types.

/** Ensure the resource bundle, then run the image-builder container as build-plan.json says. Options are set by the Kiln plugin; -c plan prints what the target would do without doing it. */
export interface BuildOptions {
  /** Perform nothing; print and record the commands under dist/plan/ (the plan configuration sets it). */
  plan?: boolean;
  /** Workspace-relative folder artifact.json, freshness.json, provenance.json and sbom.cdx.json are written to. */
  outputPath: string;
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
