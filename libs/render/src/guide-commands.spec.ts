// The TKG 2.3 guide's image-builder `docker run` commands, compared with the `docker create` (and cp/start/rm) Kiln runs for the same image.
import { describe, expect, it } from 'vitest';
import { gossSpecName, loadCatalog } from '@kiln/catalog';
import { parseDockerCommand, parseDockerRun, type ParsedDockerRun, type ParsedMount } from '../test/docker-command-parser';
import { dockerBuildCommands, dockerCreateArgs, type BuildCommands, type PathTokens } from './docker-run-args';
import type { ImageContext } from './image-context';
import { renderBuildPlan } from './render-build-plan';
import { renderCustomizations } from './render-customizations';
import { awsSpec, azureSpec, fixtureContext, vsphereSpec } from '../test/test-fixtures';

// ---- The guide's commands, as printed (seed guide, "build a Linux custom machine image", TKG 2.3). ----

/** The guide's generic command ("gather the parameter strings … then run"). */
const GUIDE_TEMPLATE = String.raw`docker run -it --rm \
-v $AUTHENTICATION \
-v $SOURCES \
-v $ROLES \
-v /PATH/TO/goss/TESTS.yaml:/home/imagebuilder/goss/goss.yaml \
-v /PATH/TO/metadata.json:/home/imagebuilder/metadata.json \
-v /PATH/TO/CUSTOMIZATIONS.json:/home/imagebuilder/CUSTOMIZATIONS.json \
--env PACKER_VAR_FILES="tkg.json CUSTOMIZATIONS.json" \
--env-file AZURE-CREDS \
--env IB_OVFTOOL=1 \
projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2 \
COMMAND`;

/** Example "vSphere". */
const GUIDE_VSPHERE = String.raw`docker run -it --rm \
-v /PATH/TO/CREDENTIALS.json:/home/imagebuilder/vsphere.json \
-v $(pwd)/tkg.json:/home/imagebuilder/tkg.json \
-v $(pwd)/tkg:/home/imagebuilder/tkg \
-v $(pwd)/goss/vsphere-ubuntu-1.26.5+vmware.1-goss-spec.yaml:/home/imagebuilder/goss/goss.yaml \
-v $(pwd)/metadata.json:/home/imagebuilder/metadata.json \
-v /PATH/TO/OVA/DIR:/home/imagebuilder/output \
--env PACKER_VAR_FILES="tkg.json vsphere.json" \
--env OVF_CUSTOM_PROPERTIES=/home/imagebuilder/metadata.json \
--env IB_OVFTOOL=1 \
projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2 \
build-node-ova-vsphere-ubuntu-2004`;

/** Example "GPU-enabled clusters": the vSphere command plus customizations.json. */
const GUIDE_VSPHERE_GPU = String.raw`docker run -it --rm \
-v /PATH/TO/CREDENTIALS.json:/home/imagebuilder/vsphere.json \
-v $(pwd)/tkg.json:/home/imagebuilder/tkg.json \
-v $(pwd)/tkg:/home/imagebuilder/tkg \
-v $(pwd)/goss/vsphere-ubuntu-1.26.5+vmware.1-goss-spec.yaml:/home/imagebuilder/goss/goss.yaml \
-v $(pwd)/metadata.json:/home/imagebuilder/metadata.json \
-v $(pwd)/customizations.json:/home/imagebuilder/customizations.json \
-v /PATH/TO/OVA/DIR:/home/imagebuilder/output \
--env PACKER_VAR_FILES="tkg.json vsphere.json customizations.json" \
--env OVF_CUSTOM_PROPERTIES=/home/imagebuilder/metadata.json \
--env IB_OVFTOOL=1 \
projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2 \
build-node-ova-vsphere-ubuntu-2004`;

/** Example "RHEL": "add the following to the docker run command above". */
const GUIDE_RHEL_ADDITION = String.raw`-v $(pwd)/isos/rhel-8.4-x86_64-dvd.iso:/rhel-8.4-x86_64-dvd.iso \
--network host \
--env RHSM_USER=USER --env RHSM_PASS=PASS`;

