// Meta-tests over the three spec JSON Schemas: closed objects, typed values, real booleans, shared name lists,
// hardening switches mapped to ansible, generated types in sync.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot as WORKSPACE } from '@kiln/testing';
import { schemaFor, type SpecKind } from './schema-validator';

const SCHEMAS_DIR = join(__dirname, 'schemas');
const NAMES_FILE = join(WORKSPACE, 'libs/catalog/src/names.schema.json');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks arbitrary JSON Schema documents
type Schema = Record<string, any>;

/** The schema a `$ref` of a spec schema names (a definition of the same schema or of another schema file). */
function deref(kind: SpecKind, schema: Schema): Schema {
  if (typeof schema.$ref !== 'string') return schema;
  const [path, pointer] = schema.$ref.split('#');
  const target = path ? (JSON.parse(readFileSync(resolve(SCHEMAS_DIR, path), 'utf8')) as Schema) : schemaFor(kind);
  const name = /^\/definitions\/(.+)$/.exec(pointer ?? '')?.[1];
  return (name && target.definitions?.[name]) || {};
}

/** Every value schema inside `schema` (properties, list items, map values), with its JSON pointer. */
function valueSchemas(schema: Schema, pointer = '#'): Array<[string, Schema]> {
  const found: Array<[string, Schema]> = [];
  for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    found.push([`${pointer}/properties/${key}`, prop], ...valueSchemas(prop, `${pointer}/properties/${key}`));
  }
  if (schema.items && typeof schema.items === 'object') {
    found.push([`${pointer}/items`, schema.items], ...valueSchemas(schema.items, `${pointer}/items`));
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    const at = `${pointer}/additionalProperties`;
    found.push([at, schema.additionalProperties], ...valueSchemas(schema.additionalProperties, at));
  }
  return found;
}

function allSchemas(kind: SpecKind): Array<[string, Schema]> {
  return [['#', schemaFor(kind)], ...valueSchemas(schemaFor(kind))];
}

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off']);

/** On/off switches of each spec: they must be real YAML booleans, not strings. */
const SWITCHES: Record<SpecKind, string[]> = {
  image: [
    '#/properties/fips',
    '#/properties/gpu',
    ...['aide', 'clamav', 'systemdTimesyncd', 'protectKernelDefaults'].map((k) => `#/properties/hardening/properties/cis/properties/${k}`),
    ...['aide', 'sshdLoginBanner', 'removeExistingCaCerts', 'audispdPlugins'].map(
      (k) => `#/properties/hardening/properties/stig/properties/${k}`,
    ),
  ],
  tkr: ['#/properties/managementCluster/properties/restartController'],
  cluster: [],
};

for (const kind of ['image', 'tkr', 'cluster'] as SpecKind[]) {
  describe(`${kind}.schema.json`, () => {
    it('has a non-trivial tree to check', () => {
      expect(allSchemas(kind).length).toBeGreaterThan(5);
    });

    it('closes every object that lists properties with additionalProperties: false', () => {
      const open = allSchemas(kind)
        .filter(([, s]) => s.properties !== undefined && s.additionalProperties !== false)
        .map(([p]) => p);
      expect(open).toEqual([]);
    });

    it('gives every property, list item and map value a type or an enum (its own or a referenced one)', () => {
      const untyped = valueSchemas(schemaFor(kind))
        .map(([p, s]) => [p, deref(kind, s)] as const)
        .filter(([, s]) => s.type === undefined && s.enum === undefined)
        .map(([p]) => p);
      expect(untyped).toEqual([]);
    });

    it('refers to the name lists of names.schema.json instead of repeating them', () => {
      const lists = Object.values((JSON.parse(readFileSync(NAMES_FILE, 'utf8')) as Schema).definitions).map((d) =>
        JSON.stringify([...(d as Schema).enum].sort()),
      );
      const copies = [...allSchemas(kind), ...Object.entries((schemaFor(kind).definitions ?? {}) as Record<string, Schema>)]
        .filter(([, s]) => Array.isArray(s.enum) && lists.includes(JSON.stringify([...s.enum].sort())))
        .map(([p]) => p);
      expect(copies).toEqual([]);
    });

    if (SWITCHES[kind].length > 0) {
      it('types its on/off switches as boolean', () => {
        const byPointer = new Map(allSchemas(kind));
        expect(SWITCHES[kind].map((p) => [p, byPointer.get(p)?.type])).toEqual(SWITCHES[kind].map((p) => [p, 'boolean']));
      });
    }

    it('declares no switch as an enum of true/false or yes/no words', () => {
      const fakeBooleans = allSchemas(kind)
        .filter(
          ([, s]) =>
            Array.isArray(s.enum) && s.enum.some((v: unknown) => typeof v === 'boolean' || BOOLEAN_WORDS.has(String(v).toLowerCase())),
        )
        .map(([p]) => p);
      expect(fakeBooleans).toEqual([]);
    });
  });
}

describe('hardening switches', () => {
  const kinds = Object.entries(schemaFor('image').properties.hardening.properties as Record<string, Schema>);

  it('name the ansible role of every hardening kind (x-ansible-role)', () => {
    expect(kinds.map(([k, s]) => [k, s['x-ansible-role']])).toEqual([
      ['cis', 'cis_ubuntu_2004'],
      ['stig', 'stig_ubuntu_2004'],
    ]);
  });

  it('name the ansible variable of every switch (x-ansible-var)', () => {
    const unnamed = kinds.flatMap(([k, s]) =>
      Object.entries(s.properties as Record<string, Schema>)
        .filter(([, p]) => typeof p['x-ansible-var'] !== 'string')
        .map(([key]) => `${k}.${key}`),
    );
    expect(unnamed).toEqual([]);
  });
});

describe('generated spec types', () => {
  it('are up to date with the schemas (gen-spec-types --check exits 0)', () => {
    const run = spawnSync(process.execPath, ['tools/scripts/gen-spec-types.mjs', '--check'], { cwd: WORKSPACE, encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
