// nx g @kiln/nx:tkr <name>: writes tkrs/<name>/tkr.yaml (and copies the base BoM with --bomFrom), or refuses and writes nothing.
import { basename } from 'node:path';
import type { Tree } from '@nx/devkit';
import { KilnError } from '@kiln/errors';
import { bomReleaseVersion } from '@kiln/render';
import { loadImageSpec, loadTkrSpec } from '@kiln/schema';
import { readCatalog, refused } from '../image/generator';
import { checkNewProjectName, existingSpecFiles, type WorkspaceView } from '../new-project-checks';
import { tkrYaml } from '../spec-text';
import { treeView } from '../tree-view';
import { writeGenerated } from '../write-generated';

export interface TkrGeneratorSchema {
  name: string;
  bom?: string;
  /** Workspace-relative BoM file copied into tkrs/<name>/. */
  bomFrom?: string;
  suffix: string;
  images: string;
  context: string;
  namespace?: string;
}

function chooseBom(view: WorkspaceView, o: TkrGeneratorSchema): { file: string; text: string; copy: boolean } {
  if (o.bomFrom !== undefined) {
    const text = view.read(o.bomFrom);
    if (text === undefined)
      throw new KilnError('BOM_NOT_FOUND', `--bomFrom ${o.bomFrom} does not exist; nothing was written`, {
        hint: 'give a workspace-relative path of a TKr BoM, or copy one with npx kiln bom import',
      });
    return { file: basename(o.bomFrom), text, copy: true };
  }
  const dir = `tkrs/${o.name}`;
  const candidates =
    o.bom !== undefined ? [o.bom] : view.exists(dir) ? view.children(dir).filter((f) => /^tkr-bom-.+\.ya?ml$/.test(f)) : [];
  if (candidates.length !== 1 || !view.exists(`${dir}/${candidates[0]}`)) {
    throw new KilnError('BOM_NOT_FOUND', `no single base BoM ${o.bom ?? 'tkr-bom-*.yaml'} in ${dir}/; nothing was written`, {
      hint: `copy one first (npx kiln bom import ${o.name} --version <release.version>) or pass --bomFrom <workspace path of a BoM>`,
    });
  }
  return { file: candidates[0]!, text: view.read(`${dir}/${candidates[0]}`)!, copy: false };
}

export function renderTkrProject(view: WorkspaceView, o: TkrGeneratorSchema): Record<string, string> {
  checkNewProjectName(view, 'tkr', o.name);
  const images = o.images
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Set(
    existingSpecFiles(view)
      .filter((f) => f.startsWith('images/'))
      .map((f) => f.split('/')[1]),
  );
  const unknown = images.filter((i) => !known.has(i));
  if (unknown.length > 0) {
    throw new KilnError('GENERATOR_REFUSED', `--images names no image project: ${unknown.join(', ')}; nothing was written`, {
      hint: `image projects: ${[...known].join(', ') || '(none yet: nx g @kiln/nx:image)'}`,
    });
  }
  // Every listed image must itself be valid (gen-bom would refuse it).
  const catalog = readCatalog(view);
  for (const image of images) {
    const file = `images/${image}/image.yaml`;
    try {
      loadImageSpec(file, view.read(file)!, catalog);
    } catch (e) {
      throw refused(`tkrs/${o.name}/tkr.yaml (${file} is invalid)`, e);
    }
  }
  const bom = chooseBom(view, o);
  const version = bomReleaseVersion(bom.text, bom.file);
  const file = `tkrs/${o.name}/tkr.yaml`;
  const text = tkrYaml({ bom: bom.file, version, suffix: o.suffix, images, context: o.context, namespace: o.namespace });
  try {
    loadTkrSpec(file, text);
  } catch (e) {
    throw refused(file, e);
  }
  return { [file]: text, ...(bom.copy ? { [`tkrs/${o.name}/${bom.file}`]: bom.text } : {}) };
}

export default async function tkrGenerator(tree: Tree, options: TkrGeneratorSchema): Promise<void> {
  writeGenerated(tree, () => renderTkrProject(treeView(tree), options));
}
