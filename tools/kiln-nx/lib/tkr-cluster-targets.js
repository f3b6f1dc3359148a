// Generated from tools/kiln-nx/src/tkr-cluster-targets.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.genBomTarget = genBomTarget;
exports.applyTkrTarget = applyTkrTarget;
exports.genClusterConfigTarget = genClusterConfigTarget;
const dist_layout_1 = require("./_workspace/libs/schema/src/dist-layout.js");
const target_inputs_1 = require("./target-inputs.js");
const EXECUTOR = '@kiln/nx';
/** The project's own files, the spec files of the projects it uses, and what their uploads published. */
const SPEC_INPUTS = [
    '{projectRoot}/**/*',
    { input: 'kilnSpec', dependencies: true },
    { dependentTasksOutputFiles: '**/published.json', transitive: true },
];
function genBomTarget(name) {
    return {
        executor: `${EXECUTOR}:gen-bom`,
        cache: true,
        continuous: false,
        dependsOn: [{ target: 'upload', dependencies: true }],
        inputs: [...SPEC_INPUTS, ...(0, target_inputs_1.stageInputs)('genBomSource')],
        outputs: ['{options.outputPath}'],
        options: { outputPath: (0, dist_layout_1.tkrDist)(name).bom },
        configurations: { plan: { plan: true, outputPath: (0, dist_layout_1.planDist)('gen-bom', name) } },
        metadata: { description: "Add the images' published ids to the base BoM and write the BoM and its ConfigMap (pure, cached)." },
    };
}
function applyTkrTarget(name) {
    return {
        executor: `${EXECUTOR}:apply-tkr`,
        cache: false,
        continuous: false,
        dependsOn: ['gen-bom'],
        options: { outputPath: (0, dist_layout_1.tkrDist)(name).applied },
        configurations: { plan: { plan: true, outputPath: (0, dist_layout_1.planDist)('apply-tkr', name) } },
        metadata: {
            description: 'kubectl apply the ConfigMap to the management cluster, restart the TKr controller, wait for the TKr (not cached).',
        },
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
        inputs: [...SPEC_INPUTS, ...(0, target_inputs_1.stageInputs)('genClusterConfigSource')],
        outputs: ['{options.outputPath}'],
        options: { outputPath: (0, dist_layout_1.clusterDist)(name).config },
        configurations: { plan: { plan: true, outputPath: (0, dist_layout_1.planDist)('gen-cluster-config', name) } },
        metadata: { description: 'Write cluster-config.yaml and create.sh with the exact tanzu command (pure, cached).' },
    };
}
