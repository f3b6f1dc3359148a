// Generated from src/executors/render-config/schema.json by tools/kiln-nx/bin/gen-executor-types.js: do not edit, run npm run gen:types.

/** Validate image.yaml and render the image's config folder (pure, cached). Options are set by the Kiln plugin; -c plan prints what the target would do without doing it. */
export interface RenderConfigOptions {
  /** Perform nothing; print and record the commands under dist/plan/ (the plan configuration sets it). */
  plan?: boolean;
  /** Workspace-relative folder the rendered config is written to. */
  outputPath: string;
  /** Workspace setting (plugin option): where unzipped image-builder config bundles live. */
  configBundlesDir: string;
  /** Workspace setting (plugin option): private registry prefix replacing projects.registry.vmware.com/tkg. */
  registry?: string;
}
