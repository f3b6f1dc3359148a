// Runs kubectl against a kubeconfig context and turns its failures into Kiln errors that name the command
// to run next (missing context, RBAC denial, anything else).
import { KilnError } from '@kiln/errors';
import { requireTool } from './preflight';
import { errorLines, runCommand, showCommand, type RunResult } from './run-command';

export interface KubectlOptions {
  /** Workspace root, so file arguments can be workspace-relative and the shown command copy-pasteable. */
  cwd?: string;
  signal?: AbortSignal;
  echo?: NodeJS.WritableStream;
  prefix?: string;
  /** Default 2 minutes. */
  timeoutMs?: number;
}

export interface KubectlResult extends RunResult {
  /** The command as shown to the user. */
  command: string;
}

const MISSING_CONTEXT = /context "[^"]*" does not exist|context was not found for specified context/;
const FORBIDDEN = /\(Forbidden\)|is forbidden:/;
const NOT_FOUND = /\(NotFound\)/;
const UNAUTHORIZED = /\(Unauthorized\)|You must be logged in/;

/** `kubectl --context <context> ...args`; resolves with any exit code (callers decide what a failure means). */
export async function kubectl(context: string, args: string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  requireTool('kubectl');
  const argv = ['--context', context, ...args];
  const result = await runCommand({
    file: 'kubectl',
    args: argv,
    cwd: options.cwd,
    signal: options.signal,
    echo: options.echo,
    prefix: options.prefix,
    timeoutMs: options.timeoutMs ?? 120_000,
    allowFailure: true,
  });
  return { ...result, command: showCommand('kubectl', argv) };
}

export function isNotFound(result: RunResult): boolean {
  return result.exitCode !== 0 && NOT_FOUND.test(result.stderr);
}

/** Failures that waiting will not fix: no such context, no permission, not logged in. */
export function isAccessProblem(result: RunResult): boolean {
  return (
    result.exitCode !== 0 && (MISSING_CONTEXT.test(result.stderr) || FORBIDDEN.test(result.stderr) || UNAUTHORIZED.test(result.stderr))
  );
}

/** The last error lines kubectl printed. */
function kubectlSays(result: RunResult): string {
  return errorLines(
    result.stderr.split('\n').filter((l) => l.trim() !== ''),
    5,
  ).join('\n');
}

/**
 * The Kiln error for a failed kubectl call. `doing` completes "could not …" (e.g. "apply ConfigMap x in
 * namespace tkr-system"); `canI` is the `auth can-i` verb and resource to check on a 403 (e.g. "patch configmaps").
 */
export function kubectlError(
  context: string,
  result: KubectlResult,
  doing: string,
  canI: { verb: string; resource: string; namespace?: string },
): KilnError {
  const facts = { command: result.command, exitCode: result.exitCode, kubectl: kubectlSays(result) };
  if (MISSING_CONTEXT.test(result.stderr)) {
    return new KilnError('KUBE_CONTEXT_MISSING', `kubeconfig context "${context}" does not exist`, {
      hint: `list the contexts of your kubeconfig (KUBECONFIG=${process.env.KUBECONFIG ?? '~/.kube/config'}) with: kubectl config get-contexts`,
      context: facts,
    });
  }
  if (FORBIDDEN.test(result.stderr)) {
    const ns = canI.namespace ? ` -n ${canI.namespace}` : '';
    return new KilnError('KUBE_FORBIDDEN', `not allowed to ${doing} on context ${context} (403 Forbidden)`, {
      hint: `check your permission with: kubectl --context ${context}${ns} auth can-i ${canI.verb} ${canI.resource}; ask the management cluster's admin for it`,
      context: facts,
    });
  }
  return new KilnError('KUBECTL_FAILED', `could not ${doing} on context ${context}: kubectl exited with code ${result.exitCode}`, {
    hint: `run the command yourself to see the whole output: ${result.command}`,
    context: facts,
  });
}

/** Parses kubectl `-o json` output. */
export function parseKubectlJson<T>(result: KubectlResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new KilnError('KUBECTL_OUTPUT', `kubectl printed something that is not JSON`, {
      context: { command: result.command, stdout: result.stdout.slice(0, 500) },
    });
  }
}
