import { describe, expect, it } from 'vitest';
import { getRelease, loadCatalog } from '@kiln/catalog';
import type { KilnImage } from '@kiln/schema';
import { catalogImage, type CatalogImageInput } from './catalog-image';
import type { ImageRecords } from './image-records';

const NOW = Date.parse('2026-03-01T00:00:00Z');
const DAY = 86_400_000;
const RELEASE = getRelease(loadCatalog(), 'v2.3.0')!;
const KEY = 'c'.repeat(64);

const VSPHERE: KilnImage = {
  infra: 'vsphere',
  os: 'ubuntu-2004',
  release: 'v2.3.0',
  vsphere: { clusterType: 'plan', version: 'v1.26.5+vmware.1-myorg.0' },
  upload: {
    vsphere: {
      datacenter: '/dc0',
      cluster: 'c0',
      folder: '/dc0/vm/t',
      datastore: 'ds',
      resourcePool: '/dc0/host/c0/Resources',
      templateName: 'tpl',
    },
  },
};
const AWS: KilnImage = {
  infra: 'aws',
  os: 'ubuntu-2004',
  release: 'v2.3.0',
  hardening: { stig: {} },
  upload: { aws: { region: 'us-east-1', copyToRegions: ['us-west-2'] } },
};
const AZURE: KilnImage = {
  infra: 'azure',
  os: 'ubuntu-2004',
  release: 'v2.3.0',
  fips: true,
  proxy: { http: 'http://proxy:80' },
  upload: {
    azure: { subscriptionId: 's', resourceGroup: 'rg', gallery: 'g', location: 'westeurope', replicationRegions: ['northeurope'] },
  },
};

const built = (daysAgo: number, refresh = '30d'): ImageRecords => {
  const at = NOW - daysAgo * DAY;
  return {
    artifact: { image: 'img', contentKey: KEY, builtAt: new Date(at).toISOString() },
    freshness: { builtAt: new Date(at).toISOString(), expiresAt: new Date(at + 30 * DAY).toISOString(), refresh },
    notes: [],
  };
};

function entry(over: Partial<CatalogImageInput> = {}) {
  return catalogImage({
    name: 'img',
    spec: VSPHERE,
    tkg: 'v2.3.0',
    release: RELEASE,
    records: { notes: [] },
    now: NOW,
    usedBy: { tkrs: [], clusters: [] },
    ...over,
  });
}

describe('catalogImage: freshness', () => {
  it('is never built without a build record', () => {
    expect([entry().freshness, entry().build]).toEqual(['never built', undefined]);
  });

  it('is fresh before the recorded expiry', () => {
    expect(entry({ records: built(12) }).freshness).toBe('fresh');
  });

  it('is stale from the recorded expiry on', () => {
    expect([entry({ records: built(30) }).freshness, entry({ records: built(31) }).freshness]).toEqual(['stale', 'stale']);
  });

  it('is revoked once a revocation is in force, whatever the build', () => {
    const revoked = { ...VSPHERE, revoked: { reason: 'CVE', at: '2026-02-01' } };
    expect([entry({ spec: revoked, records: built(1) }).freshness, entry({ spec: revoked }).freshness]).toEqual(['revoked', 'revoked']);
  });

  it('notes a revocation in force with its date and reason', () => {
    expect(entry({ spec: { ...VSPHERE, revoked: { reason: 'CVE', at: '2026-02-01' } } }).notes).toEqual(['revoked 2026-02-01: CVE']);
  });

  it('is not revoked before a future revocation date, and notes it', () => {
    const e = entry({ spec: { ...VSPHERE, revoked: { reason: 'EOL', at: '2026-04-01' } }, records: built(1) });
    expect([e.freshness, e.notes]).toEqual(['fresh', ['to be revoked 2026-04-01: EOL']]);
  });
});

