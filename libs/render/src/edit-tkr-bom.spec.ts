// The BoM editor against three hand-written BoMs of different styles: exact inserted blocks, every other byte kept.
// Regenerate the golden files after an intended change with: npx vitest run src/edit-tkr-bom.spec.ts -u
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kilnErrorOf } from '@kiln/testing';
import { editTkrBom } from './edit-tkr-bom';
import { AMI, CLASS_VERSION, FIXTURES, OVA, SIG, UBUNTU, fixturesDir, readBomFixture, removeOnce } from '../test/tkr-bom-test-images';
import type { BomImage } from './tkr-bom-images';

const goldenDir = join(fixturesDir, 'golden', 'tkr-bom');
const ALL: BomImage[] = [OVA, AMI, SIG];

function edit(fixture: string, images: BomImage[] = ALL, suffix = 'myorg') {
  return editTkrBom(readBomFixture(fixture), `tkrs/t/${fixture}`, suffix, images);
}

describe('editTkrBom golden files', () => {
  it.each(FIXTURES)('%s with an OVA, an AMI and a gallery image gives exactly its golden file', async (fixture) => {
    await expect(edit(fixture).text).toMatchFileSnapshot(join(goldenDir, fixture));
  });

  it('the golden folder holds one file per fixture and the changes.diff of render-tkr-bom.spec.ts, nothing else', () => {
    expect(readdirSync(goldenDir).sort()).toEqual([...FIXTURES, 'tkr-bom-2space.changes.diff'].sort());
  });
});

describe('editTkrBom keeps every other byte', () => {
  it('2-space lists: the blocks sit at their spots and removing them gives the input back byte for byte', () => {
    const input = readBomFixture('tkr-bom-2space.yaml');
    const out = edit('tkr-bom-2space.yaml').text;
    const ova = [
      '  - name: ubuntu-2004-vsphere-class',
      '    osinfo:',
      '      name: ubuntu',
      '      version: "20.04"',
      '      arch: amd64',
      `    version: ${CLASS_VERSION}`,
      '',
    ].join('\n');
    const amiEast = [
      '    - id: ami-0f00000000000000a',
      '      osinfo:',
      '        name: ubuntu',
      '        version: "20.04"',
      '        arch: amd64',
      '',
    ].join('\n');
    const amiCanada = [
      '  ca-central-1:',
      '    - id: ami-0f00000000000000b',
      '      osinfo:',
      '        name: ubuntu',
      '        version: "20.04"',
      '        arch: amd64',
      '',
    ].join('\n');
    const sig = [
      '  - resourceGroup: tkg-images',
      '    name: ubuntu-2004-fips',
      '    subscriptionID: 00000000-0000-4000-8000-000000000001',
      '    gallery: tkg_gallery',
      '    version: "0.0.1"',
      '    osinfo:',
      '      name: ubuntu',
      '      version: "20.04"',
      '      arch: amd64',
      '',
    ].join('\n');
    expect(out).toContain(`${ova}ami:\n`);
    expect(out).toContain(`  us-east-1:\n${amiEast}    - id: ami-0a000000000000010\n`);
    expect(out).toContain(`      arch: amd64\n${amiCanada}  eu-central-1:\n`);
    expect(out).toContain(`${sig}imageConfig:\n`);
    let rest = out;
    for (const block of [ova, amiEast, amiCanada, sig]) rest = removeOnce(rest, block);
    expect(rest.replace('  version: v1.26.5+vmware.2-tkg.1-myorg\n', '  version: v1.26.5+vmware.2-tkg.1\n')).toBe(input);
  });

  it('indentless lists, no apiVersion, no ova: the ova block is created before the comment of ami: and nothing else moves', () => {
    const input = readBomFixture('tkr-bom-indentless-no-ova.yaml');
    const out = edit('tkr-bom-indentless-no-ova.yaml').text;
    const ova = [
      'ova:',
      '- name: ubuntu-2004-vsphere-class',
      '  osinfo:',
      '    name: ubuntu',
      '    version: "20.04"',
      '    arch: amd64',
      `  version: ${CLASS_VERSION}`,
      '',
    ].join('\n');
    const amiEast = [
      '  us-east-1:',
      '  - id: ami-0f00000000000000a',
      '    osinfo:',
      '      name: ubuntu',
      '      version: "20.04"',
      '      arch: amd64',
      '',
    ].join('\n');
    const amiCanada = amiEast.replace('us-east-1', 'ca-central-1').replace('ami-0f00000000000000a', 'ami-0f00000000000000b');
    const sig = [
      '- resourceGroup: tkg-images',
      '  name: ubuntu-2004-fips',
      '  subscriptionID: 00000000-0000-4000-8000-000000000001',
      '  gallery: tkg_gallery',
      '  version: "0.0.1"',
      '  osinfo:',
      '    name: ubuntu',
      '    version: "20.04"',
      '    arch: amd64',
      '',
    ].join('\n');
    expect(out).toContain(`  kubernetesVersion: v1.25.7+vmware.2\n\n${ova}# AWS images by region\nami:\n${amiCanada}  eu-west-1:\n`);
    expect(out).toContain(`      arch: amd64\n${amiEast}  us-west-2:\n`);
    expect(out).toContain(`    arch: amd64\n${sig}imageConfig:\n`);
    expect(out.startsWith('# Kiln test fixture')).toBe(true);
    expect(out).not.toContain('apiVersion: run.tanzu');
    let rest = out;
    for (const block of [ova, amiEast, amiCanada, sig]) rest = removeOnce(rest, block);
    expect(rest.replace('  version: "v1.25.7+vmware.2-tkg.1-myorg"\n', '  version: "v1.25.7+vmware.2-tkg.1"\n')).toBe(input);
  });

  it('4-space indentation and "-" alone on its line, no azure: each block follows its list\'s own style', () => {
    const input = readBomFixture('tkr-bom-4space-no-azure.yaml');
    const out = edit('tkr-bom-4space-no-azure.yaml').text;
    const ova = [
      '    -',
      '        name: ubuntu-2004-vsphere-class',
      '        osinfo:',
      '            name: ubuntu',
      '            version: "20.04"',
      '            arch: amd64',
      `        version: ${CLASS_VERSION}`,
      '',
    ].join('\n');
    const amiEast = [
      '        -   id: ami-0f00000000000000a',
      '            osinfo:',
      '                name: ubuntu',
      '                version: "20.04"',
      '                arch: amd64',
      '',
    ].join('\n');
    const amiCanada = `    ca-central-1:\n${amiEast.replace('ami-0f00000000000000a', 'ami-0f00000000000000b')}`;
    const sig = [
      'azure:',
      '    -   resourceGroup: tkg-images',
      '        name: ubuntu-2004-fips',
      '        subscriptionID: 00000000-0000-4000-8000-000000000001',
      '        gallery: tkg_gallery',
      '        version: "0.0.1"',
      '        osinfo:',
      '            name: ubuntu',
      '            version: "20.04"',
      '            arch: amd64',
      '',
    ].join('\n');
    expect(out).toContain(`e0e0e0e0\n${ova}ami:\n${amiCanada}    us-east-1:\n${amiEast}        -   id: ami-0d000000000000001\n`);
    expect(out).toContain(`                arch: amd64\n${sig}imageConfig:\n`);
    expect(out.endsWith('# trailing comment at the end of the file\n')).toBe(true);
    let rest = out;
    for (const block of [ova, amiEast, amiCanada, sig]) rest = removeOnce(rest, block);
    expect(rest.replace('v1.24.10+vmware.1-tkg.1-myorg   # two', 'v1.24.10+vmware.1-tkg.1   # two')).toBe(input);
  });
});

