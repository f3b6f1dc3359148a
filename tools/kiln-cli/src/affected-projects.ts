// Which images, tkrs and clusters a change rebuilds, and why: a pure comparison of the two sides' snapshots.
// An image is rebuilt when it is new or its rendered config changed (build is keyed on the rendered bytes);
// tkrs and clusters when their folder or rendered output changed, or when something they use is rebuilt.
import { configBundleDir } from '@kiln/catalog';
import type { ProjectKind } from '@kiln/schema';
import { releaseOf, type ProjectSnapshot, type Snapshot } from './workspace-snapshot';

export interface AffectedProject {
  kind: ProjectKind;
  name: string;
  status: 'new' | 'changed';
  reasons: string[];
  base?: ProjectSnapshot;
  head: ProjectSnapshot;
}

export interface Affected {
  images: AffectedProject[];
  tkrs: AffectedProject[];
  clusters: AffectedProject[];
  /** Projects of the head side that are not rebuilt, per kind. */
  unchanged: Record<ProjectKind, string[]>;
  /** Folders that changed but whose rendered output did not (nothing to rebuild). */
  changedNotRebuilt: string[];
  removed: string[];
}

const same = (a: Record<string, string> | undefined, b: Record<string, string>) => JSON.stringify(a ?? null) === JSON.stringify(b);
const stable = (v: unknown) => JSON.stringify(v ?? null);

function folderChanges(p: ProjectSnapshot, changed: string[]): string[] {
  const dir = `${p.kind === 'image' ? 'images' : p.kind === 'tkr' ? 'tkrs' : 'clusters'}/${p.name}/`;
  return changed.filter((f) => f.startsWith(dir));
}

/** Shared inputs of an image that changed: its catalog release entry, its config bundle. */
function sharedReasons(head: Snapshot, base: Snapshot, p: ProjectSnapshot, changed: string[]): string[] {
  const out: string[] = [];
  const hr = releaseOf(head, p.release);
  const br = releaseOf(base, p.release);
  if (hr && stable(hr) !== stable(br)) out.push(`catalog release ${p.release} changed (libs/catalog/data/releases.yaml)`);
  if (hr) {
    const dir = configBundleDir(hr, head.settings.configBundlesDir);
    const files = changed.filter((f) => f.startsWith(`${dir}/`));
    if (files.length > 0) out.push(`config bundle ${dir.split('/').pop()} changed (${files.length} file${files.length === 1 ? '' : 's'})`);
  }
  return out;
}

export function affectedProjects(base: Snapshot, head: Snapshot, changed: string[]): Affected {
  const result: Affected = {
    images: [],
    tkrs: [],
    clusters: [],
    unchanged: { image: [], tkr: [], cluster: [] },
    changedNotRebuilt: [],
    removed: [],
  };
  const rebuilt = new Set<string>();
  const order: ProjectKind[] = ['image', 'tkr', 'cluster'];
  for (const kind of order) {
    for (const p of [...head.projects.values()].filter((x) => x.kind === kind)) {
      const b = base.projects.get(p.name);
      const prior = b && b.kind === kind ? b : undefined;
      const folder = folderChanges(p, changed);
      const reasons: string[] = [];
      const renderedChanged = !prior || !same(prior.rendered, p.rendered) || prior.error !== p.error;
      if (!prior) reasons.push(`new ${kind} (${folder.length > 0 ? folder.join(', ') : 'folder'} added)`);
      else if (folder.length > 0) reasons.push(`${folder.join(', ')} changed`);
      if (prior && kind === 'image') reasons.push(...sharedReasons(head, base, p, changed));
      const uses = p.refs.filter((r) => rebuilt.has(r));
      for (const k of order) {
        const named = uses.filter((u) => head.projects.get(u)?.kind === k);
        if (named.length > 0) reasons.push(`uses rebuilt ${k}${named.length > 1 ? 's' : ''} ${named.join(', ')}`);
      }
      const affected = !prior || renderedChanged || (kind !== 'image' && (folder.length > 0 || uses.length > 0));
      if (!affected) {
        result.unchanged[kind].push(p.name);
        if (folder.length > 0 || reasons.length > 0)
          result.changedNotRebuilt.push(`${p.name}: ${reasons.join('; ')}; rendered output unchanged`);
        continue;
      }
      if (reasons.length === 0) reasons.push('rendered output changed (Kiln source changed)');
      rebuilt.add(p.name);
      const entry: AffectedProject = { kind, name: p.name, status: prior ? 'changed' : 'new', reasons, base: prior, head: p };
      (kind === 'image' ? result.images : kind === 'tkr' ? result.tkrs : result.clusters).push(entry);
    }
  }
  result.removed = [...base.projects.keys()].filter((n) => !head.projects.has(n)).sort();
  return result;
}
