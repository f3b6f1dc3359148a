// Shared body of the image side-effect targets: plan mode records and prints, real mode runs the step.
import { loadImageContext, readBuildPlan, writePlan, type PlanRecord } from '@kiln/steps';
import type { BuildPlan } from '@kiln/render';
import type { KilnTask, KilnTaskFn } from './task-runner';

export function imageTarget(target: string, plan: (task: KilnTask, buildPlan: BuildPlan) => PlanRecord, real: KilnTaskFn): KilnTaskFn {
  return async (task) => {
    // Validate first: an invalid image.yaml fails every target of the image with the validation message.
    loadImageContext(task.workspaceRoot, task.project, task.settings);
    if (task.options.plan) {
      const buildPlan = readBuildPlan(task.workspaceRoot, task.options.configPath ?? `dist/plan/images/${task.project}/config`);
      return writePlan(task.workspaceRoot, task.options.outputPath ?? `dist/plan/images/${task.project}/${target}`, plan(task, buildPlan));
    }
    return real(task);
  };
}
