export * from './in-toto-types';
export * from './provenance-subjects';
export * from './docker-image-dependency';
export * from './provenance-statement';
export * from './package-list';
export * from './package-url';
export * from './package-list-to-sbom';
export * from './validate-sbom';
