// Rules across fields of image.yaml that a JSON Schema cannot say clearly (run after the schema passed).
import { getRelease, osesFor, releaseIds, type Catalog, type Infra } from '@kiln/catalog';
import type { KilnImage } from './generated/spec-types';
import type { Problem } from './problem';
import { revocationTime } from './revocation';

/** Characters that would break the OVF XML attribute VERSION is written into. */
const OVF_BREAKING = /["<&]|[\u0000-\u001f]/;
/** packer variables that carry credentials: never accepted from a spec file. */
const CREDENTIAL_VARS = /(password|secret|token|access_key|client_secret|rhsm_pass)/i;

type Rule = (image: KilnImage, catalog: Catalog) => Problem[];

const releaseKnown: Rule = (image, catalog) => {
  if (getRelease(catalog, image.release)) return [];
  return [
    {
      code: 'RELEASE_UNKNOWN',
      path: '/release',
      message: `/release ${image.release} is not in the release catalog (known: ${releaseIds(catalog).join(', ')})`,
      hint: 'use a known release or add it to libs/catalog/data/releases.yaml',
    },
  ];
};

const osOnInfra: Rule = (image, catalog) => {
  const release = getRelease(catalog, image.release);
  if (!release) return [];
  const oses = osesFor(release, image.infra);
  if (oses.includes(image.os)) return [];
  return [
    {
      code: 'OS_NOT_AVAILABLE',
      path: '/os',
      message: `/os ${image.os} is not available on ${image.infra} for release ${image.release} (available: ${oses.join(', ') || 'none'})`,
      hint: `pick one of ${oses.join(', ')} or another release`,
    },
  ];
};

const hardeningUbuntu2004Only: Rule = (image) => {
  if (!image.hardening || image.os === 'ubuntu-2004') return [];
  const photon = image.os === 'photon-3' ? ' (the TKG guide: hardening Photon images through ansible_user_vars is not supported)' : '';
  return [
    {
      code: 'HARDENING_OS',
      path: '/hardening',
      message: `/hardening is only supported on ubuntu-2004 (os is ${image.os})${photon}`,
      hint: 'remove /hardening or build an ubuntu-2004 image',
    },
  ];
};

const oneHardeningKind: Rule = (image) => {
  if (!(image.hardening?.cis && image.hardening?.stig)) return [];
  return [
    {
      code: 'HARDENING_BOTH',
      path: '/hardening/stig',
      message: '/hardening sets both cis and stig; choose one',
      hint: 'keep either /hardening/cis or /hardening/stig',
    },
  ];
};

const gpuOnVsphere: Rule = (image) => {
  if (!image.gpu || image.infra === 'vsphere') return [];
  return [
    {
      code: 'GPU_INFRA',
      path: '/gpu',
      message: `/gpu is only supported on vsphere (infra is ${image.infra})`,
      hint: 'remove gpu: true or build a vsphere image',
    },
  ];
};

const rhelInputs: Rule = (image) => {
  if (image.os === 'rhel-8' && !image.rhel) {
    return [
      {
        code: 'RHEL_INPUTS',
        path: '',
        message: 'top level is missing required key "rhel" (os is rhel-8)',
        hint: 'add rhel: { iso: isos/rhel-8.4-x86_64-dvd.iso, subscription: { userEnv: RHSM_USER, passwordEnv: RHSM_PASS } }',
      },
    ];
  }
  if (image.os !== 'rhel-8' && image.rhel) {
    return [
      { code: 'RHEL_INPUTS', path: '/rhel', message: `/rhel is only used by rhel-8 images (os is ${image.os})`, hint: 'remove /rhel' },
    ];
  }
  return [];
};

const vsphereBlock: Rule = (image, catalog) => {
  if (image.infra !== 'vsphere') {
    return image.vsphere
      ? [
          {
            code: 'INFRA_BLOCK',
            path: '/vsphere',
            message: `/vsphere is only used by vsphere images (infra is ${image.infra})`,
            hint: 'remove /vsphere',
          },
        ]
      : [];
  }
  if (!image.vsphere) {
    return [
      {
        code: 'VSPHERE_BLOCK',
        path: '',
        message: 'top level is missing required key "vsphere" (infra is vsphere)',
        hint: 'add vsphere: { clusterType: class, version: <OS image version> }',
      },
    ];
  }
  const problems: Problem[] = [];
  if (image.vsphere.version === undefined) {
    const release = getRelease(catalog, image.release);
    problems.push(
      image.vsphere.clusterType === 'class'
        ? {
            code: 'VSPHERE_VERSION',
            path: '/vsphere',
            message: '/vsphere/version is required when /vsphere/clusterType is class',
            hint:
              "set it to the default Ubuntu OVA's OS image version" +
              (release ? ` (${image.release}: ${release.defaultOvaVersion})` : '') +
              ', or run npx kiln os-image-version --from-cluster ... --write images/<name>',
          }
        : {
            code: 'VSPHERE_VERSION',
            path: '/vsphere',
            message: '/vsphere/version is required (plan-based images need a unique VERSION)',
            hint: 'use the Kubernetes version with an organisation suffix, e.g. v1.26.5+vmware.1-myorg.0',
          },
    );
  } else if (OVF_BREAKING.test(image.vsphere.version)) {
    const bad = image.vsphere.version.match(OVF_BREAKING)![0];
    problems.push({
      code: 'VSPHERE_VERSION_CHARS',
      path: '/vsphere/version',
      message: `/vsphere/version must not contain ${JSON.stringify(bad)} (it would break the OVF XML)`,
      hint: 'use letters, digits and . + - _ only, e.g. v1.26.5+vmware.1-myorg.0',
    });
  }
  return problems;
};

const uploadMatchesInfra: Rule = (image) => {
  const declared = Object.keys(image.upload) as Infra[];
  const problems: Problem[] = [];
  for (const infra of declared) {
    if (infra !== image.infra) {
      problems.push({
        code: 'UPLOAD_INFRA',
        path: `/upload/${infra}`,
        message: `/upload/${infra} does not match infra ${image.infra}`,
        hint: `declare /upload/${image.infra} instead`,
      });
    }
  }
  if (!declared.includes(image.infra)) {
    problems.push({
      code: 'UPLOAD_INFRA',
      path: '/upload',
      message: `/upload is missing required key "${image.infra}" (infra is ${image.infra})`,
      hint: `add /upload/${image.infra} with the publish destination`,
    });
  }
  return problems;
};

const noCredentialPackerVars: Rule = (image) =>
  Object.keys(image.packerVars ?? {})
    .filter((k) => CREDENTIAL_VARS.test(k))
    .map((k) => ({
      code: 'PACKER_VAR_SECRET',
      path: '/packerVars',
      key: k,
      message: `/packerVars/${k} looks like a credential; credentials are never written in spec files`,
      hint: 'provide credentials through the environment (see README: credentials); Kiln hands them to the build container at build time, never through a file in the workspace',
    }));

/** packer variables Kiln sets itself and depends on after the build; overriding them breaks it. */
const RESERVED_VARS: Record<string, string> = {
  build_version: 'the vSphere build VM and OVA are named kiln-<image>, and PACKER_FLAGS=-force replaces only that VM on a rebuild',
  custom_role_names:
    "Kiln lists the config bundle's roles, the hardening role and its own kiln-package-list role, which records the installed packages sbom.cdx.json is made from",
  image_name: "Azure builds publish into capi-<os>, the gallery image definition image-builder's init-sig.sh creates",
  manifest_output: 'Kiln reads the AMI ids from the packer manifest it places in the output folder',
};

const noReservedPackerVars: Rule = (image) =>
  Object.keys(image.packerVars ?? {})
    .filter((k) => k in RESERVED_VARS)
    .map((k) => ({
      code: 'PACKER_VAR_RESERVED',
      path: '/packerVars',
      key: k,
      message: `/packerVars/${k} is set by Kiln: ${RESERVED_VARS[k]}`,
      hint: `remove ${k} from packerVars`,
    }));

const noProxyNeedsProxy: Rule = (image) => {
  if (!image.proxy?.noProxy || image.proxy.http || image.proxy.https) return [];
  return [
    {
      code: 'PROXY_INCOMPLETE',
      path: '/proxy',
      message: '/proxy/noProxy is set without /proxy/http or /proxy/https',
      hint: 'add the proxy URL(s) or remove /proxy',
    },
  ];
};

/** The ISO upstream packer/ova/rhel-8.json pins by name and sha256. */
const UPSTREAM_RHEL_ISO = 'rhel-8.4-x86_64-dvd.iso';

const rhelIsoChecksum: Rule = (image) => {
  if (!image.rhel || image.rhel.isoSha256 || image.rhel.iso.split('/').pop() === UPSTREAM_RHEL_ISO) return [];
  return [
    {
      code: 'RHEL_ISO_CHECKSUM',
      path: '/rhel',
      message: `/rhel/isoSha256 is required for ${image.rhel.iso}: image-builder's rhel-8 template pins ${UPSTREAM_RHEL_ISO} and its checksum, so another ISO needs its own`,
      hint: 'add isoSha256: <the output of sha256sum on the ISO> (Kiln then sets iso_url and iso_checksum)',
    },
  ];
};

const azureImageNameUnsupported: Rule = (image) => {
  if (!image.upload.azure?.imageName) return [];
  return [
    {
      code: 'AZURE_IMAGE_NAME',
      path: '/upload/azure',
      key: 'imageName',
      message: `/upload/azure/imageName is not supported: image-builder's init-sig.sh creates the gallery image definition capi-${image.os} and packer builds into it; a definition named ${image.upload.azure.imageName} would not exist`,
      hint: 'remove imageName (the image version is published under capi-' + image.os + ')',
    },
  ];
};

const revokedAtIsADate: Rule = (image) => {
  if (!image.revoked || revocationTime(image.revoked.at) !== undefined) return [];
  return [
    {
      code: 'REVOKED_AT_INVALID',
      path: '/revoked/at',
      message: `/revoked/at ${image.revoked.at} is not a real date or time`,
      hint: 'write a calendar date such as 2026-03-01 or an RFC 3339 time such as 2026-03-01T12:00:00Z (hours 00-23)',
    },
  ];
};

const rules: Rule[] = [
  releaseKnown,
  osOnInfra,
  vsphereBlock,
  hardeningUbuntu2004Only,
  oneHardeningKind,
  gpuOnVsphere,
  rhelInputs,
  rhelIsoChecksum,
  uploadMatchesInfra,
  azureImageNameUnsupported,
  noCredentialPackerVars,
  noReservedPackerVars,
  noProxyNeedsProxy,
  revokedAtIsADate,
];

export function imageProblems(image: KilnImage, catalog: Catalog): Problem[] {
  return rules.flatMap((rule) => rule(image, catalog));
}
