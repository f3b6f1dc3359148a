export * from './kiln-error';
export * from './format-error';
