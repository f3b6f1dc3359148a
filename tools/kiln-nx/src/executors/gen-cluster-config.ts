// gen-cluster-config executor (single and batch): cluster-config.yaml and create.sh (plan mode: with placeholders).
import { genClusterConfigStep } from '@kiln/steps';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from './task-runner';

const genClusterConfig: KilnTaskFn = (task) =>
  genClusterConfigStep({
    workspaceRoot: task.workspaceRoot,
    project: task.project,
    outputPath: task.options.outputPath ?? (task.options.plan ? `dist/plan/clusters/${task.project}/gen-cluster-config` : `dist/clusters/${task.project}`),
    plan: task.options.plan === true,
  });

export default toExecutor(genClusterConfig);
export const batch = toBatchExecutor(genClusterConfig);
