// Kiln's Nx plugin: one project per images/*/image.yaml, tkrs/*/tkr.yaml and clusters/*/cluster.yaml.
// Kept cheap to load: no spec validation here (targets validate), YAML is parsed only for graph edges; the plugin
// options are checked and normalised once here and handed to the targets as executor options.
import type { CreateDependencies, CreateNodes, DependencyType, ProjectConfiguration, RawProjectGraphDependency } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatError } from '@kiln/errors';
import { projectNameClashes } from '@kiln/schema/src/project-name-clash';
import { normalizePluginOptions, type KilnPluginOptions, type KilnSettings } from '@kiln/steps/src/shared/workspace-settings';
import { buildTarget, pullBundleTarget, renderConfigTarget, uploadTarget } from './image-targets';
import { applyTkrTarget, genBomTarget, genClusterConfigTarget } from './tkr-cluster-targets';
import { verifyTarget } from './verify-target';

export type { KilnPluginOptions } from '@kiln/steps/src/shared/workspace-settings';
export { preTasksExecution } from './pre-tasks-execution';

const SPEC_GLOB = '{images/*/image.yaml,tkrs/*/tkr.yaml,clusters/*/cluster.yaml}';

type Kind = 'image' | 'tkr' | 'cluster';

function kindOf(file: string): Kind {
  return file.startsWith('images/') ? 'image' : file.startsWith('tkrs/') ? 'tkr' : 'cluster';
}

function projectFor(file: string, settings: KilnSettings): ProjectConfiguration {
  const root = file.slice(0, file.lastIndexOf('/'));
  const name = root.slice(root.indexOf('/') + 1);
  const kind = kindOf(file);
  const base = { root, name, tags: [`kiln:${kind}`], projectType: 'application' as const };
  if (kind === 'image') {
    return {
      ...base,
      metadata: { description: `Kiln image ${name}: render-config → pull-bundle → build → upload; verify` },
      targets: {
        'render-config': renderConfigTarget(name, settings),
        'pull-bundle': pullBundleTarget(name, settings),
        build: buildTarget(name, settings),
        upload: uploadTarget(name, settings),
        verify: verifyTarget(name, 'images'),
      },
    };
  }
  if (kind === 'tkr') {
    return {
      ...base,
      metadata: { description: `Kiln custom TKr ${name}: (images' upload) → gen-bom → apply-tkr; verify` },
      targets: { 'gen-bom': genBomTarget(name), 'apply-tkr': applyTkrTarget(name), verify: verifyTarget(name, 'tkrs') },
    };
  }
  return {
    ...base,
    metadata: { description: `Kiln cluster ${name}: (tkr's apply-tkr or image's upload) → gen-cluster-config; verify` },
    targets: { 'gen-cluster-config': genClusterConfigTarget(name), verify: verifyTarget(name, 'clusters') },
  };
}

/** The plugin options normalised; a bad one stops the graph with its message and hint (no stack trace). */
function settingsOf(options: KilnPluginOptions | undefined): KilnSettings {
  try {
    return normalizePluginOptions(options);
  } catch (error) {
    throw new Error(formatError(error), { cause: error });
  }
}

export const createNodes: CreateNodes<KilnPluginOptions> = [
  SPEC_GLOB,
  (files, rawOptions) => {
    const settings = settingsOf(rawOptions);
    const clashes = projectNameClashes(files);
    if (clashes.length > 0) throw new Error(clashes.map(formatError).join('\n'));
    return files.map((file) => {
      const project = projectFor(file, settings);
      return [file, { projects: { [project.root]: project } }] as const;
    });
  },
];

/** The projects a tkr.yaml or cluster.yaml refers to; unreadable files refer to nothing (their tasks report why). */
function references(workspaceRoot: string, file: string): string[] {
  let data: unknown;
  try {
    // Lazy: only graph construction with tkrs/clusters pays for the YAML parser.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy (see above)
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
