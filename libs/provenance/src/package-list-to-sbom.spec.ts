// sbom.cdx.json: golden SBOMs from the real package lists, checked by the CycloneDX library's own validator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kilnRejectionOf } from '@kiln/testing';
import { describe, expect, it } from 'vitest';
import { parsePackageList } from './package-list';
import { contentSerialNumber, packageListToSbom, type SbomInput } from './package-list-to-sbom';
import { validateSbom } from './validate-sbom';

const fixtures = join(__dirname, '..', 'fixtures');
const listOf = (name: string) => parsePackageList(readFileSync(join(fixtures, 'packages', name), 'utf8'));

function debianInput(): SbomInput {
  return {
    packageList: listOf('debian-12.dpkg.tsv'),
    image: { name: 'debian-12-test' },
    kilnVersion: '0.1.0',
    timestamp: new Date('2024-05-01T10:42:17Z'),
  };
}

function rhelInput(): SbomInput {
  return {
    packageList: listOf('rhel-8.rpm.tsv'),
    image: { name: 'rhel-8-vsphere', version: 'v1.26.5+vmware.1-myorg-rhel.0' },
    kilnVersion: '0.1.0',
    timestamp: new Date('2024-05-01T10:42:17Z'),
  };
}

type Sbom = {
  serialNumber: string;
  metadata: { timestamp: string; component: { name: string; version?: string } };
  components: Array<{ name: string; purl?: string; type: string }>;
};
const sbomOf = (input: SbomInput) => JSON.parse(packageListToSbom(input)) as Sbom;

describe('packageListToSbom', () => {
  it('matches the golden SBOM of the real Debian 12 dpkg list', async () => {
    await expect(packageListToSbom(debianInput())).toMatchFileSnapshot(join(fixtures, 'golden', 'sbom.debian-12.cdx.json'));
  });

  it('matches the golden SBOM of the RHEL 8 rpm list', async () => {
    await expect(packageListToSbom(rhelInput())).toMatchFileSnapshot(join(fixtures, 'golden', 'sbom.rhel-8.cdx.json'));
  });

  it("passes the CycloneDX library's JSON validator for spec 1.6 (dpkg)", async () => {
    await expect(validateSbom(packageListToSbom(debianInput()))).resolves.toBeUndefined();
  });

  it("passes the CycloneDX library's JSON validator for spec 1.6 (rpm)", async () => {
    await expect(validateSbom(packageListToSbom(rhelInput()))).resolves.toBeUndefined();
  });

  it('is a CycloneDX 1.6 document', () => {
    expect(JSON.parse(packageListToSbom(rhelInput()))).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    });
  });

  it('has one library component per installed package, with its purl, plus the operating system', () => {
    const sbom = sbomOf(rhelInput());
    expect(sbom.components.filter((c) => c.type === 'library')).toHaveLength(29);
    expect(sbom.components.filter((c) => c.type === 'operating-system').map((c) => c.name)).toEqual(['rhel']);
    expect(sbom.components.find((c) => c.name === 'perl-libs')?.purl).toBe(
      'pkg:rpm/redhat/perl-libs@5.26.3-422.el8?arch=x86_64&distro=rhel-8.8&epoch=4',
    );
  });

  it("describes the Kiln image, with its VERSION, as the SBOM's subject", () => {
    expect(sbomOf(rhelInput()).metadata.component).toMatchObject({
      type: 'operating-system',
      name: 'rhel-8-vsphere',
      version: 'v1.26.5+vmware.1-myorg-rhel.0',
    });
  });

  it('uses the timestamp given', () => {
    expect(sbomOf(rhelInput()).metadata.timestamp).toBe('2024-05-01T10:42:17.000Z');
  });

  it('lists components in a fixed order whatever order the packages come in', () => {
    const input = rhelInput();
    const reversed = { ...input, packageList: { ...input.packageList, packages: [...input.packageList.packages].reverse() } };
    expect(packageListToSbom(reversed)).toBe(packageListToSbom(input));
  });

  it('derives serialNumber from the content: another package list gives another serial number', () => {
    const input = rhelInput();
    const fewer = { ...input, packageList: { ...input.packageList, packages: input.packageList.packages.slice(1) } };
    expect(sbomOf(fewer).serialNumber).not.toBe(sbomOf(input).serialNumber);
  });
});

describe('contentSerialNumber', () => {
  it('is a version 8 RFC 9562 UUID URN', () => {
    expect(contentSerialNumber('x')).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('validateSbom', () => {
  it('rejects a document the 1.6 schema does not allow, with the schema errors as context', async () => {
    const sbom = { ...JSON.parse(packageListToSbom(rhelInput())), components: [{ type: 'os-package', name: 'bash' }] };
    const e = await kilnRejectionOf(validateSbom(JSON.stringify(sbom), 'dist/images/x/build/sbom.cdx.json'));
    expect([e.code, e.message]).toEqual(['SBOM_INVALID', 'dist/images/x/build/sbom.cdx.json is not a valid CycloneDX 1.6 document']);
    expect(e.context.errors).toContain('/components/0/type');
  });
});
