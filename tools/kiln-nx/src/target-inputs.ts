// The code inputs of the pure, cached targets: the libraries they use whole, and the part of libs/steps, libs/runner and
// the executors that their stage loads (named inputs in nx.json and in those projects' project.json), so unrelated code
// keeps them cached (test/nx-caching.e2e.spec.ts checks each executor's imports against them).
import type { TargetConfiguration } from '@nx/devkit';

type Inputs = NonNullable<TargetConfiguration['inputs']>;

/** The libraries every pure target uses whole, with the npm packages they load. */
const PURE_LIBS = ['errors', 'schema', 'catalog', 'render'];
const PURE_PACKAGES = ['yaml', 'ajv', 'handlebars', 'diff'];
/** The projects a pure stage uses in part (the stage's files, the settings module and what it loads, the executor). */
const STAGE_PROJECTS = ['steps', 'runner', 'kiln-nx'];

/** A pure stage's named input: each project a pure stage uses in part names that part in its project.json. */
export type StageInput = 'renderConfigSource' | 'genBomSource' | 'genClusterConfigSource';

export function stageInputs(stage: StageInput): Inputs {
  return [
    { input: 'production', projects: PURE_LIBS },
    { input: stage, projects: STAGE_PROJECTS },
    { externalDependencies: PURE_PACKAGES },
  ];
}
