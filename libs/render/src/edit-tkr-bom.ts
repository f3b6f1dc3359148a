// Edits a TKr BoM's text in place: suffixes release.version and splices in the images' ova/ami/azure entries.
// Every other byte (keys, values, order, comments, indentation, quoting) is left exactly as it was.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { KilnError } from '@kiln/errors';
import { customTkrVersion } from './tkr-naming';
import {
  amiFields,
  azureFields,
  osinfoText,
  ovaFields,
  type BomAmiImage,
  type BomAzureImage,
  type BomField,
  type BomImage,
  type BomOvaImage,
} from './tkr-bom-images';
import { yamlScalarText } from './yaml-scalar-text';
import {
  afterNode,
  applyEdits,
  columnOf,
  documentStyle,
  findPair,
  keyName,
  mapStepOf,
  newlineOf,
  nextLineStart,
  seqStyleOf,
  startWithComments,
  type SeqStyle,
  type TextEdit,
} from './yaml-text-layout';

/** Top-level keys of real TKr BoMs, in the order they appear. */
const BOM_KEY_ORDER = ['apiVersion', 'release', 'components', 'kubeadmConfigSpec', 'ova', 'ami', 'azure', 'imageConfig', 'addons'];

const DEFAULT_SEQ: SeqStyle = { dashOffset: 0, contentOffset: 2, dashAlone: false };
const DEFAULT_MAP_STEP = 2;

export interface TkrBomEdit {
  text: string;
  baseVersion: string;
  version: string;
  /** One line per change, for people. */
  changes: string[];
}

/** Where a list's new items go and how they are indented. */
interface ListSpot {
  at: number;
  /** Text written before the items (a new key line, or nothing). */
  head: string;
  dashColumn: number;
  style: SeqStyle;
  mapStep: number;
}

