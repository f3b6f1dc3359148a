import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CreateDependenciesContext, ProjectConfiguration } from '@nx/devkit';
import { createDependencies, createNodes } from './index';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kiln-nx-plugin-'));
  roots.push(root);
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

const RENDERER_INPUTS = [
  '{workspaceRoot}/libs/catalog/data/releases.yaml',
  '{workspaceRoot}/images/_bundles/**/*',
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
              metadata: { description: 'Kiln image ubuntu: render-config → pull-bundle → build → upload' },
              targets: {
                'render-config': {
                  executor: '@kiln/nx:render-config',
                  cache: true,
                  continuous: false,
                  inputs: ['{projectRoot}/image.yaml', ...RENDERER_INPUTS],
                  outputs: ['{options.outputPath}'],
                  options: { outputPath: 'dist/images/ubuntu/config' },
                  configurations: { plan: { plan: true, outputPath: 'dist/plan/images/ubuntu/config' } },
                  metadata: { description: expect.stringContaining('Validate image.yaml') },
                },
                'pull-bundle': {
                  executor: '@kiln/nx:pull-bundle',
                  cache: false,
                  continuous: false,
                  dependsOn: ['render-config'],
                  options: { configPath: 'dist/images/ubuntu/config' },
                  configurations: { plan: { plan: true, outputPath: 'dist/plan/images/ubuntu/pull-bundle', configPath: 'dist/plan/images/ubuntu/config' } },
                  metadata: { description: expect.stringContaining('resource-bundle') },
                },
                build: {
                  executor: '@kiln/nx:build',
                  cache: true,
                  continuous: false,
                  dependsOn: ['render-config'],
                  inputs: [{ dependentTasksOutputFiles: '**/*', transitive: false }],
                  outputs: ['{options.outputPath}'],
                  options: { outputPath: 'dist/images/ubuntu/build', configPath: 'dist/images/ubuntu/config' },
                  configurations: { plan: { plan: true, outputPath: 'dist/plan/images/ubuntu/build', configPath: 'dist/plan/images/ubuntu/config' } },
                  metadata: { description: expect.stringContaining('image-builder') },
                },
                upload: {
                  executor: '@kiln/nx:upload',
                  cache: false,
                  continuous: false,
                  dependsOn: ['build'],
                  outputs: ['{options.outputPath}'],
                  options: { outputPath: 'dist/images/ubuntu/upload', configPath: 'dist/images/ubuntu/config' },
                  configurations: { plan: { plan: true, outputPath: 'dist/plan/images/ubuntu/upload', configPath: 'dist/plan/images/ubuntu/config' } },
                  metadata: { description: expect.stringContaining('published.json') },
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
    expect(Object.keys(result.projects!['images/broken'].targets!)).toEqual(['render-config', 'pull-bundle', 'build', 'upload']);
  });

  it('infers tkr and cluster projects with their targets and plan outputs', async () => {
    const root = workspace({ 'tkrs/t/tkr.yaml': '', 'clusters/c/cluster.yaml': '' });
    const result = await nodes(root, ['tkrs/t/tkr.yaml', 'clusters/c/cluster.yaml']);
    const tkr = result[0][1].projects!['tkrs/t'];
    const cluster = result[1][1].projects!['clusters/c'];
    expect([tkr.name, tkr.tags, Object.keys(tkr.targets!)]).toEqual(['t', ['kiln:tkr'], ['gen-bom', 'apply-tkr']]);
    expect(tkr.targets!['gen-bom'].dependsOn).toEqual([{ target: 'upload', dependencies: true }]);
    expect(tkr.targets!['gen-bom'].configurations).toEqual({ plan: { plan: true, outputPath: 'dist/plan/tkrs/t/gen-bom' } });
    expect(tkr.targets!['apply-tkr'].options).toEqual({ outputPath: 'dist/applied/tkrs/t' });
    expect([cluster.name, cluster.tags, Object.keys(cluster.targets!)]).toEqual(['c', ['kiln:cluster'], ['gen-cluster-config']]);
    expect(cluster.targets!['gen-cluster-config'].dependsOn).toEqual([
      { target: 'apply-tkr', dependencies: true },
      { target: 'upload', dependencies: true },
    ]);
  });

  it('normalises plugin options once: config bundles folder and registry reach the render-config target', async () => {
    const root = workspace({ 'images/a/image.yaml': '' });
    const [[, result]] = await nodes(root, ['images/a/image.yaml'], { configBundlesDir: 'vendor/bundles/', registry: 'registry.example.com/tkg' });
    const target = result.projects!['images/a'].targets!['render-config'];
    expect(target.inputs).toContain('{workspaceRoot}/vendor/bundles/**/*');
    expect(target.options).toEqual({ outputPath: 'dist/images/a/config', registry: 'registry.example.com/tkg' });
  });
});

describe('createDependencies', () => {
  function context(root: string, projects: Record<string, Pick<ProjectConfiguration, 'root' | 'tags'>>): CreateDependenciesContext {
    return { projects, workspaceRoot: root, externalNodes: {}, nxJsonConfiguration: {}, fileMap: { projectFileMap: {}, nonProjectFiles: [] }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } } as unknown as CreateDependenciesContext;
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
    const root = workspace({ 'tkrs/tk/tkr.yaml': 'images: [img1\n  - :', 'clusters/c1/cluster.yaml': 'image: img1\n', 'clusters/c2/cluster.yaml': '' });
    expect(await createDependencies(undefined, context(root, projects))).toEqual([
      { source: 'c1', target: 'img1', type: 'static', sourceFile: 'clusters/c1/cluster.yaml' },
    ]);
  });
});
