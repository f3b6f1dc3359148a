// The release catalog: goss spec names and make targets as the TKG 2.3 guide names them, per-release pins, malformed catalogs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatError } from '@kiln/errors';
import { kilnErrorOf } from '@kiln/testing';
import type { Catalog, Release } from './catalog-types';
import { configBundleDir } from './config-bundle';
import { INFRAS, type Infra, type OsName } from './generated/names';
import { CATALOG_FILE, getRelease, gossSpecName, loadCatalog, osesFor, parseCatalog, releaseIds } from './load-catalog';

const catalog = loadCatalog();

function makeTarget(release: Release, infra: Infra, os: OsName): string | undefined {
  return release.targets[infra]?.[os];
}

/** `<infra>/<os>` → value, for every pair the release can build. */
function perPair(
  releaseId: string,
  value: (infra: Infra, os: ReturnType<typeof osesFor>[number]) => string | undefined,
): Record<string, string | undefined> {
  const release = getRelease(catalog, releaseId)!;
  const out: Record<string, string | undefined> = {};
  for (const infra of INFRAS) for (const os of osesFor(release, infra)) out[`${infra}/${os}`] = value(infra, os);
  return out;
}

describe('release catalog v2.3.0', () => {
  it('names the goss spec of every infra/os pair as the config bundle does', () => {
    expect(perPair('v2.3.0', (infra, os) => gossSpecName(catalog, 'v2.3.0', infra, os))).toEqual({
      'vsphere/ubuntu-2004': 'vsphere-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml',
      'vsphere/photon-3': 'vsphere-photon-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml',
      'vsphere/rhel-8': 'vsphere-rhel-8-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml',
      'aws/ubuntu-2004': 'amazon-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml',
      'aws/ubuntu-1804': 'amazon-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml',
      'aws/amazon-2': 'amazon-amazon-linux-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml',
      'azure/ubuntu-2004': 'azure-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml',
      'azure/ubuntu-1804': 'azure-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml',
    });
  });

  it("uses the guide's make target for every infra/os pair", () => {
    const release = getRelease(catalog, 'v2.3.0')!;
    expect(perPair('v2.3.0', (infra, os) => makeTarget(release, infra, os))).toEqual({
      'vsphere/ubuntu-2004': 'build-node-ova-vsphere-ubuntu-2004',
      'vsphere/photon-3': 'build-node-ova-vsphere-photon-3',
      'vsphere/rhel-8': 'build-node-ova-vsphere-rhel-8',
      'aws/ubuntu-2004': 'build-ami-ubuntu-2004',
      'aws/ubuntu-1804': 'build-ami-ubuntu-1804',
      'aws/amazon-2': 'build-ami-amazon-2',
      'azure/ubuntu-2004': 'build-azure-sig-ubuntu-2004',
      'azure/ubuntu-1804': 'build-azure-sig-ubuntu-1804',
    });
  });

  it('has no make target for a pair the release cannot build', () => {
    const release = getRelease(catalog, 'v2.3.0')!;
    expect([makeTarget(release, 'aws', 'photon-3'), makeTarget(release, 'azure', 'rhel-8')]).toEqual([undefined, undefined]);
  });

  it("pins the guide's Kubernetes version, images and config bundle", () => {
    const r = getRelease(catalog, 'v2.3.0')!;
    expect([r.kubernetes, r.kubernetesSemver, r.images.builder, r.images.bundle, configBundleDir(r)]).toEqual([
      'v1.26.5',
      'v1.26.5+vmware.2',
      'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2',
      'projects.registry.vmware.com/tkg/linux-resource-bundle:v1.26.5_vmware.1-tkg.1',
      'images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0',
    ]);
  });
});