describe('catalogImage: build', () => {
  it('takes the build time from freshness.json and the age from the clock', () => {
    expect(entry({ records: built(12) }).build).toEqual({
      builtAt: '2026-02-17T00:00:00.000Z',
      expiresAt: '2026-03-19T00:00:00.000Z',
      ageMs: 12 * DAY,
      age: '12d',
    });
  });

  it('without freshness.json, takes artifact.json builtAt and expires it after the refresh of image.yaml', () => {
    const e = entry({ spec: { ...VSPHERE, refresh: '12h' }, records: { artifact: { builtAt: '2026-02-28T06:00:00.000Z' }, notes: [] } });
    expect([e.build?.expiresAt, e.freshness]).toEqual(['2026-02-28T18:00:00.000Z', 'stale']);
  });

  it('treats a build time that is not a time as never built, with a note', () => {
    const e = entry({ records: { artifact: { builtAt: 'yesterday' }, notes: [] } });
    expect([e.freshness, e.notes]).toEqual([
      'never built',
      ['the build record\'s builtAt "yesterday" is not a time; treated as never built'],
    ]);
  });

  it('takes the content key from artifact.json and the git commit from provenance.json', () => {
    const commit = 'a'.repeat(40);
    const records = {
      ...built(1),
      provenance: { predicate: { buildDefinition: { resolvedDependencies: [{ uri: 'git+file:///ws', digest: { gitCommit: commit } }] } } },
    };
    const e = entry({ records });
    expect([e.contentKey, e.gitCommit]).toEqual([KEY, commit]);
  });
});

describe('catalogImage: spec', () => {
  it('lists the options in a fixed order: hardening kind, fips, gpu, proxy', () => {
    expect([entry({ spec: AWS }).options, entry({ spec: AZURE }).options, entry({ spec: { ...VSPHERE, gpu: true } }).options]).toEqual([
      ['stig'],
      ['fips', 'proxy'],
      ['gpu'],
    ]);
  });

  it('takes Kubernetes from the release and VERSION from the vSphere block', () => {
    const e = entry();
    expect([e.kubernetes, e.tkg, e.version, e.refresh]).toEqual(['v1.26.5', 'v2.3.0', 'v1.26.5+vmware.1-myorg.0', '30d']);
  });
});

describe('catalogImage: published', () => {
  const rec = (published: ImageRecords['published']): ImageRecords => ({ ...built(1), published });

  it('AWS: the AMI id of every region', () => {
    const amis = { 'us-east-1': 'ami-1', 'us-west-2': 'ami-2' };
    expect(entry({ spec: AWS, records: rec({ image: 'img', infra: 'aws', contentKey: KEY, aws: { amis } }) }).published).toEqual({
      contentKey: KEY,
      regions: amis,
    });
  });

  it('vSphere: the template name and path', () => {
    const p = entry({
      records: rec({ image: 'img', infra: 'vsphere', contentKey: KEY, vsphere: { templateName: 'tpl', templatePath: '/dc0/vm/t/tpl' } }),
    }).published;
    expect(p).toEqual({ contentKey: KEY, regions: {}, template: { name: 'tpl', path: '/dc0/vm/t/tpl' } });
  });

  it('Azure: the SIG version, replicated to the location and every replication region', () => {
    const azure = {
      sigImageVersionId: '/subscriptions/s/x/versions/0.0.3',
      subscriptionId: 's',
      resourceGroup: 'rg',
      gallery: 'g',
      imageName: 'capi-ubuntu-2004',
      version: '0.0.3',
    };
    const p = entry({ spec: AZURE, records: rec({ image: 'img', infra: 'azure', contentKey: KEY, azure }) }).published;
    expect(p).toEqual({
      contentKey: KEY,
      regions: { westeurope: azure.sigImageVersionId, northeurope: azure.sigImageVersionId },
      sig: { id: azure.sigImageVersionId, gallery: 'g', image: 'capi-ubuntu-2004', version: '0.0.3' },
    });
  });

  it('ignores, with a note, a published record of another image or infra', () => {
    const e = entry({ spec: AWS, records: rec({ image: 'other', infra: 'aws', contentKey: KEY, aws: { amis: {} } }) });
    expect([e.published, e.notes]).toEqual([
      undefined,
      ['dist/images/img/upload/published.json is for other (aws), not for this image; ignored'],
    ]);
  });

  it("notes a published content key that is not the last build's", () => {
    const e = entry({
      spec: AWS,
      records: rec({ image: 'img', infra: 'aws', contentKey: 'd'.repeat(64), aws: { amis: { 'us-east-1': 'ami-1' } } }),
    });
    expect(e.notes).toEqual(["published content key dddddddddddd is not the last build's (cccccccccccc): run nx run img:upload"]);
  });
});
