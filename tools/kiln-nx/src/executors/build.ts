// build executor: ensure the bundle, then run the image-builder container from build-plan.json; both modes
// record the freshness token of the build's hash (freshness.json) so the build is reused until refresh old.
import { join } from 'node:path';
import { readWorkspaceFile } from '@kiln/schema';
import { stableJson } from '@kiln/render';
import { buildStep, planBuild, planPullBundle, writeFileAtomic } from '@kiln/steps';
import { FRESHNESS_FILE, freshnessRecord, freshnessToken, nowMs, readFreshnessRecord, refreshOf } from '../freshness';
import { imageTarget } from './image-plan-target';
import { toBatchExecutor, toExecutor, type KilnTask, type KilnTaskFn } from './task-runner';

/** The freshness record of the build about to run: the same token the build hasher put in this task's hash. */
function freshnessFor(task: KilnTask, outputPath: string): string {
  const refresh = refreshOf(readWorkspaceFile(task.workspaceRoot, `${task.projectRoot}/image.yaml`));
  const now = nowMs();
  const token = freshnessToken(task.project, refresh, readFreshnessRecord(task.workspaceRoot, outputPath), now);
  return stableJson(freshnessRecord(task.project, refresh, token, now));
}

const run: KilnTaskFn = imageTarget(
    'build',
    (task, plan) => {
      const record = planBuild(task.workspaceRoot, task.project, plan, `dist/images/${task.project}/config`);
      const bundle = planPullBundle(task.project, plan);
      // build starts (or reuses) the bundle itself, so a cached build starts no container at all.
      return { ...record, commands: [...bundle.commands, ...record.commands], notes: [...bundle.notes, ...record.notes] };
    },
    async (task) => {
      const outputPath = task.options.outputPath ?? `dist/images/${task.project}/build`;
      const freshness = freshnessFor(task, outputPath);
      const report = await buildStep({
        workspaceRoot: task.workspaceRoot,
        project: task.project,
        configPath: task.options.configPath ?? `dist/images/${task.project}/config`,
        outputPath,
        settings: task.settings,
        echo: task.echo,
      });
      writeFileAtomic(join(task.workspaceRoot, outputPath, FRESHNESS_FILE), freshness);
      return report;
    },
    (task) => ({ [FRESHNESS_FILE]: freshnessFor(task, task.options.outputPath ?? `dist/plan/images/${task.project}/build`) }),
  );

export default toExecutor(run);
export const batch = toBatchExecutor(run);
