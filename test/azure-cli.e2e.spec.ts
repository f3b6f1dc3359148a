// The Azure upload with the REAL az (Debian azure-cli 2.45, installed by .ci/install-vsphere-azure-tools):
// 1. every az command line Kiln can produce, with an empty AZURE_CONFIG_DIR: az parses and validates the arguments,
//    then stops at "Please run 'az login'" (nothing reaches Azure);
// 2. the upload flow with az pointed at a local ARM test server (az cloud register with loopback endpoints,
//    az login --identity against the server's managed identity endpoint), as the AWS tests point the real aws CLI
//    at the EC2 test server. The az fake (upload.e2e.spec.ts) stays for the same flows with recorded output.
// Under CI=true a missing az (or openssl, for the test server's certificate) fails here.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatError } from '@kiln/errors';
import { azArgs, keepRegion, kilnTags, uploadStep, type SigVersionRef, type TargetRegion } from '@kiln/steps';
import { ArmTestServer } from './support/arm-test-server';
import {
  Capture,
  commitOf,
  copySampleImage,
  createUploadWorkspace,
  key,
  revokeImage,
  writeArtifact,
  writeProvenance,
  type UploadWorkspace,
} from './support/upload-fixtures';
import { requireTools, toolsOrSkip } from './support/vcsim';

const tools = toolsOrSkip(['az', 'openssl']);
const execFileAsync = promisify(execFile);

