// Project names are folder names under images/, tkrs/ and clusters/: one name may be used by one folder only.
import { KilnError } from '@kiln/errors';

/** The folders that hold Kiln projects and the spec file each project folder has. */
export const PROJECT_KINDS = [
  { kind: 'image', dir: 'images', file: 'image.yaml' },
  { kind: 'tkr', dir: 'tkrs', file: 'tkr.yaml' },
  { kind: 'cluster', dir: 'clusters', file: 'cluster.yaml' },
] as const;

export type ProjectKind = (typeof PROJECT_KINDS)[number]['kind'];

/** images/x/image.yaml → x (undefined for any other path). */
export function projectNameOf(specFile: string): string | undefined {
  const m = /^(?:images|tkrs|clusters)\/([^/]+)\/(?:image|tkr|cluster)\.yaml$/.exec(specFile);
  return m?.[1];
}

/** One error per name that more than one spec file claims, naming every file (sorted, deterministic). */
export function projectNameClashes(specFiles: readonly string[]): KilnError[] {
  const byName = new Map<string, string[]>();
  for (const file of specFiles) {
    const name = projectNameOf(file);
    if (name === undefined) continue;
    byName.set(name, [...(byName.get(name) ?? []), file]);
  }
  const errors: KilnError[] = [];
  for (const name of [...byName.keys()].sort()) {
    const files = byName.get(name)!.sort();
    if (files.length < 2) continue;
    errors.push(
      new KilnError(
        'PROJECT_NAME_CLASH',
        `project name "${name}" is used by ${files.join(' and ')}; names must be unique across images/, tkrs/ and clusters/`,
        {
          file: files[1],
          hint: `rename one of the folders (e.g. ${files[1]!.split('/')[0]}/${name}-${files[1]!.split('/')[0]!.replace(/s$/, '')}) and update the tkr.yaml/cluster.yaml files that refer to it`,
        },
      ),
    );
  }
  return errors;
}
