import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot as ROOT, runCli, tempDir } from '@kiln/testing';
import { main } from './main';

const GOVC_FIXTURES = join(ROOT, 'libs', 'image-version', 'fixtures', 'govc');
const V = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const VM = '/dc0/vm/ubuntu-2004-kube-v1.26.5+vmware.1-tkg.1';
const dir = tempDir('kiln-os-image-version-spec-');

const kiln = (...argv: string[]) => runCli(main, argv);

/** Test vSphere credentials (--from-vsphere needs them like upload does); the fake govc ignores them. */
const GOVC_CREDENTIALS = {
  GOVC_URL: 'vcenter.example.com',
  GOVC_USERNAME: 'administrator@vsphere.local',
  GOVC_PASSWORD: 'S3cret-vsphere-pw',
};

/** Runs `fn` with `binDir` first on PATH (or alone on it) and `env` set, restoring both afterwards. */
async function withPath<T>(
  binDir: string,
  fn: () => Promise<T>,
  alone = false,
  env: Record<string, string | undefined> = GOVC_CREDENTIALS,
): Promise<T> {
  const names = ['PATH', ...Object.keys(env)];
  const saved = Object.fromEntries(names.map((k) => [k, process.env[k]]));
  process.env.PATH = alone ? binDir : `${binDir}${delimiter}${saved.PATH ?? ''}`;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

let n = 0;
function freshDir(name: string): string {
  const d = join(dir, `${name}-${++n}`);
  mkdirSync(d, { recursive: true });
  return d;
}

/**
 * A fake `govc` (govc cannot be installed here) that records its arguments, NUL-separated, and prints a
 * recorded `vm.info -json` output faithful to what govc prints (libs/steps/fixtures/govc).
 */
function fakeGovc(fixture: string): { bin: string; args: () => string[] } {
  const bin = freshDir('govc-bin');
  const argsFile = join(bin, 'args');
  writeFileSync(join(bin, 'govc'), `#!/bin/sh\nprintf '%s\\0' "$@" > '${argsFile}'\ncat '${join(GOVC_FIXTURES, fixture)}'\n`);
  chmodSync(join(bin, 'govc'), 0o755);
  return { bin, args: () => readFileSync(argsFile, 'utf8').split('\0').slice(0, -1) };
}

/** A real .ova (tar) holding an .ovf with the VERSION property after a disk, built with the system tar. */
function ova(): string {
  const staging = freshDir('ova-staging');
  writeFileSync(join(staging, 'ubuntu-2004-kube-v1.26.5-disk1.vmdk'), Buffer.alloc(1500, 1));
  writeFileSync(
    join(staging, 'ubuntu-2004-kube-v1.26.5.ovf'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">\n  <VirtualSystem ovf:id="vm">\n    <ProductSection>\n      <Property ovf:userConfigurable="false" ovf:value="${V}"\n                ovf:type="string" ovf:key="VERSION"/>\n    </ProductSection>\n  </VirtualSystem>\n</Envelope>\n`,
  );
  const file = join(freshDir('ova'), 'ubuntu-2004-kube-v1.26.5.ova');
  const r = spawnSync('tar', ['-cf', file, '-C', staging, 'ubuntu-2004-kube-v1.26.5-disk1.vmdk', 'ubuntu-2004-kube-v1.26.5.ovf']);
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  return file;
}

/** A copy of a sample image folder (images/<name>) with `edit` applied to its image.yaml. */
function imageCopy(name: string, edit: (text: string) => string = (t) => t): { folder: string; file: string; text: string } {
  const folder = join(freshDir('workspace'), 'images', name);
  mkdirSync(folder, { recursive: true });
  const text = edit(readFileSync(join(ROOT, 'images', name, 'image.yaml'), 'utf8'));
  writeFileSync(join(folder, 'image.yaml'), text);
  return { folder, file: join(folder, 'image.yaml'), text };
}

describe('kiln os-image-version: sources', () => {
  it('--from-ova prints the VERSION alone on stdout', async () => {
    expect(await kiln('os-image-version', '--from-ova', ova())).toEqual({ code: 0, stdout: `${V}\n`, stderr: '' });
  });

  it('--govc-json reads saved PascalCase output (govc <= v0.30)', async () => {
    expect(await kiln('os-image-version', '--govc-json', join(GOVC_FIXTURES, 'vm-info-govc-0.30-pascal.json'))).toEqual({
      code: 0,
      stdout: `${V}\n`,
      stderr: '',
    });
  });

  it('--govc-json reads saved camelCase output (govc >= v0.31)', async () => {
    expect(await kiln('os-image-version', '--govc-json', join(GOVC_FIXTURES, 'vm-info-govc-0.33-camel.json'))).toEqual({
      code: 0,
      stdout: `${V}\n`,
      stderr: '',
    });
  });

  it('--from-vsphere runs exactly `govc vm.info -json <path>` and reads its PascalCase output', async () => {
    const govc = fakeGovc('vm-info-govc-0.30-pascal.json');
    expect(await withPath(govc.bin, () => kiln('os-image-version', '--from-vsphere', VM))).toEqual({
      code: 0,
      stdout: `${V}\n`,
      stderr: '',
    });
    expect(govc.args()).toEqual(['vm.info', '-json', VM]);
  });

  it('--from-vsphere reads camelCase output of a newer govc', async () => {
    const govc = fakeGovc('vm-info-govc-0.33-camel.json');
    expect(await withPath(govc.bin, () => kiln('os-image-version', '--from-vsphere', VM))).toEqual({
      code: 0,
      stdout: `${V}\n`,
      stderr: '',
    });
    expect(govc.args()).toEqual(['vm.info', '-json', VM]);
  });

  it('--from-vsphere says how to install govc when it is not on PATH', async () => {
    const r = await withPath(freshDir('empty-bin'), () => kiln('os-image-version', '--from-vsphere', VM), true);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'kiln os-image-version: govc not found on PATH\n  hint: install govc from the vmware/govmomi releases and put it on PATH (set GOVC_URL, GOVC_USERNAME, GOVC_PASSWORD)\n',
    });
  });

  it('--from-vsphere reports a failing govc with its error output', async () => {
    const bin = freshDir('failing-govc');
    writeFileSync(join(bin, 'govc'), `#!/bin/sh\necho "govc: vm '$3' not found" >&2\nexit 1\n`);
    chmodSync(join(bin, 'govc'), 0o755);
    const r = await withPath(bin, () => kiln('os-image-version', '--from-vsphere', '/dc0/vm/nope'));
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "kiln os-image-version: govc vm.info -json /dc0/vm/nope failed (exit code 1): vm '/dc0/vm/nope' not found\n" +
        '  hint: check GOVC_URL, GOVC_USERNAME, GOVC_PASSWORD (or VSPHERE_SERVER, VSPHERE_USERNAME, VSPHERE_PASSWORD; GOVC_INSECURE for self-signed certificates) and the VM path\n',
    });
  });

  it('--from-vsphere stops before govc when no vSphere credentials are set (GOVC_* or VSPHERE_*, as for upload)', async () => {
    const govc = fakeGovc('vm-info-govc-0.30-pascal.json');
    const none = Object.fromEntries(
      [
        'GOVC_URL',
        'GOVC_USERNAME',
        'GOVC_PASSWORD',
        'VSPHERE_SERVER',
        'VSPHERE_USERNAME',
        'VSPHERE_PASSWORD',
        'KILN_VSPHERE_CREDENTIALS_FILE',
      ].map((k) => [k, undefined]),
    );
    const r = await withPath(govc.bin, () => kiln('os-image-version', '--from-vsphere', VM), false, none);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      'kiln os-image-version: vSphere credentials are missing: set GOVC_URL, GOVC_USERNAME and GOVC_PASSWORD (or VSPHERE_SERVER, VSPHERE_USERNAME, VSPHERE_PASSWORD)',
    );
    expect(existsSync(join(govc.bin, 'args'))).toBe(false);
  });

  it('reports a source error on stderr with exit code 1 and nothing on stdout', async () => {
    const r = await kiln('os-image-version', '--govc-json', join(dir, 'missing.json'));
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `kiln os-image-version: file not found: ${join(dir, 'missing.json')}\n  hint: save it with: govc vm.info -json VM_PATH > FILE\n`,
    });
  });
});

