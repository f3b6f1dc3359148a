// shellQuote: plain words stay as they are, everything else is single-quoted so the shell reads it back unchanged.
import { describe, expect, it } from 'vitest';
import { shellQuote } from './shell-quote';

describe('shellQuote', () => {
  it('leaves plain words unquoted and single-quotes spaces, quotes, $ and empty strings', () => {
    expect(
      shellQuote(['docker', 'run', '-v', '/a/b.json:/c/d.json:ro', 'PACKER_VAR_FILES=tkg.json vsphere.json', "it's", '$HOME', '', 'a"b']),
    ).toBe(`docker run -v /a/b.json:/c/d.json:ro 'PACKER_VAR_FILES=tkg.json vsphere.json' 'it'\\''s' '$HOME' '' 'a"b'`);
  });

  it('quotes a path with spaces as one word', () => {
    expect(shellQuote(['-v', '/home/Jane Doe/.aws:/home/imagebuilder/.aws:ro'])).toBe(
      `-v '/home/Jane Doe/.aws:/home/imagebuilder/.aws:ro'`,
    );
  });
});