describe('editTkrBom entries', () => {
  it("puts the AMI first in an existing region and keeps that region's other AMIs in order after it", () => {
    const before = parse(readBomFixture('tkr-bom-2space.yaml')).ami['us-east-1'];
    const after = parse(edit('tkr-bom-2space.yaml', [AMI]).text).ami['us-east-1'];
    expect(after).toEqual([{ id: 'ami-0f00000000000000a', osinfo: UBUNTU }, ...before]);
  });

  it('creates a missing region in alphabetical position among the 15 listed regions', () => {
    const keys = Object.keys(parse(edit('tkr-bom-2space.yaml', [AMI]).text).ami);
    expect(keys).toHaveLength(16);
    expect(keys).toEqual([...keys].sort());
    expect(keys.slice(4, 7)).toEqual(['ap-southeast-2', 'ca-central-1', 'eu-central-1']);
  });

  it('adds a region sorting after every listed one at the end of ami:', () => {
    const late = { ...AMI, amis: { 'us-west-3': 'ami-0f00000000000000c' } };
    const out = edit('tkr-bom-2space.yaml', [late]).text;
    expect(out).toContain(
      '        arch: amd64\n  us-west-3:\n    - id: ami-0f00000000000000c\n      osinfo:\n        name: ubuntu\n        version: "20.04"\n        arch: amd64\nazure:\n',
    );
  });

  it('writes osinfo.version as a quoted string for every OS ("20.04", "3", "8", "2")', () => {
    const photon = { ...OVA, image: 'photon-3-vsphere', name: 'photon-3-vsphere', osinfo: { name: 'photon', version: '3', arch: 'amd64' } };
    const rhel = { ...OVA, image: 'rhel-8-vsphere', name: 'rhel-8-vsphere', osinfo: { name: 'rhel', version: '8', arch: 'amd64' } };
    const amazon = {
      ...AMI,
      image: 'amazon-2-aws',
      amis: { 'us-east-1': 'ami-0f00000000000000d' },
      osinfo: { name: 'amazon', version: '2', arch: 'amd64' },
    };
    const out = edit('tkr-bom-indentless-no-ova.yaml', [OVA, photon, rhel, amazon]).text;
    const doc = parse(out);
    expect(doc.ova.map((e: { osinfo: { version: unknown } }) => e.osinfo.version)).toEqual(['20.04', '3', '8']);
    expect(doc.ami['us-east-1'][0].osinfo.version).toBe('2');
    for (const v of ['"20.04"', '"3"', '"8"', '"2"']) expect(out).toContain(`    version: ${v}\n`);
  });

  it("suffixes release.version, keeping the scalar's quotes and the spacing before it", () => {
    expect(parse(edit('tkr-bom-2space.yaml').text).release.version).toBe('v1.26.5+vmware.2-tkg.1-myorg');
    expect(edit('tkr-bom-indentless-no-ova.yaml').text).toContain('\n  version: "v1.25.7+vmware.2-tkg.1-myorg"\n');
    expect(edit('tkr-bom-4space-no-azure.yaml').text).toContain('\n    version:  v1.24.10+vmware.1-tkg.1-myorg   # two spaces');
  });

  it('returns one change line per edit, in BoM order', () => {
    expect(edit('tkr-bom-2space.yaml').changes).toEqual([
      'release.version v1.26.5+vmware.2-tkg.1 → v1.26.5+vmware.2-tkg.1-myorg',
      `+ ova[2] ubuntu-2004-vsphere-class: ubuntu 20.04 amd64, version ${CLASS_VERSION} (image ubuntu-2004-vsphere-class)`,
      '+ ami.ca-central-1[0] ami-0f00000000000000b: ubuntu 20.04 amd64 (image ubuntu-2004-aws-cis, new region)',
      "+ ami.us-east-1[0] ami-0f00000000000000a: ubuntu 20.04 amd64 (image ubuntu-2004-aws-cis, before the region's existing AMIs)",
      '+ azure[2] shared gallery tkg_gallery/ubuntu-2004-fips 0.0.1: ubuntu 20.04 amd64 (image ubuntu-2004-azure-fips)',
    ]);
  });

  it('lists two AMIs of one region in the order the images are listed, both before the existing ones', () => {
    const second = { ...AMI, image: 'ubuntu-2004-aws-stig', amis: { 'us-east-1': 'ami-0f00000000000000e' } };
    const ids = parse(edit('tkr-bom-2space.yaml', [AMI, second]).text).ami['us-east-1'].map((e: { id: string }) => e.id);
    expect(ids).toEqual(['ami-0f00000000000000a', 'ami-0f00000000000000e', 'ami-0a000000000000010', 'ami-0b000000000000010']);
  });

  it('gives byte-identical output for the same inputs', () => {
    for (const fixture of FIXTURES) expect(edit(fixture).text).toBe(edit(fixture, structuredClone(ALL)).text);
  });
});

