// Loads and checks the release catalog data file (the one place where versions are pinned).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse, type YAMLParseError } from 'yaml';
import { KilnError } from '@kiln/errors';
import type { Catalog, Infra, OsName, Release } from './catalog-types';
import catalogSchema from './releases.schema.json';

/** Workspace-relative path of the catalog file (used in messages and as an Nx input). */
export const CATALOG_FILE = 'libs/catalog/data/releases.yaml';
const catalogPath = join(__dirname, '..', 'data', 'releases.yaml');

let cached: Catalog | undefined;

/** Parses catalog text; throws a KilnError naming the catalog file when it is malformed. */
export function parseCatalog(text: string, file = CATALOG_FILE): Catalog {
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    const at = (e as YAMLParseError).linePos?.[0];
    const message = (e as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new KilnError('CATALOG_INVALID', `invalid YAML: ${message}`, { file, line: at?.line, column: at?.col });
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(catalogSchema);
  if (!validate(data)) {
    const first = validate.errors?.[0];
    throw new KilnError('CATALOG_INVALID', `release catalog is invalid: ${first?.instancePath || 'top level'} ${first?.message}`, {
      file,
      hint: 'compare the entry with libs/catalog/src/releases.schema.json',
    });
  }
  return data as unknown as Catalog;
}

/** The catalog shipped in this workspace (read once per process). */
export function loadCatalog(): Catalog {
  if (!cached) cached = parseCatalog(readFileSync(catalogPath, 'utf8'));
  return cached;
}

export function releaseIds(catalog: Catalog): string[] {
  return Object.keys(catalog.releases).sort();
}

export function getRelease(catalog: Catalog, id: string): Release | undefined {
  return Object.prototype.hasOwnProperty.call(catalog.releases, id) ? catalog.releases[id] : undefined;
}

/** OS names the release can build on the infra, in catalog order. */
export function osesFor(release: Release, infra: Infra): OsName[] {
  return Object.keys(release.targets[infra] ?? {}) as OsName[];
}

export function makeTarget(release: Release, infra: Infra, os: OsName): string | undefined {
  return release.targets[infra]?.[os];
}

/** The goss spec file name inside the config bundle's goss/ folder. */
export function gossSpecName(catalog: Catalog, releaseId: string, infra: Infra, os: OsName): string {
  const release = catalog.releases[releaseId];
  const values: Record<string, string> = {
    infra: catalog.gossNames.infra[infra],
    os: catalog.gossNames.os[os],
    kubernetesSemver: release.kubernetesSemver,
    kubernetes: release.kubernetes,
    tkg: releaseId.replace(/^v/, ''),
    tkgUnderscored: releaseId.replace(/^v/, '').replace(/\./g, '_'),
  };
  return release.gossSpec.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}