const TKR = 'v1.26.5---vmware.2-tkg.1';
const CONTEXT = 'mgmt-admin@mgmt';
const PHOTON = 'v1.26.5+vmware.1-tkg.1-4b8cc2d3ee2bb3f2ab37a6bcb86b7bc9';

function osImage(name: string, os: { name: string; version: string }, version: string): object {
  return {
    apiVersion: 'run.tanzu.vmware.com/v1alpha3',
    kind: 'OSImage',
    metadata: { name, labels: { 'image-type': 'ova', 'os-name': os.name } },
    spec: {
      image: { ref: { version }, type: 'ova' },
      kubernetesVersion: 'v1.26.5+vmware.2',
      os: { arch: 'amd64', name: os.name, type: 'linux', version: os.version },
    },
  };
}

/**
 * A fake `kubectl` (no management cluster here) that records each call's arguments and answers
 * `get tkr|osimage NAME -o json` with the objects given, or kubectl's NotFound error.
 */
function fakeKubectl(objects: Record<string, object>): { bin: string; calls: () => string[][] } {
  const bin = freshDir('kubectl-bin');
  for (const [key, object] of Object.entries(objects)) writeFileSync(join(bin, `${key}.json`), JSON.stringify(object, null, 4));
  const calls = join(bin, 'calls');
  writeFileSync(
    join(bin, 'kubectl'),
    [
      '#!/bin/sh',
      `printf '%s\\0' "$@" >> '${calls}'; echo >> '${calls}'`,
      `f='${bin}'/"$4-$5.json"`,
      'if [ -f "$f" ]; then cat "$f"; exit 0; fi',
      'echo "Error from server (NotFound): $4 \\"$5\\" not found" >&2',
      'exit 1',
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'kubectl'), 0o755);
  const read = () =>
    readFileSync(calls, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\0').slice(0, -1));
  return { bin, calls: read };
}

const CLUSTER_OBJECTS = {
  [`tkr-${TKR}`]: {
    apiVersion: 'run.tanzu.vmware.com/v1alpha3',
    kind: 'TanzuKubernetesRelease',
    metadata: { name: TKR },
    spec: {
      version: 'v1.26.5+vmware.2-tkg.1',
      kubernetes: { version: 'v1.26.5+vmware.2', imageRepository: 'projects.registry.vmware.com/tkg' },
      osImages: [{ name: `${TKR}-photon` }, { name: `${TKR}-ubuntu` }],
    },
  },
  [`osimage-${TKR}-photon`]: osImage(`${TKR}-photon`, { name: 'photon', version: '3' }, PHOTON),
  [`osimage-${TKR}-ubuntu`]: osImage(`${TKR}-ubuntu`, { name: 'ubuntu', version: '20.04' }, V),
};

describe('kiln os-image-version --from-cluster', () => {
  it('prints the Ubuntu OVA version of the TKr, read with kubectl on the given context', async () => {
    const kubectl = fakeKubectl(CLUSTER_OBJECTS);
    const r = await withPath(kubectl.bin, () => kiln('os-image-version', '--from-cluster', '--context', CONTEXT, '--tkr', TKR));
    expect(r).toEqual({ code: 0, stdout: `${V}\n`, stderr: '' });
    expect(kubectl.calls()).toEqual([
      ['--context', CONTEXT, 'get', 'tkr', TKR, '-o', 'json'],
      ['--context', CONTEXT, 'get', 'osimage', `${TKR}-photon`, '-o', 'json'],
      ['--context', CONTEXT, 'get', 'osimage', `${TKR}-ubuntu`, '-o', 'json'],
    ]);
  });

  it('passes --os on', async () => {
    const kubectl = fakeKubectl(CLUSTER_OBJECTS);
    const r = await withPath(kubectl.bin, () =>
      kiln('os-image-version', '--from-cluster', '--context', CONTEXT, '--tkr', TKR, '--os', 'photon'),
    );
    expect(r).toEqual({ code: 0, stdout: `${PHOTON}\n`, stderr: '' });
  });

  it('reports a missing TKr', async () => {
    const kubectl = fakeKubectl(CLUSTER_OBJECTS);
    const r = await withPath(kubectl.bin, () =>
      kiln('os-image-version', '--from-cluster', '--context', CONTEXT, '--tkr', 'v1.26.5---vmware.2-tkg.9'),
    );
    expect([r.code, r.stdout, r.stderr.split('\n')[0]]).toEqual([
      1,
      '',
      `kiln os-image-version: TKr v1.26.5---vmware.2-tkg.9 does not exist on context ${CONTEXT}`,
    ]);
  });

  it("records the cluster's version with --write", async () => {
    const kubectl = fakeKubectl(CLUSTER_OBJECTS);
    const image = imageCopy('ubuntu-2004-vsphere-class', (t) => t.replace(`version: ${V}`, 'version: v1.26.5+vmware.1-tkg.1-0000'));
    const r = await withPath(kubectl.bin, () =>
      kiln('os-image-version', '--from-cluster', '--context', CONTEXT, '--tkr', TKR, '--write', image.folder),
    );
    expect(r).toEqual({
      code: 0,
      stdout: `${V}\n`,
      stderr: `${image.file}: vsphere.version set to ${V} (was v1.26.5+vmware.1-tkg.1-0000)\n`,
    });
    expect(readFileSync(image.file, 'utf8')).toBe(image.text.replace('version: v1.26.5+vmware.1-tkg.1-0000', `version: ${V}`));
  });
});

describe('kiln os-image-version --write', () => {
  it('records the version and leaves every other line of image.yaml unchanged', async () => {
    const image = imageCopy('ubuntu-2004-vsphere-class', (t) => t.replace(`version: ${V}`, 'version: "v1.26.5+vmware.1-tkg.1-0000"'));
    const r = await kiln('os-image-version', '--govc-json', join(GOVC_FIXTURES, 'vm-info-govc-0.33-camel.json'), '--write', image.folder);
    expect(r).toEqual({
      code: 0,
      stdout: `${V}\n`,
      stderr: `${image.file}: vsphere.version set to ${V} (was v1.26.5+vmware.1-tkg.1-0000)\n`,
    });
    const before = image.text.split('\n');
    const after = readFileSync(image.file, 'utf8').split('\n');
    const changed = before.map((line, i) => (line === after[i] ? -1 : i)).filter((i) => i >= 0);
    expect(changed).toEqual([8]);
    expect([before.length, after[8]]).toEqual([after.length, `  version: "${V}"`]);
  });

  it('adds the version under vsphere when the key is missing', async () => {
    const image = imageCopy('ubuntu-2004-vsphere-class', (t) => t.replace(`  version: ${V}\n`, ''));
    const r = await kiln('os-image-version', '--from-ova', ova(), '--write', join(image.folder, 'image.yaml'));
    expect(r).toEqual({ code: 0, stdout: `${V}\n`, stderr: `${image.file}: vsphere.version set to ${V}\n` });
    const expected = image.text.split('\n');
    expected.splice(8, 0, `  version: ${V}`);
    expect(readFileSync(image.file, 'utf8').split('\n')).toEqual(expected);
  });

  it('leaves an up-to-date file alone and says so on stderr', async () => {
    const image = imageCopy('ubuntu-2004-vsphere-class');
    const r = await kiln('os-image-version', '--from-ova', ova(), '--write', image.folder);
    expect(r).toEqual({ code: 0, stdout: `${V}\n`, stderr: `${image.file}: vsphere.version is already ${V}; not changed\n` });
    expect(readFileSync(image.file, 'utf8')).toBe(image.text);
  });

  it('refuses a non-vSphere image, prints no version and leaves the file alone', async () => {
    const image = imageCopy('amazon-2-aws');
    const r = await kiln('os-image-version', '--from-ova', ova(), '--write', image.folder);
    expect([r.code, r.stdout, r.stderr.split('\n')[0]]).toEqual([
      1,
      '',
      `kiln os-image-version: ${image.file}:3:8: not a vSphere image (infra: aws); the OVA VERSION only applies to vsphere images`,
    ]);
    expect(readFileSync(image.file, 'utf8')).toBe(image.text);
  });

  it('refuses the target before running the source command', async () => {
    const govc = fakeGovc('vm-info-govc-0.33-camel.json');
    const image = imageCopy('amazon-2-aws');
    const r = await withPath(govc.bin, () => kiln('os-image-version', '--from-vsphere', VM, '--write', image.folder));
    expect([r.code, r.stdout, existsSync(join(govc.bin, 'args'))]).toEqual([1, '', false]);
  });

  it('refuses a plan-based image and leaves the file alone', async () => {
    const image = imageCopy('ubuntu-2004-vsphere-plan');
    const r = await kiln('os-image-version', '--from-ova', ova(), '--write', image.folder);
    expect([r.code, r.stdout, r.stderr.split('\n')[0]]).toEqual([
      1,
      '',
      `kiln os-image-version: ${image.file}:7:16: plan-based image (vsphere.clusterType: plan): its VERSION is a unique string of yours, not the default OVA's OS image version`,
    ]);
    expect(readFileSync(image.file, 'utf8')).toBe(image.text);
  });

  it('refuses when the result would not validate and leaves the file alone', async () => {
    const image = imageCopy('ubuntu-2004-vsphere-class', (t) => t.replace('release: v2.3.0', 'release: v9.9.9'));
    const r = await kiln('os-image-version', '--from-ova', ova(), '--write', image.folder);
    expect([r.code, r.stdout, r.stderr.split('\n').slice(0, 2)]).toEqual([
      1,
      '',
      [
        `kiln os-image-version: ${image.file}: not written: with vsphere.version ${V} the file would be invalid`,
        `${image.file}:6:10: /release v9.9.9 is not in the release catalog (known: v2.2.0, v2.3.0)`,
      ],
    ]);
    expect(readFileSync(image.file, 'utf8')).toBe(image.text);
  });
});

describe('kiln os-image-version: usage', () => {
  const usage = async (...args: string[]) => {
    const r = await kiln('os-image-version', ...args);
    return [r.code, r.stdout, r.stderr.split('\n')[0], r.stderr.includes('usage: kiln os-image-version SOURCE')];
  };

  it('needs a source', async () => {
    expect(await usage()).toEqual([
      2,
      '',
      'kiln os-image-version: give one source: --from-cluster, --from-ova, --from-vsphere or --govc-json',
      true,
    ]);
  });

  it('takes only one source', async () => {
    expect(await usage('--from-ova', 'a.ova', '--from-vsphere', VM)).toEqual([
      2,
      '',
      'kiln os-image-version: give only one source (got --from-ova, --from-vsphere)',
      true,
    ]);
  });

  it('needs --context and --tkr with --from-cluster', async () => {
    expect(await usage('--from-cluster', '--context', 'mgmt-admin@mgmt')).toEqual([
      2,
      '',
      'kiln os-image-version: --from-cluster needs --tkr',
      true,
    ]);
  });

  it('refuses cluster options without --from-cluster', async () => {
    expect(await usage('--from-ova', 'a.ova', '--tkr', 'v1.26.5---vmware.2-tkg.1')).toEqual([
      2,
      '',
      'kiln os-image-version: --tkr is only used with --from-cluster',
      true,
    ]);
  });

  it('refuses unknown options', async () => {
    expect(await usage('--from-ova', 'a.ova', '--json')).toEqual([2, '', 'kiln os-image-version: unknown option --json', true]);
  });

  it('refuses a missing option value', async () => {
    expect(await usage('--from-ova')).toEqual([2, '', 'kiln os-image-version: --from-ova needs a value', true]);
  });

  it('refuses an option where a value is expected', async () => {
    expect(await usage('--from-ova', '--write', 'images/x')).toEqual([2, '', 'kiln os-image-version: --from-ova needs a value', true]);
  });

  it('refuses an empty option value', async () => {
    expect(await usage('--from-ova', '')).toEqual([2, '', 'kiln os-image-version: --from-ova needs a value', true]);
  });

  it('refuses a value for --from-cluster', async () => {
    expect(await usage('--from-cluster=yes', '--context', 'c', '--tkr', 't')).toEqual([
      2,
      '',
      'kiln os-image-version: --from-cluster takes no value',
      true,
    ]);
  });

  it('refuses stray arguments', async () => {
    expect(await usage('--from-ova', 'a.ova', 'extra')).toEqual([2, '', 'kiln os-image-version: unexpected argument "extra"', true]);
  });

  it('prints its usage on stdout with --help', async () => {
    const r = await kiln('os-image-version', '--help');
    expect([r.code, r.stdout.split('\n')[0], r.stderr]).toEqual([0, 'usage: kiln os-image-version SOURCE [--write images/NAME]', '']);
  });

  it('is listed in kiln --help', async () => {
    expect((await kiln('--help')).stdout).toContain(
      "  os-image-version SOURCE [--write images/NAME]   print (and record) the default OVA's OS image VERSION\n",
    );
  });
});
