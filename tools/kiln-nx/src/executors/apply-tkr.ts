// apply-tkr executor: apply the TKr ConfigMap (--force-conflicts takes fields over from another field manager), restart
// the TKr controller and wait for the TKr (plan mode: the commands).
import { loadTkrSpec, readWorkspaceFile } from '@kiln/schema';
import { applyTkrStep, planApplyTkr, writePlan } from '@kiln/steps';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from './task-runner';

const applyTkr: KilnTaskFn = (task) => {
  const file = `${task.projectRoot}/tkr.yaml`;
  const { spec } = loadTkrSpec(file, readWorkspaceFile(task.workspaceRoot, file));
  if (task.options.plan) {
    return writePlan(task.workspaceRoot, task.options.outputPath ?? `dist/plan/tkrs/${task.project}/apply-tkr`, planApplyTkr(task.project, spec, { forceConflicts: task.options.forceConflicts === true }));
  }
  return applyTkrStep({
    workspaceRoot: task.workspaceRoot,
    project: task.project,
    tkr: spec,
    outputPath: task.options.outputPath ?? `dist/applied/tkrs/${task.project}`,
    echo: task.echo,
    forceConflicts: task.options.forceConflicts === true,
  });
};

export default toExecutor(applyTkr);
export const batch = toBatchExecutor(applyTkr);
