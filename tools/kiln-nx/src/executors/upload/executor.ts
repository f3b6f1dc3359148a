// upload executor: publish the built artifact idempotently (--replace replaces a conflicting object);
// plan mode prints every govc/aws/az command it would run.
import { join } from 'node:path';
import { contentKey } from '@kiln/steps/src/build/artifact-record';
import { loadImageContext } from '@kiln/steps/src/shared/load-image-context';
import { planUpload } from '@kiln/steps/src/upload/plan-upload';
import { uploadStep } from '@kiln/steps/src/upload/upload-step';
import { imageTarget } from '../image-plan-target';
import type { UploadOptions } from './schema';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from '../task-runner';

const run: KilnTaskFn<UploadOptions> = imageTarget(
  'upload',
  (task, plan) => {
    const { spec } = loadImageContext(task.workspaceRoot, task.project, task.options);
    return planUpload({
      project: task.project,
      plan,
      upload: spec.upload,
      contentKey: contentKey(join(task.workspaceRoot, task.options.configPath)),
      revoked: spec.revoked,
    });
  },
  (task) =>
    uploadStep({
      workspaceRoot: task.workspaceRoot,
      project: task.project,
      outputPath: task.options.outputPath,
      configPath: task.options.configPath,
      replace: task.options.replace === true,
      echo: task.echo,
    }),
);

export default toExecutor(run);
export const batch = toBatchExecutor(run);
