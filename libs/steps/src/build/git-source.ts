// The git commit a build starts from and whether tracked files differ from it (provenance.json's source).
import { KilnError } from '@kiln/errors';
import { runCommand } from '@kiln/runner';

export interface GitSource {
  /** Full hex commit id of HEAD. */
  commit: string;
  /** True when a tracked file differs from HEAD (staged or not); untracked files do not count. */
  dirty: boolean;
}

/** `git status --porcelain` lines of tracked changes only: what makes a build's source dirty. */
export const GIT_STATUS_ARGS = ['status', '--porcelain', '--untracked-files=no'];

/** The workspace's HEAD and dirty flag; fails when the workspace is not a git checkout with a commit. */
export async function gitSource(workspaceRoot: string, signal?: AbortSignal): Promise<GitSource> {
  const git = (args: string[]) => runCommand({ file: 'git', args, cwd: workspaceRoot, timeoutMs: 120_000, allowFailure: true, signal });
  const head = await git(['rev-parse', '--verify', 'HEAD']);
  if (head.exitCode !== 0) {
    const said = head.stderr || head.stdout;
    throw new KilnError('GIT_SOURCE_UNKNOWN', 'the workspace has no git commit to record as the build source', {
      hint: /dubious ownership/.test(said)
        ? `git refuses a checkout another user owns: if you trust it, run git config --global --add safe.directory ${workspaceRoot}`
        : 'Kiln records the commit each image is built from in provenance.json: build from a git checkout with at least one commit',
      context: { git: said.split('\n').slice(-3).join('\n') },
    });
  }
  const status = await git(GIT_STATUS_ARGS);
  if (status.exitCode !== 0) {
    throw new KilnError('GIT_SOURCE_UNKNOWN', 'git status failed in the workspace', { context: { git: status.stderr } });
  }
  return { commit: head.stdout.trim(), dirty: status.stdout.trim() !== '' };
}
