export * from './kiln-error-of';
export * from './repo-paths';
export * from './run-cli';
export * from './temp-dir';
