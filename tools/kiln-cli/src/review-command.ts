// `kiln review --base REF [--head REF]`: prints the Markdown review of a change and writes dist/review/report.{md,json}.
import { join } from 'node:path';
import { REVIEW_DIST } from '@kiln/schema';
import { writeFileAtomic } from '@kiln/steps';
import { analyseChange } from './change-analysis';
import { defineCommand, UsageError } from './command-args';
import { reviewJson, reviewMarkdown } from './review-report';
import { workspaceRoot } from './workspace-root';

const REVIEW_USAGE = `usage: kiln review --base REF [--head REF] [--root DIR]

Prints, as Markdown, every image, tkr and cluster the change between REF's merge-base and head rebuilds, and why,
what each build runs and the diff of every rendered file; writes dist/review/report.md and report.json.
Without --head the working tree (uncommitted and untracked files included) is the head. Needs no credentials.
`;

export const reviewCommand = defineCommand({
  name: 'review',
  usage: REVIEW_USAGE,
  options: { base: { type: 'string' }, head: { type: 'string' }, root: { type: 'string' } },
  run: async ({ values }, out) => {
    if (!values.base) throw new UsageError('--base is required');
    return review(workspaceRoot(values.root), values.base, values.head, out);
  },
});

async function review(root: string, base: string, head: string | undefined, out: NodeJS.WritableStream): Promise<number> {
  const { sides, affected } = await analyseChange(root, base, head);
  const json = reviewJson({ base: sides.base, head: sides.head }, affected);
  const markdown = reviewMarkdown(json);
  writeFileAtomic(join(root, REVIEW_DIST.report, 'report.json'), JSON.stringify(json, null, 2) + '\n');
  writeFileAtomic(join(root, REVIEW_DIST.report, 'report.md'), markdown);
  out.write(markdown);
  return 0;
}
