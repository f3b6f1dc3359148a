import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterYaml, imageYaml, tkrYaml } from './spec-text';

describe('generator spec text', () => {
  it('writes option values as data: anything YAML would read differently is quoted', () => {
    const text = imageYaml({
      infra: 'aws',
      os: 'ubuntu-2004',
      release: 'v2.3.0',
      extraPackages: ['jq', 'yes', 'a: b', '#x'],
      upload: { region: 'us-east-1', copyToRegions: ['us-west-2'] },
    });
    expect(parse(text)).toEqual({
      infra: 'aws',
      os: 'ubuntu-2004',
      release: 'v2.3.0',
      extraPackages: ['jq', 'yes', 'a: b', '#x'],
      upload: { aws: { region: 'us-east-1', copyToRegions: ['us-west-2'] } },
    });
    expect(text).toContain('extraPackages: [jq, "yes", "a: b", "#x"]\n');
  });

  it('comments out the optional keys it does not set, and writes gpu whenever asked (the rules decide)', () => {
    const text = imageYaml({ infra: 'aws', os: 'ubuntu-2004', release: 'v2.3.0', gpu: true, upload: { region: 'us-east-1' } });
    expect(
      text
        .split('\n')
        .filter((l) => l.startsWith('# ') && /^# (hardening|fips|proxy|extraPackages|refresh):/.test(l))
        .map((l) => l.split(':')[0]),
    ).toEqual(['# hardening', '# fips', '# proxy', '# extraPackages', '# refresh']);
    expect(parse(text).gpu).toBe(true);
  });

  it('renders tkr and cluster files that parse to the given options', () => {
    expect(
      parse(tkrYaml({ bom: 'tkr-bom-v1.yaml', version: 'v1', suffix: 'acme', images: ['a', 'b'], context: 'mgmt-admin@mgmt' })),
    ).toEqual({
      bom: 'tkr-bom-v1.yaml',
      suffix: 'acme',
      images: ['a', 'b'],
      managementCluster: { context: 'mgmt-admin@mgmt', namespace: 'tkr-system' },
    });
    expect(parse(clusterYaml({ base: 'mgmt.yaml', clusterName: 'w1', image: 'img' }))).toEqual({
      base: 'mgmt.yaml',
      name: 'w1',
      image: 'img',
    });
  });
});
