// tkg.json: the config bundle's tkg.json with the options that must remove keys applied (FIPS).
// `<IP>:<PORT>` stays a literal placeholder; the bundle endpoint is filled in at build time.
import type { ImageContext } from './image-context';

const FIPS_OFF = 'install_fips=no';

/** ansible_user_vars tokens of the bundle, without install_fips=no when the image is FIPS. */
export function baseAnsibleUserVars(ctx: ImageContext): string[] {
  const tokens = (ctx.bundleTkgJson.ansible_user_vars ?? '').split(/\s+/).filter(Boolean);
  return ctx.spec.fips ? tokens.filter((t) => t !== FIPS_OFF) : tokens;
}

export function renderTkgJson(ctx: ImageContext): Record<string, string> {
  const out: Record<string, string> = { ...ctx.bundleTkgJson };
  if (ctx.spec.fips && 'ansible_user_vars' in out) {
    const rest = baseAnsibleUserVars(ctx);
    if (rest.length === 0) delete out.ansible_user_vars;
    else out.ansible_user_vars = rest.join(' ');
  }
  return out;
}
