// Custom Nx hasher of the build target (executors.json "hasher"): Nx's hash of the declared inputs plus the
// freshness token, computed in Nx's own process (no process per task) and for all build tasks at once.
import type { CustomHasher, Hash, Task, TaskGraph } from '@nx/devkit';
// Nx's own module (already loaded in its process), not @nx/devkit, which would load ~1 s of generator helpers.
import { workspaceRoot } from 'nx/src/utils/workspace-root';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageDist } from '@kiln/schema/src/dist-layout';
import { freshnessToken, nowMs, readFreshnessRecord, refreshOf, revokedAt } from './freshness';

type Context = Parameters<CustomHasher>[1] & { env?: NodeJS.ProcessEnv };

interface Pending {
  task: Task;
  env: NodeJS.ProcessEnv;
  resolve: (hash: Hash) => void;
  reject: (error: unknown) => void;
}

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
  return String(task.overrides?.outputPath ?? configured ?? target?.options?.outputPath ?? imageDist(task.target.project).build);
}

/** The tasks and the tasks they depend on (transitively): all Nx's hasher reads for them. */
function taskSubgraph(ids: readonly string[], graph: TaskGraph): TaskGraph {
  const sub: TaskGraph = { roots: [], tasks: {}, dependencies: {}, continuousDependencies: {} };
  const visit = (id: string) => {
    if (sub.tasks[id] || !graph.tasks[id]) return;
    sub.tasks[id] = graph.tasks[id]!;
    sub.dependencies[id] = (graph.dependencies[id] ?? []).filter((d) => graph.tasks[d]);
    sub.continuousDependencies[id] = (graph.continuousDependencies?.[id] ?? []).filter((d) => graph.tasks[d]);
    if (sub.dependencies[id]!.length === 0) sub.roots.push(id);
    for (const d of [...sub.dependencies[id]!, ...sub.continuousDependencies[id]!]) visit(d);
  };
  for (const id of ids) visit(id);
  return sub;
}

/** The build's own hash: Nx's hash of its declared inputs, its freshness token, and whether it is revoked. */
function withFreshness(task: Task, base: Hash, context: Context, env: NodeJS.ProcessEnv): Hash {
  const image = task.target.project;
  const root = context.projectsConfigurations.projects[image]?.root ?? `images/${image}`;
  const imageYaml = readText(join(workspaceRoot, root, 'image.yaml'));
  const refresh = refreshOf(imageYaml);
  const now = nowMs(env);
  const token = freshnessToken(image, refresh, readFreshnessRecord(workspaceRoot, outputPathOf(task, context)), now);
  const freshness = `refresh=${refresh} window=${token}${revokedAt(imageYaml, now) ? ' revoked' : ''}`;
  return {
    value: createHash('sha256').update(base.value).update('\0').update(freshness).digest('hex').slice(0, 32),
    details: { ...base.details, runtime: { ...(base.details.runtime ?? {}), 'kiln freshness': freshness } },
  };
}

/**
 * Nx calls the hasher once per build task, all of a run's ready build tasks in the same turn of the event loop.
 * Hashing each alone would plan and hash them one native call at a time (~3 ms each); the calls of one turn are
 * queued and hashed in one native call, so 1000 builds cost about what Nx's own batch hashing costs.
 */
const queues = new Map<Context['hasher'], { context: Context; pending: Pending[] }>();

function flush(hasher: Context['hasher']): void {
  const queue = queues.get(hasher);
  queues.delete(hasher);
  if (!queue) return;
  const { context, pending } = queue;
  const tasks = pending.map((p) => p.task);
  const envs = Object.fromEntries(pending.map((p) => [p.task.id, p.env]));
  const graph = taskSubgraph(
    tasks.map((t) => t.id),
    context.taskGraph,
  );
  (context.hasher.hashTasks as (tasks: Task[], graph: TaskGraph, envs: Record<string, NodeJS.ProcessEnv>) => Promise<Hash[]>)(
    tasks,
    graph,
    envs,
  ).then(
    (hashes) => {
      pending.forEach((p, i) => {
        try {
          p.resolve(withFreshness(p.task, hashes[i]!, context, p.env));
        } catch (error) {
          p.reject(error);
        }
      });
    },
    (error) => pending.forEach((p) => p.reject(error)),
  );
}

export const freshnessHasher = (task: Task, context: Context): Promise<Hash> =>
  new Promise<Hash>((resolve, reject) => {
    let queue = queues.get(context.hasher);
    if (!queue) {
      queue = { context, pending: [] };
      queues.set(context.hasher, queue);
      setImmediate(() => flush(context.hasher));
    }
    queue.pending.push({ task, env: context.env ?? process.env, resolve, reject });
  });

export default freshnessHasher;
