// Shapes of the release catalog (libs/catalog/data/releases.yaml).
import type { Infra, OsName, PackageVariable } from './generated/names';

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
  packageVariable: Record<OsName, PackageVariable>;
}
