// Generated from src/executors/apply-tkr/schema.json by tools/kiln-nx/bin/gen-executor-types.js: do not edit, run npm run gen:types.

/** Apply the TKr ConfigMap to the management cluster and wait for the TKr. Options are set by the Kiln plugin; -c plan prints what the target would do without doing it. */
export interface ApplyTkrOptions {
  /** Perform nothing; print and record the commands under dist/plan/ (the plan configuration sets it). */
  plan?: boolean;
  /** Workspace-relative folder applied.json is written to. */
  outputPath: string;
  /** Take over BoM ConfigMap fields another field manager owns (kubectl apply --force-conflicts); never the default. */
  forceConflicts?: boolean;
}