describe('editTkrBom edge shapes', () => {
  const mini = (rest: string) => `release:\n  version: v1.26.5+vmware.2-tkg.1\n${rest}`;

  it('a file without a final newline gets one before an appended item', () => {
    const out = editTkrBom(mini('azure:\n- sku: s'), 'b.yaml', 'x', [SIG]).text;
    expect(out).toBe(
      mini(
        'azure:\n- sku: s\n- resourceGroup: tkg-images\n  name: ubuntu-2004-fips\n  subscriptionID: 00000000-0000-4000-8000-000000000001\n  gallery: tkg_gallery\n  version: "0.0.1"\n  osinfo:\n    name: ubuntu\n    version: "20.04"\n    arch: amd64\n',
      ).replace('tkg.1\n', 'tkg.1-x\n'),
    );
  });

  it('a CRLF file gets CRLF blocks: the same result as LF with every newline as CRLF', () => {
    const lf = readBomFixture('tkr-bom-2space.yaml');
    const crlf = editTkrBom(lf.replace(/\n/g, '\r\n'), 'b.yaml', 'myorg', ALL).text;
    expect(crlf).toBe(editTkrBom(lf, 'b.yaml', 'myorg', ALL).text.replace(/\n/g, '\r\n'));
  });

  it('an empty "ova:" gets its first item on the next line', () => {
    const out = editTkrBom(mini('ova:\nami: {}\n'), 'b.yaml', 'x', [OVA]).text;
    expect(out).toBe(
      mini(
        `ova:\n- name: ubuntu-2004-vsphere-class\n  osinfo:\n    name: ubuntu\n    version: "20.04"\n    arch: amd64\n  version: ${CLASS_VERSION}\nami: {}\n`,
      ).replace('tkg.1\n', 'tkg.1-x\n'),
    );
  });

  it('"ami: []" becomes a block map of the image\'s regions', () => {
    const out = editTkrBom(mini('ami: []\n'), 'b.yaml', 'x', [{ ...AMI, amis: { 'us-east-1': 'ami-1' } }]).text;
    expect(out).toBe(
      mini('ami:\n  us-east-1:\n  - id: ami-1\n    osinfo:\n      name: ubuntu\n      version: "20.04"\n      arch: amd64\n').replace(
        'tkg.1\n',
        'tkg.1-x\n',
      ),
    );
  });
});

