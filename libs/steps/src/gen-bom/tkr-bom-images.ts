// The images a TKr BoM declares (OVA VERSIONs, AMI ids per region, Azure image versions) and the same facts read
// from OSImages, in one comparable form: "ova <VERSION>", "ami <region> <id>", "azure <gallery>/<image> <version>".
import { parse as parseYaml } from 'yaml';

type Entry = Record<string, unknown>;

const text = (v: unknown) => (v === undefined || v === null ? '?' : String(v));

function azureImage(ref: Entry): string {
  const where =
    ref.gallery !== undefined || ref.name !== undefined
      ? `${text(ref.gallery)}/${text(ref.name)}`
      : `${text(ref.publisher)}/${text(ref.offer)}/${text(ref.sku)}`;
  return `azure ${where} ${text(ref.version)}`;
}

/** Every image of a BoM (the YAML text), sorted and unique. */
export function bomImages(bomText: string): string[] {
  const bom = (parseYaml(bomText) ?? {}) as { ova?: Entry[]; ami?: Record<string, Entry[]>; azure?: Entry[] };
  const out = new Set<string>();
  for (const ova of bom.ova ?? []) out.add(`ova ${text(ova.version)}`);
  for (const [region, amis] of Object.entries(bom.ami ?? {})) for (const ami of amis ?? []) out.add(`ami ${region} ${text(ami.id)}`);
  for (const azure of bom.azure ?? []) out.add(azureImage(azure));
  return [...out].sort();
}

export interface OSImageObject {
  metadata?: { name?: string };
  spec?: { image?: { type?: string; ref?: Entry } };
}

/** The image one OSImage points at, in the form bomImages uses. */
export function osImageImage(image: OSImageObject): string {
  const type = image.spec?.image?.type ?? '?';
  const ref = image.spec?.image?.ref ?? {};
  if (type === 'ova') return `ova ${text(ref.version)}`;
  if (type === 'ami') return `ami ${text(ref.region)} ${text(ref.id)}`;
  if (type === 'azure') return azureImage(ref);
  return `${type} ${JSON.stringify(ref)}`;
}

/** What the BoM has that the TKr lacks, and the other way round. */
export function compareImages(expected: string[], actual: string[]): { missing: string[]; unexpected: string[] } {
  const have = new Set(actual);
  const want = new Set(expected);
  return { missing: expected.filter((i) => !have.has(i)), unexpected: [...have].filter((i) => !want.has(i)).sort() };
}
