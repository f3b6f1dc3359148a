// Shapes of the release catalog (libs/catalog/data/releases.yaml).

export type Infra = 'vsphere' | 'aws' | 'azure';
export type OsName = 'ubuntu-2004' | 'ubuntu-1804' | 'photon-3' | 'rhel-8' | 'amazon-2';

export interface Release {
  kubernetes: string;
  kubernetesSemver: string;
  tkrVersion: string;
  defaultOvaVersion: string;
  images: { builder: string; bundle: string };
  configBundle: string;
  gossSpec: string;
  targets: Partial<Record<Infra, Partial<Record<OsName, string>>>>;
}

export interface OsInfo {
  name: string;
  version: string;
  arch: string;
}

export interface Catalog {
  releases: Record<string, Release>;
  gossNames: { infra: Record<Infra, string>; os: Record<OsName, string> };
  customizationsFile: Record<Infra, string>;
  osinfo: Record<OsName, OsInfo>;
  osPackages: Partial<Record<OsName, string[]>>;
  packageVariable: Record<OsName, 'extra_debs' | 'extra_rpms'>;
}
