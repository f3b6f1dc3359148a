// Temporary git copies of the repository with their own Nx cache, for end-to-end tests of real Nx runs.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { repoRoot } from '@kiln/testing';

/** The repository the temporary workspaces are copied from. */
export const REPO_ROOT = repoRoot;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TempWorkspace {
  root: string;
  /** NX_CACHE_DIRECTORY of this workspace. */
  cacheDir: string;
  /** NX_WORKSPACE_DATA_DIRECTORY of this workspace. */
  dataDir: string;
  /** Runs `node node_modules/nx/<bin> ...args` (run commands get --outputStyle=static). */
  nx(args: string[], extraEnv?: Record<string, string>): CommandResult;
  /** Runs git in the workspace; throws when git fails. */
  git(args: string[]): string;
  /** Stages everything and commits it. */
  commitAll(message: string): void;
  read(rel: string): string;
  write(rel: string, content: string): void;
  exists(rel: string): boolean;
  remove(rel: string): void;
  /** Deletes the whole temporary folder. */
  dispose(): void;
}

const RUN_COMMANDS = new Set(['run', 'run-many', 'affected']);

/** node_modules/nx/<bin> as nx's package.json names it (dist/bin/nx.js in Nx 23). */
function nxBin(): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'nx', 'package.json'), 'utf8')) as { bin: { nx: string } };
  return join('node_modules', 'nx', manifest.bin.nx);
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): CommandResult {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: stripAnsi(r.stdout), stderr: stripAnsi(r.stderr) };
}

function repoFiles(): string[] {
  const r = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], REPO_ROOT, process.env);
  if (r.code !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
  // A tracked file deleted in the working tree is still listed: copy what exists.
  return r.stdout.split('\0').filter((f) => f !== '' && existsSync(join(REPO_ROOT, f)));
}

function copyRepo(root: string): void {
  for (const file of repoFiles()) {
    const from = join(REPO_ROOT, file);
    const to = join(root, file);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    chmodSync(to, statSync(from).mode);
  }
}

/**
 * node_modules: every entry links to the repository's, except the workspace packages (@kiln/*), which link to
 * this copy's own libs. A single link to the repository's node_modules would make Nx load the repository's
 * executors and libs (node_modules/@kiln/* are relative links into the repository), not the copy's.
 */
function linkNodeModules(root: string): void {
  const repoModules = join(REPO_ROOT, 'node_modules');
  const modules = join(root, 'node_modules');
  mkdirSync(join(modules, '@kiln'), { recursive: true });
  for (const entry of readdirSync(repoModules)) {
    if (entry === '@kiln' || entry === '.cache') continue;
    symlinkSync(join(repoModules, entry), join(modules, entry));
  }
  for (const pkg of readdirSync(join(repoModules, '@kiln'))) {
    // npm links workspace packages relatively (../../libs/<x>): the same link inside the copy points at the copy.
    const target = readlinkSync(join(repoModules, '@kiln', pkg));
    if (isAbsolute(target)) throw new Error(`node_modules/@kiln/${pkg} is not a relative workspace link: ${target}`);
    symlinkSync(target, join(modules, '@kiln', pkg));
  }
}

/** Removes ANSI colour/style escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** The environment of every Nx run: no daemon, no cloud, no inherited NX_* settings, this workspace's cache. */
function nxEnv(cacheDir: string, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NX_')) env[k] = v;
  // Nx colours a terminal, and any output at all when CI is set (picocolors): child Nx runs get neither, and
  // no FORCE_COLOR/NO_COLOR either (Node warns in every task when both are set). Output is also stripped of
  // ANSI codes (stripAnsi) in case a colour slips through, e.g. under an outer Nx task.
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  delete env.CI;
  return {
    ...env,
    NX_CACHE_DIRECTORY: cacheDir,
    NX_WORKSPACE_DATA_DIRECTORY: dataDir,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
  };
}

export function createTempWorkspace(): TempWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'kiln-e2e-'));
  const cacheDir = join(root, '.nx-e2e', 'cache');
  const dataDir = join(root, '.nx-e2e', 'workspace-data');
  copyRepo(root);
  linkNodeModules(root);
  const env = nxEnv(cacheDir, dataDir);

  const git = (args: string[]): string => {
    const r = run('git', args, root, env);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'Kiln E2E']);
  git(['config', 'user.email', 'kiln-e2e@example.invalid']);
  git(['config', 'commit.gpgsign', 'false']);
  // Keep the Nx folders out of git, like the repository's .gitignore keeps .nx/ out.
  writeFileSync(join(root, '.git', 'info', 'exclude'), '/.nx-e2e/\n');
  const commitAll = (message: string): void => {
    git(['add', '-A']);
    git(['commit', '-q', '-m', message]);
  };
  commitAll('initial copy of the repository');

  return {
    root,
    cacheDir,
    dataDir,
    nx(args, extraEnv = {}) {
      const style = RUN_COMMANDS.has(args[0] ?? '') || /:/.test(args[0] ?? '') ? ['--outputStyle=static'] : [];
      return run(process.execPath, [nxBin(), ...args, ...style], root, { ...env, ...extraEnv });
    },
    git,
    commitAll,
    read: (rel) => readFileSync(join(root, rel), 'utf8'),
    write(rel, content) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), content);
    },
    exists: (rel) => existsSync(join(root, rel)),
    remove: (rel) => rmSync(join(root, rel), { recursive: true, force: true }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
