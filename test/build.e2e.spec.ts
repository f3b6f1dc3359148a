// The real build target end to end: real Nx, real Docker and the busybox stand-ins for the TKG images
// (test/standins). One temporary workspace for the file; the `it`s run in order, and the ones that need a
// build that has not run yet use their own image folders (created in beforeAll) or --skip-nx-cache.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '@kiln/catalog';
import { parsePackageList, publishedObjectDigest, validateSbom } from '@kiln/provenance';
import { dockerBuildCommands, type BuildPlan } from '@kiln/render';
import { showCommand } from '@kiln/runner';
import { digestPath } from '@kiln/steps';
import { requireDockerOrSkip } from './support/docker-engine';
import {
  bridgeGateway,
  containerMountSources,
  containersLabelled,
  containersNamed,
  docker,
  dockerEvents,
  waitForRunningContainer,
} from './support/docker-watch';
import { allWithStatus, failedTasks, taskOutput, taskStatuses, type TaskStatus } from './support/nx-output';
import { spawnNx, type NxExit } from './support/nx-process';
import { secretsIn, secretsInFiles, watchProcessArgs, type Secrets } from './support/secret-scan';
import { buildStandinImages, catalogImageNames, standinAmiId, standinAzureVersion, STANDINS_DIR } from './support/standin-images';
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace';

const RELEASE = loadCatalog().releases['v2.3.0']!;
const BUILDER = RELEASE.images.builder;
const BUNDLE = RELEASE.images.bundle;
const BUNDLE_CONTAINER = 'kiln-bundle-linux-resource-bundle-v1.26.5_vmware.1-tkg.1';
const CLASS_VERSION = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const AZURE_SUBSCRIPTION = '00000000-0000-4000-8000-000000000001';
/** The interrupt guarantee Kiln documents: container and private folders gone this long after the signal. */
const CLEANUP_BOUND_MS = 20_000;
const MISSING_IMAGE = 'registry.invalid/kiln-e2e/image-builder:absent';
const TMP = tmpdir();

/** Unique fake credentials: every one of them must stay out of files, caches, output and process arguments. */
const TAG = randomBytes(4).toString('hex');
const SECRETS: Secrets = {
  VSPHERE_USERNAME: `svc-${TAG}@vsphere.local`,
  VSPHERE_PASSWORD: `Vpw.${TAG}@p/ss:word`,
  RHSM_USER: `rhsm-user-${TAG}`,
  RHSM_PASS: `Rhsm.${TAG}!pass`,
  AZURE_TENANT_ID: `tenant-${TAG}`,
  AZURE_CLIENT_ID: `client-${TAG}`,
  AZURE_CLIENT_SECRET: `Az~${TAG}.secret`,
  AWS_ACCESS_KEY_ID: `AKIAE2E${TAG.toUpperCase()}`,
  AWS_SECRET_ACCESS_KEY: `aws/${TAG}+secretKEY`,
};

let ws: TempWorkspace;
let home: string;
let gateway: string;
/** Environment of every Nx run (KILN_PULL_POLICY and KILN_NOW unset unless a test sets them). */
let env: Record<string, string | undefined>;
const scratch: string[] = [];

function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(TMP, prefix));
  scratch.push(dir);
  return dir;
}