class BomTextEditor {
  private readonly edits: TextEdit[] = [];
  private seq = 0;
  private finalNewlineAdded = false;
  readonly nl: string;
  readonly top: YAMLMap;
  readonly seqStyle: SeqStyle;
  readonly mapStep: number;
  private readonly lines = new LineCounter();

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    this.nl = newlineOf(text);
    const doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true });
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      throw new KilnError('BOM_INVALID', `invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, {
        file,
        line: e.linePos?.[0].line,
        column: e.linePos?.[0].col,
      });
    }
    if (!isMap(doc.contents) || doc.contents.flow) {
      throw new KilnError('BOM_INVALID', 'the top level of the BoM is not a block map of keys (release:, ova:, ami:, ...)', {
        file,
        line: 1,
        column: 1,
      });
    }
    this.top = doc.contents;
    const style = documentStyle(text, this.top);
    this.seqStyle = style.seq ?? DEFAULT_SEQ;
    this.mapStep = style.mapStep ?? DEFAULT_MAP_STEP;
  }

  result(): string {
    return applyEdits(this.text, this.edits);
  }

  replace(at: number, end: number, text: string): void {
    this.edits.push({ at, end, text, seq: this.seq++ });
  }

  insert(at: number, text: string): void {
    if (at === this.text.length && !this.text.endsWith('\n') && this.text !== '' && !this.finalNewlineAdded) {
      this.finalNewlineAdded = true;
      this.edits.push({ at, end: at, text: this.nl, seq: -1 });
    }
    this.replace(at, at, text);
  }

  /** Line and column of a node, or of a pair's key. */
  positionOf(node: Node | Pair | undefined): { line?: number; column?: number } {
    const range = !node
      ? undefined
      : isScalar(node) || isMap(node) || isSeq(node)
        ? node.range
        : ((node as Pair).key as Node | null)?.range;
    if (!range) return {};
    const p = this.lines.linePos(range[0]);
    return { line: p.line, column: p.col };
  }

  fail(code: string, message: string, node: Node | Pair | undefined, hint?: string): never {
    throw new KilnError(code, message, { file: this.file, ...this.positionOf(node), hint });
  }

  /** Where a missing top-level key goes: before the first later key of the real order (and its comments), else at the end. */
  topInsertPoint(key: string): number {
    const rank = BOM_KEY_ORDER.indexOf(key);
    const later = this.top.items.find((p) => BOM_KEY_ORDER.indexOf(keyName(p) ?? '') > rank);
    return later ? startWithComments(this.text, (later.key as Node).range![0]) : this.text.length;
  }

  /** For a key whose value is missing or an empty flow collection: remove "[]"/"{}" and insert on the next line. */
  afterEmptyValue(pair: Pair): number {
    const value = pair.value as Node | null;
    if (value && (isSeq(value) || isMap(value)) && value.flow) {
      const colon = this.text.indexOf(':', (pair.key as Node).range![1]);
      this.replace(colon + 1, value.range![1], '');
    }
    return nextLineStart(this.text, (pair.key as Node).range![0]);
  }

  isEmptyValue(value: unknown): boolean {
    if (value === null || value === undefined) return true;
    if (isScalar(value)) return value.value === null;
    return (isSeq(value) || isMap(value)) && value.flow === true && value.items.length === 0;
  }

  /** Style of a block list's items: its own first item, else the document's. */
  listStyle(seq: YAMLSeq, keyColumn: number): { style: SeqStyle; mapStep: number } {
    const style = seqStyleOf(this.text, seq, keyColumn) ?? this.seqStyle;
    const first = seq.items[0];
    const nested = isMap(first) ? first.items.map((p) => mapStepOf(this.text, p)).find((s) => s !== undefined) : undefined;
    return { style, mapStep: nested ?? this.mapStep };
  }

  /** Where items appended to the list under top-level `key` go (creating the key if absent). */
  appendSpot(key: string): { spot: ListSpot; existing: unknown[] } {
    const pair = findPair(this.top, key);
    if (!pair) {
      return {
        spot: {
          at: this.topInsertPoint(key),
          head: `${key}:${this.nl}`,
          dashColumn: this.seqStyle.dashOffset,
          style: this.seqStyle,
          mapStep: this.mapStep,
        },
        existing: [],
      };
    }
    const keyColumn = columnOf(this.text, (pair.key as Node).range![0]);
    if (this.isEmptyValue(pair.value)) {
      return {
        spot: {
          at: this.afterEmptyValue(pair),
          head: '',
          dashColumn: keyColumn + this.seqStyle.dashOffset,
          style: this.seqStyle,
          mapStep: this.mapStep,
        },
        existing: [],
      };
    }
    if (!isSeq(pair.value) || pair.value.flow) {
      this.fail(
        'BOM_SHAPE',
        `${key}: is not a block list (- item per line), so Kiln cannot add to it without rewriting it`,
        pair,
        `write ${key}: as a block list`,
      );
    }
    const seq = pair.value;
    const { style, mapStep } = this.listStyle(seq, keyColumn);
    const last = seq.items[seq.items.length - 1] as Node;
    return {
      spot: { at: afterNode(this.text, last), head: '', dashColumn: keyColumn + style.dashOffset, style, mapStep },
      existing: seq.toJSON() as unknown[],
    };
  }

  renderItem(fields: BomField[], spot: Pick<ListSpot, 'dashColumn' | 'style' | 'mapStep'>): string {
    const { dashColumn, style, mapStep } = spot;
    const contentColumn = dashColumn + style.contentOffset;
    const pad = (n: number) => ' '.repeat(n);
    const lines: string[] = style.dashAlone ? [`${pad(dashColumn)}-`] : [];
    fields.forEach(([k, v], i) => {
      const lead = i === 0 && !style.dashAlone ? `${pad(dashColumn)}-${pad(style.contentOffset - 1)}` : pad(contentColumn);
      if (typeof v === 'string') {
        lines.push(`${lead}${k}: ${yamlScalarText(v)}`);
      } else {
        lines.push(`${lead}${k}:`);
        for (const [sk, sv] of [
          ['name', v.name],
          ['version', v.version],
          ['arch', v.arch],
        ] as const) {
          lines.push(`${pad(contentColumn + mapStep)}${sk}: ${sk === 'version' ? JSON.stringify(sv) : yamlScalarText(sv)}`);
        }
      }
    });
    return lines.map((l) => l + this.nl).join('');
  }
}

function entries(list: unknown[]): Record<string, unknown>[] {
  return list.filter((x): x is Record<string, unknown> => x !== null && typeof x === 'object');
}

function setVersion(ed: BomTextEditor, suffix: string): { baseVersion: string; version: string } {
  const release = findPair(ed.top, 'release');
  const version = isMap(release?.value) ? findPair(release.value, 'version') : undefined;
  const scalar = version?.value;
  if (!isScalar(scalar) || typeof scalar.value !== 'string' || scalar.value === '') {
    ed.fail(
      'BOM_NO_RELEASE_VERSION',
      'the BoM has no release.version string: is this a TKr BoM (tkr-bom-<version>.yaml)?',
      release,
      'use a BoM from ~/.config/tanzu/tkg/bom/ (npx kiln bom import)',
    );
  }
  const baseVersion = scalar.value;
  const next = customTkrVersion(baseVersion, suffix, ed.file);
  const text =
    scalar.type === Scalar.QUOTE_DOUBLE
      ? JSON.stringify(next)
      : scalar.type === Scalar.QUOTE_SINGLE
        ? `'${next.replace(/'/g, "''")}'`
        : yamlScalarText(next);
  ed.replace(scalar.range![0], scalar.range![1], text);
  return { baseVersion, version: next };
}

