// Hand-written provenance inputs for tests: a vSphere OVA build and an AWS build, with realistic digests and pins.
import { createHash } from 'node:crypto';
import type { DockerImage, ProvenanceInput } from '../src';

/** hex sha256 of a label: stands in for a file's digest in these inputs. */
export function digestOf(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

/** The v2.3.0 release entry as releases.yaml pins it (inlined so catalog edits do not move the golden files). */
export const RELEASE_V230 = {
  kubernetes: 'v1.26.5',
  kubernetesSemver: 'v1.26.5+vmware.2',
  tkrVersion: 'v1.26.5+vmware.2-tkg.1',
  defaultOvaVersion: 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e',
  images: {
    builder: 'projects.registry.vmware.com/tkg/image-builder:v0.1.13_vmware.2',
    bundle: 'projects.registry.vmware.com/tkg/linux-resource-bundle:v1.26.5_vmware.1-tkg.1',
  },
  configBundle: 'TKG-Image-Builder-for-Kubernetes-v1_26_5---vmware_2-tkg_v2_3_0',
  gossSpec: '{infra}-{os}-{kubernetesSemver}-tkg_v{tkgUnderscored}-goss-spec.yaml',
};

/** The builder image as `docker image inspect` reports it after a pull from the registry. */
export const PULLED_BUILDER: DockerImage = {
  ref: RELEASE_V230.images.builder,
  id: `sha256:${digestOf('builder-id')}`,
  repoDigests: [`projects.registry.vmware.com/tkg/image-builder@sha256:${digestOf('builder-repo')}`],
};

export const PULLED_BUNDLE: DockerImage = {
  ref: RELEASE_V230.images.bundle,
  id: `sha256:${digestOf('bundle-id')}`,
  repoDigests: [`projects.registry.vmware.com/tkg/linux-resource-bundle@sha256:${digestOf('bundle-repo')}`],
};

const BUNDLE_DIR = `images/_bundles/${RELEASE_V230.configBundle}`;
const OVA = 'kiln-ubuntu-2004-vsphere-plan';

export function vsphereInput(): ProvenanceInput {
  return {
    image: {
      name: 'ubuntu-2004-vsphere-plan',
      infra: 'vsphere',
      os: 'ubuntu-2004',
      release: 'v2.3.0',
      version: 'v1.26.5+vmware.1-myorg.0',
    },
    imageSpec: { path: 'images/ubuntu-2004-vsphere-plan/image.yaml', sha256: digestOf('image.yaml') },
    outputs: { ova: { path: `dist/images/ubuntu-2004-vsphere-plan/output/${OVA}/${OVA}.ova`, sha256: digestOf('ova') } },
    source: { commit: 'f88d17b3c2a4e5d6f708192a3b4c5d6e7f809112', dirty: false },
    catalogRelease: { name: 'v2.3.0', pins: RELEASE_V230 },
    renderedConfig: [
      { path: 'dist/images/ubuntu-2004-vsphere-plan/config/metadata.json', sha256: digestOf('metadata.json') },
      { path: 'dist/images/ubuntu-2004-vsphere-plan/config/customizations.json', sha256: digestOf('customizations.json') },
      { path: 'dist/images/ubuntu-2004-vsphere-plan/config/build-plan.json', sha256: digestOf('build-plan.json') },
    ],
    bundleParts: [
      { path: `${BUNDLE_DIR}/tkg`, sha256: digestOf('tkg-role') },
      { path: `${BUNDLE_DIR}/goss/vsphere-ubuntu-v1.26.5+vmware.2-tkg_v2_3_0-goss-spec.yaml`, sha256: digestOf('goss') },
      { path: `${BUNDLE_DIR}/tkg.json`, sha256: digestOf('tkg.json') },
    ],
    builderImage: PULLED_BUILDER,
    bundleImage: PULLED_BUNDLE,
    makeTarget: 'build-node-ova-vsphere-ubuntu-2004',
    contentKey: digestOf('content'),
    kilnVersion: '0.1.0',
    invocationId: '0b0e9c4e-5f2a-4c55-9a0e-3d1f6f1f2a10',
    startedOn: new Date('2024-05-01T10:00:00Z'),
    finishedOn: new Date('2024-05-01T10:42:17Z'),
  };
}

export function awsInput(): ProvenanceInput {
  return {
    image: { name: 'ubuntu-2004-aws-cis', infra: 'aws', os: 'ubuntu-2004', release: 'v2.3.0' },
    imageSpec: { path: 'images/ubuntu-2004-aws-cis/image.yaml', sha256: digestOf('aws-image.yaml') },
    outputs: { amis: { 'us-west-2': 'ami-0f1e2d3c4b5a69788', 'us-east-1': 'ami-0a1b2c3d4e5f60718' } },
    source: { commit: 'f88d17b3c2a4e5d6f708192a3b4c5d6e7f809112', dirty: true, repository: 'https://git.example.com/platform/images.git' },
    catalogRelease: { name: 'v2.3.0', pins: RELEASE_V230 },
    renderedConfig: [{ path: 'dist/images/ubuntu-2004-aws-cis/config/customizations.json', sha256: digestOf('aws-customizations.json') }],
    bundleParts: [
      { path: `${BUNDLE_DIR}/tkg`, sha256: digestOf('tkg-role') },
      { path: `${BUNDLE_DIR}/cis_ubuntu_2004`, sha256: digestOf('cis-role') },
    ],
    builderImage: PULLED_BUILDER,
    bundleImage: PULLED_BUNDLE,
    makeTarget: 'build-ami-ubuntu-2004',
    contentKey: digestOf('aws-content'),
    kilnVersion: '0.1.0',
    builderId: 'https://ci.example.com/runners/image-builds',
    invocationId: '7d3c1c9e-0b7e-4a43-b3a9-5b0f7e2c9d41',
    startedOn: new Date('2024-05-02T08:15:00Z'),
    finishedOn: new Date('2024-05-02T08:51:09Z'),
  };
}
