// The pure parts of upload: reading govc vm.info -json in both casings, inventory paths, the EC2 permission
// arguments (never a group added), Azure ids and region names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { govcVmVersion } from '@kiln/image-version';
import { repoPath } from '@kiln/testing';
import { ec2 } from './aws/upload-aws';
import { parseSigVersionId, regionKey } from './azure/upload-azure';
import { templatePath } from './vsphere/template-path';
import { parseVmInfo } from './vsphere/upload-vsphere';

const samples = repoPath('test', 'fakes', 'samples');
const VERSION = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const UP = {
  datacenter: '/dc0',
  folder: '/dc0/vm/tkg-templates',
  datastore: 'ds',
  resourcePool: '/dc0/host/c/Resources',
  cluster: 'c',
  templateName: 'tpl',
};

describe('parseVmInfo', () => {
  it('reads template flag, annotation and VERSION from govc ≤ v0.30 PascalCase output', () => {
    expect(parseVmInfo(readFileSync(join(samples, 'govc-vm-info-pascal.json'), 'utf8'))).toEqual({
      exists: true,
      template: true,
      annotation: 'Cluster API vSphere image',
      contentKey: undefined,
      version: VERSION,
    });
  });

  it('reads the same facts from the camelCase output of later govc versions', () => {
    expect(parseVmInfo(readFileSync(join(samples, 'govc-vm-info-camel.json'), 'utf8'))).toEqual({
      exists: true,
      template: true,
      annotation: 'Cluster API vSphere image',
      contentKey: undefined,
      version: VERSION,
    });
  });

  it('finds the content key on its own annotation line', () => {
    const json = JSON.stringify({
      virtualMachines: [{ config: { template: false, annotation: 'Cluster API vSphere image\nKiln image x\nkiln-content-key=abc123' } }],
    });
    expect(parseVmInfo(json)).toEqual({
      exists: true,
      template: false,
      annotation: 'Cluster API vSphere image\nKiln image x\nkiln-content-key=abc123',
      contentKey: 'abc123',
      version: undefined,
    });
  });

  it('reads the VERSION kiln os-image-version reads from the same output (one reader, one fallback)', () => {
    const outputs = [
      readFileSync(join(samples, 'govc-vm-info-pascal.json'), 'utf8'),
      readFileSync(repoPath('libs', 'image-version', 'fixtures', 'govc', 'vm-info-govc-0.33-camel.json'), 'utf8'),
      // DefaultValue empty, the version in Value; a top-level PascalCase list over camelCase VMs (govc v0.31).
      JSON.stringify({
        VirtualMachines: [
          { name: 'x', config: { vAppConfig: { property: [{ id: 'VERSION', defaultValue: '', value: 'v1.26.5+vmware.1-myorg.0' }] } } },
        ],
      }),
    ];
    expect(outputs.map((json) => parseVmInfo(json).version)).toEqual(outputs.map((json) => govcVmVersion(json, 'sample')));
  });

  it('treats the null list govc prints for a path that matches nothing as "does not exist", in both casings', () => {
    expect([parseVmInfo('{"VirtualMachines":null}'), parseVmInfo('{"virtualMachines":null}')]).toEqual([
      { exists: false },
      { exists: false },
    ]);
  });
});

describe('templatePath', () => {
  it('appends the template name to an absolute folder', () => {
    expect(templatePath(UP)).toBe('/dc0/vm/tkg-templates/tpl');
  });

  it('puts a relative folder under /<datacenter>/vm', () => {
    expect(templatePath({ ...UP, folder: 'tkg/templates/' })).toBe('/dc0/vm/tkg/templates/tpl');
  });
});

describe('EC2 permission arguments', () => {
  it('adds account ids only and removes the public group only through Remove', () => {
    expect(ec2.modifyLaunchPermission('ami-1', ['111111111111', '222222222222'], ['333333333333'], true)).toEqual([
      'modify-image-attribute',
      [
        '--image-id',
        'ami-1',
        '--launch-permission',
        'Add=[{UserId=111111111111},{UserId=222222222222}],Remove=[{UserId=333333333333},{Group=all}]',
      ],
    ]);
  });
});

describe('Azure helpers', () => {
  it('splits a gallery image version id into its parts', () => {
    expect(
      parseSigVersionId('/subscriptions/s-1/resourceGroups/rg/providers/Microsoft.Compute/galleries/g_1/images/img/versions/0.1.2'),
    ).toEqual({
      subscriptionId: 's-1',
      resourceGroup: 'rg',
      gallery: 'g_1',
      imageName: 'img',
      version: '0.1.2',
    });
  });

  it('compares region display names and names alike', () => {
    expect(['West Europe', 'westeurope', 'West US 2'].map(regionKey)).toEqual(['westeurope', 'westeurope', 'westus2']);
  });
});
