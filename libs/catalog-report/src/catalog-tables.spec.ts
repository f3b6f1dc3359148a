import { describe, expect, it } from 'vitest';
import { FIXTURE_REPORT } from '../test/fixture-report';
import { catalogSummary, catalogTables, IMAGE_COLUMNS } from './catalog-tables';

const [images, tkrs, clusters] = catalogTables(FIXTURE_REPORT);
const row = (name: string) => images!.rows.find((r) => r.cells.image!.text === name)!.cells;

describe('catalogTables', () => {
  it('has the images, tkrs and clusters tables, one row per entry, in report order', () => {
    expect([images, tkrs, clusters].map((t) => [t!.id, t!.rows.map((r) => r.cells[t!.columns[0]!.key]!.text)])).toEqual([
      ['images', FIXTURE_REPORT.images.map((i) => i.name)],
      ['tkrs', ['custom-v1-26-5']],
      ['clusters', ['workload-vsphere', 'workload-vsphere-template']],
    ]);
  });

  it('offers a select filter for infra, OS, Kubernetes, TKG and freshness, free text for the other image columns', () => {
    expect(IMAGE_COLUMNS.filter((c) => c.filter === 'select').map((c) => c.key)).toEqual(['infra', 'os', 'kubernetes', 'tkg', 'freshness']);
  });

  it('shows the age short, sorts it by milliseconds and colours it by freshness', () => {
    expect([row('ubuntu-2004-vsphere-class').age, row('ubuntu-2004-aws-cis').age!.tone]).toEqual([
      {
        text: '12d',
        sort: FIXTURE_REPORT.images[2]!.build!.ageMs,
        title: 'built 2026-02-17T09:30:00.000Z, fresh until 2026-03-19T09:30:00.000Z (refresh 30d)',
        tone: 'fresh',
      },
      'stale',
    ]);
  });

  it('leaves the age of a never built image empty, with no sort value (it sorts last)', () => {
    expect(row('ubuntu-2004-vsphere-gpu').age).toEqual({ text: '', tone: 'never-built' });
  });

  it('sorts freshness in the order fresh, stale, never built, revoked', () => {
    expect(
      ['ubuntu-2004-azure-fips', 'ubuntu-2004-aws-cis', 'ubuntu-2004-vsphere-gpu', 'ubuntu-2004-vsphere-plan'].map(
        (n) => row(n).freshness!.sort,
      ),
    ).toEqual([0, 1, 2, 3]);
  });

  it('shows AWS regions with their AMI ids, Azure regions alone (the SIG version is in the template column)', () => {
    expect([
      row('ubuntu-2004-aws-cis').published!.text,
      row('ubuntu-2004-azure-fips').published!.text,
      row('ubuntu-2004-azure-fips').template!.text,
    ]).toEqual([
      'us-east-1 ami-0f00000000000000a, us-west-2 ami-0f00000000000000b',
      'northeurope, westeurope',
      'tkg_gallery/capi-ubuntu-2004/0.0.3',
    ]);
  });

  it('shows the vSphere template name, with its inventory path as the title', () => {
    expect(row('ubuntu-2004-vsphere-class').template).toEqual({
      text: 'ubuntu-2004-kube-v1.26.5-class',
      title: '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class',
    });
  });

  it('shortens the content key and commit to 12 characters, the full value as the title, a dirty tree marked', () => {
    expect([row('ubuntu-2004-aws-cis').contentKey!.text, row('ubuntu-2004-azure-fips').commit]).toEqual([
      'aaaaaaaaaaaa',
      {
        text: '3f2c1a9b8e7d (dirty)',
        title: '3f2c1a9b8e7d6c5b4a39281706f5e4d3c2b1a098 (dirty)',
        sort: '3f2c1a9b8e7d6c5b4a39281706f5e4d3c2b1a098',
      },
    ]);
  });

  it("names a tkr's or cluster's images with their freshness, each entry coloured by it", () => {
    expect([tkrs!.rows[0]!.cells.images, clusters!.rows[1]!.cells.images]).toEqual([
      {
        text: 'ubuntu-2004-aws-cis (stale), ubuntu-2004-azure-fips (fresh), ubuntu-2004-vsphere-class (fresh)',
        items: [
          { text: 'ubuntu-2004-aws-cis', title: 'stale', tone: 'stale' },
          { text: 'ubuntu-2004-azure-fips', title: 'fresh', tone: 'fresh' },
          { text: 'ubuntu-2004-vsphere-class', title: 'fresh', tone: 'fresh' },
        ],
      },
      { text: 'ubuntu-2004-vsphere-plan (revoked)', items: [{ text: 'ubuntu-2004-vsphere-plan', title: 'revoked', tone: 'revoked' }] },
    ]);
  });
});

describe('catalogSummary', () => {
  it('counts images per freshness (only the states present), tkrs and clusters', () => {
    expect(catalogSummary({ ...FIXTURE_REPORT, images: FIXTURE_REPORT.images.slice(0, 2), tkrs: [] })).toBe(
      '2 images: 1 fresh, 1 stale; 0 tkrs; 2 clusters',
    );
  });
});
