import { describe, expect, it } from 'vitest';
import { dockerBuildCommands, dockerCreateArgs, resolveTokens, type PathTokens } from './docker-run-args';
import { renderBuildPlan } from './render-build-plan';
import { renderCustomizations } from './render-customizations';
import type { ImageContext } from './image-context';
import { awsSpec, azureSpec, fixtureContext, vsphereSpec } from '../test/test-fixtures';

const TOKENS: PathTokens = {
  workspace: '/ws',
  config: '/ws/dist/images/img/config',
  run: '/tmp/kiln-run-1',
  kiln: '/opt/kiln',
};
const ROLE_MOUNT = '/opt/kiln/libs/provenance/ansible/kiln-package-list:/home/imagebuilder/kiln-package-list:ro';
const OUTPUT = '/ws/dist/images/img/output';
const NAME = 'kiln-build-img-1';
const BUILDER = 'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2';
const BUNDLE = '/ws/images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0';
const RHEL = { iso: 'isos/rhel-8.4-x86_64-dvd.iso', subscription: { userEnv: 'MY_RH_USER', passwordEnv: 'MY_RH_PASS' } };

function planOf(ctx: ImageContext) {
  return renderBuildPlan(ctx, renderCustomizations(ctx));
}

function argsOf(ctx: ImageContext, tokens: PathTokens = TOKENS): string[] {
  return dockerCreateArgs(planOf(ctx), tokens, NAME);
}

/** The -v values of an argument array. */
function mountsOf(args: string[]): string[] {
  return args.flatMap((a, i) => (args[i - 1] === '-v' ? [a] : []));
}

describe('resolveTokens', () => {
  it('replaces {workspace}, {config}, {run} and {kiln}; the retired {credentials}/{output}/{home} and unknown braces stay as written', () => {
    expect(resolveTokens('{workspace}/a:{config}/b:{run}:{kiln}/c:{credentials}:{output}:{home}/.aws:{other}', TOKENS)).toBe(
      '/ws/a:/ws/dist/images/img/config/b:/tmp/kiln-run-1:/opt/kiln/c:{credentials}:{output}:{home}/.aws:{other}',
    );
  });
});

