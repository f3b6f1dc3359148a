// `kiln bundle stop`: stops and removes every resource-bundle container Kiln started.
import { stopBundles } from '@kiln/steps';
import { defineCommand, UsageError } from './command-args';
import { workspaceRoot } from './workspace-root';

const BUNDLE_USAGE = `usage: kiln bundle stop [--root DIR]

Stops and removes every resource-bundle container Kiln started.
`;

export const bundleCommand = defineCommand({
  name: 'bundle',
  usage: BUNDLE_USAGE,
  options: { root: { type: 'string' } },
  maxPositionals: 1,
  run: async ({ values, positionals }, out) => {
    if (positionals[0] !== 'stop')
      throw new UsageError(positionals.length ? `unknown subcommand ${JSON.stringify(positionals[0])}` : 'give the subcommand stop');
    const stopped = await stopBundles(workspaceRoot(values.root));
    out.write(stopped.length ? `stopped ${stopped.join(', ')}\n` : 'no bundle containers were running\n');
    return 0;
  },
});
