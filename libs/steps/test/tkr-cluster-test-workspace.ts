// Test workspace for gen-bom and gen-cluster-config: sample image specs, a TKr, clusters and published records.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot, tempDir } from '@kiln/testing';
import type { PublishedRecord } from '../src/shared/published-record';

export const CLASS_VERSION = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
export const BASE_BOM = 'tkr-bom-v1.26.5+vmware.2-tkg.1.yaml';

export const PUBLISHED: Record<string, PublishedRecord> = {
  'ubuntu-2004-vsphere-class': {
    image: 'ubuntu-2004-vsphere-class',
    infra: 'vsphere',
    os: 'ubuntu-2004',
    version: CLASS_VERSION,
    contentKey: 'sha256:01',
    vsphere: { templatePath: '/dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class', templateName: 'ubuntu-2004-kube-v1.26.5-class' },
  },
  'ubuntu-2004-vsphere-plan': {
    image: 'ubuntu-2004-vsphere-plan',
    infra: 'vsphere',
    os: 'ubuntu-2004',
    version: 'v1.26.5+vmware.1-myorg.0',
    contentKey: 'sha256:02',
    vsphere: { templatePath: '/dc0/vm/tkg-templates/published-plan-template', templateName: 'published-plan-template' },
  },
  'ubuntu-2004-aws-cis': {
    image: 'ubuntu-2004-aws-cis',
    infra: 'aws',
    os: 'ubuntu-2004',
    contentKey: 'sha256:03',
    aws: { amis: { 'us-east-1': 'ami-0aaaaaaaaaaaaaaa1', 'us-west-2': 'ami-0aaaaaaaaaaaaaaa2' } },
  },
  'ubuntu-2004-azure-fips': {
    image: 'ubuntu-2004-azure-fips',
    infra: 'azure',
    os: 'ubuntu-2004',
    contentKey: 'sha256:04',
    azure: {
      sigImageVersionId:
        '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/tkg-images/providers/Microsoft.Compute/galleries/tkg_gallery/images/ubuntu-2004-fips/versions/0.0.7',
      subscriptionId: '00000000-0000-4000-8000-000000000001',
      resourceGroup: 'tkg-images',
      gallery: 'tkg_gallery',
      imageName: 'ubuntu-2004-fips',
      version: '0.0.7',
    },
  },
};

export class TestWorkspace {
  /** A fresh folder, removed when the test that made it finishes. */
  readonly root = tempDir('kiln-tkr-cluster-');

  constructor() {
    for (const image of Object.keys(PUBLISHED))
      cpSync(join(repoRoot, 'images', image, 'image.yaml'), join(this.root, 'images', image, 'image.yaml'));
    this.write(
      `tkrs/custom/${BASE_BOM}`,
      readFileSync(join(repoRoot, 'libs', 'render', 'fixtures', 'boms', 'tkr-bom-2space.yaml'), 'utf8'),
    );
    this.write(
      'tkrs/custom/tkr.yaml',
      `bom: ${BASE_BOM}\nsuffix: myorg\nimages:\n  - ubuntu-2004-vsphere-class\n  - ubuntu-2004-aws-cis\n  - ubuntu-2004-azure-fips\nmanagementCluster:\n  context: mgmt-admin@mgmt\n  namespace: tkg-custom\n`,
    );
    this.write(
      'clusters/shared/vsphere-mgmt.yaml',
      readFileSync(join(repoRoot, 'libs', 'render', 'fixtures', 'cluster-configs', 'vsphere-mgmt.yaml'), 'utf8'),
    );
  }

  write(rel: string, text: string): void {
    mkdirSync(dirname(join(this.root, rel)), { recursive: true });
    writeFileSync(join(this.root, rel), text);
  }

  read(rel: string): string {
    return readFileSync(join(this.root, rel), 'utf8');
  }

  /** Appends `revoked: { reason, at }` to the image's image.yaml. */
  revoke(image: string, at: string, reason = 'CVE-2026-0001 in the kernel'): void {
    const file = `images/${image}/image.yaml`;
    this.write(file, `${this.read(file)}revoked:\n  reason: ${reason}\n  at: ${at}\n`);
  }

  publish(image: string, record: PublishedRecord = PUBLISHED[image]!): void {
    this.write(`dist/images/${image}/upload/published.json`, JSON.stringify(record, null, 2) + '\n');
  }

  publishAll(): void {
    for (const image of Object.keys(PUBLISHED)) this.publish(image);
  }
}
