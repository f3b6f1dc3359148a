// What every cloud uploader gets: the artifact, the declared upload block, the CLI runner and the tags to apply.
import type { KilnImage } from '@kiln/schema';
import type { ArtifactRecord } from '../build/artifact-record';
import type { CloudCli } from './upload-cli';

export interface UploadContext {
  workspaceRoot: string;
  image: string;
  upload: KilnImage['upload'];
  artifact: ArtifactRecord;
  kubernetesSemver: string;
  /** Destroy/deregister/overwrite a conflicting object instead of stopping. */
  replace: boolean;
  cli: CloudCli;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Writes one line of progress (prefixed). */
  say(line: string): void;
}

/** The tags (AWS) / tags (Azure) Kiln puts on what it publishes, in this order. */
export function kilnTags(image: string, version: string | undefined, kubernetesSemver: string, contentKey: string): Array<[string, string]> {
  return [
    ['kiln:image', image],
    ['kiln:version', version ?? '-'],
    ['kiln:kubernetes', kubernetesSemver],
    ['kiln:content-key', contentKey],
  ];
}

/** The hint of every "already exists with other content" error. */
export function replaceHint(image: string, what: string, field: string): string {
  return `run nx run ${image}:upload --replace to ${what}, or change ${field} in images/${image}/image.yaml`;
}

export function shortKey(key: string | undefined): string {
  return key ? key.slice(0, 12) : 'none';
}
