import { describe, expect, it } from 'vitest';
import { kilnErrorOf } from '@kiln/testing';
import { editFlatConfig, parseFlatConfig } from './flat-config-edit';

const edit = (text: string, e: Partial<Parameters<typeof editFlatConfig>[1]>) =>
  editFlatConfig(parseFlatConfig(text, 'c.yaml'), { header: [], remove: [], groups: [], ...e });

describe('editFlatConfig', () => {
  it("removes a key's whole line, inline comment included, and nothing else", () => {
    expect(edit('# top\nA: 1\nCLUSTER_NAME: mgmt # old\nB: 2\n', { remove: ['CLUSTER_NAME'] })).toBe('# top\nA: 1\nB: 2\n');
  });

  it('replaces only the value of a key the file has, keeping its comment and quotes style of the rest', () => {
    expect(edit('A: "x"   # keep\nB: 2\n', { groups: [{ title: 't', settings: [{ key: 'A', value: 'y z' }] }] })).toBe(
      'A: "y z"   # keep\nB: 2\n',
    );
  });

  it('fills in a key that has no value', () => {
    expect(edit('A:\nB: 2\n', { groups: [{ title: 't', settings: [{ key: 'A', value: 'v' }] }] })).toBe('A: v\nB: 2\n');
  });

  it('appends new keys under their group title, after a missing final newline', () => {
    expect(edit('A: 1', { header: ['h'], groups: [{ title: 't', settings: [{ key: 'N', value: 3, comment: ['why'] }] }] })).toBe(
      '# h\nA: 1\n# t\n# why\nN: 3\n',
    );
  });

  it('refuses a file that is not a flat map', () => {
    const error = kilnErrorOf(() => parseFlatConfig('- a\n- b\n', 'c.yaml'));
    expect([error.code, error.message, error.file]).toEqual([
      'CLUSTER_CONFIG_INVALID',
      'a cluster configuration file is a flat list of KEY: value lines',
      'c.yaml',
    ]);
  });
});
