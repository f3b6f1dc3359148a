// provenance.json: an in-toto Statement v1 with a SLSA Provenance v1 predicate describing one image build.
import { createHash } from 'node:crypto';
import { KilnError } from '@kiln/errors';
import { stableJson } from '@kiln/render';
import { dockerImageDependency, type DockerImage } from './docker-image-dependency';
import { IN_TOTO_STATEMENT_TYPE, type ProvenanceStatement, type ResourceDescriptor, SLSA_PROVENANCE_TYPE } from './in-toto-types';
import { type BuildOutputs, provenanceSubjects } from './provenance-subjects';

/**
 * What a Kiln image build is: image-builder run in a container from a rendered config folder. Defines the
 * meaning of externalParameters (what image.yaml chose) and internalParameters (what Kiln derived).
 */
export const KILN_BUILD_TYPE = 'urn:kiln:build-type:image-builder:v1';
/** builder.id of a build run by the Kiln CLI/Nx plugin on a workstation or CI host the caller does not name. */
export const KILN_LOCAL_BUILDER_ID = 'urn:kiln:builder:local';

/** A workspace-relative path and the sha256 of its bytes (for a folder: a tree digest the caller computes). */
export interface FileDigest {
  path: string;
  sha256: string;
}

export interface ProvenanceInput {
  image: { name: string; infra: string; os: string; release: string; version?: string };
  /** images/<name>/image.yaml. */
  imageSpec: FileDigest;
  /** artifact.json's outputs: they become the subjects. */
  outputs: BuildOutputs;
  /** The workspace's git commit; dirty when tracked files differed from it. */
  source: { commit: string; dirty: boolean; repository?: string };
  /** The catalog release the image pins (releases.yaml's entry, as loaded). */
  catalogRelease: { name: string; pins: object };
  /** The rendered config files the build used (dist/images/<name>/config/*). */
  renderedConfig: FileDigest[];
  /** The config bundle parts mounted into the builder (tkg role, goss spec, hardening role...). */
  bundleParts: FileDigest[];
  builderImage: DockerImage;
  bundleImage: DockerImage;
  makeTarget: string;
  /** artifact.json's contentKey. */
  contentKey: string;
  kilnVersion: string;
  /** Defaults to KILN_LOCAL_BUILDER_ID. */
  builderId?: string;
  /** Unique per run (e.g. a UUID the build step makes). */
  invocationId: string;
  startedOn: Date;
  finishedOn: Date;
}

const HEX64 = /^[0-9a-f]{64}$/;
const GIT_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function requireDigest(value: string, pattern: RegExp, what: string): void {
  if (!pattern.test(value)) {
    throw new KilnError('PROVENANCE_INPUT', `${what} is not a lowercase hex digest: "${value}"`, {
      hint: 'this is a bug in the caller of provenanceStatement: pass digests as lowercase hex',
    });
  }
}

function fileDependency(file: FileDigest): ResourceDescriptor {
  requireDigest(file.sha256, HEX64, `the sha256 of ${file.path}`);
  return { name: file.path, digest: { sha256: file.sha256 } };
}

function byPath(files: FileDigest[]): FileDigest[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function sourceDependency(source: ProvenanceInput['source']): ResourceDescriptor {
  requireDigest(source.commit, GIT_COMMIT, 'the git commit');
  return {
    name: 'source',
    ...(source.repository ? { uri: `git+${source.repository}` } : {}),
    digest: { gitCommit: source.commit },
    annotations: { dirty: source.dirty },
  };
}

/** The release pins as one dependency: sha256 of their stable JSON, the pins themselves as annotations. */
function catalogDependency(release: ProvenanceInput['catalogRelease']): ResourceDescriptor {
  const sha256 = createHash('sha256').update(stableJson(release.pins)).digest('hex');
  return { name: `catalog/releases/${release.name}`, digest: { sha256 }, annotations: { pins: release.pins } };
}

/** The statement as data. Arrays are in a fixed order (subjects and files sorted by name). */
export function provenanceStatement(input: ProvenanceInput): ProvenanceStatement {
  const { image } = input;
  requireDigest(input.contentKey, HEX64, 'the content key');
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: provenanceSubjects(input.outputs),
    predicateType: SLSA_PROVENANCE_TYPE,
    predicate: {
      buildDefinition: {
        buildType: KILN_BUILD_TYPE,
        externalParameters: {
          image: image.name,
          spec: input.imageSpec.path,
          infra: image.infra,
          os: image.os,
          release: image.release,
          ...(image.version ? { version: image.version } : {}),
        },
        internalParameters: { makeTarget: input.makeTarget, contentKey: input.contentKey },
        resolvedDependencies: [
          sourceDependency(input.source),
          fileDependency(input.imageSpec),
          catalogDependency(input.catalogRelease),
          ...byPath(input.renderedConfig).map(fileDependency),
          ...byPath(input.bundleParts).map(fileDependency),
          dockerImageDependency('builder', input.builderImage),
          dockerImageDependency('bundle', input.bundleImage),
        ],
      },
      runDetails: {
        builder: { id: input.builderId ?? KILN_LOCAL_BUILDER_ID, version: { kiln: input.kilnVersion } },
        metadata: {
          invocationId: input.invocationId,
          startedOn: input.startedOn.toISOString(),
          finishedOn: input.finishedOn.toISOString(),
        },
      },
    },
  };
}

/** provenance.json's text: the statement as stable JSON (keys sorted at every depth, final newline). */
export function provenanceJson(input: ProvenanceInput): string {
  return stableJson(provenanceStatement(input));
}
