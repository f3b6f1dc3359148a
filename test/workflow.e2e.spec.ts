// The shipped GitHub Actions workflow (.github/workflows/kiln.yml) parses, and every command it runs exists in this
// repository: kiln sub-commands, Nx targets the plugin infers, npm scripts; credentials only ever come from the
// secret store into env (never into a command line); pull requests get the read-only cache token.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createNodes } from '../tools/kiln-nx/src/index';
import { COMMANDS } from '../tools/kiln-cli/src/main';
import { REPO_ROOT } from './support/temp-workspace';

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  env?: Record<string, string>;
  environment?: string;
  steps: Step[];
  strategy?: { matrix?: { include?: string } };
}

const text = readFileSync(join(REPO_ROOT, '.github/workflows/kiln.yml'), 'utf8');
const workflow = parse(text) as { on: Record<string, unknown>; env: Record<string, string>; jobs: Record<string, Job> };
const runs = Object.entries(workflow.jobs).flatMap(([job, j]) => j.steps.filter((s) => s.run).map((s) => ({ job, run: s.run! })));

/** Every target the Kiln plugin infers for the sample catalog's projects. */
async function inferredTargets(): Promise<Set<string>> {
  const files = ['images/ubuntu-2004-vsphere-class/image.yaml', 'tkrs/custom-v1-26-5/tkr.yaml', 'clusters/workload-vsphere/cluster.yaml'];
  const results = await createNodes[1](
    files,
    { configBundlesDir: 'images/_bundles' },
    { nxJsonConfiguration: {}, workspaceRoot: REPO_ROOT },
  );
  const targets = new Set<string>();
  for (const [, r] of results)
    for (const p of Object.values(r.projects ?? {})) for (const t of Object.keys(p.targets ?? {})) targets.add(t);
  return targets;
}

describe('.github/workflows/kiln.yml', () => {
  it('runs on pull requests and pushes to main, with the four jobs', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.on.push).toEqual({ branches: ['main'] });
    expect(Object.keys(workflow.jobs)).toEqual(['review', 'plan', 'image', 'final']);
    expect(workflow.jobs.image!.needs).toBe('plan');
    expect(workflow.jobs.image!.strategy!.matrix!.include).toBe('${{ fromJSON(needs.plan.outputs.matrix).images }}');
    expect(workflow.jobs.final!.needs).toEqual(['plan', 'image']);
    expect(workflow.jobs.final!.environment).toBe('production');
  });

  it('runs only kiln commands, Nx targets and npm commands that exist', async () => {
    const targets = await inferredTargets();
    const kilnCommands: string[] = [];
    const nxTargets: string[] = [];
    for (const { run } of runs) {
      for (const m of run.matchAll(/npx kiln ([a-z-]+)/g)) kilnCommands.push(m[1]!);
      for (const m of run.matchAll(/npx nx run "?\$PROJECT:([a-z-]+)"?/g)) nxTargets.push(m[1]!);
      for (const m of run.matchAll(/npx nx (?:run-many|affected) -t ((?:[a-z][a-z-]* )+)/g)) nxTargets.push(...m[1]!.trim().split(' '));
      for (const m of run.matchAll(/\bnpm (\S+)/g)) expect(['ci'], run).toContain(m[1]);
      // Nothing else is run through npx.
      for (const m of run.matchAll(/npx (\S+)/g)) expect(['kiln', 'nx'], run).toContain(m[1]);
    }
    expect([...new Set(kilnCommands)].sort()).toEqual(['cache-check', 'ci-matrix', 'review', 'validate']);
    for (const c of kilnCommands) expect(Object.keys(COMMANDS), c).toContain(c);
    expect([...new Set(nxTargets)].sort()).toEqual(['apply-tkr', 'gen-bom', 'gen-cluster-config', 'render-config', 'upload']);
    for (const t of nxTargets) expect([...targets], t).toContain(t);
    // npx kiln resolves to this repository's bin.
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'tools/kiln-cli/package.json'), 'utf8')).bin.kiln).toBe('bin/kiln.js');
  });

  it('uses only pinned, well-known actions; nx-set-shas computes base and head', () => {
    const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.filter((s) => s.uses).map((s) => s.uses!));
    expect([...new Set(uses)].sort()).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'nrwl/nx-set-shas@v4']);
    for (const job of ['review', 'plan']) {
      const steps = workflow.jobs[job]!.steps;
      expect(steps.find((s) => s.uses === 'actions/checkout@v4')!.with).toEqual({ 'fetch-depth': 0 });
      expect(steps.findIndex((s) => s.uses === 'nrwl/nx-set-shas@v4')).toBeLessThan(
        steps.findIndex((s) => s.run?.includes('--base "$NX_BASE" --head "$NX_HEAD"')),
      );
    }
  });

  it('keeps credentials in env: never in a command line; pull requests get the read-only cache token', () => {
    for (const { run } of runs) expect(run).not.toMatch(/secrets\./);
    expect(workflow.jobs.review!.env).toEqual({ NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: '${{ secrets.NX_CACHE_READ_TOKEN }}' });
    expect(workflow.jobs.review!.steps.some((s) => s.run === 'npx kiln cache-check --expect read-only')).toBe(true);
    for (const job of ['image', 'final']) {
      expect(workflow.jobs[job]!.env!.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN).toBe('${{ secrets.NX_CACHE_WRITE_TOKEN }}');
      // The preflight runs before any build.
      const steps = workflow.jobs[job]!.steps;
      expect(steps.findIndex((s) => s.run === 'npx kiln cache-check --expect read-write')).toBeLessThan(
        steps.findIndex((s) => s.run?.includes('npx nx run')),
      );
    }
    expect(JSON.stringify(workflow.jobs.review)).not.toContain('NX_CACHE_WRITE_TOKEN');
    expect(JSON.stringify(workflow.env)).not.toContain('secrets.');
    expect(workflow.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER).toBe('${{ vars.NX_CACHE_SERVER }}');
  });
});
