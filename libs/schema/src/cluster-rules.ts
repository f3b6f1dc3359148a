// Rules across fields of cluster.yaml.
import type { KilnCluster } from './generated/spec-types';
import type { Problem } from './problem';

export function clusterProblems(cluster: KilnCluster): Problem[] {
  const problems: Problem[] = [];
  if (cluster.tkr && cluster.image) {
    problems.push({
      code: 'CLUSTER_SOURCE',
      path: '/image',
      message: '/tkr and /image are both set; choose one',
      hint: 'a cluster uses either a custom TKr (--tkr) or an image template directly',
    });
  }
  if (!cluster.tkr && !cluster.image) {
    problems.push({
      code: 'CLUSTER_SOURCE',
      path: '',
      message: 'top level needs either "tkr" or "image"',
      hint: 'add tkr: <tkr project> or image: <image project>',
    });
  }
  if (cluster.overrides && 'CLUSTER_NAME' in cluster.overrides) {
    problems.push({
      code: 'CLUSTER_NAME_OVERRIDE',
      path: '/overrides',
      key: 'CLUSTER_NAME',
      message: '/overrides/CLUSTER_NAME is not allowed',
      hint: 'set the cluster name with /name',
    });
  }
  return problems;
}
