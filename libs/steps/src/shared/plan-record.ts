// Plan mode output: what a side-effecting step would run, printed and written under dist/plan/ only.
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { shellQuote, stableJson } from '@kiln/render';
import { PLAN_ROOT } from '@kiln/schema';
import { writeDirAtomic } from './atomic-write';

export interface PlannedCommand {
  /** The program and its arguments, exactly as the real run passes them (no secret values). */
  argv: string[];
  /** When it runs, if not always. */
  when?: string;
}

export interface PlanRecord {
  target: string;
  project: string;
  summary: string;
  commands: PlannedCommand[];
  notes: string[];
}

const template = Handlebars.compile(
  `[plan] {{target}} {{project}}
  {{summary}}
{{#each commands}}
  $ {{{line}}}{{#if when}}    # {{when}}{{/if}}
{{/each}}
{{#each notes}}
  note: {{{this}}}
{{/each}}`,
  { noEscape: true },
);

export function formatPlan(record: PlanRecord): string {
  return template({ ...record, commands: record.commands.map((c) => ({ line: shellQuote(c.argv), when: c.when })) }).trimEnd();
}

/** Writes plan.txt and plan.json (plus any planned output `files`) into `dir` (workspace-relative, under dist/plan/) and returns the text. */
export function writePlan(workspaceRoot: string, dir: string, record: PlanRecord, files: Record<string, string> = {}): string {
  if (!dir.startsWith(`${PLAN_ROOT}/`)) throw new Error(`plan output must be under ${PLAN_ROOT}/ (got ${dir})`);
  const text = formatPlan(record);
  writeDirAtomic(join(workspaceRoot, dir), { ...files, 'plan.txt': text + '\n', 'plan.json': stableJson(record) });
  return text;
}
