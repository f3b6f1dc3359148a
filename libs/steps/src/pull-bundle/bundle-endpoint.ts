// Where a running resource-bundle container is recorded for build (dist/bundles/, not an Nx output).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import { BUNDLES_DIST } from '@kiln/schema';
import { writeFileAtomic } from '../shared/atomic-write';
import { stableJson } from '@kiln/render';

export interface BundleEndpoint {
  container: string;
  image: string;
  hostPort: number;
  /** Address the build VMs use to reach the docker host. */
  address: string;
}

export function endpointFile(container: string): string {
  return `${BUNDLES_DIST}/${container}.json`;
}

export function writeEndpoint(workspaceRoot: string, endpoint: BundleEndpoint): void {
  writeFileAtomic(join(workspaceRoot, endpointFile(endpoint.container)), stableJson(endpoint));
}

export function readEndpoint(workspaceRoot: string, container: string, project: string): BundleEndpoint {
  const file = endpointFile(container);
  try {
    return JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as BundleEndpoint;
  } catch {
    throw new KilnError('BUNDLE_NOT_RUNNING', `no resource bundle endpoint recorded (${file})`, {
      hint: `run nx run ${project}:pull-bundle first (nx run ${project}:build runs it for you)`,
    });
  }
}
