import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KilnErrors } from '@kiln/errors';
import { kilnErrorOf } from '@kiln/testing';
import { genBomStep } from './gen-bom-step';
import { BASE_BOM, PUBLISHED, TestWorkspace } from '../../test/tkr-cluster-test-workspace';

const NAME = 'v1.26.5---vmware.2-tkg.1-myorg';
const FILES = ['changes.diff', `configmap-${NAME}.yaml`, `tkr-bom-${NAME}.yaml`, 'tkr.json'];
let ws: TestWorkspace;
beforeEach(() => {
  ws = new TestWorkspace();
});

const NOW = Date.parse('2026-03-01T00:00:00Z');

function run(plan = false, outputPath = plan ? 'dist/plan/tkrs/custom/gen-bom' : 'dist/tkrs/custom', now = NOW): string {
  return genBomStep({ workspaceRoot: ws.root, project: 'custom', outputPath, plan, now });
}

describe('genBomStep (real mode)', () => {
  it("writes the BoM, ConfigMap, changes.diff and tkr.json from every image's published.json", () => {
    ws.publishAll();
    run();
    expect(readdirSync(join(ws.root, 'dist/tkrs/custom')).sort()).toEqual(FILES);
    const bom = parse(ws.read(`dist/tkrs/custom/tkr-bom-${NAME}.yaml`));
    expect(bom.release.version).toBe('v1.26.5+vmware.2-tkg.1-myorg');
    expect(bom.ami['us-east-1'][0].id).toBe('ami-0aaaaaaaaaaaaaaa1');
    expect(bom.ami['us-west-2'][0].id).toBe('ami-0aaaaaaaaaaaaaaa2');
    expect(bom.ova.at(-1)).toEqual({
      name: 'ubuntu-2004-vsphere-class',
      osinfo: { name: 'ubuntu', version: '20.04', arch: 'amd64' },
      version: PUBLISHED['ubuntu-2004-vsphere-class']!.version,
    });
    expect(bom.azure.at(-1)).toEqual({
      resourceGroup: 'tkg-images',
      name: 'ubuntu-2004-fips',
      subscriptionID: '00000000-0000-4000-8000-000000000001',
      gallery: 'tkg_gallery',
      version: '0.0.7',
      osinfo: { name: 'ubuntu', version: '20.04', arch: 'amd64' },
    });
  });

  it('prints the TKr name, one line per change and the files it wrote', () => {
    ws.publishAll();
    const report = run().split('\n');
    expect(report[0]).toBe(`gen-bom custom: TKr ${NAME}`);
    expect(report[1]).toBe('  release.version v1.26.5+vmware.2-tkg.1 → v1.26.5+vmware.2-tkg.1-myorg');
    expect(report.at(-2)).toBe('  diff: +26 -1 lines (changes.diff)');
    expect(report.at(-1)).toBe(`wrote dist/tkrs/custom/{${FILES.join(',')}}`);
  });

  it("puts the ConfigMap in tkr.yaml's managementCluster.namespace, else tkr-system", () => {
    ws.publishAll();
    run();
    expect(parse(ws.read(`dist/tkrs/custom/configmap-${NAME}.yaml`)).metadata.namespace).toBe('tkg-custom');
    ws.write('tkrs/custom/tkr.yaml', ws.read('tkrs/custom/tkr.yaml').replace('  namespace: tkg-custom\n', ''));
    run();
    expect(parse(ws.read(`dist/tkrs/custom/configmap-${NAME}.yaml`)).metadata.namespace).toBe('tkr-system');
  });

  it('gives byte-identical files when run again with the same inputs', () => {
    ws.publishAll();
    run();
    const first = FILES.map((f) => ws.read(`dist/tkrs/custom/${f}`));
    run();
    expect(FILES.map((f) => ws.read(`dist/tkrs/custom/${f}`))).toEqual(first);
  });

  it('an image tkr.yaml lists but images/ lacks is an error at its line in tkr.yaml', () => {
    ws.write('tkrs/custom/tkr.yaml', ws.read('tkrs/custom/tkr.yaml').replace('  - ubuntu-2004-aws-cis\n', '  - ubuntu-2004-aws-nope\n'));
    const e = kilnErrorOf(() => run());
    expect([e.code, e.message, e.file, e.line, e.column]).toEqual([
      'IMAGE_UNKNOWN',
      'tkrs/custom/tkr.yaml lists image ubuntu-2004-aws-nope, but images/ubuntu-2004-aws-nope/image.yaml does not exist',
      'tkrs/custom/tkr.yaml',
      5,
      5,
    ]);
  });

  it('a missing base BoM is an error naming the path it was expected at', () => {
    ws.write('tkrs/custom/tkr.yaml', ws.read('tkrs/custom/tkr.yaml').replace(`bom: ${BASE_BOM}`, 'bom: boms/missing.yaml'));
    const e = kilnErrorOf(() => run());
    expect([e.code, e.message, e.file]).toEqual([
      'FILE_MISSING',
      'file not found: tkrs/custom/boms/missing.yaml',
      'tkrs/custom/boms/missing.yaml',
    ]);
  });

  it('an image without published.json is an error that says to run its upload', () => {
    ws.publishAll();
    ws.publish('ubuntu-2004-aws-cis');
    ws.write('dist/images/ubuntu-2004-azure-fips/upload/published.json', '');
    const e = kilnErrorOf(() => run());
    expect([e.code, e.message, e.hint]).toEqual([
      'NOT_PUBLISHED',
      'image ubuntu-2004-azure-fips has no upload record (dist/images/ubuntu-2004-azure-fips/upload/published.json)',
      'run nx run ubuntu-2004-azure-fips:upload first',
    ]);
  });

  it('a published OVA VERSION that differs from image.yaml is refused as stale', () => {
    ws.publishAll();
    ws.publish('ubuntu-2004-vsphere-class', { ...PUBLISHED['ubuntu-2004-vsphere-class']!, version: 'v1.26.5+vmware.1-tkg.1-0000' });
    const e = kilnErrorOf(() => run());
    expect([e.code, e.message]).toEqual([
      'PUBLISHED_STALE',
      `dist/images/ubuntu-2004-vsphere-class/upload/published.json says the OVA VERSION is v1.26.5+vmware.1-tkg.1-0000, but images/ubuntu-2004-vsphere-class/image.yaml says ${PUBLISHED['ubuntu-2004-vsphere-class']!.version}`,
    ]);
  });
});

