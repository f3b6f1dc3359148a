// upload executor: publish the built artifact (plan mode only for now).
import { planUpload } from '@kiln/steps';
import { imageTarget } from './image-plan-target';
import { toExecutor } from './task-runner';

const ISSUE = 'issue #4';
export default toExecutor(imageTarget('upload', (task, plan) => planUpload(task.project, plan, ISSUE), { notImplemented: ISSUE }));