function addOva(ed: BomTextEditor, images: BomOvaImage[], changes: string[]): void {
  if (images.length === 0) return;
  const { spot, existing } = ed.appendSpot('ova');
  const listed = entries(existing);
  const added: BomOvaImage[] = [];
  for (const img of images) {
    const named = [...listed, ...added].findIndex((e) => e.name === img.name);
    if (named >= 0) {
      ed.fail(
        'BOM_IMAGE_PRESENT',
        `ova[${named}] is already named ${img.name}: image ${img.image} is in the BoM already`,
        findPair(ed.top, 'ova'),
        'each image can be added to a BoM once; use the BoM the TKG release ships as the base',
      );
    }
    const sameVersion = [...listed, ...added].findIndex((e) => e.version === img.version);
    if (img.uniqueVersion && sameVersion >= 0) {
      ed.fail(
        'BOM_IMAGE_PRESENT',
        `ova[${sameVersion}] already has version ${img.version}: image ${img.image} is plan-based, so its VERSION must be its own`,
        findPair(ed.top, 'ova'),
        'give the image a unique vsphere.version (e.g. v1.26.5+vmware.1-myorg.1)',
      );
    }
    added.push(img);
    changes.push(
      `+ ova[${listed.length + added.length - 1}] ${img.name}: ${osinfoText(img.osinfo)}, version ${img.version} (image ${img.image})`,
    );
  }
  ed.insert(spot.at, spot.head + added.map((img) => ed.renderItem(ovaFields(img), spot)).join(''));
}

function addAzure(ed: BomTextEditor, images: BomAzureImage[], changes: string[]): void {
  if (images.length === 0) return;
  const { spot, existing } = ed.appendSpot('azure');
  const listed = entries(existing);
  const added: BomAzureImage[] = [];
  for (const img of images) {
    const same = [...listed, ...added].findIndex((e) => e.gallery === img.gallery && e.name === img.name && e.version === img.version);
    if (same >= 0) {
      ed.fail(
        'BOM_IMAGE_PRESENT',
        `azure[${same}] already lists gallery image ${img.gallery}/${img.name} version ${img.version} (image ${img.image})`,
        findPair(ed.top, 'azure'),
        'each image version can be added to a BoM once',
      );
    }
    added.push(img);
    changes.push(
      `+ azure[${listed.length + added.length - 1}] shared gallery ${img.gallery}/${img.name} ${img.version}: ${osinfoText(img.osinfo)} (image ${img.image})`,
    );
  }
  ed.insert(spot.at, spot.head + added.map((img) => ed.renderItem(azureFields(img), spot)).join(''));
}

/** Every AMI id already in ami:, with where it is. */
function listedAmis(ami: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (ami && typeof ami === 'object' && !Array.isArray(ami)) {
    for (const [region, list] of Object.entries(ami as Record<string, unknown>)) {
      if (Array.isArray(list)) entries(list).forEach((e, i) => typeof e.id === 'string' && out.set(e.id, `ami.${region}[${i}]`));
    }
  }
  return out;
}

