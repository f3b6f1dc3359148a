// The package list file: real dpkg-query and rpm -qa output, the role's formats, and malformed files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kilnErrorOf } from '@kiln/testing';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DPKG_QUERY_FORMAT, PACKAGE_LIST_HEADER, parsePackageList, RPM_QUERY_FORMAT } from './package-list';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'packages', name), 'utf8');
const DPKG_HEADER = `${PACKAGE_LIST_HEADER} format=dpkg os-id=ubuntu os-version-id=20.04`;

describe('parsePackageList (dpkg)', () => {
  it('reads the real Debian 12 list: format, os-release and every installed package', () => {
    const list = parsePackageList(fixture('debian-12.dpkg.tsv'));
    expect([list.format, list.os, list.packages.length]).toEqual(['dpkg', { id: 'debian', versionId: '12' }, 44]);
  });

  it('keeps the Debian version as dpkg prints it, epoch included', () => {
    const git = parsePackageList(fixture('debian-12.dpkg.tsv')).packages.find((p) => p.name === 'git');
    expect(git).toEqual({ name: 'git', version: '1:2.39.5-0+deb12u3', arch: 'amd64' });
  });

  it('leaves out packages whose files are not on disk (config-files, half-installed, not-installed)', () => {
    const text = [
      DPKG_HEADER,
      'a\t1\tamd64\tinstalled',
      'b\t1\tamd64\tconfig-files',
      'c\t1\tamd64\thalf-installed',
      'd\t1\tamd64\tnot-installed',
      'e\t1\tall\ttriggers-pending',
    ].join('\n');
    expect(parsePackageList(text).packages.map((p) => p.name)).toEqual(['a', 'e']);
  });

  it('sorts by name, then architecture (multiarch packages appear once per architecture)', () => {
    const text = [DPKG_HEADER, 'zlib1g\t1:1.2.11\tamd64\tinstalled', 'libc6\t2.31\ti386\tinstalled', 'libc6\t2.31\tamd64\tinstalled'].join(
      '\n',
    );
    expect(parsePackageList(text).packages.map((p) => `${p.name}:${p.arch}`)).toEqual(['libc6:amd64', 'libc6:i386', 'zlib1g:amd64']);
  });

  it('names the file and line of a line without four tab-separated columns', () => {
    const e = kilnErrorOf(() =>
      parsePackageList(`${DPKG_HEADER}\na\t1\tamd64\tinstalled\nb 1 amd64 installed\n`, 'dist/images/x/output/packages.tsv'),
    );
    expect([e.code, e.location, e.message]).toEqual([
      'PACKAGE_LIST_FORMAT',
      'dist/images/x/output/packages.tsv:3:1',
      'expected name, version, architecture and status separated by tabs (got "b 1 amd64 installed")',
    ]);
  });
});

describe('parsePackageList (rpm)', () => {
  it('reads the RHEL 8 list: format, os-release and every package but the signing keys', () => {
    const list = parsePackageList(fixture('rhel-8.rpm.tsv'));
    expect([list.format, list.os, list.packages.length]).toEqual(['rpm', { id: 'rhel', versionId: '8.8' }, 29]);
  });

  it('splits a non-zero epoch off the version-release', () => {
    const ssl = parsePackageList(fixture('rhel-8.rpm.tsv')).packages.find((p) => p.name === 'openssl-libs');
    expect(ssl).toEqual({ name: 'openssl-libs', version: '1.1.1k-9.el8_7', epoch: 1, arch: 'x86_64' });
  });

  it('records no epoch when EPOCHNUM is 0', () => {
    const bash = parsePackageList(fixture('rhel-8.rpm.tsv')).packages.find((p) => p.name === 'bash');
    expect(bash).toEqual({ name: 'bash', version: '4.4.20-4.el8_6', arch: 'x86_64' });
  });

  it('leaves out gpg-pubkey entries (imported signing keys, not software)', () => {
    expect(parsePackageList(fixture('rhel-8.rpm.tsv')).packages.some((p) => p.name === 'gpg-pubkey')).toBe(false);
  });

  it("records no architecture for rpm's (none)", () => {
    const text = `${PACKAGE_LIST_HEADER} format=rpm os-id=photon os-version-id=3.0\nfilesystem\t0:1.1-4.ph3\t(none)\n`;
    expect(parsePackageList(text).packages).toEqual([{ name: 'filesystem', version: '1.1-4.ph3' }]);
  });

  it("sorts rpm's unordered output by name", () => {
    const names = parsePackageList(fixture('rhel-8.rpm.tsv')).packages.map((p) => p.name);
    expect(names).toEqual([...names].sort());
  });

  it("refuses a version without the epoch the role's format prints", () => {
    const e = kilnErrorOf(() =>
      parsePackageList(`${PACKAGE_LIST_HEADER} format=rpm os-id=rhel os-version-id=8.8\nbash\t4.4.20-4.el8_6\tx86_64\n`),
    );
    expect([e.location, e.message]).toEqual([
      'packages.tsv:2:1',
      'expected name, epoch:version-release and arch separated by tabs (got "bash\\t4.4.20-4.el8_6\\tx86_64")',
    ]);
  });
});

