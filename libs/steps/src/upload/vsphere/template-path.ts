// The inventory path of an image's vSphere template: what upload imports to and plan mode records.
import type { KilnImage } from '@kiln/schema';

export type VsphereUpload = NonNullable<KilnImage['upload']['vsphere']>;

/** Absolute inventory path of the template: `<folder>/<templateName>` (a relative folder is under `/<dc>/vm/`). */
export function templatePath(up: Pick<VsphereUpload, 'datacenter' | 'folder' | 'templateName'>): string {
  const folder = up.folder.startsWith('/') ? up.folder : `/${up.datacenter.replace(/^\/+/, '')}/vm/${up.folder}`;
  return `${folder.replace(/\/+$/, '')}/${up.templateName}`;
}
