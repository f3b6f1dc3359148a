// gen-bom executor (single and batch): custom TKr BoM, ConfigMap and changes.diff (plan mode: with placeholders).
import { genBomStep } from '@kiln/steps';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from './task-runner';

const genBom: KilnTaskFn = (task) =>
  genBomStep({
    workspaceRoot: task.workspaceRoot,
    project: task.project,
    outputPath: task.options.outputPath ?? (task.options.plan ? `dist/plan/tkrs/${task.project}/gen-bom` : `dist/tkrs/${task.project}`),
    plan: task.options.plan === true,
  });

export default toExecutor(genBom);
export const batch = toBatchExecutor(genBom);
