export * from './kiln-error-of';
export * from './repo-paths';
export * from './temp-dir';
