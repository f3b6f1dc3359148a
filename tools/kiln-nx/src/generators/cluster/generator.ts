// nx g @kiln/nx:cluster <name>: writes clusters/<name>/cluster.yaml (and copies the base config with --baseFrom), or refuses.
import type { Tree } from '@nx/devkit';
import { KilnError } from '@kiln/errors';
import { loadClusterSpec } from '@kiln/schema';
import { refused } from '../image/generator';
import { checkNewProjectName, existingSpecFiles, type WorkspaceView } from '../new-project-checks';
import { clusterYaml } from '../spec-text';
import { treeView } from '../tree-view';
import { writeGenerated } from '../write-generated';

export interface ClusterGeneratorSchema {
  name: string;
  clusterName?: string;
  tkr?: string;
  image?: string;
  base?: string;
  baseFrom?: string;
  kind?: 'workload' | 'management';
}

export function renderClusterProject(view: WorkspaceView, o: ClusterGeneratorSchema): Record<string, string> {
  checkNewProjectName(view, 'cluster', o.name);
  if ((o.tkr === undefined) === (o.image === undefined)) {
    throw new KilnError('GENERATOR_REFUSED', 'give exactly one of --tkr <tkr project> or --image <image project>; nothing was written', {
      hint: 'a cluster uses a custom TKr, or an image directly',
    });
  }
  const specs = existingSpecFiles(view);
  const ref = o.tkr !== undefined ? { dir: 'tkrs', name: o.tkr, flag: '--tkr' } : { dir: 'images', name: o.image!, flag: '--image' };
  if (!specs.some((f) => f.startsWith(`${ref.dir}/${ref.name}/`))) {
    const known = specs.filter((f) => f.startsWith(`${ref.dir}/`)).map((f) => f.split('/')[1]);
    throw new KilnError('GENERATOR_REFUSED', `${ref.flag} ${ref.name}: there is no ${ref.dir}/${ref.name}/; nothing was written`, {
      hint: `known: ${known.join(', ') || '(none)'}`,
    });
  }
  const base = o.base ?? 'mgmt-cluster-config.yaml';
  const files: Record<string, string> = {};
  const dir = `clusters/${o.name}`;
  if (o.baseFrom !== undefined) {
    const text = view.read(o.baseFrom);
    if (text === undefined)
      throw new KilnError('GENERATOR_REFUSED', `--baseFrom ${o.baseFrom} does not exist; nothing was written`, {
        hint: "give a workspace-relative path of the management cluster's config file",
      });
    files[`${dir}/${base}`] = text;
  } else if (!view.exists(`${dir}/${base}`)) {
    throw new KilnError('GENERATOR_REFUSED', `${dir}/${base} does not exist; nothing was written`, {
      hint: "pass --baseFrom <workspace path of the management cluster's flat config> (e.g. clusters/<other>/mgmt-cluster-config.yaml) or copy it there first",
    });
  }
  const file = `${dir}/cluster.yaml`;
  const text = clusterYaml({ base, clusterName: o.clusterName ?? o.name, tkr: o.tkr, image: o.image, kind: o.kind });
  try {
    loadClusterSpec(file, text);
  } catch (e) {
    throw refused(file, e);
  }
  return { [file]: text, ...files };
}

export default async function clusterGenerator(tree: Tree, options: ClusterGeneratorSchema): Promise<void> {
  writeGenerated(tree, () => renderClusterProject(treeView(tree), options));
}
