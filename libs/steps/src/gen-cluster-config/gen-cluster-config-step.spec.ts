import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { kilnErrorOf } from '@kiln/testing';
import { genClusterConfigStep } from './gen-cluster-config-step';
import { TestWorkspace } from '../../test/tkr-cluster-test-workspace';

const NAME = 'v1.26.5---vmware.2-tkg.1-myorg';
let ws: TestWorkspace;
beforeEach(() => {
  ws = new TestWorkspace();
});

function cluster(project: string, yaml: string): void {
  ws.write(`clusters/${project}/cluster.yaml`, yaml);
}

const NOW = Date.parse('2026-03-01T00:00:00Z');

function run(project: string, plan = false, now = NOW): string {
  return genClusterConfigStep({
    workspaceRoot: ws.root,
    project,
    outputPath: plan ? `dist/plan/clusters/${project}/gen-cluster-config` : `dist/clusters/${project}`,
    plan,
    now,
  });
}

describe('genClusterConfigStep', () => {
  it("with a TKr, names it from the TKr's base BoM and suffix and needs no published record", () => {
    cluster('w', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-1\ntkr: custom\n');
    run('w');
    expect(readdirSync(join(ws.root, 'dist/clusters/w')).sort()).toEqual(['annotations.yaml', 'cluster-config.yaml', 'create.sh']);
    expect(ws.read('dist/clusters/w/create.sh')).toContain(
      `exec tanzu cluster create workload-1 --file "$(dirname "$0")/cluster-config.yaml" --tkr ${NAME}\n`,
    );
  });

  it("without a TKr, takes VSPHERE_TEMPLATE from the image's published.json", () => {
    ws.publish('ubuntu-2004-vsphere-plan');
    cluster('legacy', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-legacy\nimage: ubuntu-2004-vsphere-plan\n');
    const report = run('legacy').split('\n');
    expect(ws.read('dist/clusters/legacy/cluster-config.yaml')).toContain('\nVSPHERE_TEMPLATE: published-plan-template\n');
    expect(report[0]).toBe('gen-cluster-config legacy: workload cluster workload-legacy (plan-based) from image ubuntu-2004-vsphere-plan');
    expect(report.at(-1)).toBe('wrote dist/clusters/legacy/{cluster-config.yaml,create.sh}');
  });

  it('writes create.sh executable', () => {
    cluster('w', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-1\ntkr: custom\n');
    run('w');
    expect(statSync(join(ws.root, 'dist/clusters/w/create.sh')).mode & 0o777).toBe(0o755);
  });

  it('a missing base config is an error naming the path it was expected at', () => {
    cluster('w', 'base: mgmt.yaml\nname: workload-1\ntkr: custom\n');
    const e = kilnErrorOf(() => run('w'));
    expect([e.code, e.message, e.file]).toEqual(['FILE_MISSING', 'file not found: clusters/w/mgmt.yaml', 'clusters/w/mgmt.yaml']);
  });

  it('an unknown TKr is an error at its line in cluster.yaml', () => {
    cluster('w', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-1\ntkr: nope\n');
    const e = kilnErrorOf(() => run('w'));
    expect([e.code, e.message, e.file, e.line, e.column]).toEqual([
      'TKR_UNKNOWN',
      'clusters/w/cluster.yaml uses tkr nope, but tkrs/nope/tkr.yaml does not exist',
      'clusters/w/cluster.yaml',
      3,
      6,
    ]);
  });

  it('an unknown image is an error at its line in cluster.yaml', () => {
    cluster('w', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-1\nimage: nope\n');
    const e = kilnErrorOf(() => run('w'));
    expect([e.code, e.message, e.line, e.column]).toEqual([
      'IMAGE_UNKNOWN',
      'clusters/w/cluster.yaml lists image nope, but images/nope/image.yaml does not exist',
      3,
      8,
    ]);
  });

  it('plan mode writes under dist/plan/ only, with placeholders for what upload will publish', () => {
    ws.write('clusters/az/azure-mgmt.yaml', 'INFRASTRUCTURE_PROVIDER: azure\nCLUSTER_NAME: mgmt\n');
    cluster('az', 'base: azure-mgmt.yaml\nname: workload-az\nimage: ubuntu-2004-azure-fips\n');
    const text = run('az', true);
    expect(existsSync(join(ws.root, 'dist/clusters'))).toBe(false);
    expect(readdirSync(join(ws.root, 'dist/plan/clusters/az/gen-cluster-config')).sort()).toEqual([
      'annotations.yaml',
      'cluster-config.yaml',
      'create.sh',
      'plan.json',
      'plan.txt',
    ]);
    expect(ws.read('dist/plan/clusters/az/gen-cluster-config/cluster-config.yaml')).toContain(
      '\nAZURE_IMAGE_VERSION: PLANNED:ubuntu-2004-azure-fips\n',
    );
    expect(text.split('\n').slice(0, 3)).toEqual([
      '[plan] gen-cluster-config az',
      '  workload cluster workload-az (class-based) from image ubuntu-2004-azure-fips, over clusters/az/azure-mgmt.yaml',
      '  $ tanzu cluster create workload-az --file dist/plan/clusters/az/gen-cluster-config/cluster-config.yaml',
    ]);
  });
});

describe('genClusterConfigStep (revoked images)', () => {
  it('refuses a cluster whose image is revoked, at its image: line, with the reason and date', () => {
    ws.publish('ubuntu-2004-vsphere-plan');
    ws.revoke('ubuntu-2004-vsphere-plan', '2026-02-20');
    cluster('legacy', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-legacy\nimage: ubuntu-2004-vsphere-plan\n');
    const e = kilnErrorOf(() => run('legacy'));
    expect([e.code, e.message, e.file, e.line, e.column, e.hint]).toEqual([
      'CLUSTER_IMAGE_REVOKED',
      'clusters/legacy/cluster.yaml uses image ubuntu-2004-vsphere-plan, which is revoked since 2026-02-20 (CVE-2026-0001 in the kernel)',
      'clusters/legacy/cluster.yaml',
      3,
      8,
      'use another image, or remove `revoked:` from images/ubuntu-2004-vsphere-plan/image.yaml to restore it',
    ]);
    expect(existsSync(join(ws.root, 'dist/clusters/legacy'))).toBe(false);
  });

  it('refuses a cluster whose TKr lists a revoked image, at its tkr: line, naming the tkr.yaml entry', () => {
    ws.revoke('ubuntu-2004-aws-cis', '2026-02-20');
    cluster('w', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-1\ntkr: custom\n');
    const e = kilnErrorOf(() => run('w'));
    expect([e.code, e.message, e.file, e.line, e.column, e.context]).toEqual([
      'CLUSTER_IMAGE_REVOKED',
      'clusters/w/cluster.yaml uses tkr custom, which lists image ubuntu-2004-aws-cis, revoked since 2026-02-20 (CVE-2026-0001 in the kernel)',
      'clusters/w/cluster.yaml',
      3,
      6,
      { 'listed at': 'tkrs/custom/tkr.yaml:5:5' },
    ]);
    expect(e.hint).toBe(
      'remove ubuntu-2004-aws-cis from tkrs/custom/tkr.yaml and apply the TKr again, use another tkr, or remove `revoked:` from images/ubuntu-2004-aws-cis/image.yaml to restore it',
    );
  });

  it('refuses it in plan mode too', () => {
    ws.revoke('ubuntu-2004-azure-fips', '2026-02-20');
    ws.write('clusters/az/azure-mgmt.yaml', 'INFRASTRUCTURE_PROVIDER: azure\nCLUSTER_NAME: mgmt\n');
    cluster('az', 'base: azure-mgmt.yaml\nname: workload-az\nimage: ubuntu-2004-azure-fips\n');
    expect(kilnErrorOf(() => run('az', true)).code).toBe('CLUSTER_IMAGE_REVOKED');
  });

  it('uses an image whose revocation date has not come yet, and refuses it from that date on', () => {
    ws.publish('ubuntu-2004-vsphere-plan');
    ws.revoke('ubuntu-2004-vsphere-plan', '2026-03-02');
    cluster('legacy', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-legacy\nimage: ubuntu-2004-vsphere-plan\n');
    run('legacy');
    expect(ws.read('dist/clusters/legacy/cluster-config.yaml')).toContain('\nVSPHERE_TEMPLATE: published-plan-template\n');
    expect(kilnErrorOf(() => run('legacy', false, Date.parse('2026-03-02T00:00:00Z'))).code).toBe('CLUSTER_IMAGE_REVOKED');
  });
});
