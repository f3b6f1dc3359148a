import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KilnError } from '@kiln/errors';
import { genClusterConfigStep } from './gen-cluster-config-step';
import { TestWorkspace } from '../../test/tkr-cluster-test-workspace';

const NAME = 'v1.26.5---vmware.2-tkg.1-myorg';
let ws: TestWorkspace;
beforeEach(() => {
  ws = new TestWorkspace();
});
afterEach(() => ws.remove());

function cluster(project: string, yaml: string): void {
  ws.write(`clusters/${project}/cluster.yaml`, yaml);
}

function run(project: string, plan = false): string {
  return genClusterConfigStep({ workspaceRoot: ws.root, project, outputPath: plan ? `dist/plan/clusters/${project}/gen-cluster-config` : `dist/clusters/${project}`, plan });
}

function errorOf(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    return e as KilnError;
  }
  throw new Error('expected an error');
}

describe('genClusterConfigStep', () => {
  it('with a TKr, names it from the TKr\'s base BoM and suffix and needs no published record', () => {
    cluster('w', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-1\ntkr: custom\n');
    run('w');
    expect(readdirSync(join(ws.root, 'dist/clusters/w')).sort()).toEqual(['annotations.yaml', 'cluster-config.yaml', 'create.sh']);
    expect(ws.read('dist/clusters/w/create.sh')).toContain(`exec tanzu cluster create workload-1 --file "$(dirname "$0")/cluster-config.yaml" --tkr ${NAME}\n`);
  });

  it('without a TKr, takes VSPHERE_TEMPLATE from the image\'s published.json', () => {
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
    const e = errorOf(() => run('w'));
    expect([e.code, e.message, e.file]).toEqual(['FILE_MISSING', 'file not found: clusters/w/mgmt.yaml', 'clusters/w/mgmt.yaml']);
  });

  it('an unknown TKr is an error at its line in cluster.yaml', () => {
    cluster('w', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-1\ntkr: nope\n');
    const e = errorOf(() => run('w'));
    expect([e.code, e.message, e.file, e.line, e.column]).toEqual(['TKR_UNKNOWN', 'clusters/w/cluster.yaml uses tkr nope, but tkrs/nope/tkr.yaml does not exist', 'clusters/w/cluster.yaml', 3, 6]);
  });

  it('an unknown image is an error at its line in cluster.yaml', () => {
    cluster('w', 'base: ../shared/vsphere-mgmt.yaml\nname: workload-1\nimage: nope\n');
    const e = errorOf(() => run('w'));
    expect([e.code, e.message, e.line, e.column]).toEqual(['IMAGE_UNKNOWN', 'clusters/w/cluster.yaml lists image nope, but images/nope/image.yaml does not exist', 3, 8]);
  });

  it('plan mode writes under dist/plan/ only, with placeholders for what upload will publish', () => {
    ws.write('clusters/az/azure-mgmt.yaml', 'INFRASTRUCTURE_PROVIDER: azure\nCLUSTER_NAME: mgmt\n');
    cluster('az', 'base: azure-mgmt.yaml\nname: workload-az\nimage: ubuntu-2004-azure-fips\n');
    const text = run('az', true);
    expect(existsSync(join(ws.root, 'dist/clusters'))).toBe(false);
    expect(readdirSync(join(ws.root, 'dist/plan/clusters/az/gen-cluster-config')).sort()).toEqual(['annotations.yaml', 'cluster-config.yaml', 'create.sh', 'plan.json', 'plan.txt']);
    expect(ws.read('dist/plan/clusters/az/gen-cluster-config/cluster-config.yaml')).toContain('\nAZURE_IMAGE_VERSION: PLANNED:ubuntu-2004-azure-fips\n');
    expect(text.split('\n').slice(0, 3)).toEqual([
      '[plan] gen-cluster-config az',
      '  workload cluster workload-az (class-based) from image ubuntu-2004-azure-fips, over clusters/az/azure-mgmt.yaml',
      '  $ tanzu cluster create workload-az --file dist/plan/clusters/az/gen-cluster-config/cluster-config.yaml',
    ]);
  });
});
