// gen-cluster-config executor (single and batch): cluster config file and create.sh (plan mode only for now).
import { planGenClusterConfig } from '@kiln/steps';
import { clusterPlanTarget } from './spec-plan-target';
import { toBatchExecutor, toExecutor } from './task-runner';

const ISSUE = 'issue #5';
const genClusterConfig = clusterPlanTarget('gen-cluster-config', ISSUE, (project, cluster) => planGenClusterConfig(project, cluster, ISSUE));
export default toExecutor(genClusterConfig);
export const batch = toBatchExecutor(genClusterConfig);
