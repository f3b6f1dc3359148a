// Plan record for pull-bundle: the docker commands that make sure the release's resource bundle is serving.
import type { BuildPlan } from '@kiln/render';
import type { PlanRecord } from '../shared/plan-record';

/** Deterministic name of the shared resource-bundle container for a bundle image. */
export function bundleContainerName(bundleImage: string): string {
  const tag = bundleImage
    .split('/')
    .pop()!
    .replace(/[^a-zA-Z0-9_.-]/g, '-');
  return `kiln-bundle-${tag}`;
}

export function planPullBundle(project: string, plan: BuildPlan): PlanRecord {
  const name = bundleContainerName(plan.bundleImage);
  return {
    target: 'pull-bundle',
    project,
    summary: `ensure the resource bundle ${plan.bundleImage} serves /files on a host port (one container per bundle image, shared)`,
    commands: [
      { argv: ['docker', 'image', 'inspect', plan.bundleImage], when: 'pull policy IfNotPresent' },
      { argv: ['docker', 'pull', plan.bundleImage], when: 'only if the image is not present' },
      {
        argv: ['docker', 'run', '-d', '--name', name, '-p', '<PORT>:3000', plan.bundleImage],
        when: `only if ${name} is not running and healthy`,
      },
    ],
    notes: ['waits until http://<IP>:<PORT>/files/kubernetes answers, then records the endpoint for build'],
  };
}
