// Shared body of the image side-effect targets: plan mode records and prints, real mode runs the step.
import { loadImageContext, readBuildPlan, writePlan, type PlanRecord } from '@kiln/steps';
import type { BuildPlan } from '@kiln/render';
import type { KilnTask, KilnTaskFn } from './task-runner';

/** Extra files a plan writes next to plan.txt and plan.json (e.g. the build's freshness record). */
export type PlanFiles = (task: KilnTask) => Record<string, string>;

export function imageTarget(target: string, plan: (task: KilnTask, buildPlan: BuildPlan) => PlanRecord, real: KilnTaskFn, planFiles?: PlanFiles): KilnTaskFn {
  return async (task) => {
    // Validate first: an invalid image.yaml fails every target of the image with the validation message.
    loadImageContext(task.workspaceRoot, task.project, task.settings);
    if (task.options.plan) {
      const buildPlan = readBuildPlan(task.workspaceRoot, task.options.configPath ?? `dist/plan/images/${task.project}/config`);
      const outputPath = task.options.outputPath ?? `dist/plan/images/${task.project}/${target}`;
      return writePlan(task.workspaceRoot, outputPath, plan(task, buildPlan), planFiles?.(task) ?? {});
    }
    return real(task);
  };
}
