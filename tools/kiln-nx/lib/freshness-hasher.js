// Generated from tools/kiln-nx/src/freshness-hasher.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.freshnessHasher = void 0;
// Nx's own module (already loaded in its process), not @nx/devkit, which would load ~1 s of generator helpers.
const workspace_root_1 = require("nx/src/utils/workspace-root");
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
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
    return String(task.overrides?.outputPath ?? configured ?? target?.options?.outputPath ?? `dist/images/${task.target.project}/build`);
}
/**
 * The task and the tasks it depends on (transitively): all Nx's hasher reads for this task. Nx hands its planner
 * whatever graph it gets, converting it each call, so the whole run's graph would make 1000 builds cost O(n²).
 */
function taskSubgraph(task, graph) {
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
    visit(task.id);
    return sub;
}
const freshnessHasher = async (task, context) => {
    const env = context.env ?? process.env;
    const base = await context.hasher.hashTask(task, taskSubgraph(task, context.taskGraph), env);
    const image = task.target.project;
    const root = context.projectsConfigurations.projects[image]?.root ?? `images/${image}`;
    const refresh = (0, freshness_1.refreshOf)(readText((0, node_path_1.join)(workspace_root_1.workspaceRoot, root, 'image.yaml')));
    const token = (0, freshness_1.freshnessToken)(image, refresh, (0, freshness_1.readFreshnessRecord)(workspace_root_1.workspaceRoot, outputPathOf(task, context)), (0, freshness_1.nowMs)(env));
    const freshness = `refresh=${refresh} window=${token}`;
    return {
        value: (0, node_crypto_1.createHash)('sha256').update(base.value).update('\0').update(freshness).digest('hex').slice(0, 32),
        details: { ...base.details, runtime: { ...(base.details.runtime ?? {}), 'kiln freshness': freshness } },
    };
};
exports.freshnessHasher = freshnessHasher;
exports.default = exports.freshnessHasher;
