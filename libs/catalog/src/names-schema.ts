// names.schema.json for Ajv: schemas that $ref it are added under their own file URLs, so a relative $ref
// resolves in Ajv exactly as it does in an editor.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type Ajv from 'ajv';
import namesSchema from './names.schema.json';

/** The file URL a JSON Schema file is added to Ajv under (its $refs are relative to it). */
export function schemaFileUrl(file: string): string {
  return pathToFileURL(file).href;
}

/** Makes names.schema.json available to `ajv` for the $refs of other schemas. */
export function addNamesSchema(ajv: Ajv): void {
  ajv.addSchema(namesSchema, schemaFileUrl(join(__dirname, 'names.schema.json')));
}

/** The values of a names.schema.json list (`infra`, `os`, ...), or undefined for an unknown list. */
export function namesOf(list: string): readonly string[] | undefined {
  const definitions: Record<string, { enum?: string[] }> = namesSchema.definitions;
  return Object.prototype.hasOwnProperty.call(definitions, list) ? definitions[list].enum : undefined;
}
