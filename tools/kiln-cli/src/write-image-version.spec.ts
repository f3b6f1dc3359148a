import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '@kiln/catalog';
import { formatError } from '@kiln/errors';
import { kilnErrorOf, tempDir } from '@kiln/testing';
import { loadImageSpec } from '@kiln/schema';
import { spliceImageVersion, writeImageVersion } from './write-image-version';

const V = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const FILE = 'images/ubuntu-class/image.yaml';
const dir = tempDir('kiln-write-version-spec-');

/** An image.yaml whose vsphere block is `vsphere` (lines joined with \n). */
function image(vsphere: string[], infra = 'vsphere'): string {
  return [
    '# yaml-language-server: $schema=../../libs/schema/src/schemas/image.schema.json',
    '# Ubuntu 20.04 OVA for class-based vSphere clusters.',
    `infra: ${infra}`,
    'os: ubuntu-2004',
    'release: v2.3.0',
    ...vsphere,
    'upload:',
    '  vsphere:',
    '    datacenter: /dc0',
    '    folder: /dc0/vm/tkg-templates',
    '    datastore: vsanDatastore',
    '    resourcePool: /dc0/host/cluster0/Resources',
    '    cluster: cluster0',
    '    templateName: ubuntu-2004-kube-v1.26.5-class',
    '',
  ].join('\n');
}

/** Asserts `after` is `before` with line `index` replaced by `line`, every other line identical. */
function expectLineReplaced(before: string, after: string, index: number, line: string): void {
  const expected = before.split('\n');
  expected[index] = line;
  expect(after.split('\n')).toEqual(expected);
}

/** Asserts `after` is `before` with `line` inserted before line `index`, every other line identical. */
function expectLineInserted(before: string, after: string, index: number, line: string): void {
  const expected = before.split('\n');
  expected.splice(index, 0, line);
  expect(after.split('\n')).toEqual(expected);
}

function tempImage(text: string): string {
  const path = join(mkdtempSync(join(dir, 'image-')), 'image.yaml');
  writeFileSync(path, text);
  return path;
}

