// What differs between a custom TKr as Kiln would register it now and the TKr on the management cluster: its
// conditions, its OSImages against the published images and the base BoM, and the templates its OVA VERSIONs need.
// Pure functions over the parsed kubectl and govc answers.
import type { KilnImageRevoked } from '@kiln/schema';
import type { TkrCondition } from '../apply-tkr/apply-tkr-step';
import { osImageImage, type OSImageObject } from '../gen-bom/tkr-bom-images';
import { revokedSince } from '../shared/revoked-image';
import type { Finding } from './findings';
import type { TkrFacts } from './tkr-reader';
import type { VmFacts } from './vsphere-reader';

/** What TKG says when a cluster's OVA VERSION has no template in vCenter. */
export function noTemplateFailure(version: string): string {
  return `unable to find VM Template associated with OVA Version ${version}`;
}

function describeCondition(c: TkrCondition | undefined, type: string): string {
  if (!c) return `${type} not reported`;
  const why = [c.reason, c.message].filter(Boolean).join(': ');
  return `${type}=${c.status}${why ? ` (${why})` : ''}`;
}

/** Ready=True and Compatible=True, each its own finding when not. */
export function conditionFindings(name: string, facts: TkrFacts): Finding[] {
  const findings: Finding[] = [];
  const compatible = facts.conditions.find((c) => c.type === 'Compatible');
  const ready = facts.conditions.find((c) => c.type === 'Ready');
  if (compatible?.status !== 'True')
    findings.push({ kind: 'tkr-not-compatible', message: `TKr ${name} is not Compatible: ${describeCondition(compatible, 'Compatible')}` });
  if (ready?.status !== 'True')
    findings.push({ kind: 'tkr-not-ready', message: `TKr ${name} is not Ready: ${describeCondition(ready, 'Ready')}` });
  return findings;
}

/** "ova <VERSION>" / "ami <region> <id>" / "azure <gallery>/<image> <version>" (tkr-bom-images.ts) as a reader says it. */
export function describeImage(form: string): string {
  const [type, a, b] = form.split(' ');
  if (type === 'ova') return `OVA VERSION ${a}`;
  if (type === 'ami') return `AMI ${b} in ${a}`;
  if (type === 'azure') return `Azure image ${a} version ${b}`;
  return form;
}

/** A vSphere image of the TKr as published: its OVA VERSION's template and what vCenter said about it. */
export interface PublishedTemplate {
  image: string;
  path: string;
  facts: VmFacts;
}

export interface OsImageExpectation {
  /** Every image the TKr should carry (bomImages of the BoM gen-bom renders now); undefined when an image is unpublished. */
  images?: string[];
  /** Image form → the Kiln image that published it (the others come from the base BoM). */
  owners: Map<string, string>;
  /** OVA VERSION → the template Kiln published for it. */
  templates: Map<string, PublishedTemplate>;
}

/**
 * The TKr's OSImages: each listed one exists, together they are exactly the expected images, and each OVA VERSION
 * Kiln publishes has its template (an unknown VERSION has none: no published template carries it).
 */
export function osImageFindings(tkr: string, listed: string[], found: OSImageObject[], expected: OsImageExpectation): Finding[] {
  const findings: Finding[] = [];
  const have = new Set(found.map((o) => o.metadata?.name));
  for (const name of listed)
    if (!have.has(name)) findings.push({ kind: 'osimage-missing', message: `OSImage ${name} listed by TKr ${tkr} does not exist` });
  const byName = [...found].sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
  const forms = new Set(byName.map(osImageImage));
  if (expected.images) {
    const want = new Set(expected.images);
    for (const form of expected.images) {
      if (forms.has(form)) continue;
      const owner = expected.owners.get(form);
      findings.push({
        kind: 'tkr-image-missing',
        message: `TKr ${tkr} has no OSImage for ${describeImage(form)} (${owner ? `published by image ${owner}` : 'from the base BoM'})`,
      });
    }
    for (const osImage of byName) {
      const form = osImageImage(osImage);
      if (want.has(form)) continue;
      const version = osImage.spec?.image?.type === 'ova' ? String(osImage.spec.image.ref?.version ?? '?') : undefined;
      findings.push(
        version !== undefined && !expected.templates.has(version)
          ? {
              kind: 'osimage-no-template',
              message: `OSImage ${osImage.metadata?.name} points at OVA VERSION ${version}, which no published template has: clusters on TKr ${tkr} fail with "${noTemplateFailure(version)}"`,
            }
          : {
              kind: 'osimage-unexpected',
              message: `OSImage ${osImage.metadata?.name} names ${describeImage(form)}, which neither a published image nor the base BoM has`,
            },
      );
    }
  }
  for (const osImage of byName) {
    if (osImage.spec?.image?.type !== 'ova') continue;
    const version = String(osImage.spec.image.ref?.version ?? '');
    const template = expected.templates.get(version);
    if (!template || (template.facts.exists && template.facts.template)) continue;
    const state = template.facts.exists
      ? `${template.path} of image ${template.image} is a VM, not a template`
      : `template ${template.path} of image ${template.image} does not exist in vCenter`;
    findings.push({
      kind: 'osimage-no-template',
      message: `OSImage ${osImage.metadata?.name} (OVA VERSION ${version}): ${state}: clusters on TKr ${tkr} fail with "${noTemplateFailure(version)}"`,
    });
  }
  return findings;
}

/** One `revoked` finding per used image whose revocation is in force; `uses` completes "<uses> image <name>". */
export function revokedFindings(uses: string, images: Array<{ name: string; revoked?: KilnImageRevoked }>): Finding[] {
  return images.flatMap(({ name, revoked }) =>
    revoked ? [{ kind: 'revoked' as const, message: `${uses} image ${name}, which is ${revokedSince(revoked)}` }] : [],
  );
}