/** Example "AWS", verbatim, with the guide's bug: the CUSTOMIZATIONS mount lacks its colon. */
const GUIDE_AWS_VERBATIM = String.raw`docker run -it --rm \
-v ~/.aws:/home/imagebuilder/.aws \
-v $(pwd)/tkg.json:/home/imagebuilder/tkg.json \
-v $(pwd)/tkg:/home/imagebuilder/tkg \
-v $(pwd)/goss/amazon-ubuntu-1.26.5+vmware.1-goss-spec.yaml:/home/imagebuilder/goss/goss.yaml \
-v /PATH/TO/CUSTOMIZATIONS.json /home/imagebuilder/aws.json \
--env PACKER_VAR_FILES="tkg.json aws.json" \
--env IB_OVFTOOL=1 \
projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2 \
build-ami-ubuntu-2004`;

const BUILDER_IMAGE_LINE = 'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2 \\\n';

/** The AWS example with its missing colon fixed. */
const GUIDE_AWS = GUIDE_AWS_VERBATIM.replace(
  '-v /PATH/TO/CUSTOMIZATIONS.json /home/imagebuilder/aws.json',
  '-v /PATH/TO/CUSTOMIZATIONS.json:/home/imagebuilder/aws.json',
);

/** RHEL: the vSphere example with the RHEL lines added and the RHEL make target / goss spec. */
const GUIDE_RHEL = GUIDE_VSPHERE.replace(BUILDER_IMAGE_LINE, `${GUIDE_RHEL_ADDITION} \\\n${BUILDER_IMAGE_LINE}`)
  .replace('vsphere-ubuntu-1.26.5', 'vsphere-rhel-8-1.26.5')
  .replace('build-node-ova-vsphere-ubuntu-2004', 'build-node-ova-vsphere-rhel-8');

/** Azure: the generic command with the guide's Azure strings (AUTHENTICATION ~/.azure, azure-sig.json, no metadata.json). */
const GUIDE_AZURE = GUIDE_TEMPLATE.replace('$AUTHENTICATION', '~/.azure:/home/imagebuilder/.azure')
  .replace('$SOURCES', '$(pwd)/tkg.json:/home/imagebuilder/tkg.json')
  .replace('$ROLES', '$(pwd)/tkg:/home/imagebuilder/tkg')
  .replace('-v /PATH/TO/metadata.json:/home/imagebuilder/metadata.json \\\n', '')
  .replace('/home/imagebuilder/CUSTOMIZATIONS.json', '/home/imagebuilder/azure-sig.json')
  .replace('"tkg.json CUSTOMIZATIONS.json"', '"tkg.json azure-sig.json"')
  .replace('COMMAND', 'build-azure-sig-ubuntu-2004');

/** CIS / STIG: "that role folder must be mounted" at /home/imagebuilder/<role>, next to the tkg role. */
function withRoleMount(command: string, role: string): string {
  const tkgRole = '-v $(pwd)/tkg:/home/imagebuilder/tkg \\\n';
  return command.replace(tkgRole, `${tkgRole}-v $(pwd)/${role}:/home/imagebuilder/${role} \\\n`);
}

// ---- Mapping the guide's placeholders to the paths Kiln's tokens resolve to. ----

const H = '/home/imagebuilder';
const TOKENS: PathTokens = {
  workspace: '/ws',
  config: '/ws/dist/images/img/config',
  run: '/tmp/kiln-run-1',
  kiln: '/opt/kiln',
};
/** Where Kiln copies the output folder to (the guide's /PATH/TO/OVA/DIR). */
const OUTPUT = '/ws/dist/images/img/output';
/** The guide's ~ (Kiln mounts nothing from it). */
const HOME = '/home/me';
/** The guide's $(pwd): the unzipped config bundle, which Kiln keeps under images/_bundles/. */
const BUNDLE = `${TOKENS.workspace}/images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0`;
const CONTAINER_NAME = 'kiln-build-img-1';
/** What the guide's AZURE-CREDS env file holds: the service principal init-sig.sh logs in with. */
const AZURE_ENV = ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'];

const PLACEHOLDERS: Array<[string, string]> = [
  ['/PATH/TO/OVA/DIR', OUTPUT],
  ['/PATH/TO/CUSTOMIZATIONS.json', `${TOKENS.config}/customizations.json`],
  ['/PATH/TO/goss/', `${BUNDLE}/goss/`],
  ['$(pwd)/', `${BUNDLE}/`],
  ['~/', `${HOME}/`],
];

function mapPlaceholder(path: string): string {
  for (const [from, to] of PLACEHOLDERS)
    if (path === from || (from.endsWith('/') && path.startsWith(from))) return to + path.slice(from.length);
  return path;
}

