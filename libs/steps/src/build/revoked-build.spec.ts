// A revoked image is not built: buildStep and planBuild refuse it (IMAGE_REVOKED at its revoked: key) before anything
// starts; a revocation whose date has not come is no refusal. Restoring is removing the key.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderBuildPlan, renderCustomizations, type BuildPlan } from '@kiln/render';
import { kilnErrorOf, kilnRejectionOf, repoRoot, tempDir } from '@kiln/testing';
import { loadImageContext } from '../shared/load-image-context';
import { normalizePluginOptions } from '../shared/workspace-settings';
import { buildStep } from './build-step';
import { planBuild } from './plan-build';

const IMAGE = 'ubuntu-2004-aws-cis';
const SETTINGS = normalizePluginOptions(undefined);

/** A workspace holding only images/<IMAGE>/image.yaml (the sample), with `revoked:` appended when given. */
function workspace(revoked?: { reason: string; at: string }): string {
  const root = tempDir('kiln-revoked-build-');
  const text = readFileSync(join(repoRoot, 'images', IMAGE, 'image.yaml'), 'utf8');
  mkdirSync(join(root, 'images', IMAGE), { recursive: true });
  writeFileSync(
    join(root, 'images', IMAGE, 'image.yaml'),
    revoked ? `${text}revoked:\n  reason: ${revoked.reason}\n  at: ${revoked.at}\n` : text,
  );
  return root;
}

function buildPlanOf(): BuildPlan {
  const ctx = loadImageContext(repoRoot, IMAGE, SETTINGS);
  return renderBuildPlan(ctx, renderCustomizations(ctx));
}

const lines = (root: string) => readFileSync(join(root, 'images', IMAGE, 'image.yaml'), 'utf8').split('\n').length;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('build of a revoked image', () => {
  it('buildStep refuses it with IMAGE_REVOKED at the revoked: key, naming the reason and date, before anything runs', async () => {
    const root = workspace({ reason: 'CVE-2026-0001 in the kernel', at: '2026-02-20' });
    const e = await kilnRejectionOf(
      buildStep({
        workspaceRoot: root,
        project: IMAGE,
        configPath: `dist/images/${IMAGE}/config`,
        outputPath: `dist/images/${IMAGE}/build`,
        settings: SETTINGS,
      }),
    );
    expect([e.code, e.message, e.file, e.line, e.column, e.hint]).toEqual([
      'IMAGE_REVOKED',
      `image ${IMAGE} is revoked since 2026-02-20 (CVE-2026-0001 in the kernel): a revoked image is not built`,
      `images/${IMAGE}/image.yaml`,
      lines(root) - 3,
      1,
      `remove \`revoked:\` from images/${IMAGE}/image.yaml to restore it`,
    ]);
    expect(existsSync(join(root, 'dist'))).toBe(false);
  });

  it('planBuild refuses it the same way', () => {
    const root = workspace({ reason: 'CVE-2026-0001 in the kernel', at: '2026-02-20T10:00:00Z' });
    const e = kilnErrorOf(() => planBuild(root, IMAGE, buildPlanOf(), `dist/images/${IMAGE}/config`));
    expect([e.code, e.message.split(':')[0]]).toEqual(['IMAGE_REVOKED', `image ${IMAGE} is revoked since 2026-02-20T10`]);
  });

  it('plans the build of an image whose revocation date has not come yet', () => {
    const root = workspace({ reason: 'end of support', at: '2999-01-01' });
    expect(planBuild(root, IMAGE, buildPlanOf(), `dist/images/${IMAGE}/config`).target).toBe('build');
  });

  it('judges the date at KILN_NOW when it is set', () => {
    const root = workspace({ reason: 'end of support', at: '2026-06-01' });
    vi.stubEnv('KILN_NOW', '2026-05-31T23:59:59Z');
    expect(planBuild(root, IMAGE, buildPlanOf(), `dist/images/${IMAGE}/config`).target).toBe('build');
    vi.stubEnv('KILN_NOW', '2026-06-01T00:00:00Z');
    expect(kilnErrorOf(() => planBuild(root, IMAGE, buildPlanOf(), `dist/images/${IMAGE}/config`)).code).toBe('IMAGE_REVOKED');
  });

  it('plans the build again once revoked: is removed', () => {
    expect(planBuild(workspace(), IMAGE, buildPlanOf(), `dist/images/${IMAGE}/config`).target).toBe('build');
  });
});
