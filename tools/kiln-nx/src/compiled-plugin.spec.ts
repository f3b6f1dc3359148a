import { describe, expect, it } from 'vitest';
import { tempDir } from '@kiln/testing';
import * as source from './index';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compileAll, staleFiles } = require('../bin/compile-plugin.js') as {
  compileAll(): Record<string, string>;
  staleFiles(expected: Record<string, string>): string[];
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiled = require('../lib/index.js') as typeof source;

const root = tempDir('kiln-nx-compiled-');

describe('the precompiled plugin entry (lib/, what nx.json loads)', () => {
  it('is up to date with src/ (else: npm run compile:plugin)', () => {
    expect(staleFiles(compileAll()), 'tools/kiln-nx/lib is stale: run npm run compile:plugin').toEqual([]);
  });

  it('infers the same projects as the TypeScript source', async () => {
    const files = ['images/a/image.yaml', 'tkrs/t/tkr.yaml', 'clusters/c/cluster.yaml'];
    const context = { nxJsonConfiguration: {}, workspaceRoot: root };
    const options = { configBundlesDir: 'vendor/bundles', registry: 'registry.example.com/tkg' };
    expect(await compiled.createNodes[1](files, options, context)).toEqual(await source.createNodes[1](files, options, context));
    expect(compiled.createNodes[0]).toBe(source.createNodes[0]);
  });
});
