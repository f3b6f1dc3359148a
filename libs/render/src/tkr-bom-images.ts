// What gen-bom adds to a TKr BoM for each image: the entry shapes of ova:, ami: and azure:.

/** osinfo of a BoM entry; version is a string ("20.04", "3", "8", "2") and is always written quoted. */
export interface BomOsInfo {
  name: string;
  version: string;
  arch: string;
}

/** vSphere: appended to ova:. */
export interface BomOvaImage {
  image: string;
  infra: 'vsphere';
  /** Unique OVA name. */
  name: string;
  /** The OVA VERSION, exactly as written to metadata.json. */
  version: string;
  osinfo: BomOsInfo;
  /** Plan-based images need a VERSION no other ova entry has; class-based ones reuse the default OVA's. */
  uniqueVersion: boolean;
}

/** AWS: inserted first in each region's list under ami:. */
export interface BomAmiImage {
  image: string;
  infra: 'aws';
  /** Region → AMI id. */
  amis: Record<string, string>;
  osinfo: BomOsInfo;
}

/** Azure: a shared image gallery entry appended to azure:. */
export interface BomAzureImage {
  image: string;
  infra: 'azure';
  resourceGroup: string;
  name: string;
  subscriptionID: string;
  gallery: string;
  version: string;
  osinfo: BomOsInfo;
}

export type BomImage = BomOvaImage | BomAmiImage | BomAzureImage;

/** A BoM entry as ordered fields (the order they are written in). */
export type BomField = [string, string | BomOsInfo];

export function osinfoText(o: BomOsInfo): string {
  return `${o.name} ${o.version} ${o.arch}`;
}

export function ovaFields(img: BomOvaImage): BomField[] {
  return [
    ['name', img.name],
    ['osinfo', img.osinfo],
    ['version', img.version],
  ];
}

export function amiFields(id: string, img: BomAmiImage): BomField[] {
  return [
    ['id', id],
    ['osinfo', img.osinfo],
  ];
}

export function azureFields(img: BomAzureImage): BomField[] {
  return [
    ['resourceGroup', img.resourceGroup],
    ['name', img.name],
    ['subscriptionID', img.subscriptionID],
    ['gallery', img.gallery],
    ['version', img.version],
    ['osinfo', img.osinfo],
  ];
}
