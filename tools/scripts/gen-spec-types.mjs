#!/usr/bin/env node
// Generates the TypeScript types of the JSON Schemas (the schemas are the source of truth): the shared name lists of
// libs/catalog/src/names.schema.json, and the spec types of libs/schema/src/schemas/*.schema.json.
// A definition with a title and an enum becomes a union type plus a const array of its values.
// Usage: node tools/scripts/gen-spec-types.mjs [--check]
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NAMES = 'libs/catalog/src/names.schema.json';
/** Schema files whose titled enum definitions other schemas $ref, and the module their generated types are imported from. */
const SHARED = { [NAMES]: '@kiln/catalog' };
const SPEC_SCHEMAS = ['image', 'tkr', 'cluster'].map((s) => `libs/schema/src/schemas/${s}.schema.json`);
const OUTPUTS = [
  { file: 'libs/catalog/src/generated/names.ts', render: () => namesModule(NAMES) },
  { file: 'libs/schema/src/generated/spec-types.ts', render: () => specTypesModule(SPEC_SCHEMAS) },
];

const schemas = new Map();
function load(file) {
  if (!schemas.has(file)) schemas.set(file, JSON.parse(readFileSync(join(root, file), 'utf8')));
  return schemas.get(file);
}

function pascal(name) {
  return name.replace(/(^|[-_])([a-z])/g, (_, __, c) => c.toUpperCase());
}

/** SCREAMING_SNAKE plural of a type name: Infra → INFRAS, OsName → OS_NAMES, PullPolicy → PULL_POLICIES. */
function constName(title) {
  const snake = title.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  return snake.endsWith('Y') ? `${snake.slice(0, -1)}IES` : `${snake}S`;
}

function comment(text, indent = '') {
  return `${indent}/** ${text.replace(/\*\//g, '*\\/')} */`;
}

/** The union type and const array of a titled enum definition. */
function enumDeclaration(def) {
  const values = def.enum.map((v) => JSON.stringify(v)).join(', ');
  return [
    ...(def.description ? [comment(def.description)] : []),
    `export const ${constName(def.title)} = [${values}] as const;`,
    `export type ${def.title} = (typeof ${constName(def.title)})[number];`,
  ].join('\n');
}

/** [schema file, definition] a $ref points at, relative to the schema file that holds it. */
function resolveRef(fromFile, ref) {
  const [path, pointer] = ref.split('#');
  const file = path ? relative(root, join(root, dirname(fromFile), path)) : fromFile;
  const name = /^\/definitions\/([^/]+)$/.exec(pointer ?? '')?.[1];
  const def = name && load(file).definitions?.[name];
  if (!def) throw new Error(`${fromFile}: cannot resolve $ref ${ref}`);
  return [file, def];
}

function isNamedEnum(def) {
  return typeof def.title === 'string' && Array.isArray(def.enum);
}

/** Writes the TypeScript types of one schema; `ctx` collects imports and local enum declarations. */
function typeOf(schema, nameHint, ctx) {
  if (schema.$ref) {
    const [file, def] = resolveRef(ctx.file, schema.$ref);
    if (!isNamedEnum(def)) return typeOf(def, nameHint, { ...ctx, file });
    if (file !== ctx.file) {
      if (!SHARED[file]) throw new Error(`${ctx.file}: $ref ${schema.$ref} names a file whose types are not generated`);
      ctx.imports.add(def.title);
    }
    return def.title;
  }
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const t = schema.type;
  if (Array.isArray(t)) return t.map((x) => typeOf({ type: x }, nameHint, ctx)).join(' | ');
  if (t === 'string') return 'string';
  if (t === 'boolean') return 'boolean';
  if (t === 'number' || t === 'integer') return 'number';
  if (t === 'array') return `Array<${typeOf(schema.items ?? {}, nameHint + 'Item', ctx)}>`;
  if (t === 'object') {
    if (!schema.properties) {
      const value = schema.additionalProperties ? typeOf(schema.additionalProperties, nameHint, ctx) : 'unknown';
      return `Record<string, ${value}>`;
    }
    ctx.extra.push(objectInterface(schema, nameHint, ctx));
    return nameHint;
  }
  return 'unknown';
}

