// Proves the busybox stand-ins for linux-resource-bundle and image-builder behave as the tests built on them assume.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '@kiln/catalog';
import { dockerEnv, requireDockerOrSkip } from './support/docker-engine';
import { buildStandinImages, catalogImageNames, standinAmiId, standinAzureVersion, standinDigest, STANDINS_DIR } from './support/standin-images';
import { REPO_ROOT } from './support/temp-workspace';

const H = '/home/imagebuilder';
const release = loadCatalog().releases['v2.3.0'];
const bundleDir = join(REPO_ROOT, 'images', '_bundles', release.configBundle);
const gossSpec = join(bundleDir, 'goss', 'vsphere-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml');
const VERSION = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const VSPHERE_PASSWORD = 'S3cret-vsphere-pw';
const BUILD_VERSION = 'ubuntu-2004-kube-v1.26.5_vmware.2';

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

/** A host folder with everything a correct vSphere build mounts; `tkgUrlHost` replaces <IP>:<PORT>. */
function vsphereHome(tkgUrlHost: string): string {
  const dir = tempDir();
  const tkg = readFileSync(join(bundleDir, 'tkg.json'), 'utf8');
  writeFileSync(join(dir, 'tkg.json'), tkgUrlHost ? tkg.replaceAll('<IP>:<PORT>', tkgUrlHost) : tkg);
  writeFileSync(
    join(dir, 'vsphere.json'),
    JSON.stringify({ vcenter_server: 'vc.example.test', username: 'builder@vsphere.local', password: VSPHERE_PASSWORD, datacenter: '/dc0' }, null, 2),
  );
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify({ VERSION }));
  writeFileSync(join(dir, 'customizations.json'), JSON.stringify({ vmx_version: '17' }));
  mkdirSync(join(dir, 'output'));
  return dir;
}

const VSPHERE_FILES = ['vsphere.json', 'tkg.json', 'metadata.json', 'customizations.json', 'output'];

function vsphereMounts(dir: string, files = VSPHERE_FILES): string[] {
  return [
    files.flatMap((f) => ['-v', `${join(dir, f)}:${H}/${f}`]),
    ['-v', `${join(bundleDir, 'tkg')}:${H}/tkg:ro`, '-v', `${gossSpec}:${H}/goss/goss.yaml:ro`],
  ].flat();
}

const VSPHERE_ENV = ['--env', 'PACKER_VAR_FILES=tkg.json vsphere.json customizations.json', '--env', `OVF_CUSTOM_PROPERTIES=${H}/metadata.json`, '--env', 'IB_OVFTOOL=1'];

