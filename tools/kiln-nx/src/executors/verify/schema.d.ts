// Generated from src/executors/verify/schema.json by tools/kiln-nx/bin/gen-executor-types.js: do not edit, run npm run gen:types.

/** Compare what an image, tkr or cluster declares with what is really published or registered (read-only calls; not cached). Options are set by the Kiln plugin; -c plan prints what the target would do without doing it. */
export interface VerifyOptions {
  /** Perform nothing; print and record the commands under dist/plan/ (the plan configuration sets it). */
  plan?: boolean;
  /** Workspace-relative folder findings.json is written to. */
  outputPath: string;
}
