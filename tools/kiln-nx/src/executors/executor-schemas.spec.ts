import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TargetConfiguration } from '@nx/devkit';
import { tempDir } from '@kiln/testing';
import { PULL_POLICIES } from '@kiln/steps/src/shared/workspace-settings';
import { createNodes } from '../index';

// Nx's own option handling (what `nx run` does before it calls an executor): defaults, then validation.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { combineOptionsForExecutor } = require('nx/src/utils/params') as {
  combineOptionsForExecutor(
    overrides: Record<string, unknown>,
    configuration: string | undefined,
    target: TargetConfiguration,
    schema: unknown,
    project: string,
    cwd: string,
  ): Record<string, unknown>;
};

const PLUGIN = join(__dirname, '..', '..');
const { executors } = JSON.parse(readFileSync(join(PLUGIN, 'executors.json'), 'utf8')) as {
  executors: Record<string, { implementation: string; batchImplementation: string; schema: string }>;
};
const NAMES = Object.keys(executors);
interface Schema {
  properties: Record<string, { enum?: string[] }>;
  additionalProperties?: boolean;
}
const schemaOf = (name: string) => JSON.parse(readFileSync(join(PLUGIN, executors[name]!.schema), 'utf8')) as Schema;

const root = tempDir('kiln-nx-schemas-');

/** Every target the plugin infers, by executor name, with all five plugin options set. */
async function inferredTargets(): Promise<Record<string, TargetConfiguration>> {
  const options = {
    configBundlesDir: 'vendor/bundles',
    registry: 'r.example.com/tkg',
    pullPolicy: 'Always' as const,
    bundlePort: 8080,
    advertiseAddress: '192.0.2.10',
  };
  const results = await createNodes[1](['images/i/image.yaml', 'tkrs/t/tkr.yaml', 'clusters/c/cluster.yaml'], options, {
    nxJsonConfiguration: {},
    workspaceRoot: root,
  });
  const targets: Record<string, TargetConfiguration> = {};
  for (const [, result] of results) for (const project of Object.values(result.projects ?? {})) Object.assign(targets, project.targets);
  return targets;
}

/** Nx's answer to `nx run <project>:<name> [-c configuration] --<overrides>`: the options, or the error text. */
function nxOptions(
  name: string,
  target: TargetConfiguration,
  overrides: Record<string, unknown>,
  configuration?: string,
): string | Record<string, unknown> {
  try {
    return combineOptionsForExecutor(overrides, configuration, target, schemaOf(name), 'p', '');
  } catch (error) {
    return (error as Error).message;
  }
}

describe('executor schemas', () => {
  it('gives each of the eight targets its own folder with its executor and its schema', () => {
    expect(NAMES.sort()).toEqual([
      'apply-tkr',
      'build',
      'gen-bom',
      'gen-cluster-config',
      'pull-bundle',
      'render-config',
      'upload',
      'verify',
    ]);
    for (const name of NAMES) {
      expect(executors[name]).toMatchObject({
        implementation: `./src/executors/${name}/executor`,
        batchImplementation: `./src/executors/${name}/executor#batch`,
        schema: `./src/executors/${name}/schema.json`,
      });
      expect(existsSync(join(PLUGIN, `src/executors/${name}/executor.ts`)), name).toBe(true);
      expect(schemaOf(name).additionalProperties, name).toBe(false);
    }
  });

  it('has option types generated from the schemas and up to date (gen-executor-types --check exits 0)', () => {
    const run = spawnSync(process.execPath, [join(PLUGIN, 'bin/gen-executor-types.js'), '--check'], { encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('makes Nx refuse `gen-bom --replace` (replace is an upload option)', async () => {
    const targets = await inferredTargets();
    expect(nxOptions('gen-bom', targets['gen-bom']!, { replace: true })).toBe("'replace' is not found in schema");
    expect(nxOptions('upload', targets.upload!, { replace: true })).toMatchObject({ replace: true });
  });

  it('makes Nx refuse, for every target, each option only other targets have', async () => {
    const targets = await inferredTargets();
    for (const name of NAMES) {
      const own = Object.keys(schemaOf(name).properties);
      const foreign = [...new Set(NAMES.flatMap((other) => Object.keys(schemaOf(other).properties)))].filter((o) => !own.includes(o));
      for (const option of foreign)
        expect(nxOptions(name, targets[name]!, { [option]: 'x' }), `${name} --${option}`).toBe(`'${option}' is not found in schema`);
    }
  });

  it('accepts the options the plugin gives each target, plain and with -c plan', async () => {
    const targets = await inferredTargets();
    for (const name of NAMES) {
      expect(typeof nxOptions(name, targets[name]!, {}), name).toBe('object');
      expect(nxOptions(name, targets[name]!, {}, 'plan'), `${name} -c plan`).toMatchObject({ plan: true });
    }
  });

  it('lists the pull policies the settings accept, no other', () => {
    for (const name of NAMES.filter((n) => schemaOf(n).properties.pullPolicy))
      expect(schemaOf(name).properties.pullPolicy!.enum, name).toEqual([...PULL_POLICIES]);
  });
});
