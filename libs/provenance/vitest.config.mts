// Golden files are vitest file snapshots: a missing one fails like a changed one; `npx vitest run <spec file> -u` writes them.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { update: 'none' } });
