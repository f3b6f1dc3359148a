// published.json: what upload published for an image (read by gen-bom and gen-cluster-config).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Infra } from '@kiln/catalog';
import { KilnError } from '@kiln/errors';
import { imageDist, planDist } from '@kiln/schema';

/** One lifecycle change a revoked upload made (or found already made) on a published object. */
export interface RevocationApplied {
  /** The published object: an AMI id, the SIG image version id, the template's inventory path. */
  object: string;
  /** AWS: the region of the AMI. */
  region?: string;
  /** What the cloud now says about it, e.g. `deprecated at 2026-03-01T12:35:00Z`, `excludeFromLatest`, `annotated`. */
  lifecycle: string;
}

export interface PublishedRecord {
  image: string;
  infra: Infra;
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
  /** Set by an upload of a revoked image: the revocation and the cloud lifecycle applied to every object above. */
  revoked?: {
    reason: string;
    at: string;
    applied: RevocationApplied[];
  };
}

export function publishedFile(image: string, plan = false): string {
  return `${plan ? planDist('upload', image) : imageDist(image).upload}/published.json`;
}

export function readPublished(workspaceRoot: string, image: string, plan = false): PublishedRecord {
  const file = publishedFile(image, plan);
  try {
    return JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as PublishedRecord;
  } catch {
    throw new KilnError('NOT_PUBLISHED', `image ${image} has no upload record (${file})`, { hint: `run nx run ${image}:upload first` });
  }
}
