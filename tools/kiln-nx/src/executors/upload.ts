// upload executor: publish the built artifact (plan mode only for now).
import { planUpload } from '@kiln/steps';
import { imagePlanTarget } from './image-plan-target';
import { toExecutor } from './task-runner';

const ISSUE = 'issue #4';
export default toExecutor(imagePlanTarget('upload', ISSUE, (task, plan) => planUpload(task.project, plan, ISSUE)));
