// sbom.cdx.json: the guest's installed packages as a CycloneDX 1.6 JSON SBOM, built with the CycloneDX library.
import { createHash } from 'node:crypto';
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { PackageList } from './package-list';
import { packageUrl, purlDistro } from './package-url';

export const SBOM_FILE = 'sbom.cdx.json';

export interface SbomInput {
  packageList: PackageList;
  /** The Kiln image (the SBOM's subject) and its OVA VERSION when it has one. */
  image: { name: string; version?: string };
  kilnVersion: string;
  /** metadata.timestamp: when the build finished (passed in so the output is reproducible). */
  timestamp: Date;
}

function buildBom({ packageList, image, kilnVersion, timestamp }: SbomInput): Models.Bom {
  const { Component } = Models;
  const bom = new Models.Bom();
  bom.metadata.timestamp = timestamp;
  const machineImage = new Component(Enums.ComponentType.OperatingSystem, image.name, {
    bomRef: `kiln-image:${image.name}`,
    version: image.version,
    description: 'Kiln machine image',
  });
  bom.metadata.component = machineImage;
  bom.metadata.tools.components.add(new Component(Enums.ComponentType.Application, 'kiln', { version: kilnVersion }));

  const os = new Component(Enums.ComponentType.OperatingSystem, packageList.os.id, {
    bomRef: `os:${purlDistro(packageList.os)}`,
    version: packageList.os.versionId || undefined,
  });
  bom.components.add(os);
  machineImage.dependencies.add(os.bomRef);
  for (const pkg of packageList.packages) {
    const purl = packageUrl(packageList, pkg);
    const component = new Component(Enums.ComponentType.Library, pkg.name, { bomRef: purl, purl, version: pkg.version });
    bom.components.add(component);
    machineImage.dependencies.add(component.bomRef);
  }
  return bom;
}

/** A UUID (RFC 9562 version 8, name-based on sha256) from the SBOM's content, as `urn:uuid:…`. */
export function contentSerialNumber(content: string): string {
  const bytes = createHash('sha256').update(content).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The SBOM as JSON text (two-space indent, final newline). Deterministic: components sorted by the
 * library's normalizer, the timestamp given, and serialNumber derived from the rest of the document.
 */
export function packageListToSbom(input: SbomInput): string {
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  const bom = buildBom(input);
  const options = { sortLists: true, space: 2 };
  bom.serialNumber = contentSerialNumber(serializer.serialize(bom, options));
  return `${serializer.serialize(bom, options)}\n`;
}
