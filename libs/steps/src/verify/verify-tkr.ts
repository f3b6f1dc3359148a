// verify for a tkr: the TKr gen-bom would register now (base BoM + the images' published records) is on the
// management cluster, Ready and Compatible, with exactly those OSImages; each OVA VERSION Kiln publishes has its
// template in vCenter; no listed image is revoked or unpublished.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isKilnError, KilnError } from '@kiln/errors';
import { bomReleaseVersion, customTkrVersion, renderTkrBom, tkrNameOf } from '@kiln/render';
import { loadTkrSpec, positionAt, readWorkspaceFile, tkrDist, type KilnTkr, type YamlSource } from '@kiln/schema';
import { DEFAULT_TKR_NAMESPACE } from '../apply-tkr/apply-tkr-step';
import { bomImageOf, readTkrBom, tkrSpecPath } from '../gen-bom/gen-bom-step';
import { bomImages } from '../gen-bom/tkr-bom-images';
import { loadListedImage, publishedFor, type ListedImage } from '../shared/listed-image';
import { publishedFile, type PublishedRecord } from '../shared/published-record';
import { revocationAt } from '../shared/revoked-image';
import type { Finding } from './findings';
import { conditionFindings, osImageFindings, revokedFindings, type PublishedTemplate } from './tkr-findings';
import { readOsImages, readTkr } from './tkr-reader';
import type { CheckResult } from './verify-image';
import type { VerifyContext } from './verify-context';
import { readTemplate } from './vsphere-reader';

export interface TkrIdentity {
  file: string;
  spec: KilnTkr;
  source: YamlSource;
  /** The TKr's name on the management cluster (release.version of the custom BoM, + as ---). */
  tkrName: string;
  base: { file: string; text: string };
}

/** tkr.yaml, its base BoM and the name of the TKr it registers; a missing tkr.yaml names the file that uses it. */
export function tkrIdentity(workspaceRoot: string, project: string, usedBy?: { file: string; line: number; column: number }): TkrIdentity {
  const file = tkrSpecPath(project);
  if (usedBy && !existsSync(join(workspaceRoot, file))) {
    throw new KilnError('TKR_UNKNOWN', `${usedBy.file} uses tkr ${project}, but ${file} does not exist`, {
      ...usedBy,
      hint: 'use the name of a TKr project (a folder under tkrs/ with a tkr.yaml)',
    });
  }
  const { spec, source } = loadTkrSpec(file, readWorkspaceFile(workspaceRoot, file));
  const base = readTkrBom(workspaceRoot, project, spec.bom);
  return { file, spec, source, base, tkrName: tkrNameOf(customTkrVersion(bomReleaseVersion(base.text, base.file), spec.suffix, file)) };
}

/** The images a tkr.yaml lists, validated (a missing image.yaml is an error at its line). */
export function listedImages(ctx: VerifyContext, tkr: TkrIdentity): ListedImage[] {
  return tkr.spec.images.map((name, i) =>
    loadListedImage(ctx.workspaceRoot, name, tkr.file, positionAt(tkr.source, `/images/${i}`), ctx.catalog),
  );
}

/** The published record of a listed image, or the finding that says why there is none to use. */
function publishedOrFinding(ctx: VerifyContext, image: ListedImage): { record?: PublishedRecord; finding?: Finding } {
  try {
    return { record: publishedFor(ctx.workspaceRoot, image, false) };
  } catch (e) {
    if (!isKilnError(e)) throw e;
    if (e.code === 'NOT_PUBLISHED')
      return {
        finding: {
          kind: 'not-published',
          message: `lists image ${image.name}, which was never published (${publishedFile(image.name)}; run nx run ${image.name}:upload)`,
        },
      };
    if (e.code === 'PUBLISHED_STALE')
      return { finding: { kind: 'published-stale', message: `lists image ${image.name}: ${e.message} (run nx run ${image.name}:upload)` } };
    throw e;
  }
}

/** The forms (tkr-bom-images.ts) of what a published record adds to the BoM. */
function publishedForms(record: PublishedRecord): string[] {
  if (record.vsphere) return [`ova ${record.version}`];
  if (record.aws) return Object.entries(record.aws.amis).map(([region, id]) => `ami ${region} ${id}`);
  if (record.azure) return [`azure ${record.azure.gallery}/${record.azure.imageName} ${record.azure.version}`];
  return [];
}

export async function verifyTkr(ctx: VerifyContext, project: string): Promise<CheckResult> {
  const tkr = tkrIdentity(ctx.workspaceRoot, project);
  const { context } = tkr.spec.managementCluster;
  const listed = listedImages(ctx, tkr);
  const findings: Finding[] = revokedFindings(
    'lists',
    listed.map((i) => ({ name: i.name, revoked: revocationAt(i, ctx.now) })),
  );
  const published = new Map<string, PublishedRecord>();
  for (const image of listed) {
    const { record, finding } = publishedOrFinding(ctx, image);
    if (record) published.set(image.name, record);
    if (finding) findings.push(finding);
  }

  const facts = await readTkr(context, tkr.tkrName, { cwd: ctx.workspaceRoot });
  const checked = [`TKr ${tkr.tkrName} on ${context}`];
  if (!facts) {
    findings.push({
      kind: 'tkr-missing',
      message: `TKr ${tkr.tkrName} does not exist on context ${context} (run nx run ${project}:apply-tkr)`,
    });
    return { findings, checked };
  }
  findings.push(...conditionFindings(tkr.tkrName, facts));
  const { found } = await readOsImages(context, facts.osImageNames, { cwd: ctx.workspaceRoot });

  // The OVA VERSIONs Kiln publishes for this TKr, and their templates as vCenter has them now.
  const templates = new Map<string, PublishedTemplate>();
  for (const image of listed) {
    const record = published.get(image.name);
    if (!record?.vsphere || !record.version) continue;
    const path = record.vsphere.templatePath;
    templates.set(record.version, { image: image.name, path, facts: await readTemplate(ctx.cli('vsphere'), path) });
  }
  const owners = new Map<string, string>();
  for (const [image, record] of published) for (const form of publishedForms(record)) owners.set(form, image);
  let images: string[] | undefined;
  if (published.size === listed.length) {
    const out = renderTkrBom({
      tkr: project,
      bomFile: tkr.base.file,
      bom: tkr.base.text,
      suffix: tkr.spec.suffix,
      namespace: tkr.spec.managementCluster.namespace ?? DEFAULT_TKR_NAMESPACE,
      images: listed.map((image) => bomImageOf(image, published.get(image.name)!)),
      outputPath: tkrDist(project).bom,
    });
    images = bomImages(out.files[out.bomFileName]!);
  }
  findings.push(...osImageFindings(tkr.tkrName, facts.osImageNames, found, { images, owners, templates }));
  checked.push(`its ${found.length} OSImage${found.length === 1 ? '' : 's'}`, ...[...templates.values()].map((t) => `template ${t.path}`));
  return { findings, checked };
}
