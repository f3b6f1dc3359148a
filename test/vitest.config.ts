import { defineConfig } from 'vitest/config';

// Workspace-level end-to-end tests: real Nx and git in temporary workspaces; slow by nature.
export default defineConfig({
  test: {
    include: ['**/*.e2e.spec.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
