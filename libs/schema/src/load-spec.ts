// Loads image.yaml / tkr.yaml / cluster.yaml: YAML with positions → schema → cross-field rules.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import type { Catalog } from '@kiln/catalog';
import type { KilnCluster, KilnImage, KilnTkr } from './generated/spec-types';
import { clusterProblems } from './cluster-rules';
import { imageProblems } from './image-rules';
import { problemsToError, type Problem } from './problem';
import { schemaProblems, type SpecKind } from './schema-validator';
import { tkrProblems } from './tkr-rules';
import { parseYamlSource, type YamlSource } from './yaml-source';

export interface Loaded<T> {
  spec: T;
  source: YamlSource;
}

function load<T>(kind: SpecKind, file: string, text: string, rules: (spec: T) => Problem[]): Loaded<T> {
  const source = parseYamlSource(file, text);
  const data = source.doc.toJS();
  if (data === null || data === undefined) {
    throw new KilnError('SPEC_EMPTY', `${kind}.yaml is empty`, { file, line: 1, column: 1, hint: `see README: ${kind}.yaml` });
  }
  const schema = schemaProblems(kind, data);
  if (schema.length > 0) throw problemsToError(source, schema);
  const semantic = rules(data as T);
  if (semantic.length > 0) throw problemsToError(source, semantic);
  return { spec: data as T, source };
}

export function loadImageSpec(file: string, text: string, catalog: Catalog): Loaded<KilnImage> {
  return load<KilnImage>('image', file, text, (spec) => imageProblems(spec, catalog));
}

export function loadTkrSpec(file: string, text: string): Loaded<KilnTkr> {
  return load<KilnTkr>('tkr', file, text, tkrProblems);
}

export function loadClusterSpec(file: string, text: string): Loaded<KilnCluster> {
  return load<KilnCluster>('cluster', file, text, clusterProblems);
}

/** Reads a workspace file for loading; a missing file is a clear error, not ENOENT. */
export function readWorkspaceFile(workspaceRoot: string, relPath: string, hint?: string): string {
  const abs = join(workspaceRoot, relPath);
  if (!existsSync(abs)) {
    throw new KilnError('FILE_MISSING', `file not found: ${relPath}`, {
      file: relPath,
      hint: hint ?? 'create it or fix the path that refers to it',
    });
  }
  return readFileSync(abs, 'utf8');
}
