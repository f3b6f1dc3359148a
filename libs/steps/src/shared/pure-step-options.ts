// What the pure tkr and cluster stages (gen-bom, gen-cluster-config) are called with.
import type { Catalog } from '@kiln/catalog';

export interface PureStepOptions {
  workspaceRoot: string;
  /** Project name (the folder under tkrs/ or clusters/). */
  project: string;
  /** Workspace-relative output folder (dist/<kind>/<name>, or under dist/plan/ in plan mode). */
  outputPath: string;
  plan: boolean;
  catalog?: Catalog;
  /** The clock revocations are judged at (default: KILN_NOW or the real time). */
  now?: number;
}
