// published.json: what upload published for an image (read by gen-bom and gen-cluster-config).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';

export interface PublishedRecord {
  image: string;
  infra: 'vsphere' | 'aws' | 'azure';
  os: string;
  /** The OVA VERSION (vSphere). */
  version?: string;
  /** contentKey of the artifact that was published (from artifact.json). */
  contentKey: string;
  vsphere?: {
    /** Inventory path of the VM template, e.g. /dc0/vm/tkg-templates/ubuntu-2004-kube-v1.26.5-class. */
    templatePath: string;
    templateName: string;
  };
  aws?: {
    /** Region → AMI id, every region the AMI exists in (build region and copies). */
    amis: Record<string, string>;
  };
  azure?: {
    /** Full SIG image version resource id. */
    sigImageVersionId: string;
    subscriptionId: string;
    resourceGroup: string;
    gallery: string;
    imageName: string;
    version: string;
  };
}

export function publishedFile(image: string, plan = false): string {
  return `${plan ? 'dist/plan' : 'dist'}/images/${image}/upload/published.json`;
}

export function readPublished(workspaceRoot: string, image: string, plan = false): PublishedRecord {
  const file = publishedFile(image, plan);
  try {
    return JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as PublishedRecord;
  } catch {
    throw new KilnError('NOT_PUBLISHED', `image ${image} has no upload record (${file})`, { hint: `run nx run ${image}:upload first` });
  }
}
