import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kilnErrorOf } from '@kiln/testing';
import { govcVmVersion } from './govc-vm-info';

const V = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'govc', name), 'utf8');

/** One VM with these vApp properties, in the camelCase shape. */
function camelVm(properties: object[] | null, name = 'ubuntu-2004-kube-v1.26.5'): string {
  return JSON.stringify({
    virtualMachines: [
      { self: { type: 'VirtualMachine', value: 'vm-1' }, name, config: { name, vAppConfig: properties && { property: properties } } },
    ],
  });
}

describe('govcVmVersion', () => {
  it('reads DefaultValue of the VERSION property from PascalCase output (govc <= v0.30)', () => {
    expect(govcVmVersion(fixture('vm-info-govc-0.30-pascal.json'), 'vm.json')).toBe(V);
  });

  it('reads defaultValue of the VERSION property from camelCase output (govc >= v0.31)', () => {
    expect(govcVmVersion(fixture('vm-info-govc-0.33-camel.json'), 'vm.json')).toBe(V);
  });

  it('looks each level up in either casing (govc v0.31 kept the top-level VirtualMachines)', () => {
    const mixed = JSON.stringify({
      VirtualMachines: [{ name: 'x', config: { vAppConfig: { property: [{ key: 10, id: 'VERSION', defaultValue: V }] } } }],
    });
    expect(govcVmVersion(mixed, 'vm.json')).toBe(V);
  });

  it('falls back to Value when DefaultValue is empty', () => {
    expect(govcVmVersion(camelVm([{ key: 10, id: 'VERSION', defaultValue: '', value: 'v1.26.5+vmware.1-myorg.0' }]), 'vm.json')).toBe(
      'v1.26.5+vmware.1-myorg.0',
    );
  });

  it('fails when both DefaultValue and Value are empty', () => {
    const e = kilnErrorOf(() => govcVmVersion(camelVm([{ key: 10, id: 'VERSION' }]), 'vm.json'));
    expect([e.code, e.message]).toEqual([
      'GOVC_VERSION_EMPTY',
      'vm.json: the VERSION vApp property of ubuntu-2004-kube-v1.26.5 is empty (DefaultValue and Value)',
    ]);
  });

  it('names the properties the VM has when VERSION is missing', () => {
    const e = kilnErrorOf(() =>
      govcVmVersion(
        camelVm([
          { key: 0, id: 'BUILD_DATE', defaultValue: 'x' },
          { key: 1, id: 'DISTRO_NAME', defaultValue: 'ubuntu' },
        ]),
        'vm.json',
      ),
    );
    expect([e.code, e.message]).toEqual([
      'GOVC_NO_VERSION',
      'vm.json: ubuntu-2004-kube-v1.26.5 has no VERSION vApp property (it has BUILD_DATE, DISTRO_NAME)',
    ]);
  });

  it('fails when the VM has no vApp configuration', () => {
    const e = kilnErrorOf(() => govcVmVersion(camelVm(null), 'vm.json'));
    expect([e.code, e.message]).toEqual(['GOVC_NO_VAPP_PROPERTIES', 'vm.json: ubuntu-2004-kube-v1.26.5 has no vApp properties']);
  });

  it('fails when no VM matched (govc prints a null list)', () => {
    const e = kilnErrorOf(() => govcVmVersion('{"virtualMachines":null}\n', 'govc vm.info -json /dc0/vm/nope'));
    expect([e.code, e.message]).toEqual(['GOVC_NO_VM', 'govc vm.info -json /dc0/vm/nope: no virtual machine matched']);
  });

  it('refuses several matched VMs', () => {
    const two = JSON.stringify({ VirtualMachines: [{ Name: 'a' }, { Name: 'b' }] });
    const e = kilnErrorOf(() => govcVmVersion(two, 'vm.json'));
    expect([e.code, e.message]).toEqual(['GOVC_MULTIPLE_VMS', 'vm.json: 2 virtual machines matched (a, b)']);
  });

  it('refuses text that is not JSON', () => {
    const e = kilnErrorOf(() => govcVmVersion('Name:           ubuntu-2004-kube-v1.26.5\n', 'vm.txt'));
    expect(e.code).toBe('GOVC_JSON_INVALID');
    expect(e.message).toMatch(/^vm\.txt is not JSON: /);
  });

  it('refuses JSON that is not vm.info output', () => {
    const e = kilnErrorOf(() => govcVmVersion('{"Devices": []}', 'device.json'));
    expect([e.code, e.message]).toEqual(['GOVC_JSON_INVALID', 'device.json is not govc vm.info -json output (no virtualMachines list)']);
  });
});
