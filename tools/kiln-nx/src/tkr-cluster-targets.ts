// Target builders for tkr projects (gen-bom → apply-tkr) and cluster projects (gen-cluster-config).
import type { TargetConfiguration } from '@nx/devkit';
import { clusterDist, planDist, tkrDist } from '@kiln/schema/src/dist-layout';
import { stageInputs } from './target-inputs';

const EXECUTOR = '@kiln/nx';

/** The project's own files, the spec files of the projects it uses, and what their uploads published. */
const SPEC_INPUTS = [
  '{projectRoot}/**/*',
  { input: 'kilnSpec', dependencies: true },
  { dependentTasksOutputFiles: '**/published.json', transitive: true },
];

export function genBomTarget(name: string): TargetConfiguration {
  return {
    executor: `${EXECUTOR}:gen-bom`,
    cache: true,
    continuous: false,
    dependsOn: [{ target: 'upload', dependencies: true }],
    inputs: [...SPEC_INPUTS, ...stageInputs('genBomSource')],
    outputs: ['{options.outputPath}'],
    options: { outputPath: tkrDist(name).bom },
    configurations: { plan: { plan: true, outputPath: planDist('gen-bom', name) } },
    metadata: { description: "Add the images' published ids to the base BoM and write the BoM and its ConfigMap (pure, cached)." },
  };
}

export function applyTkrTarget(name: string): TargetConfiguration {
  return {
    executor: `${EXECUTOR}:apply-tkr`,
    cache: false,
    continuous: false,
    dependsOn: ['gen-bom'],
    options: { outputPath: tkrDist(name).applied },
    configurations: { plan: { plan: true, outputPath: planDist('apply-tkr', name) } },
    metadata: {
      description: 'kubectl apply the ConfigMap to the management cluster, restart the TKr controller, wait for the TKr (not cached).',
    },
  };
}

export function genClusterConfigTarget(name: string): TargetConfiguration {
  return {
    executor: `${EXECUTOR}:gen-cluster-config`,
    cache: true,
    continuous: false,
    dependsOn: [
      { target: 'apply-tkr', dependencies: true },
      { target: 'upload', dependencies: true },
    ],
    inputs: [...SPEC_INPUTS, ...stageInputs('genClusterConfigSource')],
    outputs: ['{options.outputPath}'],
    options: { outputPath: clusterDist(name).config },
    configurations: { plan: { plan: true, outputPath: planDist('gen-cluster-config', name) } },
    metadata: { description: 'Write cluster-config.yaml and create.sh with the exact tanzu command (pure, cached).' },
  };
}
