export * from './stable-json';
export * from './image-context';
export * from './render-tkg-json';
export * from './render-customizations';
export * from './render-build-plan';
export * from './docker-run-args';
export * from './render-image-config';
