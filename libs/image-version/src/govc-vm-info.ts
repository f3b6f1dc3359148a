// Reads the VERSION vApp property from `govc vm.info -json` output (PascalCase up to govc v0.30, camelCase after).
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

const TEMPLATE_HINT = 'the VERSION property comes from the OVA import: pass the VM imported from the default Ubuntu OVA, read before it is converted to a template (or use --from-ova / --from-cluster)';

/** The VERSION of the single VM in `json` (govc vm.info -json output); `where` names the source in errors. */
export function govcVmVersion(json: string, where: string): string {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new KilnError('GOVC_JSON_INVALID', `${where} is not JSON: ${(e as Error).message}`, { hint: 'save the output of govc vm.info -json <vm path> (not the text output)' });
  }
  if (!isObject(data) || !('virtualMachines' in data || 'VirtualMachines' in data)) {
    throw new KilnError('GOVC_JSON_INVALID', `${where} is not govc vm.info -json output (no virtualMachines list)`, { hint: 'save the output of govc vm.info -json <vm path>' });
  }
  const vms = field(data, 'virtualMachines');
  if (!Array.isArray(vms) || vms.length === 0) {
    throw new KilnError('GOVC_NO_VM', `${where}: no virtual machine matched`, { hint: 'check the VM path, e.g. govc ls /dc0/vm' });
  }
  if (vms.length > 1) {
    const names = vms.map((vm) => text(field(vm, 'name')) || '?').join(', ');
    throw new KilnError('GOVC_MULTIPLE_VMS', `${where}: ${vms.length} virtual machines matched (${names})`, { hint: 'pass the full path of exactly one VM' });
  }
  const vm = vms[0];
  const name = text(field(vm, 'name')) || 'the VM';
  const properties = field(field(field(vm, 'config'), 'vAppConfig'), 'property');
  if (!Array.isArray(properties) || properties.length === 0) {
    throw new KilnError('GOVC_NO_VAPP_PROPERTIES', `${where}: ${name} has no vApp properties`, { hint: TEMPLATE_HINT });
  }
  const version = properties.find((p) => field(p, 'id') === 'VERSION');
  if (!version) {
    const ids = properties.map((p) => text(field(p, 'id'))).filter(Boolean);
    throw new KilnError('GOVC_NO_VERSION', `${where}: ${name} has no VERSION vApp property (it has ${ids.join(', ') || 'none with an id'})`, { hint: TEMPLATE_HINT });
  }
  const value = text(field(version, 'defaultValue')) || text(field(version, 'value'));
  if (!value) {
    throw new KilnError('GOVC_VERSION_EMPTY', `${where}: the VERSION vApp property of ${name} is empty (DefaultValue and Value)`, { hint: TEMPLATE_HINT });
  }
  return value;
}
