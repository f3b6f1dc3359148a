// Shared body of the tkr/cluster targets until their real steps land: validate, then plan or refuse.
import { loadClusterSpec, loadTkrSpec, readWorkspaceFile, type KilnCluster, type KilnTkr } from '@kiln/spec';
import { writePlan, type PlanRecord } from '@kiln/steps';
import { notImplemented } from './not-implemented';
import type { KilnTaskFn } from './task-runner';

export function tkrPlanTarget(target: string, issue: string, record: (project: string, tkr: KilnTkr) => PlanRecord): KilnTaskFn {
  return (task) => {
    const file = `${task.projectRoot}/tkr.yaml`;
    const { spec } = loadTkrSpec(file, readWorkspaceFile(task.workspaceRoot, file));
    if (!task.options.plan) throw notImplemented(target, issue);
    return writePlan(task.workspaceRoot, task.options.outputPath ?? `dist/plan/tkrs/${task.project}/${target}`, record(task.project, spec));
  };
}

export function clusterPlanTarget(target: string, issue: string, record: (project: string, cluster: KilnCluster) => PlanRecord): KilnTaskFn {
  return (task) => {
    const file = `${task.projectRoot}/cluster.yaml`;
    const { spec } = loadClusterSpec(file, readWorkspaceFile(task.workspaceRoot, file));
    if (!task.options.plan) throw notImplemented(target, issue);
    return writePlan(task.workspaceRoot, task.options.outputPath ?? `dist/plan/clusters/${task.project}/${target}`, record(task.project, spec));
  };
}