describe('dockerCreateArgs', () => {
  it('vSphere: create --name (no --rm, no -it), then read-only mounts, env, image and make target, in that order', () => {
    expect(argsOf(fixtureContext(vsphereSpec({ gpu: true })))).toEqual([
      'create',
      '--name',
      NAME,
      '-v',
      '/tmp/kiln-run-1/tkg.json:/home/imagebuilder/tkg.json:ro',
      '-v',
      `${BUNDLE}/tkg:/home/imagebuilder/tkg:ro`,
      '-v',
      ROLE_MOUNT,
      '-v',
      `${BUNDLE}/goss/vsphere-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml:/home/imagebuilder/goss/goss.yaml:ro`,
      '-v',
      '/ws/dist/images/img/config/metadata.json:/home/imagebuilder/metadata.json:ro',
      '-v',
      '/ws/dist/images/img/config/customizations.json:/home/imagebuilder/customizations.json:ro',
      '--env',
      'PACKER_VAR_FILES=tkg.json vsphere.json customizations.json',
      '--env',
      'OVF_CUSTOM_PROPERTIES=/home/imagebuilder/metadata.json',
      '--env',
      'IB_OVFTOOL=1',
      '--env',
      'PACKER_FLAGS=-force',
      BUILDER,
      'build-node-ova-vsphere-ubuntu-2004',
    ]);
  });

  it('RHEL: --network host right after --name, the ISO mount, and RHSM_* passed by name after the valued env', () => {
    expect(argsOf(fixtureContext(vsphereSpec({ os: 'rhel-8', rhel: RHEL })))).toEqual([
      'create',
      '--name',
      NAME,
      '--network',
      'host',
      '-v',
      '/tmp/kiln-run-1/tkg.json:/home/imagebuilder/tkg.json:ro',
      '-v',
      `${BUNDLE}/tkg:/home/imagebuilder/tkg:ro`,
      '-v',
      ROLE_MOUNT,
      '-v',
      `${BUNDLE}/goss/vsphere-rhel-8-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml:/home/imagebuilder/goss/goss.yaml:ro`,
      '-v',
      '/ws/dist/images/img/config/metadata.json:/home/imagebuilder/metadata.json:ro',
      '-v',
      '/ws/dist/images/img/config/customizations.json:/home/imagebuilder/customizations.json:ro',
      '-v',
      '/ws/isos/rhel-8.4-x86_64-dvd.iso:/rhel-8.4-x86_64-dvd.iso:ro',
      '--env',
      'PACKER_VAR_FILES=tkg.json vsphere.json customizations.json',
      '--env',
      'OVF_CUSTOM_PROPERTIES=/home/imagebuilder/metadata.json',
      '--env',
      'IB_OVFTOOL=1',
      '--env',
      'PACKER_FLAGS=-force',
      '--env',
      'RHSM_USER',
      '--env',
      'RHSM_PASS',
      BUILDER,
      'build-node-ova-vsphere-rhel-8',
    ]);
  });

  it('AWS: no ~/.aws and no output mount (copied in / out instead), no IB_OVFTOOL or PACKER_FLAGS', () => {
    expect(argsOf(fixtureContext(awsSpec()))).toEqual([
      'create',
      '--name',
      NAME,
      '-v',
      '/tmp/kiln-run-1/tkg.json:/home/imagebuilder/tkg.json:ro',
      '-v',
      `${BUNDLE}/tkg:/home/imagebuilder/tkg:ro`,
      '-v',
      ROLE_MOUNT,
      '-v',
      `${BUNDLE}/goss/amazon-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml:/home/imagebuilder/goss/goss.yaml:ro`,
      '-v',
      '/ws/dist/images/img/config/customizations.json:/home/imagebuilder/aws.json:ro',
      '--env',
      'PACKER_VAR_FILES=tkg.json aws.json',
      BUILDER,
      'build-ami-ubuntu-2004',
    ]);
  });

  it('Azure: the four AZURE_* passed by name after the valued env; no ~/.azure mount and no --env-file', () => {
    const args = argsOf(fixtureContext(azureSpec()));
    expect(args).toEqual([
      'create',
      '--name',
      NAME,
      '-v',
      '/tmp/kiln-run-1/tkg.json:/home/imagebuilder/tkg.json:ro',
      '-v',
      `${BUNDLE}/tkg:/home/imagebuilder/tkg:ro`,
      '-v',
      ROLE_MOUNT,
      '-v',
      `${BUNDLE}/goss/azure-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml:/home/imagebuilder/goss/goss.yaml:ro`,
      '-v',
      '/ws/dist/images/img/config/customizations.json:/home/imagebuilder/azure-sig.json:ro',
      '--env',
      'PACKER_VAR_FILES=tkg.json azure-sig.json',
      '--env',
      'AZURE_LOCATION=westeurope',
      '--env',
      'GALLERY_NAME=my_gallery',
      '--env',
      'RESOURCE_GROUP_NAME=rg-images',
      '--env',
      'AZURE_SUBSCRIPTION_ID',
      '--env',
      'AZURE_TENANT_ID',
      '--env',
      'AZURE_CLIENT_ID',
      '--env',
      'AZURE_CLIENT_SECRET',
      BUILDER,
      'build-azure-sig-ubuntu-2004',
    ]);
    expect(args).not.toContain('--env-file');
    expect(args.filter((a) => a.includes('.azure'))).toEqual([]);
  });

  it('every mount is read-only, on every infra, with hardening roles and the RHEL ISO', () => {
    const contexts = [
      fixtureContext(vsphereSpec({ gpu: true })),
      fixtureContext(vsphereSpec({ os: 'rhel-8', rhel: RHEL })),
      fixtureContext(awsSpec({ hardening: { cis: {} } })),
      fixtureContext(awsSpec({ hardening: { stig: {} } })),
      fixtureContext(azureSpec()),
    ];
    for (const ctx of contexts) {
      const mounts = mountsOf(argsOf(ctx));
      expect(mounts.length).toBeGreaterThanOrEqual(4);
      expect(mounts.filter((m) => !m.endsWith(':ro'))).toEqual([]);
    }
  });

  it('a token path with spaces stays one argument (no shell in between)', () => {
    const args = argsOf(fixtureContext(awsSpec()), { ...TOKENS, workspace: '/home/Jane Doe/ws', kiln: '/home/Jane Doe/kiln' });
    expect(args).toContain(
      '/home/Jane Doe/ws/images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0/tkg:/home/imagebuilder/tkg:ro',
    );
    expect(args).toContain('/home/Jane Doe/kiln/libs/provenance/ansible/kiln-package-list:/home/imagebuilder/kiln-package-list:ro');
  });

  it('mounts the package-list role from the Kiln installation ({kiln}), not from the workspace', () => {
    const args = argsOf(fixtureContext(awsSpec()), { ...TOKENS, kiln: '/usr/lib/node_modules/kiln' });
    expect(args).toContain('/usr/lib/node_modules/kiln/libs/provenance/ansible/kiln-package-list:/home/imagebuilder/kiln-package-list:ro');
    expect(mountsOf(args).filter((m) => m.startsWith('/ws/') && m.includes('kiln-package-list'))).toEqual([]);
  });

  it('never puts a value for RHSM_USER / RHSM_PASS (or the host variable names) in any argument', () => {
    const args = argsOf(fixtureContext(vsphereSpec({ os: 'rhel-8', rhel: RHEL })));
    expect(args.filter((a) => /RHSM_(USER|PASS)=/.test(a))).toEqual([]);
    expect(args.filter((a) => a.includes('MY_RH_'))).toEqual([]);
    expect(args.filter((a) => a.startsWith('RHSM_'))).toEqual(['RHSM_USER', 'RHSM_PASS']);
  });
});

