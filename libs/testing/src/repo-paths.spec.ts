// repoRoot / repoPath: the repository root, wherever the spec file lives.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath, repoRoot } from './repo-paths';

describe('repoRoot', () => {
  it('is the folder that holds nx.json and libs/testing', () => {
    expect([existsSync(join(repoRoot, 'nx.json')), existsSync(join(repoRoot, 'libs', 'testing', 'package.json'))]).toEqual([true, true]);
  });

  it('repoPath joins segments under it', () => {
    expect(repoPath('libs', 'testing')).toBe(join(repoRoot, 'libs', 'testing'));
  });
});
