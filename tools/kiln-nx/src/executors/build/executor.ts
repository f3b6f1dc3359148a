// build executor: ensure the bundle, then run the image-builder container from build-plan.json; both modes
// record the freshness token of the build's hash (freshness.json) so the build is reused until refresh old.
import { join } from 'node:path';
import { stableJson } from '@kiln/render';
import { imageDist, readWorkspaceFile } from '@kiln/schema';
import { buildStep } from '@kiln/steps/src/build/build-step';
import { planBuild } from '@kiln/steps/src/build/plan-build';
import { planPullBundle } from '@kiln/steps/src/pull-bundle/plan-pull-bundle';
import { writeFileAtomic } from '@kiln/steps/src/shared/atomic-write';
import { FRESHNESS_FILE, freshnessRecord, freshnessToken, nowMs, readFreshnessRecord, refreshOf } from '../../freshness';
import { imageTarget } from '../image-plan-target';
import type { BuildOptions } from './schema';
import { settingsOf, toBatchExecutor, toExecutor, type KilnTask, type KilnTaskFn } from '../task-runner';

/** The freshness record of the build about to run: the same token the build hasher put in this task's hash. */
function freshnessFor(task: KilnTask<BuildOptions>): string {
  const refresh = refreshOf(readWorkspaceFile(task.workspaceRoot, `${task.projectRoot}/image.yaml`));
  const now = nowMs();
  const token = freshnessToken(task.project, refresh, readFreshnessRecord(task.workspaceRoot, task.options.outputPath), now);
  return stableJson(freshnessRecord(task.project, refresh, token, now));
}

const run: KilnTaskFn<BuildOptions> = imageTarget(
  'build',
  (task, plan) => {
    const record = planBuild(task.workspaceRoot, task.project, plan, imageDist(task.project).config);
    const bundle = planPullBundle(task.project, plan);
    // build starts (or reuses) the bundle itself, so a cached build starts no container at all.
    return { ...record, commands: [...bundle.commands, ...record.commands], notes: [...bundle.notes, ...record.notes] };
  },
  async (task) => {
    const { outputPath, configPath } = task.options;
    const freshness = freshnessFor(task);
    const report = await buildStep({
      workspaceRoot: task.workspaceRoot,
      project: task.project,
      configPath,
      outputPath,
      settings: settingsOf(task.options),
      echo: task.echo,
    });
    writeFileAtomic(join(task.workspaceRoot, outputPath, FRESHNESS_FILE), freshness);
    return report;
  },
  (task) => ({ [FRESHNESS_FILE]: freshnessFor(task) }),
);

export default toExecutor(run);
export const batch = toBatchExecutor(run);
