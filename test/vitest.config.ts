import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Workspace-level end-to-end tests: real Nx and git in temporary workspaces; slow by nature.
// Two groups run side by side (test/project.json): the files that drive the Docker engine (they share
// its resource-bundle containers, so they run one after another) and all the others.
const files = readdirSync(__dirname)
  .filter((f) => f.endsWith('.e2e.spec.ts'))
  .sort();
const usesDocker = (file: string) => readFileSync(join(__dirname, file), 'utf8').includes('requireDockerOrSkip(');
const group = process.env.KILN_E2E_GROUP;
const include = group === 'docker' ? files.filter(usesDocker) : group === 'other' ? files.filter((f) => !usesDocker(f)) : files;

export default defineConfig({
  test: {
    include,
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    globalSetup: ['./support/record-docker-versions.ts'],
  },
});
