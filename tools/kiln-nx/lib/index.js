// Generated from tools/kiln-nx/src/index.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createDependencies = exports.createNodes = exports.preTasksExecution = void 0;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const errors_1 = require("./_workspace/libs/errors/src/index.js");
const project_name_clash_1 = require("./_workspace/libs/schema/src/project-name-clash.js");
const workspace_settings_1 = require("./_workspace/libs/steps/src/shared/workspace-settings.js");
const image_targets_1 = require("./image-targets.js");
const tkr_cluster_targets_1 = require("./tkr-cluster-targets.js");
const verify_target_1 = require("./verify-target.js");
var pre_tasks_execution_1 = require("./pre-tasks-execution.js");
Object.defineProperty(exports, "preTasksExecution", { enumerable: true, get: function () { return pre_tasks_execution_1.preTasksExecution; } });
const SPEC_GLOB = '{images/*/image.yaml,tkrs/*/tkr.yaml,clusters/*/cluster.yaml}';
function kindOf(file) {
    return file.startsWith('images/') ? 'image' : file.startsWith('tkrs/') ? 'tkr' : 'cluster';
}
function projectFor(file, settings) {
    const root = file.slice(0, file.lastIndexOf('/'));
    const name = root.slice(root.indexOf('/') + 1);
    const kind = kindOf(file);
    const base = { root, name, tags: [`kiln:${kind}`], projectType: 'application' };
    if (kind === 'image') {
        return {
            ...base,
            metadata: { description: `Kiln image ${name}: render-config → pull-bundle → build → upload; verify` },
            targets: {
                'render-config': (0, image_targets_1.renderConfigTarget)(name, settings),
                'pull-bundle': (0, image_targets_1.pullBundleTarget)(name, settings),
                build: (0, image_targets_1.buildTarget)(name, settings),
                upload: (0, image_targets_1.uploadTarget)(name, settings),
                verify: (0, verify_target_1.verifyTarget)(name, 'images'),
            },
        };
    }
    if (kind === 'tkr') {
        return {
            ...base,
            metadata: { description: `Kiln custom TKr ${name}: (images' upload) → gen-bom → apply-tkr; verify` },
            targets: { 'gen-bom': (0, tkr_cluster_targets_1.genBomTarget)(name), 'apply-tkr': (0, tkr_cluster_targets_1.applyTkrTarget)(name), verify: (0, verify_target_1.verifyTarget)(name, 'tkrs') },
        };
    }
    return {
        ...base,
        metadata: { description: `Kiln cluster ${name}: (tkr's apply-tkr or image's upload) → gen-cluster-config; verify` },
        targets: { 'gen-cluster-config': (0, tkr_cluster_targets_1.genClusterConfigTarget)(name), verify: (0, verify_target_1.verifyTarget)(name, 'clusters') },
    };
}
/** The plugin options normalised; a bad one stops the graph with its message and hint (no stack trace). */
function settingsOf(options) {
    try {
        return (0, workspace_settings_1.normalizePluginOptions)(options);
    }
    catch (error) {
        throw new Error((0, errors_1.formatError)(error), { cause: error });
    }
}
exports.createNodes = [
    SPEC_GLOB,
    (files, rawOptions) => {
        const settings = settingsOf(rawOptions);
        const clashes = (0, project_name_clash_1.projectNameClashes)(files);
        if (clashes.length > 0)
            throw new Error(clashes.map(errors_1.formatError).join('\n'));
        return files.map((file) => {
            const project = projectFor(file, settings);
            return [file, { projects: { [project.root]: project } }];
        });
    },
];
/** The projects a tkr.yaml or cluster.yaml refers to; unreadable files refer to nothing (their tasks report why). */
function references(workspaceRoot, file) {
    let data;
    try {
        // Lazy: only graph construction with tkrs/clusters pays for the YAML parser.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy (see above)
        data = require('yaml').parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(workspaceRoot, file), 'utf8'));
    }
    catch {
        return [];
    }
    if (!data || typeof data !== 'object')
        return [];
    const d = data;
    if (file.startsWith('tkrs/'))
        return Array.isArray(d.images) ? d.images.filter((x) => typeof x === 'string') : [];
    return [d.tkr, d.image].filter((x) => typeof x === 'string');
}
const createDependencies = (_options, context) => {
    const deps = [];
    for (const [source, project] of Object.entries(context.projects)) {
        const kind = project.tags?.find((t) => t.startsWith('kiln:'));
        if (kind !== 'kiln:tkr' && kind !== 'kiln:cluster')
            continue;
        const file = `${project.root}/${kind === 'kiln:tkr' ? 'tkr.yaml' : 'cluster.yaml'}`;
        for (const target of references(context.workspaceRoot, file)) {
            const wanted = kind === 'kiln:tkr' ? ['kiln:image'] : ['kiln:tkr', 'kiln:image'];
            if (target === source || !context.projects[target]?.tags?.some((t) => wanted.includes(t)))
                continue;
            deps.push({ source, target, type: 'static', sourceFile: file });
        }
    }
    return deps;
};
exports.createDependencies = createDependencies;
