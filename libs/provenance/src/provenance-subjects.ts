// The in-toto subjects of a build: the OVA file by its bytes, AMIs and SIG versions by a canonical description.
import { createHash } from 'node:crypto';
import { KilnError } from '@kiln/errors';
import { stableJson } from '@kiln/render';
import type { Subject } from './in-toto-types';

/** What a build produced, in artifact.json's shape (steps' ArtifactRecord fits it). */
export interface BuildOutputs {
  ova?: { path: string; sha256: string };
  /** Region → AMI id. */
  amis?: Record<string, string>;
  sigImageVersionId?: string;
}

/** A published cloud object that has no bytes Kiln can hash. */
export type PublishedObject = { kind: 'aws-ami'; region: string; id: string } | { kind: 'azure-sig-image-version'; id: string };

/**
 * sha256 of a published object's canonical description (stable JSON of kind, region and id).
 * in-toto subjects need a digest, and an AMI or a gallery image version has no file to hash, so the
 * digest names the object rather than its content; anyone can recompute it from the id and region.
 */
export function publishedObjectDigest(object: PublishedObject): string {
  return createHash('sha256').update(stableJson(object)).digest('hex');
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The subjects of a build, sorted by name; at least one (a build without outputs has no provenance). */
export function provenanceSubjects(outputs: BuildOutputs): Subject[] {
  const subjects: Subject[] = [];
  if (outputs.ova) subjects.push({ name: baseName(outputs.ova.path), digest: { sha256: outputs.ova.sha256 } });
  for (const [region, id] of Object.entries(outputs.amis ?? {})) {
    subjects.push({ name: id, digest: { sha256: publishedObjectDigest({ kind: 'aws-ami', region, id }) } });
  }
  if (outputs.sigImageVersionId) {
    const id = outputs.sigImageVersionId;
    subjects.push({ name: id, digest: { sha256: publishedObjectDigest({ kind: 'azure-sig-image-version', id }) } });
  }
  if (subjects.length === 0) {
    throw new KilnError('PROVENANCE_NO_SUBJECT', 'the build produced no OVA, AMI or gallery image version to describe', {
      hint: 'provenance is written after a successful build; check artifact.json',
    });
  }
  return subjects.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