describe.skipIf(tools.skip)('the real az accepts every az command line Kiln produces', () => {
  let config = '';
  const ref: SigVersionRef = {
    subscriptionId: '00000000-0000-4000-8000-000000000001',
    resourceGroup: 'tkg-images',
    gallery: 'tkg_gallery',
    imageName: 'capi-ubuntu-2004',
    version: '0.1.123456',
  };
  /** Target regions as `az sig image-version show` answers them (display names, canonical storage casing). */
  const existing: TargetRegion[] = [
    { name: 'West Europe', regionalReplicaCount: 1, storageAccountType: 'Standard_LRS' },
    { name: 'North Europe', regionalReplicaCount: 2, storageAccountType: 'Premium_LRS' },
    { name: 'East US', regionalReplicaCount: 1, storageAccountType: 'Standard_ZRS' },
    { name: 'UK South', regionalReplicaCount: 3, storageAccountType: null },
  ];
  const tags = kilnTags('ubuntu-2004-azure-fips', 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e', 'v1.26.5+vmware.2', key('az'));

  /** Runs the real az without a login; returns its stderr. */
  function az(args: string[]): { code: number | null; stderr: string } {
    const r = spawnSync('az', args, {
      encoding: 'utf8',
      env: { ...process.env, AZURE_CONFIG_DIR: config, AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_ONLY_SHOW_ERRORS: 'true' },
      timeout: 120_000,
    });
    return { code: r.status, stderr: r.stderr };
  }

  beforeAll(() => {
    requireTools(tools.missing);
    config = mkdtempSync(join(tmpdir(), 'kiln-az-config-'));
  });

  afterAll(() => rmSync(config, { recursive: true, force: true }));

  it('keeps existing regions in a form az 2.45 accepts: storage types lower-cased (it compares the third part case-sensitively)', () => {
    expect(existing.map(keepRegion)).toEqual([
      'westeurope=1=standard_lrs',
      'northeurope=2=premium_lrs',
      'eastus=1=standard_zrs',
      'uksouth=3',
    ]);
  });

  it.each([
    ['show', azArgs.show(ref)],
    ['update: existing regions kept, a new one added, tags', azArgs.update(ref, [...existing.map(keepRegion), 'westus2'], tags)],
    ['update: tags only', azArgs.update(ref, undefined, tags)],
    ['update: regions only', azArgs.update(ref, [...existing.map(keepRegion), 'westus2'], undefined)],
    ['update: exclude from latest (a revocation)', azArgs.exclude(ref, '2026-02-20')],
    ['update: back in latest (a restore)', azArgs.restore(ref)],
  ])('%s: az validates the arguments and stops only for the missing login', (_name, args) => {
    const r = az(args);
    expect(r.stderr).toContain("Please run 'az login' to setup account.");
    expect(r.stderr).not.toMatch(/usage error|unrecognized arguments|invalid/i);
    expect(r.code).toBe(1);
  });
});

describe.skipIf(tools.skip)('Azure upload through the real az against a local ARM test server', () => {
  const IMAGE = 'ubuntu-2004-azure-fips';
  const KEY = key('azure arm build 1');
  const REF = { resourceGroup: 'tkg-images', gallery: 'tkg_gallery', imageName: 'capi-ubuntu-2004', version: '0.1.123456' };
  const server = new ArmTestServer();
  const PATH_ = `/subscriptions/${server.subscriptionId}/resourceGroups/tkg-images/providers/Microsoft.Compute/galleries/tkg_gallery/images/capi-ubuntu-2004/versions/0.1.123456`;
  const TAGS = { 'kiln:image': IMAGE, 'kiln:version': '-', 'kiln:kubernetes': 'v1.26.5+vmware.2', 'kiln:content-key': KEY };
  let config = '';
  let ws: UploadWorkspace;

  const env = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: ws.root, ...server.azEnv(config) });
  const calls = () => server.calls.map((c) => `${c.method} ${c.path}`);
  const stored = () => server.versions.get(PATH_.toLowerCase())!;

  async function uploadError(): Promise<string> {
    try {
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
    } catch (e) {
      return formatError(e);
    }
    throw new Error('upload succeeded but was expected to fail');
  }

  beforeAll(async () => {
    requireTools(tools.missing);
    await server.start();
    config = mkdtempSync(join(tmpdir(), 'kiln-az-arm-'));
    await server.azLogin(config);
  });

  afterAll(async () => {
    await server.stop();
    if (config) rmSync(config, { recursive: true, force: true });
  });

  beforeEach(() => {
    ws = createUploadWorkspace();
    copySampleImage(ws, IMAGE);
    writeArtifact(ws, { image: IMAGE, infra: 'azure', contentKey: KEY, sigImageVersionId: PATH_ });
    server.versions.clear();
    server.clearCalls();
  });

  afterEach(() => ws.dispose());

  it('replicates the version to the declared regions, keeping the replicated one, and tags it: az sends exactly this PUT', async () => {
    server.addVersion(REF, 'westeurope');
    const echo = new Capture();
    await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo, env: env() });
    // az's generic update reads the version again before its PUT.
    expect(calls()).toEqual([`GET ${PATH_}`, `GET ${PATH_}`, `PUT ${PATH_}`]);
    const put = server.calls[2]!.body as { tags: Record<string, string>; properties: { publishingProfile: { targetRegions: unknown[] } } };
    expect(put.properties.publishingProfile.targetRegions).toEqual([
      { name: 'westeurope', regionalReplicaCount: 1, storageAccountType: 'standard_lrs' },
      { name: 'northeurope' },
    ]);
    expect(put.tags).toMatchObject(TAGS);
    expect(stored().properties.publishingProfile.targetRegions).toEqual([
      { name: 'West Europe', regionalReplicaCount: 1, storageAccountType: 'Standard_LRS' },
      { name: 'North Europe', regionalReplicaCount: 1, storageAccountType: 'Standard_LRS' },
    ]);
    expect(JSON.parse(ws.read(`dist/images/${IMAGE}/upload/published.json`))).toEqual({
      azure: {
        gallery: 'tkg_gallery',
        imageName: 'capi-ubuntu-2004',
        resourceGroup: 'tkg-images',
        sigImageVersionId: PATH_,
        subscriptionId: server.subscriptionId,
        version: '0.1.123456',
      },
      contentKey: KEY,
      image: IMAGE,
      infra: 'azure',
      os: 'ubuntu-2004',
    });
    expect(echo.text).toContain(`image version ${PATH_} replicated to northeurope, tagged`);
  });

  it('re-running after a complete upload only reads the version', async () => {
    server.addVersion(REF, 'westeurope');
    await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
    server.clearCalls();
    const echo = new Capture();
    await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo, env: env() });
    expect(calls()).toEqual([`GET ${PATH_}`]);
    expect(echo.text).toContain('already holds this build in westeurope, northeurope: nothing to do');
  });

  it('a version that does not exist (ARM 404 ResourceNotFound, as az prints it) is named, with the rebuild hint', async () => {
    expect(await uploadError()).toBe(
      `Shared Image Gallery image version tkg_gallery/capi-ubuntu-2004/0.1.123456 (from artifact.json) does not exist\n  hint: rebuild: nx run ${IMAGE}:build --skip-nx-cache`,
    );
    expect(calls()).toEqual([`GET ${PATH_}`]);
  });

  it('a version tagged with another build stops before any change', async () => {
    server.addVersion(REF, 'westeurope', { 'kiln:content-key': key('azure arm build 0') });
    expect((await uploadError()).split('\n')[0]).toBe(
      `Shared Image Gallery image version ${PATH_} already carries other content (content key ${key('azure arm build 0').slice(0, 12)}, this build ${KEY.slice(0, 12)})`,
    );
    expect(calls()).toEqual([`GET ${PATH_}`]);
  });

  it('with --replace overwrites the Kiln tags of a version that holds another build', async () => {
    server.addVersion(REF, 'westeurope', { 'kiln:content-key': key('azure arm build 0') });
    await uploadStep({ workspaceRoot: ws.root, project: IMAGE, replace: true, echo: new Capture(), env: env() });
    expect(calls()).toEqual([`GET ${PATH_}`, `GET ${PATH_}`, `PUT ${PATH_}`]);
    expect(stored().tags).toMatchObject(TAGS);
  });

  it("a failed replication (the PUT's long-running operation fails) fails the upload and writes no published.json", async () => {
    server.addVersion(REF, 'westeurope');
    server.failNextPut = true;
    const message = await uploadError();
    expect(message.split('\n')[0]).toBe('az exited with code 1');
    expect(message).toContain('GalleryImageVersionReplicationFailed');
    expect(ws.exists(`dist/images/${IMAGE}/upload/published.json`)).toBe(false);
  });
  it('tags the version with kiln:commit when the build recorded a commit', async () => {
    server.addVersion(REF, 'westeurope');
    writeProvenance(ws, IMAGE, commitOf('azure'));
    await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
    expect(stored().tags['kiln:commit']).toBe(commitOf('azure'));
  });

  describe('a revoked image: the version published.json lists is excluded from latest, nothing is replicated', () => {
    const REASON = 'CVE-2026-0001 in the kernel';
    const PUBLISHED = {
      azure: {
        gallery: 'tkg_gallery',
        imageName: 'capi-ubuntu-2004',
        resourceGroup: 'tkg-images',
        sigImageVersionId: PATH_,
        subscriptionId: server.subscriptionId,
        version: '0.1.123456',
      },
      contentKey: KEY,
      image: IMAGE,
      infra: 'azure',
      os: 'ubuntu-2004',
    };
    let before = '';

    /** The real az's show of the version (spawned asynchronously: the server runs in this process). */
    const azShow = async () => {
      const args = [
        'sig',
        'image-version',
        'show',
        '--resource-group',
        'tkg-images',
        '--gallery-name',
        'tkg_gallery',
        '--gallery-image-definition',
        'capi-ubuntu-2004',
        '--gallery-image-version',
        '0.1.123456',
        '-o',
        'json',
      ];
      const { stdout } = await execFileAsync('az', args, { env: { ...process.env, ...env() }, encoding: 'utf8' });
      return JSON.parse(stdout) as {
        publishingProfile: { excludeFromLatest: boolean; targetRegions: unknown[] };
        tags: Record<string, string>;
      };
    };

    /** The version and published.json as an earlier upload left them: replicated to both regions, tagged. */
    beforeEach(() => {
      const version = server.addVersion(REF, 'westeurope', TAGS);
      version.properties.publishingProfile.targetRegions.push({
        name: 'North Europe',
        regionalReplicaCount: 1,
        storageAccountType: 'Standard_LRS',
      });
      ws.write(`dist/images/${IMAGE}/upload/published.json`, JSON.stringify(PUBLISHED, null, 2) + '\n');
      before = revokeImage(ws, IMAGE, REASON, '2026-02-20');
    });

    it('az sets excludeFromLatest (a JSON boolean) and the kiln:revoked tag in one update, and changes nothing else', async () => {
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
      expect(calls()).toEqual([`GET ${PATH_}`, `GET ${PATH_}`, `PUT ${PATH_}`]);
      const put = server.calls[2]!.body as {
        tags: Record<string, string>;
        properties: { publishingProfile: { excludeFromLatest: unknown; targetRegions: unknown[] } };
      };
      expect(put.properties.publishingProfile.excludeFromLatest).toBe(true);
      expect(put.tags).toEqual({ ...stored().tags, 'kiln:revoked': '2026-02-20' });
      expect(stored().properties.publishingProfile.targetRegions.map((t) => t.name)).toEqual(['West Europe', 'North Europe']);
    });

    it('the real az shows the version excluded from latest afterwards', async () => {
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
      const shown = await azShow();
      expect([shown.publishingProfile.excludeFromLatest, shown.tags['kiln:revoked']]).toEqual([true, '2026-02-20']);
    });

    it('records the revocation in published.json, keeping what was published', async () => {
      const report = await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
      expect(JSON.parse(ws.read(`dist/images/${IMAGE}/upload/published.json`))).toEqual({
        ...PUBLISHED,
        revoked: { reason: REASON, at: '2026-02-20', applied: [{ object: PATH_, lifecycle: 'excludeFromLatest' }] },
      });
      expect(report).toBe(
        `[${IMAGE}] revoked image version ${PATH_}: ${PATH_} excludeFromLatest → dist/images/${IMAGE}/upload/published.json`,
      );
    });

    it('running it again only reads the version', async () => {
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
      server.clearCalls();
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
      expect(calls()).toEqual([`GET ${PATH_}`]);
    });

    it('restoring (revoked: removed) puts the version back in latest and removes the tag on the next upload', async () => {
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
      ws.write(`images/${IMAGE}/image.yaml`, before);
      server.clearCalls();
      await uploadStep({ workspaceRoot: ws.root, project: IMAGE, echo: new Capture(), env: env() });
      expect(calls()).toEqual([`GET ${PATH_}`, `GET ${PATH_}`, `PUT ${PATH_}`]);
      const shown = await azShow();
      expect([shown.publishingProfile.excludeFromLatest, 'kiln:revoked' in shown.tags]).toEqual([false, false]);
      expect(JSON.parse(ws.read(`dist/images/${IMAGE}/upload/published.json`))).toEqual(PUBLISHED);
    });
  });
});
