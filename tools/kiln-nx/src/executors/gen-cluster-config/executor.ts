// gen-cluster-config executor (single and batch): cluster-config.yaml and create.sh (plan mode: with placeholders).
import { genClusterConfigStep } from '@kiln/steps/src/gen-cluster-config/gen-cluster-config-step';
import type { GenClusterConfigOptions } from './schema';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from '../task-runner';

const genClusterConfig: KilnTaskFn<GenClusterConfigOptions> = (task) =>
  genClusterConfigStep({
    workspaceRoot: task.workspaceRoot,
    project: task.project,
    outputPath: task.options.outputPath,
    plan: task.options.plan === true,
  });

export default toExecutor(genClusterConfig);
export const batch = toBatchExecutor(genClusterConfig);
