// pull-bundle executor: ensure the shared resource-bundle container serves (plan mode only for now).
import { planPullBundle } from '@kiln/steps';
import { imagePlanTarget } from './image-plan-target';
import { toExecutor } from './task-runner';

const ISSUE = 'issue #3';
export default toExecutor(imagePlanTarget('pull-bundle', ISSUE, (task, plan) => planPullBundle(task.project, plan, ISSUE)));
