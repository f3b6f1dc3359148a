// Small hand-written ImageContext fixtures for renderer tests: the real catalog plus a tiny inline tkg.json.
import { configBundleDir, getRelease, gossSpecName, loadCatalog } from '@kiln/catalog';
import type { KilnImage } from '@kiln/schema';
import type { ImageContext } from '../src/image-context';

/** A trimmed config-bundle tkg.json: the keys the renderers read or must leave alone. */
export const FIXTURE_TKG_JSON: Readonly<Record<string, string>> = {
  containerd_url: 'http://<IP>:<PORT>/files/containerd/cri-containerd-v1.6.18+vmware.1.linux-amd64.tar',
  custom_role: 'true',
  custom_role_names: '/home/imagebuilder/tkg',
  extra_debs: 'nfs-common unzip apparmor apparmor-utils sysstat',
  extra_rpms: 'sysstat',
  kubernetes_cni_http_source: 'http://<IP>:<PORT>/files/cni_plugins',
  kubernetes_http_source: 'http://<IP>:<PORT>/files/kubernetes',
  kubernetes_semver: 'v1.26.5+vmware.2',
};

const VSPHERE_UPLOAD: KilnImage['upload'] = {
  vsphere: {
    datacenter: '/dc0',
    folder: '/dc0/vm/t',
    datastore: 'ds0',
    resourcePool: '/dc0/host/c0/Resources',
    cluster: 'c0',
    templateName: 't0',
  },
};

/** A vSphere Ubuntu 20.04 image (plan-based VERSION), with `extra` fields laid over it. */
export function vsphereSpec(extra: Partial<KilnImage> = {}): KilnImage {
  return {
    infra: 'vsphere',
    os: 'ubuntu-2004',
    release: 'v2.3.0',
    vsphere: { clusterType: 'plan', version: 'v1.26.5+vmware.1-myorg.0' },
    upload: VSPHERE_UPLOAD,
    ...extra,
  };
}

/** An AWS Ubuntu 20.04 image built in us-east-1, with `extra` fields laid over it. */
export function awsSpec(extra: Partial<KilnImage> = {}): KilnImage {
  return { infra: 'aws', os: 'ubuntu-2004', release: 'v2.3.0', upload: { aws: { region: 'us-east-1' } }, ...extra };
}

/** An Azure Ubuntu 20.04 image in a declared gallery, with `extra` fields laid over it. */
export function azureSpec(extra: Partial<KilnImage> = {}): KilnImage {
  return {
    infra: 'azure',
    os: 'ubuntu-2004',
    release: 'v2.3.0',
    upload: {
      azure: {
        subscriptionId: '00000000-0000-4000-8000-000000000009',
        resourceGroup: 'rg-images',
        gallery: 'my_gallery',
        location: 'westeurope',
      },
    },
    ...extra,
  };
}

export interface FixtureOptions {
  /** Image project name (default "img"). */
  name?: string;
  /** Replaces the whole bundle tkg.json (default FIXTURE_TKG_JSON). */
  tkgJson?: Record<string, string>;
  /** Workspace registry relocation. */
  registry?: string;
}

/** The ImageContext loadImageContext would build for `spec`, without touching the file system. */
export function fixtureContext(spec: KilnImage, options: FixtureOptions = {}): ImageContext {
  const catalog = loadCatalog();
  const release = getRelease(catalog, spec.release);
  if (!release) throw new Error(`fixture release ${spec.release} is not in the catalog`);
  return {
    name: options.name ?? 'img',
    spec,
    catalog,
    release,
    bundleDir: configBundleDir(release),
    bundleTkgJson: { ...(options.tkgJson ?? FIXTURE_TKG_JSON) },
    gossSpec: gossSpecName(catalog, spec.release, spec.infra, spec.os),
    bundleDigests: { goss: 'sha256:goss0', tkg: 'sha256:tkg0' },
    registry: options.registry,
  };
}
