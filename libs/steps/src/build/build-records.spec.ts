// provenance.json and sbom.cdx.json from a build's inputs and outputs: what each material and subject is.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PACKAGE_LIST_FILE, PACKAGE_LIST_ROLE_DIR, publishedObjectDigest, validateSbom } from '@kiln/provenance';
import { PACKAGE_LIST_ROLE, renderImageConfig, resolveTokens, type BuildPlan, type PathTokens } from '@kiln/render';
import { imageDist } from '@kiln/schema';
import { kilnRejectionOf, repoRoot, tempDir } from '@kiln/testing';
import { digestPath } from '../shared/digest';
import { KILN_ROOT } from '../shared/kiln-installation';
import { loadImageContext } from '../shared/load-image-context';
import { normalizePluginOptions } from '../shared/workspace-settings';
import type { ArtifactRecord } from './artifact-record';
import { buildInputDigests, buildRecords, PROVENANCE_FILE, type BuildRecordsInput } from './build-records';

const BUNDLE_DIR = 'images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0';
const COMMIT = 'f88d17b3c2a4e5d6f708192a3b4c5d6e7f809112';
const hex = (label: string) => createHash('sha256').update(label).digest('hex');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const DPKG_LIST = [
  '# kiln-package-list v1 format=dpkg os-id=ubuntu os-version-id=20.04',
  'containerd\t1.6.18-0ubuntu1~20.04.2\tamd64\tinstalled',
  'kubelet\t1.26.5-00\tamd64\tinstalled',
  'nfs-common\t1:1.3.4-2.5ubuntu3.5\tamd64\tinstalled',
  'old-kernel\t5.4.0-1\tamd64\tconfig-files',
  '',
].join('\n');

interface Workspace {
  root: string;
  project: string;
  plan: BuildPlan;
  tokens: PathTokens;
  config: string;
  output: string;
}

/** A workspace with one sample image rendered as render-config does (image.yaml, the config bundle, dist/…/config). */
function workspaceWith(project: string): Workspace {
  const root = tempDir();
  cpSync(join(repoRoot, 'images', project, 'image.yaml'), join(root, 'images', project, 'image.yaml'));
  cpSync(join(repoRoot, BUNDLE_DIR), join(root, BUNDLE_DIR), { recursive: true });
  const config = imageDist(project).config;
  mkdirSync(join(root, config), { recursive: true });
  const files = renderImageConfig(loadImageContext(root, project, normalizePluginOptions(undefined)));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, config, name), text);
  const output = join(root, imageDist(project).output);
  mkdirSync(output, { recursive: true });
  const tokens = { workspace: root, config: join(root, config), run: '/tmp/kiln-run-x', kiln: KILN_ROOT };
  return { root, project, plan: JSON.parse(files['build-plan.json']!) as BuildPlan, tokens, config, output };
}

function recordOf(ws: Workspace, outputs: Partial<ArtifactRecord>): ArtifactRecord {
  const { plan } = ws;
  return {
    image: ws.project,
    infra: plan.infra,
    os: plan.os,
    release: plan.release,
    ...(plan.version ? { version: plan.version } : {}),
    builderImage: plan.builderImage,
    bundleImage: plan.bundleImage,
    makeTarget: plan.makeTarget,
    contentKey: hex('content'),
    builtAt: '2024-05-01T10:42:17.000Z',
    ...outputs,
  };
}

function recordsInput(ws: Workspace, outputs: Partial<ArtifactRecord>): BuildRecordsInput {
  return {
    workspaceRoot: ws.root,
    plan: ws.plan,
    record: recordOf(ws, outputs),
    inputs: buildInputDigests(ws.tokens, ws.project, ws.config, ws.plan, BUNDLE_DIR),
    release: loadImageContext(ws.root, ws.project, normalizePluginOptions(undefined)).release,
    source: { commit: COMMIT, dirty: true },
    builderImage: { ref: ws.plan.builderImage, id: `sha256:${hex('builder')}`, repoDigests: [] },
    bundleImage: {
      ref: ws.plan.bundleImage,
      id: `sha256:${hex('bundle')}`,
      repoDigests: [`projects.registry.vmware.com/tkg/linux-resource-bundle@sha256:${hex('bundle-manifest')}`],
    },
    kilnVersion: '0.1.0',
    invocationId: '0b0e9c4e-5f2a-4c55-9a0e-3d1f6f1f2a10',
    startedOn: new Date('2024-05-01T10:00:00Z'),
    finishedOn: new Date('2024-05-01T10:42:17Z'),
    outputDir: ws.output,
    buildPath: imageDist(ws.project).build,
  };
}

type Statement = {
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicate: {
    buildDefinition: {
      resolvedDependencies: Array<{ name: string; digest: Record<string, string>; annotations?: Record<string, unknown> }>;
    };
    runDetails: { builder: { version: { kiln: string } }; metadata: { startedOn: string; finishedOn: string } };
  };
};

async function statementOf(input: BuildRecordsInput): Promise<Statement> {
  return JSON.parse((await buildRecords(input))[PROVENANCE_FILE]!) as Statement;
}

