// The TKG 2.3 guide's image-builder `docker run` commands, compared with what Kiln runs for the same image.
import { describe, expect, it } from 'vitest';
import { gossSpecName, loadCatalog } from '@kiln/catalog';
import { parseDockerCommand, parseDockerRun, type ParsedDockerRun, type ParsedMount } from './docker-command-parser';
import { dockerRunArgs, type PathTokens } from './docker-run-args';
import type { ImageContext } from './image-context';
import { renderBuildPlan } from './render-build-plan';
import { renderCustomizations } from './render-customizations';
import { awsSpec, azureSpec, fixtureContext, vsphereSpec } from './test-fixtures';

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
  credentials: '/tmp/kiln-cred-1',
  output: '/ws/dist/images/img/output',
  home: '/home/me',
};
/** The guide's $(pwd): the unzipped config bundle, which Kiln keeps under images/_bundles/. */
const BUNDLE = `${TOKENS.workspace}/images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0`;
const CONTAINER_NAME = 'kiln-build-img-1';

const PLACEHOLDERS: Array<[string, string]> = [
  ['/PATH/TO/CREDENTIALS.json', `${TOKENS.credentials}/vsphere.json`],
  ['/PATH/TO/OVA/DIR', TOKENS.output],
  ['/PATH/TO/CUSTOMIZATIONS.json', `${TOKENS.config}/customizations.json`],
  ['/PATH/TO/goss/', `${BUNDLE}/goss/`],
  ['AZURE-CREDS', `${TOKENS.credentials}/azure-creds.env`],
  ['$(pwd)/', `${BUNDLE}/`],
  ['~/', `${TOKENS.home}/`],
];

function mapPlaceholder(path: string): string {
  for (const [from, to] of PLACEHOLDERS) if (path === from || (from.endsWith('/') && path.startsWith(from))) return to + path.slice(from.length);
  return path;
}

/** The guide command with its placeholders replaced by this test's token paths. */
function guide(text: string): ParsedDockerRun {
  const parsed = parseDockerCommand(text);
  const mounts: Record<string, ParsedMount> = {};
  for (const [container, m] of Object.entries(parsed.mounts)) mounts[container] = { ...m, host: mapPlaceholder(m.host) };
  return { ...parsed, mounts, envFiles: parsed.envFiles.map(mapPlaceholder) };
}

/** What Kiln runs for the image. */
function kiln(ctx: ImageContext): ParsedDockerRun {
  return parseDockerRun(['docker', ...dockerRunArgs(renderBuildPlan(ctx, renderCustomizations(ctx)), TOKENS, CONTAINER_NAME)]);
}

const CREDENTIAL_MOUNTS = [`${H}/vsphere.json`, `${H}/.aws`, `${H}/.azure`];
const RENDERED_FILES = ['metadata.json', 'customizations.json'];

/**
 * The guide command as Kiln deliberately runs it; each change has its own `it` under
 * "deliberate differences" below:
 *  - `-it` dropped (unattended, no TTY) and the container named (so an interrupted build can be found and removed);
 *  - credentials mounted read-only;
 *  - tkg.json from a per-run copy ({run}) with <IP>:<PORT> filled in, never the bundle's own file;
 *  - the goss spec named by the 2.x bundle pattern (the guide's example name is the 1.x pattern);
 *  - metadata.json / customizations.json from the rendered config folder ({config}), not the bundle folder;
 *  - the RHEL ISO from the workspace root, not from inside the bundle folder.
 */
function asKilnRunsIt(g: ParsedDockerRun, ctx: ImageContext): ParsedDockerRun {
  const mounts: Record<string, ParsedMount> = {};
  for (const [container, m] of Object.entries(g.mounts)) {
    let { host, readOnly } = m;
    if (CREDENTIAL_MOUNTS.includes(container)) readOnly = true;
    if (container === `${H}/tkg.json`) host = `${TOKENS.run}/tkg.json`;
    if (container === `${H}/goss/goss.yaml`) host = `${BUNDLE}/goss/${ctx.gossSpec}`;
    for (const file of RENDERED_FILES) if (host === `${BUNDLE}/${file}`) host = `${TOKENS.config}/${file}`;
    if (host.endsWith('.iso')) host = host.replace(`${BUNDLE}/`, `${TOKENS.workspace}/`);
    mounts[container] = { host, readOnly };
  }
  return { ...g, flags: g.flags.filter((f) => f !== '-it'), name: CONTAINER_NAME, mounts };
}

