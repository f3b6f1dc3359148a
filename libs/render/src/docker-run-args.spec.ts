import { describe, expect, it } from 'vitest';
import { dockerRunArgs, resolveTokens, shellQuote, type PathTokens } from './docker-run-args';
import { renderBuildPlan } from './render-build-plan';
import { renderCustomizations } from './render-customizations';
import type { ImageContext } from './image-context';
import { awsSpec, azureSpec, fixtureContext, vsphereSpec } from './test-fixtures';

const TOKENS: PathTokens = {
  workspace: '/ws',
  config: '/ws/dist/images/img/config',
  run: '/tmp/kiln-run-1',
  credentials: '/tmp/kiln-cred-1',
  output: '/ws/dist/images/img/output',
  home: '/home/me',
};
const BUNDLE = '/ws/images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0';
const RHEL = { iso: 'isos/rhel-8.4-x86_64-dvd.iso', subscription: { userEnv: 'MY_RH_USER', passwordEnv: 'MY_RH_PASS' } };

function argsOf(ctx: ImageContext, tokens: PathTokens = TOKENS): string[] {
  return dockerRunArgs(renderBuildPlan(ctx, renderCustomizations(ctx)), tokens, 'kiln-build-img-1');
}

describe('resolveTokens', () => {
  it('replaces every known token, leaves unknown braces alone', () => {
    expect(resolveTokens('{workspace}/a:{config}/b:{run}:{credentials}:{output}:{home}/.aws:{other}', TOKENS)).toBe(
      '/ws/a:/ws/dist/images/img/config/b:/tmp/kiln-run-1:/tmp/kiln-cred-1:/ws/dist/images/img/output:/home/me/.aws:{other}',
    );
  });
});

describe('dockerRunArgs', () => {
  it('vSphere: run --rm --name, then mounts, env, image and make target, in that order', () => {
    expect(argsOf(fixtureContext(vsphereSpec({ gpu: true })))).toEqual([
      'run', '--rm', '--name', 'kiln-build-img-1',
      '-v', '/tmp/kiln-cred-1/vsphere.json:/home/imagebuilder/vsphere.json:ro',
      '-v', '/tmp/kiln-run-1/tkg.json:/home/imagebuilder/tkg.json',
      '-v', `${BUNDLE}/tkg:/home/imagebuilder/tkg`,
      '-v', `${BUNDLE}/goss/vsphere-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml:/home/imagebuilder/goss/goss.yaml`,
      '-v', '/ws/dist/images/img/config/metadata.json:/home/imagebuilder/metadata.json',
      '-v', '/ws/dist/images/img/config/customizations.json:/home/imagebuilder/customizations.json',
      '-v', '/ws/dist/images/img/output:/home/imagebuilder/output',
      '--env', 'PACKER_VAR_FILES=tkg.json vsphere.json customizations.json',
      '--env', 'OVF_CUSTOM_PROPERTIES=/home/imagebuilder/metadata.json',
      '--env', 'IB_OVFTOOL=1',
      'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2',
      'build-node-ova-vsphere-ubuntu-2004',
    ]);
  });

  it('RHEL: --network host right after --name, the ISO mount, and RHSM_* passed by name after the valued env', () => {
    expect(argsOf(fixtureContext(vsphereSpec({ os: 'rhel-8', rhel: RHEL })))).toEqual([
      'run', '--rm', '--name', 'kiln-build-img-1',
      '--network', 'host',
      '-v', '/tmp/kiln-cred-1/vsphere.json:/home/imagebuilder/vsphere.json:ro',
      '-v', '/tmp/kiln-run-1/tkg.json:/home/imagebuilder/tkg.json',
      '-v', `${BUNDLE}/tkg:/home/imagebuilder/tkg`,
      '-v', `${BUNDLE}/goss/vsphere-rhel-8-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml:/home/imagebuilder/goss/goss.yaml`,
      '-v', '/ws/dist/images/img/config/metadata.json:/home/imagebuilder/metadata.json',
      '-v', '/ws/isos/rhel-8.4-x86_64-dvd.iso:/rhel-8.4-x86_64-dvd.iso',
      '-v', '/ws/dist/images/img/output:/home/imagebuilder/output',
      '--env', 'PACKER_VAR_FILES=tkg.json vsphere.json',
      '--env', 'OVF_CUSTOM_PROPERTIES=/home/imagebuilder/metadata.json',
      '--env', 'IB_OVFTOOL=1',
      '--env', 'RHSM_USER',
      '--env', 'RHSM_PASS',
      'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2',
      'build-node-ova-vsphere-rhel-8',
    ]);
  });

  it('Azure: --env-file comes after every --env, just before the image', () => {
    const args = argsOf(fixtureContext(azureSpec()));
    expect(args.slice(-4)).toEqual(['--env-file', '/tmp/kiln-cred-1/azure-creds.env', 'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2', 'build-azure-sig-ubuntu-2004']);
    expect(args.lastIndexOf('--env')).toBeLessThan(args.indexOf('--env-file'));
  });

  it('a token path with spaces stays one argument (no shell in between)', () => {
    const args = argsOf(fixtureContext(awsSpec()), { ...TOKENS, home: '/home/Jane Doe' });
    expect(args).toContain('/home/Jane Doe/.aws:/home/imagebuilder/.aws:ro');
  });

  it('never puts a value for RHSM_USER / RHSM_PASS (or the host variable names) in any argument', () => {
    const args = argsOf(fixtureContext(vsphereSpec({ os: 'rhel-8', rhel: RHEL })));
    expect(args.filter((a) => /RHSM_(USER|PASS)=/.test(a))).toEqual([]);
    expect(args.filter((a) => a.includes('MY_RH_'))).toEqual([]);
    expect(args.filter((a) => a.startsWith('RHSM_'))).toEqual(['RHSM_USER', 'RHSM_PASS']);
  });
});

describe('shellQuote', () => {
  it('leaves plain words unquoted and single-quotes spaces, quotes, $ and empty strings', () => {
    expect(shellQuote(['docker', 'run', '-v', '/a/b.json:/c/d.json:ro', 'PACKER_VAR_FILES=tkg.json vsphere.json', "it's", '$HOME', '', 'a"b'])).toBe(
      `docker run -v /a/b.json:/c/d.json:ro 'PACKER_VAR_FILES=tkg.json vsphere.json' 'it'\\''s' '$HOME' '' 'a"b'`,
    );
  });

  it('quotes a path with spaces as one word', () => {
    expect(shellQuote(['-v', '/home/Jane Doe/.aws:/home/imagebuilder/.aws:ro'])).toBe(`-v '/home/Jane Doe/.aws:/home/imagebuilder/.aws:ro'`);
  });
});
