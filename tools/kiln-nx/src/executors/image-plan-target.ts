// Shared body of the image side-effect targets: plan mode records and prints, real mode runs the step.
import type { BuildPlan } from '@kiln/render';
import { planDist } from '@kiln/schema';
import { readBuildPlan } from '@kiln/steps/src/shared/build-plan-file';
import { loadImageContext } from '@kiln/steps/src/shared/load-image-context';
import { writePlan, type PlanRecord } from '@kiln/steps/src/shared/plan-record';
import type { ImageSettings } from '@kiln/steps/src/shared/workspace-settings';
import type { KilnTask, KilnTaskFn } from './task-runner';

/** The options every image side-effect target has. */
export interface ImageTargetOptions extends ImageSettings {
  plan?: boolean;
  outputPath?: string;
  configPath: string;
}

/** Extra files a plan writes next to plan.txt and plan.json (e.g. the build's freshness record). */
export type PlanFiles<O> = (task: KilnTask<O>) => Record<string, string>;

export function imageTarget<O extends ImageTargetOptions>(
  target: 'pull-bundle' | 'build' | 'upload',
  plan: (task: KilnTask<O>, buildPlan: BuildPlan) => PlanRecord,
  real: KilnTaskFn<O>,
  planFiles?: PlanFiles<O>,
): KilnTaskFn<O> {
  return async (task) => {
    // Validate first: an invalid image.yaml fails every target of the image with the validation message.
    loadImageContext(task.workspaceRoot, task.project, task.options);
    if (task.options.plan) {
      const buildPlan = readBuildPlan(task.workspaceRoot, task.options.configPath);
      return writePlan(
        task.workspaceRoot,
        task.options.outputPath ?? planDist(target, task.project),
        plan(task, buildPlan),
        planFiles?.(task) ?? {},
      );
    }
    return real(task);
  };
}
