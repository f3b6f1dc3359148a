// The docker image pull policies (plugin option pullPolicy, KILN_PULL_POLICY). No imports: the Nx plugin entry
// loads this module through workspace-settings.
export const PULL_POLICIES = ['IfNotPresent', 'Always', 'Never'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];
