// Builder and bundle images as provenance dependencies: which digest Docker's inspect output gives them.
import { kilnErrorOf } from '@kiln/testing';
import { describe, expect, it } from 'vitest';
import { digestOf, PULLED_BUILDER } from '../test/provenance-inputs';
import { dockerImageDependency, repositoryOf } from './docker-image-dependency';

describe('repositoryOf', () => {
  it('drops the tag after the last slash, not a registry port', () => {
    expect(repositoryOf('registry.local:5000/tkg/image-builder:v0.1.13_vmware.2')).toBe('registry.local:5000/tkg/image-builder');
  });

  it('drops a digest', () => {
    expect(repositoryOf(`projects.registry.vmware.com/tkg/image-builder@sha256:${digestOf('x')}`)).toBe(
      'projects.registry.vmware.com/tkg/image-builder',
    );
  });

  it("uses Docker's familiar form for Docker Hub names, as RepoDigests prints them", () => {
    expect(repositoryOf('docker.io/library/busybox:1.36')).toBe('busybox');
  });
});

describe('dockerImageDependency', () => {
  it("uses the RepoDigests entry of the reference's repository when the image was pulled", () => {
    const mirror = `mirror.example.com/tkg/image-builder@sha256:${digestOf('mirror')}`;
    const d = dockerImageDependency('builder', { ...PULLED_BUILDER, repoDigests: [mirror, ...PULLED_BUILDER.repoDigests] });
    expect([d.digest, d.annotations?.digestSource]).toEqual([{ sha256: digestOf('builder-repo') }, 'RepoDigests']);
  });

  it('uses the image Id when no RepoDigests entry matches (an image built or loaded locally)', () => {
    const d = dockerImageDependency('builder', {
      ref: 'kiln-standin/image-builder:test',
      id: `sha256:${digestOf('standin-id')}`,
      repoDigests: [],
    });
    expect(d).toEqual({
      name: 'kiln-standin/image-builder:test',
      digest: { sha256: digestOf('standin-id') },
      annotations: { role: 'builder image', imageId: `sha256:${digestOf('standin-id')}`, digestSource: 'Id' },
    });
  });

  it('refuses an Id that is not a sha256 digest', () => {
    const e = kilnErrorOf(() => dockerImageDependency('bundle', { ...PULLED_BUILDER, id: 'abc123' }));
    expect([e.code, e.message]).toEqual([
      'PROVENANCE_IMAGE_DIGEST',
      `the image Id of ${PULLED_BUILDER.ref} is not a sha256 digest: "abc123"`,
    ]);
  });
});
