// customizations.json: the image's options as packer variables, layered over tkg.json (later file wins).
import { HARDENING_ROLES } from '@kiln/catalog';
import type { ImageContext } from './image-context';
import { hardeningKind } from './image-context';
import { baseAnsibleUserVars } from './render-tkg-json';

export const IMAGEBUILDER_HOME = '/home/imagebuilder';

/** ansible_user_vars switches per hardening kind: spec key → ansible variable, in the guide's order. */
const HARDENING_VARS = {
  cis: [
    ['aide', 'install_aide'],
    ['clamav', 'install_clamav'],
    ['systemdTimesyncd', 'install_systemd_timesyncd'],
    ['protectKernelDefaults', 'install_protect_kernel_defaults'],
  ],
  stig: [
    ['aide', 'install_aide'],
    ['sshdLoginBanner', 'install_sshd_login_banner'],
    ['removeExistingCaCerts', 'remove_existing_ca_certs'],
    ['audispdPlugins', 'install_audispd_plugins'],
  ],
} as const;

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function hardeningVars(ctx: ImageContext): Record<string, string> {
  const kind = hardeningKind(ctx.spec);
  if (!kind) return {};
  const switches = (ctx.spec.hardening?.[kind] ?? {}) as Record<string, boolean | undefined>;
  const hardening = HARDENING_VARS[kind].map(([key, ansible]) => `${ansible}=${switches[key] === true}`);
  const roles = unique([
    ...(ctx.bundleTkgJson.custom_role_names ?? `${IMAGEBUILDER_HOME}/tkg`).split(/\s+/).filter(Boolean),
    `${IMAGEBUILDER_HOME}/${HARDENING_ROLES[kind]}`,
  ]);
  return {
    ansible_user_vars: [...baseAnsibleUserVars(ctx), ...hardening].join(' '),
    custom_role_names: roles.join(' '),
  };
}

function packageVars(ctx: ImageContext): Record<string, string> {
  const variable = ctx.catalog.packageVariable[ctx.spec.os];
  const extra = [...(ctx.catalog.osPackages[ctx.spec.os] ?? []), ...(ctx.spec.extraPackages ?? [])];
  if (extra.length === 0) return {};
  const base = (ctx.bundleTkgJson[variable] ?? '').split(/\s+/).filter(Boolean);
  return { [variable]: unique([...base, ...extra]).join(' ') };
}

function proxyVars(ctx: ImageContext): Record<string, string> {
  const proxy = ctx.spec.proxy;
  if (!proxy) return {};
  const out: Record<string, string> = {};
  if (proxy.http) out.http_proxy = proxy.http;
  if (proxy.https) out.https_proxy = proxy.https;
  if (proxy.noProxy?.length) out.no_proxy = proxy.noProxy.join(',');
  return out;
}

/** Name of the vSphere build VM (and OVA) of an image: kiln-<image>. */
export function buildVmName(image: string): string {
  return `kiln-${image}`;
}

/** The gallery image definition image-builder's init-sig.sh creates (and packer builds into): capi-<os>. */
export function azureImageDefinition(os: string): string {
  return `capi-${os}`;
}

/** iso_url/iso_checksum for the image's RHEL ISO when image.yaml declares its checksum. */
function rhelIsoVars(ctx: ImageContext): Record<string, string> {
  const rhel = ctx.spec.rhel;
  if (!rhel?.isoSha256) return {};
  return { iso_checksum: rhel.isoSha256, iso_checksum_type: 'sha256', iso_url: `file:///${rhel.iso.split('/').pop()!}` };
}

/**
 * Safe, explicit per-infra defaults: private AMIs built in the build region only (upload copies them
 * to the declared regions and shares them with the declared accounts), a declared Azure gallery.
 */
function infraVars(ctx: ImageContext): Record<string, string> {
  const { spec } = ctx;
  if (spec.infra === 'vsphere') {
    // The build VM keeps this name in the folder after the build: one per image, so parallel builds of
    // one OS and Kubernetes version never collide and -force replaces only this image's leftover VM.
    return { build_version: buildVmName(ctx.name), ...rhelIsoVars(ctx), ...(spec.gpu ? { vmx_version: '17' } : {}) };
  }
  if (spec.infra === 'aws') {
    const aws = spec.upload.aws!;
    return {
      ami_groups: '',
      ami_regions: aws.region,
      ami_users: '',
      aws_region: aws.region,
      manifest_output: `${IMAGEBUILDER_HOME}/output/manifest.json`,
      snapshot_groups: '',
      snapshot_users: '',
    };
  }
  const azure = spec.upload.azure!;
  return {
    azure_location: azure.location,
    image_name: azureImageDefinition(spec.os),
    replication_regions: azure.location,
    resource_group_name: azure.resourceGroup,
    shared_image_gallery_name: azure.gallery,
    subscription_id: azure.subscriptionId,
  };
}

export function renderCustomizations(ctx: ImageContext): Record<string, string> {
  return {
    ...infraVars(ctx),
    ...packageVars(ctx),
    ...proxyVars(ctx),
    ...hardeningVars(ctx),
    ...(ctx.spec.packerVars ?? {}),
  };
}
