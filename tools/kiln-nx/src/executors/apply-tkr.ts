// apply-tkr executor: apply the TKr ConfigMap and wait for the TKr (plan mode only for now).
import { planApplyTkr } from '@kiln/steps';
import { tkrPlanTarget } from './spec-plan-target';
import { toExecutor } from './task-runner';

const ISSUE = 'issue #5';
export default toExecutor(tkrPlanTarget('apply-tkr', ISSUE, (project, tkr) => planApplyTkr(project, tkr, ISSUE)));
