// Pure renderers of new spec files (image.yaml, tkr.yaml, cluster.yaml): options in, YAML text out.
// Values are written as JSON strings (valid YAML scalars), so no option can break the document.
import type { Infra, OsName } from '@kiln/catalog';

const q = (value: string): string =>
  /^[A-Za-z0-9][A-Za-z0-9._/+-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value) ? value : JSON.stringify(value);
const list = (values: string[]): string => `[${values.map(q).join(', ')}]`;

export interface ImageYamlOptions {
  infra: Infra;
  os: OsName;
  release: string;
  /** vSphere only. */
  clusterType?: 'class' | 'plan';
  /** vSphere only: the OVA VERSION. */
  version?: string;
  hardening?: 'cis' | 'stig';
  fips?: boolean;
  gpu?: boolean;
  /** http(s) proxy URL and the hosts that bypass it. */
  proxy?: string;
  noProxy?: string[];
  extraPackages?: string[];
  /** The upload block of the image's infra, as key → value (string or string list). */
  upload: Record<string, string | string[]>;
}

function uploadLines(infra: Infra, upload: ImageYamlOptions['upload']): string[] {
  const lines = ['upload:', `  ${infra}:`];
  for (const [key, value] of Object.entries(upload)) lines.push(`    ${key}: ${Array.isArray(value) ? list(value) : q(value)}`);
  return lines;
}

const HARDENING: Record<'cis' | 'stig', string[]> = {
  cis: ['aide', 'clamav', 'systemdTimesyncd', 'protectKernelDefaults'],
  stig: ['aide', 'sshdLoginBanner', 'removeExistingCaCerts', 'audispdPlugins'],
};

export function imageYaml(o: ImageYamlOptions): string {
  const lines = [
    '# yaml-language-server: $schema=../../libs/schema/src/schemas/image.schema.json',
    `# ${o.os} ${o.infra} image for TKG ${o.release} (written by nx g @kiln/nx:image; see README: images/<name>/image.yaml).`,
    `infra: ${o.infra}`,
    `os: ${o.os}`,
    `release: ${o.release}`,
  ];
  if (o.infra === 'vsphere') {
    lines.push('vsphere:', `  clusterType: ${o.clusterType ?? 'class'}`, `  version: ${q(o.version!)}`);
  }
  if (o.hardening) {
    lines.push('hardening:', `  ${o.hardening}:`, ...HARDENING[o.hardening].map((k) => `    ${k}: false`));
  } else if (o.os === 'ubuntu-2004') {
    lines.push(
      '# hardening:               # cis or stig (not both); each switch defaults to false',
      '#   cis: { aide: true, clamav: true, systemdTimesyncd: true, protectKernelDefaults: true }',
    );
  }
  lines.push(o.fips ? 'fips: true' : '# fips: true');
  if (o.proxy) {
    lines.push('proxy:', `  http: ${q(o.proxy)}`, `  https: ${q(o.proxy)}`);
    if (o.noProxy?.length) lines.push(`  noProxy: ${list(o.noProxy)}`);
  } else {
    lines.push('# proxy: { http: http://proxy.example.com:80, https: http://proxy.example.com:80, noProxy: [localhost] }');
  }
  // Written whenever asked for, so the image rules (not this renderer) decide whether the combination is valid.
  if (o.gpu) lines.push('gpu: true');
  else if (o.infra === 'vsphere') lines.push('# gpu: true                 # vmx_version 17 for GPU clusters');
  lines.push(o.extraPackages?.length ? `extraPackages: ${list(o.extraPackages)}` : '# extraPackages: [jq]');
  lines.push('# refresh: 30d               # freshness window: rebuild a cached build older than this');
  if (o.os === 'rhel-8') {
    lines.push('rhel:', '  iso: isos/rhel-8.4-x86_64-dvd.iso', '  subscription: { userEnv: RHSM_USER, passwordEnv: RHSM_PASS }');
  }
  lines.push(...uploadLines(o.infra, o.upload));
  return lines.join('\n') + '\n';
}

export interface TkrYamlOptions {
  /** Base BoM file name, relative to the tkr folder. */
  bom: string;
  /** release.version of the base BoM, for the comment. */
  version?: string;
  suffix: string;
  images: string[];
  context: string;
  namespace?: string;
  /** End of the header comment, e.g. "starter written by kiln bom import". */
  writtenBy?: string;
}

export function tkrYaml(o: TkrYamlOptions): string {
  const images =
    o.images.length > 0
      ? ['images:', ...o.images.map((i) => `  - ${q(i)}`)]
      : ['# Image projects (folders under images/) whose published images this TKr adds: list at least one.', 'images: []'];
  return (
    [
      '# yaml-language-server: $schema=../../libs/schema/src/schemas/tkr.schema.json',
      `# Custom TKr based on ${o.bom}${o.version ? ` (release.version ${o.version})` : ''}; ${o.writtenBy ?? 'written by nx g @kiln/nx:tkr'}.`,
      `bom: ${q(o.bom)}`,
      `# release.version becomes ${o.version ?? '<base version>'}-<suffix> (never a prefix): lowercase letters, digits and '-'.`,
      `suffix: ${q(o.suffix)}`,
      ...images,
      'managementCluster:',
      '  # kubeconfig context of the management cluster the TKr is registered in',
      `  context: ${q(o.context)}`,
      `  namespace: ${q(o.namespace ?? 'tkr-system')}`,
      '  # restartController: true  # delete the tkr-controller-manager pod so the TKr reconciles at once',
      '  # timeoutSeconds: 900',
    ].join('\n') + '\n'
  );
}

export interface ClusterYamlOptions {
  base: string;
  clusterName: string;
  tkr?: string;
  image?: string;
  kind?: 'workload' | 'management';
}

export function clusterYaml(o: ClusterYamlOptions): string {
  return (
    [
      '# yaml-language-server: $schema=../../libs/schema/src/schemas/cluster.schema.json',
      `# Cluster configuration ${o.clusterName} (written by nx g @kiln/nx:cluster).`,
      ...(o.kind === 'management'
        ? ['kind: management']
        : ['# kind: management          # the custom image for the management cluster itself']),
      `base: ${q(o.base)}`,
      `name: ${q(o.clusterName)}`,
      o.tkr ? `tkr: ${q(o.tkr)}` : `image: ${q(o.image!)}`,
      '# overrides: { WORKER_MACHINE_COUNT: 3 }',
    ].join('\n') + '\n'
  );
}
