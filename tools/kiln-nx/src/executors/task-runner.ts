// The executor edge: runs one Kiln task function, prints its report, and prints errors without stack traces.
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { Writable } from 'node:stream';
import { formatError } from '@kiln/errors';
import { settingsFromNxJson, type KilnSettings } from '@kiln/steps';

export interface KilnTargetOptions {
  plan?: boolean;
  outputPath?: string;
  configPath?: string;
  registry?: string;
  /** upload: replace a conflicting template/AMI/image version (`nx run <image>:upload --replace`). */
  replace?: boolean;
  /** apply-tkr: take over ConfigMap fields another field manager owns (`nx run <tkr>:apply-tkr --force-conflicts`). */
  forceConflicts?: boolean;
}

export interface KilnTask {
  workspaceRoot: string;
  project: string;
  projectRoot: string;
  options: KilnTargetOptions;
  settings: KilnSettings;
  /** Where a real-mode step prints its progress: the task's own stdout, or the task's captured output in a batch. */
  echo: NodeJS.WritableStream;
}

/** A task body: returns the report text, or throws (a KilnError for anything the user can fix). */
export type KilnTaskFn = (task: KilnTask) => Promise<string> | string;

function taskOf(project: string, options: KilnTargetOptions, context: ExecutorContext, echo: NodeJS.WritableStream = process.stdout): KilnTask {
  const projectRoot = context.projectsConfigurations.projects[project]?.root ?? '';
  const settings = settingsFromNxJson(context.nxJsonConfiguration as { plugins?: unknown[] });
  if (options.registry) settings.registry = options.registry;
  return { workspaceRoot: context.root, project, projectRoot, options, settings, echo };
}

async function runOne(fn: KilnTaskFn, task: KilnTask): Promise<{ success: boolean; terminalOutput: string }> {
  try {
    return { success: true, terminalOutput: (await fn(task)) + '\n' };
  } catch (error) {
    return { success: false, terminalOutput: `${task.project}: ${formatError(error)}\n` };
  }
}

export function toExecutor(fn: KilnTaskFn) {
  return async function executor(options: KilnTargetOptions, context: ExecutorContext): Promise<{ success: boolean }> {
    const result = await runOne(fn, taskOf(context.projectName!, options, context));
    (result.success ? process.stdout : process.stderr).write(result.terminalOutput);
    return { success: result.success };
  };
}

/**
 * Nx batch mode: many tasks of this executor in one process, one after another (plan mode batches every target,
 * see ../plan-batch.ts; real side-effect targets run batched only when asked with --batch). Results are streamed one task at a time
 * (an async iterator), so Nx prints and caches each task's own output as it completes.
 */
export function toBatchExecutor(fn: KilnTaskFn) {
  return async function* batch(
    taskGraph: TaskGraph,
    inputs: Record<string, KilnTargetOptions>,
    _overrides: KilnTargetOptions,
    context: ExecutorContext,
  ): AsyncGenerator<{ task: string; result: { success: boolean; terminalOutput: string; startTime: number; endTime: number } }> {
    for (const [id, t] of Object.entries(taskGraph.tasks)) {
      const startTime = Date.now();
      // A step's progress lines become the task's own output (Nx prints and caches it per task).
      const printed: Buffer[] = [];
      const echo = new Writable({ write: (chunk, _enc, done) => (printed.push(Buffer.from(chunk)), done()) });
      const result = await runOne(fn, taskOf(t.target.project, inputs[id] ?? {}, context, echo));
      const terminalOutput = Buffer.concat(printed).toString() + result.terminalOutput;
      yield { task: id, result: { ...result, terminalOutput, startTime, endTime: Date.now() } };
    }
  };
}
