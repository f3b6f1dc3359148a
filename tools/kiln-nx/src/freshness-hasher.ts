// Custom Nx hasher of the build target (executors.json "hasher"): Nx's hash of the declared inputs plus the
// freshness token, computed in Nx's own process (no process per task).
import type { CustomHasher, Hash, Task, TaskGraph } from '@nx/devkit';
// Nx's own module (already loaded in its process), not @nx/devkit, which would load ~1 s of generator helpers.
import { workspaceRoot } from 'nx/src/utils/workspace-root';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshnessToken, nowMs, readFreshnessRecord, refreshOf } from './freshness';

type Context = Parameters<CustomHasher>[1] & { env?: NodeJS.ProcessEnv };

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // the build task itself reports a missing image.yaml
  }
}

/** The build's output folder for this task's configuration (where its freshness record lives). */
function outputPathOf(task: Task, context: Context): string {
  const target = context.projectsConfigurations.projects[task.target.project]?.targets?.[task.target.target];
  const configured = task.target.configuration ? target?.configurations?.[task.target.configuration]?.outputPath : undefined;
  return String(task.overrides?.outputPath ?? configured ?? target?.options?.outputPath ?? `dist/images/${task.target.project}/build`);
}

/**
 * The task and the tasks it depends on (transitively): all Nx's hasher reads for this task. Nx hands its planner
 * whatever graph it gets, converting it each call, so the whole run's graph would make 1000 builds cost O(n²).
 */
function taskSubgraph(task: Task, graph: TaskGraph): TaskGraph {
  const sub: TaskGraph = { roots: [], tasks: {}, dependencies: {}, continuousDependencies: {} };
  const visit = (id: string) => {
    if (sub.tasks[id] || !graph.tasks[id]) return;
    sub.tasks[id] = graph.tasks[id]!;
    sub.dependencies[id] = (graph.dependencies[id] ?? []).filter((d) => graph.tasks[d]);
    sub.continuousDependencies[id] = (graph.continuousDependencies?.[id] ?? []).filter((d) => graph.tasks[d]);
    if (sub.dependencies[id]!.length === 0) sub.roots.push(id);
    for (const d of [...sub.dependencies[id]!, ...sub.continuousDependencies[id]!]) visit(d);
  };
  visit(task.id);
  return sub;
}

export const freshnessHasher = async (task: Task, context: Context): Promise<Hash> => {
  const env = context.env ?? process.env;
  const base = await context.hasher.hashTask(task, taskSubgraph(task, context.taskGraph), env);
  const image = task.target.project;
  const root = context.projectsConfigurations.projects[image]?.root ?? `images/${image}`;
  const refresh = refreshOf(readText(join(workspaceRoot, root, 'image.yaml')));
  const token = freshnessToken(image, refresh, readFreshnessRecord(workspaceRoot, outputPathOf(task, context)), nowMs(env));
  const freshness = `refresh=${refresh} window=${token}`;
  return {
    value: createHash('sha256').update(base.value).update('\0').update(freshness).digest('hex').slice(0, 32),
    details: { ...base.details, runtime: { ...(base.details.runtime ?? {}), 'kiln freshness': freshness } },
  };
};

export default freshnessHasher;
