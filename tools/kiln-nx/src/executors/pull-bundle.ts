// pull-bundle executor: ensure the release's shared resource-bundle container serves /files.
import { planPullBundle, pullBundleStep } from '@kiln/steps';
import { imageTarget } from './image-plan-target';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from './task-runner';

const run: KilnTaskFn = imageTarget('pull-bundle', (task, plan) => planPullBundle(task.project, plan), (task) =>
    pullBundleStep({
      workspaceRoot: task.workspaceRoot,
      project: task.project,
      configPath: task.options.configPath ?? `dist/images/${task.project}/config`,
      settings: task.settings,
      echo: task.echo,
    }),
  );

export default toExecutor(run);
export const batch = toBatchExecutor(run);
