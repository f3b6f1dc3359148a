// Reads the package list Kiln's kiln-package-list Ansible role writes from the guest (dpkg or rpm flavour).
import { KilnError } from '@kiln/errors';

/**
 * The file's first line names its format and the guest's /etc/os-release ID and VERSION_ID:
 *   `# kiln-package-list v1 format=dpkg os-id=ubuntu os-version-id=20.04`
 * then one package a line, tab-separated:
 *   dpkg: `${Package}\t${Version}\t${Architecture}\t${db:Status-Status}` (Version is `[epoch:]upstream[-revision]`)
 *   rpm:  `%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{ARCH}` (EPOCHNUM is 0 when the package has no epoch)
 */
export const PACKAGE_LIST_HEADER = '# kiln-package-list v1';
/** The file name the role writes (beside the other build outputs). */
export const PACKAGE_LIST_FILE = 'packages.tsv';
/**
 * The role that writes it, relative to the Kiln installation (build-plan.json mounts it from `{kiln}/` + this path);
 * image-builder runs it when custom_role_names lists its mount.
 */
export const PACKAGE_LIST_ROLE_DIR = 'libs/provenance/ansible/kiln-package-list';
/** `dpkg-query -W -f=…` and `rpm -qa --qf …` formats the role uses (escapes as the tools read them). */
export const DPKG_QUERY_FORMAT = '${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n';
export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\n';

export type PackageFormat = 'dpkg' | 'rpm';

export interface InstalledPackage {
  name: string;
  /** dpkg: the full Debian version, epoch included. rpm: `version-release` (the epoch is separate). */
  version: string;
  /** rpm only, and only when not 0. */
  epoch?: number;
  /** Absent when the package manager has none (rpm prints `(none)`). */
  arch?: string;
}

export interface PackageList {
  format: PackageFormat;
  /** The guest's /etc/os-release ID and VERSION_ID (e.g. ubuntu 20.04, rhel 8.8, photon 3.0, amzn 2). */
  os: { id: string; versionId: string };
  /** Sorted by name, then arch, then version. */
  packages: InstalledPackage[];
}

/** dpkg states in which a package's files are not (all) on disk: it is not part of the image. */
const DPKG_ABSENT = new Set(['not-installed', 'config-files', 'half-installed']);
/** rpm lists imported signing keys as packages named gpg-pubkey; they are not software. */
const RPM_KEYS = 'gpg-pubkey';

function formatError(file: string, line: number, message: string): KilnError {
  return new KilnError('PACKAGE_LIST_FORMAT', message, {
    file,
    line,
    hint: 'the file is written by the kiln-package-list Ansible role; rebuild the image to write it again',
  });
}

function parseHeader(first: string | undefined, file: string): Pick<PackageList, 'format' | 'os'> {
  if (!first?.startsWith(`${PACKAGE_LIST_HEADER} `)) {
    throw formatError(file, 1, `the first line must start with "${PACKAGE_LIST_HEADER} " (got "${first ?? ''}")`);
  }
  const fields = new Map(
    first
      .slice(PACKAGE_LIST_HEADER.length)
      .trim()
      .split(/\s+/)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const),
  );
  const format = fields.get('format');
  if (format !== 'dpkg' && format !== 'rpm') throw formatError(file, 1, `format must be dpkg or rpm (got "${format ?? ''}")`);
  const id = fields.get('os-id');
  if (!id) throw formatError(file, 1, "the header has no os-id (the guest's /etc/os-release ID)");
  return { format, os: { id, versionId: fields.get('os-version-id') ?? '' } };
}

function parseDpkg(columns: string[], file: string, line: number): InstalledPackage | undefined {
  const [name, version, arch, status] = columns;
  if (columns.length !== 4 || !name || !version || !arch || !status) {
    throw formatError(file, line, `expected name, version, architecture and status separated by tabs (got "${columns.join('\\t')}")`);
  }
  return DPKG_ABSENT.has(status) ? undefined : { name, version, arch };
}

function parseRpm(columns: string[], file: string, line: number): InstalledPackage | undefined {
  const [name, evr, arch] = columns;
  const m = /^(\d+):(.+-.+)$/.exec(evr ?? '');
  if (columns.length !== 3 || !name || !arch || !m) {
    throw formatError(file, line, `expected name, epoch:version-release and arch separated by tabs (got "${columns.join('\\t')}")`);
  }
  if (name === RPM_KEYS) return undefined;
  const epoch = Number(m[1]);
  return { name, version: m[2]!, ...(epoch !== 0 ? { epoch } : {}), ...(arch !== '(none)' ? { arch } : {}) };
}

function compare(a: InstalledPackage, b: InstalledPackage): number {
  const ka = [a.name, a.arch ?? '', a.version];
  const kb = [b.name, b.arch ?? '', b.version];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  return 0;
}

/** Parses the role's file; `file` names it in errors. Blank lines are ignored; a list with no package is an error. */
export function parsePackageList(text: string, file: string = PACKAGE_LIST_FILE): PackageList {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const header = parseHeader(lines[0], file);
  const parse = header.format === 'dpkg' ? parseDpkg : parseRpm;
  const packages: InstalledPackage[] = [];
  lines.slice(1).forEach((text, i) => {
    if (text.trim() === '') return;
    const pkg = parse(text.split('\t'), file, i + 2);
    if (pkg) packages.push(pkg);
  });
  if (packages.length === 0) throw formatError(file, 1, `the ${header.format} package list names no installed package`);
  return { ...header, packages: packages.sort(compare) };
}
