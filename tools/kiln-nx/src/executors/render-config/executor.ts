// render-config executor (single and batch): validate image.yaml and render the config folder.
import { renderConfigStep } from '@kiln/steps/src/render-config/render-config-step';
import type { RenderConfigOptions } from './schema';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from '../task-runner';

const renderConfig: KilnTaskFn<RenderConfigOptions> = (task) =>
  renderConfigStep({
    workspaceRoot: task.workspaceRoot,
    image: task.project,
    outputPath: task.options.outputPath,
    settings: task.options,
  });

export default toExecutor(renderConfig);
export const batch = toBatchExecutor(renderConfig);