describe('genBomStep (plan mode)', () => {
  it('writes only under dist/plan/, with plan.txt and clearly marked placeholders for ids upload will publish', () => {
    const text = run(true);
    expect(existsSync(join(ws.root, 'dist/tkrs'))).toBe(false);
    expect(readdirSync(join(ws.root, 'dist/plan/tkrs/custom/gen-bom')).sort()).toEqual([...FILES, 'plan.json', 'plan.txt'].sort());
    expect(ws.read('dist/plan/tkrs/custom/gen-bom/plan.txt')).toBe(text + '\n');
    expect(text.split('\n')[0]).toBe('[plan] gen-bom custom');
    const bom = ws.read(`dist/plan/tkrs/custom/gen-bom/tkr-bom-${NAME}.yaml`);
    expect(bom).toContain('    - id: ami-PLANNED-ubuntu-2004-aws-cis-us-east-1\n');
    expect(bom).toContain('    - id: ami-PLANNED-ubuntu-2004-aws-cis-us-west-2\n');
    expect(bom).toContain('    version: PLANNED:ubuntu-2004-azure-fips\n');
    expect(parse(bom).azure.at(-1).version).toBe('PLANNED:ubuntu-2004-azure-fips');
  });
});

describe('genBomStep (revoked images)', () => {
  it('refuses a tkr listing an image whose revocation is in force, at the list entry, with the reason and date', () => {
    ws.publishAll();
    ws.revoke('ubuntu-2004-aws-cis', '2026-02-20');
    const e = kilnErrorOf(() => run());
    expect([e.code, e.message, e.file, e.line, e.column, e.hint]).toEqual([
      'TKR_IMAGE_REVOKED',
      'tkrs/custom/tkr.yaml lists image ubuntu-2004-aws-cis, which is revoked since 2026-02-20 (CVE-2026-0001 in the kernel)',
      'tkrs/custom/tkr.yaml',
      5,
      5,
      'remove ubuntu-2004-aws-cis from images: in tkrs/custom/tkr.yaml, or remove `revoked:` from images/ubuntu-2004-aws-cis/image.yaml to restore it',
    ]);
    expect(existsSync(join(ws.root, 'dist/tkrs/custom'))).toBe(false);
  });

  it('names every revoked image of the tkr, each at its own line', () => {
    ws.revoke('ubuntu-2004-vsphere-class', '2026-01-01');
    ws.revoke('ubuntu-2004-azure-fips', '2026-02-01T08:00:00Z');
    const e = kilnErrorOf(() => run());
    expect(e).toBeInstanceOf(KilnErrors);
    expect((e as KilnErrors).errors.map((x) => [x.code, x.line, x.message.split(', which')[0]])).toEqual([
      ['TKR_IMAGE_REVOKED', 4, 'tkrs/custom/tkr.yaml lists image ubuntu-2004-vsphere-class'],
      ['TKR_IMAGE_REVOKED', 6, 'tkrs/custom/tkr.yaml lists image ubuntu-2004-azure-fips'],
    ]);
  });

  it('refuses it in plan mode too, before any published record is read', () => {
    ws.revoke('ubuntu-2004-aws-cis', '2026-02-20');
    expect(kilnErrorOf(() => run(true)).code).toBe('TKR_IMAGE_REVOKED');
  });

  it('uses an image whose revocation date has not come yet', () => {
    ws.publishAll();
    ws.revoke('ubuntu-2004-aws-cis', '2026-03-01T00:00:01Z');
    run();
    expect(parse(ws.read(`dist/tkrs/custom/tkr-bom-${NAME}.yaml`)).ami['us-east-1'][0].id).toBe('ami-0aaaaaaaaaaaaaaa1');
  });

  it('judges the revocation date at the clock: the same tkr is refused once the date has come', () => {
    ws.publishAll();
    ws.revoke('ubuntu-2004-aws-cis', '2026-03-02');
    run();
    expect(kilnErrorOf(() => run(false, 'dist/tkrs/custom', Date.parse('2026-03-02T00:00:00Z'))).code).toBe('TKR_IMAGE_REVOKED');
  });

  it('takes the image again once `revoked:` is removed (restoring is removing the key)', () => {
    ws.publishAll();
    const original = ws.read('images/ubuntu-2004-aws-cis/image.yaml');
    ws.revoke('ubuntu-2004-aws-cis', '2026-02-20');
    expect(kilnErrorOf(() => run()).code).toBe('TKR_IMAGE_REVOKED');
    ws.write('images/ubuntu-2004-aws-cis/image.yaml', original);
    expect(run().split('\n')[0]).toBe(`gen-bom custom: TKr ${NAME}`);
  });

  it('refuses a published.json that still records a revocation image.yaml no longer declares, saying to upload again', () => {
    ws.publishAll();
    ws.publish('ubuntu-2004-aws-cis', { ...PUBLISHED['ubuntu-2004-aws-cis']!, revoked: { reason: 'CVE', at: '2026-02-20', applied: [] } });
    const e = kilnErrorOf(() => run());
    expect([e.code, e.message, e.hint]).toEqual([
      'PUBLISHED_STALE',
      'dist/images/ubuntu-2004-aws-cis/upload/published.json records the revocation of 2026-02-20, but images/ubuntu-2004-aws-cis/image.yaml no longer revokes the image',
      'run nx run ubuntu-2004-aws-cis:upload again: it restores the image in the cloud and rewrites the record',
    ]);
  });
});
