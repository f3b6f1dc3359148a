// Shared body of the image side-effect targets until their real steps land: plan mode prints, real mode refuses.
import { loadImageContext, readBuildPlan, writePlan, type PlanRecord } from '@kiln/steps';
import type { BuildPlan } from '@kiln/render';
import { notImplemented } from './not-implemented';
import type { KilnTask, KilnTaskFn } from './task-runner';

export function imagePlanTarget(
  target: string,
  issue: string,
  record: (task: KilnTask, plan: BuildPlan) => PlanRecord,
): KilnTaskFn {
  return (task) => {
    // Validate first: an invalid image.yaml fails every target of the image with the validation message.
    loadImageContext(task.workspaceRoot, task.project, task.settings);
    if (!task.options.plan) throw notImplemented(target, issue);
    const plan = readBuildPlan(task.workspaceRoot, task.options.configPath ?? `dist/plan/images/${task.project}/config`);
    return writePlan(task.workspaceRoot, task.options.outputPath ?? `dist/plan/images/${task.project}/${target}`, record(task, plan));
  };
}