const RHEL = { iso: 'isos/rhel-8.4-x86_64-dvd.iso', subscription: { userEnv: 'RHSM_USER', passwordEnv: 'RHSM_PASS' } };
const vsphereCtx = () => fixtureContext(vsphereSpec({ vsphere: { clusterType: 'class', version: 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e' } }));
const rhelCtx = () => fixtureContext(vsphereSpec({ os: 'rhel-8', rhel: RHEL }));
const awsCtx = () => fixtureContext(awsSpec());
const azureCtx = () => fixtureContext(azureSpec());

describe('docker command parser', () => {
  it("reads the guide's vSphere example into mounts, env, image and make target", () => {
    expect(parseDockerCommand(GUIDE_VSPHERE)).toEqual({
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
    expect(() => parseDockerCommand(GUIDE_AWS_VERBATIM)).toThrow('malformed mount "/PATH/TO/CUSTOMIZATIONS.json": expected HOST:CONTAINER[:ro]');
    expect(GUIDE_AWS).not.toBe(GUIDE_AWS_VERBATIM);
  });
});

describe('guide commands vs the command Kiln runs', () => {
  it('vSphere (plain): same mounts, env, image and target', () => {
    const ctx = vsphereCtx();
    expect(kiln(ctx)).toEqual(asKilnRunsIt(guide(GUIDE_VSPHERE), ctx));
  });

  it('vSphere GPU: customizations.json mounted and listed last in PACKER_VAR_FILES', () => {
    const ctx = fixtureContext(vsphereSpec({ gpu: true }));
    const k = kiln(ctx);
    expect(k).toEqual(asKilnRunsIt(guide(GUIDE_VSPHERE_GPU), ctx));
    expect(k.env.PACKER_VAR_FILES).toBe('tkg.json vsphere.json customizations.json');
  });

  it('RHEL: ISO mounted, --network host, RHSM_USER / RHSM_PASS passed by name with NO value', () => {
    const ctx = rhelCtx();
    const g = guide(GUIDE_RHEL);
    const k = kiln(ctx);
    // The guide puts the subscription user and password on the command line; Kiln passes the names only.
    expect([g.env.RHSM_USER, g.env.RHSM_PASS]).toEqual(['USER', 'PASS']);
    expect([k.env.RHSM_USER, k.env.RHSM_PASS]).toEqual([null, null]);
    expect(k.network).toBe('host');
    expect(k.mounts['/rhel-8.4-x86_64-dvd.iso']).toEqual({ host: '/ws/isos/rhel-8.4-x86_64-dvd.iso', readOnly: false });
    expect(k).toEqual({ ...asKilnRunsIt(g, ctx), env: { ...g.env, RHSM_USER: null, RHSM_PASS: null } });
  });

  it('AWS: the colon the guide forgot is there; the output folder is mounted for the packer manifest', () => {
    const ctx = awsCtx();
    const k = kiln(ctx);
    expect(k.mounts[`${H}/aws.json`]).toEqual({ host: `${TOKENS.config}/customizations.json`, readOnly: false });
    // Kiln also mounts the output folder, where customizations.json points manifest_output (the AMI ids).
    expect(guide(GUIDE_AWS).mounts[`${H}/output`]).toBeUndefined();
    expect(renderCustomizations(ctx).manifest_output).toBe(`${H}/output/manifest.json`);
    const expected = asKilnRunsIt(guide(GUIDE_AWS), ctx);
    expect(k).toEqual({ ...expected, mounts: { ...expected.mounts, [`${H}/output`]: { host: TOKENS.output, readOnly: false } } });
  });

  it('Azure: ~/.azure, azure-sig.json, --env-file; plus the declared location, gallery and resource group', () => {
    const ctx = azureCtx();
    const k = kiln(ctx);
    expect(k.envFiles).toEqual([`${TOKENS.credentials}/azure-creds.env`]);
    expect(k.mounts[`${H}/.azure`]).toEqual({ host: `${TOKENS.home}/.azure`, readOnly: true });
    // The guide leaves these to the shell; unset, image-builder's init-sig.sh creates a random gallery per build.
    const declared = { AZURE_LOCATION: 'westeurope', GALLERY_NAME: 'my_gallery', RESOURCE_GROUP_NAME: 'rg-images' };
    const expected = asKilnRunsIt(guide(GUIDE_AZURE), ctx);
    expect(k).toEqual({ ...expected, env: { ...expected.env, ...declared } });
  });

  it('CIS: the cis_ubuntu_2004 role folder of the bundle is mounted at /home/imagebuilder/cis_ubuntu_2004', () => {
    const ctx = fixtureContext(awsSpec({ hardening: { cis: {} } }));
    const k = kiln(ctx);
    expect(k.mounts[`${H}/cis_ubuntu_2004`]).toEqual({ host: `${BUNDLE}/cis_ubuntu_2004`, readOnly: false });
    const expected = asKilnRunsIt(guide(withRoleMount(GUIDE_AWS, 'cis_ubuntu_2004')), ctx);
    expect(k).toEqual({ ...expected, mounts: { ...expected.mounts, [`${H}/output`]: { host: TOKENS.output, readOnly: false } } });
  });

  it('STIG: the stig_ubuntu_2004 role folder of the bundle is mounted at /home/imagebuilder/stig_ubuntu_2004', () => {
    const ctx = fixtureContext(awsSpec({ hardening: { stig: {} } }));
    const k = kiln(ctx);
    expect(k.mounts[`${H}/stig_ubuntu_2004`]).toEqual({ host: `${BUNDLE}/stig_ubuntu_2004`, readOnly: false });
    const expected = asKilnRunsIt(guide(withRoleMount(GUIDE_AWS, 'stig_ubuntu_2004')), ctx);
    expect(k).toEqual({ ...expected, mounts: { ...expected.mounts, [`${H}/output`]: { host: TOKENS.output, readOnly: false } } });
  });
});

describe('deliberate differences from the guide', () => {
  it('-it is dropped (unattended builds have no TTY) and the container gets a name', () => {
    expect(guide(GUIDE_VSPHERE).flags).toEqual(['-it', '--rm']);
    expect(guide(GUIDE_VSPHERE).name).toBeUndefined();
    const k = kiln(vsphereCtx());
    expect(k.flags).toEqual(['--rm']);
    expect(k.name).toBe(CONTAINER_NAME);
  });

  it('credentials are mounted read-only (the guide mounts them read-write)', () => {
    const cases: Array<[string, ImageContext, string, string]> = [
      [GUIDE_VSPHERE, vsphereCtx(), `${H}/vsphere.json`, `${TOKENS.credentials}/vsphere.json`],
      [GUIDE_AWS, awsCtx(), `${H}/.aws`, `${TOKENS.home}/.aws`],
      [GUIDE_AZURE, azureCtx(), `${H}/.azure`, `${TOKENS.home}/.azure`],
    ];
    for (const [text, ctx, container, host] of cases) {
      expect(guide(text).mounts[container]).toEqual({ host, readOnly: false });
      expect(kiln(ctx).mounts[container]).toEqual({ host, readOnly: true });
    }
  });

  it("tkg.json comes from a per-run copy (endpoint filled in), never the bundle's own file", () => {
    expect(guide(GUIDE_VSPHERE).mounts[`${H}/tkg.json`].host).toBe(`${BUNDLE}/tkg.json`);
    expect(kiln(vsphereCtx()).mounts[`${H}/tkg.json`].host).toBe(`${TOKENS.run}/tkg.json`);
  });

  it("the goss spec follows the 2.x bundle pattern, not the guide's 1.x example name", () => {
    const catalog = loadCatalog();
    const cases: Array<[string, ImageContext, string, string]> = [
      [GUIDE_VSPHERE, vsphereCtx(), 'vsphere-ubuntu-1.26.5+vmware.1-goss-spec.yaml', 'vsphere-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml'],
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
    const k = kiln(fixtureContext(vsphereSpec({ gpu: true })));
    expect([g.mounts[`${H}/metadata.json`].host, g.mounts[`${H}/customizations.json`].host]).toEqual([`${BUNDLE}/metadata.json`, `${BUNDLE}/customizations.json`]);
    expect([k.mounts[`${H}/metadata.json`].host, k.mounts[`${H}/customizations.json`].host]).toEqual([
      `${TOKENS.config}/metadata.json`,
      `${TOKENS.config}/customizations.json`,
    ]);
  });

  it("customizations are mounted only when non-empty (the guide's generic command always mounts one)", () => {
    expect(GUIDE_TEMPLATE).toContain('-v /PATH/TO/CUSTOMIZATIONS.json:/home/imagebuilder/CUSTOMIZATIONS.json');
    expect(GUIDE_TEMPLATE).toContain('--env PACKER_VAR_FILES="tkg.json CUSTOMIZATIONS.json"');
    const k = kiln(vsphereCtx());
    expect(Object.keys(k.mounts).filter((c) => c.includes('customizations'))).toEqual([]);
    expect(k.env.PACKER_VAR_FILES).toBe('tkg.json vsphere.json');
  });

  it('the RHEL ISO is taken from the workspace (image.yaml rhel.iso), not from inside the bundle folder', () => {
    expect(guide(GUIDE_RHEL).mounts['/rhel-8.4-x86_64-dvd.iso'].host).toBe(`${BUNDLE}/isos/rhel-8.4-x86_64-dvd.iso`);
    expect(kiln(rhelCtx()).mounts['/rhel-8.4-x86_64-dvd.iso'].host).toBe(`${TOKENS.workspace}/isos/rhel-8.4-x86_64-dvd.iso`);
  });
});
