// Checks every generator runs before writing a new project folder: a valid, unused name across all kinds.
import { KilnError } from '@kiln/errors';
import { PROJECT_KINDS, type ProjectKind } from '@kiln/schema/src/project-name-clash';

/** What a generator may look at: an Nx Tree or the file system (kiln bom import). */
export interface WorkspaceView {
  exists(path: string): boolean;
  read(path: string): string | undefined;
  children(dir: string): string[];
}

export const PROJECT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function kindInfo(kind: ProjectKind) {
  return PROJECT_KINDS.find((k) => k.kind === kind)!;
}

/** The spec files of every project of the workspace (images/x/image.yaml, ...). */
export function existingSpecFiles(view: WorkspaceView): string[] {
  return PROJECT_KINDS.flatMap((k) =>
    view.exists(k.dir)
      ? view
          .children(k.dir)
          .map((n) => `${k.dir}/${n}/${k.file}`)
          .filter((f) => view.exists(f))
      : [],
  );
}

/** Throws unless `name` is a valid project name used by no project of any kind and by no folder of this kind. */
export function checkNewProjectName(view: WorkspaceView, kind: ProjectKind, name: string): void {
  const info = kindInfo(kind);
  if (!PROJECT_NAME.test(name) || name.length > 63) {
    throw new KilnError('GENERATOR_NAME_INVALID', `${JSON.stringify(name)} is not a valid ${kind} name`, {
      hint: `use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters (it becomes the folder ${info.dir}/<name>/ and the Nx project name)`,
    });
  }
  if (view.exists(`${info.dir}/${name}/${info.file}`)) {
    throw new KilnError('GENERATOR_EXISTS', `${info.dir}/${name}/${info.file} already exists; nothing was written`, {
      file: `${info.dir}/${name}/${info.file}`,
      hint: `pick another name, or edit ${info.dir}/${name}/${info.file} by hand`,
    });
  }
  checkNameFreeAcrossKinds(view, kind, name);
}

/** Throws when a project of another kind already has `name` (images/x and clusters/x would collide in Nx). */
export function checkNameFreeAcrossKinds(view: WorkspaceView, kind: ProjectKind, name: string): void {
  const other = existingSpecFiles(view).find((f) => f.split('/')[1] === name && !f.startsWith(`${kindInfo(kind).dir}/`));
  if (other) {
    throw new KilnError(
      'PROJECT_NAME_CLASH',
      `the name "${name}" is already used by ${other}; project names must be unique across images/, tkrs/ and clusters/; nothing was written`,
      {
        file: other,
        hint: `pick another name, e.g. ${name}-${kind}`,
      },
    );
  }
}
