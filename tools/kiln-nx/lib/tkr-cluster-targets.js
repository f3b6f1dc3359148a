// Generated from tools/kiln-nx/src/tkr-cluster-targets.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.genBomTarget = genBomTarget;
exports.applyTkrTarget = applyTkrTarget;
exports.genClusterConfigTarget = genClusterConfigTarget;
const EXECUTOR = '@kiln/nx';
const PURE_SOURCE = [
    '{workspaceRoot}/libs/catalog/data/releases.yaml',
    '{workspaceRoot}/libs/*/src/**/*.ts',
    '{workspaceRoot}/libs/*/src/**/*.json',
    '{workspaceRoot}/tools/kiln-nx/src/executors/**/*.ts',
    '!{workspaceRoot}/**/*.spec.ts',
];
function genBomTarget(name) {
    return {
        executor: `${EXECUTOR}:gen-bom`,
        cache: true,
        continuous: false,
        dependsOn: [{ target: 'upload', dependencies: true }],
        inputs: ['{projectRoot}/**/*', { input: 'kilnSpec', dependencies: true }, { dependentTasksOutputFiles: '**/published.json', transitive: true }, ...PURE_SOURCE],
        outputs: ['{options.outputPath}'],
        options: { outputPath: `dist/tkrs/${name}` },
        configurations: { plan: { plan: true, outputPath: `dist/plan/tkrs/${name}/gen-bom` } },
        metadata: { description: "Add the images' published ids to the base BoM and write the BoM and its ConfigMap (pure, cached)." },
    };
}
function applyTkrTarget(name) {
    return {
        executor: `${EXECUTOR}:apply-tkr`,
        cache: false,
        continuous: false,
        dependsOn: ['gen-bom'],
        options: { outputPath: `dist/applied/tkrs/${name}` },
        configurations: { plan: { plan: true, outputPath: `dist/plan/tkrs/${name}/apply-tkr` } },
        metadata: { description: 'kubectl apply the ConfigMap to the management cluster, restart the TKr controller, wait for the TKr (not cached).' },
    };
}
function genClusterConfigTarget(name) {
    return {
        executor: `${EXECUTOR}:gen-cluster-config`,
        cache: true,
        continuous: false,
        dependsOn: [
            { target: 'apply-tkr', dependencies: true },
            { target: 'upload', dependencies: true },
        ],
        inputs: ['{projectRoot}/**/*', { input: 'kilnSpec', dependencies: true }, { dependentTasksOutputFiles: '**/published.json', transitive: true }, ...PURE_SOURCE],
        outputs: ['{options.outputPath}'],
        options: { outputPath: `dist/clusters/${name}` },
        configurations: { plan: { plan: true, outputPath: `dist/plan/clusters/${name}/gen-cluster-config` } },
        metadata: { description: 'Write cluster-config.yaml and create.sh with the exact tanzu command (pure, cached).' },
    };
}
