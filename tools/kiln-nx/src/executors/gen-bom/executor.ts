// gen-bom executor (single and batch): custom TKr BoM, ConfigMap and changes.diff (plan mode: with placeholders).
import { genBomStep } from '@kiln/steps/src/gen-bom/gen-bom-step';
import type { GenBomOptions } from './schema';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from '../task-runner';

const genBom: KilnTaskFn<GenBomOptions> = (task) =>
  genBomStep({
    workspaceRoot: task.workspaceRoot,
    project: task.project,
    outputPath: task.options.outputPath,
    plan: task.options.plan === true,
  });

export default toExecutor(genBom);
export const batch = toBatchExecutor(genBom);
