// What a revoked upload's cloud module gets: what was published, the revocation, and the CLI runner.
import type { KilnImageRevoked } from '@kiln/schema';
import type { PublishedRecord } from '../shared/published-record';
import type { CloudCli } from './upload-cli';

export interface RevokeContext {
  workspaceRoot: string;
  image: string;
  /** published.json as the last upload wrote it: the objects the lifecycle applies to. */
  published: PublishedRecord;
  revoked: KilnImageRevoked;
  cli: CloudCli;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Writes one line of progress (prefixed). */
  say(line: string): void;
}