const dependency = (s: Statement, name: string) => s.predicate.buildDefinition.resolvedDependencies.find((d) => d.name === name);

describe('buildInputDigests', () => {
  it('hashes image.yaml and every rendered config file by their bytes', () => {
    const ws = workspaceWith('ubuntu-2004-vsphere-plan');
    const inputs = buildInputDigests(ws.tokens, ws.project, ws.config, ws.plan, BUNDLE_DIR);
    expect(inputs.imageSpec).toEqual({
      path: `images/${ws.project}/image.yaml`,
      sha256: sha256(join(ws.root, 'images', ws.project, 'image.yaml')),
    });
    expect(inputs.renderedConfig).toEqual(
      ['build-plan.json', 'customizations.json', 'metadata.json', 'tkg.json'].map((name) => ({
        path: `${ws.config}/${name}`,
        sha256: sha256(join(ws.root, ws.config, name)),
      })),
    );
  });

  it("hashes each mounted bundle part by its workspace path, and Kiln's package-list role by its {kiln} path", () => {
    const ws = workspaceWith('ubuntu-2004-aws-cis');
    const parts = buildInputDigests(ws.tokens, ws.project, ws.config, ws.plan, BUNDLE_DIR).bundleParts;
    const goss = `${BUNDLE_DIR}/goss/amazon-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml`;
    expect(parts).toEqual([
      { path: `${BUNDLE_DIR}/tkg`, sha256: digestPath(join(ws.root, BUNDLE_DIR, 'tkg')) },
      { path: `${BUNDLE_DIR}/cis_ubuntu_2004`, sha256: digestPath(join(ws.root, BUNDLE_DIR, 'cis_ubuntu_2004')) },
      { path: PACKAGE_LIST_ROLE.host, sha256: digestPath(join(KILN_ROOT, PACKAGE_LIST_ROLE_DIR)) },
      { path: goss, sha256: sha256(join(ws.root, goss)) },
    ]);
  });

  it('leaves out what is not a bundle part: the per-run tkg.json, the files from {config}, the RHEL ISO', () => {
    const ws = workspaceWith('rhel-8-vsphere');
    const paths = buildInputDigests(ws.tokens, ws.project, ws.config, ws.plan, BUNDLE_DIR).bundleParts.map((p) => p.path);
    expect(ws.plan.mounts.map((m) => m.host).filter((h) => !paths.includes(h.replace('{workspace}/', '')))).toEqual([
      '{run}/tkg.json',
      '{config}/metadata.json',
      '{config}/customizations.json',
      '{workspace}/isos/rhel-8.4-x86_64-dvd.iso',
    ]);
  });
});

describe('buildRecords: provenance.json', () => {
  it('names the OVA of artifact.json by its file name and sha256 (the only subject)', async () => {
    const ws = workspaceWith('ubuntu-2004-vsphere-plan');
    writeFileSync(join(ws.output, PACKAGE_LIST_FILE), DPKG_LIST);
    const ova = { path: 'dist/images/ubuntu-2004-vsphere-plan/output/kiln-x/kiln-x.ova', sha256: hex('ova'), size: 3 };
    expect((await statementOf(recordsInput(ws, { ova }))).subject).toEqual([{ name: 'kiln-x.ova', digest: { sha256: hex('ova') } }]);
  });

  it('names each AMI of artifact.json by its id', async () => {
    const ws = workspaceWith('ubuntu-2004-aws-cis');
    writeFileSync(join(ws.output, PACKAGE_LIST_FILE), DPKG_LIST);
    const amis = { 'us-east-1': 'ami-0a1b2c3d4e5f60718', 'us-west-2': 'ami-0f1e2d3c4b5a69788' };
    expect((await statementOf(recordsInput(ws, { amis }))).subject).toEqual([
      {
        name: 'ami-0a1b2c3d4e5f60718',
        digest: { sha256: publishedObjectDigest({ kind: 'aws-ami', region: 'us-east-1', id: 'ami-0a1b2c3d4e5f60718' }) },
      },
      {
        name: 'ami-0f1e2d3c4b5a69788',
        digest: { sha256: publishedObjectDigest({ kind: 'aws-ami', region: 'us-west-2', id: 'ami-0f1e2d3c4b5a69788' }) },
      },
    ]);
  });

  it('records the git commit and dirty flag, and every input file by the digest buildInputDigests took', async () => {
    const ws = workspaceWith('ubuntu-2004-aws-cis');
    writeFileSync(join(ws.output, PACKAGE_LIST_FILE), DPKG_LIST);
    const input = recordsInput(ws, { amis: { 'us-east-1': 'ami-0a1b2c3d4e5f60718' } });
    const s = await statementOf(input);
    expect(dependency(s, 'source')).toEqual({ name: 'source', digest: { gitCommit: COMMIT }, annotations: { dirty: true } });
    const files = [input.inputs.imageSpec, ...input.inputs.renderedConfig, ...input.inputs.bundleParts];
    expect(files.map((f) => dependency(s, f.path)?.digest)).toEqual(files.map((f) => ({ sha256: f.sha256 })));
  });

  it("records the release's catalog pins and the builder and bundle images as Docker reports them", async () => {
    const ws = workspaceWith('ubuntu-2004-aws-cis');
    writeFileSync(join(ws.output, PACKAGE_LIST_FILE), DPKG_LIST);
    const s = await statementOf(recordsInput(ws, { amis: { 'us-east-1': 'ami-0a1b2c3d4e5f60718' } }));
    expect(dependency(s, 'catalog/releases/v2.3.0')?.annotations?.pins).toMatchObject({
      kubernetesSemver: 'v1.26.5+vmware.2',
      images: { builder: ws.plan.builderImage },
    });
    expect([dependency(s, ws.plan.builderImage)?.digest, dependency(s, ws.plan.bundleImage)?.digest]).toEqual([
      { sha256: hex('builder') },
      { sha256: hex('bundle-manifest') },
    ]);
  });

  it("gives the Kiln version and the build's start and finish times", async () => {
    const ws = workspaceWith('ubuntu-2004-aws-cis');
    writeFileSync(join(ws.output, PACKAGE_LIST_FILE), DPKG_LIST);
    const { runDetails } = (await statementOf(recordsInput(ws, { amis: { 'us-east-1': 'ami-0a1b2c3d4e5f60718' } }))).predicate;
    expect([runDetails.builder.version.kiln, runDetails.metadata.startedOn, runDetails.metadata.finishedOn]).toEqual([
      '0.1.0',
      '2024-05-01T10:00:00.000Z',
      '2024-05-01T10:42:17.000Z',
    ]);
  });
});

