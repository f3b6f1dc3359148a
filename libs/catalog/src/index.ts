export * from './generated/names';
export * from './catalog-types';
export * from './load-catalog';
export * from './config-bundle';
export { addNamesSchema, schemaFileUrl } from './names-schema';