describe('editTkrBom errors', () => {
  it('an image listed twice in one run is refused', () => {
    const e = kilnErrorOf(() => edit('tkr-bom-2space.yaml', [OVA, AMI, OVA]));
    expect([e.code, e.message, e.file]).toEqual([
      'BOM_DUPLICATE_IMAGE',
      'image ubuntu-2004-vsphere-class is listed twice: an image can be added to a BoM once',
      'tkrs/t/tkr-bom-2space.yaml',
    ]);
  });

  it('an image already in the base BoM (its generated output) is refused', () => {
    const once = edit('tkr-bom-2space.yaml').text;
    const e = kilnErrorOf(() => editTkrBom(once, 'tkrs/t/b.yaml', 'again', ALL));
    expect([e.code, e.message, e.line]).toEqual([
      'BOM_IMAGE_PRESENT',
      'ova[2] is already named ubuntu-2004-vsphere-class: image ubuntu-2004-vsphere-class is in the BoM already',
      23,
    ]);
  });

  it('an AMI id already in ami: is refused, naming where it is', () => {
    const e = kilnErrorOf(() => edit('tkr-bom-2space.yaml', [{ ...AMI, amis: { 'us-west-2': 'ami-0a000000000000010' } }]));
    expect([e.code, e.message]).toEqual([
      'BOM_IMAGE_PRESENT',
      'ami.us-east-1[0] already lists ami-0a000000000000010 (image ubuntu-2004-aws-cis, region us-west-2)',
    ]);
  });

  it('a plan-based OVA whose VERSION another ova entry has is refused', () => {
    const e = kilnErrorOf(() => edit('tkr-bom-2space.yaml', [{ ...OVA, uniqueVersion: true }]));
    expect([e.code, e.message]).toEqual([
      'BOM_IMAGE_PRESENT',
      `ova[1] already has version ${CLASS_VERSION}: image ubuntu-2004-vsphere-class is plan-based, so its VERSION must be its own`,
    ]);
  });

  it("a class-based OVA may reuse the default OVA's VERSION (that is how class-based images are found)", () => {
    const versions = parse(edit('tkr-bom-2space.yaml', [OVA]).text).ova.map((e: { version: string }) => e.version);
    expect(versions.filter((v: string) => v === CLASS_VERSION)).toHaveLength(2);
  });

  it('a gallery image version already in azure: is refused', () => {
    const e = kilnErrorOf(() =>
      edit('tkr-bom-2space.yaml', [{ ...SIG, gallery: 'tkg_shared_gallery', name: 'ubuntu-2004-base', version: '1.0.0' }]),
    );
    expect([e.code, e.message]).toEqual([
      'BOM_IMAGE_PRESENT',
      'azure[1] already lists gallery image tkg_shared_gallery/ubuntu-2004-base version 1.0.0 (image ubuntu-2004-azure-fips)',
    ]);
  });

  it('a BoM without release.version is refused', () => {
    const e = kilnErrorOf(() => editTkrBom('release: {}\nova: []\n', 'b.yaml', 'x', [OVA]));
    expect([e.code, e.message, e.line]).toEqual([
      'BOM_NO_RELEASE_VERSION',
      'the BoM has no release.version string: is this a TKr BoM (tkr-bom-<version>.yaml)?',
      1,
    ]);
  });

  it('invalid YAML is refused with its position', () => {
    const e = kilnErrorOf(() => editTkrBom('release:\n  version: [v1\n', 'b.yaml', 'x', [OVA]));
    expect([e.code, e.file, e.line]).toEqual(['BOM_INVALID', 'b.yaml', 3]);
  });

  it('a non-empty flow list is refused rather than rewritten', () => {
    const e = kilnErrorOf(() => editTkrBom('release:\n  version: v1\nova: [{name: a}]\n', 'b.yaml', 'x', [OVA]));
    expect([e.code, e.message, e.line, e.column]).toEqual([
      'BOM_SHAPE',
      'ova: is not a block list (- item per line), so Kiln cannot add to it without rewriting it',
      3,
      1,
    ]);
  });
});
