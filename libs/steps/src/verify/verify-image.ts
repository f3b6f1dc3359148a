// verify for an image: what upload recorded in published.json (template, AMIs per region, SIG version) is still in
// vCenter, EC2 or Azure as declared; the vSphere, AWS and Azure readers ask, image-findings.ts compares.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getRelease } from '@kiln/catalog';
import { loadImageSpec, readWorkspaceFile, type KilnImage } from '@kiln/schema';
import { imageSpecPath } from '../shared/load-image-context';
import { publishedFile, type PublishedRecord } from '../shared/published-record';
import { revocationAt } from '../shared/revoked-image';
import { parseSigVersionId, type SigVersionRef } from '../upload/azure/upload-azure';
import { kilnTags } from '../upload/upload-context';
import { AmiReader } from './aws-reader';
import { readSigVersion } from './azure-reader';
import type { Finding, FindingKind } from './findings';
import { amiFindings, publishedFindings, sigVersionFindings, templateFindings } from './image-findings';
import type { VerifyContext } from './verify-context';
import { readTemplate } from './vsphere-reader';

export interface CheckResult {
  findings: Finding[];
  /** What was compared with the real thing. */
  checked: string[];
}

/** The findings that mean "the image is not there": what a cluster using the image cares about. */
export const PRESENCE_KINDS: ReadonlySet<FindingKind> = new Set([
  'not-published',
  'published-stale',
  'template-missing',
  'not-a-template',
  'region-missing',
  'ami-missing',
  'ami-state',
  'sig-version-missing',
  'sig-version-state',
]);

export function loadImage(ctx: Pick<VerifyContext, 'workspaceRoot' | 'catalog'>, name: string): KilnImage {
  const file = imageSpecPath(name);
  return loadImageSpec(file, readWorkspaceFile(ctx.workspaceRoot, file), ctx.catalog).spec;
}

/** published.json, undefined when upload never wrote one; one that is not JSON is a published-stale finding. */
export function readPublishedRecord(workspaceRoot: string, image: string): { record?: PublishedRecord; unreadable?: Finding } {
  const file = publishedFile(image);
  if (!existsSync(join(workspaceRoot, file))) return {};
  try {
    return { record: JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as PublishedRecord };
  } catch {
    return { unreadable: { kind: 'published-stale', message: `${file} is not valid JSON (run nx run ${image}:upload)` } };
  }
}

/** The Shared Image Gallery version a published record names. */
export function sigRef(a: NonNullable<PublishedRecord['azure']>): SigVersionRef {
  return (
    parseSigVersionId(a.sigImageVersionId) ?? {
      subscriptionId: a.subscriptionId,
      resourceGroup: a.resourceGroup,
      gallery: a.gallery,
      imageName: a.imageName,
      version: a.version,
    }
  );
}

/**
 * Checks one image. `presence` asks only whether the published objects exist (what a cluster needs) and keeps only
 * those findings; `full` also compares content key, tags, sharing and regions.
 */
export async function verifyImage(ctx: VerifyContext, name: string, depth: 'full' | 'presence' = 'full'): Promise<CheckResult> {
  const spec = loadImage(ctx, name);
  const { record: published, unreadable } = readPublishedRecord(ctx.workspaceRoot, name);
  if (unreadable) return { findings: [unreadable], checked: [] };
  const findings = publishedFindings(name, spec, published);
  const checked: string[] = [];
  const keep = (found: Finding[]) => (depth === 'full' ? found : found.filter((f) => PRESENCE_KINDS.has(f.kind)));
  if (!published || published.image !== name || published.infra !== spec.infra) return { findings: keep(findings), checked };

  const kubernetesSemver = getRelease(ctx.catalog, spec.release)?.kubernetesSemver ?? '?';
  const tags = kilnTags(name, published.version, kubernetesSemver, published.contentKey);
  const revoked = revocationAt({ spec }, ctx.now);
  if (spec.infra === 'vsphere' && published.vsphere) {
    const path = published.vsphere.templatePath;
    findings.push(...templateFindings(path, await readTemplate(ctx.cli('vsphere'), path), published, revoked));
    checked.push(`template ${path}`);
  } else if (spec.infra === 'aws' && published.aws) {
    const reader = new AmiReader(ctx.cli('aws'), ctx.awsEndpoint);
    const accounts = [...new Set(spec.upload.aws?.shareWithAccounts ?? [])].sort();
    // Regions are independent: read at once, reported in region order.
    const amis = Object.entries(published.aws.amis).sort(([a], [b]) => a.localeCompare(b));
    const read = await Promise.all(amis.map(([region, id]) => reader.read(region, id, depth === 'full')));
    for (const facts of read) {
      findings.push(...amiFindings(name, facts, { tags, accounts, home: facts.region === spec.upload.aws?.region, revoked }));
      checked.push(`AMI ${facts.id} in ${facts.region}`);
    }
  } else if (spec.infra === 'azure' && published.azure && spec.upload.azure) {
    const ref = sigRef(published.azure);
    const what = `image version ${ref.gallery}/${ref.imageName}/${ref.version}`;
    findings.push(...sigVersionFindings(what, await readSigVersion(ctx.cli('azure'), ref), tags, spec.upload.azure, name, revoked));
    checked.push(what);
  }
  return { findings: keep(findings), checked };
}
