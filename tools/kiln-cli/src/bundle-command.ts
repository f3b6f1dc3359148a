// `kiln bundle stop`: stops and removes every resource-bundle container Kiln started.
import { parseArgs } from 'node:util';
import { stopBundles } from '@kiln/steps';
import { workspaceRoot } from './workspace-root';

export async function bundleCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { root: { type: 'string' } } });
  if (positionals[0] !== 'stop') {
    out.write('usage: kiln bundle stop [--root DIR]\n');
    return 2;
  }
  const stopped = await stopBundles(workspaceRoot(values.root));
  out.write(stopped.length ? `stopped ${stopped.join(', ')}\n` : 'no bundle containers were running\n');
  return 0;
}
