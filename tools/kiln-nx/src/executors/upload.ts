// upload executor: publish the built artifact idempotently (--replace replaces a conflicting object);
// plan mode prints every govc/aws/az command it would run.
import { join } from 'node:path';
import { contentKey, loadImageContext, planUpload, uploadStep } from '@kiln/steps';
import { imageTarget } from './image-plan-target';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from './task-runner';

const run: KilnTaskFn = imageTarget(
    'upload',
    (task, plan) => {
      const { spec } = loadImageContext(task.workspaceRoot, task.project, task.settings);
      const configPath = task.options.configPath ?? `dist/plan/images/${task.project}/config`;
      return planUpload({ project: task.project, plan, upload: spec.upload, contentKey: contentKey(join(task.workspaceRoot, configPath)) });
    },
    (task) =>
      uploadStep({
        workspaceRoot: task.workspaceRoot,
        project: task.project,
        outputPath: task.options.outputPath ?? `dist/images/${task.project}/upload`,
        configPath: task.options.configPath ?? `dist/images/${task.project}/config`,
        replace: task.options.replace === true,
        echo: task.echo,
      }),
  );

export default toExecutor(run);
export const batch = toBatchExecutor(run);
