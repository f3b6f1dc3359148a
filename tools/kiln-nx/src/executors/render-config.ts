// render-config executor (single and batch): validate image.yaml and render the config folder.
import { renderConfigStep } from '@kiln/steps';
import { toBatchExecutor, toExecutor, type KilnTaskFn } from './task-runner';

const renderConfig: KilnTaskFn = (task) =>
  renderConfigStep({
    workspaceRoot: task.workspaceRoot,
    image: task.project,
    outputPath: task.options.outputPath ?? `dist/images/${task.project}/config`,
    settings: task.settings,
  });

export default toExecutor(renderConfig);
export const batch = toBatchExecutor(renderConfig);
