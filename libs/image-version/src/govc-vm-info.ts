// Reads `govc vm.info -json` output (PascalCase up to govc v0.30, camelCase after): the VMs, and the VERSION vApp property.
import { KilnError } from '@kiln/errors';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `obj.name`, or `obj.Name` (the same field in the older PascalCase output); each level is looked up on its own. */
function field(obj: unknown, camel: string): unknown {
  if (!isObject(obj)) return undefined;
  if (camel in obj) return obj[camel];
  return obj[camel[0].toUpperCase() + camel.slice(1)];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** One VM of `govc vm.info -json` output: the fields Kiln reads. */
export interface GovcVm {
  /** Empty when the output does not name it. */
  name: string;
  template: boolean;
  annotation: string;
  /** vApp properties in order; `value` is DefaultValue, or Value when DefaultValue is empty. */
  properties: Array<{ id: string; value: string }>;
}

/**
 * The VMs of `govc vm.info -json` output (the one reader of it): none when the path matched nothing (govc prints a
 * null list). `where` names the source in errors; text that is not vm.info output is GOVC_JSON_INVALID.
 */
export function govcVms(json: string, where: string): GovcVm[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new KilnError('GOVC_JSON_INVALID', `${where} is not JSON: ${(e as Error).message}`, {
      hint: 'save the output of govc vm.info -json <vm path> (not the text output)',
    });
  }
  if (!isObject(data) || !('virtualMachines' in data || 'VirtualMachines' in data)) {
    throw new KilnError('GOVC_JSON_INVALID', `${where} is not govc vm.info -json output (no virtualMachines list)`, {
      hint: 'save the output of govc vm.info -json <vm path>',
    });
  }
  const vms = field(data, 'virtualMachines');
  return Array.isArray(vms) ? vms.map(readVm) : [];
}

function readVm(vm: unknown): GovcVm {
  const config = field(vm, 'config');
  const properties = field(field(config, 'vAppConfig'), 'property');
  return {
    name: text(field(vm, 'name')),
    template: field(config, 'template') === true,
    annotation: text(field(config, 'annotation')),
    properties: (Array.isArray(properties) ? properties : []).map((p) => ({
      id: text(field(p, 'id')),
      value: text(field(p, 'defaultValue')) || text(field(p, 'value')),
    })),
  };
}

/** The value of a vApp property of `vm` (DefaultValue, else Value), or undefined when it has none of that id. */
export function vappProperty(vm: GovcVm, id: string): string | undefined {
  return vm.properties.find((p) => p.id === id)?.value;
}

const TEMPLATE_HINT =
  'the VERSION property comes from the OVA import: pass the VM imported from the default Ubuntu OVA, read before it is converted to a template (or use --from-ova / --from-cluster)';

/** The VERSION of the single VM in `json` (govc vm.info -json output); `where` names the source in errors. */
export function govcVmVersion(json: string, where: string): string {
  const vms = govcVms(json, where);
  if (vms.length === 0) {
    throw new KilnError('GOVC_NO_VM', `${where}: no virtual machine matched`, { hint: 'check the VM path, e.g. govc ls /dc0/vm' });
  }
  if (vms.length > 1) {
    const names = vms.map((vm) => vm.name || '?').join(', ');
    throw new KilnError('GOVC_MULTIPLE_VMS', `${where}: ${vms.length} virtual machines matched (${names})`, {
      hint: 'pass the full path of exactly one VM',
    });
  }
  const vm = vms[0];
  const name = vm.name || 'the VM';
  if (vm.properties.length === 0) {
    throw new KilnError('GOVC_NO_VAPP_PROPERTIES', `${where}: ${name} has no vApp properties`, { hint: TEMPLATE_HINT });
  }
  const value = vappProperty(vm, 'VERSION');
  if (value === undefined) {
    const ids = vm.properties.map((p) => p.id).filter(Boolean);
    throw new KilnError(
      'GOVC_NO_VERSION',
      `${where}: ${name} has no VERSION vApp property (it has ${ids.join(', ') || 'none with an id'})`,
      { hint: TEMPLATE_HINT },
    );
  }
  if (!value) {
    throw new KilnError('GOVC_VERSION_EMPTY', `${where}: the VERSION vApp property of ${name} is empty (DefaultValue and Value)`, {
      hint: TEMPLATE_HINT,
    });
  }
  return value;
}
