// kiln verify in process on a small workspace with nothing published: no call is made (PATH has no tools), every
// project is reported, and the lines, the JSON and the exit code follow the findings.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { repoPath, runCli, tempDir } from '@kiln/testing';
import { main } from './main';

let root: string;

beforeEach(() => {
  root = tempDir('kiln-verify-command-');
  writeFileSync(join(root, 'nx.json'), '{}\n');
  for (const image of ['ubuntu-2004-aws-stig', 'ubuntu-2004-vsphere-plan'])
    cpSync(repoPath('images', image), join(root, 'images', image), { recursive: true });
  cpSync(repoPath('clusters', 'workload-vsphere-template'), join(root, 'clusters', 'workload-vsphere-template'), { recursive: true });
  vi.stubEnv('PATH', '/nonexistent');
  vi.stubEnv('KILN_NOW', '2026-03-01T00:00:00Z');
  return () => vi.unstubAllEnvs();
});

const never = (image: string) => `never published: dist/images/${image}/upload/published.json does not exist (run nx run ${image}:upload)`;

describe('kiln verify', () => {
  it('checks every image, then every cluster, one line per finding, and exits 1 on drift', async () => {
    const r = await runCli(main, ['verify', '--root', root]);
    expect([r.code, r.stdout.split('\n'), r.stderr]).toEqual([
      1,
      [
        `ubuntu-2004-aws-stig: not-published: ${never('ubuntu-2004-aws-stig')}`,
        `ubuntu-2004-vsphere-plan: not-published: ${never('ubuntu-2004-vsphere-plan')}`,
        `workload-vsphere-template: not-published: image ubuntu-2004-vsphere-plan: ${never('ubuntu-2004-vsphere-plan')}`,
        '',
      ],
      'kiln verify: 3 findings in 3 projects (3 projects checked)\n',
    ]);
    expect(
      JSON.parse(readFileSync(join(root, 'dist/verify/clusters/workload-vsphere-template/findings.json'), 'utf8')).findings,
    ).toHaveLength(1);
  });

  it('--json prints the reports of the named projects only', async () => {
    const r = await runCli(main, ['verify', 'ubuntu-2004-aws-stig', '--json', '--root', root]);
    expect([r.code, JSON.parse(r.stdout)]).toEqual([
      1,
      [
        {
          checked: [],
          findings: [{ kind: 'not-published', message: never('ubuntu-2004-aws-stig') }],
          project: 'ubuntu-2004-aws-stig',
          projectKind: 'image',
        },
      ],
    ]);
  });

  it('a project that cannot be checked is named with its error on stderr, and the others are still checked', async () => {
    writeFileSync(join(root, 'images', 'ubuntu-2004-aws-stig', 'image.yaml'), 'infra: aws\n');
    const r = await runCli(main, ['verify', '--root', root]);
    expect([r.code, r.stdout.split('\n').length - 1, r.stderr.split('\n')[0], r.stderr.trim().split('\n').at(-1)]).toEqual([
      1,
      2,
      expect.stringMatching(/^kiln verify: ubuntu-2004-aws-stig: images\/ubuntu-2004-aws-stig\/image\.yaml/),
      'kiln verify: 2 findings in 2 projects (2 projects checked, 1 could not be)',
    ]);
  });
});
