// Plan mode runs each target's tasks in batches (many tasks in one process): the plugin's preTasksExecution hook
// sets NX_BATCH_MODE=true when the command asks for the plan configuration. Real runs keep one process per task.
import type { PreTasksExecution } from '@nx/devkit';

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

export const preTasksExecution: PreTasksExecution = (_options, context) => {
  // An explicit NX_BATCH_MODE (or --batch=false, which Nx checks itself) wins.
  if (process.env.NX_BATCH_MODE === undefined && selectsPlanConfiguration(context.argv)) process.env.NX_BATCH_MODE = 'true';
};
