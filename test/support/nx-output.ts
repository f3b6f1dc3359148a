// Reads Nx 23's --outputStyle=static run output: per task, how it completed and what it printed.

/** The cache marker Nx prints after `> nx run <task>`; 'ran' when there is none (the task executed). */
export type TaskStatus = 'ran' | 'local cache' | 'remote cache' | 'existing outputs match the cache, left as is';

export interface TaskRun {
  status: TaskStatus;
  /** The task's printed output, trimmed. */
  output: string;
}

const HEADER = /^> nx run (\S+?)(?: {2}\[(local cache|remote cache|existing outputs match the cache, left as is)\])?$/;
const BLOCK_END = /^(?: NX {3}| {2}Run duration:)/;

/**
 * Task id (project:target[:configuration]) → its run. Nx prints a batch task's header once more, empty, when
 * the batch starts; the blocks of one task are merged.
 */
export function taskRuns(stdout: string): Map<string, TaskRun> {
  const runs = new Map<string, TaskRun>();
  let current: { id: string; lines: string[] } | undefined;
  const close = () => {
    if (!current) return;
    const output = current.lines.join('\n').trim();
    const prev = runs.get(current.id)!;
    runs.set(current.id, { status: prev.status, output: [prev.output, output].filter(Boolean).join('\n') });
    current = undefined;
  };
  for (const line of stdout.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      close();
      const id = header[1]!;
      const status = (header[2] ?? 'ran') as TaskStatus;
      const prev = runs.get(id);
      runs.set(id, { status: prev && prev.status !== 'ran' ? prev.status : status, output: prev?.output ?? '' });
      current = { id, lines: [] };
    } else if (BLOCK_END.test(line)) {
      close();
    } else if (current) {
      current.lines.push(line);
    }
  }
  close();
  return runs;
}

/** Task id → status, sorted by task id (for exact comparisons). */
export function taskStatuses(stdout: string): Record<string, TaskStatus> {
  return Object.fromEntries([...taskRuns(stdout)].map(([id, run]) => [id, run.status] as const).sort(([a], [b]) => a.localeCompare(b)));
}

/** The printed output of one task; throws when Nx did not print the task. */
export function taskOutput(stdout: string, taskId: string): string {
  const run = taskRuns(stdout).get(taskId);
  if (!run) throw new Error(`Nx printed no task ${taskId}`);
  return run.output;
}

/** The ids Nx lists under "Failed tasks:" in its failure summary (stderr), sorted. */
export function failedTasks(stderr: string): string[] {
  const lines = stderr.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'Failed tasks:');
  if (start < 0) return [];
  const ids: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') {
      if (ids.length) break;
      continue;
    }
    const m = /^- (\S+)$/.exec(line);
    if (!m) break;
    ids.push(m[1]!);
  }
  return ids.sort();
}

/** The same status for each of `taskIds`, in taskStatuses' shape. */
export function allWithStatus(taskIds: string[], status: TaskStatus): Record<string, TaskStatus> {
  return Object.fromEntries(taskIds.map((id) => [id, status] as const).sort(([a], [b]) => a.localeCompare(b)));
}
