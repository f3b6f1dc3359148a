// customizations.json: the image's options as packer variables, layered over tkg.json (later file wins).
import { HARDENING_ANSIBLE } from '@kiln/schema';
import type { ImageContext } from './image-context';
import { hardeningKind } from './image-context';
import { baseAnsibleUserVars } from './render-tkg-json';

export const IMAGEBUILDER_HOME = '/home/imagebuilder';
/** The builder's output folder: Kiln copies it out after a successful build (OVA, packer manifest, package list). */
export const IMAGEBUILDER_OUTPUT = `${IMAGEBUILDER_HOME}/output`;

/**
 * Kiln's own Ansible role that lists the guest's installed packages (sbom.cdx.json is made from its file): mounted
 * read-only from the Kiln installation (the {kiln} token of build-plan.json, never the user's workspace), listed
 * last in custom_role_names, and writing kiln_package_list_dest into the output folder.
 */
export const PACKAGE_LIST_ROLE = {
  host: '{kiln}/libs/provenance/ansible/kiln-package-list',
  container: `${IMAGEBUILDER_HOME}/kiln-package-list`,
  dest: `${IMAGEBUILDER_OUTPUT}/packages.tsv`,
} as const;

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** The hardening role's ansible_user_vars switches: one per spec key, in image.schema.json's order (the guide's). */
function hardeningSwitches(ctx: ImageContext): string[] {
  const kind = hardeningKind(ctx.spec);
  if (!kind) return [];
  const switches = (ctx.spec.hardening?.[kind] ?? {}) as Record<string, boolean | undefined>;
  return Object.entries(HARDENING_ANSIBLE[kind].vars).map(([key, ansible]) => `${ansible}=${switches[key] === true}`);
}

/**
 * The roles image-builder runs (custom_role_names): the bundle's, the hardening role, and kiln-package-list last,
 * so the package list is taken after every other role installed its packages; ansible_user_vars carries the
 * hardening switches and where the package list goes.
 */
function roleVars(ctx: ImageContext): Record<string, string> {
  const kind = hardeningKind(ctx.spec);
  const roles = unique([
    ...(ctx.bundleTkgJson.custom_role_names ?? `${IMAGEBUILDER_HOME}/tkg`).split(/\s+/).filter(Boolean),
    ...(kind ? [`${IMAGEBUILDER_HOME}/${HARDENING_ANSIBLE[kind].role}`] : []),
    PACKAGE_LIST_ROLE.container,
  ]);
  return {
    ansible_user_vars: [...baseAnsibleUserVars(ctx), ...hardeningSwitches(ctx), `kiln_package_list_dest=${PACKAGE_LIST_ROLE.dest}`].join(
      ' ',
    ),
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
      manifest_output: `${IMAGEBUILDER_OUTPUT}/manifest.json`,
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
    ...roleVars(ctx),
    ...(ctx.spec.packerVars ?? {}),
  };
}
