// Plan record for apply-tkr: the permission checks, server-side apply, controller restart and wait it runs.
import { tkrDist, type KilnTkr } from '@kiln/schema';
import {
  DEFAULT_TKR_NAMESPACE,
  DEFAULT_TKR_POLL_SECONDS,
  DEFAULT_TKR_TIMEOUT_SECONDS,
  TKR_CONTROLLER_PREFIX,
  TKR_CONTROLLER_SELECTOR,
  TKR_TIMEOUT_ENV,
} from './apply-tkr-step';
import { canIArgs, tkrPermissions } from './tkr-access-check';
import type { PlanRecord } from '../shared/plan-record';

export function planApplyTkr(project: string, tkr: KilnTkr, opts: { forceConflicts?: boolean } = {}): PlanRecord {
  const ns = tkr.managementCluster.namespace ?? DEFAULT_TKR_NAMESPACE;
  const ctx = tkr.managementCluster.context;
  const restart = tkr.managementCluster.restartController !== false;
  const timeout = tkr.managementCluster.timeoutSeconds ?? DEFAULT_TKR_TIMEOUT_SECONDS;
  const kubectl = (...args: string[]) => ['kubectl', '--context', ctx, ...args];
  return {
    target: 'apply-tkr',
    project,
    summary: `register the custom TKr on the management cluster ${ctx}`,
    commands: [
      ...tkrPermissions(ns, { restartController: restart }).map((p) => ({
        argv: kubectl(...canIArgs(p)),
        when:
          p.verb === 'create' ? 'if the ConfigMap does not exist yet; all permissions are checked before any change' : 'before any change',
      })),
      { argv: kubectl('-n', ns, 'get', 'configmap', '<tkr name>', '-o', 'jsonpath={.metadata.resourceVersion}') },
      {
        argv: kubectl(
          '-n',
          ns,
          'apply',
          '--server-side',
          '--field-manager=kiln',
          ...(opts.forceConflicts ? ['--force-conflicts'] : []),
          '-f',
          `${tkrDist(project).bom}/configmap-<version>.yaml`,
          '-o',
          'jsonpath={.metadata.resourceVersion}',
        ),
      },
      {
        argv: kubectl('-n', ns, 'get', 'pods', '-l', TKR_CONTROLLER_SELECTOR, '-o', 'json'),
        when: restart ? `find the ${TKR_CONTROLLER_PREFIX}* pod, unless the ConfigMap is unchanged and the TKr exists` : 'disabled',
      },
      {
        argv: kubectl('-n', ns, 'delete', 'pod', `<${TKR_CONTROLLER_PREFIX}* pod>`, '--wait=false'),
        when: restart ? 'to reconcile at once' : 'disabled',
      },
      {
        argv: kubectl('get', 'tkr', '<tkr name>', '-o', 'json'),
        when: `every ${DEFAULT_TKR_POLL_SECONDS} s until Ready and Compatible (timeout ${timeout} s; ${TKR_TIMEOUT_ENV} overrides)`,
      },
      { argv: kubectl('get', 'osimages', '<OSImages of the TKr>', '-o', 'json'), when: "its images must be exactly the BoM's" },
    ],
    notes: [],
  };
}
