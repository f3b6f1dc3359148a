import { describe, expect, it } from 'vitest';
import { formatError } from '@kiln/errors';
import { kilnErrorOf } from '@kiln/testing';
import { isKilnPluginEntry, normalizePluginOptions, settingsFromNxJson, withEnvOverrides } from './workspace-settings';

describe('normalizePluginOptions', () => {
  it('fills in the README defaults when nx.json gives no options', () => {
    expect(normalizePluginOptions(undefined)).toEqual({ configBundlesDir: 'images/_bundles', pullPolicy: 'IfNotPresent' });
  });

  it('keeps all five options, without trailing slashes on the bundles folder', () => {
    const options = {
      configBundlesDir: 'vendor/bundles//',
      registry: 'registry.example.com/tkg',
      pullPolicy: 'Never',
      bundlePort: 8080,
      advertiseAddress: '192.0.2.10',
    };
    expect(normalizePluginOptions(options)).toEqual({ ...options, configBundlesDir: 'vendor/bundles' });
  });

  it('treats empty values as unset and accepts a port written as a string', () => {
    expect(normalizePluginOptions({ registry: '', advertiseAddress: '', pullPolicy: '', bundlePort: '3000' })).toEqual({
      configBundlesDir: 'images/_bundles',
      pullPolicy: 'IfNotPresent',
      bundlePort: 3000,
    });
  });

  it('refuses a pull policy that is not IfNotPresent, Always or Never, pointing at nx.json', () => {
    expect(formatError(kilnErrorOf(() => normalizePluginOptions({ pullPolicy: 'Sometimes' })))).toBe(
      'nx.json: plugin option pullPolicy must be one of IfNotPresent, Always, Never (got "Sometimes")\n' +
        '  hint: fix or remove pullPolicy in the options of the Kiln plugin in nx.json (README "Settings" lists them)',
    );
  });

  it('refuses a bundle port that is not a whole number from 1 to 65535', () => {
    for (const bundlePort of [0, 65536, 80.5, 'http', true]) {
      expect(kilnErrorOf(() => normalizePluginOptions({ bundlePort })).message).toMatch(
        /^plugin option bundlePort must be a port number from 1 to 65535/,
      );
    }
  });

  it('refuses an advertise address that is not a host name or an IP address', () => {
    for (const advertiseAddress of ['10.0.0.1"', 'host name', 'x\ny', 'http://10.0.0.1', '-host']) {
      expect(kilnErrorOf(() => normalizePluginOptions({ advertiseAddress })).code).toBe('SETTINGS_INVALID');
    }
    expect(normalizePluginOptions({ advertiseAddress: '[fd00::1]' }).advertiseAddress).toBe('[fd00::1]');
    expect(normalizePluginOptions({ advertiseAddress: 'builder-host.example.com' }).advertiseAddress).toBe('builder-host.example.com');
  });

  it('refuses an option of the wrong type', () => {
    expect(kilnErrorOf(() => normalizePluginOptions({ registry: 5 })).message).toBe('plugin option registry must be a string (got 5)');
  });

  it('refuses an unknown option (a typo would otherwise be ignored), naming the known ones', () => {
    const error = kilnErrorOf(() => normalizePluginOptions({ pullpolicy: 'Never' }));
    expect([error.code, error.message, error.hint]).toEqual([
      'SETTINGS_INVALID',
      'unknown plugin option pullpolicy',
      "the Kiln plugin's options are configBundlesDir, registry, pullPolicy, bundlePort, advertiseAddress",
    ]);
  });
});

describe('withEnvOverrides', () => {
  const settings = normalizePluginOptions({ pullPolicy: 'Never', advertiseAddress: '192.0.2.10' });

  it('lets KILN_PULL_POLICY and KILN_ADVERTISE_ADDRESS win over the options', () => {
    expect(withEnvOverrides(settings, { KILN_PULL_POLICY: 'Always', KILN_ADVERTISE_ADDRESS: '198.51.100.7' })).toEqual({
      configBundlesDir: 'images/_bundles',
      pullPolicy: 'Always',
      advertiseAddress: '198.51.100.7',
    });
  });

  it('keeps the options when the variables are unset or empty', () => {
    expect(withEnvOverrides(settings, { KILN_PULL_POLICY: '', KILN_ADVERTISE_ADDRESS: ' ' })).toEqual(settings);
  });

  it('refuses a bad KILN_PULL_POLICY with KILN_ENV_INVALID naming the variable', () => {
    expect(formatError(kilnErrorOf(() => withEnvOverrides(settings, { KILN_PULL_POLICY: 'always' })))).toBe(
      'KILN_PULL_POLICY must be one of IfNotPresent, Always, Never (got "always")\n  hint: fix KILN_PULL_POLICY, or unset it to use the plugin option in nx.json',
    );
  });

  it('refuses a KILN_ADVERTISE_ADDRESS that is not a host name or an IP address', () => {
    const error = kilnErrorOf(() => withEnvOverrides(settings, { KILN_ADVERTISE_ADDRESS: '10.0.0.1; touch /tmp/x' }));
    expect([error.code, error.message]).toEqual([
      'KILN_ENV_INVALID',
      'KILN_ADVERTISE_ADDRESS must be a host name or an IP address (IPv6 in brackets) (got "10.0.0.1; touch /tmp/x")',
    ]);
  });
});

describe('settingsFromNxJson (the CLI, outside Nx)', () => {
  it('reads the options of the Kiln plugin entry, by its folder or its package name, and ignores other plugins', () => {
    const plugins = (plugin: string) => [
      { plugin: '@nx/js', options: { registry: 'other' } },
      'nx/some-plugin',
      { plugin, options: { registry: 'r.example.com/tkg' } },
    ];
    expect(settingsFromNxJson({ plugins: plugins('./tools/kiln-nx/lib/index.js') }, {}).registry).toBe('r.example.com/tkg');
    expect(settingsFromNxJson({ plugins: plugins('@kiln/nx') }, {}).registry).toBe('r.example.com/tkg');
  });

  it('uses the defaults without a Kiln plugin entry, and applies the env overrides', () => {
    expect(settingsFromNxJson({}, { KILN_PULL_POLICY: 'Always' })).toEqual({ configBundlesDir: 'images/_bundles', pullPolicy: 'Always' });
  });

  it('recognises the plugin entry by name, not by a substring of another plugin', () => {
    expect([
      isKilnPluginEntry('./tools/kiln-nx/lib/index.js'),
      isKilnPluginEntry('@kiln/nx'),
      isKilnPluginEntry('@acme/kiln-nx-extras'),
      isKilnPluginEntry('@kiln/nxt'),
    ]).toEqual([true, true, false, false]);
  });
});