describe('spliceImageVersion', () => {
  it('replaces an existing plain value and nothing else', () => {
    const before = image(['vsphere:', '  clusterType: class', '  version: v1.26.5+vmware.1-tkg.1-0123456789abcdef']);
    const edit = spliceImageVersion(before, V, FILE);
    expectLineReplaced(before, edit.text, 7, `  version: ${V}`);
    expect([edit.changed, edit.previous]).toEqual([true, 'v1.26.5+vmware.1-tkg.1-0123456789abcdef']);
  });

  it('keeps double quotes around an existing double-quoted value', () => {
    const before = image(['vsphere:', '  clusterType: class', '  version: "v1.26.5+vmware.1-tkg.1-old"']);
    expectLineReplaced(before, spliceImageVersion(before, V, FILE).text, 7, `  version: "${V}"`);
  });

  it('keeps single quotes around an existing single-quoted value', () => {
    const before = image(['vsphere:', "  version: 'v1.26.5+vmware.1-tkg.1-old'", '  clusterType: class']);
    expectLineReplaced(before, spliceImageVersion(before, V, FILE).text, 6, `  version: '${V}'`);
  });

  it('keeps the comments on and around the version line', () => {
    const before = image([
      'vsphere:',
      "  # class-based: VERSION is the default Ubuntu OVA's OS image version",
      '  clusterType: class   # not plan',
      '  version: v1.26.5+vmware.1-tkg.1-old    # from kiln os-image-version',
      '  # end of the vsphere block',
    ]);
    expectLineReplaced(before, spliceImageVersion(before, V, FILE).text, 8, `  version: ${V}    # from kiln os-image-version`);
  });

  it('adds a missing version key under vsphere, indented like its siblings', () => {
    const before = image(['vsphere:', '    clusterType: class   # not plan', '    # end of the vsphere block']);
    const edit = spliceImageVersion(before, V, FILE);
    expectLineInserted(before, edit.text, 7, `    version: ${V}`);
    expect([edit.changed, edit.previous]).toEqual([true, undefined]);
  });

  it('fills an empty version value', () => {
    const before = image(['vsphere:', '  clusterType: class', '  version:']);
    expectLineReplaced(before, spliceImageVersion(before, V, FILE).text, 7, `  version: ${V}`);
  });

  it('fills an empty version value followed by a comment', () => {
    const before = image(['vsphere:', '  clusterType: class', '  version:   # fill me']);
    expectLineReplaced(before, spliceImageVersion(before, V, FILE).text, 7, `  version:   ${V} # fill me`);
  });

  it('adds the key to a flow-style vsphere map', () => {
    const before = image(['vsphere: {clusterType: class}']);
    expectLineReplaced(before, spliceImageVersion(before, V, FILE).text, 5, `vsphere: {clusterType: class, version: ${V}}`);
  });

  it('keeps CRLF line endings', () => {
    const before = image(['vsphere:', '  clusterType: class']).replace(/\n/g, '\r\n');
    const after = spliceImageVersion(before, V, FILE).text;
    expect(after).toBe(before.replace('  clusterType: class\r\n', `  clusterType: class\r\n  version: ${V}\r\n`));
  });

  it('quotes a value that plain YAML would read as something else', () => {
    const before = image(['vsphere:', '  clusterType: class', '  version: old']);
    expectLineReplaced(before, spliceImageVersion(before, '1.26', FILE).text, 7, '  version: "1.26"');
  });

  it('quotes a value containing " #" that plain YAML would cut as a comment', () => {
    const before = image(['vsphere:', '  clusterType: class']);
    expectLineInserted(before, spliceImageVersion(before, 'v1.26.5 #1', FILE).text, 7, '  version: "v1.26.5 #1"');
  });

  it('reports no change when the value is already there', () => {
    const before = image(['vsphere:', '  clusterType: class', `  version: "${V}"`]);
    expect(spliceImageVersion(before, V, FILE)).toEqual({ text: before, previous: V, changed: false });
  });

  it('refuses a non-vSphere image, pointing at infra', () => {
    const e = kilnErrorOf(() => spliceImageVersion(image([], 'aws'), V, FILE));
    expect(formatError(e).split('\n')[0]).toBe(
      `${FILE}:3:8: not a vSphere image (infra: aws); the OVA VERSION only applies to vsphere images`,
    );
  });

  it('refuses a plan-based image, pointing at clusterType', () => {
    const e = kilnErrorOf(() =>
      spliceImageVersion(image(['vsphere:', '  clusterType: plan', '  version: v1.26.5+vmware.1-myorg.0']), V, FILE),
    );
    expect(e.code).toBe('IMAGE_PLAN_BASED');
    expect(formatError(e).split('\n')[0]).toBe(
      `${FILE}:7:16: plan-based image (vsphere.clusterType: plan): its VERSION is a unique string of yours, not the default OVA's OS image version`,
    );
  });

  it('refuses an image without a vsphere block', () => {
    const e = kilnErrorOf(() => spliceImageVersion(image([]), V, FILE));
    expect([e.code, e.message]).toEqual(['IMAGE_NO_VSPHERE_BLOCK', 'no vsphere: block to record the version in']);
  });

  it('refuses a version written through a YAML anchor', () => {
    const e = kilnErrorOf(() => spliceImageVersion(image(['vsphere:', '  clusterType: class', '  version: &v old']), V, FILE));
    expect([e.code, e.location]).toEqual(['IMAGE_VERSION_UNEDITABLE', `${FILE}:8:15`]);
  });

  it('reports YAML syntax errors of the file with their position', () => {
    const e = kilnErrorOf(() => spliceImageVersion('infra: vsphere\nvsphere:\n  clusterType: [class\n', V, FILE));
    expect(formatError(e).split('\n')[0]).toBe(
      `${FILE}:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    );
  });
});

describe('writeImageVersion', () => {
  it('writes a file that still validates and differs only on the version line', () => {
    const before = image(['vsphere:', '  clusterType: class', '  version: v1.26.5+vmware.1-tkg.1-old']);
    const path = tempImage(before);
    writeImageVersion(path, FILE, V);
    const after = readFileSync(path, 'utf8');
    expectLineReplaced(before, after, 7, `  version: ${V}`);
    expect(loadImageSpec(FILE, after, loadCatalog()).spec.vsphere?.version).toBe(V);
  });

  it('keeps the file mode', () => {
    const path = tempImage(image(['vsphere:', '  clusterType: class']));
    chmodSync(path, 0o640);
    writeImageVersion(path, FILE, V);
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('does not rewrite the file when nothing changes', () => {
    const path = tempImage(image(['vsphere:', '  clusterType: class', `  version: ${V}`]));
    const inode = statSync(path).ino;
    expect(writeImageVersion(path, FILE, V).changed).toBe(false);
    expect(statSync(path).ino).toBe(inode);
  });

  it('refuses to write a value that would make the file invalid, leaving it untouched', () => {
    const before = image(['vsphere:', '  clusterType: class', '  version: v1.26.5+vmware.1-tkg.1-old']);
    const path = tempImage(before);
    const e = kilnErrorOf(() => writeImageVersion(path, FILE, 'v1.26.5"bad'));
    expect(formatError(e)).toBe(
      [
        `${FILE}: not written: with vsphere.version v1.26.5"bad the file would be invalid`,
        `${FILE}:8:12: /vsphere/version must not contain "\\"" (it would break the OVF XML)`,
        '  hint: use letters, digits and . + - _ only, e.g. v1.26.5+vmware.1-myorg.0',
      ].join('\n'),
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('refuses to write into a file that is invalid for another reason', () => {
    const before = image(['vsphere:', '  clusterType: class']).replace('os: ubuntu-2004', 'os: windows-11');
    const path = tempImage(before);
    const e = kilnErrorOf(() => writeImageVersion(path, FILE, V));
    expect(e.code).toBe('IMAGE_WRITE_INVALID');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('refuses a plan-based image, leaving it untouched', () => {
    const before = image(['vsphere:', '  clusterType: plan', '  version: v1.26.5+vmware.1-myorg.0']);
    const path = tempImage(before);
    expect(kilnErrorOf(() => writeImageVersion(path, FILE, V)).code).toBe('IMAGE_PLAN_BASED');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('says when the image.yaml does not exist', () => {
    const e = kilnErrorOf(() => writeImageVersion(join(dir, 'nope', 'image.yaml'), 'images/nope/image.yaml', V));
    expect([e.code, e.message]).toEqual(['FILE_MISSING', 'file not found: images/nope/image.yaml']);
  });
});
