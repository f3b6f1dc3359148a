// loadImageSpec: positioned errors with hints, and the RHEL ISO checksum rule.
import { describe, expect, it } from 'vitest';
import { formatError } from '@kiln/errors';
import { loadCatalog } from '@kiln/catalog';
import { kilnErrorOf } from '@kiln/testing';
import { loadImageSpec } from './load-spec';

/** The formatted error of loading `text` as images/x/image.yaml. */
function errorOf(text: string): string {
  return formatError(kilnErrorOf(() => loadImageSpec('images/x/image.yaml', text, loadCatalog())));
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
    expect(errorOf(text)).toBe(
      'images/x/image.yaml:6:13: /hardening/cis/clamav must be boolean (got "yes")\n  hint: write true or false, without quotes',
    );
  });

  describe('RHEL ISO checksum (RHEL_ISO_CHECKSUM)', () => {
    const rhelImage = (rhelLines: string[]) =>
      [
        'infra: vsphere',
        'os: rhel-8',
        'release: v2.3.0',
        'vsphere: { clusterType: plan, version: v1.26.5+vmware.1-myorg-rhel.0 }',
        'rhel:',
        ...rhelLines,
        '  subscription: { userEnv: RHSM_USER, passwordEnv: RHSM_PASS }',
        'upload:',
        '  vsphere: { datacenter: /dc0, folder: /dc0/vm/t, datastore: ds0, resourcePool: /dc0/host/c0/Resources, cluster: c0, templateName: t0 }',
        '',
      ].join('\n');

    it('accepts the upstream rhel-8.4-x86_64-dvd.iso without isoSha256 (image-builder pins its checksum)', () => {
      const loaded = loadImageSpec('images/x/image.yaml', rhelImage(['  iso: isos/rhel-8.4-x86_64-dvd.iso']), loadCatalog());
      expect(loaded.spec.rhel).toEqual({
        iso: 'isos/rhel-8.4-x86_64-dvd.iso',
        subscription: { userEnv: 'RHSM_USER', passwordEnv: 'RHSM_PASS' },
      });
    });

    it('accepts another ISO when isoSha256 is declared', () => {
      const sha = '0123456789abcdef'.repeat(4);
      const loaded = loadImageSpec(
        'images/x/image.yaml',
        rhelImage(['  iso: isos/rhel-8.6-x86_64-dvd.iso', `  isoSha256: ${sha}`]),
        loadCatalog(),
      );
      expect(loaded.spec.rhel?.isoSha256).toBe(sha);
    });

    it('refuses another ISO without isoSha256, with the reason and the fix', () => {
      expect(errorOf(rhelImage(['  iso: isos/rhel-8.6-x86_64-dvd.iso']))).toBe(
        "images/x/image.yaml:5:1: /rhel/isoSha256 is required for isos/rhel-8.6-x86_64-dvd.iso: image-builder's rhel-8 template pins rhel-8.4-x86_64-dvd.iso and its checksum, so another ISO needs its own\n" +
          '  hint: add isoSha256: <the output of sha256sum on the ISO> (Kiln then sets iso_url and iso_checksum)',
      );
    });
  });
});
