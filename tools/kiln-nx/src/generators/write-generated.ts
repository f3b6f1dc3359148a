// The shared edge of Kiln's generators: write files into the Nx Tree, or refuse with the whole Kiln error text.
import { logger, type Tree } from '@nx/devkit';
import { formatError, isKilnError } from '@kiln/errors';

/** Renders the files (throwing a KilnError on refusal), then writes them; Nx applies the Tree only when nothing failed. */
export function writeGenerated(tree: Tree, render: () => Record<string, string>): void {
  let files: Record<string, string>;
  try {
    files = render();
  } catch (e) {
    // Nx prints only an error's message: put the hint into it.
    if (isKilnError(e)) throw new Error(formatError(e), { cause: e });
    throw e;
  }
  for (const [file, text] of Object.entries(files)) tree.write(file, text);
  logger.info(`Kiln: ${Object.keys(files).join(', ')}: run npx kiln validate once written`);
}
