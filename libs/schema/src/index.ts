export * from './dist-layout';
export * from './generated/spec-types';
export * from './load-spec';
export * from './problem';
export * from './revocation';
export { schemaFor, type SpecKind } from './schema-validator';
export { parseYamlSource, positionAt, type YamlSource, type Position } from './yaml-source';
export * from './project-name-clash';
