// The plugin's preTasksExecution hook (once per Nx command, before any task runs): batch plan runs.
import type { PreTasksExecution } from '@nx/devkit';
import { batchPlanRuns } from './plan-batch';

export const preTasksExecution: PreTasksExecution = (_options, context) => {
  batchPlanRuns(context.argv);
};