describe('dockerBuildCommands', () => {
  it('vSphere: create, copy vsphere.json in from stdin to its folder, start attached, copy the output folder out, remove', () => {
    const plan = planOf(fixtureContext(vsphereSpec()));
    expect(dockerBuildCommands(plan, TOKENS, NAME, OUTPUT)).toEqual({
      create: dockerCreateArgs(plan, TOKENS, NAME),
      copyIn: ['cp', '-', `${NAME}:/home/imagebuilder`],
      start: ['start', '--attach', NAME],
      copyOut: ['cp', `${NAME}:/home/imagebuilder/output/.`, OUTPUT],
      remove: ['rm', '--force', NAME],
    });
  });

  it('AWS: the .aws folder is copied in to /home/imagebuilder and the output (packer manifest) copied out', () => {
    const plan = planOf(fixtureContext(awsSpec()));
    expect(plan.credentials).toEqual({ kind: 'aws-config', into: '/home/imagebuilder/.aws' });
    const commands = dockerBuildCommands(plan, TOKENS, NAME, OUTPUT);
    expect(commands.copyIn).toEqual(['cp', '-', `${NAME}:/home/imagebuilder`]);
    expect(commands.copyOut).toEqual(['cp', `${NAME}:/home/imagebuilder/output/.`, OUTPUT]);
  });

  it('Azure: nothing is copied in (AZURE_* by name); the output folder (the package list) is copied out', () => {
    const plan = planOf(fixtureContext(azureSpec()));
    const commands = dockerBuildCommands(plan, TOKENS, NAME, OUTPUT);
    expect(commands.copyIn).toBeUndefined();
    expect(commands.copyOut).toEqual(['cp', `${NAME}:/home/imagebuilder/output/.`, OUTPUT]);
    expect([commands.start, commands.remove]).toEqual([
      ['start', '--attach', NAME],
      ['rm', '--force', NAME],
    ]);
  });

  it('an output folder with spaces stays one argument of docker cp', () => {
    const commands = dockerBuildCommands(planOf(fixtureContext(vsphereSpec())), TOKENS, NAME, '/home/Jane Doe/ws/dist/images/img/output');
    expect(commands.copyOut).toEqual(['cp', `${NAME}:/home/imagebuilder/output/.`, '/home/Jane Doe/ws/dist/images/img/output']);
  });
});
