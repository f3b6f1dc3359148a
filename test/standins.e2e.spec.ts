// Proves the busybox stand-ins for linux-resource-bundle and image-builder behave as the tests built on them assume.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '@kiln/catalog';
import { parsePackageList, PACKAGE_LIST_ROLE_DIR } from '@kiln/provenance';
import { dockerEnv, requireDockerOrSkip } from './support/docker-engine';
import {
  buildStandinImages,
  catalogImageNames,
  standinAmiId,
  standinAzureVersion,
  standinDigest,
  STANDINS_DIR,
} from './support/standin-images';
import { REPO_ROOT } from './support/temp-workspace';
import { summarizeBuildFailure, tarArchive } from '@kiln/steps';

const H = '/home/imagebuilder';
const release = loadCatalog().releases['v2.3.0'];
const bundleDir = join(REPO_ROOT, 'images', '_bundles', release.configBundle);
const gossSpec = join(bundleDir, 'goss', 'vsphere-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml');
const VERSION = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const VSPHERE_PASSWORD = 'S3cret-vsphere-pw';
const BUILD_VERSION = 'kiln-standin-vsphere';
/** Kiln's kiln-package-list role as Kiln mounts it, and custom_role_names as Kiln renders it (the role last). */
const ROLE = `${H}/kiln-package-list`;
const ROLE_MOUNT = ['-v', `${join(REPO_ROOT, PACKAGE_LIST_ROLE_DIR)}:${ROLE}:ro`];
const ROLES = `${H}/tkg ${ROLE}`;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const containers: string[] = [];
const temps: string[] = [];

