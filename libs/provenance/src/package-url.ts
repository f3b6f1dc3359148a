// The Package URL (purl) of an installed OS package: pkg:deb/<vendor>/… or pkg:rpm/<vendor>/…, per the purl spec.
import { PackageURL } from 'packageurl-js';
import type { InstalledPackage, PackageList } from './package-list';

/** os-release IDs whose purl vendor (namespace) is another name; every other ID is its own vendor. */
const VENDOR_OF_OS_ID: Record<string, string> = { rhel: 'redhat', amzn: 'amazon' };

/** The purl namespace for a guest OS: ubuntu, debian, redhat (rhel), amazon (amzn), photon... */
export function purlVendor(osId: string): string {
  return VENDOR_OF_OS_ID[osId] ?? osId;
}

/** The `distro` qualifier: `<os-release ID>-<VERSION_ID>` (e.g. ubuntu-20.04, rhel-8.8), or the ID alone. */
export function purlDistro(os: PackageList['os']): string {
  return os.versionId ? `${os.id}-${os.versionId}` : os.id;
}

/**
 * deb: the version is dpkg's, epoch included (`pkg:deb/ubuntu/libgcc-s1@1:10.5.0-1ubuntu1~20.04?arch=amd64&distro=ubuntu-20.04`).
 * rpm: the version is version-release and a non-zero epoch is the `epoch` qualifier
 * (`pkg:rpm/redhat/openssl-libs@1.1.1k-9.el8_7?arch=x86_64&distro=rhel-8.8&epoch=1`).
 */
export function packageUrl(list: Pick<PackageList, 'format' | 'os'>, pkg: InstalledPackage): string {
  const qualifiers: Record<string, string> = { distro: purlDistro(list.os) };
  if (pkg.arch) qualifiers.arch = pkg.arch;
  if (pkg.epoch !== undefined) qualifiers.epoch = String(pkg.epoch);
  const type = list.format === 'dpkg' ? 'deb' : 'rpm';
  return new PackageURL(type, purlVendor(list.os.id), pkg.name, pkg.version, qualifiers, undefined).toString();
}
