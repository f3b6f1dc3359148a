// Shared by kiln review and kiln ci-matrix: resolve base/head, snapshot both sides, compute the affected projects.
import { resolve } from 'node:path';
import { affectedProjects, type Affected } from './affected-projects';
import { addWorktree, resolveSides, type Sides } from './git-sides';
import { takeSnapshot } from './workspace-snapshot';

export interface ChangeAnalysis {
  sides: Sides;
  affected: Affected;
}

export async function analyseChange(root: string, baseRef: string, headRef?: string): Promise<ChangeAnalysis> {
  const sides = await resolveSides(root, baseRef, headRef);
  const baseTree = await addWorktree(root, sides.base);
  const headTree = sides.head === undefined ? undefined : await addWorktree(root, sides.head);
  try {
    const base = takeSnapshot(baseTree.dir);
    const head = takeSnapshot(headTree?.dir ?? resolve(root));
    return { sides, affected: affectedProjects(base, head, sides.changed) };
  } finally {
    await baseTree.remove();
    await headTree?.remove();
  }
}
