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
  /** The git commit the build was made from (provenance.json; `-dirty` appended when tracked files differed), if recorded. */
  commit?: string;
  /** Destroy/deregister/overwrite a conflicting object instead of stopping. */
  replace: boolean;
  cli: CloudCli;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Writes one line of progress (prefixed). */
  say(line: string): void;
}

/** The tags (AWS) / tags (Azure) Kiln puts on what it publishes, in this order; kiln:commit only when the build recorded one. */
export function kilnTags(
  image: string,
  version: string | undefined,
  kubernetesSemver: string,
  contentKey: string,
  commit?: string,
): Array<[string, string]> {
  return [
    ['kiln:image', image],
    ['kiln:version', version ?? '-'],
    ['kiln:kubernetes', kubernetesSemver],
    ['kiln:content-key', contentKey],
    ...(commit ? [['kiln:commit', commit] as [string, string]] : []),
  ];
}

/** The tag a revoked upload puts on an AMI or image version (value: the revocation's `at`); a normal upload restores what carries it. */
export const REVOKED_TAG = 'kiln:revoked';

/** Plan mode's stand-in for the commit (known only once the build wrote provenance.json). */
export const PLANNED_COMMIT = '<commit>';

/** The hint of every "already exists with other content" error. */
export function replaceHint(image: string, what: string, field: string): string {
  return `run nx run ${image}:upload --replace to ${what}, or change ${field} in images/${image}/image.yaml`;
}

export function shortKey(key: string | undefined): string {
  return key ? key.slice(0, 12) : 'none';
}
