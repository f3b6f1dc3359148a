// Plan record for gen-cluster-config (pure: it runs no command; the record says what it writes).
import { clusterDist, type KilnCluster } from '@kiln/schema';
import type { PlanRecord } from '../shared/plan-record';

export function planGenClusterConfig(project: string, cluster: KilnCluster): PlanRecord {
  const source = cluster.tkr ? `--tkr <TKr of ${cluster.tkr}>` : `VSPHERE_TEMPLATE from image ${cluster.image}`;
  return {
    target: 'gen-cluster-config',
    project,
    summary: `${cluster.kind ?? 'workload'} cluster ${cluster.name} from clusters/${project}/${cluster.base} (${source})`,
    commands: [
      {
        argv: [
          'tanzu',
          cluster.kind === 'management' ? 'management-cluster' : 'cluster',
          'create',
          '--file',
          `${clusterDist(project).config}/cluster-config.yaml`,
          ...(cluster.tkr ? ['--tkr', '<TKr name>'] : []),
        ],
      },
    ],
    notes: [`writes ${clusterDist(project).config}/cluster-config.yaml and create.sh`],
  };
}
