// gen-bom executor (single and batch): custom TKr BoM and ConfigMap (plan mode only for now).
import { planGenBom } from '@kiln/steps';
import { tkrPlanTarget } from './spec-plan-target';
import { toBatchExecutor, toExecutor } from './task-runner';

const ISSUE = 'issue #5';
const genBom = tkrPlanTarget('gen-bom', ISSUE, (project, tkr) => planGenBom(project, tkr, ISSUE));
export default toExecutor(genBom);
export const batch = toBatchExecutor(genBom);