function docker(args: string[]): Result {
  const r = spawnSync('docker', args, { env: dockerEnv(), encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function containerName(): string {
  const name = `kiln-standin-test-${process.pid}-${containers.length}`;
  containers.push(name);
  return name;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-standin-test-'));
  temps.push(dir);
  return dir;
}

let bundleIp = '';
let bundlePort = '';

/** A file the test streams into the created container (as Kiln does with credentials). */
interface CopiedFile {
  path: string;
  /** Absent for a folder. */
  content?: string;
  uid?: number;
  mode?: number;
}

interface Invocation {
  /** Extra `docker create` arguments (mounts, env, --user). */
  args: string[];
  /** Files copied into /home/imagebuilder before the start (default owner 1000:1000, mode 0600). */
  files?: CopiedFile[];
}

/** A host folder with the read-only inputs of a correct vSphere build; `tkgUrlHost` replaces <IP>:<PORT>. */
function vsphereHome(tkgUrlHost: string): string {
  const dir = tempDir();
  const tkg = readFileSync(join(bundleDir, 'tkg.json'), 'utf8');
  writeFileSync(join(dir, 'tkg.json'), tkgUrlHost ? tkg.replaceAll('<IP>:<PORT>', tkgUrlHost) : tkg);
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify({ VERSION }));
  writeFileSync(
    join(dir, 'customizations.json'),
    JSON.stringify({ vmx_version: '17', build_version: BUILD_VERSION, custom_role_names: ROLES }),
  );
  return dir;
}

const VSPHERE_FILES = ['tkg.json', 'metadata.json', 'customizations.json'];

/** The empty output folder Kiln copies in with the credentials (owned by the builder's user). */
const OUTPUT_DIR: CopiedFile = { path: 'output', mode: 0o755 };

let folders = 0;

/** vsphere.json as Kiln writes it; each call gets its own VM folder, so builds never meet a leftover VM by accident. */
function vsphereJson(extra: Record<string, string> = {}): CopiedFile {
  const folder = `/dc0/vm/standin-${process.pid}-${++folders}`;
  const data = {
    vcenter_server: 'vc.example.test',
    username: 'builder@vsphere.local',
    password: VSPHERE_PASSWORD,
    datacenter: '/dc0',
    cluster: 'cluster0',
    folder,
    ...extra,
  };
  return { path: 'vsphere.json', content: JSON.stringify(data, null, 2) };
}

function vsphere(dir: string, options: { files?: string[]; env?: string[]; copied?: CopiedFile[]; args?: string[] } = {}): Invocation {
  const mounts = [
    (options.files ?? VSPHERE_FILES).flatMap((f) => ['-v', `${join(dir, f)}:${H}/${f}:ro`]),
    ['-v', `${join(bundleDir, 'tkg')}:${H}/tkg:ro`, ...ROLE_MOUNT, '-v', `${gossSpec}:${H}/goss/goss.yaml:ro`],
  ].flat();
  return {
    args: [...mounts, ...VSPHERE_ENV, ...(options.env ?? []), ...(options.args ?? [])],
    files: [OUTPUT_DIR, ...(options.copied ?? [vsphereJson()])],
  };
}

const VSPHERE_ENV = [
  '--env',
  'PACKER_VAR_FILES=tkg.json vsphere.json customizations.json',
  '--env',
  `OVF_CUSTOM_PROPERTIES=${H}/metadata.json`,
  '--env',
  'IB_OVFTOOL=1',
];

interface BuilderResult extends Result {
  /** Host folder the container's /home/imagebuilder/output was copied to (empty when it had none). */
  output: string;
  /** The (stopped) container. */
  name: string;
}

/** As Kiln runs the builder: create, copy the files in (tar from stdin), start attached, copy the output out. */
function runBuilder(invocation: Invocation, target: string): BuilderResult {
  const name = containerName();
  const created = docker(['create', '--name', name, ...invocation.args, release.images.builder, target]);
  if (created.code !== 0) throw new Error(`docker create failed: ${created.stderr}`);
  if (invocation.files?.length) {
    const archive = tarArchive(
      invocation.files.map((f) => ({
        path: f.path,
        content: f.content === undefined ? undefined : Buffer.from(f.content),
        mode: f.mode ?? 0o600,
        uid: f.uid ?? 1000,
        gid: f.uid ?? 1000,
      })),
    );
    const cp = spawnSync('docker', ['cp', '-', `${name}:${H}`], { env: dockerEnv(), input: archive, encoding: 'utf8' });
    if (cp.status !== 0) throw new Error(`docker cp failed: ${cp.stderr}`);
  }
  const r = docker(['start', '--attach', name]);
  const output = tempDir();
  docker(['cp', `${name}:${H}/output/.`, output]);
  return { ...r, output, name };
}

/** uid:gid of a file in a (stopped) container, from the tar stream `docker cp <container>:<path> -` writes. */
function ownerInContainer(container: string, path: string): string {
  const r = spawnSync('docker', ['cp', `${container}:${path}`, '-'], { env: dockerEnv() });
  if (r.status !== 0) throw new Error(`docker cp ${path} failed: ${r.stderr}`);
  const field = (offset: number) => parseInt(r.stdout.subarray(offset, offset + 8).toString('latin1'), 8);
  return `${field(108)}:${field(116)}`;
}

/** A correct AWS invocation of `target` (the AMI's var file aws.json, credentials and the output folder copied in). */
function awsInvocation(vars: Record<string, string> = {}): Invocation {
  const dir = tempDir();
  writeFileSync(join(dir, 'tkg.json'), readFileSync(join(bundleDir, 'tkg.json'), 'utf8').replaceAll('<IP>:<PORT>', `${bundleIp}:3000`));
  writeFileSync(
    join(dir, 'aws.json'),
    JSON.stringify({
      aws_region: 'us-east-1',
      ami_regions: 'us-west-2,us-east-1',
      custom_role_names: ROLES,
      manifest_output: `${H}/output/manifest.json`,
      ...vars,
    }),
  );
  const mounts = ['tkg.json', 'aws.json'].flatMap((f) => ['-v', `${join(dir, f)}:${H}/${f}:ro`]);
  const goss = [
    '-v',
    `${join(bundleDir, 'tkg')}:${H}/tkg:ro`,
    ...ROLE_MOUNT,
    '-v',
    `${join(bundleDir, 'goss', 'amazon-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml')}:${H}/goss/goss.yaml:ro`,
  ];
  const aws: CopiedFile[] = [
    OUTPUT_DIR,
    { path: '.aws', mode: 0o700 },
    { path: '.aws/credentials', content: '[default]\naws_access_key_id = AKIA\n' },
  ];
  return { args: [...mounts, ...goss, '--env', 'PACKER_VAR_FILES=tkg.json aws.json'], files: aws };
}

requireDockerOrSkip('stand-in images', () => {
  beforeAll(async () => {
    await buildStandinImages(catalogImageNames());
    const name = containerName();
    const run = docker(['run', '-d', '--name', name, '-p', '127.0.0.1::3000', release.images.bundle]);
    if (run.code !== 0) throw new Error(`bundle did not start: ${run.stderr}`);
    bundlePort = docker(['port', name, '3000/tcp']).stdout.trim().split('\n')[0].split(':').pop()!;
    bundleIp = docker(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]).stdout.trim();
  });

  afterAll(() => {
    for (const name of containers) docker(['rm', '-f', name]);
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the image names from every catalog release', () => {
    expect(catalogImageNames()).toEqual({
      bundleImages: [
        'projects.registry.vmware.com/tkg/linux-resource-bundle:v1.25.7_vmware.2-tkg.1',
        'projects.registry.vmware.com/tkg/linux-resource-bundle:v1.26.5_vmware.1-tkg.1',
      ],
      builderImages: [
        'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2',
        'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.3',
      ],
    });
  });

  it('labels every stand-in image with the digest of the current stand-in sources', () => {
    const { bundleImages, builderImages } = catalogImageNames();
    const labels = [...bundleImages, ...builderImages].map((image) =>
      docker(['image', 'inspect', '--format', '{{ index .Config.Labels "kiln.standin" }}', image]).stdout.trim(),
    );
    expect(labels).toEqual([standinDigest(), standinDigest(), standinDigest(), standinDigest()]);
  });

  it('builds nothing again while the images carry the current digest', async () => {
    expect(await buildStandinImages(catalogImageNames())).toEqual([]);
  });

  it('bundle serves /files/kubernetes on a published port', async () => {
    let response: Response | undefined;
    for (let i = 0; i < 50 && !response; i++) {
      response = await fetch(`http://127.0.0.1:${bundlePort}/files/kubernetes/`).catch(() => undefined);
      if (!response) await sleep(100);
    }
    expect(response?.status).toBe(200);
    expect(await response!.text()).toBe(readFileSync(join(STANDINS_DIR, 'resource-bundle', 'files', 'kubernetes', 'index.html'), 'utf8'));
  });

  it('bundle serves the containerd archive that tkg.json names', async () => {
    const response = await fetch(`http://127.0.0.1:${bundlePort}/files/containerd/cri-containerd-v1.6.18+vmware.1.linux-amd64.tar`);
    expect(response.status).toBe(200);
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(257, 262)
        .toString(),
    ).toBe('ustar');
  });

  it('builder fails on an unknown make target', () => {
    const r = runBuilder({ args: [] }, 'build-node-ova-vsphere-windows');
    expect([r.code, r.stderr]).toEqual([2, "ERROR: make: *** No rule to make target 'build-node-ova-vsphere-windows'.  Stop.\n"]);
  });

  it('builder runs as imagebuilder (uid 1000, gid 1000) in /home/imagebuilder, which it owns, with make as its entrypoint', () => {
    const inspect = docker([
      'image',
      'inspect',
      '--format',
      '{{.Config.User}} {{.Config.WorkingDir}} {{json .Config.Entrypoint}} {{range .Config.Env}}{{.}} {{end}}',
      release.images.builder,
    ]);
    expect(inspect.stdout.trim()).toBe(
      'imagebuilder /home/imagebuilder ["/usr/bin/make"] PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/imagebuilder',
    );
    const id = docker([
      'run',
      '--rm',
      '--entrypoint',
      '/bin/sh',
      release.images.builder,
      '-c',
      'id -u; id -g; stat -c "%u:%g" /home/imagebuilder /usr/bin/make /etc/passwd',
    ]);
    expect(id.stdout.trim().split('\n')).toEqual(['1000', '1000', '1000:1000', '0:0', '0:0']);
  });

  it('builder fails when PACKER_VAR_FILES lists a file that is not there', () => {
    const r = runBuilder(
      vsphere(vsphereHome(`${bundleIp}:3000`), { files: VSPHERE_FILES.filter((f) => f !== 'customizations.json') }),
      'build-node-ova-vsphere-ubuntu-2004',
    );
    expect([r.code, r.stderr]).toEqual([
      2,
      `ERROR: PACKER_VAR_FILES lists customizations.json but ${H}/customizations.json does not exist\n`,
    ]);
  });

  it('builder fails when a listed var file is a directory (a -v mount whose host path was missing)', () => {
    const dir = vsphereHome(`${bundleIp}:3000`);
    mkdirSync(join(dir, 'missing-customizations'));
    const invocation = vsphere(dir, {
      files: VSPHERE_FILES.filter((f) => f !== 'customizations.json'),
      args: ['-v', `${join(dir, 'missing-customizations')}:${H}/customizations.json:ro`],
    });
    const r = runBuilder(invocation, 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([
      2,
      `ERROR: ${H}/customizations.json is a directory, not a file (was the host path of its -v mount missing?)\n`,
    ]);
  });

  it('builder fails when a var file is not readable by its user (root-owned 0600, as a host file chowned wrongly would be)', () => {
    const r = runBuilder(
      vsphere(vsphereHome(`${bundleIp}:3000`), { copied: [{ ...vsphereJson(), uid: 0 }] }),
      'build-node-ova-vsphere-ubuntu-2004',
    );
    expect([r.code, r.stderr]).toEqual([2, `ERROR: ${H}/vsphere.json is not readable by uid 1000 (owner 0:0, mode 600)\n`]);
  });

  it('builder fails when vsphere.json has no cluster (this image-builder version ignores resource_pool)', () => {
    const r = runBuilder(
      vsphere(vsphereHome(`${bundleIp}:3000`), { copied: [vsphereJson({ cluster: '', resource_pool: '/dc0/host/c/Resources' })] }),
      'build-node-ova-vsphere-ubuntu-2004',
    );
    expect([r.code, r.stderr]).toEqual([
      2,
      "ERROR: vsphere-iso: 'host' or 'cluster' is required (vsphere.json cluster is empty or missing)\n",
    ]);
  });

  it('builder fails when its output folder is not writable by the user it runs as', () => {
    const r = runBuilder(
      vsphere(vsphereHome(`${bundleIp}:3000`), { args: ['--user', '4321:4321'], copied: [{ ...vsphereJson(), mode: 0o644 }] }),
      'build-node-ova-vsphere-ubuntu-2004',
    );
    expect([r.code, r.stderr]).toEqual([2, `ERROR: ${H}/output is not writable by uid 4321 (packer writes the OVA there)\n`]);
  });

  it('builder fails when the output folder does not exist (packer does not create it)', () => {
    const r = runBuilder({ ...vsphere(vsphereHome(`${bundleIp}:3000`)), files: [vsphereJson()] }, 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([2, `ERROR: ${H}/output does not exist (packer writes the OVA there)\n`]);
  });

  it('builder fails when tkg.json still has the <IP>:<PORT> placeholder', () => {
    const r = runBuilder(vsphere(vsphereHome('')), 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([
      2,
      `ERROR: ${H}/tkg.json still contains the placeholder <IP>:<PORT> (fill in the resource bundle address)\n`,
    ]);
  });

  it('builder fails when the resource bundle does not answer at the tkg.json address', () => {
    const r = runBuilder(vsphere(vsphereHome(`${bundleIp}:3999`)), 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([
      2,
      `ERROR: kubernetes_http_source http://${bundleIp}:3999/files/kubernetes does not answer from inside the container (is the resource bundle running and reachable?)\n`,
    ]);
  });

  it('builder fails when RHSM_PASS is missing for a rhel target', () => {
    const dir = vsphereHome(`${bundleIp}:3000`);
    writeFileSync(join(dir, 'rhel-8.4-x86_64-dvd.iso'), 'iso');
    const iso = ['-v', `${join(dir, 'rhel-8.4-x86_64-dvd.iso')}:/rhel-8.4-x86_64-dvd.iso:ro`];
    const r = runBuilder(vsphere(dir, { args: [...iso, '--env', 'RHSM_USER=rh-user'] }), 'build-node-ova-vsphere-rhel-8');
    expect([r.code, r.stderr]).toEqual([
      2,
      'ERROR: RHSM_PASS is not set in the container environment (build-node-ova-vsphere-rhel-8 needs RHSM_USER RHSM_PASS)\n',
    ]);
  });

  it('builder fails for another RHEL ISO without iso_url and iso_checksum (upstream pins rhel-8.4-x86_64-dvd.iso)', () => {
    const dir = vsphereHome(`${bundleIp}:3000`);
    writeFileSync(join(dir, 'rhel-8.8-x86_64-dvd.iso'), 'iso');
    const iso = [
      '-v',
      `${join(dir, 'rhel-8.8-x86_64-dvd.iso')}:/rhel-8.8-x86_64-dvd.iso:ro`,
      '--env',
      'RHSM_USER=u',
      '--env',
      'RHSM_PASS=p',
    ];
    const r = runBuilder(vsphere(dir, { args: iso }), 'build-node-ova-vsphere-rhel-8');
    expect([r.code, r.stderr]).toEqual([
      2,
      "ERROR: Build 'vsphere-iso' errored: ISO file:///rhel-8.4-x86_64-dvd.iso not found (is the ISO mounted there?)\n",
    ]);
    writeFileSync(
      join(dir, 'customizations.json'),
      JSON.stringify({ build_version: BUILD_VERSION, custom_role_names: ROLES, iso_url: 'file:///rhel-8.8-x86_64-dvd.iso' }),
    );
    const unchecked = runBuilder(vsphere(dir, { args: iso }), 'build-node-ova-vsphere-rhel-8');
    expect([unchecked.code, unchecked.stderr]).toEqual([
      2,
      'ERROR: iso_url is file:///rhel-8.8-x86_64-dvd.iso but iso_checksum is not set (the upstream checksum is for rhel-8.4-x86_64-dvd.iso)\n',
    ]);
  });

  it('builder fails like an ansible task when KILN_STANDIN_FAIL is set', () => {
    const r = runBuilder(
      vsphere(vsphereHome(`${bundleIp}:3000`), { env: ['--env', 'KILN_STANDIN_FAIL=disk full'] }),
      'build-node-ova-vsphere-ubuntu-2004',
    );
    expect([r.code, r.stderr]).toEqual([2, 'ERROR: ansible task failed: disk full\n']);
  });

  it('builder prints the failed task like Ansible when KILN_STANDIN_FAIL is set: its TASK header, then fatal: with the msg', () => {
    const r = runBuilder(
      vsphere(vsphereHome(`${bundleIp}:3000`), { env: ['--env', 'KILN_STANDIN_FAIL=disk "sda1" full'] }),
      'build-node-ova-vsphere-ubuntu-2004',
    );
    const lines = r.stdout.split('\n');
    const task = lines.indexOf('    vsphere-iso: TASK [tkg : Install containerd v1.6.18+vmware.1] ***');
    expect(lines.slice(task + 1, task + 2)).toEqual([
      '    vsphere-iso: fatal: [default]: FAILED! => {"changed": false, "msg": "disk \\"sda1\\" full"}',
    ]);
  });

  it("builder ends an Ansible failure with the PLAY RECAP and packer's error block", () => {
    const r = runBuilder(
      vsphere(vsphereHome(`${bundleIp}:3000`), { env: ['--env', 'KILN_STANDIN_FAIL=disk full'] }),
      'build-node-ova-vsphere-ubuntu-2004',
    );
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => /failed=1|^(-->|Build ')/.test(l))).toEqual([
      '    vsphere-iso: default                    : ok=12   changed=8    unreachable=0    failed=1    skipped=3    rescued=0    ignored=0',
      "Build 'vsphere-iso' errored after 1 second: Error executing Ansible: Non-zero exit status: exit status 2",
      '--> vsphere-iso: Error executing Ansible: Non-zero exit status: exit status 2',
    ]);
  });

  it('builder fails goss when KILN_STANDIN_FAIL_GOSS names packages: a JSON report with a failed Package check each', () => {
    const r = runBuilder(
      vsphere(vsphereHome(`${bundleIp}:3000`), { env: ['--env', 'KILN_STANDIN_FAIL_GOSS=aide auditd'] }),
      'build-node-ova-vsphere-ubuntu-2004',
    );
    expect([r.code, r.stderr]).toEqual([2, "ERROR: Build 'vsphere-iso' errored: goss validate failed\n"]);
    // Read the way Kiln reads a real goss failure (image-builder's `goss validate -f json -o pretty`).
    const summary = summarizeBuildFailure(r.stdout.split('\n'), { logPath: 'build.log' });
    expect([summary.phase, summary.gossFailures, summary.gossCounts, summary.packerError]).toEqual([
      'running goss',
      ['aide', 'auditd'].map((p) => ({
        check: `Package: ${p}: installed`,
        detail: 'Expected\n    <bool>: false\nto equal\n    <bool>: true',
      })),
      { count: 3, failed: 2, skipped: 0 },
      'goss validate failed',
    ]);
  });

  it('builder fails when custom_role_names does not list the kiln-package-list role', () => {
    const dir = vsphereHome(`${bundleIp}:3000`);
    writeFileSync(join(dir, 'customizations.json'), JSON.stringify({ build_version: BUILD_VERSION }));
    const r = runBuilder(vsphere(dir), 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([
      2,
      `ERROR: custom_role_names must list ${ROLE} last (Kiln's kiln-package-list role writes the package list for sbom.cdx.json), got "${H}/tkg"\n`,
    ]);
  });

  it('builder fails when custom_role_names lists the kiln-package-list role before another role', () => {
    const dir = vsphereHome(`${bundleIp}:3000`);
    writeFileSync(
      join(dir, 'customizations.json'),
      JSON.stringify({ build_version: BUILD_VERSION, custom_role_names: `${ROLE} ${H}/tkg` }),
    );
    const r = runBuilder(vsphere(dir), 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([
      2,
      `ERROR: custom_role_names must list ${ROLE} last (Kiln's kiln-package-list role writes the package list for sbom.cdx.json), got "${ROLE} ${H}/tkg"\n`,
    ]);
  });

  it('builder fails when custom_role_names lists the role but it is not mounted', () => {
    const invocation = vsphere(vsphereHome(`${bundleIp}:3000`));
    const args = invocation.args.filter((a, i) => a !== ROLE_MOUNT[1] && invocation.args[i + 1] !== ROLE_MOUNT[1]);
    const r = runBuilder({ ...invocation, args }, 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([
      2,
      `ERROR: custom_role_names in customizations.json names ${ROLE}, which is not a directory in the container\n`,
    ]);
  });

  it('builder fails when the role folder has no tasks/main.yml (an empty folder, as docker makes for a missing -v host path)', () => {
    const empty = tempDir();
    chmodSync(empty, 0o755);
    const invocation = vsphere(vsphereHome(`${bundleIp}:3000`));
    const r = runBuilder(
      { ...invocation, args: invocation.args.map((a) => (a === ROLE_MOUNT[1] ? `${empty}:${ROLE}:ro` : a)) },
      'build-node-ova-vsphere-ubuntu-2004',
    );
    expect([r.code, r.stderr]).toEqual([
      2,
      `ERROR: the role '${ROLE}' was not found: it must be a folder uid 1000 can read, with tasks/main.yml (was the host path of its -v mount missing?)\n`,
    ]);
  });

  it('builder fails when the role folder is not readable by its user', () => {
    const role = join(tempDir(), 'kiln-package-list');
    cpSync(join(REPO_ROOT, PACKAGE_LIST_ROLE_DIR), role, { recursive: true });
    chmodSync(role, 0o700);
    const invocation = vsphere(vsphereHome(`${bundleIp}:3000`));
    const r = runBuilder(
      { ...invocation, args: invocation.args.map((a) => (a === ROLE_MOUNT[1] ? `${role}:${ROLE}:ro` : a)) },
      'build-node-ova-vsphere-ubuntu-2004',
    );
    expect([r.code, r.stderr]).toEqual([
      2,
      `ERROR: the role '${ROLE}' was not found: it must be a folder uid 1000 can read, with tasks/main.yml (was the host path of its -v mount missing?)\n`,
    ]);
  });

  it('builder writes the package list where ansible_user_vars sets kiln_package_list_dest (extra vars win over the role default)', () => {
    const dir = vsphereHome(`${bundleIp}:3000`);
    const vars = {
      build_version: BUILD_VERSION,
      custom_role_names: ROLES,
      ansible_user_vars: `install_fips=no kiln_package_list_dest=${H}/output/sbom/list.tsv`,
    };
    writeFileSync(join(dir, 'customizations.json'), JSON.stringify(vars));
    const r = runBuilder(vsphere(dir), 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, existsSync(join(r.output, 'sbom', 'list.tsv')), existsSync(join(r.output, 'packages.tsv'))]).toEqual([0, true, false]);
  });

  it('builder writes rpm rows (name, epoch:version-release, arch) with extra_rpms for Amazon Linux 2, under os-id amzn', () => {
    const r = runBuilder(awsInvocation(), 'build-ami-amazon-2');
    const text = readFileSync(join(r.output, 'packages.tsv'), 'utf8');
    const list = parsePackageList(text);
    expect([r.code, text.split('\n')[0], list.packages.map((p) => p.name)]).toEqual([
      0,
      '# kiln-package-list v1 format=rpm os-id=amzn os-version-id=2',
      ['bash', 'glibc', 'openssh-server', 'shadow-utils', 'sysstat', 'systemd', 'tzdata'],
    ]);
    expect(text).toContain('shadow-utils\t2:4.6-17.amzn2\tx86_64\n');
  });

  it('builder fails on a leftover build VM of the same name, and replaces it with PACKER_FLAGS=-force', () => {
    const dir = vsphereHome(`${bundleIp}:3000`);
    const json = vsphereJson();
    const folder = (JSON.parse(json.content!) as { folder: string }).folder;
    expect(runBuilder(vsphere(dir, { copied: [json] }), 'build-node-ova-vsphere-ubuntu-2004').code).toBe(0);
    const again = runBuilder(vsphere(dir, { copied: [json] }), 'build-node-ova-vsphere-ubuntu-2004');
    expect([again.code, again.stderr]).toEqual([
      2,
      `ERROR: Build 'vsphere-iso' errored: error creating vm: the virtual machine ${folder}/${BUILD_VERSION} already exists (a leftover build VM; packer -force replaces it)\n`,
    ]);
    const forced = runBuilder(
      vsphere(dir, { copied: [json], env: ['--env', 'PACKER_FLAGS=-force'] }),
      'build-node-ova-vsphere-ubuntu-2004',
    );
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`==> vsphere-iso: the VM ${folder}/${BUILD_VERSION} already exists, destroying it (-force)`);
  });

  describe('a correct vSphere invocation', describeVsphereSuccess);

  it('builder writes a packer manifest with deterministic AMI ids for an AWS build', () => {
    const r = runBuilder(awsInvocation(), 'build-ami-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const amiName = 'capa-ami-ubuntu-2004-v1.26.5+vmware.2';
    const manifest = JSON.parse(readFileSync(join(r.output, 'manifest.json'), 'utf8'));
    expect([manifest.builds[0].artifact_id, manifest.builds[0].builder_type, manifest.builds[0].name, manifest.last_run_uuid]).toEqual([
      `us-east-1:${standinAmiId(amiName, 'us-east-1')},us-west-2:${standinAmiId(amiName, 'us-west-2')}`,
      'amazon-ebs',
      'ubuntu-2004',
      manifest.builds[0].packer_run_uuid,
    ]);
  });

  describe('Azure, like init-sig.sh and packer', () => {
    const AZURE_ENV = [
      '--env',
      'AZURE_CLIENT_ID=client',
      '--env',
      'AZURE_CLIENT_SECRET=secret',
      '--env',
      'AZURE_SUBSCRIPTION_ID=sub-1234',
      '--env',
      'AZURE_TENANT_ID=tenant',
    ];

    function azure(sig: Record<string, string>, extra: string[] = []): Invocation {
      const dir = tempDir();
      writeFileSync(join(dir, 'tkg.json'), readFileSync(join(bundleDir, 'tkg.json'), 'utf8').replaceAll('<IP>:<PORT>', `${bundleIp}:3000`));
      writeFileSync(join(dir, 'azure-sig.json'), JSON.stringify(sig));
      const mounts = ['tkg.json', 'azure-sig.json'].flatMap((f) => ['-v', `${join(dir, f)}:${H}/${f}:ro`]);
      const goss = [
        '-v',
        `${join(bundleDir, 'tkg')}:${H}/tkg:ro`,
        ...ROLE_MOUNT,
        '-v',
        `${join(bundleDir, 'goss', 'azure-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml')}:${H}/goss/goss.yaml:ro`,
      ];
      return { args: [...mounts, ...goss, '--env', 'PACKER_VAR_FILES=tkg.json azure-sig.json', ...AZURE_ENV, ...extra] };
    }
    const SIG = {
      custom_role_names: ROLES,
      image_name: 'capi-ubuntu-2004',
      resource_group_name: 'rg-images',
      shared_image_gallery_name: 'kiln_gallery',
      subscription_id: 'sub-1234',
    };

    it('writes the package list into an output folder it creates (nothing is copied into an Azure build)', () => {
      const r = runBuilder(azure(SIG), 'build-azure-sig-ubuntu-2004');
      expect([r.code, readFileSync(join(r.output, 'packages.tsv'), 'utf8').split('\n')[0]]).toEqual([
        0,
        '# kiln-package-list v1 format=dpkg os-id=ubuntu os-version-id=20.04',
      ]);
    });

    it('logs in into its own config folder and prints the Shared Image Gallery version id', () => {
      const r = runBuilder(azure(SIG), 'build-azure-sig-ubuntu-2004');
      const line = r.stdout.split('\n').find((l) => l.startsWith('ManagedImageSharedImageGalleryId: '));
      expect([r.code, r.stderr, line]).toEqual([
        0,
        '',
        `ManagedImageSharedImageGalleryId: /subscriptions/sub-1234/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/kiln_gallery/images/capi-ubuntu-2004/versions/${standinAzureVersion('capi-ubuntu-2004')}`,
      ]);
    });

    it('fails when the Azure config folder cannot be written (a read-only ~/.azure mount)', () => {
      const ro = tempDir();
      const r = runBuilder(azure(SIG, ['-v', `${ro}:${H}/.azure:ro`]), 'build-azure-sig-ubuntu-2004');
      expect([r.code, r.stderr]).toEqual([
        2,
        `ERROR: az login: cannot write the Azure CLI config folder ${H}/.azure as uid 1000 (every later az call of init-sig.sh fails)\n`,
      ]);
    });

    it('fails when image_name names a definition init-sig.sh did not create', () => {
      const r = runBuilder(azure({ ...SIG, image_name: 'kiln-ubuntu-2004-azure' }), 'build-azure-sig-ubuntu-2004');
      expect([r.code, r.stderr]).toEqual([
        2,
        "ERROR: Build 'azure-arm' errored: the Shared Gallery Image 'kiln-ubuntu-2004-azure' to which to publish does not exist (init-sig.sh created capi-ubuntu-2004)\n",
      ]);
    });

    it('fails when subscription_id is not AZURE_SUBSCRIPTION_ID', () => {
      const r = runBuilder(azure({ ...SIG, subscription_id: 'sub-9999' }), 'build-azure-sig-ubuntu-2004');
      expect([r.code, r.stderr]).toEqual([
        2,
        'ERROR: subscription_id sub-9999 is not AZURE_SUBSCRIPTION_ID sub-1234 (init-sig.sh prepared the gallery in the other one)\n',
      ]);
    });
  });
});

/** A correct, hand-written vSphere invocation and what it leaves behind. */
function describeVsphereSuccess(): void {
  let dir = '';
  let result: BuilderResult;
  const out = () => join(result.output, BUILD_VERSION);

  beforeAll(() => {
    dir = vsphereHome(`${bundleIp}:3000`);
    result = runBuilder(vsphere(dir), 'build-node-ova-vsphere-ubuntu-2004');
  });

  it('builder succeeds for a correct vSphere invocation and prints packer-like progress', () => {
    const progress = result.stdout.split('\n').filter((l) => l.startsWith('==> '));
    expect([result.code, result.stderr, progress]).toEqual([
      0,
      '',
      [
        `==> vsphere-iso: Creating build VM for ${BUILD_VERSION}...`,
        '==> vsphere-iso: Connecting to vCenter vc.example.test as builder@vsphere.local',
        '==> vsphere-iso: Waiting for SSH to become available...',
        '==> vsphere-iso: Connected to SSH!',
        '==> vsphere-iso: Provisioning with Ansible...',
        '==> vsphere-iso: Running goss tests...',
        '==> vsphere-iso: Exporting OVA...',
        '==> Builds finished. The artifacts of successful builds are:',
      ],
    ]);
  });

  it('builder echoes the vSphere password like packer does (for redaction tests)', () => {
    expect(result.stdout.split('\n')).toContain(`DEBUG: vsphere password: ${VSPHERE_PASSWORD}`);
  });

  it('builder writes an OVA whose .ovf carries the VERSION from metadata.json', () => {
    const ova = join(out(), `${BUILD_VERSION}.ova`);
    const listing = spawnSync('tar', ['-tf', ova], { encoding: 'utf8' }).stdout;
    const ovf = spawnSync('tar', ['-xOf', ova, `${BUILD_VERSION}.ovf`], { encoding: 'utf8' }).stdout;
    expect([listing, ovf.split('\n').filter((l) => l.includes('<Property '))]).toEqual([
      `${BUILD_VERSION}.ovf\n${BUILD_VERSION}.mf\n${BUILD_VERSION}-disk-0.vmdk\n`,
      [`      <Property ovf:key="VERSION" ovf:type="string" ovf:userConfigurable="false" ovf:value="${VERSION}"/>`],
    ]);
  });

  it("builder writes the package list to the role's default kiln_package_list_dest: dpkg rows for Ubuntu, with extra_debs", () => {
    const text = readFileSync(join(result.output, 'packages.tsv'), 'utf8');
    const list = parsePackageList(text);
    expect([text.split('\n')[0], list.os]).toEqual([
      '# kiln-package-list v1 format=dpkg os-id=ubuntu os-version-id=20.04',
      { id: 'ubuntu', versionId: '20.04' },
    ]);
    expect(list.packages.map((p) => p.name)).toEqual(
      expect.arrayContaining(['nfs-common', 'unzip', 'apparmor', 'apparmor-utils', 'sysstat', 'openssh-server']),
    );
  });

  it('builder leaves the package list owned by its user (uid 1000), as the fetch task does', () => {
    expect(ownerInContainer(result.name, `${H}/output/packages.tsv`)).toBe('1000:1000');
  });

  it('builder writes the .ova.sha256 of the OVA next to it', () => {
    const ova = readFileSync(join(out(), `${BUILD_VERSION}.ova`));
    expect(readFileSync(join(out(), `${BUILD_VERSION}.ova.sha256`), 'utf8')).toBe(
      `${createHash('sha256').update(ova).digest('hex')}  ${BUILD_VERSION}.ova\n`,
    );
  });
}
