// build-plan.json: the image-builder container as data. Host paths use tokens resolved at build time:
// {workspace} workspace root, {config} this image's rendered config folder, {run} a private per-run
// folder (tkg.json with the bundle endpoint filled in), {kiln} the Kiln installation (its own Ansible
// roles). Every mount is read-only: credentials are written into the created container (never a host
// file), and the output is copied out of it.
import { HARDENING_ANSIBLE } from '@kiln/schema';
import { AZURE_CREDENTIAL_ENV } from './credential-env';
import { hardeningKind, type ImageContext } from './image-context';
import { IMAGEBUILDER_HOME, IMAGEBUILDER_OUTPUT, PACKAGE_LIST_ROLE } from './render-customizations';

export interface Mount {
  host: string;
  container: string;
  readOnly: true;
}

export interface EnvFromHost {
  /** Variable name inside the container (passed as `--env NAME`, value never in argv). */
  name: string;
  /** Host environment variable the value is read from. */
  from: string;
}

export interface BuildPlan {
  kind: 'kiln-build-plan';
  schemaVersion: 2;
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
  packerVarFiles: string[];
  /**
   * How credentials reach the builder: vsphere-json and aws-config are copied into the created container
   * at `into` (owned by the builder's user, mode 0600) before it starts; azure passes AZURE_* by name.
   */
  credentials: { kind: 'vsphere-json' | 'aws-config' | 'azure'; into?: string };
  /**
   * Folder copied out of the container into dist/images/<name>/output after a successful build: the OVA, the
   * packer manifest (AWS) and, on every infra, the package list the kiln-package-list role writes.
   */
  outputDir?: string;
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
  let credentials: BuildPlan['credentials'];

  if (spec.infra === 'vsphere') {
    packerVarFiles.push('vsphere.json');
    credentials = { kind: 'vsphere-json', into: `${H}/vsphere.json` };
  } else if (spec.infra === 'aws') {
    credentials = { kind: 'aws-config', into: `${H}/.aws` };
  } else {
    // init-sig.sh logs in with these inside the container, into the container's own $HOME/.azure.
    // Values from the host environment, names in argv.
    for (const name of AZURE_CREDENTIAL_ENV) envFromHost.push({ name, from: name });
    credentials = { kind: 'azure' };
  }
  const ro = (host: string, container: string) => mounts.push({ host, container, readOnly: true });
  ro('{run}/tkg.json', `${H}/tkg.json`);
  ro(`{workspace}/${ctx.bundleDir}/tkg`, `${H}/tkg`);
  const hardening = hardeningKind(spec);
  if (hardening) {
    const role = HARDENING_ANSIBLE[hardening].role;
    ro(`{workspace}/${ctx.bundleDir}/${role}`, `${H}/${role}`);
  }
  ro(PACKAGE_LIST_ROLE.host, PACKAGE_LIST_ROLE.container);
  ro(`{workspace}/${ctx.bundleDir}/goss/${ctx.gossSpec}`, `${H}/goss/goss.yaml`);
  if (spec.infra === 'vsphere') ro('{config}/metadata.json', `${H}/metadata.json`);
  if (Object.keys(customizations).length > 0) {
    const name = catalog.customizationsFile[spec.infra];
    ro('{config}/customizations.json', `${H}/${name}`);
    packerVarFiles.push(name);
  }
  if (spec.rhel) {
    const iso = spec.rhel.iso.split('/').pop()!;
    ro(`{workspace}/${spec.rhel.iso}`, `/${iso}`);
    envFromHost.push(
      { name: 'RHSM_USER', from: spec.rhel.subscription.userEnv },
      { name: 'RHSM_PASS', from: spec.rhel.subscription.passwordEnv },
    );
  }

  env.push({ name: 'PACKER_VAR_FILES', value: packerVarFiles.join(' ') });
  if (spec.infra === 'vsphere') {
    env.push(
      { name: 'OVF_CUSTOM_PROPERTIES', value: `${H}/metadata.json` },
      { name: 'IB_OVFTOOL', value: '1' },
      // The build VM (named kiln-<image>, see render-customizations) stays in the folder after a build;
      // -force lets the next build of this image replace it instead of stopping with "already exists".
      { name: 'PACKER_FLAGS', value: '-force' },
    );
  }
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
    schemaVersion: 2,
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
    packerVarFiles,
    credentials,
    outputDir: IMAGEBUILDER_OUTPUT,
    gossSpec: ctx.gossSpec,
    bundleDigests: ctx.bundleDigests,
    version: spec.infra === 'vsphere' ? spec.vsphere?.version : undefined,
  };
}
