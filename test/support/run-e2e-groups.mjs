// Runs the two e2e groups side by side (the Docker-engine files in order, and all the other files in
// order), prefixing each output line with its group; exits non-zero when either group fails.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const groups = ['docker', 'other'];
const extra = process.argv.slice(2);

function run(group) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', '--config', 'vitest.config.ts', ...extra], {
      env: { ...process.env, KILN_E2E_GROUP: group },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const [stream, sink] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      createInterface({ input: stream }).on('line', (line) => sink.write(`[e2e:${group}] ${line}\n`));
    }
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const started = Date.now();
const codes = await Promise.all(groups.map(run));
const seconds = Math.round((Date.now() - started) / 1000);
console.log(`e2e groups ${groups.map((g, i) => `${g}: exit ${codes[i]}`).join(', ')} after ${seconds} s`);
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
