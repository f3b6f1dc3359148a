// readConfigBundle against bundles built in a temp workspace: each missing piece is named by its workspace path.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { kilnErrorOf, tempDir } from '@kiln/testing';
import { readConfigBundle, type BundleNeeds } from './config-bundle';
import { getRelease, gossSpecName, loadCatalog } from './load-catalog';

const catalog = loadCatalog();
const V230 = getRelease(catalog, 'v2.3.0')!;
const BUNDLE = 'images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0';
const GOSS = 'vsphere-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml';
/** The CIS role folder (image.schema.json's x-ansible-role of hardening.cis). */
const CIS_ROLE = 'cis_ubuntu_2004';
const NEEDS: BundleNeeds = { gossSpec: gossSpecName(catalog, 'v2.3.0', 'vsphere', 'ubuntu-2004'), roles: [CIS_ROLE] };
const TKG_JSON = { kubernetes_semver: 'v1.26.5+vmware.2', kubernetes_series: 'v1.26' };

let root: string;

/** Writes a complete v2.3.0 bundle (tkg.json, tkg/, the CIS role, one goss spec) under `bundle` in the temp workspace. */
function writeBundle(bundle = BUNDLE): void {
  for (const dir of ['tkg/tasks', `${CIS_ROLE}/tasks`, 'goss']) mkdirSync(join(root, bundle, dir), { recursive: true });
  writeFileSync(join(root, bundle, 'tkg.json'), JSON.stringify(TKG_JSON));
  writeFileSync(join(root, bundle, 'goss', GOSS), 'package: {}\n');
}

function remove(relPath: string): void {
  rmSync(join(root, relPath), { recursive: true });
}

function failure(bundlesDir?: string): { code: string; message: string; file?: string } {
  const e = kilnErrorOf(() => readConfigBundle(root, 'v2.3.0', V230, NEEDS, bundlesDir));
  return { code: e.code, message: e.message, file: e.file };
}

beforeEach(() => {
  root = tempDir('kiln-bundle-');
});

describe('readConfigBundle', () => {
  it('returns the bundle folder and the string values of tkg.json', () => {
    writeBundle();
    expect(readConfigBundle(root, 'v2.3.0', V230, NEEDS)).toEqual({ dir: BUNDLE, tkgJson: TKG_JSON });
  });

  it('names the missing bundle folder and says where to unzip the download', () => {
    const e = kilnErrorOf(() => readConfigBundle(root, 'v2.3.0', V230, NEEDS));
    expect({ code: e.code, message: e.message, file: e.file, hint: e.hint }).toEqual({
      code: 'CONFIG_BUNDLE_MISSING',
      message: `config bundle folder not found: ${BUNDLE}`,
      file: BUNDLE,
      hint:
        `download the TKG Image Builder config bundle for v2.3.0 and unzip it so that ${BUNDLE}/tkg.json exists ` +
        '(the folder name must be exactly TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0)',
    });
  });

  it('names the missing tkg.json', () => {
    writeBundle();
    remove(`${BUNDLE}/tkg.json`);
    expect(failure()).toEqual({
      code: 'CONFIG_BUNDLE_MISSING',
      message: `config bundle file not found: ${BUNDLE}/tkg.json`,
      file: `${BUNDLE}/tkg.json`,
    });
  });

  it('names the missing tkg/ role folder', () => {
    writeBundle();
    remove(`${BUNDLE}/tkg`);
    expect(failure()).toEqual({
      code: 'CONFIG_BUNDLE_MISSING',
      message: `config bundle folder not found: ${BUNDLE}/tkg`,
      file: `${BUNDLE}/tkg`,
    });
  });

  it('names the missing goss spec of the infra/os', () => {
    writeBundle();
    remove(`${BUNDLE}/goss/${GOSS}`);
    expect(failure()).toEqual({
      code: 'CONFIG_BUNDLE_MISSING',
      message: `config bundle file not found: ${BUNDLE}/goss/${GOSS}`,
      file: `${BUNDLE}/goss/${GOSS}`,
    });
  });

  it('names the missing hardening role folder', () => {
    writeBundle();
    remove(`${BUNDLE}/cis_ubuntu_2004`);
    expect(failure()).toEqual({
      code: 'CONFIG_BUNDLE_MISSING',
      message: `config bundle folder not found: ${BUNDLE}/cis_ubuntu_2004`,
      file: `${BUNDLE}/cis_ubuntu_2004`,
    });
  });

  it('looks for the bundle under a configured bundles folder', () => {
    expect(failure('vendor/bundles')).toEqual({
      code: 'CONFIG_BUNDLE_MISSING',
      message: 'config bundle folder not found: vendor/bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0',
      file: 'vendor/bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0',
    });
  });

  it('looks for the bundle of the requested release (v2.2.0)', () => {
    writeBundle();
    const e = kilnErrorOf(() => readConfigBundle(root, 'v2.2.0', getRelease(catalog, 'v2.2.0')!, { gossSpec: 'x.yaml', roles: [] }));
    expect([e.code, e.message]).toEqual([
      'CONFIG_BUNDLE_MISSING',
      'config bundle folder not found: images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_25_7---vmware_2-tkg_v2_2_0',
    ]);
  });

  it('rejects a tkg.json that is not JSON', () => {
    writeBundle();
    const text = '{"kubernetes_semver": "v1.26.5+vmware.2",}';
    writeFileSync(join(root, BUNDLE, 'tkg.json'), text);
    const engineMessage = (() => {
      try {
        JSON.parse(text);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected the sample to be invalid JSON');
    })();
    expect(failure()).toEqual({
      code: 'CONFIG_BUNDLE_INVALID',
      message: `tkg.json is not valid JSON: ${engineMessage}`,
      file: `${BUNDLE}/tkg.json`,
    });
  });

  it('rejects a tkg.json that is not an object', () => {
    writeBundle();
    writeFileSync(join(root, BUNDLE, 'tkg.json'), '["v1.26.5+vmware.2"]');
    expect(failure()).toEqual({ code: 'CONFIG_BUNDLE_INVALID', message: 'tkg.json must be a JSON object', file: `${BUNDLE}/tkg.json` });
  });

  it('rejects a tkg.json value that is not a string', () => {
    writeBundle();
    writeFileSync(join(root, BUNDLE, 'tkg.json'), JSON.stringify({ ...TKG_JSON, custom_role: true }));
    expect(failure()).toEqual({
      code: 'CONFIG_BUNDLE_INVALID',
      message: 'tkg.json key "custom_role" must be a string (packer variables are strings)',
      file: `${BUNDLE}/tkg.json`,
    });
  });
});
