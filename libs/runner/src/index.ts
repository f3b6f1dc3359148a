export * from './redactor';
export * from './run-command';
export * from './preflight';
export * from './tool-hints';
export * from './docker-cli';
export * from './cleanup-reaper';