/** The guide command with its placeholders replaced by this test's paths. */
function guide(text: string): ParsedDockerRun {
  const parsed = parseDockerCommand(text);
  const mounts: Record<string, ParsedMount> = {};
  for (const [container, m] of Object.entries(parsed.mounts)) mounts[container] = { ...m, host: mapPlaceholder(m.host) };
  return { ...parsed, mounts, envFiles: parsed.envFiles.map(mapPlaceholder) };
}

function planOf(ctx: ImageContext) {
  return renderBuildPlan(ctx, renderCustomizations(ctx));
}

/** The docker command lines Kiln runs for the image. */
function kilnCommands(ctx: ImageContext): BuildCommands {
  return dockerBuildCommands(planOf(ctx), TOKENS, CONTAINER_NAME, OUTPUT);
}

/** The `docker create` Kiln runs for the image. */
function kiln(ctx: ImageContext): ParsedDockerRun {
  return parseDockerRun(['docker', ...kilnCommands(ctx).create]);
}

const CREDENTIAL_MOUNTS = [`${H}/vsphere.json`, `${H}/.aws`, `${H}/.azure`];
const RENDERED_FILES = ['metadata.json', 'customizations.json'];

/**
 * The guide command as Kiln deliberately runs it; each change has its own `it` under
 * "deliberate differences" below:
 *  - `docker create` (then `start --attach`, `rm --force`) instead of `run -it --rm`, the container named;
 *  - credentials copied into the created container (vSphere, AWS) instead of mounted;
 *  - the output folder copied out after the build instead of mounted (on Azure too: it holds the package list);
 *  - Kiln's kiln-package-list role mounted from the Kiln installation ({kiln});
 *  - Azure: no ~/.azure mount and no --env-file: the four AZURE_* passed by name;
 *  - every mount read-only;
 *  - IB_OVFTOOL only on vSphere, plus PACKER_FLAGS=-force there;
 *  - tkg.json from a per-run copy ({run}) with <IP>:<PORT> filled in, never the bundle's own file;
 *  - the goss spec named by the 2.x bundle pattern (the guide's example name is the 1.x pattern);
 *  - metadata.json / customizations.json from the rendered config folder ({config}), not the bundle folder;
 *  - the RHEL ISO from the workspace root, not from inside the bundle folder.
 * (vSphere also always mounts customizations.json: see withBuildVmName.)
 */
function asKilnRunsIt(g: ParsedDockerRun, ctx: ImageContext): ParsedDockerRun {
  const mounts: Record<string, ParsedMount> = {};
  for (const [container, m] of Object.entries(g.mounts)) {
    if (CREDENTIAL_MOUNTS.includes(container) || container === `${H}/output`) continue;
    let { host } = m;
    if (container === `${H}/tkg.json`) host = `${TOKENS.run}/tkg.json`;
    if (container === `${H}/goss/goss.yaml`) host = `${BUNDLE}/goss/${ctx.gossSpec}`;
    for (const file of RENDERED_FILES) if (host === `${BUNDLE}/${file}`) host = `${TOKENS.config}/${file}`;
    if (host.endsWith('.iso')) host = host.replace(`${BUNDLE}/`, `${TOKENS.workspace}/`);
    mounts[container] = { host, readOnly: true };
  }
  mounts[`${H}/kiln-package-list`] = { host: `${TOKENS.kiln}/libs/provenance/ansible/kiln-package-list`, readOnly: true };
  const env = { ...g.env };
  if (ctx.spec.infra === 'vsphere') env.PACKER_FLAGS = '-force';
  else delete env.IB_OVFTOOL;
  if (g.envFiles.length > 0) {
    if (g.envFiles.join() !== 'AZURE-CREDS') throw new Error(`unexpected env files ${g.envFiles.join()}`);
    for (const name of AZURE_ENV) env[name] = null;
  }
  return { ...g, command: 'create', flags: [], name: CONTAINER_NAME, mounts, env, envFiles: [] };
}

/** vSphere: Kiln always mounts customizations.json (build_version names the build VM), listed last in PACKER_VAR_FILES. */
function withBuildVmName(run: ParsedDockerRun): ParsedDockerRun {
  return {
    ...run,
    mounts: { ...run.mounts, [`${H}/customizations.json`]: { host: `${TOKENS.config}/customizations.json`, readOnly: true } },
    env: { ...run.env, PACKER_VAR_FILES: `${run.env.PACKER_VAR_FILES} customizations.json` },
  };
}

