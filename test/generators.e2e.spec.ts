// nx g @kiln/nx:image / :tkr / :cluster in a temporary workspace: output that validates on the first try, --dry-run,
// and every refusal (existing name, name of another project kind, invalid name, a combination the rules reject)
// writes nothing. Also: project names clashing across images/, tkrs/ and clusters/ are reported by file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kiln } from './support/kiln-cli';
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace';

let ws: TempWorkspace;

beforeAll(() => {
  ws = createTempWorkspace();
});
afterAll(() => ws?.dispose());

/** git status of the workspace: '' when nothing was written. */
const status = () => ws.git(['status', '--porcelain', '--untracked-files=all']);

function generate(args: string[]) {
  const r = ws.nx(['g', ...args, '--no-interactive']);
  return { ...r, all: `${r.stdout}\n${r.stderr}` };
}

function refusal(args: string[], message: string): void {
  const r = generate(args);
  expect(r.code, r.all).not.toBe(0);
  expect(r.all).toContain(message);
  expect(r.all).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  expect(status()).toBe('');
}

describe('nx g @kiln/nx:image', () => {
  it('--dry-run shows the file and writes nothing', () => {
    const r = generate(['@kiln/nx:image', 'dry-one', '--infra=vsphere', '--os=ubuntu-2004', '--release=v2.3.0', '--dry-run']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain('CREATE images/dry-one/image.yaml');
    expect(status()).toBe('');
  });

  it('writes image.yaml files that kiln validate and Nx accept on the first try', () => {
    const cases: [string, string[]][] = [
      [
        'gen-vsphere-cis',
        [
          '--infra=vsphere',
          '--os=ubuntu-2004',
          '--release=v2.3.0',
          '--hardening=cis',
          '--gpu',
          '--proxy=http://proxy.example.com:3128',
          '--noProxy=localhost,10.0.0.0/8',
        ],
      ],
      ['gen-photon-plan', ['--infra=vsphere', '--os=photon-3', '--release=v2.2.0', '--clusterType=plan']],
      [
        'gen-aws-stig',
        ['--infra=aws', '--os=ubuntu-2004', '--release=v2.3.0', '--hardening=stig', '--region=eu-west-1', '--extraPackages=jq,tcpdump'],
      ],
      ['gen-azure-fips', ['--infra=azure', '--os=ubuntu-2004', '--release=v2.3.0', '--fips']],
    ];
    for (const [name, opts] of cases) {
      const r = generate(['@kiln/nx:image', name, ...opts]);
      expect(r.code, r.all).toBe(0);
      expect(ws.read(`images/${name}/image.yaml`).split('\n')[0]).toBe(
        '# yaml-language-server: $schema=../../libs/schema/src/schemas/image.schema.json',
      );
    }
    const text = ws.read('images/gen-vsphere-cis/image.yaml');
    expect(text).toContain(
      'infra: vsphere\nos: ubuntu-2004\nrelease: v2.3.0\nvsphere:\n  clusterType: class\n  version: v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e\n',
    );
    expect(text).toContain('hardening:\n  cis:\n    aide: false\n');
    expect(text).toContain('# fips: true\n');
    expect(text).toContain('  noProxy: [localhost, 10.0.0.0/8]\n');
    expect(text).toContain('    templateName: gen-vsphere-cis\n');
    expect(ws.read('images/gen-aws-stig/image.yaml')).toContain('upload:\n  aws:\n    region: eu-west-1\n');
    const v = kiln(ws, ['validate']);
    expect(v.stdout + v.stderr).toBe('16 valid, 0 invalid\n');
    expect(v.code).toBe(0);
    const shown = ws.nx(['show', 'project', 'gen-aws-stig', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(Object.keys(JSON.parse(shown.stdout).targets).sort()).toEqual(['build', 'pull-bundle', 'render-config', 'upload', 'verify']);
    // The rendered config is what a build would run.
    const render = ws.nx(['run', 'gen-vsphere-cis:render-config']);
    expect(render.code, render.stdout + render.stderr).toBe(0);
    ws.commitAll('generated images');
  });

  it('refuses an existing name, another kind’s name, an invalid name and rejected combinations, writing nothing', () => {
    refusal(
      ['@kiln/nx:image', 'gen-aws-stig', '--infra=aws', '--os=amazon-2', '--release=v2.3.0'],
      'images/gen-aws-stig/image.yaml already exists; nothing was written',
    );
    refusal(
      ['@kiln/nx:image', 'custom-v1-26-5', '--infra=aws', '--os=amazon-2', '--release=v2.3.0'],
      'the name "custom-v1-26-5" is already used by tkrs/custom-v1-26-5/tkr.yaml',
    );
    refusal(
      ['@kiln/nx:image', 'workload-vsphere', '--infra=aws', '--os=amazon-2', '--release=v2.3.0'],
      'the name "workload-vsphere" is already used by clusters/workload-vsphere/cluster.yaml',
    );
    refusal(['@kiln/nx:image', 'Bad_Name', '--infra=aws', '--os=amazon-2', '--release=v2.3.0'], '"Bad_Name" is not a valid image name');
    refusal(
      ['@kiln/nx:image', 'new-one', '--infra=vsphere', '--os=amazon-2', '--release=v2.3.0'],
      '/os amazon-2 is not available on vsphere for release v2.3.0',
    );
    refusal(
      ['@kiln/nx:image', 'new-one', '--infra=aws', '--os=ubuntu-2004', '--release=v2.3.0', '--gpu'],
      '/gpu is only supported on vsphere (infra is aws)',
    );
    refusal(
      ['@kiln/nx:image', 'new-one', '--infra=vsphere', '--os=photon-3', '--release=v2.3.0', '--hardening=cis'],
      '/hardening is only supported on ubuntu-2004 (os is photon-3)',
    );
    refusal(
      ['@kiln/nx:image', 'new-one', '--infra=vsphere', '--os=ubuntu-2004', '--release=v9.9.9'],
      'release v9.9.9 is not in the release catalog (known: v2.3.0, v2.2.0)',
    );
    refusal(
      ['@kiln/nx:image', 'new-one', '--infra=vsphere', '--os=ubuntu-2004', '--release=v2.3.0', '--proxy=not a url'],
      'these options make an invalid images/new-one/image.yaml',
    );
  });
});

describe('nx g @kiln/nx:tkr and @kiln/nx:cluster', () => {
  const BOM = 'tkrs/custom-v1-26-5/tkr-bom-v1.26.5+vmware.2-tkg.1.yaml';

  it('writes a tkr (copying the base BoM) and a cluster that validate', () => {
    const t = generate([
      '@kiln/nx:tkr',
      'gen-tkr',
      `--bomFrom=${BOM}`,
      '--suffix=acme',
      '--images=gen-vsphere-cis,gen-aws-stig',
      '--context=mgmt-admin@mgmt',
    ]);
    expect(t.code, t.all).toBe(0);
    expect(ws.read('tkrs/gen-tkr/tkr-bom-v1.26.5+vmware.2-tkg.1.yaml')).toBe(ws.read(BOM));
    expect(ws.read('tkrs/gen-tkr/tkr.yaml')).toContain(
      'suffix: acme\nimages:\n  - gen-vsphere-cis\n  - gen-aws-stig\nmanagementCluster:\n',
    );
    const c = generate([
      '@kiln/nx:cluster',
      'gen-cluster',
      '--tkr=gen-tkr',
      '--baseFrom=clusters/workload-vsphere/mgmt-cluster-config.yaml',
    ]);
    expect(c.code, c.all).toBe(0);
    expect(ws.read('clusters/gen-cluster/cluster.yaml')).toContain('base: mgmt-cluster-config.yaml\nname: gen-cluster\ntkr: gen-tkr\n');
    const v = kiln(ws, ['validate']);
    expect(v.stdout).toBe('18 valid, 0 invalid\n');
    const graph = ws.nx(['show', 'projects', '--projects=tag:kiln:*', '--json']);
    expect(graph.code, graph.stderr).toBe(0);
    expect(JSON.parse(graph.stdout)).toEqual(expect.arrayContaining(['gen-tkr', 'gen-cluster']));
    ws.commitAll('generated tkr and cluster');
  });

  it('refuses bad tkrs and clusters, writing nothing', () => {
    refusal(
      ['@kiln/nx:tkr', 'gen-tkr', `--bomFrom=${BOM}`, '--suffix=acme', '--images=gen-aws-stig', '--context=c'],
      'tkrs/gen-tkr/tkr.yaml already exists; nothing was written',
    );
    refusal(
      ['@kiln/nx:tkr', 'gen-vsphere-cis', `--bomFrom=${BOM}`, '--suffix=acme', '--images=gen-aws-stig', '--context=c'],
      'the name "gen-vsphere-cis" is already used by images/gen-vsphere-cis/image.yaml',
    );
    refusal(
      ['@kiln/nx:tkr', 't2', `--bomFrom=${BOM}`, '--suffix=acme', '--images=no-such-image', '--context=c'],
      '--images names no image project: no-such-image; nothing was written',
    );
    refusal(
      ['@kiln/nx:tkr', 't2', `--bomFrom=${BOM}`, '--suffix=Not_Ok', '--images=gen-aws-stig', '--context=c'],
      'these options make an invalid tkrs/t2/tkr.yaml',
    );
    refusal(
      ['@kiln/nx:tkr', 't2', '--suffix=acme', '--images=gen-aws-stig', '--context=c'],
      'no single base BoM tkr-bom-*.yaml in tkrs/t2/; nothing was written',
    );
    refusal(
      ['@kiln/nx:cluster', 'gen-tkr', '--tkr=gen-tkr', '--baseFrom=clusters/workload-vsphere/mgmt-cluster-config.yaml'],
      'the name "gen-tkr" is already used by tkrs/gen-tkr/tkr.yaml',
    );
    refusal(
      ['@kiln/nx:cluster', 'c2', '--tkr=nope', '--baseFrom=clusters/workload-vsphere/mgmt-cluster-config.yaml'],
      '--tkr nope: there is no tkrs/nope/; nothing was written',
    );
    refusal(
      ['@kiln/nx:cluster', 'c2', '--tkr=gen-tkr', '--image=gen-aws-stig', '--baseFrom=clusters/workload-vsphere/mgmt-cluster-config.yaml'],
      'give exactly one of --tkr <tkr project> or --image <image project>',
    );
    refusal(['@kiln/nx:cluster', 'c2', '--image=gen-aws-stig'], 'clusters/c2/mgmt-cluster-config.yaml does not exist; nothing was written');
  });
});

describe('project names are unique across images/, tkrs/ and clusters/', () => {
  it('kiln validate and the Nx plugin name both files of a clash', () => {
    ws.write('clusters/gen-aws-stig/cluster.yaml', ws.read('clusters/workload-vsphere-template/cluster.yaml'));
    ws.write('clusters/gen-aws-stig/mgmt-cluster-config.yaml', ws.read('clusters/workload-vsphere-template/mgmt-cluster-config.yaml'));
    const v = kiln(ws, ['validate']);
    expect(v.code).toBe(1);
    expect(v.stdout).toBe(
      'images/gen-aws-stig/image.yaml: project name "gen-aws-stig" is used by clusters/gen-aws-stig/cluster.yaml and images/gen-aws-stig/image.yaml; names must be unique across images/, tkrs/ and clusters/\n' +
        '  hint: rename one of the folders (e.g. images/gen-aws-stig-image) and update the tkr.yaml/cluster.yaml files that refer to it\n' +
        '18 valid, 1 invalid\n',
    );
    const graph = ws.nx(['show', 'projects']);
    expect(graph.code).not.toBe(0);
    expect(graph.stdout + graph.stderr).toContain(
      'project name "gen-aws-stig" is used by clusters/gen-aws-stig/cluster.yaml and images/gen-aws-stig/image.yaml',
    );
    ws.remove('clusters/gen-aws-stig');
    expect(kiln(ws, ['validate']).code).toBe(0);
  });

  it('kiln bom import refuses a tkr name an image already has', () => {
    const r = kiln(ws, ['bom', 'import', 'gen-aws-stig', '--from', 'tkrs/custom-v1-26-5/tkr-bom-v1.26.5+vmware.2-tkg.1.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the name "gen-aws-stig" is already used by images/gen-aws-stig/image.yaml');
    expect(status()).toBe('');
  });
});
