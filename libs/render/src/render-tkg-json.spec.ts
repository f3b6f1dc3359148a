import { describe, expect, it } from 'vitest';
import { renderTkgJson } from './render-tkg-json';
import { FIXTURE_TKG_JSON, awsSpec, fixtureContext, vsphereSpec } from '../test/test-fixtures';

describe('renderTkgJson', () => {
  it('FIPS removes install_fips=no from ansible_user_vars and keeps the other tokens', () => {
    const ctx = fixtureContext(awsSpec({ fips: true }), {
      tkgJson: { ...FIXTURE_TKG_JSON, ansible_user_vars: 'install_fips=no keep_me=1' },
    });
    expect(renderTkgJson(ctx).ansible_user_vars).toBe('keep_me=1');
  });

  it('FIPS deletes ansible_user_vars when install_fips=no was its only token', () => {
    const ctx = fixtureContext(awsSpec({ fips: true }), { tkgJson: { ...FIXTURE_TKG_JSON, ansible_user_vars: 'install_fips=no' } });
    const out = renderTkgJson(ctx);
    expect('ansible_user_vars' in out).toBe(false);
    expect(Object.keys(out).sort()).toEqual(Object.keys(FIXTURE_TKG_JSON).sort());
  });

  it('without FIPS the bundle tkg.json is passed through unchanged, install_fips=no included', () => {
    const tkgJson = { ...FIXTURE_TKG_JSON, ansible_user_vars: 'install_fips=no' };
    expect(renderTkgJson(fixtureContext(awsSpec(), { tkgJson }))).toEqual(tkgJson);
  });

  it('keeps <IP>:<PORT> as a literal placeholder (the bundle endpoint is filled in at build time)', () => {
    const out = renderTkgJson(fixtureContext(vsphereSpec()));
    expect(out.containerd_url).toBe('http://<IP>:<PORT>/files/containerd/cri-containerd-v1.6.18+vmware.1.linux-amd64.tar');
    expect(out.kubernetes_http_source).toBe('http://<IP>:<PORT>/files/kubernetes');
    expect(out.kubernetes_cni_http_source).toBe('http://<IP>:<PORT>/files/cni_plugins');
  });
});
