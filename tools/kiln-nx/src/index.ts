// Kiln's Nx plugin: one project per images/*/image.yaml, tkrs/*/tkr.yaml and clusters/*/cluster.yaml.
// Kept cheap to load: no validation here (targets validate), YAML is parsed only for graph edges.
import type { CreateDependencies, CreateNodes, DependencyType, ProjectConfiguration, RawProjectGraphDependency } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatError } from '@kiln/errors';
import { projectNameClashes } from '@kiln/schema/src/project-name-clash';
import { buildTarget, pullBundleTarget, renderConfigTarget, uploadTarget } from './image-targets';
import { normalizePluginOptions, type KilnPluginOptions } from './plugin-options';
import { applyTkrTarget, genBomTarget, genClusterConfigTarget } from './tkr-cluster-targets';

export type { KilnPluginOptions } from './plugin-options';
export { preTasksExecution } from './plan-batch';

const SPEC_GLOB = '{images/*/image.yaml,tkrs/*/tkr.yaml,clusters/*/cluster.yaml}';

type Kind = 'image' | 'tkr' | 'cluster';

function kindOf(file: string): Kind {
  return file.startsWith('images/') ? 'image' : file.startsWith('tkrs/') ? 'tkr' : 'cluster';
}

function projectFor(file: string, options: ReturnType<typeof normalizePluginOptions>): ProjectConfiguration {
  const root = file.slice(0, file.lastIndexOf('/'));
  const name = root.slice(root.indexOf('/') + 1);
  const kind = kindOf(file);
  const base = { root, name, tags: [`kiln:${kind}`], projectType: 'application' as const };
  if (kind === 'image') {
    return {
      ...base,
      metadata: { description: `Kiln image ${name}: render-config → pull-bundle → build → upload` },
      targets: {
        'render-config': renderConfigTarget(name, options),
        'pull-bundle': pullBundleTarget(name),
        build: buildTarget(name),
        upload: uploadTarget(name),
      },
    };
  }
  if (kind === 'tkr') {
    return {
      ...base,
      metadata: { description: `Kiln custom TKr ${name}: (images' upload) → gen-bom → apply-tkr` },
      targets: { 'gen-bom': genBomTarget(name), 'apply-tkr': applyTkrTarget(name) },
    };
  }
  return {
    ...base,
    metadata: { description: `Kiln cluster ${name}: (tkr's apply-tkr or image's upload) → gen-cluster-config` },
    targets: { 'gen-cluster-config': genClusterConfigTarget(name) },
  };
}

export const createNodes: CreateNodes<KilnPluginOptions> = [
  SPEC_GLOB,
  (files, rawOptions) => {
    const options = normalizePluginOptions(rawOptions);
    const clashes = projectNameClashes(files);
    if (clashes.length > 0) throw new Error(clashes.map(formatError).join('\n'));
    return files.map((file) => {
      const project = projectFor(file, options);
      return [file, { projects: { [project.root]: project } }] as const;
    });
  },
];

/** The projects a tkr.yaml or cluster.yaml refers to; unreadable files refer to nothing (their tasks report why). */
function references(workspaceRoot: string, file: string): string[] {
  let data: unknown;
  try {
    // Lazy: only graph construction with tkrs/clusters pays for the YAML parser.
    data = (require('yaml') as typeof import('yaml')).parse(readFileSync(join(workspaceRoot, file), 'utf8'));
  } catch {
    return [];
  }
  if (!data || typeof data !== 'object') return [];
  const d = data as Record<string, unknown>;
  if (file.startsWith('tkrs/')) return Array.isArray(d.images) ? d.images.filter((x): x is string => typeof x === 'string') : [];
  return [d.tkr, d.image].filter((x): x is string => typeof x === 'string');
}

export const createDependencies: CreateDependencies<KilnPluginOptions> = (_options, context) => {
  const deps: RawProjectGraphDependency[] = [];
  for (const [source, project] of Object.entries(context.projects)) {
    const kind = project.tags?.find((t) => t.startsWith('kiln:'));
    if (kind !== 'kiln:tkr' && kind !== 'kiln:cluster') continue;
    const file = `${project.root}/${kind === 'kiln:tkr' ? 'tkr.yaml' : 'cluster.yaml'}`;
    for (const target of references(context.workspaceRoot, file)) {
      const wanted = kind === 'kiln:tkr' ? ['kiln:image'] : ['kiln:tkr', 'kiln:image'];
      if (target === source || !context.projects[target]?.tags?.some((t) => wanted.includes(t))) continue;
      deps.push({ source, target, type: 'static' as DependencyType.static, sourceFile: file });
    }
  }
  return deps;
};
