// The executor edge: runs one Kiln task function, prints its report, and prints errors without stack traces.
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { Writable } from 'node:stream';
import { formatError } from '@kiln/errors';
import { withEnvOverrides, type KilnSettings } from '@kiln/steps/src/shared/workspace-settings';

export interface KilnTask<O> {
  workspaceRoot: string;
  project: string;
  projectRoot: string;
  /** The target's options (schema.json of its executor): the plugin set them, workspace settings included. */
  options: O;
  /** Where a real-mode step prints its progress: the task's own stdout, or the task's captured output in a batch. */
  echo: NodeJS.WritableStream;
}

/** A task that ran to its end and found something to report as a failure (verify's drift): the report is printed, the task fails. */
export interface KilnTaskFailure {
  failed: string;
}

/** A task body: returns the report text (or a KilnTaskFailure), or throws (a KilnError for anything the user can fix). */
export type KilnTaskFn<O> = (task: KilnTask<O>) => Promise<string | KilnTaskFailure> | string | KilnTaskFailure;

/** The workspace settings among a target's options, with the KILN_* overrides applied (a bad value is KILN_ENV_INVALID). */
export function settingsOf(options: KilnSettings, env: NodeJS.ProcessEnv = process.env): KilnSettings {
  const { configBundlesDir, registry, pullPolicy, bundlePort, advertiseAddress } = options;
  return withEnvOverrides({ configBundlesDir, registry, pullPolicy, bundlePort, advertiseAddress }, env);
}

function taskOf<O>(project: string, options: O, context: ExecutorContext, echo: NodeJS.WritableStream = process.stdout): KilnTask<O> {
  const projectRoot = context.projectsConfigurations.projects[project]?.root ?? '';
  return { workspaceRoot: context.root, project, projectRoot, options, echo };
}

async function runOne<O>(fn: KilnTaskFn<O>, task: KilnTask<O>): Promise<{ success: boolean; terminalOutput: string }> {
  try {
    const out = await fn(task);
    return typeof out === 'string' ? { success: true, terminalOutput: out + '\n' } : { success: false, terminalOutput: out.failed + '\n' };
  } catch (error) {
    return { success: false, terminalOutput: `${task.project}: ${formatError(error)}\n` };
  }
}

export function toExecutor<O>(fn: KilnTaskFn<O>) {
  return async function executor(options: O, context: ExecutorContext): Promise<{ success: boolean }> {
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
export function toBatchExecutor<O>(fn: KilnTaskFn<O>) {
  return async function* batch(
    taskGraph: TaskGraph,
    inputs: Record<string, O>,
    _overrides: Partial<O>,
    context: ExecutorContext,
  ): AsyncGenerator<{ task: string; result: { success: boolean; terminalOutput: string; startTime: number; endTime: number } }> {
    for (const [id, t] of Object.entries(taskGraph.tasks)) {
      const startTime = Date.now();
      // A step's progress lines become the task's own output (Nx prints and caches it per task).
      const printed: Buffer[] = [];
      const echo = new Writable({ write: (chunk, _enc, done) => (printed.push(Buffer.from(chunk)), done()) });
      const result = await runOne(fn, taskOf(t.target.project, inputs[id]!, context, echo));
      const terminalOutput = Buffer.concat(printed).toString() + result.terminalOutput;
      yield { task: id, result: { ...result, terminalOutput, startTime, endTime: Date.now() } };
    }
  };
}