describe('parsePackageList (header)', () => {
  it('refuses a file without the kiln-package-list header', () => {
    const e = kilnErrorOf(() => parsePackageList('adduser\t3.134\tall\tinstalled\n'));
    expect([e.location, e.message]).toEqual([
      'packages.tsv:1:1',
      'the first line must start with "# kiln-package-list v1 " (got "adduser\t3.134\tall\tinstalled")',
    ]);
  });

  it('refuses an unknown format', () => {
    expect(kilnErrorOf(() => parsePackageList(`${PACKAGE_LIST_HEADER} format=apk os-id=alpine\nx\n`)).message).toBe(
      'format must be dpkg or rpm (got "apk")',
    );
  });

  it('refuses a header without the os-release ID', () => {
    expect(kilnErrorOf(() => parsePackageList(`${PACKAGE_LIST_HEADER} format=dpkg\na\t1\tall\tinstalled\n`)).message).toBe(
      "the header has no os-id (the guest's /etc/os-release ID)",
    );
  });

  it('refuses a list that names no installed package (the query printed nothing)', () => {
    expect(kilnErrorOf(() => parsePackageList(`${DPKG_HEADER}\n`)).message).toBe('the dpkg package list names no installed package');
  });
});

describe('the kiln-package-list role', () => {
  const tasks = parse(readFileSync(join(__dirname, '..', 'ansible', 'kiln-package-list', 'tasks', 'main.yml'), 'utf8')) as Array<
    Record<string, unknown>
  >;
  const shellOf = (name: string) => tasks.find((t) => t.name === name)?.['ansible.builtin.shell'] as string;

  it('queries dpkg with the format the parser reads, after the dpkg header', () => {
    const shell = shellOf('List the installed packages (dpkg)');
    expect(shell).toContain(`printf '${PACKAGE_LIST_HEADER} format=dpkg os-id=%s os-version-id=%s\\n' "$ID" "\${VERSION_ID:-}"`);
    expect(shell).toContain(`dpkg-query -W -f='${DPKG_QUERY_FORMAT}'`);
  });

  it('queries rpm with the format the parser reads, after the rpm header', () => {
    const shell = shellOf('List the installed packages (rpm)');
    expect(shell).toContain(`printf '${PACKAGE_LIST_HEADER} format=rpm os-id=%s os-version-id=%s\\n' "$ID" "\${VERSION_ID:-}"`);
    expect(shell).toContain(`rpm -qa --qf '${RPM_QUERY_FORMAT}'`);
  });

  it('fetches the list flat to kiln_package_list_dest on the controller', () => {
    const fetch = tasks.find((t) => 'ansible.builtin.fetch' in t)?.['ansible.builtin.fetch'];
    expect(fetch).toMatchObject({ dest: '{{ kiln_package_list_dest }}', flat: true });
  });
});