/** The doc comment of a property: its description, with the ansible role or variable it stands for. */
function docOf(prop) {
  if (prop['x-ansible-var']) return `${prop['x-ansible-var']}: ${prop.description ?? ''}`.trim();
  if (prop['x-ansible-role']) return `${prop.description ?? ''} Ansible role ${prop['x-ansible-role']}.`.trim();
  return prop.description;
}

function objectInterface(schema, name, ctx) {
  const required = new Set(schema.required ?? []);
  const lines = [];
  if (docOf(schema)) lines.push(comment(docOf(schema)));
  lines.push(`export interface ${name} {`);
  for (const [key, prop] of Object.entries(schema.properties)) {
    if (docOf(prop)) lines.push(comment(docOf(prop), '  '));
    lines.push(`  ${key}${required.has(key) ? '' : '?'}: ${typeOf(prop, name + pascal(key), ctx)};`);
  }
  lines.push('}');
  return lines.join('\n');
}

/**
 * The ansible role of each hardening kind and the ansible variable of each of its switches, as image.schema.json
 * states them (x-ansible-role, x-ansible-var), in schema order.
 */
function hardeningAnsible(imageSchema) {
  const kinds = imageSchema.properties.hardening.properties;
  const entries = Object.entries(kinds).map(([kind, s]) => {
    if (!s['x-ansible-role']) throw new Error(`image.schema.json: hardening.${kind} has no x-ansible-role`);
    const vars = Object.entries(s.properties).map(([key, p]) => {
      if (!p['x-ansible-var']) throw new Error(`image.schema.json: hardening.${kind}.${key} has no x-ansible-var`);
      return `${key}: ${JSON.stringify(p['x-ansible-var'])}`;
    });
    return `  ${kind}: { role: ${JSON.stringify(s['x-ansible-role'])}, vars: { ${vars.join(', ')} } },`;
  });
  return [
    comment(
      'The ansible role of each hardening kind and the ansible variable of each of its switches (x-ansible-role, x-ansible-var), in schema order.',
    ),
    'export const HARDENING_ANSIBLE = {',
    ...entries,
    '} as const;',
    'export type HardeningKind = keyof typeof HARDENING_ANSIBLE;',
  ].join('\n');
}

function header(sources) {
  return `// Generated by tools/scripts/gen-spec-types.mjs from ${sources}. Do not edit.\n`;
}

function namesModule(file) {
  const defs = Object.values(load(file).definitions).filter(isNamedEnum);
  return header(file) + '\n' + defs.map(enumDeclaration).join('\n\n') + '\n';
}

function specTypesModule(files) {
  const imports = new Set();
  const blocks = [];
  for (const file of files) {
    const schema = load(file);
    const ctx = { file, imports, extra: [] };
    const enums = Object.values(schema.definitions ?? {})
      .filter(isNamedEnum)
      .map(enumDeclaration);
    const main = objectInterface(schema, schema.title, ctx);
    const hardening = schema.properties.hardening ? [hardeningAnsible(schema)] : [];
    blocks.push([...enums, ...ctx.extra, main, ...hardening].join('\n\n'));
  }
  const importLine = imports.size ? `\nimport type { ${[...imports].sort().join(', ')} } from '${SHARED[NAMES]}';\n` : '';
  return header('libs/schema/src/schemas/*.schema.json') + importLine + blocks.map((b) => `\n${b}\n`).join('');
}

const stale = [];
for (const { file, render } of OUTPUTS) {
  const out = render();
  const abs = join(root, file);
  if (process.argv.includes('--check')) {
    let current;
    try {
      current = readFileSync(abs, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== out) stale.push(file);
  } else {
    writeFileSync(abs + '.tmp', out);
    renameSync(abs + '.tmp', abs);
  }
}
if (stale.length) {
  console.error(`${stale.join(', ')} ${stale.length > 1 ? 'are' : 'is'} out of date: run npm run gen:types`);
  process.exit(1);
}
