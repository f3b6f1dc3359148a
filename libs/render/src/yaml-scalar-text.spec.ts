import { describe, expect, it } from 'vitest';
import { yamlScalarText } from './yaml-scalar-text';

describe('yamlScalarText', () => {
  it.each([
    'v1.26.5+vmware.2-tkg.1',
    'ami-0f00000000000000a',
    'PLANNED:img',
    'tkg_gallery',
    '/dc0/vm/tkg',
    '00000000-0000-4000-8000-000000000001',
  ])('writes %s plain', (v) => {
    expect(yamlScalarText(v)).toBe(v);
  });

  it.each([
    '20.04',
    '3',
    '0.0.1',
    '2021-06-28',
    '1:30',
    'yes',
    'On',
    'null',
    '',
    'VM Network',
    'a: b',
    '#x',
    'image-type=ova,os-name=ubuntu',
  ])('double-quotes %j, which a YAML reader could take for something other than that string', (v) => {
    expect(yamlScalarText(v)).toBe(JSON.stringify(v));
  });

  it('writes numbers and booleans as themselves', () => {
    expect([yamlScalarText(3), yamlScalarText(true)]).toEqual(['3', 'true']);
  });
});