const RHEL = { iso: 'isos/rhel-8.4-x86_64-dvd.iso', subscription: { userEnv: 'RHSM_USER', passwordEnv: 'RHSM_PASS' } };
const vsphereCtx = () =>
  fixtureContext(vsphereSpec({ vsphere: { clusterType: 'class', version: 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e' } }));
const gpuCtx = () => fixtureContext(vsphereSpec({ gpu: true }));
const rhelCtx = () => fixtureContext(vsphereSpec({ os: 'rhel-8', rhel: RHEL }));
const awsCtx = () => fixtureContext(awsSpec());
const azureCtx = () => fixtureContext(azureSpec());

describe('docker command parser', () => {
  it("reads the guide's vSphere example into mounts, env, image and make target", () => {
    expect(parseDockerCommand(GUIDE_VSPHERE)).toEqual({
      command: 'run',
      flags: ['-it', '--rm'],
      mounts: {
        [`${H}/vsphere.json`]: { host: '/PATH/TO/CREDENTIALS.json', readOnly: false },
        [`${H}/tkg.json`]: { host: '$(pwd)/tkg.json', readOnly: false },
        [`${H}/tkg`]: { host: '$(pwd)/tkg', readOnly: false },
        [`${H}/goss/goss.yaml`]: { host: '$(pwd)/goss/vsphere-ubuntu-1.26.5+vmware.1-goss-spec.yaml', readOnly: false },
        [`${H}/metadata.json`]: { host: '$(pwd)/metadata.json', readOnly: false },
        [`${H}/output`]: { host: '/PATH/TO/OVA/DIR', readOnly: false },
      },
      env: { PACKER_VAR_FILES: 'tkg.json vsphere.json', OVF_CUSTOM_PROPERTIES: `${H}/metadata.json`, IB_OVFTOOL: '1' },
      envFiles: [],
      image: 'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2',
      args: ['build-node-ova-vsphere-ubuntu-2004'],
    });
  });

  it("rejects the guide's AWS example as printed: its CUSTOMIZATIONS mount has no colon", () => {
    expect(() => parseDockerCommand(GUIDE_AWS_VERBATIM)).toThrow(
      'malformed mount "/PATH/TO/CUSTOMIZATIONS.json": expected HOST:CONTAINER[:ro]',
    );
    expect(GUIDE_AWS).not.toBe(GUIDE_AWS_VERBATIM);
  });

  it('reads `docker create` as well, and refuses any other subcommand', () => {
    expect(parseDockerRun(['docker', 'create', '--name', 'n', '-v', '/a:/b:ro', 'img', 'target'])).toEqual({
      command: 'create',
      flags: [],
      name: 'n',
      mounts: { '/b': { host: '/a', readOnly: true } },
      env: {},
      envFiles: [],
      image: 'img',
      args: ['target'],
    });
    expect(() => parseDockerRun(['docker', 'start', '--attach', 'n'])).toThrow('not a docker run or create command: docker start');
  });
});

describe('guide commands vs the command Kiln runs', () => {
  it('vSphere (plain): same mounts, env, image and target, plus customizations.json for the build VM name', () => {
    const ctx = vsphereCtx();
    expect(kiln(ctx)).toEqual(withBuildVmName(asKilnRunsIt(guide(GUIDE_VSPHERE), ctx)));
  });

  it('vSphere GPU: customizations.json mounted and listed last in PACKER_VAR_FILES', () => {
    const ctx = gpuCtx();
    const k = kiln(ctx);
    expect(k).toEqual(asKilnRunsIt(guide(GUIDE_VSPHERE_GPU), ctx));
    expect(k.env.PACKER_VAR_FILES).toBe('tkg.json vsphere.json customizations.json');
  });

  it('RHEL: ISO mounted read-only, --network host, RHSM_USER / RHSM_PASS passed by name with NO value', () => {
    const ctx = rhelCtx();
    const g = guide(GUIDE_RHEL);
    const k = kiln(ctx);
    // The guide puts the subscription user and password on the command line; Kiln passes the names only.
    expect([g.env.RHSM_USER, g.env.RHSM_PASS]).toEqual(['USER', 'PASS']);
    expect([k.env.RHSM_USER, k.env.RHSM_PASS]).toEqual([null, null]);
    expect(k.network).toBe('host');
    expect(k.mounts['/rhel-8.4-x86_64-dvd.iso']).toEqual({ host: '/ws/isos/rhel-8.4-x86_64-dvd.iso', readOnly: true });
    const expected = withBuildVmName(asKilnRunsIt(g, ctx));
    expect(k).toEqual({ ...expected, env: { ...expected.env, RHSM_USER: null, RHSM_PASS: null } });
  });

  it('AWS: the colon the guide forgot is there; the packer manifest is copied out of the output folder', () => {
    const ctx = awsCtx();
    const k = kiln(ctx);
    expect(k.mounts[`${H}/aws.json`]).toEqual({ host: `${TOKENS.config}/customizations.json`, readOnly: true });
    // The guide has no output folder for AWS; customizations.json points manifest_output (the AMI ids) into it.
    expect(guide(GUIDE_AWS).mounts[`${H}/output`]).toBeUndefined();
    expect(renderCustomizations(ctx).manifest_output).toBe(`${H}/output/manifest.json`);
    expect(kilnCommands(ctx).copyOut).toEqual(['cp', `${CONTAINER_NAME}:${H}/output/.`, OUTPUT]);
    expect(k).toEqual(asKilnRunsIt(guide(GUIDE_AWS), ctx));
  });

  it('Azure: azure-sig.json; plus the declared location, gallery and resource group', () => {
    const ctx = azureCtx();
    const k = kiln(ctx);
    expect(k.mounts[`${H}/azure-sig.json`]).toEqual({ host: `${TOKENS.config}/customizations.json`, readOnly: true });
    // The guide leaves these to the shell; unset, image-builder's init-sig.sh creates a random gallery per build.
    const declared = { AZURE_LOCATION: 'westeurope', GALLERY_NAME: 'my_gallery', RESOURCE_GROUP_NAME: 'rg-images' };
    const expected = asKilnRunsIt(guide(GUIDE_AZURE), ctx);
    expect(k).toEqual({ ...expected, env: { ...expected.env, ...declared } });
  });

  it('CIS: the cis_ubuntu_2004 role folder of the bundle is mounted at /home/imagebuilder/cis_ubuntu_2004', () => {
    const ctx = fixtureContext(awsSpec({ hardening: { cis: {} } }));
    const k = kiln(ctx);
    expect(k.mounts[`${H}/cis_ubuntu_2004`]).toEqual({ host: `${BUNDLE}/cis_ubuntu_2004`, readOnly: true });
    expect(k).toEqual(asKilnRunsIt(guide(withRoleMount(GUIDE_AWS, 'cis_ubuntu_2004')), ctx));
  });

  it('STIG: the stig_ubuntu_2004 role folder of the bundle is mounted at /home/imagebuilder/stig_ubuntu_2004', () => {
    const ctx = fixtureContext(awsSpec({ hardening: { stig: {} } }));
    const k = kiln(ctx);
    expect(k.mounts[`${H}/stig_ubuntu_2004`]).toEqual({ host: `${BUNDLE}/stig_ubuntu_2004`, readOnly: true });
    expect(k).toEqual(asKilnRunsIt(guide(withRoleMount(GUIDE_AWS, 'stig_ubuntu_2004')), ctx));
  });
});

describe('deliberate differences from the guide', () => {
  it('`docker create` (then `start --attach` and `rm --force`) instead of `run -it --rm`: no TTY, a named container', () => {
    const g = guide(GUIDE_VSPHERE);
    expect([g.command, g.flags, g.name]).toEqual(['run', ['-it', '--rm'], undefined]);
    const k = kiln(vsphereCtx());
    expect([k.command, k.flags, k.name]).toEqual(['create', [], CONTAINER_NAME]);
    const commands = kilnCommands(vsphereCtx());
    expect([commands.start, commands.remove]).toEqual([
      ['start', '--attach', CONTAINER_NAME],
      ['rm', '--force', CONTAINER_NAME],
    ]);
  });

  it('vSphere and AWS credentials are copied into the created container from stdin, not mounted (the guide mounts them read-write)', () => {
    const cases: Array<[string, ImageContext, string, string]> = [
      [GUIDE_VSPHERE, vsphereCtx(), `${H}/vsphere.json`, '/PATH/TO/CREDENTIALS.json'],
      [GUIDE_AWS, awsCtx(), `${H}/.aws`, `${HOME}/.aws`],
    ];
    for (const [text, ctx, container, host] of cases) {
      expect(guide(text).mounts[container]).toEqual({ host, readOnly: false });
      expect(kiln(ctx).mounts[container]).toBeUndefined();
      expect(planOf(ctx).credentials.into).toBe(container);
      expect(kilnCommands(ctx).copyIn).toEqual(['cp', '-', `${CONTAINER_NAME}:${H}`]);
    }
  });

  it('the output folder is copied out after the build instead of mounted (vSphere OVA, AWS packer manifest, the package list everywhere)', () => {
    expect(guide(GUIDE_VSPHERE).mounts[`${H}/output`]).toEqual({ host: OUTPUT, readOnly: false });
    expect(guide(GUIDE_AZURE).mounts[`${H}/output`]).toBeUndefined();
    for (const ctx of [vsphereCtx(), awsCtx(), azureCtx()]) {
      const k = kiln(ctx);
      expect(k.mounts[`${H}/output`]).toBeUndefined();
      expect(Object.values(k.mounts).filter((m) => m.host.startsWith(OUTPUT))).toEqual([]);
      expect(kilnCommands(ctx).copyOut).toEqual(['cp', `${CONTAINER_NAME}:${H}/output/.`, OUTPUT]);
    }
  });

  it("Kiln's kiln-package-list role is mounted from the Kiln installation and listed last in custom_role_names (the guide lists no package)", () => {
    for (const text of [GUIDE_VSPHERE, GUIDE_AWS, GUIDE_AZURE]) expect(guide(text).mounts[`${H}/kiln-package-list`]).toBeUndefined();
    for (const ctx of [vsphereCtx(), rhelCtx(), awsCtx(), azureCtx()]) {
      expect(kiln(ctx).mounts[`${H}/kiln-package-list`]).toEqual({
        host: '/opt/kiln/libs/provenance/ansible/kiln-package-list',
        readOnly: true,
      });
      expect(renderCustomizations(ctx).custom_role_names.split(' ').pop()).toBe(`${H}/kiln-package-list`);
    }
  });

  it('Azure: no ~/.azure mount and no --env-file; the four AZURE_* go by name and the container logs in into its own config folder', () => {
    const g = guide(GUIDE_AZURE);
    expect(g.mounts[`${H}/.azure`]).toEqual({ host: `${HOME}/.azure`, readOnly: false });
    expect(g.envFiles).toEqual(['AZURE-CREDS']);
    const k = kiln(azureCtx());
    expect(Object.entries(k.mounts).filter(([container, m]) => container.includes('.azure') || m.host.includes('.azure'))).toEqual([]);
    expect(k.envFiles).toEqual([]);
    expect(AZURE_ENV.map((name) => k.env[name])).toEqual([null, null, null, null]);
    expect(kilnCommands(azureCtx()).copyIn).toBeUndefined();
  });

  it('every mount is read-only (the guide mounts every folder and file read-write)', () => {
    const cases: Array<[string, ImageContext]> = [
      [GUIDE_VSPHERE, vsphereCtx()],
      [GUIDE_VSPHERE_GPU, gpuCtx()],
      [GUIDE_RHEL, rhelCtx()],
      [GUIDE_AWS, awsCtx()],
      [withRoleMount(GUIDE_AWS, 'cis_ubuntu_2004'), fixtureContext(awsSpec({ hardening: { cis: {} } }))],
      [GUIDE_AZURE, azureCtx()],
    ];
    for (const [text, ctx] of cases) {
      expect([...new Set(Object.values(guide(text).mounts).map((m) => m.readOnly))]).toEqual([false]);
      expect([...new Set(Object.values(kiln(ctx).mounts).map((m) => m.readOnly))]).toEqual([true]);
    }
  });

  it('IB_OVFTOOL=1 only on vSphere (the guide sets it everywhere), and PACKER_FLAGS=-force there so a rebuild replaces its leftover VM', () => {
    for (const text of [GUIDE_AWS, GUIDE_AZURE]) expect(guide(text).env.IB_OVFTOOL).toBe('1');
    for (const ctx of [awsCtx(), azureCtx()]) {
      const env = kiln(ctx).env;
      expect(['IB_OVFTOOL' in env, 'PACKER_FLAGS' in env]).toEqual([false, false]);
    }
    expect(guide(GUIDE_VSPHERE).env.PACKER_FLAGS).toBeUndefined();
    for (const ctx of [vsphereCtx(), rhelCtx()]) {
      const env = kiln(ctx).env;
      expect([env.IB_OVFTOOL, env.PACKER_FLAGS]).toEqual(['1', '-force']);
    }
  });

  it('vSphere always mounts customizations.json: build_version kiln-<image> names the build VM', () => {
    expect(guide(GUIDE_VSPHERE).mounts[`${H}/customizations.json`]).toBeUndefined();
    const ctx = vsphereCtx();
    expect(renderCustomizations(ctx).build_version).toBe('kiln-img');
    const k = kiln(ctx);
    expect(k.mounts[`${H}/customizations.json`]).toEqual({ host: `${TOKENS.config}/customizations.json`, readOnly: true });
    expect(k.env.PACKER_VAR_FILES).toBe('tkg.json vsphere.json customizations.json');
  });

  it("tkg.json comes from a per-run copy (endpoint filled in), never the bundle's own file", () => {
    expect(guide(GUIDE_VSPHERE).mounts[`${H}/tkg.json`].host).toBe(`${BUNDLE}/tkg.json`);
    expect(kiln(vsphereCtx()).mounts[`${H}/tkg.json`].host).toBe(`${TOKENS.run}/tkg.json`);
  });

  it("the goss spec follows the 2.x bundle pattern, not the guide's 1.x example name", () => {
    const catalog = loadCatalog();
    const cases: Array<[string, ImageContext, string, string]> = [
      [
        GUIDE_VSPHERE,
        vsphereCtx(),
        'vsphere-ubuntu-1.26.5+vmware.1-goss-spec.yaml',
        'vsphere-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml',
      ],
      [GUIDE_AWS, awsCtx(), 'amazon-ubuntu-1.26.5+vmware.1-goss-spec.yaml', 'amazon-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml'],
    ];
    for (const [text, ctx, guideName, kilnName] of cases) {
      expect(guide(text).mounts[`${H}/goss/goss.yaml`].host).toBe(`${BUNDLE}/goss/${guideName}`);
      expect(kiln(ctx).mounts[`${H}/goss/goss.yaml`].host).toBe(`${BUNDLE}/goss/${kilnName}`);
      expect(gossSpecName(catalog, 'v2.3.0', ctx.spec.infra, ctx.spec.os)).toBe(kilnName);
    }
  });

  it('metadata.json and customizations.json come from the rendered config folder, not the bundle folder', () => {
    const g = guide(GUIDE_VSPHERE_GPU);
    const k = kiln(gpuCtx());
    expect([g.mounts[`${H}/metadata.json`].host, g.mounts[`${H}/customizations.json`].host]).toEqual([
      `${BUNDLE}/metadata.json`,
      `${BUNDLE}/customizations.json`,
    ]);
    expect([k.mounts[`${H}/metadata.json`].host, k.mounts[`${H}/customizations.json`].host]).toEqual([
      `${TOKENS.config}/metadata.json`,
      `${TOKENS.config}/customizations.json`,
    ]);
  });

  it("customizations are mounted only when non-empty (the guide's generic command always mounts one)", () => {
    expect(GUIDE_TEMPLATE).toContain('-v /PATH/TO/CUSTOMIZATIONS.json:/home/imagebuilder/CUSTOMIZATIONS.json');
    expect(GUIDE_TEMPLATE).toContain('--env PACKER_VAR_FILES="tkg.json CUSTOMIZATIONS.json"');
    // Every infra renders at least one customization today; an empty set is what the renderer must not mount.
    const k = parseDockerRun(['docker', ...dockerCreateArgs(renderBuildPlan(vsphereCtx(), {}), TOKENS, CONTAINER_NAME)]);
    expect(Object.keys(k.mounts).filter((c) => c.includes('customizations'))).toEqual([]);
    expect(k.env.PACKER_VAR_FILES).toBe('tkg.json vsphere.json');
  });

  it('the RHEL ISO is taken from the workspace (image.yaml rhel.iso), not from inside the bundle folder', () => {
    expect(guide(GUIDE_RHEL).mounts['/rhel-8.4-x86_64-dvd.iso'].host).toBe(`${BUNDLE}/isos/rhel-8.4-x86_64-dvd.iso`);
    expect(kiln(rhelCtx()).mounts['/rhel-8.4-x86_64-dvd.iso'].host).toBe(`${TOKENS.workspace}/isos/rhel-8.4-x86_64-dvd.iso`);
  });
});
