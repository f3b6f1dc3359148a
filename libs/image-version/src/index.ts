export * from './tar-entries';
export * from './ovf-version';
export * from './ova-version';
export * from './govc-vm-info';
export * from './os-image-version-from-cluster';
