// Custom TKr names: the suffix after the version, + as ---, Kubernetes name and label-length rules.
import { describe, expect, it } from 'vitest';
import { kilnErrorOf } from '@kiln/testing';
import { bomReleaseVersion, customTkrVersion, tkrNameOf } from './tkr-naming';

describe('custom TKr naming', () => {
  it('adds the suffix after the version, never before it', () => {
    expect(customTkrVersion('v1.26.5+vmware.2-tkg.1', 'mycustomtkr')).toBe('v1.26.5+vmware.2-tkg.1-mycustomtkr');
  });

  it('names the TKr after the version with every + as ---', () => {
    expect(tkrNameOf('v1.26.5+vmware.2-tkg.1-mycustomtkr')).toBe('v1.26.5---vmware.2-tkg.1-mycustomtkr');
  });

  it.each(['MyOrg', '-myorg', 'myorg-', 'my_org', 'my.org', ''])('refuses the suffix %j (Kubernetes name rules)', (suffix) => {
    const e = kilnErrorOf(() => customTkrVersion('v1.26.5+vmware.2-tkg.1', suffix, 'tkrs/t/tkr.yaml'));
    expect([e.code, e.message, e.file, e.hint]).toEqual([
      'TKR_SUFFIX_INVALID',
      `suffix ${JSON.stringify(suffix)} is not a valid Kubernetes name part`,
      'tkrs/t/tkr.yaml',
      "use lowercase letters, digits and '-', starting and ending with a letter or digit",
    ]);
  });

  it('refuses a suffix that makes the TKr name longer than a label value allows (63)', () => {
    const e = kilnErrorOf(() => customTkrVersion('v1.26.5+vmware.2-tkg.1', 'a'.repeat(39)));
    expect([e.code, e.message, e.hint]).toEqual([
      'TKR_NAME_LENGTH',
      `TKr name v1.26.5---vmware.2-tkg.1-${'a'.repeat(39)} is 64 characters long; a Kubernetes label value allows at most 63`,
      'shorten the suffix by 1 characters',
    ]);
  });

  it('accepts a suffix that makes the TKr name exactly 63 characters long', () => {
    expect(tkrNameOf(customTkrVersion('v1.26.5+vmware.2-tkg.1', 'a'.repeat(38)))).toHaveLength(63);
  });

  it('refuses a base version that already ends with the suffix (an already customized BoM)', () => {
    const e = kilnErrorOf(() => customTkrVersion('v1.26.5+vmware.2-tkg.1-myorg', 'myorg'));
    expect([e.code, e.message]).toEqual([
      'TKR_SUFFIX_PRESENT',
      'release.version v1.26.5+vmware.2-tkg.1-myorg already ends with -myorg: the base BoM looks already customized',
    ]);
  });

  it('reads release.version from a BoM and refuses a file without one', () => {
    expect(bomReleaseVersion('release:\n  version: v1.2.3+vmware.1-tkg.1\n', 'b.yaml')).toBe('v1.2.3+vmware.1-tkg.1');
    const e = kilnErrorOf(() => bomReleaseVersion('kind: ConfigMap\n', 'b.yaml'));
    expect([e.code, e.file]).toEqual(['BOM_NO_RELEASE_VERSION', 'b.yaml']);
  });
});
