// build executor: ensure the bundle, then run the image-builder container from build-plan.json.
import { buildStep, planBuild, planPullBundle } from '@kiln/steps';
import { imageTarget } from './image-plan-target';
import { toExecutor } from './task-runner';

export default toExecutor(
  imageTarget(
    'build',
    (task, plan) => {
      const record = planBuild(task.workspaceRoot, task.project, plan, `dist/images/${task.project}/config`);
      const bundle = planPullBundle(task.project, plan);
      // build starts (or reuses) the bundle itself, so a cached build starts no container at all.
      return { ...record, commands: [...bundle.commands, ...record.commands], notes: [...bundle.notes, ...record.notes] };
    },
    (task) =>
      buildStep({
        workspaceRoot: task.workspaceRoot,
        project: task.project,
        configPath: task.options.configPath ?? `dist/images/${task.project}/config`,
        outputPath: task.options.outputPath ?? `dist/images/${task.project}/build`,
        settings: task.settings,
        echo: process.stdout,
      }),
  ),
);