function addAmi(ed: BomTextEditor, images: BomAmiImage[], changes: string[]): void {
  if (images.length === 0) return;
  const amiPair = findPair(ed.top, 'ami');
  const seen = listedAmis(amiPair ? (amiPair.value as Node | null)?.toJSON() : undefined);
  for (const img of images) {
    for (const [region, id] of Object.entries(img.amis).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (seen.has(id))
        ed.fail(
          'BOM_IMAGE_PRESENT',
          `${seen.get(id)} already lists ${id} (image ${img.image}, region ${region})`,
          amiPair,
          'each AMI can be added to a BoM once',
        );
      seen.set(id, `image ${img.image}`);
    }
  }
  const regions = [...new Set(images.flatMap((img) => Object.keys(img.amis)))].sort();
  const itemsFor = (region: string, spot: Pick<ListSpot, 'dashColumn' | 'style' | 'mapStep'>) =>
    images
      .filter((img) => img.amis[region] !== undefined)
      .map((img) => ed.renderItem(amiFields(img.amis[region]!, img), spot))
      .join('');
  const note = (region: string, created: boolean) => {
    images
      .filter((i) => i.amis[region] !== undefined)
      .forEach((img, k) =>
        changes.push(
          `+ ami.${region}[${k}] ${img.amis[region]}: ${osinfoText(img.osinfo)} (image ${img.image}${created ? ', new region' : ", before the region's existing AMIs"})`,
        ),
      );
  };

  if (!amiPair || ed.isEmptyValue(amiPair.value)) {
    const at = amiPair ? ed.afterEmptyValue(amiPair) : ed.topInsertPoint('ami');
    const regionColumn = amiPair ? columnOf(ed.text, (amiPair.key as Node).range![0]) + ed.mapStep : ed.mapStep;
    const spot = { dashColumn: regionColumn + ed.seqStyle.dashOffset, style: ed.seqStyle, mapStep: ed.mapStep };
    const body = regions.map((r) => `${' '.repeat(regionColumn)}${r}:${ed.nl}${itemsFor(r, spot)}`).join('');
    ed.insert(at, (amiPair ? '' : `ami:${ed.nl}`) + body);
    regions.forEach((r) => note(r, true));
    return;
  }
  if (!isMap(amiPair.value) || amiPair.value.flow) {
    ed.fail(
      'BOM_SHAPE',
      'ami: is not a block map of regions, so Kiln cannot add to it without rewriting it',
      amiPair,
      'write ami: as region: followed by a block list',
    );
  }
  const regionMap = amiPair.value;
  const regionPairs = regionMap.items;
  const regionColumn = columnOf(ed.text, (regionPairs[0]!.key as Node).range![0]);
  const sibling = regionPairs.find((p) => isSeq(p.value) && !p.value.flow && p.value.items.length > 0);
  const siblingStyle = sibling ? ed.listStyle(sibling.value as YAMLSeq, regionColumn) : { style: ed.seqStyle, mapStep: ed.mapStep };

  for (const region of regions) {
    const pair = findPair(regionMap, region);
    if (pair && !ed.isEmptyValue(pair.value)) {
      if (!isSeq(pair.value) || pair.value.flow) {
        ed.fail(
          'BOM_SHAPE',
          `ami.${region} is not a block list, so Kiln cannot add to it without rewriting it`,
          pair,
          'write the region as a block list (- id: ...)',
        );
      }
      const keyColumn = columnOf(ed.text, (pair.key as Node).range![0]);
      const { style, mapStep } = ed.listStyle(pair.value, keyColumn);
      // Right under the region key: before the first item and any comment lines above it.
      ed.insert(
        nextLineStart(ed.text, (pair.key as Node).range![0]),
        itemsFor(region, { dashColumn: keyColumn + style.dashOffset, style, mapStep }),
      );
      note(region, false);
    } else if (pair) {
      const keyColumn = columnOf(ed.text, (pair.key as Node).range![0]);
      ed.insert(ed.afterEmptyValue(pair), itemsFor(region, { dashColumn: keyColumn + siblingStyle.style.dashOffset, ...siblingStyle }));
      note(region, false);
    } else {
      const next = regionPairs.find((p) => (keyName(p) ?? '') > region);
      const last = regionPairs[regionPairs.length - 1]!;
      const at = next
        ? startWithComments(ed.text, (next.key as Node).range![0])
        : afterNode(ed.text, (last.value as Node | null) ?? (last.key as Node));
      const spot = { dashColumn: regionColumn + siblingStyle.style.dashOffset, ...siblingStyle };
      ed.insert(at, `${' '.repeat(regionColumn)}${region}:${ed.nl}${itemsFor(region, spot)}`);
      note(region, true);
    }
  }
}

/** The BoM with release.version suffixed and every image's entry added; throws a KilnError naming `file` on any conflict. */
export function editTkrBom(text: string, file: string, suffix: string, images: BomImage[]): TkrBomEdit {
  const ed = new BomTextEditor(text, file);
  const names = new Set<string>();
  for (const img of images) {
    if (names.has(img.image))
      throw new KilnError('BOM_DUPLICATE_IMAGE', `image ${img.image} is listed twice: an image can be added to a BoM once`, { file });
    names.add(img.image);
  }
  const { baseVersion, version } = setVersion(ed, suffix);
  const changes = [`release.version ${baseVersion} → ${version}`];
  addOva(
    ed,
    images.filter((i): i is BomOvaImage => i.infra === 'vsphere'),
    changes,
  );
  addAmi(
    ed,
    images.filter((i): i is BomAmiImage => i.infra === 'aws'),
    changes,
  );
  addAzure(
    ed,
    images.filter((i): i is BomAzureImage => i.infra === 'azure'),
    changes,
  );
  return { text: ed.result(), baseVersion, version, changes };
}
