// The docker host's address as the VMs being built will reach it (never loopback unless asked).
import { networkInterfaces } from 'node:os';
import { KilnError } from '@kiln/errors';
import { ADVERTISE_ADDRESS_ENV } from '../shared/workspace-settings';

/** Interfaces that only containers or this host can reach. */
const LOCAL_ONLY = /^(lo|docker|br-|veth|virbr|cni|flannel|cali|vxlan|tun|tap|kube)/;

type Interfaces = ReturnType<typeof networkInterfaces>;

/** First non-internal IPv4 address of a physical-looking interface, sorted by interface name. */
export function detectAddress(interfaces: Interfaces = networkInterfaces()): string | undefined {
  for (const name of Object.keys(interfaces).sort()) {
    if (LOCAL_ONLY.test(name)) continue;
    for (const a of interfaces[name] ?? []) {
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) return a.address;
    }
  }
  return undefined;
}

/** Env wins over the workspace setting, which wins over detection. */
export function advertiseAddress(setting: string | undefined, env: NodeJS.ProcessEnv = process.env, interfaces?: Interfaces): string {
  const explicit = env[ADVERTISE_ADDRESS_ENV] || setting;
  if (explicit) return explicit;
  const detected = detectAddress(interfaces);
  if (!detected) {
    throw new KilnError('ADVERTISE_ADDRESS', 'no address of this host that the VMs being built could reach was detected', {
      hint: `set ${ADVERTISE_ADDRESS_ENV} (or the plugin option advertiseAddress in nx.json) to this host's address as seen from the build VMs`,
    });
  }
  return detected;
}
