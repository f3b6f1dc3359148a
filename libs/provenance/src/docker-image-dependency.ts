// A container image the build ran, as a provenance dependency: the digest the Docker engine reports for it.
import { KilnError } from '@kiln/errors';
import type { ResourceDescriptor } from './in-toto-types';

/** A local image as `docker image inspect` reports it, and the reference Kiln ran it by. */
export interface DockerImage {
  /** The reference the build used (`registry/repo:tag`, `repo@sha256:…`). */
  ref: string;
  /** `.Id`: `sha256:<config digest>`. */
  id: string;
  /** `.RepoDigests`: `repo@sha256:<manifest digest>` per repository it was pulled from (empty for a local build). */
  repoDigests: string[];
}

const SHA256 = /^sha256:([0-9a-f]{64})$/;

/** Docker's familiar form: no `docker.io/` (or `index.docker.io/`) and no `library/`, as RepoDigests print it. */
function familiar(repository: string): string {
  return repository.replace(/^(?:index\.)?docker\.io\//, '').replace(/^library\//, '');
}

/** The repository part of a reference: without `@digest` and without a `:tag` after the last `/`. */
export function repositoryOf(ref: string): string {
  const at = ref.indexOf('@');
  if (at >= 0) return familiar(ref.slice(0, at));
  const colon = ref.lastIndexOf(':');
  return familiar(colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref);
}

function sha256Of(value: string, what: string, image: DockerImage): string {
  const m = SHA256.exec(value);
  if (!m) {
    throw new KilnError('PROVENANCE_IMAGE_DIGEST', `${what} of ${image.ref} is not a sha256 digest: "${value}"`, {
      hint: 'pass the Id and RepoDigests fields of `docker image inspect` unchanged',
    });
  }
  return m[1]!;
}

/**
 * The image as a resolved dependency. The digest is the registry manifest digest from the RepoDigests
 * entry of the reference's repository (what `docker pull <repo>@sha256:…` fetches); an image with no
 * such entry (built or loaded locally) is named by its Id, the config digest. `digestSource` says which.
 */
export function dockerImageDependency(role: 'builder' | 'bundle', image: DockerImage): ResourceDescriptor {
  const repository = repositoryOf(image.ref);
  const repoDigest = image.repoDigests.find((d) => repositoryOf(d) === repository);
  const imageId = sha256Of(image.id, 'the image Id', image);
  const annotations: Record<string, unknown> = { role: `${role} image`, imageId: `sha256:${imageId}` };
  if (repoDigest) {
    const digest = sha256Of(repoDigest.slice(repoDigest.indexOf('@') + 1), 'the RepoDigest', image);
    return { name: image.ref, digest: { sha256: digest }, annotations: { ...annotations, digestSource: 'RepoDigests' } };
  }
  return { name: image.ref, digest: { sha256: imageId }, annotations: { ...annotations, digestSource: 'Id' } };
}
