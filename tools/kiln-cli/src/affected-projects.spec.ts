import { describe, expect, it } from 'vitest';
import type { Catalog } from '@kiln/catalog';
import { normalizePluginOptions } from '@kiln/steps';
import { affectedProjects } from './affected-projects';
import type { ProjectSnapshot, Snapshot } from './workspace-snapshot';

const release = (builder: string) => ({ images: { builder, bundle: 'b' }, configBundle: 'BUNDLE-1', targets: {} });

function snapshot(builder: string, projects: Partial<ProjectSnapshot>[]): Snapshot {
  const map = new Map<string, ProjectSnapshot>();
  for (const p of projects) map.set(p.name!, { sources: {}, rendered: {}, refs: [], ...p } as ProjectSnapshot);
  return {
    catalog: { releases: { 'v2.3.0': release(builder) } } as unknown as Catalog,
    settings: normalizePluginOptions({}),
    projects: map,
  };
}

const image = (name: string, rendered: string): Partial<ProjectSnapshot> => ({
  kind: 'image',
  name,
  release: 'v2.3.0',
  rendered: { 'build-plan.json': rendered },
});

describe('affectedProjects', () => {
  it('rebuilds an image only when it is new or its rendered config changed, and says why', () => {
    const base = snapshot('ib:1', [image('a', 'A'), image('b', 'B'), image('c', 'C')]);
    const head = snapshot('ib:1', [image('a', 'A'), image('b', 'B2'), image('c', 'C'), image('d', 'D')]);
    const r = affectedProjects(base, head, ['images/a/image.yaml', 'images/b/image.yaml', 'images/d/image.yaml']);
    expect(r.images.map((i) => [i.name, i.status, i.reasons])).toEqual([
      ['b', 'changed', ['images/b/image.yaml changed']],
      ['d', 'new', ['new image (images/d/image.yaml added)']],
    ]);
    expect(r.unchanged.image).toEqual(['a', 'c']);
    expect(r.changedNotRebuilt).toEqual(['a: images/a/image.yaml changed; rendered output unchanged']);
  });

  it('names a shared input (catalog release, config bundle) and carries rebuilds to tkrs and clusters', () => {
    const base = snapshot('ib:1', [
      image('a', 'A'),
      image('b', 'B'),
      { kind: 'tkr', name: 't', refs: ['a'] },
      { kind: 'cluster', name: 'c1', refs: ['t'] },
      { kind: 'cluster', name: 'c2', refs: ['b'] },
    ]);
    const head = snapshot('ib:2', [
      image('a', 'A2'),
      image('b', 'B'),
      { kind: 'tkr', name: 't', refs: ['a'] },
      { kind: 'cluster', name: 'c1', refs: ['t'] },
      { kind: 'cluster', name: 'c2', refs: ['b'] },
    ]);
    const r = affectedProjects(base, head, ['libs/catalog/data/releases.yaml', 'images/_bundles/BUNDLE-1/tkg.json']);
    // b renders the same bytes (e.g. the changed pin is not one b uses): not rebuilt, but listed with the reasons.
    expect(r.images.map((i) => [i.name, i.reasons])).toEqual([
      ['a', ['catalog release v2.3.0 changed (libs/catalog/data/releases.yaml)', 'config bundle BUNDLE-1 changed (1 file)']],
    ]);
    expect(r.tkrs.map((t) => [t.name, t.reasons])).toEqual([['t', ['uses rebuilt image a']]]);
    expect(r.clusters.map((c) => [c.name, c.reasons])).toEqual([['c1', ['uses rebuilt tkr t']]]);
    expect(r.unchanged).toEqual({ image: ['b'], tkr: [], cluster: ['c2'] });
  });

  it('counts removed projects and never rebuilds them', () => {
    const r = affectedProjects(snapshot('ib:1', [image('a', 'A'), image('gone', 'G')]), snapshot('ib:1', [image('a', 'A')]), [
      'images/gone/image.yaml',
    ]);
    expect(r.images).toEqual([]);
    expect(r.removed).toEqual(['gone']);
  });
});
