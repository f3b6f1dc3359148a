// Plan records for the tkr targets (gen-bom, apply-tkr) and clusters (gen-cluster-config).
import type { KilnCluster, KilnTkr } from '@kiln/spec';
import { DEFAULT_TKR_NAMESPACE, DEFAULT_TKR_POLL_SECONDS, DEFAULT_TKR_TIMEOUT_SECONDS, TKR_CONTROLLER_PREFIX, TKR_CONTROLLER_SELECTOR } from './apply-tkr-step';
import type { PlanRecord } from './plan-record';

export function planGenBom(project: string, tkr: KilnTkr): PlanRecord {
  return {
    target: 'gen-bom',
    project,
    summary: `add ${tkr.images.join(', ')} to tkrs/${project}/${tkr.bom} and suffix release.version with -${tkr.suffix}`,
    commands: [],
    notes: [`writes dist/tkrs/${project}/tkr-bom-<version>.yaml and configmap-<version>.yaml`],
  };
}

export function planApplyTkr(project: string, tkr: KilnTkr): PlanRecord {
  const ns = tkr.managementCluster.namespace ?? DEFAULT_TKR_NAMESPACE;
  const ctx = tkr.managementCluster.context;
  const restart = tkr.managementCluster.restartController !== false;
  const timeout = tkr.managementCluster.timeoutSeconds ?? DEFAULT_TKR_TIMEOUT_SECONDS;
  return {
    target: 'apply-tkr',
    project,
    summary: `register the custom TKr on the management cluster ${ctx}`,
    commands: [
      { argv: ['kubectl', '--context', ctx, '-n', ns, 'apply', '--server-side', '--field-manager=kiln', '-f', `dist/tkrs/${project}/configmap-<version>.yaml`] },
      { argv: ['kubectl', '--context', ctx, '-n', ns, 'get', 'pods', '-l', TKR_CONTROLLER_SELECTOR, '-o', 'json'], when: restart ? `find the ${TKR_CONTROLLER_PREFIX}* pod` : 'disabled' },
      { argv: ['kubectl', '--context', ctx, '-n', ns, 'delete', 'pod', `<${TKR_CONTROLLER_PREFIX}* pod>`, '--wait=false'], when: restart ? 'to reconcile at once' : 'disabled' },
      { argv: ['kubectl', '--context', ctx, 'get', 'tkr', '<tkr name>', '-o', 'json'], when: `every ${DEFAULT_TKR_POLL_SECONDS} s until Ready and Compatible (timeout ${timeout} s)` },
    ],
    notes: [],
  };
}

export function planGenClusterConfig(project: string, cluster: KilnCluster): PlanRecord {
  const source = cluster.tkr ? `--tkr <TKr of ${cluster.tkr}>` : `VSPHERE_TEMPLATE from image ${cluster.image}`;
  return {
    target: 'gen-cluster-config',
    project,
    summary: `${cluster.kind ?? 'workload'} cluster ${cluster.name} from clusters/${project}/${cluster.base} (${source})`,
    commands: [{ argv: ['tanzu', cluster.kind === 'management' ? 'management-cluster' : 'cluster', 'create', '--file', `dist/clusters/${project}/cluster-config.yaml`, ...(cluster.tkr ? ['--tkr', '<TKr name>'] : [])] }],
    notes: [`writes dist/clusters/${project}/cluster-config.yaml and create.sh`],
  };
}
