// gitSource: the commit and dirty flag provenance.json records, read with the real git.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kilnRejectionOf, tempDir } from '@kiln/testing';
import { gitSource } from './git-source';

function git(dir: string, ...args: string[]): string {
  const r = spawnSync(
    'git',
    ['-c', 'user.name=Kiln Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args],
    { cwd: dir, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A repository with one committed file, image.yaml. */
function repo(): string {
  const dir = tempDir();
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'image.yaml'), 'infra: vsphere\n');
  git(dir, 'add', 'image.yaml');
  git(dir, 'commit', '-q', '-m', 'one');
  return dir;
}

describe('gitSource', () => {
  it('reads the full commit id of HEAD, clean when nothing tracked changed', async () => {
    const dir = repo();
    expect(await gitSource(dir)).toEqual({ commit: git(dir, 'rev-parse', 'HEAD'), dirty: false });
  });

  it('is dirty when a tracked file differs from HEAD', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'image.yaml'), 'infra: aws\n');
    expect((await gitSource(dir)).dirty).toBe(true);
  });

  it('is dirty when a change is staged but not committed', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'new.yaml'), 'x: 1\n');
    git(dir, 'add', 'new.yaml');
    expect((await gitSource(dir)).dirty).toBe(true);
  });

  it('is not dirty for untracked files alone (dist/ output, scratch files)', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'scratch.txt'), 'notes\n');
    expect((await gitSource(dir)).dirty).toBe(false);
  });

  it('fails with GIT_SOURCE_UNKNOWN and a hint outside a git checkout', async () => {
    const e = await kilnRejectionOf(gitSource(tempDir()));
    expect([e.code, e.message, e.hint]).toEqual([
      'GIT_SOURCE_UNKNOWN',
      'the workspace has no git commit to record as the build source',
      'Kiln records the commit each image is built from in provenance.json: build from a git checkout with at least one commit',
    ]);
  });

  it('says how to trust a checkout another user owns, which git refuses to read', async () => {
    const dir = repo();
    // git as it answers in a checkout owned by another user (a fake on PATH: changing owners needs root).
    const bin = tempDir();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "fatal: detected dubious ownership in repository at '$PWD'" >&2\nexit 128\n`, {
      mode: 0o755,
    });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path ?? ''}`;
    try {
      const e = await kilnRejectionOf(gitSource(dir));
      expect([e.code, e.hint]).toEqual([
        'GIT_SOURCE_UNKNOWN',
        `git refuses a checkout another user owns: if you trust it, run git config --global --add safe.directory ${dir}`,
      ]);
    } finally {
      process.env.PATH = path;
    }
  });

  it('fails the same way in a repository without a commit yet', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q');
    expect((await kilnRejectionOf(gitSource(dir))).code).toBe('GIT_SOURCE_UNKNOWN');
  });
});
