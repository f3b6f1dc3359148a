// provenance.json and sbom.cdx.json of a successful build: what went into it, and what the guest holds.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Release } from '@kiln/catalog';
import { KilnError } from '@kiln/errors';
import {
  type DockerImage,
  type FileDigest,
  PACKAGE_LIST_FILE,
  packageListToSbom,
  parsePackageList,
  provenanceJson,
  SBOM_FILE,
  validateSbom,
} from '@kiln/provenance';
import { PACKAGE_LIST_ROLE, resolveTokens, type BuildPlan, type PathTokens } from '@kiln/render';
import { digestPath } from '../shared/digest';
import { imageSpecPath } from '../shared/load-image-context';
import type { ArtifactRecord } from './artifact-record';
import type { GitSource } from './git-source';

/** The in-toto provenance statement beside artifact.json. */
export const PROVENANCE_FILE = 'provenance.json';
/** What a successful build writes to its build folder besides artifact.json (cached with it). */
export const BUILD_RECORD_FILES = [PROVENANCE_FILE, SBOM_FILE] as const;

/** The files a build read, by digest: provenance.json's materials. */
export interface BuildInputDigests {
  imageSpec: FileDigest;
  /** Every file of the rendered config folder (tkg.json, customizations.json, metadata.json, build-plan.json). */
  renderedConfig: FileDigest[];
  /**
   * Every config bundle part the builder mounted (tkg role, hardening role, goss spec), workspace-relative, and
   * Kiln's own roles, named as build-plan.json names them ({kiln}/…). A folder's digest covers its paths and bytes.
   */
  bundleParts: FileDigest[];
}

/** sha256 of image.yaml, of each rendered config file, and of each mounted bundle part and Kiln role. */
export function buildInputDigests(
  tokens: PathTokens,
  project: string,
  configPath: string,
  plan: BuildPlan,
  bundleDir: string,
): BuildInputDigests {
  const imageSpec = imageSpecPath(project);
  const configDir = join(tokens.workspace, configPath);
  const renderedConfig = readdirSync(configDir)
    .filter((name) => statSync(join(configDir, name)).isFile())
    .sort()
    .map((name) => ({ path: `${configPath}/${name}`, sha256: digestPath(join(configDir, name)) }));
  const bundlePrefix = `{workspace}/${bundleDir}/`;
  const bundleParts = plan.mounts
    .filter((m) => m.host.startsWith(bundlePrefix) || m.host.startsWith('{kiln}/'))
    .map((m) => ({
      path: m.host.startsWith(bundlePrefix) ? m.host.slice('{workspace}/'.length) : m.host,
      sha256: digestPath(resolveTokens(m.host, tokens)),
    }));
  return { imageSpec: { path: imageSpec, sha256: digestPath(join(tokens.workspace, imageSpec)) }, renderedConfig, bundleParts };
}

export interface BuildRecordsInput {
  workspaceRoot: string;
  plan: BuildPlan;
  record: ArtifactRecord;
  inputs: BuildInputDigests;
  /** The catalog release the image pins, as loaded from releases.yaml. */
  release: Release;
  source: GitSource;
  builderImage: DockerImage;
  bundleImage: DockerImage;
  kilnVersion: string;
  invocationId: string;
  startedOn: Date;
  finishedOn: Date;
  /** Host folder the builder's output folder was copied to (dist/images/<name>/output). */
  outputDir: string;
  /** Workspace-relative folder the records go to (the build's outputPath), for messages. */
  buildPath: string;
}

/** The package list the kiln-package-list role wrote; a successful build without one broke the role contract. */
function readPackageList(input: BuildRecordsInput) {
  const file = join(input.outputDir, PACKAGE_LIST_FILE);
  const rel = relative(input.workspaceRoot, file);
  if (!existsSync(file)) {
    throw new KilnError(
      'PACKAGE_LIST_MISSING',
      `the build finished but wrote no package list (${rel}), so there is no sbom.cdx.json to make`,
      {
        hint:
          `image-builder must run Kiln's kiln-package-list role: custom_role_names lists ${PACKAGE_LIST_ROLE.container} last ` +
          `(mounted from ${PACKAGE_LIST_ROLE.host}) and the role writes kiln_package_list_dest=${PACKAGE_LIST_ROLE.dest}, ` +
          'which Kiln copies out with the output folder',
      },
    );
  }
  return parsePackageList(readFileSync(file, 'utf8'), rel);
}

/** provenance.json and sbom.cdx.json (file name → text); the SBOM is checked against CycloneDX 1.6 first. */
export async function buildRecords(input: BuildRecordsInput): Promise<Record<string, string>> {
  const { plan, record } = input;
  const image = { name: record.image, ...(record.version ? { version: record.version } : {}) };
  const packageList = readPackageList(input);
  const sbom = packageListToSbom({ packageList, image, kilnVersion: input.kilnVersion, timestamp: input.finishedOn });
  await validateSbom(sbom, `${input.buildPath}/${SBOM_FILE}`);
  const provenance = provenanceJson({
    image: { ...image, infra: plan.infra, os: plan.os, release: plan.release },
    imageSpec: input.inputs.imageSpec,
    outputs: record,
    source: input.source,
    catalogRelease: { name: plan.release, pins: input.release },
    renderedConfig: input.inputs.renderedConfig,
    bundleParts: input.inputs.bundleParts,
    builderImage: input.builderImage,
    bundleImage: input.bundleImage,
    makeTarget: plan.makeTarget,
    contentKey: record.contentKey,
    kilnVersion: input.kilnVersion,
    invocationId: input.invocationId,
    startedOn: input.startedOn,
    finishedOn: input.finishedOn,
  });
  return { [PROVENANCE_FILE]: provenance, [SBOM_FILE]: sbom };
}
