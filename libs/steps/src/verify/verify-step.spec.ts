import { describe, expect, it } from 'vitest';
import { kilnRejectionOf } from '@kiln/testing';
import { findProjectKind, projectKindOf, verifyStep } from './verify-step';
import { formatVerifyReport } from './findings';
import { TestWorkspace } from '../../test/tkr-cluster-test-workspace';

// No tool is on PATH: a check that calls govc, aws, az or kubectl fails these tests.
const NO_TOOLS: NodeJS.ProcessEnv = { PATH: '/nonexistent' };
const NOW = Date.parse('2026-03-01T00:00:00Z');

describe('verifyStep without any published record', () => {
  it('an image never uploaded is one not-published finding, with no call, in findings.json', async () => {
    const ws = new TestWorkspace();
    const { report, file } = await verifyStep({
      workspaceRoot: ws.root,
      project: 'ubuntu-2004-aws-cis',
      projectKind: 'image',
      env: NO_TOOLS,
      now: NOW,
    });
    expect(file).toBe('dist/verify/images/ubuntu-2004-aws-cis/findings.json');
    expect(JSON.parse(ws.read(file))).toEqual({
      checked: [],
      findings: [
        {
          kind: 'not-published',
          message:
            'never published: dist/images/ubuntu-2004-aws-cis/upload/published.json does not exist (run nx run ubuntu-2004-aws-cis:upload)',
        },
      ],
      project: 'ubuntu-2004-aws-cis',
      projectKind: 'image',
    });
    expect(formatVerifyReport(report, file).split('\n')).toEqual([
      'ubuntu-2004-aws-cis: not-published: never published: dist/images/ubuntu-2004-aws-cis/upload/published.json does not exist (run nx run ubuntu-2004-aws-cis:upload)',
      'verify ubuntu-2004-aws-cis: 1 finding → dist/verify/images/ubuntu-2004-aws-cis/findings.json',
    ]);
  });

  it('a cluster on a never-published (and revoked) image: both findings, no call', async () => {
    const ws = new TestWorkspace();
    ws.write(
      'images/ubuntu-2004-vsphere-plan/image.yaml',
      `${ws.read('images/ubuntu-2004-vsphere-class/image.yaml')}revoked:\n  reason: CVE-2026-0001 in the kernel\n  at: 2026-02-01\n`,
    );
    ws.write('clusters/legacy/cluster.yaml', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-legacy\nimage: ubuntu-2004-vsphere-plan\n');
    const { report } = await verifyStep({ workspaceRoot: ws.root, project: 'legacy', projectKind: 'cluster', env: NO_TOOLS, now: NOW });
    expect(report.findings).toEqual([
      { kind: 'revoked', message: 'uses image ubuntu-2004-vsphere-plan, which is revoked since 2026-02-01 (CVE-2026-0001 in the kernel)' },
      {
        kind: 'not-published',
        message:
          'image ubuntu-2004-vsphere-plan: never published: dist/images/ubuntu-2004-vsphere-plan/upload/published.json does not exist (run nx run ubuntu-2004-vsphere-plan:upload)',
      },
    ]);
  });

  it('a revocation dated after the clock is not a finding yet', async () => {
    const ws = new TestWorkspace();
    ws.write(
      'images/ubuntu-2004-vsphere-plan/image.yaml',
      `${ws.read('images/ubuntu-2004-vsphere-class/image.yaml')}revoked:\n  reason: end of life\n  at: 2026-04-01\n`,
    );
    ws.write('clusters/legacy/cluster.yaml', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-legacy\nimage: ubuntu-2004-vsphere-plan\n');
    const { report } = await verifyStep({ workspaceRoot: ws.root, project: 'legacy', projectKind: 'cluster', env: NO_TOOLS, now: NOW });
    expect(report.findings.map((f) => f.kind)).toEqual(['not-published']);
  });

  it('a published vSphere image without vSphere credentials stops with the credentials error and leaves no findings.json', async () => {
    const ws = new TestWorkspace();
    ws.publish('ubuntu-2004-vsphere-class');
    ws.write('dist/verify/images/ubuntu-2004-vsphere-class/findings.json', '{"stale": true}\n');
    const error = await kilnRejectionOf(
      verifyStep({ workspaceRoot: ws.root, project: 'ubuntu-2004-vsphere-class', projectKind: 'image', env: NO_TOOLS, now: NOW }),
    );
    expect(error.code).toBe('CREDENTIALS_MISSING');
    expect(() => ws.read('dist/verify/images/ubuntu-2004-vsphere-class/findings.json')).toThrow(/ENOENT/);
  });
});

describe('project kinds', () => {
  it('from a project root, and from the spec files of a workspace', () => {
    const ws = new TestWorkspace();
    expect([projectKindOf('images/x'), projectKindOf('tkrs/x'), projectKindOf('clusters/x'), projectKindOf('libs/x')]).toEqual([
      'image',
      'tkr',
      'cluster',
      undefined,
    ]);
    expect([
      findProjectKind(ws.root, 'ubuntu-2004-aws-cis'),
      findProjectKind(ws.root, 'custom'),
      findProjectKind(ws.root, 'shared'),
      findProjectKind(ws.root, 'nope'),
    ]).toEqual(['image', 'tkr', undefined, undefined]);
  });
});

describe('formatVerifyReport', () => {
  it('a clean run names what it checked and where findings.json is', () => {
    expect(
      formatVerifyReport(
        { project: 'p', projectKind: 'image', findings: [], checked: ['AMI ami-1 in us-east-1', 'AMI ami-2 in us-west-2'] },
        'dist/verify/images/p/findings.json',
      ),
    ).toBe('verify p: no drift (AMI ami-1 in us-east-1; AMI ami-2 in us-west-2) → dist/verify/images/p/findings.json');
  });
});
