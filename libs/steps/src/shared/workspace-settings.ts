// Workspace settings: the options of the Kiln Nx plugin (README "Settings"), normalised once by the plugin and
// handed to each target as executor options; executors add the KILN_* overrides. Cheap: the plugin entry loads it.
import { DEFAULT_CONFIG_BUNDLES_DIR } from '@kiln/catalog/src/config-bundle';
import { KilnError } from '@kiln/errors';
import { PULL_POLICIES, type PullPolicy } from '@kiln/runner/src/pull-policy';

export { PULL_POLICIES, type PullPolicy };

/** The plugin options as nx.json states them (`plugins[].options`). */
export interface KilnPluginOptions {
  /** Where unzipped image-builder config bundles live (default images/_bundles). */
  configBundlesDir?: string;
  /** Private registry prefix replacing projects.registry.vmware.com/tkg (relocated images). */
  registry?: string;
  /** IfNotPresent (default: air-gapped hosts with preloaded images work), Always or Never; env KILN_PULL_POLICY wins. */
  pullPolicy?: PullPolicy;
  /** Host port for the resource bundle's port 3000 (default: a free port). */
  bundlePort?: number;
  /** The docker host's address as the build VMs reach it (default: detected); env KILN_ADVERTISE_ADDRESS wins. */
  advertiseAddress?: string;
}

/** The plugin options normalised: defaults filled in, values checked. */
export type KilnSettings = Required<Pick<KilnPluginOptions, 'configBundlesDir' | 'pullPolicy'>> &
  Pick<KilnPluginOptions, 'registry' | 'bundlePort' | 'advertiseAddress'>;

/** The settings that shape an image's rendered config (all that render-config and upload need). */
export type ImageSettings = Pick<KilnSettings, 'configBundlesDir' | 'registry'>;

export const PULL_POLICY_ENV = 'KILN_PULL_POLICY';
export const ADVERTISE_ADDRESS_ENV = 'KILN_ADVERTISE_ADDRESS';

const OPTION_NAMES: readonly (keyof KilnPluginOptions)[] = ['configBundlesDir', 'registry', 'pullPolicy', 'bundlePort', 'advertiseAddress'];
/** A host name, an IPv4 address, or a bracketed IPv6 address: what fits in http://<address>:<port>/. */
const HOST = /^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/;

function invalidOption(name: string, problem: string, got: unknown): KilnError {
  return new KilnError('SETTINGS_INVALID', `plugin option ${name} ${problem} (got ${JSON.stringify(got)})`, {
    file: 'nx.json',
    hint: `fix or remove ${name} in the options of the Kiln plugin in nx.json (README "Settings" lists them)`,
  });
}

function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidOption(name, 'must be a string', value);
  return value;
}

function pullPolicyOf(value: unknown): PullPolicy | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!(PULL_POLICIES as readonly unknown[]).includes(value))
    throw invalidOption('pullPolicy', `must be one of ${PULL_POLICIES.join(', ')}`, value);
  return value as PullPolicy;
}

function portOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const port = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    throw invalidOption('bundlePort', 'must be a port number from 1 to 65535', value);
  return port;
}

function addressOf(value: unknown): string | undefined {
  const address = optionalString('advertiseAddress', value);
  if (address !== undefined && !HOST.test(address))
    throw invalidOption('advertiseAddress', 'must be a host name or an IP address (IPv6 in brackets)', value);
  return address;
}

/** The plugin options from nx.json, checked, with defaults filled in; a bad value is SETTINGS_INVALID. */
export function normalizePluginOptions(raw: unknown): KilnSettings {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw)))
    throw invalidOption('options', 'must be an object', raw);
  const options = (raw ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(options).filter((k) => !(OPTION_NAMES as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new KilnError('SETTINGS_INVALID', `unknown plugin option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, {
      file: 'nx.json',
      hint: `the Kiln plugin's options are ${OPTION_NAMES.join(', ')}`,
    });
  }
  const settings: KilnSettings = {
    configBundlesDir: (optionalString('configBundlesDir', options.configBundlesDir) ?? DEFAULT_CONFIG_BUNDLES_DIR).replace(/\/+$/, ''),
    pullPolicy: pullPolicyOf(options.pullPolicy) ?? 'IfNotPresent',
  };
  const registry = optionalString('registry', options.registry);
  const bundlePort = portOf(options.bundlePort);
  const advertiseAddress = addressOf(options.advertiseAddress);
  if (registry !== undefined) settings.registry = registry;
  if (bundlePort !== undefined) settings.bundlePort = bundlePort;
  if (advertiseAddress !== undefined) settings.advertiseAddress = advertiseAddress;
  return settings;
}

function invalidEnv(name: string, problem: string, got: string): KilnError {
  return new KilnError('KILN_ENV_INVALID', `${name} ${problem} (got ${JSON.stringify(got.slice(0, 40))})`, {
    hint: `fix ${name}, or unset it to use the plugin option in nx.json`,
  });
}

/** The settings with KILN_PULL_POLICY and KILN_ADVERTISE_ADDRESS applied (they win); a bad value is KILN_ENV_INVALID. */
export function withEnvOverrides<S extends Partial<KilnSettings>>(settings: S, env: NodeJS.ProcessEnv = process.env): S {
  const out = { ...settings };
  const pullPolicy = env[PULL_POLICY_ENV]?.trim();
  if (pullPolicy) {
    if (!(PULL_POLICIES as readonly string[]).includes(pullPolicy))
      throw invalidEnv(PULL_POLICY_ENV, `must be one of ${PULL_POLICIES.join(', ')}`, pullPolicy);
    out.pullPolicy = pullPolicy as PullPolicy;
  }
  const address = env[ADVERTISE_ADDRESS_ENV]?.trim();
  if (address) {
    if (!HOST.test(address)) throw invalidEnv(ADVERTISE_ADDRESS_ENV, 'must be a host name or an IP address (IPv6 in brackets)', address);
    out.advertiseAddress = address;
  }
  return out;
}

/** Whether an nx.json plugins[] entry is the Kiln plugin (by package name or by its folder). */
export function isKilnPluginEntry(plugin: string): boolean {
  const path = plugin.replace(/\\/g, '/');
  return path === '@kiln/nx' || path.startsWith('@kiln/nx/') || path.split('/').includes('kiln-nx');
}

/**
 * The settings of a workspace from its nx.json object, env overrides applied: for the kiln CLI, which runs outside Nx
 * (executors get the settings as their options instead).
 */
export function settingsFromNxJson(nxJson: { plugins?: unknown[] } | undefined, env: NodeJS.ProcessEnv = process.env): KilnSettings {
  const entry = (nxJson?.plugins ?? []).find(
    (p): p is { plugin: string; options?: unknown } =>
      !!p &&
      typeof p === 'object' &&
      typeof (p as { plugin?: unknown }).plugin === 'string' &&
      isKilnPluginEntry((p as { plugin: string }).plugin),
  );
  return withEnvOverrides(normalizePluginOptions(entry?.options), env);
}
