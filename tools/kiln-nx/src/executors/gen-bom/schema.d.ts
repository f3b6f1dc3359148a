// Generated from src/executors/gen-bom/schema.json by tools/kiln-nx/bin/gen-executor-types.js: do not edit, run npm run gen:types.

/** Write the custom TKr BoM and its ConfigMap (pure, cached). Options are set by the Kiln plugin; -c plan prints what the target would do without doing it. */
export interface GenBomOptions {
  /** Perform nothing; print and record the commands under dist/plan/ (the plan configuration sets it). */
  plan?: boolean;
  /** Workspace-relative folder the BoM, its ConfigMap and changes.diff are written to. */
  outputPath: string;
}
