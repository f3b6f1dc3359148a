// Generated from libs/steps/src/shared/workspace-settings.ts by tools/kiln-nx/bin/compile-plugin.js: do not edit, run npm run compile:plugin.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ADVERTISE_ADDRESS_ENV = exports.PULL_POLICY_ENV = exports.PULL_POLICIES = void 0;
exports.normalizePluginOptions = normalizePluginOptions;
exports.withEnvOverrides = withEnvOverrides;
exports.isKilnPluginEntry = isKilnPluginEntry;
exports.settingsFromNxJson = settingsFromNxJson;
// Workspace settings: the options of the Kiln Nx plugin (README "Settings"), normalised once by the plugin and
// handed to each target as executor options; executors add the KILN_* overrides. Cheap: the plugin entry loads it.
const config_bundle_1 = require("../../../catalog/src/config-bundle.js");
const errors_1 = require("../../../errors/src/index.js");
const pull_policy_1 = require("../../../runner/src/pull-policy.js");
Object.defineProperty(exports, "PULL_POLICIES", { enumerable: true, get: function () { return pull_policy_1.PULL_POLICIES; } });
exports.PULL_POLICY_ENV = 'KILN_PULL_POLICY';
exports.ADVERTISE_ADDRESS_ENV = 'KILN_ADVERTISE_ADDRESS';
const OPTION_NAMES = ['configBundlesDir', 'registry', 'pullPolicy', 'bundlePort', 'advertiseAddress'];
/** A host name, an IPv4 address, or a bracketed IPv6 address: what fits in http://<address>:<port>/. */
const HOST = /^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/;
function invalidOption(name, problem, got) {
    return new errors_1.KilnError('SETTINGS_INVALID', `plugin option ${name} ${problem} (got ${JSON.stringify(got)})`, {
        file: 'nx.json',
        hint: `fix or remove ${name} in the options of the Kiln plugin in nx.json (README "Settings" lists them)`,
    });
}
function optionalString(name, value) {
    if (value === undefined || value === null || value === '')
        return undefined;
    if (typeof value !== 'string')
        throw invalidOption(name, 'must be a string', value);
    return value;
}
function pullPolicyOf(value) {
    if (value === undefined || value === null || value === '')
        return undefined;
    if (!pull_policy_1.PULL_POLICIES.includes(value))
        throw invalidOption('pullPolicy', `must be one of ${pull_policy_1.PULL_POLICIES.join(', ')}`, value);
    return value;
}
function portOf(value) {
    if (value === undefined || value === null || value === '')
        return undefined;
    const port = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
        throw invalidOption('bundlePort', 'must be a port number from 1 to 65535', value);
    return port;
}
function addressOf(value) {
    const address = optionalString('advertiseAddress', value);
    if (address !== undefined && !HOST.test(address))
        throw invalidOption('advertiseAddress', 'must be a host name or an IP address (IPv6 in brackets)', value);
    return address;
}
/** The plugin options from nx.json, checked, with defaults filled in; a bad value is SETTINGS_INVALID. */
function normalizePluginOptions(raw) {
    if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw)))
        throw invalidOption('options', 'must be an object', raw);
    const options = (raw ?? {});
    const unknown = Object.keys(options).filter((k) => !OPTION_NAMES.includes(k));
    if (unknown.length > 0) {
        throw new errors_1.KilnError('SETTINGS_INVALID', `unknown plugin option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, {
            file: 'nx.json',
            hint: `the Kiln plugin's options are ${OPTION_NAMES.join(', ')}`,
        });
    }
    const settings = {
        configBundlesDir: (optionalString('configBundlesDir', options.configBundlesDir) ?? config_bundle_1.DEFAULT_CONFIG_BUNDLES_DIR).replace(/\/+$/, ''),
        pullPolicy: pullPolicyOf(options.pullPolicy) ?? 'IfNotPresent',
    };
    const registry = optionalString('registry', options.registry);
    const bundlePort = portOf(options.bundlePort);
    const advertiseAddress = addressOf(options.advertiseAddress);
    if (registry !== undefined)
        settings.registry = registry;
    if (bundlePort !== undefined)
        settings.bundlePort = bundlePort;
    if (advertiseAddress !== undefined)
        settings.advertiseAddress = advertiseAddress;
    return settings;
}
function invalidEnv(name, problem, got) {
    return new errors_1.KilnError('KILN_ENV_INVALID', `${name} ${problem} (got ${JSON.stringify(got.slice(0, 40))})`, {
        hint: `fix ${name}, or unset it to use the plugin option in nx.json`,
    });
}
/** The settings with KILN_PULL_POLICY and KILN_ADVERTISE_ADDRESS applied (they win); a bad value is KILN_ENV_INVALID. */
function withEnvOverrides(settings, env = process.env) {
    const out = { ...settings };
    const pullPolicy = env[exports.PULL_POLICY_ENV]?.trim();
    if (pullPolicy) {
        if (!pull_policy_1.PULL_POLICIES.includes(pullPolicy))
            throw invalidEnv(exports.PULL_POLICY_ENV, `must be one of ${pull_policy_1.PULL_POLICIES.join(', ')}`, pullPolicy);
        out.pullPolicy = pullPolicy;
    }
    const address = env[exports.ADVERTISE_ADDRESS_ENV]?.trim();
    if (address) {
        if (!HOST.test(address))
            throw invalidEnv(exports.ADVERTISE_ADDRESS_ENV, 'must be a host name or an IP address (IPv6 in brackets)', address);
        out.advertiseAddress = address;
    }
    return out;
}
/** Whether an nx.json plugins[] entry is the Kiln plugin (by package name or by its folder). */
function isKilnPluginEntry(plugin) {
    const path = plugin.replace(/\\/g, '/');
    return path === '@kiln/nx' || path.startsWith('@kiln/nx/') || path.split('/').includes('kiln-nx');
}
/**
 * The settings of a workspace from its nx.json object, env overrides applied: for the kiln CLI, which runs outside Nx
 * (executors get the settings as their options instead).
 */
function settingsFromNxJson(nxJson, env = process.env) {
    const entry = (nxJson?.plugins ?? []).find((p) => !!p &&
        typeof p === 'object' &&
        typeof p.plugin === 'string' &&
        isKilnPluginEntry(p.plugin));
    return withEnvOverrides(normalizePluginOptions(entry?.options), env);
}
