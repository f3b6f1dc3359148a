import { describe, expect, it } from 'vitest';
import { describeManager, parseApplyConflict } from './kubectl-apply-conflict';

describe('parseApplyConflict', () => {
  it('reads the one-conflict form kubectl prints', () => {
    const stderr =
      'error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .binaryData.bomContent\nPlease review the fields above--they currently have other managers. Here\n';
    expect(parseApplyConflict(stderr)).toEqual([{ manager: 'kubectl-client-side-apply', fields: ['.binaryData.bomContent'] }]);
  });

  it('reads one block per manager in the several-conflicts form', () => {
    const stderr = [
      'error: Apply failed with 3 conflicts: conflicts with "kubectl-edit" using v1:',
      '- .binaryData.bomContent',
      '- .metadata.labels.tanzuKubernetesRelease',
      'conflicts with "other":',
      '- .data.x',
      'Please review the fields above--they currently have other managers. Here',
    ].join('\n');
    expect(parseApplyConflict(stderr)).toEqual([
      { manager: 'kubectl-edit', fields: ['.binaryData.bomContent', '.metadata.labels.tanzuKubernetesRelease'] },
      { manager: 'other', fields: ['.data.x'] },
    ]);
  });

  it('is undefined for any other kubectl failure', () => {
    expect(parseApplyConflict('Error from server (NotFound): namespaces "tkr-sytem" not found\n')).toBeUndefined();
  });

  it('says what a well-known manager is', () => {
    expect(describeManager('kubectl-client-side-apply')).toBe(
      '"kubectl-client-side-apply" (a client-side kubectl apply -f, as in the manual guide)',
    );
    expect(describeManager('argocd-controller')).toBe('"argocd-controller"');
  });
});
