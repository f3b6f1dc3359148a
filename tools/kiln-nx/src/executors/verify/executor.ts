// verify executor: one line per finding (`<project>: <kind>: <message>`) and findings.json; drift fails the task.
// Plan mode prints every read-only call it would make.
import { KilnError } from '@kiln/errors';
import { loadCatalog } from '@kiln/catalog';
import { formatVerifyReport } from '@kiln/steps/src/verify/findings';
import { planVerify } from '@kiln/steps/src/verify/plan-verify';
import { projectKindOf, verifyStep } from '@kiln/steps/src/verify/verify-step';
import { writePlan } from '@kiln/steps/src/shared/plan-record';
import type { VerifyOptions } from './schema';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from '../task-runner';

const verify: KilnTaskFn<VerifyOptions> = async (task) => {
  const kind = projectKindOf(task.projectRoot);
  if (!kind)
    throw new KilnError('VERIFY_NOT_A_KILN_PROJECT', `${task.project} (${task.projectRoot}) is not an image, tkr or cluster project`, {
      hint: 'run verify on the projects the Kiln plugin infers',
    });
  if (task.options.plan)
    return writePlan(task.workspaceRoot, task.options.outputPath, planVerify(task.workspaceRoot, task.project, kind, loadCatalog()));
  const { report, file } = await verifyStep({
    workspaceRoot: task.workspaceRoot,
    project: task.project,
    projectKind: kind,
    outputPath: task.options.outputPath,
  });
  const text = formatVerifyReport(report, file);
  return report.findings.length > 0 ? { failed: text } : text;
};

export default toExecutor(verify);
export const batch = toBatchExecutor(verify);
