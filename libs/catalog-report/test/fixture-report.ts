// A small catalog report for the renderers' golden files: one image per infra and per freshness state, a revoked
// image whose reason holds markup, a revocation still to come, a dirty commit, a tkr and two clusters.
import { join } from 'node:path';
import type { CatalogImage, CatalogReport } from '../src/catalog-model';

export const goldenDir = join(__dirname, '..', 'fixtures', 'golden');

export const NOW = '2026-03-01T00:00:00.000Z';
const DAY = 86_400_000;
const COMMIT = '3f2c1a9b8e7d6c5b4a39281706f5e4d3c2b1a098';
const key = (c: string) => c.repeat(64);

const image = (over: Partial<CatalogImage> & Pick<CatalogImage, 'name' | 'infra' | 'os' | 'freshness'>): CatalogImage => ({
  tkg: 'v2.3.0',
  kubernetes: 'v1.26.5',
  options: [],
  refresh: '30d',
  usedBy: { tkrs: [], clusters: [] },
  notes: [],
  ...over,
});

export const FIXTURE_REPORT: CatalogReport = {
  generatedAt: NOW,
  images: [
    image({
      name: 'ubuntu-2004-aws-cis',
      infra: 'aws',
      os: 'ubuntu-2004',
      options: ['cis'],
      freshness: 'stale',
      build: { builtAt: '2026-01-10T08:00:00.000Z', expiresAt: '2026-02-09T08:00:00.000Z', ageMs: 50 * DAY - 8 * 3_600_000, age: '49d' },
      contentKey: key('a'),
      gitCommit: COMMIT,
      gitDirty: false,
      published: { contentKey: key('a'), regions: { 'us-east-1': 'ami-0f00000000000000a', 'us-west-2': 'ami-0f00000000000000b' } },
      usedBy: { tkrs: ['custom-v1-26-5'], clusters: ['workload-vsphere'] },
    }),
    image({
      name: 'ubuntu-2004-azure-fips',
      infra: 'azure',
      os: 'ubuntu-2004',
      options: ['fips', 'proxy'],
      freshness: 'fresh',
      build: { builtAt: '2026-02-27T12:00:00.000Z', expiresAt: '2026-03-29T12:00:00.000Z', ageMs: 36 * 3_600_000, age: '36h' },
      contentKey: key('b'),
      gitCommit: COMMIT,
      gitDirty: true,
      published: {
        contentKey: key('b'),
        regions: {
          northeurope:
            '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/tkg-images/providers/Microsoft.Compute/galleries/tkg_gallery/images/capi-ubuntu-2004/versions/0.0.3',
          westeurope:
            '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/tkg-images/providers/Microsoft.Compute/galleries/tkg_gallery/images/capi-ubuntu-2004/versions/0.0.3',
        },
        sig: {
          id: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/tkg-images/providers/Microsoft.Compute/galleries/tkg_gallery/images/capi-ubuntu-2004/versions/0.0.3',
          gallery: 'tkg_gallery',
          image: 'capi-ubuntu-2004',
          version: '0.0.3',
        },
      },
      revoked: { reason: 'superseded by 0.0.4', at: '2026-04-01', effective: false },
      usedBy: { tkrs: ['custom-v1-26-5'], clusters: ['workload-vsphere'] },
      notes: ['to be revoked 2026-04-01: superseded by 0.0.4'],
    }),
    image({
      name: 'ubuntu-2004-vsphere-class',
      infra: 'vsphere',
      os: 'ubuntu-2004',
      version: 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e',
      freshness: 'fresh',
      build: { builtAt: '2026-02-17T09:30:00.000Z', expiresAt: '2026-03-19T09:30:00.000Z', ageMs: 12 * DAY + 14.5 * 3_600_000, age: '12d' },
      contentKey: key('c'),
      published: {
        contentKey: key('d'),
        regions: {},
        template: { name: 'ubuntu-2004-kube-v1.26.5-class', path: '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class' },
      },
      usedBy: { tkrs: ['custom-v1-26-5'], clusters: ['workload-vsphere'] },
      notes: ["published content key dddddddddddd is not the last build's (cccccccccccc): run nx run ubuntu-2004-vsphere-class:upload"],
    }),
    image({
      name: 'ubuntu-2004-vsphere-gpu',
      infra: 'vsphere',
      os: 'ubuntu-2004',
      options: ['gpu'],
      version: 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e',
      freshness: 'never built',
    }),
    image({
      name: 'ubuntu-2004-vsphere-plan',
      infra: 'vsphere',
      os: 'ubuntu-2004',
      version: 'v1.26.5+vmware.1-myorg.0',
      freshness: 'revoked',
      build: { builtAt: '2026-02-20T00:00:00.000Z', expiresAt: '2026-03-22T00:00:00.000Z', ageMs: 9 * DAY, age: '9d' },
      contentKey: key('e'),
      published: {
        contentKey: key('e'),
        regions: {},
        template: { name: 'ubuntu-2004-kube-v1.26.5-myorg.0', path: '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-myorg.0' },
      },
      revoked: { reason: 'CVE-2026-0001 </script><script>alert(1)</script> & "quotes"', at: '2026-02-25', effective: true },
      usedBy: { tkrs: [], clusters: ['workload-vsphere-template'] },
      notes: ['revoked 2026-02-25: CVE-2026-0001 </script><script>alert(1)</script> & "quotes"'],
    }),
  ],
  tkrs: [
    {
      name: 'custom-v1-26-5',
      tkrVersion: 'v1.26.5+vmware.2-tkg.1-myorg',
      managementContext: 'mgmt-admin@mgmt',
      images: ['ubuntu-2004-aws-cis', 'ubuntu-2004-azure-fips', 'ubuntu-2004-vsphere-class'],
      clusters: ['workload-vsphere'],
      notes: [],
    },
  ],
  clusters: [
    {
      name: 'workload-vsphere',
      clusterName: 'workload-1',
      kind: 'workload',
      tkr: 'custom-v1-26-5',
      images: ['ubuntu-2004-aws-cis', 'ubuntu-2004-azure-fips', 'ubuntu-2004-vsphere-class'],
    },
    {
      name: 'workload-vsphere-template',
      clusterName: 'workload-legacy',
      kind: 'workload',
      image: 'ubuntu-2004-vsphere-plan',
      images: ['ubuntu-2004-vsphere-plan'],
    },
  ],
};
