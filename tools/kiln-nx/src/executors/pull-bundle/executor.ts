// pull-bundle executor: ensure the release's shared resource-bundle container serves /files.
import { planPullBundle } from '@kiln/steps/src/pull-bundle/plan-pull-bundle';
import { pullBundleStep } from '@kiln/steps/src/pull-bundle/pull-bundle-step';
import { imageTarget } from '../image-plan-target';
import type { PullBundleOptions } from './schema';
import { settingsOf, toBatchExecutor, toExecutor, type KilnTaskFn } from '../task-runner';

const run: KilnTaskFn<PullBundleOptions> = imageTarget(
  'pull-bundle',
  (task, plan) => planPullBundle(task.project, plan),
  (task) =>
    pullBundleStep({
      workspaceRoot: task.workspaceRoot,
      project: task.project,
      configPath: task.options.configPath,
      settings: settingsOf(task.options),
      echo: task.echo,
    }),
);

export default toExecutor(run);
export const batch = toBatchExecutor(run);
