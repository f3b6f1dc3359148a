// Loads and checks the release catalog data file (the one place where versions are pinned).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type FuncKeywordDefinition, type ValidateFunction } from 'ajv';
import { parse, type YAMLParseError } from 'yaml';
import { KilnError } from '@kiln/errors';
import type { Catalog, Release } from './catalog-types';
import type { Infra, OsName } from './generated/names';
import { addNamesSchema, namesOf, schemaFileUrl } from './names-schema';
import catalogSchema from './releases.schema.json';

/** Workspace-relative path of the catalog file (used in messages and as an Nx input). */
export const CATALOG_FILE = 'libs/catalog/data/releases.yaml';
const catalogPath = join(__dirname, '..', 'data', 'releases.yaml');

let cached: Catalog | undefined;
let validator: ValidateFunction | undefined;

/** `x-requires-every: <list>`: the object has a key for every name of that names.schema.json list. */
const requiresEvery: FuncKeywordDefinition = {
  keyword: 'x-requires-every',
  type: 'object',
  schemaType: 'string',
  errors: true,
  validate: function check(list: string, data: Record<string, unknown>): boolean {
    const names = namesOf(list);
    if (!names) throw new Error(`releases.schema.json: x-requires-every names no list of names.schema.json: ${list}`);
    const missing = names.filter((name) => !Object.prototype.hasOwnProperty.call(data, name));
    (check as { errors?: Partial<ErrorObject>[] }).errors = missing.map((name) => ({
      keyword: 'required',
      params: { missingProperty: name },
      message: `must have required property '${name}'`,
    }));
    return missing.length === 0;
  },
};

function catalogValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addKeyword(requiresEvery);
    addNamesSchema(ajv);
    const url = schemaFileUrl(join(__dirname, 'releases.schema.json'));
    ajv.addSchema(catalogSchema, url);
    validator = ajv.getSchema(url)!;
  }
  return validator;
}

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
  const validate = catalogValidator();
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
