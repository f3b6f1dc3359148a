// Asks the management cluster (kubectl auth can-i, a SelfSubjectAccessReview each) for every permission
// apply-tkr needs before it changes anything, and reports all that are missing at once.
import { KilnError } from '@kiln/errors';
import { kubectl, kubectlError, type KubectlOptions } from '@kiln/runner';

export interface Permission {
  verb: string;
  /** As kubectl auth can-i takes it: configmaps, pods, tanzukubernetesreleases.run.tanzu.vmware.com. */
  resource: string;
  /** Namespaced resources only. */
  namespace?: string;
  /** Why apply-tkr needs it. */
  why: string;
}

const TKR_RESOURCE = 'tanzukubernetesreleases.run.tanzu.vmware.com';
const OSIMAGE_RESOURCE = 'osimages.run.tanzu.vmware.com';

/** The `auth can-i` arguments of one permission (cluster-scoped ones across all namespaces, as RBAC sees them). */
export function canIArgs(p: Permission): string[] {
  return [...(p.namespace ? ['-n', p.namespace] : []), 'auth', 'can-i', p.verb, p.resource, ...(p.namespace ? [] : ['--all-namespaces'])];
}

function describePermission(p: Permission): string {
  return `${p.verb} ${p.resource}${p.namespace ? ` in namespace ${p.namespace}` : ''}`;
}

/** The permissions of one apply-tkr run. `create configmaps` only when the ConfigMap does not exist yet. */
export function tkrPermissions(namespace: string, opts: { restartController: boolean; configMapExists?: boolean }): Permission[] {
  return [
    { verb: 'get', resource: 'configmaps', namespace, why: 'to see whether the apply changes the ConfigMap' },
    { verb: 'patch', resource: 'configmaps', namespace, why: 'to apply the BoM ConfigMap' },
    ...(opts.configMapExists === true ? [] : [{ verb: 'create', resource: 'configmaps', namespace, why: 'to create the BoM ConfigMap' }]),
    ...(opts.restartController
      ? [
          { verb: 'list', resource: 'pods', namespace, why: 'to find the tkr-controller-manager pod' },
          { verb: 'delete', resource: 'pods', namespace, why: 'to restart the TKr controller' },
        ]
      : []),
    { verb: 'get', resource: TKR_RESOURCE, why: 'to wait for the TKr' },
    { verb: 'get', resource: OSIMAGE_RESOURCE, why: "to check the TKr's OS images" },
  ];
}

/** true when allowed; kubectl errors (missing context, server down) become Kiln errors. */
export async function canI(context: string, p: Permission, options: KubectlOptions): Promise<boolean> {
  const r = await kubectl(context, canIArgs(p), { ...options, echo: undefined });
  const answer = r.stdout.trim().split(/\s/)[0];
  if (answer === 'yes') return true;
  if (answer === 'no') return false;
  throw kubectlError(context, r, `check the permission to ${describePermission(p)}`, {
    verb: p.verb,
    resource: p.resource,
    namespace: p.namespace,
  });
}

/** The permissions not granted (asked concurrently). */
export async function missingPermissions(context: string, permissions: Permission[], options: KubectlOptions): Promise<Permission[]> {
  const answers = await Promise.allSettled(permissions.map((p) => canI(context, p, options)));
  // The first failure in list order (not in time order), so the error names the same command every time.
  const failed = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (failed) throw failed.reason;
  return permissions.filter((_, i) => (answers[i] as PromiseFulfilledResult<boolean>).value === false);
}

/** KUBE_PERMISSIONS_MISSING naming every missing permission and the command that checks each. */
export function permissionsError(context: string, missing: Permission[], project: string): KilnError {
  const podsOnly = missing.every((p) => p.resource === 'pods');
  return new KilnError(
    'KUBE_PERMISSIONS_MISSING',
    `not allowed on context ${context}: ${missing.map(describePermission).join(', ')}; apply-tkr checked before changing anything, so nothing was applied`,
    {
      hint: `ask the management cluster's admin for ${missing.length === 1 ? 'this permission' : 'these permissions'}${
        podsOnly
          ? ` (or set managementCluster.restartController: false in tkrs/${project}/tkr.yaml and wait for the controller's periodic reconcile)`
          : ''
      }`,
      context: {
        missing: missing
          .map((p) => `${describePermission(p)} (${p.why}): kubectl --context ${context} ${canIArgs(p).join(' ')}`)
          .join('\n'),
      },
    },
  );
}
