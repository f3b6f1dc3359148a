// build-plan.json: the image-builder `docker run` as data. Host paths use tokens resolved at build time:
// {workspace} workspace root, {config} this image's rendered config folder, {run} a private per-run
// folder (tkg.json with the bundle endpoint filled in), {credentials} a private 0600 folder,
// {output} the artifact folder (outside the Nx cache outputs), {home} the user's home.
import { HARDENING_ROLES } from '@kiln/catalog';
import { hardeningKind, type ImageContext } from './image-context';
import { IMAGEBUILDER_HOME } from './render-customizations';

export interface Mount {
  host: string;
  container: string;
  readOnly?: boolean;
}

export interface EnvFromHost {
  /** Variable name inside the container (passed as `--env NAME`, value never in argv). */
  name: string;
  /** Host environment variable the value is read from. */
  from: string;
}

export interface BuildPlan {
  kind: 'kiln-build-plan';
  schemaVersion: 1;
  image: string;
  infra: string;
  os: string;
  release: string;
  kubernetesSemver: string;
  builderImage: string;
  bundleImage: string;
  makeTarget: string;
  network: 'bridge' | 'host';
  mounts: Mount[];
  env: Array<{ name: string; value: string }>;
  envFromHost: EnvFromHost[];
  envFile?: string;
  packerVarFiles: string[];
  credentials: { kind: 'vsphere-json' | 'aws-config' | 'azure'; file?: string };
  gossSpec: string;
  bundleDigests: Record<string, string>;
  version?: string;
}

const REGISTRY = 'projects.registry.vmware.com/tkg';

/** Applies a workspace registry relocation to a catalog image reference. */
export function relocate(ref: string, registry?: string): string {
  if (!registry || !ref.startsWith(`${REGISTRY}/`)) return ref;
  return `${registry.replace(/\/+$/, '')}/${ref.slice(REGISTRY.length + 1)}`;
}

export function renderBuildPlan(ctx: ImageContext, customizations: Record<string, string>): BuildPlan {
  const { spec, release, catalog } = ctx;
  const H = IMAGEBUILDER_HOME;
  const mounts: Mount[] = [];
  const packerVarFiles = ['tkg.json'];
  const env: Array<{ name: string; value: string }> = [];
  const envFromHost: EnvFromHost[] = [];
  let envFile: string | undefined;
  let credentials: BuildPlan['credentials'];

  if (spec.infra === 'vsphere') {
    mounts.push({ host: '{credentials}/vsphere.json', container: `${H}/vsphere.json`, readOnly: true });
    packerVarFiles.push('vsphere.json');
    credentials = { kind: 'vsphere-json', file: '{credentials}/vsphere.json' };
  } else if (spec.infra === 'aws') {
    mounts.push({ host: '{home}/.aws', container: `${H}/.aws`, readOnly: true });
    credentials = { kind: 'aws-config' };
  } else {
    mounts.push({ host: '{home}/.azure', container: `${H}/.azure`, readOnly: true });
    envFile = '{credentials}/azure-creds.env';
    credentials = { kind: 'azure', file: envFile };
  }
  mounts.push({ host: '{run}/tkg.json', container: `${H}/tkg.json` });
  mounts.push({ host: `{workspace}/${ctx.bundleDir}/tkg`, container: `${H}/tkg` });
  const hardening = hardeningKind(spec);
  if (hardening) {
    const role = HARDENING_ROLES[hardening];
    mounts.push({ host: `{workspace}/${ctx.bundleDir}/${role}`, container: `${H}/${role}` });
  }
  mounts.push({ host: `{workspace}/${ctx.bundleDir}/goss/${ctx.gossSpec}`, container: `${H}/goss/goss.yaml` });
  if (spec.infra === 'vsphere') mounts.push({ host: '{config}/metadata.json', container: `${H}/metadata.json` });
  if (Object.keys(customizations).length > 0) {
    const name = catalog.customizationsFile[spec.infra];
    mounts.push({ host: '{config}/customizations.json', container: `${H}/${name}` });
    packerVarFiles.push(name);
  }
  if (spec.rhel) {
    const iso = spec.rhel.iso.split('/').pop()!;
    mounts.push({ host: `{workspace}/${spec.rhel.iso}`, container: `/${iso}` });
    envFromHost.push({ name: 'RHSM_USER', from: spec.rhel.subscription.userEnv }, { name: 'RHSM_PASS', from: spec.rhel.subscription.passwordEnv });
  }
  if (spec.infra !== 'azure') mounts.push({ host: '{output}', container: `${H}/output` });

  env.push({ name: 'PACKER_VAR_FILES', value: packerVarFiles.join(' ') });
  if (spec.infra === 'vsphere') env.push({ name: 'OVF_CUSTOM_PROPERTIES', value: `${H}/metadata.json` });
  env.push({ name: 'IB_OVFTOOL', value: '1' });
  if (spec.infra === 'azure') {
    // image-builder's init-sig.sh reads these; unset, it creates a new random gallery on every build.
    const azure = spec.upload.azure!;
    env.push(
      { name: 'AZURE_LOCATION', value: azure.location },
      { name: 'GALLERY_NAME', value: azure.gallery },
      { name: 'RESOURCE_GROUP_NAME', value: azure.resourceGroup },
    );
  }

  return {
    kind: 'kiln-build-plan',
    schemaVersion: 1,
    image: ctx.name,
    infra: spec.infra,
    os: spec.os,
    release: spec.release,
    kubernetesSemver: release.kubernetesSemver,
    builderImage: spec.images?.builder ?? relocate(release.images.builder, ctx.registry),
    bundleImage: spec.images?.bundle ?? relocate(release.images.bundle, ctx.registry),
    makeTarget: release.targets[spec.infra]![spec.os]!,
    network: spec.rhel ? 'host' : 'bridge',
    mounts,
    env,
    envFromHost,
    envFile,
    packerVarFiles,
    credentials,
    gossSpec: ctx.gossSpec,
    bundleDigests: ctx.bundleDigests,
    version: spec.infra === 'vsphere' ? spec.vsphere?.version : undefined,
  };
}
