// Plan mode runs each target's tasks in batches (many tasks in one process): the plugin's preTasksExecution hook
// sets NX_BATCH_MODE=true when the command asks for the plan configuration. Real runs keep one process per task.

/** True when Nx's argv selects the `plan` configuration (`-c plan`, `--configuration=plan`, `nx run x:t:plan`). */
export function selectsPlanConfiguration(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((a === '-c' || a === '--configuration') && argv[i + 1] === 'plan') return true;
    if (a === '-c=plan' || a === '--configuration=plan' || a === '-cplan') return true;
    if (/^[^-][^:\s]*:[^:\s]+:plan$/.test(a)) return true;
  }
  return false;
}

/** Sets NX_BATCH_MODE=true when the command selects the plan configuration (an explicit NX_BATCH_MODE wins). */
export function batchPlanRuns(argv: readonly string[]): void {
  if (process.env.NX_BATCH_MODE === undefined && selectsPlanConfiguration(argv)) process.env.NX_BATCH_MODE = 'true';
}
