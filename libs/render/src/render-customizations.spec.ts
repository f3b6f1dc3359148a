import { describe, expect, it } from 'vitest';
import { azureImageDefinition, buildVmName, IMAGEBUILDER_OUTPUT, PACKAGE_LIST_ROLE, renderCustomizations } from './render-customizations';
import { FIXTURE_TKG_JSON, awsSpec, azureSpec, fixtureContext, vsphereSpec } from '../test/test-fixtures';

const WITH_FIPS_OFF = { ...FIXTURE_TKG_JSON, ansible_user_vars: 'install_fips=no' };
const DEST = 'kiln_package_list_dest=/home/imagebuilder/output/packages.tsv';
/** What every image gets: the bundle's tkg role, Kiln's package-list role last, and where that role writes. */
const ROLE_VARS = { ansible_user_vars: DEST, custom_role_names: '/home/imagebuilder/tkg /home/imagebuilder/kiln-package-list' };

describe('renderCustomizations', () => {
  it('FIPS + hardening: ansible_user_vars does not re-add install_fips=no', () => {
    const ctx = fixtureContext(awsSpec({ fips: true, hardening: { cis: {} } }), { tkgJson: WITH_FIPS_OFF });
    expect(renderCustomizations(ctx).ansible_user_vars).toBe(
      `install_aide=false install_clamav=false install_systemd_timesyncd=false install_protect_kernel_defaults=false ${DEST}`,
    );
  });

  it('non-FIPS + hardening: ansible_user_vars keeps the bundle install_fips=no first', () => {
    const ctx = fixtureContext(awsSpec({ hardening: { stig: {} } }), { tkgJson: WITH_FIPS_OFF });
    expect(renderCustomizations(ctx).ansible_user_vars).toBe(
      `install_fips=no install_aide=false install_sshd_login_banner=false remove_existing_ca_certs=false install_audispd_plugins=false ${DEST}`,
    );
  });

  it('CIS: the four vars as one space-separated string, and custom_role_names gains cis_ubuntu_2004 after tkg', () => {
    const ctx = fixtureContext(awsSpec({ hardening: { cis: { aide: true, systemdTimesyncd: true } } }));
    const out = renderCustomizations(ctx);
    expect(out.ansible_user_vars).toBe(
      `install_aide=true install_clamav=false install_systemd_timesyncd=true install_protect_kernel_defaults=false ${DEST}`,
    );
    // custom_role does nothing for these targets: custom_role_names alone selects the roles.
    expect('custom_role' in out).toBe(false);
    expect(out.custom_role_names).toBe('/home/imagebuilder/tkg /home/imagebuilder/cis_ubuntu_2004 /home/imagebuilder/kiln-package-list');
  });

  it('STIG: the four vars as one space-separated string, and custom_role_names gains stig_ubuntu_2004 after tkg', () => {
    const ctx = fixtureContext(awsSpec({ hardening: { stig: { sshdLoginBanner: true, audispdPlugins: true } } }));
    const out = renderCustomizations(ctx);
    expect(out.ansible_user_vars).toBe(
      `install_aide=false install_sshd_login_banner=true remove_existing_ca_certs=false install_audispd_plugins=true ${DEST}`,
    );
    // custom_role does nothing for these targets: custom_role_names alone selects the roles.
    expect('custom_role' in out).toBe(false);
    expect(out.custom_role_names).toBe('/home/imagebuilder/tkg /home/imagebuilder/stig_ubuntu_2004 /home/imagebuilder/kiln-package-list');
  });

  it("Photon: extra_rpms is the guide's list merged with the bundle's, without duplicates", () => {
    const out = renderCustomizations(fixtureContext(vsphereSpec({ os: 'photon-3', extraPackages: ['ethtool', 'jq'] })));
    expect(out.extra_rpms).toBe('sysstat nfs-utils ethtool apparmor-parser jq');
    expect('extra_debs' in out).toBe(false);
  });

  it('extraPackages go to extra_debs on Ubuntu, after the bundle packages', () => {
    const out = renderCustomizations(fixtureContext(awsSpec({ extraPackages: ['jq', 'sysstat'] })));
    expect(out.extra_debs).toBe('nfs-common unzip apparmor apparmor-utils sysstat jq');
    expect('extra_rpms' in out).toBe(false);
  });

  it('extraPackages go to extra_rpms on Amazon Linux 2', () => {
    const out = renderCustomizations(fixtureContext(awsSpec({ os: 'amazon-2', extraPackages: ['jq', 'tcpdump'] })));
    expect(out.extra_rpms).toBe('sysstat jq tcpdump');
    expect('extra_debs' in out).toBe(false);
  });

  it('extraPackages go to extra_rpms on RHEL 8', () => {
    const rhel = { iso: 'isos/rhel.iso', subscription: { userEnv: 'RHSM_USER', passwordEnv: 'RHSM_PASS' } };
    const out = renderCustomizations(fixtureContext(vsphereSpec({ os: 'rhel-8', rhel, extraPackages: ['jq'] })));
    expect(out.extra_rpms).toBe('sysstat jq');
    expect('extra_debs' in out).toBe(false);
  });

  it('proxy: http_proxy, https_proxy and a comma-joined no_proxy', () => {
    const proxy = {
      http: 'http://proxy.acme.com:80',
      https: 'http://proxy.acme.com:443',
      noProxy: ['localhost', '127.0.0.1', 'acme.com', '10.0.0.0/8'],
    };
    expect(renderCustomizations(fixtureContext(vsphereSpec({ proxy })))).toEqual({
      ...ROLE_VARS,
      build_version: 'kiln-img',
      http_proxy: 'http://proxy.acme.com:80',
      https_proxy: 'http://proxy.acme.com:443',
      no_proxy: 'localhost,127.0.0.1,acme.com,10.0.0.0/8',
    });
  });

  it('GPU: vmx_version "17" (and only the build VM name and the roles for a plain vSphere image)', () => {
    expect(renderCustomizations(fixtureContext(vsphereSpec({ gpu: true })))).toEqual({
      ...ROLE_VARS,
      build_version: 'kiln-img',
      vmx_version: '17',
    });
    expect(renderCustomizations(fixtureContext(vsphereSpec()))).toEqual({ ...ROLE_VARS, build_version: 'kiln-img' });
  });

  it('vSphere: build_version is kiln-<image>, so each image has its own build VM name (and -force replaces only that VM)', () => {
    expect(buildVmName('ubuntu-2004-vsphere-class')).toBe('kiln-ubuntu-2004-vsphere-class');
    expect(renderCustomizations(fixtureContext(vsphereSpec(), { name: 'ubuntu-2004-vsphere-class' })).build_version).toBe(
      'kiln-ubuntu-2004-vsphere-class',
    );
    expect(renderCustomizations(fixtureContext(vsphereSpec({ os: 'photon-3' }), { name: 'photon-3-vsphere' })).build_version).toBe(
      'kiln-photon-3-vsphere',
    );
    // Not on AWS or Azure: there the VM name is not left behind.
    expect('build_version' in renderCustomizations(fixtureContext(awsSpec()))).toBe(false);
    expect('build_version' in renderCustomizations(fixtureContext(azureSpec()))).toBe(false);
  });

  it('RHEL with rhel.isoSha256: iso_url file:///<iso name>, iso_checksum and iso_checksum_type sha256', () => {
    const isoSha256 = 'ab'.repeat(32);
    const rhel = { iso: 'isos/rhel-8.6-x86_64-dvd.iso', isoSha256, subscription: { userEnv: 'RHSM_USER', passwordEnv: 'RHSM_PASS' } };
    const out = renderCustomizations(fixtureContext(vsphereSpec({ os: 'rhel-8', rhel })));
    expect([out.iso_url, out.iso_checksum, out.iso_checksum_type]).toEqual(['file:///rhel-8.6-x86_64-dvd.iso', isoSha256, 'sha256']);
  });

  it("RHEL without rhel.isoSha256 (the upstream ISO): no iso_* variables, image-builder's pinned URL and checksum apply", () => {
    const rhel = { iso: 'isos/rhel-8.4-x86_64-dvd.iso', subscription: { userEnv: 'RHSM_USER', passwordEnv: 'RHSM_PASS' } };
    const out = renderCustomizations(fixtureContext(vsphereSpec({ os: 'rhel-8', rhel })));
    expect(Object.keys(out).filter((k) => k.startsWith('iso_'))).toEqual([]);
    expect(out).toEqual({ ...ROLE_VARS, build_version: 'kiln-img' });
  });

  it('AWS safe defaults: private (no groups, no users), built and kept in one region, manifest in the output mount', () => {
    expect(renderCustomizations(fixtureContext(awsSpec()))).toEqual({
      ...ROLE_VARS,
      ami_groups: '',
      ami_regions: 'us-east-1',
      ami_users: '',
      aws_region: 'us-east-1',
      manifest_output: '/home/imagebuilder/output/manifest.json',
      snapshot_groups: '',
      snapshot_users: '',
    });
  });

  it('AWS builds stay private and in the build region even when copies and shares are declared (upload applies them)', () => {
    const spec = awsSpec({ upload: { aws: { region: 'us-east-1', copyToRegions: ['us-west-2'], shareWithAccounts: ['123456789012'] } } });
    const out = renderCustomizations(fixtureContext(spec));
    expect(out.ami_regions).toBe('us-east-1');
    expect(out.ami_users).toBe('');
    expect(out.snapshot_users).toBe('');
    expect(out.ami_groups).toBe('');
    expect(out.snapshot_groups).toBe('');
  });

  it("Azure uses the declared gallery, resource group and location, and init-sig.sh's image definition capi-<os>", () => {
    expect(renderCustomizations(fixtureContext(azureSpec(), { name: 'az-img' }))).toEqual({
      ...ROLE_VARS,
      azure_location: 'westeurope',
      image_name: 'capi-ubuntu-2004',
      replication_regions: 'westeurope',
      resource_group_name: 'rg-images',
      shared_image_gallery_name: 'my_gallery',
      subscription_id: '00000000-0000-4000-8000-000000000009',
    });
  });

  it('Azure image_name is always capi-<os> (the definition init-sig.sh creates), never named after the image', () => {
    expect(azureImageDefinition('ubuntu-1804')).toBe('capi-ubuntu-1804');
    expect(renderCustomizations(fixtureContext(azureSpec({ os: 'ubuntu-1804' }), { name: 'az-1804' })).image_name).toBe('capi-ubuntu-1804');
    const withName = azureSpec({ upload: { azure: { ...azureSpec().upload.azure!, imageName: 'my-definition' } } });
    expect(renderCustomizations(fixtureContext(withName, { name: 'az-img' })).image_name).toBe('capi-ubuntu-2004');
  });

  it('packerVars are merged last and win over every option', () => {
    const spec = vsphereSpec({
      gpu: true,
      proxy: { http: 'http://p:80' },
      packerVars: { vmx_version: '19', http_proxy: 'http://q:81', disk_size: '40960' },
    });
    expect(renderCustomizations(fixtureContext(spec))).toEqual({
      ...ROLE_VARS,
      build_version: 'kiln-img',
      disk_size: '40960',
      http_proxy: 'http://q:81',
      vmx_version: '19',
    });
  });

  it("lists Kiln's kiln-package-list role last in custom_role_names on every infra, with and without hardening", () => {
    const contexts = [
      fixtureContext(vsphereSpec()),
      fixtureContext(vsphereSpec({ os: 'photon-3' })),
      fixtureContext(awsSpec({ hardening: { cis: {} } })),
      fixtureContext(awsSpec({ hardening: { stig: {} } })),
      fixtureContext(azureSpec()),
    ];
    for (const ctx of contexts)
      expect(renderCustomizations(ctx).custom_role_names.split(' ').pop()).toBe('/home/imagebuilder/kiln-package-list');
  });

  it("keeps every role the bundle's tkg.json lists, in its order, before the hardening role and the package-list role", () => {
    const tkgJson = { ...FIXTURE_TKG_JSON, custom_role_names: '/home/imagebuilder/tkg  /home/imagebuilder/extra' };
    const ctx = fixtureContext(awsSpec({ hardening: { cis: {} } }), { tkgJson });
    expect(renderCustomizations(ctx).custom_role_names).toBe(
      '/home/imagebuilder/tkg /home/imagebuilder/extra /home/imagebuilder/cis_ubuntu_2004 /home/imagebuilder/kiln-package-list',
    );
  });

  it('points kiln_package_list_dest (ansible_user_vars, last) at packages.tsv in the output folder Kiln copies out', () => {
    expect(PACKAGE_LIST_ROLE.dest).toBe(`${IMAGEBUILDER_OUTPUT}/packages.tsv`);
    const ctx = fixtureContext(vsphereSpec(), { tkgJson: { ...FIXTURE_TKG_JSON, ansible_user_vars: 'install_fips=no' } });
    expect(renderCustomizations(ctx).ansible_user_vars).toBe(`install_fips=no kiln_package_list_dest=${IMAGEBUILDER_OUTPUT}/packages.tsv`);
  });
});
