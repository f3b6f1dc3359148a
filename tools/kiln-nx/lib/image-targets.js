// Generated from tools/kiln-nx/src/image-targets.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.renderConfigInputs = renderConfigInputs;
exports.renderConfigTarget = renderConfigTarget;
exports.pullBundleTarget = pullBundleTarget;
exports.buildTarget = buildTarget;
exports.uploadTarget = uploadTarget;
const dist_layout_1 = require("./_workspace/libs/schema/src/dist-layout.js");
const target_inputs_1 = require("./target-inputs.js");
const EXECUTOR = '@kiln/nx';
/** The settings every image target validates image.yaml with (what shapes the rendered config); unset ones left out. */
function imageSettings(s) {
    return { configBundlesDir: s.configBundlesDir, ...(s.registry !== undefined && { registry: s.registry }) };
}
/** All five settings: what starting the resource bundle and the builder needs too. */
function runSettings(s) {
    return {
        ...imageSettings(s),
        pullPolicy: s.pullPolicy,
        ...(s.bundlePort !== undefined && { bundlePort: s.bundlePort }),
        ...(s.advertiseAddress !== undefined && { advertiseAddress: s.advertiseAddress }),
    };
}
/** render-config's inputs: image.yaml, the config bundles and the code that renders (a change re-renders, but build keys on the bytes). */
function renderConfigInputs(settings) {
    return ['{projectRoot}/image.yaml', `{workspaceRoot}/${settings.configBundlesDir}/**/*`, ...(0, target_inputs_1.stageInputs)('renderConfigSource')];
}
// Every target says `continuous: false` (Nx's default) explicitly: otherwise Nx reads each executor's schema while
// it builds the project graph, and for a workspace plugin that loads the TypeScript compiler on every command.
function planConfig(name, target, extra = {}) {
    return { plan: { plan: true, outputPath: (0, dist_layout_1.planDist)(target, name), ...extra } };
}
/** A side-effect target reads the config render-config wrote: in plan mode, the planned one. */
function planWithPlannedConfig(name, target) {
    return planConfig(name, target, { configPath: (0, dist_layout_1.planDist)('render-config', name) });
}
function renderConfigTarget(name, settings) {
    return {
        executor: `${EXECUTOR}:render-config`,
        cache: true,
        continuous: false,
        inputs: renderConfigInputs(settings),
        outputs: ['{options.outputPath}'],
        options: { outputPath: (0, dist_layout_1.imageDist)(name).config, ...imageSettings(settings) },
        configurations: planConfig(name, 'render-config'),
        metadata: {
            description: 'Validate image.yaml and render tkg.json, customizations.json, metadata.json and build-plan.json (pure, cached).',
        },
    };
}
function pullBundleTarget(name, settings) {
    return {
        executor: `${EXECUTOR}:pull-bundle`,
        cache: false,
        continuous: false,
        dependsOn: ['render-config'],
        options: { configPath: (0, dist_layout_1.imageDist)(name).config, ...runSettings(settings) },
        configurations: planWithPlannedConfig(name, 'pull-bundle'),
        metadata: {
            description: "Start (or reuse) the release's shared linux-resource-bundle container and record its endpoint (not cached).",
        },
    };
}
function buildTarget(name, settings) {
    return {
        executor: `${EXECUTOR}:build`,
        cache: true,
        continuous: false,
        // build ensures the bundle itself (the pull-bundle step, in-process), so a cached build starts nothing.
        dependsOn: ['render-config'],
        // Keyed on the rendered bytes (which name the builder and bundle images), never on renderer source; the
        // build hasher (executors.json) adds the freshness token: builds apply the latest OS updates, so they expire
        // `refresh` after they ran (src/freshness.ts, src/freshness-hasher.ts).
        // Kiln's package-list Ansible role runs inside every build, so editing it rebuilds.
        inputs: [{ dependentTasksOutputFiles: '**/*', transitive: false }, '{workspaceRoot}/libs/provenance/ansible/**/*'],
        outputs: ['{options.outputPath}'],
        options: { outputPath: (0, dist_layout_1.imageDist)(name).build, configPath: (0, dist_layout_1.imageDist)(name).config, ...runSettings(settings) },
        configurations: planWithPlannedConfig(name, 'build'),
        metadata: {
            description: 'Ensure the resource bundle, then run the image-builder container exactly as build-plan.json says; cached while the rendered inputs are unchanged and the build is younger than refresh (default 30d).',
        },
    };
}
function uploadTarget(name, settings) {
    return {
        executor: `${EXECUTOR}:upload`,
        cache: false,
        continuous: false,
        dependsOn: ['build'],
        // Not cached, but declared so that gen-bom's dependentTasksOutputFiles input hashes published.json.
        outputs: ['{options.outputPath}'],
        options: { outputPath: (0, dist_layout_1.imageDist)(name).upload, configPath: (0, dist_layout_1.imageDist)(name).config, ...imageSettings(settings) },
        configurations: planWithPlannedConfig(name, 'upload'),
        metadata: {
            description: 'Publish the artifact idempotently (vSphere template, AMIs, SIG version) and write published.json (not cached).',
        },
    };
}
