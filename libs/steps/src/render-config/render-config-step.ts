// render-config: validate image.yaml, render its config folder, write it atomically.
import { join } from 'node:path';
import { renderImageConfig } from '@kiln/render';
import type { Catalog } from '@kiln/catalog';
import { writeDirAtomic } from '../shared/atomic-write';
import { loadImageContext } from '../shared/load-image-context';
import type { ImageSettings } from '../shared/workspace-settings';

export interface RenderConfigInput {
  workspaceRoot: string;
  image: string;
  /** Workspace-relative output folder (dist/images/<name>/config, or dist/plan/... in plan mode). */
  outputPath: string;
  settings: ImageSettings;
  catalog?: Catalog;
}

/** Returns the report printed for the task. */
export function renderConfigStep(input: RenderConfigInput): string {
  const ctx = loadImageContext(input.workspaceRoot, input.image, input.settings, input.catalog);
  const files = renderImageConfig(ctx);
  writeDirAtomic(join(input.workspaceRoot, input.outputPath), files);
  const names = Object.keys(files).sort();
  return `rendered ${input.outputPath}/{${names.join(',')}} (${ctx.spec.infra} ${ctx.spec.os}, TKG ${ctx.spec.release}, make ${ctx.release.targets[ctx.spec.infra]![ctx.spec.os]})`;
}
