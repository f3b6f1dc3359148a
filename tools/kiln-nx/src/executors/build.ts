// build executor: run the image-builder container from build-plan.json (plan mode only for now).
import { planBuild } from '@kiln/steps';
import { imagePlanTarget } from './image-plan-target';
import { toExecutor } from './task-runner';

const ISSUE = 'issue #3';
export default toExecutor(
  imagePlanTarget('build', ISSUE, (task, plan) => planBuild(task.workspaceRoot, task.project, plan, `dist/images/${task.project}/config`, ISSUE)),
);
