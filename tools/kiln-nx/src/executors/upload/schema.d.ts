// Generated from src/executors/upload/schema.json by tools/kiln-nx/bin/gen-executor-types.js: do not edit, run npm run gen:types.

/** Publish the built artifact idempotently (vSphere template, AMIs, SIG image version). Options are set by the Kiln plugin; -c plan prints what the target would do without doing it. */
export interface UploadOptions {
  /** Perform nothing; print and record the commands under dist/plan/ (the plan configuration sets it). */
  plan?: boolean;
  /** Workspace-relative folder published.json is written to. */
  outputPath: string;
  /** Workspace-relative folder of the image's rendered config. */
  configPath: string;
  /** Workspace setting (plugin option): where unzipped image-builder config bundles live. */
  configBundlesDir: string;
  /** Workspace setting (plugin option): private registry prefix replacing projects.registry.vmware.com/tkg. */
  registry?: string;
  /** Destroy, deregister or overwrite a template, AMI or image version that holds other content instead of stopping. */
  replace?: boolean;
}
