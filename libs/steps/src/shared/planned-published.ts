// Plan mode's stand-in for published.json: what upload will publish, with clearly marked placeholders for ids
// only a real upload knows (AMI ids, the Azure image version).
import type { KilnImage } from '@kiln/schema';
import { azureImageDefinition } from '@kiln/render';
import { templatePath } from '../upload/vsphere/template-path';
import type { PublishedRecord } from './published-record';

/** Placeholder for a value upload will publish (plain YAML, clearly not a real id). */
function plannedValue(image: string): string {
  return `PLANNED:${image}`;
}

/** Placeholder AMI id: one per region, as real copies get their own ids. */
function plannedAmi(image: string, region: string): string {
  return `ami-PLANNED-${image}-${region}`;
}

export function plannedPublished(image: string, spec: KilnImage): PublishedRecord {
  const record: PublishedRecord = { image, infra: spec.infra, os: spec.os, contentKey: plannedValue(image) };
  const up = spec.upload;
  if (spec.infra === 'vsphere' && up.vsphere) {
    record.version = spec.vsphere?.version;
    record.vsphere = { templatePath: templatePath(up.vsphere), templateName: up.vsphere.templateName };
  } else if (spec.infra === 'aws' && up.aws) {
    const regions = [up.aws.region, ...(up.aws.copyToRegions ?? [])];
    record.aws = { amis: Object.fromEntries(regions.map((r) => [r, plannedAmi(image, r)])) };
  } else if (spec.infra === 'azure' && up.azure) {
    record.azure = {
      sigImageVersionId: plannedValue(image),
      subscriptionId: up.azure.subscriptionId,
      resourceGroup: up.azure.resourceGroup,
      gallery: up.azure.gallery,
      imageName: azureImageDefinition(spec.os),
      version: plannedValue(image),
    };
  }
  return record;
}
