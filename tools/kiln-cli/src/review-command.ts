// `kiln review --base REF [--head REF]`: prints the Markdown review of a change and writes dist/review/report.{md,json}.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '@kiln/steps';
import { analyseChange } from './change-analysis';
import { reviewJson, reviewMarkdown } from './review-report';
import { workspaceRoot } from './workspace-root';

export const REVIEW_USAGE = `usage: kiln review --base REF [--head REF] [--root DIR]

Prints, as Markdown, every image, tkr and cluster the change between REF's merge-base and head rebuilds, and why,
what each build runs and the diff of every rendered file; writes dist/review/report.md and report.json.
Without --head the working tree (uncommitted and untracked files included) is the head. Needs no credentials.
`;

export async function reviewCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream = out): Promise<number> {
  const { values } = parseArgs({ args, options: { base: { type: 'string' }, head: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    out.write(REVIEW_USAGE);
    return 0;
  }
  if (!values.base) {
    err.write(`kiln review: --base is required\n\n${REVIEW_USAGE}`);
    return 2;
  }
  const root = workspaceRoot(values.root);
  const { sides, affected } = await analyseChange(root, values.base, values.head);
  const json = reviewJson({ base: sides.base, head: sides.head }, affected);
  const markdown = reviewMarkdown(json);
  writeFileAtomic(join(root, 'dist/review/report.json'), JSON.stringify(json, null, 2) + '\n');
  writeFileAtomic(join(root, 'dist/review/report.md'), markdown);
  out.write(markdown);
  return 0;
}
