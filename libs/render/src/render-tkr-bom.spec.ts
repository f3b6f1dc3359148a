// gen-bom's files: BoM, ConfigMap (binaryData = the BoM's exact bytes), changes.diff and tkr.json.
// Regenerate the golden diff after an intended change with: npx vitest run src/render-tkr-bom.spec.ts -u
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderTkrBom, type TkrBomInput } from './render-tkr-bom';
import { AMI, OVA, SIG, fixturesDir, readBomFixture } from '../test/tkr-bom-test-images';

const NAME = 'v1.26.5---vmware.2-tkg.1-myorg';
const input = (): TkrBomInput => ({
  tkr: 'custom',
  bomFile: 'tkrs/custom/tkr-bom-2space.yaml',
  bom: readBomFixture('tkr-bom-2space.yaml'),
  suffix: 'myorg',
  namespace: 'tkr-system',
  images: [OVA, AMI, SIG],
  outputPath: 'dist/tkrs/custom',
});

describe('renderTkrBom', () => {
  it('writes tkr-bom-<TKr name>.yaml, configmap-<TKr name>.yaml, changes.diff and tkr.json', () => {
    expect(Object.keys(renderTkrBom(input()).files).sort()).toEqual([
      'changes.diff',
      `configmap-${NAME}.yaml`,
      `tkr-bom-${NAME}.yaml`,
      'tkr.json',
    ]);
  });

  it('writes the ConfigMap the TKr controller reads: name and label = TKr name, namespace, BoM in binaryData', () => {
    const out = renderTkrBom({ ...input(), namespace: 'tkg-custom' });
    const text = out.files[`configmap-${NAME}.yaml`]!;
    expect(text.replace(/bomContent: ".*"/, 'bomContent: "<b64>"')).toBe(
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        `  name: ${NAME}`,
        '  namespace: tkg-custom',
        '  labels:',
        `    tanzuKubernetesRelease: ${NAME}`,
        'binaryData:',
        '  bomContent: "<b64>"',
        '',
      ].join('\n'),
    );
  });

  it('binaryData.bomContent decodes to exactly the bytes of the written BoM', () => {
    const out = renderTkrBom(input());
    const b64 = parse(out.files[`configmap-${NAME}.yaml`]!).binaryData.bomContent as string;
    expect(Buffer.from(b64, 'base64').equals(Buffer.from(out.files[`tkr-bom-${NAME}.yaml`]!, 'utf8'))).toBe(true);
  });

  it('changes.diff is the line diff of the base BoM and the new one (golden file)', async () => {
    const text = renderTkrBom(input()).files['changes.diff']!;
    expect(text.split('\n').slice(0, 2)).toEqual(['--- tkrs/custom/tkr-bom-2space.yaml', `+++ dist/tkrs/custom/tkr-bom-${NAME}.yaml`]);
    await expect(text).toMatchFileSnapshot(join(fixturesDir, 'golden', 'tkr-bom', 'tkr-bom-2space.changes.diff'));
  });

  it('records the names in tkr.json for the steps that follow', () => {
    expect(JSON.parse(renderTkrBom(input()).files['tkr.json']!)).toEqual({
      baseBom: 'tkrs/custom/tkr-bom-2space.yaml',
      baseVersion: 'v1.26.5+vmware.2-tkg.1',
      bom: `tkr-bom-${NAME}.yaml`,
      configMap: `configmap-${NAME}.yaml`,
      images: ['ubuntu-2004-vsphere-class', 'ubuntu-2004-aws-cis', 'ubuntu-2004-azure-fips'],
      namespace: 'tkr-system',
      tkr: 'custom',
      tkrName: NAME,
      version: 'v1.26.5+vmware.2-tkg.1-myorg',
    });
  });

  it('ends its summary with the size of the diff', () => {
    expect(renderTkrBom(input()).summary.at(-1)).toBe('diff: +27 -1 lines (changes.diff)');
  });

  it('gives byte-identical files for the same inputs', () => {
    expect(renderTkrBom(input()).files).toEqual(renderTkrBom(structuredClone(input())).files);
  });
});
