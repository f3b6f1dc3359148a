export * from './catalog-types';
export * from './load-catalog';
export * from './config-bundle';
