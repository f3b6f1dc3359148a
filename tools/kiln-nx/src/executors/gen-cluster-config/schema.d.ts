// Generated from src/executors/gen-cluster-config/schema.json by tools/kiln-nx/bin/gen-executor-types.js: do not edit, run npm run gen:types.

/** Write the cluster configuration file and create.sh (pure, cached). Options are set by the Kiln plugin; -c plan prints what the target would do without doing it. */
export interface GenClusterConfigOptions {
  /** Perform nothing; print and record the commands under dist/plan/ (the plan configuration sets it). */
  plan?: boolean;
  /** Workspace-relative folder cluster-config.yaml and create.sh are written to. */
  outputPath: string;
}
