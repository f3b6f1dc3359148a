import { afterEach, describe, expect, it } from 'vitest';
import { selectsPlanConfiguration } from './plan-batch';
import { preTasksExecution } from './pre-tasks-execution';

const NX = ['/usr/bin/node', '/ws/node_modules/nx/dist/bin/nx.js'];
const saved = process.env.NX_BATCH_MODE;
afterEach(() => {
  if (saved === undefined) delete process.env.NX_BATCH_MODE;
  else process.env.NX_BATCH_MODE = saved;
});

describe('plan mode batches every target (preTasksExecution)', () => {
  it('recognises every way Nx is asked for the plan configuration', () => {
    for (const args of [
      ['run-many', '-t', 'upload', 'gen-cluster-config', '-c', 'plan'],
      ['run-many', '-t', 'build', '--configuration', 'plan'],
      ['run-many', '-t', 'build', '--configuration=plan'],
      ['run-many', '-t', 'build', '-c=plan'],
      ['run', 'img:build:plan'],
    ]) {
      expect(selectsPlanConfiguration([...NX, ...args]), args.join(' ')).toBe(true);
    }
    for (const args of [
      ['run-many', '-t', 'build'],
      ['run', 'img:build'],
      ['run-many', '-t', 'build', '-c', 'planned'],
      ['run-many', '-t', 'plan'],
      ['run', 'img:plan'],
    ]) {
      expect(selectsPlanConfiguration([...NX, ...args]), args.join(' ')).toBe(false);
    }
  });

  it('sets NX_BATCH_MODE=true for a plan run only, and never overrides an explicit NX_BATCH_MODE', async () => {
    const context = (args: string[]) => ({ id: 'x', workspaceRoot: '/ws', nxJsonConfiguration: {}, argv: [...NX, ...args] });
    delete process.env.NX_BATCH_MODE;
    await preTasksExecution(undefined, context(['run-many', '-t', 'build']));
    expect(process.env.NX_BATCH_MODE).toBeUndefined();
    await preTasksExecution(undefined, context(['run-many', '-t', 'build', '-c', 'plan']));
    expect(process.env.NX_BATCH_MODE).toBe('true');
    process.env.NX_BATCH_MODE = 'false';
    await preTasksExecution(undefined, context(['run-many', '-t', 'build', '-c', 'plan']));
    expect(process.env.NX_BATCH_MODE).toBe('false');
  });
});
