// What to print when a build fails, before the log tail: the phase, the failing Ansible task or goss checks, the log.
import { type FailedAnsibleTask, lastFailedAnsibleTask } from './ansible-failure';
import { INITIAL_PHASE, phaseOf } from './build-progress';
import { type GossFailure, type GossResult, gossReport } from './goss-failures';
import { builderMessageLines, plainLine } from './packer-output-lines';

export interface BuildFailureSummary {
  /** The build phase the failure happened in, named by the build step's progress lines (phaseOf). */
  phase: string;
  failedTask?: FailedAnsibleTask;
  /** goss checks that failed (empty when goss did not run or found nothing). */
  gossFailures: GossFailure[];
  gossCounts?: GossResult['counts'];
  /** packer's own error for the build (`--> vsphere-iso: Timeout waiting for SSH.`). */
  packerError?: string;
  logPath: string;
}

export interface BuildFailureOptions {
  /** Workspace-relative path of the full build log. */
  logPath: string;
  /** The phase before any line names one (default: the build progress's first phase). */
  initialPhase?: string;
}

const PACKER_ERRORS_HEADER = /^==> Some builds didn't complete successfully and had errors:/;
const PACKER_ERROR = /^--> [\w.-]+: (.+)$/;
const BUILD_ERRORED = /^Build '[^']+' errored after [^:]+: (.+)$/;

function packerError(lines: readonly string[]): { message: string; line: number } | undefined {
  const header = lines.findIndex((l) => PACKER_ERRORS_HEADER.test(l));
  if (header >= 0) {
    const m = PACKER_ERROR.exec(lines[header + 1] ?? '');
    if (m) return { message: m[1]!, line: header };
  }
  for (let i = 0; i < lines.length; i++) {
    const m = BUILD_ERRORED.exec(lines[i]!);
    if (m) return { message: m[1]!, line: i };
  }
  return undefined;
}

function phaseAt(lines: readonly string[], end: number, options: BuildFailureOptions): string {
  let phase = options.initialPhase ?? INITIAL_PHASE;
  for (let i = 0; i <= end && i < lines.length; i++) phase = phaseOf(lines[i]!) ?? phase;
  return phase;
}

/**
 * Reads a failed build's output lines (as the container printed them). The phase is the one in force at
 * the first sign of failure: the failing Ansible task, else goss's failure report, else packer's error.
 */
export function summarizeBuildFailure(lines: readonly string[], options: BuildFailureOptions): BuildFailureSummary {
  const messages = builderMessageLines(lines);
  const failedTask = lastFailedAnsibleTask(messages);
  const goss = gossReport(messages);
  const gossFailed = goss && (goss.failures.length > 0 || (goss.counts?.failed ?? 0) > 0) ? goss : undefined;
  const packer = packerError(lines.map(plainLine));
  const at = failedTask?.line ?? gossFailed?.line ?? packer?.line ?? lines.length - 1;
  return {
    phase: phaseAt(lines, at, options),
    ...(failedTask ? { failedTask } : {}),
    gossFailures: gossFailed?.failures ?? [],
    ...(goss?.counts ? { gossCounts: goss.counts } : {}),
    ...(packer ? { packerError: packer.message } : {}),
    logPath: options.logPath,
  };
}

const MAX_GOSS_LINES = 20;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The summary as text (no trailing newline), e.g. `build failed while provisioning with ansible` + details. */
export function formatBuildFailureSummary(summary: BuildFailureSummary): string {
  const out = [`build failed while ${summary.phase}`];
  const task = summary.failedTask;
  if (task) {
    out.push(`  ansible task: ${task.task} (host ${task.host}${task.item !== undefined ? `, item ${task.item}` : ''})`);
    if (task.message) out.push(`    ${oneLine(task.message)}`);
  }
  if (summary.gossFailures.length > 0 || (summary.gossCounts?.failed ?? 0) > 0) {
    const counts = summary.gossCounts;
    const failed = counts?.failed ?? summary.gossFailures.length;
    out.push(`  goss: ${failed} ${counts ? `of ${counts.count} ` : ''}check${failed === 1 ? '' : 's'} failed`);
    for (const f of summary.gossFailures.slice(0, MAX_GOSS_LINES)) out.push(`    ${f.check}: ${oneLine(f.detail)}`);
    const more = summary.gossFailures.length - MAX_GOSS_LINES;
    if (more > 0) out.push(`    … and ${more} more (see the log)`);
  }
  if (summary.packerError) out.push(`  packer: ${summary.packerError}`);
  out.push(`  log: ${summary.logPath}`);
  return out.join('\n');
}
