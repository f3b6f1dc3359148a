// Target builders for image projects: render-config → pull-bundle → build → upload.
import type { TargetConfiguration } from '@nx/devkit';
import type { NormalizedPluginOptions } from './plugin-options';

const EXECUTOR = '@kiln/nx';

/** Source of everything that shapes rendered bytes: a change here re-renders, but build keys on the bytes. */
export function rendererInputs(opts: NormalizedPluginOptions) {
  return [
    '{workspaceRoot}/libs/catalog/data/releases.yaml',
    `{workspaceRoot}/${opts.configBundlesDir}/**/*`,
    '{workspaceRoot}/libs/errors/src/**/*.ts',
    '{workspaceRoot}/libs/schema/src/**/*.ts',
    '{workspaceRoot}/libs/schema/src/**/*.json',
    '{workspaceRoot}/libs/catalog/src/**/*.ts',
    '{workspaceRoot}/libs/catalog/src/**/*.json',
    '{workspaceRoot}/libs/render/src/**/*.ts',
    '{workspaceRoot}/libs/steps/src/**/*.ts',
    '{workspaceRoot}/tools/kiln-nx/src/executors/**/*.ts',
    '!{workspaceRoot}/**/*.spec.ts',
    { externalDependencies: ['yaml', 'ajv', 'handlebars'] },
  ];
}

// Every target says `continuous: false` (Nx's default) explicitly: otherwise Nx reads each executor's schema while
// it builds the project graph, and for a workspace plugin that loads the TypeScript compiler on every command.

function planConfig(name: string, target: string, extra: Record<string, unknown> = {}) {
  return { plan: { plan: true, outputPath: `dist/plan/images/${name}/${target}`, ...extra } };
}

export function renderConfigTarget(name: string, opts: NormalizedPluginOptions): TargetConfiguration {
  return {
    executor: `${EXECUTOR}:render-config`,
    cache: true,
    continuous: false,
    inputs: ['{projectRoot}/image.yaml', ...rendererInputs(opts)],
    outputs: ['{options.outputPath}'],
    options: { outputPath: `dist/images/${name}/config`, ...(opts.registry ? { registry: opts.registry } : {}) },
    configurations: planConfig(name, 'config'),
    metadata: { description: 'Validate image.yaml and render tkg.json, customizations.json, metadata.json and build-plan.json (pure, cached).' },
  };
}

export function pullBundleTarget(name: string): TargetConfiguration {
  return {
    executor: `${EXECUTOR}:pull-bundle`,
    cache: false,
    continuous: false,
    dependsOn: ['render-config'],
    options: { configPath: `dist/images/${name}/config` },
    configurations: planConfig(name, 'pull-bundle', { configPath: `dist/plan/images/${name}/config` }),
    metadata: { description: "Start (or reuse) the release's shared linux-resource-bundle container and record its endpoint (not cached)." },
  };
}

export function buildTarget(name: string): TargetConfiguration {
  return {
    executor: `${EXECUTOR}:build`,
    cache: true,
    continuous: false,
    // build ensures the bundle itself (the pull-bundle step, in-process), so a cached build starts nothing.
    dependsOn: ['render-config'],
    // Keyed on the rendered bytes (which name the builder and bundle images), never on renderer source; the
    // build hasher (executors.json) adds the freshness token: builds apply the latest OS updates, so they expire
    // `refresh` after they ran (src/freshness.ts).
    inputs: [{ dependentTasksOutputFiles: '**/*', transitive: false }],
    outputs: ['{options.outputPath}'],
    options: { outputPath: `dist/images/${name}/build`, configPath: `dist/images/${name}/config` },
    configurations: planConfig(name, 'build', { configPath: `dist/plan/images/${name}/config` }),
    metadata: { description: 'Ensure the resource bundle, then run the image-builder container exactly as build-plan.json says; cached while the rendered inputs are unchanged and the build is younger than refresh (default 30d).' },
  };
}

export function uploadTarget(name: string): TargetConfiguration {
  return {
    executor: `${EXECUTOR}:upload`,
    cache: false,
    continuous: false,
    dependsOn: ['build'],
    // Not cached, but declared so that gen-bom's dependentTasksOutputFiles input hashes published.json.
    outputs: ['{options.outputPath}'],
    options: { outputPath: `dist/images/${name}/upload`, configPath: `dist/images/${name}/config` },
    configurations: planConfig(name, 'upload', { configPath: `dist/plan/images/${name}/config` }),
    metadata: { description: 'Publish the artifact idempotently (vSphere template, AMIs, SIG version) and write published.json (not cached).' },
  };
}