async function nx(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<NxExit> {
  return spawnNx(ws, args, { ...env, ...extraEnv }).done;
}

function expectOk(r: NxExit): void {
  expect(r.code, `nx failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
}

/** Status of the build tasks only (render-config is a dependency of every build). */
function buildStatuses(stdout: string): Record<string, TaskStatus> {
  return Object.fromEntries(Object.entries(taskStatuses(stdout)).filter(([id]) => id.endsWith(':build')));
}

const builds = (projects: string[]) => projects.map((p) => `${p}:build`);

/** The `[project] bundle …` report line of a build task. */
function bundleLine(stdout: string, project: string): string {
  return (
    taskOutput(stdout, `${project}:build`)
      .split('\n')
      .find((l) => l.startsWith(`[${project}] bundle `)) ?? '(no bundle line)'
  );
}

function bundleEndpoint(): { address: string; container: string; hostPort: number; image: string } {
  return JSON.parse(ws.read(`dist/bundles/${BUNDLE_CONTAINER}.json`));
}

function publishedPort(container: string): number {
  const r = docker(['port', container, '3000/tcp']);
  return Number(r.stdout.split('\n')[0]!.split(':').pop());
}

function stopBundles(): void {
  const r = spawnSync(process.execPath, [join(ws.root, 'tools/kiln-cli/bin/kiln.js'), 'bundle', 'stop', '--root', ws.root], {
    cwd: ws.root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`kiln bundle stop failed: ${r.stdout}${r.stderr}`);
}

function artifact(project: string): Record<string, unknown> {
  return JSON.parse(ws.read(`dist/images/${project}/build/artifact.json`));
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 over the rendered config folder's files: name, NUL, bytes, NUL, in name order. */
function configContentKey(project: string): string {
  const dir = join(ws.root, 'dist/images', project, 'config');
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort())
    hash
      .update(name)
      .update('\0')
      .update(readFileSync(join(dir, name)))
      .update('\0');
  return hash.digest('hex');
}

/** A build's provenance.json (an in-toto statement, the fields this file checks). */
interface Provenance {
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicate: {
    buildDefinition: {
      resolvedDependencies: Array<{ name: string; digest: Record<string, string>; annotations?: Record<string, unknown> }>;
    };
    runDetails: { builder: { version: { kiln: string } }; metadata: { startedOn: string; finishedOn: string } };
  };
}

function provenance(project: string): Provenance {
  return JSON.parse(ws.read(`dist/images/${project}/build/provenance.json`)) as Provenance;
}

/** name → digest of each material (resolvedDependency) of a provenance statement. */
function materials(p: Provenance): Record<string, Record<string, string>> {
  return Object.fromEntries(p.predicate.buildDefinition.resolvedDependencies.map((d) => [d.name, d.digest]));
}

/** `docker image inspect`'s Id and RepoDigests of an image. */
function inspectImage(ref: string): { Id: string; RepoDigests: string[] } {
  return JSON.parse(docker(['image', 'inspect', '--format', '{{json .}}', ref]).stdout) as { Id: string; RepoDigests: string[] };
}

function buildPlan(project: string): BuildPlan {
  return JSON.parse(ws.read(`dist/images/${project}/config/build-plan.json`));
}

function buildLogs(project: string): string[] {
  const dir = join(ws.root, 'dist/images', project, 'logs');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** The private per-run folders (kiln-run-*) named in a command line or mount list. */
function runFolders(text: string): string[] {
  return [...new Set(text.match(new RegExp(`${TMP.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/kiln-run-[A-Za-z0-9]{6}`, 'g')) ?? [])].sort();
}

/** Distinct uid:gid owners of a folder and everything under it. */
function ownersUnder(dir: string): string[] {
  const owners = new Set<string>();
  const visit = (path: string) => {
    const st = statSync(path);
    owners.add(`${st.uid}:${st.gid}`);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return [...owners].sort();
}

/** Image folder text: a sample image.yaml with extra top-level YAML appended. */
function imageFrom(sample: string, extra = ''): string {
  return ws.read(`images/${sample}/image.yaml`) + extra;
}

const sleepVars = (seconds: number, more = '') => `packerVars:\n  kiln_standin_sleep: "${seconds}"\n${more}`;

requireDockerOrSkip('build with real Nx, Docker and the stand-in images', () => {
  beforeAll(async () => {
    await buildStandinImages(catalogImageNames());
    gateway = bridgeGateway();
    ws = createTempWorkspace();
    home = scratchDir('kiln-e2e-home-');
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'config'), '[default]\nregion = us-east-1\n');
    writeFileSync(
      join(home, '.aws', 'credentials'),
      `[default]\naws_access_key_id = ${SECRETS.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${SECRETS.AWS_SECRET_ACCESS_KEY}\n`,
    );
    mkdirSync(join(home, '.azure'));
    env = {
      ...SECRETS,
      VSPHERE_SERVER: 'vc.kiln-e2e.test',
      AZURE_SUBSCRIPTION_ID: AZURE_SUBSCRIPTION,
      HOME: home,
      KILN_ADVERTISE_ADDRESS: gateway,
      KILN_PULL_POLICY: undefined,
      KILN_NOW: undefined,
      KILN_VSPHERE_CREDENTIALS_FILE: undefined,
    };
    // The RHEL sample mounts the DVD ISO from the workspace.
    ws.write('isos/rhel-8.4-x86_64-dvd.iso', 'kiln e2e: not a real ISO\n');
    const images: Record<string, string> = {
      'kill-int': imageFrom('ubuntu-2004-vsphere-plan', sleepVars(6)),
      'kill-term': imageFrom('ubuntu-2004-vsphere-plan', sleepVars(6)),
      'kill-term-nx': imageFrom('ubuntu-2004-vsphere-plan', sleepVars(6)),
      'slow-stop-int': imageFrom('ubuntu-2004-vsphere-plan', sleepVars(120, '  kiln_standin_stop_delay: "15"\n')),
      'slow-stop-term-nx': imageFrom('ubuntu-2004-vsphere-plan', sleepVars(120, '  kiln_standin_stop_delay: "15"\n')),
      'fail-vsphere': imageFrom('ubuntu-2004-vsphere-plan', 'packerVars:\n  kiln_standin_fail: "disk full on /dev/sda1"\n'),
      'fail-task': imageFrom('ubuntu-2004-vsphere-plan', 'packerVars:\n  kiln_standin_fail: "disk full on /dev/sda1"\n'),
      'fail-goss': imageFrom('ubuntu-2004-aws-cis', 'packerVars:\n  kiln_standin_fail_goss: "aide auditd"\n'),
      // Points the package-list role outside the output folder Kiln copies out: the build leaves no packages.tsv.
      'no-package-list': imageFrom(
        'ubuntu-2004-vsphere-plan',
        'packerVars:\n  ansible_user_vars: "kiln_package_list_dest=/home/imagebuilder/elsewhere/packages.tsv"\n',
      ),
      'missing-builder': imageFrom('ubuntu-2004-vsphere-plan', `images:\n  builder: ${MISSING_IMAGE}\n`),
      'secrets-vsphere': imageFrom('ubuntu-2004-vsphere-plan'),
      'secrets-rhel': imageFrom('rhel-8-vsphere'),
      'secrets-azure': imageFrom('ubuntu-2004-azure-fips'),
      'fresh-default': imageFrom('ubuntu-2004-vsphere-plan'),
      'rebuild-vsphere': imageFrom('ubuntu-2004-vsphere-plan'),
      'fresh-12h': imageFrom('ubuntu-2004-vsphere-plan', 'refresh: 12h\n'),
    };
    for (const [name, text] of Object.entries(images)) ws.write(`images/${name}/image.yaml`, text);
    ws.commitAll('e2e images and the dummy RHEL ISO');
  });

  afterAll(() => {
    if (ws) {
      stopBundles();
      // Build containers of this workspace (mounting its folders) that a failing test may have left.
      for (const name of containersNamed('kiln-build-')) {
        if (containerMountSources(name).some((s) => s.startsWith(ws.root))) docker(['rm', '-f', name]);
      }
      ws.dispose();
    }
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  it('starts the resource bundle once for two images built in parallel and serves /files from it', async () => {
    stopBundles();
    const projects = ['photon-3-vsphere', 'ubuntu-2004-vsphere-class'];
    const t0 = Date.now();
    const r = await nx(['run-many', '-t', 'build', '--projects', projects.join(','), '--parallel', '2']);
    const t1 = Date.now();
    expectOk(r);
    expect(buildStatuses(r.stdout)).toEqual(allWithStatus(builds(projects), 'ran'));

    const bundleStarts = dockerEvents('container', t0, t1, 'start').filter((e) => e.name.startsWith('kiln-bundle-'));
    expect(bundleStarts.map((e) => e.name)).toEqual([BUNDLE_CONTAINER]);
    expect(containersLabelled('kiln.bundle=true')).toEqual([BUNDLE_CONTAINER]);

    const port = publishedPort(BUNDLE_CONTAINER);
    expect(bundleEndpoint()).toEqual({ address: gateway, container: BUNDLE_CONTAINER, hostPort: port, image: BUNDLE });
    const response = await fetch(`http://${gateway}:${port}/files/kubernetes/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(readFileSync(join(STANDINS_DIR, 'resource-bundle/files/kubernetes/index.html'), 'utf8'));

    // One build started the bundle, the other reused it; both at the same advertised address and port.
    const url = `http://${gateway}:${port}/files`;
    const lines = projects.map((p) => bundleLine(r.stdout, p));
    const started = lines.filter((l) => l.endsWith(', started)'));
    expect(started).toHaveLength(1);
    for (const [i, p] of projects.entries()) {
      expect(lines[i]).toBe(
        lines[i] === started[0]
          ? `[${p}] bundle ${BUNDLE} serving at ${url} (container ${BUNDLE_CONTAINER}, started)`
          : `[${p}] bundle ${BUNDLE} already serving at ${url} (container ${BUNDLE_CONTAINER}, reused)`,
      );
    }
  });

  const ARTIFACT_IMAGES = [
    'rhel-8-vsphere',
    'ubuntu-2004-aws-cis',
    'ubuntu-2004-azure-fips',
    'ubuntu-2004-vsphere-gpu',
    'ubuntu-2004-vsphere-plan',
  ];

  it('runs the stand-in image-builder with the production command line and records every artifact exactly', async () => {
    const t0 = Date.now();
    const r = await nx(['run-many', '-t', 'build', '--projects', ARTIFACT_IMAGES.join(','), '--parallel', '3']);
    const t1 = Date.now();
    expectOk(r);
    expect(buildStatuses(r.stdout)).toEqual(allWithStatus(builds(ARTIFACT_IMAGES), 'ran'));

    for (const project of ARTIFACT_IMAGES) {
      // The container was created exactly as dockerBuildCommands makes of build-plan.json (the log's first
      // line), the credentials were streamed in, it ran attached and its output was copied out.
      const logs = buildLogs(project);
      expect(logs, project).toEqual([expect.stringMatching(/^build-[0-9a-f]{8}\.log$/)]);
      const runId = logs[0]!.slice('build-'.length, -'.log'.length);
      const log = ws.read(`dist/images/${project}/logs/${logs[0]}`).split('\n');
      const folders = runFolders(log[0]!);
      const plan = buildPlan(project);
      const output = join(ws.root, 'dist/images', project, 'output');
      const commands = dockerBuildCommands(
        plan,
        {
          workspace: ws.root,
          config: join(ws.root, 'dist/images', project, 'config'),
          run: folders.find((f) => f.includes('/kiln-run-')) ?? '(none)',
          kiln: ws.root,
        },
        `kiln-build-${project}-${runId}`,
        output,
      );
      expect(
        log.filter((l) => l.startsWith('$ ')),
        project,
      ).toEqual(
        [commands.create, commands.copyIn, commands.start, commands.copyOut]
          .filter((c) => c !== undefined)
          .map((c) => `$ ${showCommand('docker', c!)}`),
      );
      expect(
        folders.filter((f) => existsSync(f)),
        `${project}: private run folders left behind`,
      ).toEqual([]);
      // What the build left in dist/ belongs to the user who ran Kiln (root here; see build-users.e2e.spec.ts).
      if (plan.outputDir) expect(ownersUnder(output), project).toEqual([`${process.getuid!()}:${process.getgid!()}`]);

      const record = artifact(project);
      expect(Date.parse(String(record.builtAt))).toBeGreaterThanOrEqual(t0);
      expect(Date.parse(String(record.builtAt))).toBeLessThanOrEqual(t1);
      const common = {
        builderImage: BUILDER,
        builtAt: record.builtAt,
        bundleImage: BUNDLE,
        contentKey: configContentKey(project),
        image: project,
        infra: plan.infra,
        makeTarget: plan.makeTarget,
        os: plan.os,
        release: 'v2.3.0',
        version: plan.version,
      };
      if (plan.infra === 'vsphere') {
        const buildVersion = `kiln-${project}`;
        const ovaPath = `dist/images/${project}/output/${buildVersion}/${buildVersion}.ova`;
        const ova = readFileSync(join(ws.root, ovaPath));
        expect(record, project).toEqual({ ...common, ova: { path: ovaPath, sha256: sha256(ova), size: ova.length } });
        // The OVA is a real tar whose .ovf carries the image's VERSION as an OVF property.
        const ovf = spawnSync('tar', ['-xOf', join(ws.root, ovaPath), `${buildVersion}.ovf`], { encoding: 'utf8' });
        expect(ovf.stdout).toContain(
          `<Property ovf:key="VERSION" ovf:type="string" ovf:userConfigurable="false" ovf:value="${plan.version}"/>`,
        );
      } else if (plan.infra === 'aws') {
        expect(record, project).toEqual({
          ...common,
          amis: { 'us-east-1': standinAmiId('capa-ami-ubuntu-2004-v1.26.5+vmware.2', 'us-east-1') },
        });
      } else {
        const versionId = `/subscriptions/${AZURE_SUBSCRIPTION}/resourceGroups/tkg-images/providers/Microsoft.Compute/galleries/tkg_gallery/images/capi-ubuntu-2004/versions/${standinAzureVersion('capi-ubuntu-2004')}`;
        expect(record, project).toEqual({ ...common, sigImageVersionId: versionId });
      }
    }
    expect(Object.fromEntries(ARTIFACT_IMAGES.map((p) => [p, artifact(p).version]))).toEqual({
      'rhel-8-vsphere': 'v1.26.5+vmware.1-myorg-rhel.0',
      'ubuntu-2004-aws-cis': buildPlan('ubuntu-2004-aws-cis').version,
      'ubuntu-2004-azure-fips': buildPlan('ubuntu-2004-azure-fips').version,
      'ubuntu-2004-vsphere-gpu': CLASS_VERSION,
      'ubuntu-2004-vsphere-plan': 'v1.26.5+vmware.1-myorg.0',
    });
  });

  describe('provenance.json and sbom.cdx.json of those builds', () => {
    it("names exactly artifact.json's outputs as subjects: the OVA by its sha256, the AMIs and the SIG version by id", () => {
      const subjects = Object.fromEntries(ARTIFACT_IMAGES.map((p) => [p, provenance(p).subject]));
      const expected = Object.fromEntries(
        ARTIFACT_IMAGES.map((p) => {
          const record = artifact(p) as {
            ova?: { path: string; sha256: string };
            amis?: Record<string, string>;
            sigImageVersionId?: string;
          };
          if (record.ova)
            return [p, [{ name: basename(record.ova.path), digest: { sha256: sha256(readFileSync(join(ws.root, record.ova.path))) } }]];
          if (record.amis) {
            return [
              p,
              Object.entries(record.amis).map(([region, id]) => ({
                name: id,
                digest: { sha256: publishedObjectDigest({ kind: 'aws-ami', region, id }) },
              })),
            ];
          }
          const id = record.sigImageVersionId!;
          return [p, [{ name: id, digest: { sha256: publishedObjectDigest({ kind: 'azure-sig-image-version', id }) } }]];
        }),
      );
      expect(subjects).toEqual(expected);
    });

    it('records the commit the workspace was at, and that no tracked file differed from it', () => {
      const head = ws.git(['rev-parse', 'HEAD']).trim();
      for (const p of ARTIFACT_IMAGES) {
        const source = provenance(p).predicate.buildDefinition.resolvedDependencies.find((d) => d.name === 'source');
        expect(source, p).toEqual({ name: 'source', digest: { gitCommit: head }, annotations: { dirty: false } });
      }
    });

    it('records the sha256 of image.yaml and of every rendered config file, as this test computes them', () => {
      for (const p of ARTIFACT_IMAGES) {
        const config = `dist/images/${p}/config`;
        const files = [`images/${p}/image.yaml`, ...readdirSync(join(ws.root, config)).map((f) => `${config}/${f}`)];
        const recorded = materials(provenance(p));
        expect(Object.fromEntries(files.map((f) => [f, recorded[f]])), p).toEqual(
          Object.fromEntries(files.map((f) => [f, { sha256: sha256(readFileSync(join(ws.root, f))) }])),
        );
      }
    });

    it("records every bundle part the builder mounted and Kiln's package-list role, by content digest", () => {
      for (const p of ARTIFACT_IMAGES) {
        const plan = buildPlan(p);
        const parts = plan.mounts
          .filter((m) => m.host.startsWith('{workspace}/images/_bundles/') || m.host.startsWith('{kiln}/'))
          .map((m) => m.host);
        const recorded = materials(provenance(p));
        const name = (host: string) => host.replace('{workspace}/', '');
        expect(Object.fromEntries(parts.map((h) => [name(h), recorded[name(h)]])), p).toEqual(
          Object.fromEntries(
            parts.map((h) => [name(h), { sha256: digestPath(h.replace('{workspace}', ws.root).replace('{kiln}', ws.root)) }]),
          ),
        );
        expect(
          parts.filter((h) => h.startsWith('{kiln}/')),
          p,
        ).toEqual(['{kiln}/libs/provenance/ansible/kiln-package-list']);
      }
    });

    it('records the release pins and the builder and bundle images by the digests `docker image inspect` reports', () => {
      const builder = inspectImage(BUILDER);
      const bundle = inspectImage(BUNDLE);
      for (const p of ARTIFACT_IMAGES) {
        const deps = provenance(p).predicate.buildDefinition.resolvedDependencies;
        const image = (ref: string) => deps.find((d) => d.name === ref);
        // The stand-ins are imported locally, so they have no RepoDigests and are named by their Id.
        expect([builder.RepoDigests, bundle.RepoDigests]).toEqual([[], []]);
        expect([image(BUILDER)?.digest.sha256, image(BUILDER)?.annotations?.imageId], p).toEqual([
          builder.Id.replace('sha256:', ''),
          builder.Id,
        ]);
        expect([image(BUNDLE)?.digest.sha256, image(BUNDLE)?.annotations?.imageId], p).toEqual([
          bundle.Id.replace('sha256:', ''),
          bundle.Id,
        ]);
        expect(deps.find((d) => d.name === 'catalog/releases/v2.3.0')?.annotations?.pins, p).toEqual(RELEASE);
      }
    });

    it("records Kiln's version and start and finish times around the container run", () => {
      const version = (JSON.parse(ws.read('package.json')) as { version: string }).version;
      for (const p of ARTIFACT_IMAGES) {
        const { runDetails } = provenance(p).predicate;
        const [started, finished] = [Date.parse(runDetails.metadata.startedOn), Date.parse(runDetails.metadata.finishedOn)];
        expect([runDetails.builder.version.kiln, started <= finished, finished], p).toEqual([
          version,
          true,
          Date.parse(String(artifact(p).builtAt)),
        ]);
      }
    });

    it("writes an SBOM that passes the CycloneDX library's validator and lists the packages the stand-in's role wrote", async () => {
      for (const p of ARTIFACT_IMAGES) {
        const text = ws.read(`dist/images/${p}/build/sbom.cdx.json`);
        await validateSbom(text, p);
        const listed = parsePackageList(ws.read(`dist/images/${p}/output/packages.tsv`)).packages.map((pkg) => pkg.name);
        const components = (JSON.parse(text) as { components: Array<{ name: string; type: string }> }).components.filter(
          (c) => c.type === 'library',
        );
        expect(components.map((c) => c.name).sort(), p).toEqual([...listed].sort());
        expect(listed, p).toContain(p.startsWith('rhel') ? 'glibc' : 'openssh-server');
      }
    });
  });

  it('serves a repeated build from the Nx cache and starts no container', async () => {
    const before = ARTIFACT_IMAGES.map((p) => ws.read(`dist/images/${p}/build/artifact.json`));
    const t0 = Date.now();
    const r = await nx(['run-many', '-t', 'build', '--projects', ARTIFACT_IMAGES.join(','), '--parallel', '3']);
    const t1 = Date.now();
    expectOk(r);
    expect(buildStatuses(r.stdout)).toEqual(allWithStatus(builds(ARTIFACT_IMAGES), 'local cache'));
    const ours = (name: string) => name.startsWith('kiln-bundle-') || ARTIFACT_IMAGES.some((p) => name.startsWith(`kiln-build-${p}-`));
    expect(dockerEvents('container', t0, t1).filter((e) => ours(e.name))).toEqual([]);
    expect(ARTIFACT_IMAGES.map((p) => ws.read(`dist/images/${p}/build/artifact.json`))).toEqual(before);
  });

  it('a cached re-run restores provenance.json and sbom.cdx.json with artifact.json', async () => {
    const files = ['artifact.json', 'provenance.json', 'sbom.cdx.json'];
    const before = ARTIFACT_IMAGES.flatMap((p) => files.map((f) => ws.read(`dist/images/${p}/build/${f}`)));
    for (const p of ARTIFACT_IMAGES) for (const f of files) ws.remove(`dist/images/${p}/build/${f}`);
    const r = await nx(['run-many', '-t', 'build', '--projects', ARTIFACT_IMAGES.join(','), '--parallel', '3']);
    expectOk(r);
    expect(buildStatuses(r.stdout)).toEqual(allWithStatus(builds(ARTIFACT_IMAGES), 'local cache'));
    expect(ARTIFACT_IMAGES.flatMap((p) => files.map((f) => ws.read(`dist/images/${p}/build/${f}`)))).toEqual(before);
  });

  it('a second build of the same image replaces its leftover build VM (-force) and starts from an empty output folder', async () => {
    const project = 'rebuild-vsphere';
    const first = await nx(['run', `${project}:build`]);
    expectOk(first);
    expect(taskOutput(first.stdout, `${project}:build`)).not.toContain('already exists');
    ws.write(`dist/images/${project}/output/stale/stale.ova`, 'a stale OVA from an older build\n');
    const second = await nx(['run', `${project}:build`, '--skip-nx-cache']);
    expectOk(second);
    const folder = '/dc0/vm/tkg-templates'; // upload.vsphere.folder of the sample: the build VM's folder too
    expect(taskOutput(second.stdout, `${project}:build`)).toContain(
      `[${project}] ==> vsphere-iso: the VM ${folder}/kiln-${project} already exists, destroying it (-force)`,
    );
    expect(ws.exists(`dist/images/${project}/output/stale`)).toBe(false);
    expect((artifact(project).ova as { path: string }).path).toBe(`dist/images/${project}/output/kiln-${project}/kiln-${project}.ova`);
  });

  describe('interrupting a build', () => {
    interface Interrupted {
      exit: NxExit;
      container: string;
      folders: string[];
      signalledAt: number;
    }

    /** Starts the build detached, waits for its kiln-build-* container to run, then signals Nx (or its whole group). */
    async function interrupt(project: string, signal: NodeJS.Signals, to: 'group' | 'nx'): Promise<Interrupted> {
      const run = spawnNx(ws, ['run', `${project}:build`], env, { detached: true });
      let ended = false;
      void run.done.then(() => (ended = true));
      const container = await waitForRunningContainer(`kiln-build-${project}-`, 180_000, () => !ended).catch(async (e: Error) => {
        const exit = await run.done;
        throw new Error(`${e.message}\n${exit.stdout}\n${exit.stderr}`);
      });
      const folders = runFolders(containerMountSources(container).join('\n'));
      const signalledAt = Date.now();
      process.kill(to === 'group' ? -run.pid : run.pid, signal);
      const exit = await run.done;
      console.info(
        `${project}: ${signal} to ${to === 'group' ? 'the process group' : 'Nx alone'}; Nx exited ${exit.endedAt - signalledAt} ms later`,
      );
      return { exit, container, folders, signalledAt };
    }

    /** Polls until `check` passes (Kiln's reaper cleans up asynchronously once the task process is gone). */
    async function eventually(check: () => void, withinMs: number): Promise<number> {
      const start = Date.now();
      for (;;) {
        try {
          check();
          return Date.now() - start;
        } catch (e) {
          if (Date.now() - start > withinMs) throw e;
          await sleep(250);
        }
      }
    }

    /**
     * The product's promise (README "Interrupting a build"): the container and the private run folder are
     * gone within CLEANUP_BOUND_MS of the signal. Polled up to that bound, then asserted.
     */
    async function expectCleanedWithinBound(project: string, how: Interrupted): Promise<void> {
      expect(how.folders).toEqual([expect.stringContaining('/kiln-run-')]);
      await eventually(
        () => {
          expect(containersNamed(`kiln-build-${project}-`), 'build container left behind').toEqual([]);
          expect(
            how.folders.filter((f) => existsSync(f)),
            'private run folders left behind',
          ).toEqual([]);
        },
        Math.max(0, how.signalledAt + CLEANUP_BOUND_MS - Date.now()),
      );
      const after = Date.now() - how.signalledAt;
      console.info(`${project}: container and run folder gone ${after} ms after the signal (bound ${CLEANUP_BOUND_MS} ms)`);
      expect(after).toBeLessThanOrEqual(CLEANUP_BOUND_MS + 1_000);
    }

    async function expectCleanAndUncached(project: string, how: Interrupted): Promise<void> {
      await expectCleanedWithinBound(project, how);
      expect(ws.exists(`dist/images/${project}/build/artifact.json`)).toBe(false);
      // Nothing was cached: the next build runs the builder container again, to completion.
      const t0 = Date.now();
      const again = await nx(['run', `${project}:build`]);
      expectOk(again);
      expect(buildStatuses(again.stdout)).toEqual({ [`${project}:build`]: 'ran' });
      expect(dockerEvents('container', t0, Date.now(), 'start').filter((e) => e.name.startsWith(`kiln-build-${project}-`))).toHaveLength(1);
      expect(ws.exists(`dist/images/${project}/build/artifact.json`)).toBe(true);
    }

    it('Ctrl-C (SIGINT to the process group) removes the container and the private folders, and caches nothing', async () => {
      const how = await interrupt('kill-int', 'SIGINT', 'group');
      expect([how.exit.code, how.exit.signal]).toEqual([130, null]);
      await expectCleanAndUncached('kill-int', how);
    });

    it('SIGTERM to the process group removes the container and the private folders, and caches nothing', async () => {
      const how = await interrupt('kill-term', 'SIGTERM', 'group');
      expect([how.exit.code, how.exit.signal]).toEqual([130, null]);
      await expectCleanAndUncached('kill-term', how);
    });

    it('SIGTERM to the Nx process alone removes the container and the private folders, and caches nothing', async () => {
      const how = await interrupt('kill-term-nx', 'SIGTERM', 'nx');
      expect([how.exit.code, how.exit.signal]).toEqual([130, null]);
      await expectCleanAndUncached('kill-term-nx', how);
    });

    // With a builder that takes 15 s to stop, Nx (23.3.1) signals only the leaves of the task's process tree
    // (the docker CLI, which forwards the signal and waits for the builder) and SIGKILLs the Kiln executor
    // when its 5 s grace period ends, before any finally block runs. Kiln's detached cleanup reaper notices
    // the executor is gone and removes the container and the private folders (credentials) well before the
    // builder would have stopped by itself.
    for (const [name, project, signal, to] of [
      ['Ctrl-C (SIGINT to the group)', 'slow-stop-int', 'SIGINT', 'group'],
      ['SIGTERM to the Nx process alone', 'slow-stop-term-nx', 'SIGTERM', 'nx'],
    ] as const) {
      it(`${name} removes the container and the private folders within the bound even when the builder takes 15 s to stop`, async () => {
        const how = await interrupt(project, signal, to);
        try {
          await expectCleanedWithinBound(project, how);
          expect(how.exit.code).not.toBe(0);
          expect(ws.exists(`dist/images/${project}/build/artifact.json`)).toBe(false);
        } finally {
          docker(['rm', '-f', how.container]);
          for (const f of how.folders) rmSync(f, { recursive: true, force: true });
        }
      });
    }
  });

  it('fails with the builder error line, keeps the log, records no artifact and caches nothing', async () => {
    const project = 'fail-vsphere';
    const error = 'ERROR: ansible task failed: disk full on /dev/sda1';
    for (const attempt of [1, 2]) {
      const r = await nx(['run', `${project}:build`]);
      expect(r.code).toBe(1);
      expect(failedTasks(r.stderr)).toEqual([`${project}:build`]);
      expect(buildStatuses(r.stdout)).toEqual({ [`${project}:build`]: 'ran' });
      const logs = buildLogs(project);
      expect(logs).toHaveLength(attempt);
      const out = taskOutput(r.stdout, `${project}:build`).split('\n');
      const log = join(
        ws.root,
        'dist/images',
        project,
        'logs',
        logs.find((l) => out.some((o) => o.includes(l)))!,
      );
      expect(out.filter((l) => l.startsWith(`${project}: `) || /^ {2}(hint|exitCode|log|errors):/.test(l))).toEqual([
        `${project}: docker exited with code 2`,
        `  hint: see the full log: ${log}`,
        '  exitCode: 2',
        `  log: ${log}`,
        `  errors: ${error}`,
      ]);
      expect(out).toContain(`[${project}] ${error}`);
      expect(readFileSync(log, 'utf8')).toContain(`\n${error}\n`);
      expect(statSync(log).mode & 0o777).toBe(0o600);
      expect(ws.exists(`dist/images/${project}/build/artifact.json`)).toBe(false);
    }
  });

  describe('the failure summary before the log tail', () => {
    /** The task's output lines from the summary's first line to the error line, and the log the summary names. */
    function summaryOf(stdout: string, project: string): { lines: string[]; log: string } {
      const out = taskOutput(stdout, `${project}:build`).split('\n');
      const start = out.findIndex((l) => l.startsWith(`[${project}] build failed while `));
      const error = out.indexOf(`${project}: docker exited with code 2`);
      expect([start >= 0, error > start], out.join('\n')).toEqual([true, true]);
      const lines = out.slice(start, out.findIndex((l, i) => i > start && l.startsWith(`[${project}]   log: `)) + 1);
      return { lines, log: lines[lines.length - 1]!.slice(`[${project}]   log: `.length) };
    }

    it("a failed Ansible task: the phase, the task and its msg, and packer's error, before the error and its log tail", async () => {
      const project = 'fail-task';
      const r = await nx(['run', `${project}:build`]);
      expect(r.code).toBe(1);
      const { lines, log } = summaryOf(r.stdout, project);
      expect(lines).toEqual([
        `[${project}] build failed while provisioning with ansible`,
        `[${project}]   ansible task: tkg : Install containerd v1.6.18+vmware.1 (host default)`,
        `[${project}]     disk full on /dev/sda1`,
        `[${project}]   packer: Error executing Ansible: Non-zero exit status: exit status 2`,
        `[${project}]   log: ${log}`,
      ]);
      expect([log, ws.exists(log)]).toEqual([`dist/images/${project}/logs/${buildLogs(project)[0]}`, true]);
    });

    it('failed goss checks: the goss phase and each failed check with what goss says about it', async () => {
      const project = 'fail-goss';
      const r = await nx(['run', `${project}:build`]);
      expect(r.code).toBe(1);
      expect(summaryOf(r.stdout, project).lines.slice(0, 5)).toEqual([
        `[${project}] build failed while running goss`,
        `[${project}]   goss: 2 of 3 checks failed`,
        `[${project}]     Package: aide: installed: Expected <bool>: false to equal <bool>: true`,
        `[${project}]     Package: auditd: installed: Expected <bool>: false to equal <bool>: true`,
        `[${project}]   packer: goss validate failed`,
      ]);
    });
  });

  it('a build that leaves no package list fails naming the role contract, writes no artifact.json and caches nothing', async () => {
    const project = 'no-package-list';
    for (const attempt of [1, 2]) {
      const r = await nx(['run', `${project}:build`]);
      expect(r.code, `attempt ${attempt}`).toBe(1);
      expect(buildStatuses(r.stdout)).toEqual({ [`${project}:build`]: 'ran' });
      const out = taskOutput(r.stdout, `${project}:build`).split('\n');
      const at = out.indexOf(
        `${project}: the build finished but wrote no package list (dist/images/${project}/output/packages.tsv), so there is no sbom.cdx.json to make`,
      );
      expect(at, out.join('\n')).toBeGreaterThanOrEqual(0);
      expect(out[at + 1]).toContain(
        "hint: image-builder must run Kiln's kiln-package-list role: custom_role_names lists /home/imagebuilder/kiln-package-list last",
      );
      expect(['artifact.json', 'provenance.json', 'sbom.cdx.json'].filter((f) => ws.exists(`dist/images/${project}/build/${f}`))).toEqual(
        [],
      );
    }
  });

  describe('the bundle port', () => {
    let server: Server;
    let taken: number;

    beforeAll(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
      taken = (server.address() as { port: number }).port;
    });

    afterAll(() => server?.close());

    it('fails with "already in use" and a hint when the configured bundlePort is taken', async () => {
      const nxJson = ws.read('nx.json');
      const config = JSON.parse(nxJson);
      config.plugins[0].options.bundlePort = taken;
      ws.write('nx.json', JSON.stringify(config, null, 2) + '\n');
      try {
        const r = await nx(['run', 'ubuntu-2004-vsphere-plan:build', '--skip-nx-cache']);
        expect(r.code).toBe(1);
        const out = taskOutput(r.stdout, 'ubuntu-2004-vsphere-plan:build').split('\n');
        const at = out.indexOf(`ubuntu-2004-vsphere-plan: host port ${taken} for the resource bundle is already in use`);
        expect(at, out.join('\n')).toBeGreaterThanOrEqual(0);
        expect(out[at + 1]).toBe(
          '  hint: free the port, or change the plugin option bundlePort in nx.json (or remove it to use any free port)',
        );
        // Docker's error is one line or several, depending on the client: `  docker: <line>` or `  docker:` + lines.
        expect(out.slice(at + 2, at + 6).join('\n')).toMatch(
          new RegExp(
            `^ {2}docker:(\\n {4}| )docker: Error response from daemon: .*0\\.0\\.0\\.0:${taken}: bind: address already in use`,
            'm',
          ),
        );
      } finally {
        ws.write('nx.json', nxJson);
      }
    });

    it('chooses a free port when bundlePort is not set', async () => {
      stopBundles();
      const r = await nx(['run', 'ubuntu-2004-vsphere-plan:build', '--skip-nx-cache']);
      expectOk(r);
      const port = publishedPort(BUNDLE_CONTAINER);
      expect(port).not.toBe(taken);
      expect(bundleEndpoint().hostPort).toBe(port);
      expect(bundleLine(r.stdout, 'ubuntu-2004-vsphere-plan')).toBe(
        `[ubuntu-2004-vsphere-plan] bundle ${BUNDLE} serving at http://${gateway}:${port}/files (container ${BUNDLE_CONTAINER}, started)`,
      );
      expect((await fetch(`http://127.0.0.1:${port}/files/kubernetes/`)).status).toBe(200);
    });
  });

  describe('the pull policy', () => {
    it('IfNotPresent uses the present stand-in images without pulling', async () => {
      stopBundles();
      const t0 = Date.now();
      const r = await nx(['run', 'ubuntu-2004-vsphere-plan:build', '--skip-nx-cache']);
      const t1 = Date.now();
      expectOk(r);
      expect(r.stdout).not.toContain('docker pull');
      expect(dockerEvents('image', t0, t1, 'pull')).toEqual([]);
      expect(bundleLine(r.stdout, 'ubuntu-2004-vsphere-plan')).toMatch(/, started\)$/);
    });

    it('Always tries to pull, retries, then uses the image present locally', async () => {
      const r = await nx(['run', 'ubuntu-2004-vsphere-plan:build', '--skip-nx-cache'], { KILN_PULL_POLICY: 'Always' });
      expectOk(r);
      const out = taskOutput(r.stdout, 'ubuntu-2004-vsphere-plan:build').split('\n');
      expect(out.filter((l) => l.includes('docker pull'))).toEqual([
        `[ubuntu-2004-vsphere-plan] docker pull ${BUILDER} failed (attempt 1/3), retrying`,
        `[ubuntu-2004-vsphere-plan] docker pull ${BUILDER} failed (attempt 2/3), retrying`,
      ]);
      expect(out.some((l) => l.startsWith('[ubuntu-2004-vsphere-plan] built OVA '))).toBe(true);
    });

    it('Never fails with IMAGE_UNAVAILABLE for a builder image that is not present', async () => {
      const r = await nx(['run', 'missing-builder:build'], { KILN_PULL_POLICY: 'Never' });
      expect(r.code).toBe(1);
      const out = taskOutput(r.stdout, 'missing-builder:build').split('\n');
      const at = out.indexOf(`missing-builder: image ${MISSING_IMAGE} is not present and the pull policy is Never`);
      expect(at, out.join('\n')).toBeGreaterThanOrEqual(0);
      expect(out[at + 1]).toBe(
        '  hint: docker load or docker pull it first, or relocate images to a registry you can reach (plugin option "registry" in nx.json)',
      );
      expect(out.filter((l) => l.includes('failed (attempt'))).toEqual([]);
    });

    it('IfNotPresent fails after three pull attempts for a builder image that is not present and cannot be pulled', async () => {
      const r = await nx(['run', 'missing-builder:build']);
      expect(r.code).toBe(1);
      const out = taskOutput(r.stdout, 'missing-builder:build').split('\n');
      expect(out.filter((l) => l.includes('docker pull'))).toEqual([
        `[missing-builder] docker pull ${MISSING_IMAGE} failed (attempt 1/3), retrying`,
        `[missing-builder] docker pull ${MISSING_IMAGE} failed (attempt 2/3), retrying`,
      ]);
      const at = out.indexOf(`missing-builder: image ${MISSING_IMAGE} is not present and could not be pulled (3 attempts)`);
      expect(at, out.join('\n')).toBeGreaterThanOrEqual(0);
      expect(out[at + 1]).toBe(
        '  hint: check registry access, docker load the image on air-gapped hosts, or relocate images (plugin option "registry" in nx.json)',
      );
      expect(out[at + 2]).toMatch(/^ {2}lastError: .*registry\.invalid/);
    });
  });

  describe('preflight', () => {
    it('fails with "docker not found on PATH" and an install hint when docker is not on PATH', async () => {
      const bin = scratchDir('kiln-e2e-bin-');
      symlinkSync(process.execPath, join(bin, 'node'));
      // Nx runs the freshness input through sh; git for the workspace. No docker.
      for (const tool of ['git', 'sh'])
        symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool));
      const r = await nx(['run', 'ubuntu-2004-vsphere-plan:build', '--skip-nx-cache'], { PATH: bin });
      expect(r.code).toBe(1);
      const out = taskOutput(r.stdout, 'ubuntu-2004-vsphere-plan:build').split('\n');
      const at = out.indexOf('ubuntu-2004-vsphere-plan: docker not found on PATH');
      expect(at, out.join('\n')).toBeGreaterThanOrEqual(0);
      expect(out[at + 1]).toBe(
        '  hint: install Docker (Debian: apt-get install -y docker.io) and start the daemon (systemctl start docker, or dockerd &)',
      );
    });

    it('fails with "the Docker daemon does not answer" when DOCKER_HOST points at a dead socket', async () => {
      const dead = join(scratchDir('kiln-e2e-dead-'), 'docker.sock');
      const r = await nx(['run', 'ubuntu-2004-vsphere-plan:build', '--skip-nx-cache'], { DOCKER_HOST: `unix://${dead}` });
      expect(r.code).toBe(1);
      const out = taskOutput(r.stdout, 'ubuntu-2004-vsphere-plan:build').split('\n');
      const at = out.indexOf('ubuntu-2004-vsphere-plan: the Docker daemon does not answer');
      expect(at, out.join('\n')).toBeGreaterThanOrEqual(0);
      expect(out[at + 1]).toBe('  hint: start it (systemctl start docker, or dockerd &) or point DOCKER_HOST at a running daemon');
      expect(out[at + 2]).toContain(dead);
    });
  });

  describe('secrets', () => {
    it('the scanners find a planted value in a file and in a process argument list', async () => {
      const planted: Secrets = { PLANTED: `planted-${TAG}-value` };
      const dir = scratchDir('kiln-e2e-plant-');
      mkdirSync(join(dir, 'nested'));
      writeFileSync(
        join(dir, 'nested', 'file.bin'),
        Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(JSON.stringify({ v: planted.PLANTED }))]),
      );
      writeFileSync(join(dir, 'clean.txt'), 'nothing here\n');
      expect(secretsInFiles([dir], planted)).toEqual([`${join(dir, 'nested', 'file.bin')}: PLANTED`]);
      expect(secretsIn(`x ${encodeURIComponent('a/b:' + planted.PLANTED)}`, { P: 'a/b:' + planted.PLANTED }, 'text')).toEqual(['text: P']);

      const watch = watchProcessArgs(planted, 'kiln-e2e-marker');
      const child = spawn('sh', ['-c', 'sleep 1', 'kiln-e2e-marker', planted.PLANTED], { stdio: 'ignore' });
      await new Promise((resolve) => child.on('close', resolve));
      const seen = await watch.stop();
      expect(seen.markerSeen).toBe(true);
      expect(seen.hits.map((h) => h.split(' (')[0])).toEqual(['process arguments: PLANTED']);
    });

    it('no credential reaches dist/, the Nx cache, the workspace data, Nx output, git or any process argument list', async () => {
      const projects = ['secrets-azure', 'secrets-rhel', 'secrets-vsphere'];
      const watch = watchProcessArgs(SECRETS, 'docker start --attach kiln-build-secrets-');
      const r = await nx(['run-many', '-t', 'build', '--projects', projects.join(','), '--parallel', '3']);
      const seen = await watch.stop();
      expectOk(r);
      expect(buildStatuses(r.stdout)).toEqual(allWithStatus(builds(projects), 'ran'));

      expect(seen.markerSeen, 'the process poll never saw a build container command').toBe(true);
      expect(seen.polls).toBeGreaterThan(10);
      expect(seen.hits).toEqual([]);
      expect([...secretsIn(r.stdout, SECRETS, 'nx stdout'), ...secretsIn(r.stderr, SECRETS, 'nx stderr')]).toEqual([]);
      expect(secretsInFiles([join(ws.root, 'dist'), ws.cacheDir, ws.dataDir], SECRETS)).toEqual([]);
      const committable = ws.git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter(Boolean);
      expect(
        secretsInFiles(
          committable.map((f) => join(ws.root, f)),
          SECRETS,
        ),
      ).toEqual([]);

      // The builder echoed the secrets; Kiln masked them in the output Nx shows and caches, and in the logs.
      const vsphere = taskOutput(r.stdout, 'secrets-vsphere:build').split('\n');
      expect(vsphere).toContain('[secrets-vsphere] DEBUG: vsphere password: ***');
      expect(vsphere).toContain('[secrets-vsphere] ==> vsphere-iso: Connecting to vCenter vc.kiln-e2e.test as ***');
      const rhel = taskOutput(r.stdout, 'secrets-rhel:build').split('\n');
      expect(rhel).toContain('[secrets-rhel] DEBUG: rhsm password: ***');
      expect(rhel).toContain('[secrets-rhel] ==> vsphere-iso: Registering with Red Hat Subscription Manager as ***');
      const log = (p: string) => ws.read(`dist/images/${p}/logs/${buildLogs(p)[0]}`);
      expect(log('secrets-vsphere')).toContain('\nDEBUG: vsphere password: ***\n');
      expect(log('secrets-rhel')).toContain('\nDEBUG: rhsm password: ***\n');
    });
  });

  describe('freshness', () => {
    const T0 = '2026-03-01T00:30:00.000Z';
    const later = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
    const HOUR = 3_600_000;

    async function statusesAt(now: string): Promise<Record<string, TaskStatus>> {
      const r = await nx(['run-many', '-t', 'build', '--projects', 'fresh-12h,fresh-default'], { KILN_NOW: now });
      expectOk(r);
      return buildStatuses(r.stdout);
    }

    it('rebuilds once the build is older than refresh: 30d by default, 12h when set', async () => {
      expect(await statusesAt(T0)).toEqual({ 'fresh-12h:build': 'ran', 'fresh-default:build': 'ran' });
      expect(await statusesAt(later(HOUR))).toEqual({ 'fresh-12h:build': 'local cache', 'fresh-default:build': 'local cache' });
      expect(await statusesAt(later(12 * HOUR))).toEqual({ 'fresh-12h:build': 'ran', 'fresh-default:build': 'local cache' });
      expect(await statusesAt(later(31 * 24 * HOUR))).toEqual({ 'fresh-12h:build': 'ran', 'fresh-default:build': 'ran' });
    });
  });
});
