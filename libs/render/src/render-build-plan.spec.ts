import { describe, expect, it } from 'vitest';
import { renderBuildPlan } from './render-build-plan';
import { renderCustomizations } from './render-customizations';
import type { ImageContext } from './image-context';
import { awsSpec, azureSpec, fixtureContext, vsphereSpec } from '../test/test-fixtures';

function planOf(ctx: ImageContext) {
  return renderBuildPlan(ctx, renderCustomizations(ctx));
}

const CATALOG_BUILDER = 'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2';
const CATALOG_BUNDLE = 'projects.registry.vmware.com/tkg/linux-resource-bundle:v1.26.5_vmware.1-tkg.1';

describe('renderBuildPlan', () => {
  it('uses the catalog images when nothing is relocated or overridden', () => {
    const plan = planOf(fixtureContext(vsphereSpec()));
    expect([plan.builderImage, plan.bundleImage]).toEqual([CATALOG_BUILDER, CATALOG_BUNDLE]);
  });

  it('registry relocation rewrites projects.registry.vmware.com/tkg in both images (trailing slash ignored)', () => {
    const plan = planOf(fixtureContext(vsphereSpec(), { registry: 'harbor.corp.local/tkg-mirror/' }));
    expect(plan.builderImage).toBe('harbor.corp.local/tkg-mirror/image-builder:v0.1.13_vmware.2');
    expect(plan.bundleImage).toBe('harbor.corp.local/tkg-mirror/linux-resource-bundle:v1.26.5_vmware.1-tkg.1');
  });

  it('images.builder / images.bundle override the catalog and win over a registry relocation', () => {
    const spec = vsphereSpec({ images: { builder: 'reg.example.com/ib:custom', bundle: 'reg.example.com/lrb:custom' } });
    const plan = planOf(fixtureContext(spec, { registry: 'harbor.corp.local/tkg' }));
    expect(plan.builderImage).toBe('reg.example.com/ib:custom');
    expect(plan.bundleImage).toBe('reg.example.com/lrb:custom');
  });

  it('an empty customizations.json is neither mounted nor listed in PACKER_VAR_FILES', () => {
    const plan = renderBuildPlan(fixtureContext(vsphereSpec()), {});
    expect(plan.mounts.some((m) => m.host.includes('customizations'))).toBe(false);
    expect(plan.packerVarFiles).toEqual(['tkg.json', 'vsphere.json']);
    expect(plan.env.find((e) => e.name === 'PACKER_VAR_FILES')?.value).toBe('tkg.json vsphere.json');
  });

  it('a non-empty customizations.json is mounted under the infra name and listed last in PACKER_VAR_FILES', () => {
    const vsphere = planOf(fixtureContext(vsphereSpec({ gpu: true })));
    expect(vsphere.mounts).toContainEqual({
      host: '{config}/customizations.json',
      container: '/home/imagebuilder/customizations.json',
      readOnly: true,
    });
    expect(vsphere.env.find((e) => e.name === 'PACKER_VAR_FILES')?.value).toBe('tkg.json vsphere.json customizations.json');
    const aws = planOf(fixtureContext(awsSpec()));
    expect(aws.mounts).toContainEqual({ host: '{config}/customizations.json', container: '/home/imagebuilder/aws.json', readOnly: true });
    expect(aws.env.find((e) => e.name === 'PACKER_VAR_FILES')?.value).toBe('tkg.json aws.json');
  });

  it('a hardened image mounts its role folder from the bundle at /home/imagebuilder/<role>', () => {
    const plan = planOf(fixtureContext(awsSpec({ hardening: { stig: {} } })));
    expect(plan.mounts).toContainEqual({
      host: '{workspace}/images/_bundles/TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0/stig_ubuntu_2004',
      container: '/home/imagebuilder/stig_ubuntu_2004',
      readOnly: true,
    });
  });

  it('RHEL: host network, the ISO at /<iso name>, RHSM_USER/RHSM_PASS by name from the declared host variables', () => {
    const rhel = { iso: 'isos/rhel-8.4-x86_64-dvd.iso', subscription: { userEnv: 'MY_RH_USER', passwordEnv: 'MY_RH_PASS' } };
    const plan = planOf(fixtureContext(vsphereSpec({ os: 'rhel-8', rhel })));
    expect(plan.network).toBe('host');
    expect(plan.mounts).toContainEqual({
      host: '{workspace}/isos/rhel-8.4-x86_64-dvd.iso',
      container: '/rhel-8.4-x86_64-dvd.iso',
      readOnly: true,
    });
    expect(plan.envFromHost).toEqual([
      { name: 'RHSM_USER', from: 'MY_RH_USER' },
      { name: 'RHSM_PASS', from: 'MY_RH_PASS' },
    ]);
    expect(plan.env.map((e) => e.name)).not.toContain('RHSM_USER');
    expect(plan.makeTarget).toBe('build-node-ova-vsphere-rhel-8');
  });

  it('Azure passes the declared location, gallery and resource group to the container (init-sig.sh never invents a random gallery)', () => {
    const plan = planOf(fixtureContext(azureSpec()));
    expect(plan.env).toEqual([
      { name: 'PACKER_VAR_FILES', value: 'tkg.json azure-sig.json' },
      { name: 'AZURE_LOCATION', value: 'westeurope' },
      { name: 'GALLERY_NAME', value: 'my_gallery' },
      { name: 'RESOURCE_GROUP_NAME', value: 'rg-images' },
    ]);
  });

  it('Azure: the service principal goes by name from the same host variables; no env file, no ~/.azure mount, nothing copied in', () => {
    const plan = planOf(fixtureContext(azureSpec()));
    expect(plan.envFromHost).toEqual([
      { name: 'AZURE_SUBSCRIPTION_ID', from: 'AZURE_SUBSCRIPTION_ID' },
      { name: 'AZURE_TENANT_ID', from: 'AZURE_TENANT_ID' },
      { name: 'AZURE_CLIENT_ID', from: 'AZURE_CLIENT_ID' },
      { name: 'AZURE_CLIENT_SECRET', from: 'AZURE_CLIENT_SECRET' },
    ]);
    expect(plan.credentials).toEqual({ kind: 'azure' });
    expect('envFile' in plan).toBe(false);
    expect(plan.mounts.filter((m) => m.container.includes('.azure') || m.host.includes('.azure'))).toEqual([]);
  });

  it('Azure: the output folder is copied out too (it holds only the package list: the image stays in the gallery)', () => {
    expect(planOf(fixtureContext(azureSpec())).outputDir).toBe('/home/imagebuilder/output');
  });

  it("every plan mounts Kiln's kiln-package-list role read-only from the Kiln installation, after the bundle's roles", () => {
    const role = {
      host: '{kiln}/libs/provenance/ansible/kiln-package-list',
      container: '/home/imagebuilder/kiln-package-list',
      readOnly: true,
    };
    for (const ctx of [fixtureContext(vsphereSpec()), fixtureContext(awsSpec({ hardening: { cis: {} } })), fixtureContext(azureSpec())]) {
      const containers = planOf(ctx).mounts.map((m) => m.container);
      expect(planOf(ctx).mounts).toContainEqual(role);
      expect(containers.indexOf(role.container)).toBeGreaterThan(containers.indexOf('/home/imagebuilder/tkg'));
    }
    expect(
      planOf(fixtureContext(awsSpec({ hardening: { cis: {} } })))
        .mounts.map((m) => m.container)
        .slice(1, 4),
    ).toEqual(['/home/imagebuilder/tkg', '/home/imagebuilder/cis_ubuntu_2004', '/home/imagebuilder/kiln-package-list']);
  });

  it('schemaVersion 2: every mount is read-only and host paths use only the {workspace}, {config}, {run} and {kiln} tokens', () => {
    const plans = [
      planOf(fixtureContext(vsphereSpec({ gpu: true }))),
      planOf(
        fixtureContext(
          vsphereSpec({ os: 'rhel-8', rhel: { iso: 'isos/rhel-8.4-x86_64-dvd.iso', subscription: { userEnv: 'U', passwordEnv: 'P' } } }),
        ),
      ),
      planOf(fixtureContext(awsSpec({ hardening: { cis: {} } }))),
      planOf(fixtureContext(azureSpec())),
    ];
    for (const plan of plans) {
      expect(plan.schemaVersion).toBe(2);
      expect(plan.mounts.filter((m) => m.readOnly !== true)).toEqual([]);
      expect(
        plan.mounts
          .flatMap((m) => m.host.match(/\{[a-z]+\}/g) ?? [])
          .filter((t) => !['{workspace}', '{config}', '{run}', '{kiln}'].includes(t)),
      ).toEqual([]);
      expect(
        plan.mounts.filter(
          (m) => m.container.endsWith('/output') || m.container.endsWith('/vsphere.json') || m.container.endsWith('/.aws'),
        ),
      ).toEqual([]);
    }
  });

  it('vSphere: vsphere.json is copied into the container (never mounted) and the output folder copied out', () => {
    const plan = planOf(fixtureContext(vsphereSpec()));
    expect(plan.credentials).toEqual({ kind: 'vsphere-json', into: '/home/imagebuilder/vsphere.json' });
    expect(plan.outputDir).toBe('/home/imagebuilder/output');
    expect(plan.packerVarFiles.slice(0, 2)).toEqual(['tkg.json', 'vsphere.json']);
  });

  it('AWS: ~/.aws is copied into the container as /home/imagebuilder/.aws and the output folder (packer manifest) copied out', () => {
    const plan = planOf(fixtureContext(awsSpec()));
    expect(plan.credentials).toEqual({ kind: 'aws-config', into: '/home/imagebuilder/.aws' });
    expect(plan.outputDir).toBe('/home/imagebuilder/output');
    expect(plan.envFromHost).toEqual([]);
  });

  it('IB_OVFTOOL=1 and PACKER_FLAGS=-force (rebuilds replace the leftover build VM) only on vSphere', () => {
    const names = (plan: ReturnType<typeof planOf>) => plan.env.map((e) => e.name);
    expect(planOf(fixtureContext(vsphereSpec())).env).toEqual(
      expect.arrayContaining([
        { name: 'IB_OVFTOOL', value: '1' },
        { name: 'PACKER_FLAGS', value: '-force' },
      ]),
    );
    for (const plan of [planOf(fixtureContext(awsSpec())), planOf(fixtureContext(azureSpec()))]) {
      expect(names(plan).filter((n) => n === 'IB_OVFTOOL' || n === 'PACKER_FLAGS')).toEqual([]);
    }
  });

  it('vSphere: OVF_CUSTOM_PROPERTIES points at the mounted metadata.json and the plan records the VERSION', () => {
    const plan = planOf(fixtureContext(vsphereSpec()));
    expect(plan.env).toContainEqual({ name: 'OVF_CUSTOM_PROPERTIES', value: '/home/imagebuilder/metadata.json' });
    expect(plan.mounts).toContainEqual({ host: '{config}/metadata.json', container: '/home/imagebuilder/metadata.json', readOnly: true });
    expect(plan.version).toBe('v1.26.5+vmware.1-myorg.0');
  });
});
