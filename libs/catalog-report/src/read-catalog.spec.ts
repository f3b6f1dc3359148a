// readCatalog on a temporary workspace made of sample projects of the repository and hand-written dist records.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { kilnErrorOf, repoPath, tempDir } from '@kiln/testing';
import { imageRecordFiles } from './image-records';
import { readCatalog } from './read-catalog';

const NOW = Date.parse('2026-03-01T00:00:00Z');
const IMAGES = ['ubuntu-2004-aws-cis', 'ubuntu-2004-azure-fips', 'ubuntu-2004-vsphere-class', 'ubuntu-2004-vsphere-plan'];
let root: string;

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

beforeEach(() => {
  root = tempDir('kiln-catalog-report-');
  for (const dir of [
    ...IMAGES.map((i) => `images/${i}`),
    'tkrs/custom-v1-26-5',
    'clusters/workload-vsphere',
    'clusters/workload-vsphere-template',
  ]) {
    cpSync(repoPath(dir), join(root, dir), { recursive: true });
  }
  mkdirSync(join(root, 'images', '_bundles', 'some-bundle'), { recursive: true });
});

describe('readCatalog', () => {
  it('lists every folder of images/ with an image.yaml, sorted, and no other', () => {
    expect(readCatalog(root, { now: NOW }).images.map((i) => i.name)).toEqual(IMAGES);
  });

  it('says which tkrs and clusters use each image, through a tkr or directly', () => {
    const usedBy = Object.fromEntries(readCatalog(root, { now: NOW }).images.map((i) => [i.name, i.usedBy]));
    expect(usedBy).toEqual({
      'ubuntu-2004-aws-cis': { tkrs: ['custom-v1-26-5'], clusters: ['workload-vsphere'] },
      'ubuntu-2004-azure-fips': { tkrs: ['custom-v1-26-5'], clusters: ['workload-vsphere'] },
      'ubuntu-2004-vsphere-class': { tkrs: ['custom-v1-26-5'], clusters: ['workload-vsphere'] },
      'ubuntu-2004-vsphere-plan': { tkrs: [], clusters: ['workload-vsphere-template'] },
    });
  });

  it('gives each tkr its custom TKr version, images and clusters, and each cluster its images', () => {
    const { tkrs, clusters } = readCatalog(root, { now: NOW });
    expect({ tkrs, clusters }).toEqual({
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
          image: undefined,
          images: ['ubuntu-2004-aws-cis', 'ubuntu-2004-azure-fips', 'ubuntu-2004-vsphere-class'],
        },
        {
          name: 'workload-vsphere-template',
          clusterName: 'workload-legacy',
          kind: 'workload',
          tkr: undefined,
          image: 'ubuntu-2004-vsphere-plan',
          images: ['ubuntu-2004-vsphere-plan'],
        },
      ],
    });
  });

  it("reads the build, freshness, provenance and published records from the image's dist folders", () => {
    const files = imageRecordFiles('ubuntu-2004-aws-cis');
    const key = 'a'.repeat(64);
    const commit = 'b'.repeat(40);
    write(files.artifact, JSON.stringify({ image: 'ubuntu-2004-aws-cis', contentKey: key, builtAt: '2026-02-27T00:00:01.000Z' }));
    write(
      files.freshness,
      JSON.stringify({
        image: 'ubuntu-2004-aws-cis',
        refresh: '30d',
        builtAt: '2026-02-27T00:00:00.000Z',
        expiresAt: '2026-03-29T00:00:00.000Z',
        window: 7,
      }),
    );
    write(
      files.provenance,
      JSON.stringify({
        predicate: { buildDefinition: { resolvedDependencies: [{ uri: 'git+file:///ws', digest: { gitCommit: commit } }] } },
      }),
    );
    write(
      files.published,
      JSON.stringify({
        image: 'ubuntu-2004-aws-cis',
        infra: 'aws',
        os: 'ubuntu-2004',
        contentKey: key,
        aws: { amis: { 'us-east-1': 'ami-1' } },
      }),
    );
    const image = readCatalog(root, { now: NOW }).images.find((i) => i.name === 'ubuntu-2004-aws-cis')!;
    expect({
      freshness: image.freshness,
      build: image.build,
      contentKey: image.contentKey,
      gitCommit: image.gitCommit,
      published: image.published,
      notes: image.notes,
    }).toEqual({
      freshness: 'fresh',
      build: { builtAt: '2026-02-27T00:00:00.000Z', expiresAt: '2026-03-29T00:00:00.000Z', ageMs: 2 * 86_400_000, age: '2d' },
      contentKey: key,
      gitCommit: commit,
      published: { contentKey: key, regions: { 'us-east-1': 'ami-1' } },
      notes: [],
    });
  });

  it('reports an unreadable record as a note and goes on', () => {
    write(imageRecordFiles('ubuntu-2004-vsphere-class').provenance, '{"_type": ');
    write(imageRecordFiles('ubuntu-2004-vsphere-class').published, '[]');
    const image = readCatalog(root, { now: NOW }).images.find((i) => i.name === 'ubuntu-2004-vsphere-class')!;
    expect(image.notes.map((n) => n.replace(/ \(.*\)/, ''))).toEqual([
      'dist/images/ubuntu-2004-vsphere-class/upload/published.json is not a JSON object; ignored',
      'dist/images/ubuntu-2004-vsphere-class/build/provenance.json is unreadable; ignored',
    ]);
  });

  it('reads revoked: from the validated image.yaml', () => {
    const file = join(root, 'images/ubuntu-2004-vsphere-plan/image.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}revoked:\n  reason: "CVE-2026-0001"\n  at: 2026-02-20\n`);
    const image = readCatalog(root, { now: NOW }).images.find((i) => i.name === 'ubuntu-2004-vsphere-plan')!;
    expect([image.freshness, image.revoked]).toEqual(['revoked', { reason: 'CVE-2026-0001', at: '2026-02-20', effective: true }]);
  });

  it('fails on an invalid revoked:, at its line (the file is validated unchanged)', () => {
    const file = join(root, 'images/ubuntu-2004-vsphere-plan/image.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}revoked:\n  reason: "CVE-2026-0001"\n  at: next week\n`);
    expect(kilnErrorOf(() => readCatalog(root, { now: NOW }))).toMatchObject({
      code: 'SCHEMA_PATTERN',
      file: 'images/ubuntu-2004-vsphere-plan/image.yaml',
      line: text.split('\n').length + 2, // the at: line
    });
  });

  it('still fails on an invalid image.yaml, at its line', () => {
    write(
      'images/ubuntu-2004-aws-cis/image.yaml',
      'infra: aws\nos: ubuntu-2004\nrelease: v2.3.0\nfips: "yes"\nupload:\n  aws:\n    region: us-east-1\n',
    );
    expect(kilnErrorOf(() => readCatalog(root, { now: NOW }))).toMatchObject({ file: 'images/ubuntu-2004-aws-cis/image.yaml', line: 4 });
  });

  it('judges freshness at the clock it is given', () => {
    const files = imageRecordFiles('ubuntu-2004-vsphere-class');
    write(files.freshness, JSON.stringify({ builtAt: '2026-02-01T00:00:00.000Z', expiresAt: '2026-03-03T00:00:00.000Z', refresh: '30d' }));
    const at = (iso: string) =>
      readCatalog(root, { now: Date.parse(iso) }).images.find((i) => i.name === 'ubuntu-2004-vsphere-class')!.freshness;
    expect([at('2026-03-02T23:59:59Z'), at('2026-03-03T00:00:00Z')]).toEqual(['fresh', 'stale']);
  });
});
