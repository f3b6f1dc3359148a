// Package URLs of OS packages, per the purl spec's deb and rpm types.
import { describe, expect, it } from 'vitest';
import { packageUrl, purlVendor } from './package-url';

const ubuntu = { format: 'dpkg' as const, os: { id: 'ubuntu', versionId: '20.04' } };
const rhel = { format: 'rpm' as const, os: { id: 'rhel', versionId: '8.8' } };

describe('packageUrl', () => {
  it('deb: vendor from os-release, dpkg version with its epoch, arch and distro qualifiers', () => {
    expect(packageUrl(ubuntu, { name: 'libgcc-s1', version: '1:10.5.0-1ubuntu1~20.04', arch: 'amd64' })).toBe(
      'pkg:deb/ubuntu/libgcc-s1@1:10.5.0-1ubuntu1~20.04?arch=amd64&distro=ubuntu-20.04',
    );
  });

  it('rpm: version-release as the version and a non-zero epoch as the epoch qualifier', () => {
    expect(packageUrl(rhel, { name: 'openssl-libs', version: '1.1.1k-9.el8_7', epoch: 1, arch: 'x86_64' })).toBe(
      'pkg:rpm/redhat/openssl-libs@1.1.1k-9.el8_7?arch=x86_64&distro=rhel-8.8&epoch=1',
    );
  });

  it('percent-encodes characters the purl spec reserves (+ in a name)', () => {
    expect(packageUrl(ubuntu, { name: 'libstdc++6', version: '10.5.0-1ubuntu1~20.04', arch: 'amd64' })).toBe(
      'pkg:deb/ubuntu/libstdc%2B%2B6@10.5.0-1ubuntu1~20.04?arch=amd64&distro=ubuntu-20.04',
    );
  });

  it('has no arch qualifier for a package without an architecture', () => {
    expect(packageUrl({ format: 'rpm', os: { id: 'photon', versionId: '3.0' } }, { name: 'filesystem', version: '1.1-4.ph3' })).toBe(
      'pkg:rpm/photon/filesystem@1.1-4.ph3?distro=photon-3.0',
    );
  });
});

describe('purlVendor', () => {
  it('maps os-release IDs to purl vendors where they differ (rhel → redhat, amzn → amazon), else keeps the ID', () => {
    expect(['rhel', 'amzn', 'photon', 'ubuntu', 'debian'].map(purlVendor)).toEqual(['redhat', 'amazon', 'photon', 'ubuntu', 'debian']);
  });
});
