// The render-config target's renderer: one image context in, the config folder's files out.
import type { ImageContext } from './image-context';
import { renderBuildPlan } from './render-build-plan';
import { renderCustomizations } from './render-customizations';
import { renderTkgJson } from './render-tkg-json';
import { stableJson } from './stable-json';

export function renderImageConfig(ctx: ImageContext): Record<string, string> {
  const customizations = renderCustomizations(ctx);
  const files: Record<string, string> = {
    'tkg.json': stableJson(renderTkgJson(ctx)),
    'customizations.json': stableJson(customizations),
    'build-plan.json': stableJson(renderBuildPlan(ctx, customizations)),
  };
  if (ctx.spec.infra === 'vsphere') files['metadata.json'] = stableJson({ VERSION: ctx.spec.vsphere!.version });
  return files;
}
