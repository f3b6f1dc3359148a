// verify: compares what an image, tkr or cluster declares with what is really published or registered (read-only
// govc, aws, az and kubectl calls) and writes dist/verify/<kind>/<name>/findings.json. Not cached: the clouds change.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog, type Catalog } from '@kiln/catalog';
import { verifyDist } from '@kiln/schema';
import { kilnNow } from '../shared/clock';
import { PROJECT_FOLDERS, writeFindings, type ProjectKind, type VerifyReport } from './findings';
import { createVerifyContext } from './verify-context';
import { verifyCluster } from './verify-cluster';
import { verifyImage } from './verify-image';
import { verifyTkr } from './verify-tkr';

export interface VerifyInput {
  workspaceRoot: string;
  project: string;
  projectKind: ProjectKind;
  /** Workspace-relative folder of findings.json (default dist/verify/<kind>/<project>). */
  outputPath?: string;
  /** Credentials and settings (default process.env); kubectl reads KUBECONFIG from the process environment. */
  env?: NodeJS.ProcessEnv;
  /** The clock revocations are judged at (default: KILN_NOW or the real time). */
  now?: number;
  catalog?: Catalog;
}

const SPEC_FILES: Record<ProjectKind, string> = { image: 'image.yaml', tkr: 'tkr.yaml', cluster: 'cluster.yaml' };

/** The kind of a project from its root (images/<name>, tkrs/<name>, clusters/<name>). */
export function projectKindOf(projectRoot: string): ProjectKind | undefined {
  return (Object.keys(PROJECT_FOLDERS) as ProjectKind[]).find((k) => projectRoot.startsWith(`${PROJECT_FOLDERS[k]}/`));
}

/** The kind of the Kiln project named `project` in the workspace (its spec file exists), or undefined. */
export function findProjectKind(workspaceRoot: string, project: string): ProjectKind | undefined {
  return (Object.keys(PROJECT_FOLDERS) as ProjectKind[]).find((k) =>
    existsSync(join(workspaceRoot, PROJECT_FOLDERS[k], project, SPEC_FILES[k])),
  );
}

export async function verifyStep(input: VerifyInput): Promise<{ report: VerifyReport; file: string }> {
  const env = input.env ?? process.env;
  const outputPath = input.outputPath ?? verifyDist(PROJECT_FOLDERS[input.projectKind], input.project);
  // A run that stops with an error leaves no findings.json of an earlier run behind.
  rmSync(join(input.workspaceRoot, outputPath, 'findings.json'), { force: true });
  const ctx = createVerifyContext({
    workspaceRoot: input.workspaceRoot,
    env,
    now: input.now ?? kilnNow(env),
    catalog: input.catalog ?? loadCatalog(),
  });
  try {
    const check = input.projectKind === 'image' ? verifyImage : input.projectKind === 'tkr' ? verifyTkr : verifyCluster;
    const { findings, checked } = await check(ctx, input.project);
    const report: VerifyReport = { project: input.project, projectKind: input.projectKind, findings, checked };
    const file = writeFindings(input.workspaceRoot, outputPath, report);
    return { report, file };
  } finally {
    ctx.dispose();
  }
}
