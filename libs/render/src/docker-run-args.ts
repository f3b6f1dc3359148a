// Turns a build plan into the docker command lines of one build (create, copy credentials in, start
// attached, copy the output out, remove), with host-path tokens resolved. Argument arrays only.
import type { BuildPlan } from './render-build-plan';

/** Host folders the build-plan.json tokens stand for (see render-build-plan.ts). */
export type PathTokens = Record<'workspace' | 'config' | 'run' | 'kiln', string>;

export function resolveTokens(path: string, tokens: PathTokens): string {
  return path.replace(/\{(workspace|config|run|kiln)\}/g, (_, k: keyof PathTokens) => tokens[k]);
}

/** `docker create …` arguments (without the leading `docker`), never containing a secret value. */
export function dockerCreateArgs(plan: BuildPlan, tokens: PathTokens, containerName: string): string[] {
  const args = ['create', '--name', containerName];
  if (plan.network === 'host') args.push('--network', 'host');
  for (const m of plan.mounts) args.push('-v', `${resolveTokens(m.host, tokens)}:${m.container}:ro`);
  for (const e of plan.env) args.push('--env', `${e.name}=${e.value}`);
  for (const e of plan.envFromHost) args.push('--env', e.name);
  args.push(plan.builderImage, plan.makeTarget);
  return args;
}

export interface BuildCommands {
  create: string[];
  /** Reads a tar stream of the private files from stdin (present when credentials are copied in). */
  copyIn?: string[];
  start: string[];
  /** Present when the plan has an output folder. */
  copyOut?: string[];
  remove: string[];
}

/** The docker command lines of one build, in the order they run (arguments without `docker`). */
export function dockerBuildCommands(plan: BuildPlan, tokens: PathTokens, containerName: string, outputHostDir: string): BuildCommands {
  const into = plan.credentials.into;
  return {
    create: dockerCreateArgs(plan, tokens, containerName),
    copyIn: into ? ['cp', '-', `${containerName}:${into.slice(0, into.lastIndexOf('/'))}`] : undefined,
    start: ['start', '--attach', containerName],
    copyOut: plan.outputDir ? ['cp', `${containerName}:${plan.outputDir}/.`, outputHostDir] : undefined,
    remove: ['rm', '--force', containerName],
  };
}