function runBuilder(args: string[], target: string): Result {
  return docker(['run', '--rm', '--name', containerName(), ...args, release.images.builder, target]);
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
      builderImages: ['projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2', 'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.3'],
    });
  });

  it('labels every stand-in image with the digest of the current stand-in sources', () => {
    const { bundleImages, builderImages } = catalogImageNames();
    const labels = [...bundleImages, ...builderImages].map((image) => docker(['image', 'inspect', '--format', '{{ index .Config.Labels "kiln.standin" }}', image]).stdout.trim());
    expect(labels).toEqual([standinDigest(), standinDigest(), standinDigest(), standinDigest()]);
  });

  it('builds nothing again while the images carry the current digest', async () => {
    expect(await buildStandinImages(catalogImageNames())).toEqual([]);
  });

  it('bundle serves /files/kubernetes on a published port', async () => {
    let response: Response | undefined;
    for (let i = 0; i < 50 && !response; i++) {
      response = await fetch(`http://127.0.0.1:${bundlePort}/files/kubernetes/`).catch(() => undefined);
      if (!response) await new Promise((r) => setTimeout(r, 100));
    }
    expect(response?.status).toBe(200);
    expect(await response!.text()).toBe(readFileSync(join(STANDINS_DIR, 'resource-bundle', 'files', 'kubernetes', 'index.html'), 'utf8'));
  });

  it('bundle serves the containerd archive that tkg.json names', async () => {
    const response = await fetch(`http://127.0.0.1:${bundlePort}/files/containerd/cri-containerd-v1.6.18+vmware.1.linux-amd64.tar`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).subarray(257, 262).toString()).toBe('ustar');
  });

  it('builder fails on an unknown make target', () => {
    const r = runBuilder([], 'build-node-ova-vsphere-windows');
    expect([r.code, r.stderr]).toEqual([2, "ERROR: make: *** No rule to make target 'build-node-ova-vsphere-windows'.  Stop.\n"]);
  });

  it('builder fails when PACKER_VAR_FILES lists a file that is not mounted', () => {
    const dir = vsphereHome(`${bundleIp}:3000`);
    const mounts = vsphereMounts(dir, VSPHERE_FILES.filter((f) => f !== 'customizations.json'));
    const r = runBuilder([...mounts, ...VSPHERE_ENV], 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([2, `ERROR: PACKER_VAR_FILES lists customizations.json but ${H}/customizations.json does not exist\n`]);
  });

  it('builder fails when a listed var file is a directory (a -v mount whose host path was missing)', () => {
    const dir = vsphereHome(`${bundleIp}:3000`);
    mkdirSync(join(dir, 'missing-customizations'));
    const mounts = [...vsphereMounts(dir, VSPHERE_FILES.filter((f) => f !== 'customizations.json')), '-v', `${join(dir, 'missing-customizations')}:${H}/customizations.json`];
    const r = runBuilder([...mounts, ...VSPHERE_ENV], 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([2, `ERROR: ${H}/customizations.json is a directory, not a file (was the host path of its -v mount missing?)\n`]);
  });

  it('builder fails when tkg.json still has the <IP>:<PORT> placeholder', () => {
    const r = runBuilder([...vsphereMounts(vsphereHome('')), ...VSPHERE_ENV], 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([2, `ERROR: ${H}/tkg.json still contains the placeholder <IP>:<PORT> (fill in the resource bundle address)\n`]);
  });

  it('builder fails when the resource bundle does not answer at the tkg.json address', () => {
    const r = runBuilder([...vsphereMounts(vsphereHome(`${bundleIp}:3999`)), ...VSPHERE_ENV], 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([
      2,
      `ERROR: kubernetes_http_source http://${bundleIp}:3999/files/kubernetes does not answer from inside the container (is the resource bundle running and reachable?)\n`,
    ]);
  });

  it('builder fails when RHSM_PASS is missing for a rhel target', () => {
    const dir = vsphereHome(`${bundleIp}:3000`);
    writeFileSync(join(dir, 'rhel-8.4-x86_64-dvd.iso'), 'iso');
    const iso = ['-v', `${join(dir, 'rhel-8.4-x86_64-dvd.iso')}:/rhel-8.4-x86_64-dvd.iso:ro`];
    const r = runBuilder([...vsphereMounts(dir), ...iso, ...VSPHERE_ENV, '--env', 'RHSM_USER=rh-user'], 'build-node-ova-vsphere-rhel-8');
    expect([r.code, r.stderr]).toEqual([2, 'ERROR: RHSM_PASS is not set in the container environment (build-node-ova-vsphere-rhel-8 needs RHSM_USER RHSM_PASS)\n']);
  });

  it('builder fails like an ansible task when KILN_STANDIN_FAIL is set', () => {
    const r = runBuilder([...vsphereMounts(vsphereHome(`${bundleIp}:3000`)), ...VSPHERE_ENV, '--env', 'KILN_STANDIN_FAIL=disk full'], 'build-node-ova-vsphere-ubuntu-2004');
    expect([r.code, r.stderr]).toEqual([2, 'ERROR: ansible task failed: disk full\n']);
  });

  describe('a correct vSphere invocation', describeVsphereSuccess);

  it('builder writes a packer manifest with deterministic AMI ids for an AWS build', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tkg.json'), readFileSync(join(bundleDir, 'tkg.json'), 'utf8').replaceAll('<IP>:<PORT>', `${bundleIp}:3000`));
    writeFileSync(join(dir, 'aws.json'), JSON.stringify({ aws_region: 'us-east-1', ami_regions: 'us-west-2,us-east-1', manifest_output: `${H}/output/manifest.json` }));
    for (const d of ['.aws', 'output']) mkdirSync(join(dir, d));
    const mounts = ['tkg.json', 'aws.json', '.aws', 'output'].flatMap((f) => ['-v', `${join(dir, f)}:${H}/${f}`]);
    const goss = ['-v', `${join(bundleDir, 'tkg')}:${H}/tkg:ro`, '-v', `${join(bundleDir, 'goss', 'amazon-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml')}:${H}/goss/goss.yaml:ro`];
    const r = runBuilder([...mounts, ...goss, '--env', 'PACKER_VAR_FILES=tkg.json aws.json', '--env', 'IB_OVFTOOL=1'], 'build-ami-ubuntu-2004');
    const amiName = 'capa-ami-ubuntu-2004-v1.26.5+vmware.2';
    const manifest = JSON.parse(readFileSync(join(dir, 'output', 'manifest.json'), 'utf8'));
    expect([r.code, manifest.builds[0].artifact_id, manifest.builds[0].builder_type, manifest.builds[0].name, manifest.last_run_uuid]).toEqual([
      0,
      `us-east-1:${standinAmiId(amiName, 'us-east-1')},us-west-2:${standinAmiId(amiName, 'us-west-2')}`,
      'amazon-ebs',
      'ubuntu-2004',
      manifest.builds[0].packer_run_uuid,
    ]);
  });

  it('builder prints the Shared Image Gallery version id for an Azure build', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tkg.json'), readFileSync(join(bundleDir, 'tkg.json'), 'utf8').replaceAll('<IP>:<PORT>', `${bundleIp}:3000`));
    const sig = { image_name: 'kiln-ubuntu-2004-azure', resource_group_name: 'rg-images', shared_image_gallery_name: 'kiln_gallery', subscription_id: 'sub-1234' };
    writeFileSync(join(dir, 'azure-sig.json'), JSON.stringify(sig));
    writeFileSync(join(dir, 'azure.env'), 'AZURE_CLIENT_ID=client\nAZURE_CLIENT_SECRET=secret\nAZURE_SUBSCRIPTION_ID=sub-1234\nAZURE_TENANT_ID=tenant\n');
    mkdirSync(join(dir, '.azure'));
    const mounts = ['tkg.json', 'azure-sig.json', '.azure'].flatMap((f) => ['-v', `${join(dir, f)}:${H}/${f}`]);
    const goss = ['-v', `${join(bundleDir, 'tkg')}:${H}/tkg:ro`, '-v', `${join(bundleDir, 'goss', 'azure-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml')}:${H}/goss/goss.yaml:ro`];
    const r = runBuilder([...mounts, ...goss, '--env', 'PACKER_VAR_FILES=tkg.json azure-sig.json', '--env-file', join(dir, 'azure.env')], 'build-azure-sig-ubuntu-2004');
    const line = r.stdout.split('\n').find((l) => l.startsWith('ManagedImageSharedImageGalleryId: '));
    expect([r.code, line]).toEqual([
      0,
      `ManagedImageSharedImageGalleryId: /subscriptions/sub-1234/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/kiln_gallery/images/kiln-ubuntu-2004-azure/versions/${standinAzureVersion('kiln-ubuntu-2004-azure')}`,
    ]);
  });
});

/** A correct, hand-written vSphere invocation and what it leaves behind. */
function describeVsphereSuccess(): void {
  let dir = '';
  let result: Result;
  const out = () => join(dir, 'output', BUILD_VERSION);

  beforeAll(() => {
    dir = vsphereHome(`${bundleIp}:3000`);
    result = runBuilder([...vsphereMounts(dir), ...VSPHERE_ENV], 'build-node-ova-vsphere-ubuntu-2004');
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

  it('builder writes the .ova.sha256 of the OVA next to it', () => {
    const ova = readFileSync(join(out(), `${BUILD_VERSION}.ova`));
    expect(readFileSync(join(out(), `${BUILD_VERSION}.ova.sha256`), 'utf8')).toBe(`${createHash('sha256').update(ova).digest('hex')}  ${BUILD_VERSION}.ova\n`);
  });
}
