// apply-tkr executor: apply the TKr ConfigMap (--force-conflicts takes fields over from another field manager), restart
// the TKr controller and wait for the TKr (plan mode: the commands).
import { loadTkrSpec, readWorkspaceFile } from '@kiln/schema';
import { applyTkrStep } from '@kiln/steps/src/apply-tkr/apply-tkr-step';
import { planApplyTkr } from '@kiln/steps/src/apply-tkr/plan-apply-tkr';
import { writePlan } from '@kiln/steps/src/shared/plan-record';
import type { ApplyTkrOptions } from './schema';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from '../task-runner';

const applyTkr: KilnTaskFn<ApplyTkrOptions> = (task) => {
  const file = `${task.projectRoot}/tkr.yaml`;
  const { spec } = loadTkrSpec(file, readWorkspaceFile(task.workspaceRoot, file));
  const forceConflicts = task.options.forceConflicts === true;
  if (task.options.plan)
    return writePlan(task.workspaceRoot, task.options.outputPath, planApplyTkr(task.project, spec, { forceConflicts }));
  return applyTkrStep({
    workspaceRoot: task.workspaceRoot,
    project: task.project,
    tkr: spec,
    outputPath: task.options.outputPath,
    echo: task.echo,
    forceConflicts,
  });
};

export default toExecutor(applyTkr);
export const batch = toBatchExecutor(applyTkr);