describe('buildRecords: sbom.cdx.json', () => {
  it('lists the installed packages of the package list as a valid CycloneDX 1.6 document', async () => {
    const ws = workspaceWith('ubuntu-2004-vsphere-plan');
    writeFileSync(join(ws.output, PACKAGE_LIST_FILE), DPKG_LIST);
    const sbom = (await buildRecords(recordsInput(ws, { ova: { path: 'x/y.ova', sha256: hex('ova'), size: 1 } })))['sbom.cdx.json']!;
    await validateSbom(sbom);
    const doc = JSON.parse(sbom) as { metadata: { component: { name: string; version: string } }; components: Array<{ name: string }> };
    expect([doc.metadata.component, doc.components.map((c) => c.name).sort()]).toEqual([
      expect.objectContaining({ name: 'ubuntu-2004-vsphere-plan', version: 'v1.26.5+vmware.1-myorg.0' }),
      ['containerd', 'kubelet', 'nfs-common', 'ubuntu'],
    ]);
  });

  it('fails naming the role contract when the build wrote no package list', async () => {
    const ws = workspaceWith('ubuntu-2004-aws-cis');
    const e = await kilnRejectionOf(buildRecords(recordsInput(ws, { amis: { 'us-east-1': 'ami-0a1b2c3d4e5f60718' } })));
    expect([e.code, e.message, e.hint]).toEqual([
      'PACKAGE_LIST_MISSING',
      'the build finished but wrote no package list (dist/images/ubuntu-2004-aws-cis/output/packages.tsv), so there is no sbom.cdx.json to make',
      "image-builder must run Kiln's kiln-package-list role: custom_role_names lists /home/imagebuilder/kiln-package-list last " +
        '(mounted from {kiln}/libs/provenance/ansible/kiln-package-list) and the role writes ' +
        'kiln_package_list_dest=/home/imagebuilder/output/packages.tsv, which Kiln copies out with the output folder',
    ]);
  });

  it('fails naming the file and line of a package list the role did not write', async () => {
    const ws = workspaceWith('ubuntu-2004-aws-cis');
    writeFileSync(join(ws.output, PACKAGE_LIST_FILE), 'containerd\t1.6.18\tamd64\tinstalled\n');
    const e = await kilnRejectionOf(buildRecords(recordsInput(ws, { amis: { 'us-east-1': 'ami-0a1b2c3d4e5f60718' } })));
    expect([e.code, e.file, e.line]).toEqual(['PACKAGE_LIST_FORMAT', 'dist/images/ubuntu-2004-aws-cis/output/packages.tsv', 1]);
  });
});

describe("the kiln-package-list role's place in the build", () => {
  it('build-plan.json mounts the role folder of this Kiln installation, which has tasks/main.yml', () => {
    const dir = resolveTokens(PACKAGE_LIST_ROLE.host, { workspace: '/ws', config: '/c', run: '/r', kiln: KILN_ROOT });
    expect([PACKAGE_LIST_ROLE.host, existsSync(join(dir, 'tasks', 'main.yml'))]).toEqual([`{kiln}/${PACKAGE_LIST_ROLE_DIR}`, true]);
  });

  it("the role's default destination is the one Kiln passes, in the output folder, named packages.tsv", () => {
    const defaults = parse(readFileSync(join(KILN_ROOT, PACKAGE_LIST_ROLE_DIR, 'defaults', 'main.yml'), 'utf8')) as Record<string, string>;
    expect([defaults.kiln_package_list_dest, PACKAGE_LIST_ROLE.dest.split('/').pop()]).toEqual([PACKAGE_LIST_ROLE.dest, PACKAGE_LIST_FILE]);
  });
});
