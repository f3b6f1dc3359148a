// The two sides of a change: base and head commits, the files changed between them, and temporary worktrees to read them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import { runCommand } from '@kiln/runner';

async function git(root: string, args: string[]): Promise<string> {
  const r = await runCommand({ file: 'git', args, cwd: root, timeoutMs: 120_000, allowFailure: true });
  if (r.exitCode !== 0) {
    throw new KilnError('GIT_FAILED', `git ${args.join(' ')} failed: ${r.stderr.trim().split('\n').pop() ?? ''}`, {
      hint: 'run inside a git clone that has both refs (in CI fetch enough history: actions/checkout with fetch-depth: 0)',
    });
  }
  return r.stdout;
}

async function resolveCommit(root: string, ref: string): Promise<string> {
  return (
    await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
      throw new KilnError('GIT_REF_UNKNOWN', `${ref} is not a commit of this repository`, {
        hint: 'pass a branch, tag or SHA the clone has (git fetch it first)',
      });
    })
  ).trim();
}

export interface Sides {
  /** merge-base of the base ref and head (what nx affected compares against). */
  base: string;
  /** The head commit, or undefined for the working tree. */
  head?: string;
  /** Workspace-relative paths changed between base and head (or the working tree, untracked files included). */
  changed: string[];
}

export async function resolveSides(root: string, baseRef: string, headRef?: string): Promise<Sides> {
  const baseCommit = await resolveCommit(root, baseRef);
  const head = headRef === undefined ? undefined : await resolveCommit(root, headRef);
  const base = (await git(root, ['merge-base', baseCommit, head ?? 'HEAD'])).trim();
  const diff = head === undefined ? ['diff', '--name-only', '--no-renames', base] : ['diff', '--name-only', '--no-renames', base, head];
  const files = (await git(root, diff)).split('\n');
  if (head === undefined) files.push(...(await git(root, ['ls-files', '--others', '--exclude-standard'])).split('\n'));
  return { base, head, changed: [...new Set(files.filter(Boolean))].sort() };
}

export interface Worktree {
  dir: string;
  remove(): Promise<void>;
}

/** A detached temporary worktree of `commit` (nothing of the user's checkout is touched). */
export async function addWorktree(root: string, commit: string): Promise<Worktree> {
  const parent = mkdtempSync(join(tmpdir(), 'kiln-review-'));
  const dir = join(parent, 'tree');
  await git(root, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
  return {
    dir,
    async remove() {
      await git(root, ['worktree', 'remove', '--force', dir]).catch(() => undefined);
      rmSync(parent, { recursive: true, force: true });
      await git(root, ['worktree', 'prune']).catch(() => undefined);
    },
  };
}
