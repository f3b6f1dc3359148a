// Reads the build-plan.json render-config wrote for an image (pull-bundle, build and upload start from it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '@kiln/errors';
import type { BuildPlan } from '@kiln/render';

export function readBuildPlan(workspaceRoot: string, configPath: string): BuildPlan {
  const file = `${configPath}/build-plan.json`;
  try {
    return JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as BuildPlan;
  } catch {
    throw new KilnError('BUILD_PLAN_MISSING', `build plan not found: ${file}`, {
      file,
      hint: 'run the render-config target first (nx run <image>:render-config)',
    });
  }
}
