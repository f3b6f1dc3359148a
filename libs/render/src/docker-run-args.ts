// Turns a build plan into the `docker run` argument array, with host-path tokens resolved.
import type { BuildPlan } from './render-build-plan';

export type PathTokens = Record<'workspace' | 'config' | 'run' | 'credentials' | 'output' | 'home', string>;

export function resolveTokens(path: string, tokens: PathTokens): string {
  return path.replace(/\{(workspace|config|run|credentials|output|home)\}/g, (_, k: keyof PathTokens) => tokens[k]);
}

/** `docker run …` arguments (without the leading `docker`), never containing a secret value. */
export function dockerRunArgs(plan: BuildPlan, tokens: PathTokens, containerName: string): string[] {
  const args = ['run', '--rm', '--name', containerName];
  if (plan.network === 'host') args.push('--network', 'host');
  for (const m of plan.mounts) args.push('-v', `${resolveTokens(m.host, tokens)}:${m.container}${m.readOnly ? ':ro' : ''}`);
  for (const e of plan.env) args.push('--env', `${e.name}=${e.value}`);
  for (const e of plan.envFromHost) args.push('--env', e.name);
  if (plan.envFile) args.push('--env-file', resolveTokens(plan.envFile, tokens));
  args.push(plan.builderImage, plan.makeTarget);
  return args;
}

/** Quotes an argument array for display (plan output); never used to run anything. */
export function shellQuote(args: string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
