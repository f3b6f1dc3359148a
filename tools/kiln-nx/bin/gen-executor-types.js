#!/usr/bin/env node
// Generates each executor's options type (schema.d.ts) from its schema.json, the source of truth, as executors.json
// lists them. `--check` exits 1 (naming the files) when a schema.d.ts is stale.
// Usage: node tools/kiln-nx/bin/gen-executor-types.js [--check]
'use strict';
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const PLUGIN = join(__dirname, '..');
const REPO = join(PLUGIN, '..', '..');
const COMMAND = 'npm run gen:types';

function pascal(name) {
  return name.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase());
}

/** The TypeScript type of one option: executor options are flat (strings, numbers, booleans, enums). */
function typeOf(schema, where) {
  if (schema.enum)
    return schema.enum.map((v) => (typeof v === 'string' ? `'${v.replace(/[\\']/g, '\\$&')}'` : JSON.stringify(v))).join(' | ');
  if (schema.type === 'string') return 'string';
  if (schema.type === 'boolean') return 'boolean';
  if (schema.type === 'integer' || schema.type === 'number') return 'number';
  throw new Error(`${where}: only string, number, integer, boolean and enum options are supported (got ${JSON.stringify(schema)})`);
}

function comment(text, indent) {
  return `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n`;
}

/** The schema.d.ts text of one executor. */
function optionsType(name, schema, schemaRel) {
  if (schema.type !== 'object' || schema.additionalProperties !== false)
    throw new Error(`${schemaRel}: must be an object schema with additionalProperties: false`);
  const required = new Set(schema.required ?? []);
  let out = `// Generated from ${relative(PLUGIN, join(REPO, schemaRel))} by tools/kiln-nx/bin/gen-executor-types.js: do not edit, run ${COMMAND}.\n\n`;
  if (schema.description) out += comment(schema.description, '');
  out += `export interface ${pascal(name)}Options {\n`;
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.description) out += comment(prop.description, '  ');
    out += `  ${key}${required.has(key) ? '' : '?'}: ${typeOf(prop, `${schemaRel}#${key}`)};\n`;
  }
  for (const key of required)
    if (!(key in (schema.properties ?? {}))) throw new Error(`${schemaRel}: required option ${key} has no property`);
  return `${out}}\n`;
}

/** { repo-relative schema.d.ts path: content } for every executor of executors.json. */
function generateAll() {
  const { executors } = JSON.parse(readFileSync(join(PLUGIN, 'executors.json'), 'utf8'));
  const out = {};
  for (const [name, entry] of Object.entries(executors)) {
    const schemaFile = join(PLUGIN, entry.schema);
    const schemaRel = relative(REPO, schemaFile);
    out[join(relative(REPO, dirname(schemaFile)), 'schema.d.ts')] = optionsType(
      name,
      JSON.parse(readFileSync(schemaFile, 'utf8')),
      schemaRel,
    );
  }
  return out;
}

/** Generated files that differ from what is on disk. */
function staleFiles(expected) {
  return Object.entries(expected)
    .filter(([rel, content]) => !existsSync(join(REPO, rel)) || readFileSync(join(REPO, rel), 'utf8') !== content)
    .map(([rel]) => rel)
    .sort();
}

module.exports = { generateAll, staleFiles };

if (require.main === module) {
  try {
    const expected = generateAll();
    if (process.argv.includes('--check')) {
      const stale = staleFiles(expected);
      if (stale.length) {
        console.error(`executor option types are stale: ${stale.join(', ')}\n  hint: run ${COMMAND}`);
        process.exit(1);
      }
    } else {
      for (const [rel, content] of Object.entries(expected)) {
        writeFileSync(join(REPO, `${rel}.tmp`), content);
        renameSync(join(REPO, `${rel}.tmp`), join(REPO, rel));
      }
      console.log(`generated ${Object.keys(expected).length} executor option types`);
    }
  } catch (error) {
    console.error(`gen-executor-types: ${error.message}`);
    process.exit(1);
  }
}
