// Rules across fields of tkr.yaml.
import type { KilnTkr } from './generated/spec-types';
import type { Problem } from './problem';

export function tkrProblems(tkr: KilnTkr): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  tkr.images.forEach((name, i) => {
    if (seen.has(name)) {
      problems.push({
        code: 'TKR_DUPLICATE_IMAGE',
        path: `/images/${i}`,
        message: `/images/${i} repeats ${name} (already /images/${seen.get(name)})`,
        hint: 'list each image once: the same image cannot be added to a BoM twice',
      });
    } else {
      seen.set(name, i);
    }
  });
  if (tkr.suffix.length > 40) {
    problems.push({
      code: 'TKR_SUFFIX_LENGTH',
      path: '/suffix',
      message: `/suffix is ${tkr.suffix.length} characters long; at most 40 keep the TKr name within 63`,
      hint: 'shorten the suffix',
    });
  }
  return problems;
}
