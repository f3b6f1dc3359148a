// Target builders for image projects: render-config → pull-bundle → build → upload.
import type { TargetConfiguration } from '@nx/devkit';
import { imageDist, planDist, type KilnTarget } from '@kiln/schema/src/dist-layout';
import type { ImageSettings, KilnSettings } from '@kiln/steps/src/shared/workspace-settings';
import { stageInputs } from './target-inputs';

const EXECUTOR = '@kiln/nx';

/** The settings every image target validates image.yaml with (what shapes the rendered config); unset ones left out. */
function imageSettings(s: KilnSettings): ImageSettings {
  return { configBundlesDir: s.configBundlesDir, ...(s.registry !== undefined && { registry: s.registry }) };
}

/** All five settings: what starting the resource bundle and the builder needs too. */
function runSettings(s: KilnSettings): KilnSettings {
  return {
    ...imageSettings(s),
    pullPolicy: s.pullPolicy,
    ...(s.bundlePort !== undefined && { bundlePort: s.bundlePort }),
    ...(s.advertiseAddress !== undefined && { advertiseAddress: s.advertiseAddress }),
  };
}

/** render-config's inputs: image.yaml, the config bundles and the code that renders (a change re-renders, but build keys on the bytes). */
export function renderConfigInputs(settings: KilnSettings) {
  return ['{projectRoot}/image.yaml', `{workspaceRoot}/${settings.configBundlesDir}/**/*`, ...stageInputs('renderConfigSource')];
}

// Every target says `continuous: false` (Nx's default) explicitly: otherwise Nx reads each executor's schema while
// it builds the project graph, and for a workspace plugin that loads the TypeScript compiler on every command.

function planConfig(name: string, target: KilnTarget, extra: Record<string, unknown> = {}) {
  return { plan: { plan: true, outputPath: planDist(target, name), ...extra } };
}

/** A side-effect target reads the config render-config wrote: in plan mode, the planned one. */
function planWithPlannedConfig(name: string, target: KilnTarget) {
  return planConfig(name, target, { configPath: planDist('render-config', name) });
}

export function renderConfigTarget(name: string, settings: KilnSettings): TargetConfiguration {
  return {
    executor: `${EXECUTOR}:render-config`,
    cache: true,
    continuous: false,
    inputs: renderConfigInputs(settings),
    outputs: ['{options.outputPath}'],
    options: { outputPath: imageDist(name).config, ...imageSettings(settings) },
    configurations: planConfig(name, 'render-config'),
    metadata: {
      description: 'Validate image.yaml and render tkg.json, customizations.json, metadata.json and build-plan.json (pure, cached).',
    },
  };
}

export function pullBundleTarget(name: string, settings: KilnSettings): TargetConfiguration {
  return {
    executor: `${EXECUTOR}:pull-bundle`,
    cache: false,
    continuous: false,
    dependsOn: ['render-config'],
    options: { configPath: imageDist(name).config, ...runSettings(settings) },
    configurations: planWithPlannedConfig(name, 'pull-bundle'),
    metadata: {
      description: "Start (or reuse) the release's shared linux-resource-bundle container and record its endpoint (not cached).",
    },
  };
}

export function buildTarget(name: string, settings: KilnSettings): TargetConfiguration {
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
    options: { outputPath: imageDist(name).build, configPath: imageDist(name).config, ...runSettings(settings) },
    configurations: planWithPlannedConfig(name, 'build'),
    metadata: {
      description:
        'Ensure the resource bundle, then run the image-builder container exactly as build-plan.json says; cached while the rendered inputs are unchanged and the build is younger than refresh (default 30d).',
    },
  };
}

export function uploadTarget(name: string, settings: KilnSettings): TargetConfiguration {
  return {
    executor: `${EXECUTOR}:upload`,
    cache: false,
    continuous: false,
    dependsOn: ['build'],
    // Not cached, but declared so that gen-bom's dependentTasksOutputFiles input hashes published.json.
    outputs: ['{options.outputPath}'],
    options: { outputPath: imageDist(name).upload, configPath: imageDist(name).config, ...imageSettings(settings) },
    configurations: planWithPlannedConfig(name, 'upload'),
    metadata: {
      description: 'Publish the artifact idempotently (vSphere template, AMIs, SIG version) and write published.json (not cached).',
    },
  };
}
