import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@kiln/testing';
import type { CreateDependenciesContext, ProjectConfiguration } from '@nx/devkit';
import { createDependencies, createNodes } from './index';

function workspace(files: Record<string, string>): string {
  const root = tempDir('kiln-nx-plugin-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function nodes(root: string, files: string[], options?: Record<string, unknown>) {
  const [pattern, fn] = createNodes;
  expect(pattern).toBe('{images/*/image.yaml,tkrs/*/tkr.yaml,clusters/*/cluster.yaml}');
  return fn(files, options, { nxJsonConfiguration: {}, workspaceRoot: root });
}

/** The code of a pure stage: the libraries it uses whole, and its own stage of libs/steps and of the executors. */
const stageCode = (stage: string) => [
  { input: 'production', projects: ['errors', 'schema', 'catalog', 'render'] },
  { input: stage, projects: ['steps', 'runner', 'kiln-nx'] },
  { externalDependencies: ['yaml', 'ajv', 'handlebars', 'diff'] },
];
const DEFAULT_SETTINGS = { configBundlesDir: 'images/_bundles' };
const DEFAULT_RUN_SETTINGS = { ...DEFAULT_SETTINGS, pullPolicy: 'IfNotPresent' };

describe('createNodes', () => {
  it('infers one image project with the whole pipeline (compared whole)', async () => {
    const root = workspace({ 'images/ubuntu/image.yaml': 'infra: vsphere\n' });
    const result = await nodes(root, ['images/ubuntu/image.yaml']);
    expect(result).toEqual([
      [
        'images/ubuntu/image.yaml',
        {
          projects: {
            'images/ubuntu': {
              root: 'images/ubuntu',
              name: 'ubuntu',
              tags: ['kiln:image'],
              projectType: 'application',
              metadata: { description: 'Kiln image ubuntu: render-config → pull-bundle → build → upload; verify' },
              targets: {
                'render-config': {
                  executor: '@kiln/nx:render-config',
                  cache: true,
                  continuous: false,
                  inputs: ['{projectRoot}/image.yaml', '{workspaceRoot}/images/_bundles/**/*', ...stageCode('renderConfigSource')],
                  outputs: ['{options.outputPath}'],
                  options: { outputPath: 'dist/images/ubuntu/config', ...DEFAULT_SETTINGS },
                  configurations: { plan: { plan: true, outputPath: 'dist/plan/images/ubuntu/config' } },
                  metadata: { description: expect.stringContaining('Validate image.yaml') },
                },
                'pull-bundle': {
                  executor: '@kiln/nx:pull-bundle',
                  cache: false,
                  continuous: false,
                  dependsOn: ['render-config'],
                  options: { configPath: 'dist/images/ubuntu/config', ...DEFAULT_RUN_SETTINGS },
                  configurations: {
                    plan: { plan: true, outputPath: 'dist/plan/images/ubuntu/pull-bundle', configPath: 'dist/plan/images/ubuntu/config' },
                  },
                  metadata: { description: expect.stringContaining('resource-bundle') },
                },
                build: {
                  executor: '@kiln/nx:build',
                  cache: true,
                  continuous: false,
                  dependsOn: ['render-config'],
                  inputs: [{ dependentTasksOutputFiles: '**/*', transitive: false }, '{workspaceRoot}/libs/provenance/ansible/**/*'],
                  outputs: ['{options.outputPath}'],
                  options: { outputPath: 'dist/images/ubuntu/build', configPath: 'dist/images/ubuntu/config', ...DEFAULT_RUN_SETTINGS },
                  configurations: {
                    plan: { plan: true, outputPath: 'dist/plan/images/ubuntu/build', configPath: 'dist/plan/images/ubuntu/config' },
                  },
                  metadata: { description: expect.stringContaining('image-builder') },
                },
                upload: {
                  executor: '@kiln/nx:upload',
                  cache: false,
                  continuous: false,
                  dependsOn: ['build'],
                  outputs: ['{options.outputPath}'],
                  options: { outputPath: 'dist/images/ubuntu/upload', configPath: 'dist/images/ubuntu/config', ...DEFAULT_SETTINGS },
                  configurations: {
                    plan: { plan: true, outputPath: 'dist/plan/images/ubuntu/upload', configPath: 'dist/plan/images/ubuntu/config' },
                  },
                  metadata: { description: expect.stringContaining('published.json') },
                },
                verify: {
                  executor: '@kiln/nx:verify',
                  cache: false,
                  continuous: false,
                  options: { outputPath: 'dist/verify/images/ubuntu' },
                  configurations: { plan: { plan: true, outputPath: 'dist/plan/images/ubuntu/verify' } },
                  metadata: { description: expect.stringContaining('one line per finding') },
                },
              },
            },
          },
        },
      ],
    ]);
  });

  it('never reads or validates image.yaml: an invalid file still gets its project (its tasks report the problem)', async () => {
    const root = workspace({ 'images/broken/image.yaml': 'gpu: "yes"\n  : ]' });
    const [[, result]] = await nodes(root, ['images/broken/image.yaml']);
    expect(Object.keys(result.projects!['images/broken'].targets!)).toEqual(['render-config', 'pull-bundle', 'build', 'upload', 'verify']);
  });

  it('infers tkr and cluster projects with their targets and plan outputs', async () => {
    const root = workspace({ 'tkrs/t/tkr.yaml': '', 'clusters/c/cluster.yaml': '' });
    const result = await nodes(root, ['tkrs/t/tkr.yaml', 'clusters/c/cluster.yaml']);
    const tkr = result[0][1].projects!['tkrs/t'];
    const cluster = result[1][1].projects!['clusters/c'];
    expect([tkr.name, tkr.tags, Object.keys(tkr.targets!)]).toEqual(['t', ['kiln:tkr'], ['gen-bom', 'apply-tkr', 'verify']]);
    expect(tkr.targets!['gen-bom'].dependsOn).toEqual([{ target: 'upload', dependencies: true }]);
    expect(tkr.targets!['gen-bom'].configurations).toEqual({ plan: { plan: true, outputPath: 'dist/plan/tkrs/t/gen-bom' } });
    expect(tkr.targets!['apply-tkr'].options).toEqual({ outputPath: 'dist/applied/tkrs/t' });
    expect([cluster.name, cluster.tags, Object.keys(cluster.targets!)]).toEqual(['c', ['kiln:cluster'], ['gen-cluster-config', 'verify']]);
    expect(cluster.targets!['gen-cluster-config'].dependsOn).toEqual([
      { target: 'apply-tkr', dependencies: true },
      { target: 'upload', dependencies: true },
    ]);
  });

  it('gives tkr and cluster projects a verify target that depends on nothing and is never cached', async () => {
    const root = workspace({ 'tkrs/t/tkr.yaml': '', 'clusters/c/cluster.yaml': '' });
    const result = await nodes(root, ['tkrs/t/tkr.yaml', 'clusters/c/cluster.yaml']);
    const verify = (project: string) => {
      const { executor, cache, dependsOn, options, configurations } = result
        .flatMap(([, r]) => Object.values(r.projects!))
        .find((p) => p.root === project)!.targets!.verify!;
      return { executor, cache, dependsOn, options, configurations };
    };
    expect([verify('tkrs/t'), verify('clusters/c')]).toEqual([
      {
        executor: '@kiln/nx:verify',
        cache: false,
        dependsOn: undefined,
        options: { outputPath: 'dist/verify/tkrs/t' },
        configurations: { plan: { plan: true, outputPath: 'dist/plan/tkrs/t/verify' } },
      },
      {
        executor: '@kiln/nx:verify',
        cache: false,
        dependsOn: undefined,
        options: { outputPath: 'dist/verify/clusters/c' },
        configurations: { plan: { plan: true, outputPath: 'dist/plan/clusters/c/verify' } },
      },
    ]);
  });

  it('keys gen-bom and gen-cluster-config on their project, the specs they use, published.json and their own stage', async () => {
    const root = workspace({ 'tkrs/t/tkr.yaml': '', 'clusters/c/cluster.yaml': '' });
    const result = await nodes(root, ['tkrs/t/tkr.yaml', 'clusters/c/cluster.yaml']);
    const spec = [
      '{projectRoot}/**/*',
      { input: 'kilnSpec', dependencies: true },
      { dependentTasksOutputFiles: '**/published.json', transitive: true },
    ];
    expect(result[0][1].projects!['tkrs/t'].targets!['gen-bom'].inputs).toEqual([...spec, ...stageCode('genBomSource')]);
    expect(result[1][1].projects!['clusters/c'].targets!['gen-cluster-config'].inputs).toEqual([
      ...spec,
      ...stageCode('genClusterConfigSource'),
    ]);
  });

  it('normalises the plugin options once and hands each image target the settings it uses', async () => {
    const root = workspace({ 'images/a/image.yaml': '' });
    const raw = {
      configBundlesDir: 'vendor/bundles/',
      registry: 'registry.example.com/tkg',
      pullPolicy: 'Never',
      bundlePort: '8080',
      advertiseAddress: '192.0.2.10',
    };
    const [[, result]] = await nodes(root, ['images/a/image.yaml'], raw);
    const targets = result.projects!['images/a'].targets!;
    const image = { configBundlesDir: 'vendor/bundles', registry: 'registry.example.com/tkg' };
    const run = { ...image, pullPolicy: 'Never', bundlePort: 8080, advertiseAddress: '192.0.2.10' };
    expect(targets['render-config'].inputs).toContain('{workspaceRoot}/vendor/bundles/**/*');
    expect(targets['render-config'].options).toEqual({ outputPath: 'dist/images/a/config', ...image });
    expect(targets['pull-bundle'].options).toEqual({ configPath: 'dist/images/a/config', ...run });
    expect(targets.build.options).toEqual({ outputPath: 'dist/images/a/build', configPath: 'dist/images/a/config', ...run });
    expect(targets.upload.options).toEqual({ outputPath: 'dist/images/a/upload', configPath: 'dist/images/a/config', ...image });
  });

  it('stops the graph on a bad plugin option with its message and hint, naming nx.json', async () => {
    const root = workspace({ 'images/a/image.yaml': '' });
    await expect(nodes(root, ['images/a/image.yaml'], { pullPolicy: 'Sometimes' })).rejects.toThrow(
      'nx.json: plugin option pullPolicy must be one of IfNotPresent, Always, Never (got "Sometimes")\n  hint: fix or remove pullPolicy',
    );
  });
});

describe('createDependencies', () => {
  function context(root: string, projects: Record<string, Pick<ProjectConfiguration, 'root' | 'tags'>>): CreateDependenciesContext {
    return {
      projects,
      workspaceRoot: root,
      externalNodes: {},
      nxJsonConfiguration: {},
      fileMap: { projectFileMap: {}, nonProjectFiles: [] },
      filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
    } as unknown as CreateDependenciesContext;
  }
  const projects = {
    img1: { root: 'images/img1', tags: ['kiln:image'] },
    img2: { root: 'images/img2', tags: ['kiln:image'] },
    tk: { root: 'tkrs/tk', tags: ['kiln:tkr'] },
    c1: { root: 'clusters/c1', tags: ['kiln:cluster'] },
    c2: { root: 'clusters/c2', tags: ['kiln:cluster'] },
    lib: { root: 'libs/lib', tags: ['kiln:lib'] },
  };

  it('adds tkr → images and cluster → tkr/image edges, skipping unknown and wrong-kind references', async () => {
    const root = workspace({
      'tkrs/tk/tkr.yaml': 'images: [img1, img2, missing, lib]\n',
      'clusters/c1/cluster.yaml': 'tkr: tk\n',
      'clusters/c2/cluster.yaml': 'image: img2\n',
    });
    expect(await createDependencies(undefined, context(root, projects))).toEqual([
      { source: 'tk', target: 'img1', type: 'static', sourceFile: 'tkrs/tk/tkr.yaml' },
      { source: 'tk', target: 'img2', type: 'static', sourceFile: 'tkrs/tk/tkr.yaml' },
      { source: 'c1', target: 'tk', type: 'static', sourceFile: 'clusters/c1/cluster.yaml' },
      { source: 'c2', target: 'img2', type: 'static', sourceFile: 'clusters/c2/cluster.yaml' },
    ]);
  });

  it('an unparsable tkr.yaml adds no edges and breaks nothing else', async () => {
    const root = workspace({
      'tkrs/tk/tkr.yaml': 'images: [img1\n  - :',
      'clusters/c1/cluster.yaml': 'image: img1\n',
      'clusters/c2/cluster.yaml': '',
    });
    expect(await createDependencies(undefined, context(root, projects))).toEqual([
      { source: 'c1', target: 'img1', type: 'static', sourceFile: 'clusters/c1/cluster.yaml' },
    ]);
  });
});
