// Test inputs shared by the TKr BoM specs: one image per infrastructure, with made-up published ids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BomAmiImage, BomAzureImage, BomOsInfo, BomOvaImage } from '../src/tkr-bom-images';

export const UBUNTU: BomOsInfo = { name: 'ubuntu', version: '20.04', arch: 'amd64' };
export const CLASS_VERSION = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';

export const OVA: BomOvaImage = {
  image: 'ubuntu-2004-vsphere-class',
  infra: 'vsphere',
  name: 'ubuntu-2004-vsphere-class',
  version: CLASS_VERSION,
  osinfo: UBUNTU,
  uniqueVersion: false,
};
export const AMI: BomAmiImage = {
  image: 'ubuntu-2004-aws-cis',
  infra: 'aws',
  amis: { 'us-east-1': 'ami-0f00000000000000a', 'ca-central-1': 'ami-0f00000000000000b' },
  osinfo: UBUNTU,
};
export const SIG: BomAzureImage = {
  image: 'ubuntu-2004-azure-fips',
  infra: 'azure',
  resourceGroup: 'tkg-images',
  name: 'ubuntu-2004-fips',
  subscriptionID: '00000000-0000-4000-8000-000000000001',
  gallery: 'tkg_gallery',
  version: '0.0.1',
  osinfo: UBUNTU,
};

export const FIXTURES = ['tkr-bom-2space.yaml', 'tkr-bom-indentless-no-ova.yaml', 'tkr-bom-4space-no-azure.yaml'] as const;
export const fixturesDir = join(__dirname, '..', 'fixtures');

export function readBomFixture(name: string): string {
  return readFileSync(join(fixturesDir, 'boms', name), 'utf8');
}

/** Asserts `block` occurs exactly once in `text` and returns text without it. */
export function removeOnce(text: string, block: string): string {
  const at = text.indexOf(block);
  if (at < 0 || text.indexOf(block, at + 1) >= 0) throw new Error(`expected exactly one occurrence of:\n${block}`);
  return text.slice(0, at) + text.slice(at + block.length);
}
