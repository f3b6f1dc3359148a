// Generated from tools/kiln-nx/src/freshness-hasher.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.freshnessHasher = void 0;
// Nx's own module (already loaded in its process), not @nx/devkit, which would load ~1 s of generator helpers.
const workspace_root_1 = require("nx/src/utils/workspace-root");
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const dist_layout_1 = require("./_workspace/libs/schema/src/dist-layout.js");
const freshness_1 = require("./freshness.js");
function readText(file) {
    try {
        return (0, node_fs_1.readFileSync)(file, 'utf8');
    }
    catch {
        return undefined; // the build task itself reports a missing image.yaml
    }
}
/** The build's output folder for this task's configuration (where its freshness record lives). */
function outputPathOf(task, context) {
    const target = context.projectsConfigurations.projects[task.target.project]?.targets?.[task.target.target];
    const configured = task.target.configuration ? target?.configurations?.[task.target.configuration]?.outputPath : undefined;
    return String(task.overrides?.outputPath ?? configured ?? target?.options?.outputPath ?? (0, dist_layout_1.imageDist)(task.target.project).build);
}
/** The tasks and the tasks they depend on (transitively): all Nx's hasher reads for them. */
function taskSubgraph(ids, graph) {
    const sub = { roots: [], tasks: {}, dependencies: {}, continuousDependencies: {} };
    const visit = (id) => {
        if (sub.tasks[id] || !graph.tasks[id])
            return;
        sub.tasks[id] = graph.tasks[id];
        sub.dependencies[id] = (graph.dependencies[id] ?? []).filter((d) => graph.tasks[d]);
        sub.continuousDependencies[id] = (graph.continuousDependencies?.[id] ?? []).filter((d) => graph.tasks[d]);
        if (sub.dependencies[id].length === 0)
            sub.roots.push(id);
        for (const d of [...sub.dependencies[id], ...sub.continuousDependencies[id]])
            visit(d);
    };
    for (const id of ids)
        visit(id);
    return sub;
}
/** The build's own hash: Nx's hash of its declared inputs, its freshness token, and whether it is revoked. */
function withFreshness(task, base, context, env) {
    const image = task.target.project;
    const root = context.projectsConfigurations.projects[image]?.root ?? `images/${image}`;
    const imageYaml = readText((0, node_path_1.join)(workspace_root_1.workspaceRoot, root, 'image.yaml'));
    const refresh = (0, freshness_1.refreshOf)(imageYaml);
    const now = (0, freshness_1.nowMs)(env);
    const token = (0, freshness_1.freshnessToken)(image, refresh, (0, freshness_1.readFreshnessRecord)(workspace_root_1.workspaceRoot, outputPathOf(task, context)), now);
    const freshness = `refresh=${refresh} window=${token}${(0, freshness_1.revokedAt)(imageYaml, now) ? ' revoked' : ''}`;
    return {
        value: (0, node_crypto_1.createHash)('sha256').update(base.value).update('\0').update(freshness).digest('hex').slice(0, 32),
        details: { ...base.details, runtime: { ...(base.details.runtime ?? {}), 'kiln freshness': freshness } },
    };
}
/**
 * Nx calls the hasher once per build task, all of a run's ready build tasks in the same turn of the event loop.
 * Hashing each alone would plan and hash them one native call at a time (~3 ms each); the calls of one turn are
 * queued and hashed in one native call, so 1000 builds cost about what Nx's own batch hashing costs.
 */
const queues = new Map();
function flush(hasher) {
    const queue = queues.get(hasher);
    queues.delete(hasher);
    if (!queue)
        return;
    const { context, pending } = queue;
    const tasks = pending.map((p) => p.task);
    const envs = Object.fromEntries(pending.map((p) => [p.task.id, p.env]));
    const graph = taskSubgraph(tasks.map((t) => t.id), context.taskGraph);
    context.hasher.hashTasks(tasks, graph, envs).then((hashes) => {
        pending.forEach((p, i) => {
            try {
                p.resolve(withFreshness(p.task, hashes[i], context, p.env));
            }
            catch (error) {
                p.reject(error);
            }
        });
    }, (error) => pending.forEach((p) => p.reject(error)));
}
const freshnessHasher = (task, context) => new Promise((resolve, reject) => {
    let queue = queues.get(context.hasher);
    if (!queue) {
        queue = { context, pending: [] };
        queues.set(context.hasher, queue);
        setImmediate(() => flush(context.hasher));
    }
    queue.pending.push({ task, env: context.env ?? process.env, resolve, reject });
});
exports.freshnessHasher = freshnessHasher;
exports.default = exports.freshnessHasher;
