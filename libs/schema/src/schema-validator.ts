// Validates parsed spec data against the JSON Schemas and words every ajv error as a Problem.
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { addNamesSchema, schemaFileUrl } from '@kiln/catalog';
import imageSchema from './schemas/image.schema.json';
import tkrSchema from './schemas/tkr.schema.json';
import clusterSchema from './schemas/cluster.schema.json';
import { closestWord } from './closest-word';
import { showPath, type Problem } from './problem';

export type SpecKind = 'image' | 'tkr' | 'cluster';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON Schema documents are walked by key
type Schema = Record<string, any>;

const schemas: Record<SpecKind, Schema> = { image: imageSchema, tkr: tkrSchema, cluster: clusterSchema };
const validators = new Map<SpecKind, ValidateFunction>();

function validatorFor(kind: SpecKind): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    for (const keyword of ['x-hint', 'x-ansible-role', 'x-ansible-var']) ajv.addKeyword({ keyword, schemaType: 'string' });
    addNamesSchema(ajv);
    // Added under its file URL: its $refs to names.schema.json are relative file paths, as an editor reads them.
    const url = schemaFileUrl(join(__dirname, 'schemas', `${kind}.schema.json`));
    ajv.addSchema(schemas[kind], url);
    v = ajv.getSchema(url)!;
    validators.set(kind, v);
  }
  return v;
}

export function schemaFor(kind: SpecKind): Schema {
  return schemas[kind];
}

function typeHint(type: string): string {
  switch (type) {
    case 'boolean':
      return 'write true or false, without quotes';
    case 'string':
      return 'write a text value; quote it if it looks like a number or boolean';
    case 'array':
      return 'write a YAML list, one "- item" per line';
    case 'object':
      return 'write a YAML map of "key: value" lines';
    case 'integer':
    case 'number':
      return 'write a number, without quotes';
    default:
      return `write a single ${type} value, not a list or map`;
  }
}

function got(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function describeError(e: ErrorObject): Problem | undefined {
  const path = e.instancePath;
  const hint = (e.parentSchema as Schema | undefined)?.['x-hint'] as string | undefined;
  switch (e.keyword) {
    case 'type': {
      const types = String(e.params.type).split(',');
      const type = types.length > 1 ? `${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}` : types[0];
      return { code: 'SCHEMA_TYPE', path, message: `${showPath(path)} must be ${type} (got ${got(e.data)})`, hint: hint ?? typeHint(type) };
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const guess = typeof e.data === 'string' ? closestWord(e.data, allowed) : undefined;
      return {
        code: 'SCHEMA_ENUM',
        path,
        message: `${showPath(path)} must be one of ${allowed.join(', ')} (got ${got(e.data)})`,
        hint: guess ? `did you mean ${guess}?` : `use one of: ${allowed.join(', ')}`,
      };
    }
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const known = Object.keys(((e.parentSchema as Schema | undefined)?.properties ?? {}) as Schema);
      const guess = closestWord(key, known);
      return {
        code: 'SCHEMA_UNKNOWN_KEY',
        path,
        key,
        message: `${path}/${key} is not a known key`,
        hint:
          (guess ? `did you mean ${guess}? ` : '') + (known.length ? `keys allowed here: ${known.join(', ')}` : 'no keys are allowed here'),
      };
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      const prop = ((e.parentSchema as Schema | undefined)?.properties ?? {})[key] as Schema | undefined;
      return {
        code: 'SCHEMA_REQUIRED',
        path,
        message: `${showPath(path)} is missing required key "${key}"`,
        hint: prop?.description || prop?.['x-hint'] ? `add ${key}: ${prop.description ?? prop['x-hint']}` : `add ${key}`,
      };
    }
    case 'pattern':
      return {
        code: 'SCHEMA_PATTERN',
        path,
        message: `${showPath(path)} has an invalid value ${got(e.data)}`,
        hint: hint ?? `it must match ${e.params.pattern}`,
      };
    case 'minLength':
      return {
        code: 'SCHEMA_EMPTY',
        path,
        message: `${showPath(path)} must not be empty`,
        hint: hint ?? 'give it a value or remove the key',
      };
    case 'minItems':
      return {
        code: 'SCHEMA_MIN_ITEMS',
        path,
        message: `${showPath(path)} must list at least ${e.params.limit} item(s)`,
        hint: hint ?? 'add an item or remove the key',
      };
    case 'minimum':
      return {
        code: 'SCHEMA_MINIMUM',
        path,
        message: `${showPath(path)} must be at least ${e.params.limit} (got ${got(e.data)})`,
        hint: hint ?? `use ${e.params.limit} or more`,
      };
    case 'propertyNames':
      return {
        code: 'SCHEMA_KEY_NAME',
        path,
        key: String(e.params.propertyName),
        message: `${path}/${e.params.propertyName} is not a valid key name`,
        hint:
          ((e.parentSchema as Schema | undefined)?.propertyNames?.['x-hint'] as string | undefined) ??
          `key names here must match ${(e.parentSchema as Schema | undefined)?.propertyNames?.pattern ?? 'the schema'}`,
      };
    default:
      return { code: `SCHEMA_${e.keyword.toUpperCase()}`, path, message: `${showPath(path)} ${e.message ?? 'is invalid'}`, hint };
  }
}

/** Every schema problem of `data`, in document order of discovery. */
export function schemaProblems(kind: SpecKind, data: unknown): Problem[] {
  const validate = validatorFor(kind);
  if (validate(data)) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    // The inner error of a propertyNames failure repeats it; keep the outer one.
    if ((e as ErrorObject & { propertyName?: string }).propertyName !== undefined) continue;
    const p = describeError(e);
    if (!p) continue;
    const id = `${p.path}|${p.key ?? ''}|${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(p);
  }
  return problems;
}