describe('release catalog v2.2.0 (nothing tied to one version)', () => {
  it('lists both releases', () => {
    expect(releaseIds(catalog)).toEqual(['v2.2.0', 'v2.3.0']);
  });

  it('resolves its own Kubernetes version, images and config bundle', () => {
    const r = getRelease(catalog, 'v2.2.0')!;
    expect([r.kubernetes, r.kubernetesSemver, r.images.builder, r.images.bundle, configBundleDir(r)]).toEqual([
      'v1.25.7',
      'v1.25.7+vmware.2',
      'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.3',
      'projects.registry.vmware.com/tkg/linux-resource-bundle:v1.25.7_vmware.2-tkg.1',
      'images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_25_7---vmware_2-tkg_v2_2_0',
    ]);
  });

  it('names its goss specs with its own Kubernetes semver and TKG version', () => {
    expect(perPair('v2.2.0', (infra, os) => gossSpecName(catalog, 'v2.2.0', infra, os))).toEqual({
      'vsphere/ubuntu-2004': 'vsphere-ubuntu-v1.25.7+vmware.2-tkg_v2_2_0-goss-spec.yaml',
      'vsphere/photon-3': 'vsphere-photon-v1.25.7+vmware.2-tkg_v2_2_0-goss-spec.yaml',
      'aws/ubuntu-2004': 'amazon-ubuntu-v1.25.7+vmware.2-tkg_v2_2_0-goss-spec.yaml',
      'aws/amazon-2': 'amazon-amazon-linux-v1.25.7+vmware.2-tkg_v2_2_0-goss-spec.yaml',
      'azure/ubuntu-2004': 'azure-ubuntu-v1.25.7+vmware.2-tkg_v2_2_0-goss-spec.yaml',
    });
  });

  it('offers only the OSes it has targets for', () => {
    const r = getRelease(catalog, 'v2.2.0')!;
    expect([osesFor(r, 'vsphere'), osesFor(r, 'aws'), osesFor(r, 'azure'), makeTarget(r, 'vsphere', 'rhel-8')]).toEqual([
      ['ubuntu-2004', 'photon-3'],
      ['ubuntu-2004', 'amazon-2'],
      ['ubuntu-2004'],
      undefined,
    ]);
  });

  it('takes the goss spec naming pattern from the data, per release', () => {
    const older: Catalog = {
      ...catalog,
      releases: {
        ...catalog.releases,
        'v1.6.0': { ...catalog.releases['v2.2.0'], kubernetes: 'v1.23.8', gossSpec: '{os}-{kubernetes}-tkg{tkg}-{infra}.yaml' },
      },
    };
    expect(gossSpecName(older, 'v1.6.0', 'aws', 'amazon-2')).toBe('amazon-linux-v1.23.8-tkg1.6.0-amazon.yaml');
  });
});

describe('parseCatalog', () => {
  const text = readFileSync(join(__dirname, '..', 'data', 'releases.yaml'), 'utf8');

  it('reads the shipped catalog', () => {
    expect(parseCatalog(text)).toEqual(catalog);
  });

  it('throws CATALOG_INVALID naming the file for a YAML syntax error', () => {
    const e = kilnErrorOf(() => parseCatalog('releases:\n  v2.3.0: [unclosed\n'));
    expect(formatError(e)).toBe(
      `${CATALOG_FILE}:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    );
    expect([e.code, e.file, e.line, e.column]).toEqual(['CATALOG_INVALID', CATALOG_FILE, 3, 1]);
  });

  it('throws CATALOG_INVALID naming the file and the entry for a schema error', () => {
    const broken = text.replace('    gossSpec: "{infra}-{os}-{kubernetesSemver}-tkg_v{tkgUnderscored}-goss-spec.yaml"\n', '');
    expect(broken).not.toBe(text);
    const e = kilnErrorOf(() => parseCatalog(broken, 'vendor/releases.yaml'));
    expect({ code: e.code, file: e.file, message: e.message, hint: e.hint }).toEqual({
      code: 'CATALOG_INVALID',
      file: 'vendor/releases.yaml',
      message: "release catalog is invalid: /releases/v2.3.0 must have required property 'gossSpec'",
      hint: 'compare the entry with libs/catalog/src/releases.schema.json',
    });
  });

  it('requires an entry for every OS of names.schema.json in an OS map', () => {
    const e = kilnErrorOf(() => parseCatalog(text.replace('  rhel-8: { name: rhel, version: "8", arch: amd64 }\n', '')));
    expect([e.code, e.message]).toEqual(['CATALOG_INVALID', "release catalog is invalid: /osinfo must have required property 'rhel-8'"]);
  });

  it('requires an entry for every infra of names.schema.json in an infra map', () => {
    const e = kilnErrorOf(() => parseCatalog(text.replace('  azure: azure-sig.json\n', '')));
    expect([e.code, e.message]).toEqual([
      'CATALOG_INVALID',
      "release catalog is invalid: /customizationsFile must have required property 'azure'",
    ]);
  });

  it('rejects an OS that names.schema.json does not list', () => {
    const e = kilnErrorOf(() => parseCatalog(text.replace('amazon-2: build-ami-amazon-2', 'amazon-3: build-ami-amazon-3')));
    expect([e.code, e.message]).toEqual([
      'CATALOG_INVALID',
      'release catalog is invalid: /releases/v2.3.0/targets/aws must be equal to one of the allowed values',
    ]);
  });

  it('rejects a make target that is not a build-* target', () => {
    const e = kilnErrorOf(() => parseCatalog(text.replace('amazon-2: build-ami-amazon-2', 'amazon-2: ami-amazon-2')));
    expect([e.code, e.file, e.message]).toEqual([
      'CATALOG_INVALID',
      CATALOG_FILE,
      'release catalog is invalid: /releases/v2.3.0/targets/aws/amazon-2 must match pattern "^build-[a-z0-9-]+$"',
    ]);
  });
});
