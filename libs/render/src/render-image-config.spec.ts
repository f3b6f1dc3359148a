import { describe, expect, it } from 'vitest';
import { renderImageConfig } from './render-image-config';
import { FIXTURE_TKG_JSON, awsSpec, azureSpec, fixtureContext, vsphereSpec } from '../test/test-fixtures';

/** Every object's keys, at every depth, in document order. */
function keyOrders(value: unknown, out: string[][] = []): string[][] {
  if (Array.isArray(value)) value.forEach((v) => keyOrders(v, out));
  else if (value !== null && typeof value === 'object') {
    out.push(Object.keys(value));
    Object.values(value).forEach((v) => keyOrders(v, out));
  }
  return out;
}

describe('renderImageConfig', () => {
  it('writes tkg.json, customizations.json, build-plan.json, plus metadata.json on vSphere only', () => {
    expect(Object.keys(renderImageConfig(fixtureContext(vsphereSpec()))).sort()).toEqual([
      'build-plan.json',
      'customizations.json',
      'metadata.json',
      'tkg.json',
    ]);
    expect(Object.keys(renderImageConfig(fixtureContext(awsSpec()))).sort()).toEqual([
      'build-plan.json',
      'customizations.json',
      'tkg.json',
    ]);
    expect(Object.keys(renderImageConfig(fixtureContext(azureSpec()))).sort()).toEqual([
      'build-plan.json',
      'customizations.json',
      'tkg.json',
    ]);
  });

  it('metadata.json is exactly {"VERSION": <vsphere.version>}', () => {
    expect(renderImageConfig(fixtureContext(vsphereSpec()))['metadata.json']).toBe('{\n  "VERSION": "v1.26.5+vmware.1-myorg.0"\n}\n');
  });

  it('FIPS + hardening: install_fips=no appears in no rendered file', () => {
    const ctx = fixtureContext(awsSpec({ fips: true, hardening: { cis: { aide: true } } }), {
      tkgJson: { ...FIXTURE_TKG_JSON, ansible_user_vars: 'install_fips=no' },
    });
    const files = renderImageConfig(ctx);
    expect(Object.entries(files).filter(([, text]) => text.includes('install_fips'))).toEqual([]);
  });

  it('identical inputs give byte-identical output', () => {
    const spec = awsSpec({
      hardening: { cis: { aide: true } },
      proxy: { http: 'http://p:80', noProxy: ['a', 'b'] },
      extraPackages: ['jq'],
    });
    const first = renderImageConfig(fixtureContext(spec));
    const second = renderImageConfig(fixtureContext(structuredClone(spec)));
    expect(second).toEqual(first);
  });

  it('every file has sorted keys at every depth, LF line endings and exactly one final newline', () => {
    const files = renderImageConfig(fixtureContext(vsphereSpec({ gpu: true, packerVars: { zz: '1', aa: '2' } })));
    for (const [name, text] of Object.entries(files)) {
      expect({ name, crlf: text.includes('\r'), final: text.endsWith('}\n') && !text.endsWith('\n\n') }).toEqual({
        name,
        crlf: false,
        final: true,
      });
      for (const keys of keyOrders(JSON.parse(text))) expect(keys).toEqual([...keys].sort());
    }
    expect(Object.keys(JSON.parse(files['customizations.json']))).toEqual([
      'aa',
      'ansible_user_vars',
      'build_version',
      'custom_role_names',
      'vmx_version',
      'zz',
    ]);
  });

  it('build-plan.json is schemaVersion 2 and names no host credentials, output or home folder', () => {
    for (const spec of [vsphereSpec(), awsSpec(), azureSpec()]) {
      const text = renderImageConfig(fixtureContext(spec))['build-plan.json'];
      expect(JSON.parse(text).schemaVersion).toBe(2);
      expect(text.match(/\{(credentials|output|home)\}|envFile|azure-creds|~\//g)).toBeNull();
    }
  });

  it('a plain vSphere customizations.json holds only the build VM name and the package-list role', () => {
    expect(renderImageConfig(fixtureContext(vsphereSpec()))['customizations.json']).toBe(
      [
        '{',
        '  "ansible_user_vars": "kiln_package_list_dest=/home/imagebuilder/output/packages.tsv",',
        '  "build_version": "kiln-img",',
        '  "custom_role_names": "/home/imagebuilder/tkg /home/imagebuilder/kiln-package-list"',
        '}',
        '',
      ].join('\n'),
    );
  });
});
