import { describe, expect, it } from 'vitest';
import { formatError } from '@kiln/errors';
import { loadCatalog } from '@kiln/catalog';
import { loadImageSpec } from './load-spec';

function errorOf(text: string): string {
  try {
    loadImageSpec('images/x/image.yaml', text, loadCatalog());
  } catch (e) {
    return formatError(e);
  }
  throw new Error('expected an error');
}

describe('loadImageSpec', () => {
  it('reports a quoted boolean with its position and a hint', () => {
    const text = [
      'infra: aws',
      'os: ubuntu-2004',
      'release: v2.3.0',
      'hardening:',
      '  cis:',
      '    clamav: "yes"',
      'upload:',
      '  aws: { region: us-east-1 }',
      '',
    ].join('\n');
    expect(errorOf(text)).toBe('images/x/image.yaml:6:13: /hardening/cis/clamav must be boolean (got "yes")\n  hint: write true or false, without quotes');
  });
});
