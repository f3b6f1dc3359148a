import type { ExecutorContext } from '@nx/devkit';
import { describe, expect, it } from 'vitest';
import { settingsOf, toExecutor } from './task-runner';

describe('the executor edge', () => {
  it("takes the workspace settings from the target's options (never nx.json), with the KILN_* overrides", async () => {
    const options = {
      outputPath: 'dist/x',
      configPath: 'dist/c',
      configBundlesDir: 'vendor/bundles',
      pullPolicy: 'Never' as const,
      bundlePort: 8080,
    };
    const context = {
      root: '/ws',
      projectName: 'img',
      projectsConfigurations: { version: 2, projects: { img: { root: 'images/img' } } },
      nxJsonConfiguration: {
        plugins: [{ plugin: './tools/kiln-nx/lib/index.js', options: { configBundlesDir: 'elsewhere', pullPolicy: 'Always' } }],
      },
    } as unknown as ExecutorContext;
    let seen: unknown;
    const executor = toExecutor<typeof options>((task) => {
      seen = settingsOf(task.options, { KILN_ADVERTISE_ADDRESS: '198.51.100.7' });
      return 'ok';
    });
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await executor(options, context)).toEqual({ success: true });
    } finally {
      process.stdout.write = write;
    }
    expect(seen).toEqual({
      configBundlesDir: 'vendor/bundles',
      registry: undefined,
      pullPolicy: 'Never',
      bundlePort: 8080,
      advertiseAddress: '198.51.100.7',
    });
  });

  it("fails a task that returns a KilnTaskFailure, printing its report on stderr as it is (verify's drift)", async () => {
    const context = {
      root: '/ws',
      projectName: 'img',
      projectsConfigurations: { version: 2, projects: { img: { root: 'images/img' } } },
    } as unknown as ExecutorContext;
    const executor = toExecutor<Record<string, never>>(() => ({
      failed: 'img: public: AMI ami-1 in us-east-1 is public\nverify img: 1 finding',
    }));
    const written: string[] = [];
    const [out, err] = [process.stdout.write, process.stderr.write];
    process.stdout.write = ((s: string) => (written.push(`out:${s}`), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => (written.push(`err:${s}`), true)) as typeof process.stderr.write;
    try {
      expect(await executor({}, context)).toEqual({ success: false });
    } finally {
      [process.stdout.write, process.stderr.write] = [out, err];
    }
    expect(written).toEqual(['err:img: public: AMI ami-1 in us-east-1 is public\nverify img: 1 finding\n']);
  });
});
