// The catalog as tables of display cells (images, tkrs, clusters): the one place that says what each column shows,
// shared by the terminal table and the page.
import { FRESHNESS_STATES, type CatalogImage, type CatalogReport, type Freshness } from './catalog-model';

/** Colour class of a cell: the freshness it reflects. */
export type Tone = 'fresh' | 'stale' | 'never-built' | 'revoked';

export interface Cell {
  /** What the cell shows ('' when there is nothing). */
  text: string;
  /** Sort value when it differs from the text (numbers sort numerically; a missing value sorts last). */
  sort?: string | number;
  /** The full value, when the text is shortened. */
  title?: string;
  tone?: Tone;
  /** A list cell's entries (text lists them all): the page shows one per line, or one pill per entry when toned. */
  items?: Array<{ text: string; title?: string; tone?: Tone }>;
}

export interface Column {
  key: string;
  title: string;
  /** Filter control on the page: a free-text box, or a select of the column's values. */
  filter: 'text' | 'select';
  /** Shown in the terminal table (notes are printed under it instead). */
  terminal: boolean;
}

export interface TableRow {
  cells: Record<string, Cell>;
  notes: string[];
}

export interface CatalogTable {
  id: 'images' | 'tkrs' | 'clusters';
  title: string;
  columns: Column[];
  rows: TableRow[];
}

const SHORT_KEY = 12;

const col = (key: string, title: string, filter: Column['filter'] = 'text', terminal = true): Column => ({ key, title, filter, terminal });

export const IMAGE_COLUMNS: Column[] = [
  col('image', 'Image'),
  col('infra', 'Infra', 'select'),
  col('os', 'OS', 'select'),
  col('kubernetes', 'Kubernetes', 'select'),
  col('tkg', 'TKG', 'select'),
  col('options', 'Options'),
  col('version', 'VERSION'),
  col('built', 'Built (UTC)'),
  col('age', 'Age'),
  col('freshness', 'Freshness', 'select'),
  col('published', 'Published'),
  col('template', 'Template / SIG version'),
  col('contentKey', 'Content key'),
  col('commit', 'Commit'),
  col('usedBy', 'Used by'),
  col('notes', 'Notes', 'text', false),
];

export const TKR_COLUMNS: Column[] = [
  col('tkr', 'TKr'),
  col('tkrVersion', 'TKr version'),
  col('management', 'Management cluster', 'select'),
  col('images', 'Images'),
  col('clusters', 'Clusters'),
  col('notes', 'Notes', 'text', false),
];

export const CLUSTER_COLUMNS: Column[] = [
  col('cluster', 'Cluster'),
  col('clusterName', 'CLUSTER_NAME'),
  col('kind', 'Kind', 'select'),
  col('source', 'TKr / image'),
  col('images', 'Images'),
];

export function toneOf(freshness: Freshness): Tone {
  return freshness === 'never built' ? 'never-built' : freshness;
}

const plain = (text: string | undefined): Cell => ({ text: text ?? '' });

function shortened(value: string | undefined, suffix = ''): Cell {
  if (!value) return plain('');
  return { text: value.slice(0, SHORT_KEY) + suffix, title: value + suffix, sort: value };
}

/** "2026-02-18 09:30" (UTC). */
export function minuteText(iso: string): string {
  return new Date(iso).toISOString().slice(0, 16).replace('T', ' ');
}

function publishedCell(image: CatalogImage): Cell {
  const regions = Object.keys(image.published?.regions ?? {}).sort();
  if (regions.length === 0) return plain('');
  const title = regions.map((r) => `${r}: ${image.published!.regions[r]}`).join('\n');
  // Azure replicates one SIG version id to every region: the regions say it; the template column names the version.
  if (image.published?.sig) return { text: regions.join(', '), title };
  const entries = regions.map((r) => `${r} ${image.published!.regions[r]}`);
  return { text: entries.join(', '), title, items: entries.map((text) => ({ text })) };
}

function templateCell(image: CatalogImage): Cell {
  const p = image.published;
  if (p?.template) return { text: p.template.name, title: p.template.path };
  if (p?.sig) return { text: `${p.sig.gallery}/${p.sig.image}/${p.sig.version}`, title: p.sig.id };
  return plain('');
}

function usedByCell(image: CatalogImage): Cell {
  const entries = [...image.usedBy.tkrs.map((t) => `tkr ${t}`), ...image.usedBy.clusters.map((c) => `cluster ${c}`)];
  return entries.length > 0 ? { text: entries.join(', '), items: entries.map((text) => ({ text })) } : plain('');
}

function imageRow(image: CatalogImage): TableRow {
  const tone = toneOf(image.freshness);
  const b = image.build;
  return {
    notes: image.notes,
    cells: {
      image: plain(image.name),
      infra: plain(image.infra),
      os: plain(image.os),
      kubernetes: plain(image.kubernetes),
      tkg: plain(image.tkg),
      options: plain(image.options.join(' ')),
      version: plain(image.version),
      built: b ? { text: minuteText(b.builtAt), title: b.builtAt, sort: b.builtAt } : plain(''),
      age: b
        ? { text: b.age, sort: b.ageMs, title: `built ${b.builtAt}, fresh until ${b.expiresAt} (refresh ${image.refresh})`, tone }
        : { text: '', tone },
      freshness: { text: image.freshness, tone, sort: FRESHNESS_STATES.indexOf(image.freshness) },
      published: publishedCell(image),
      template: templateCell(image),
      contentKey: shortened(image.contentKey),
      commit: shortened(image.gitCommit, image.gitDirty ? ' (dirty)' : ''),
      usedBy: usedByCell(image),
      notes: plain(image.notes.join('; ')),
    },
  };
}

/** The images named, each with its freshness (an image missing from the catalog is "unknown"). */
function imagesCell(names: string[], byName: Map<string, CatalogImage>): Cell {
  const states = names.map((n) => byName.get(n)?.freshness);
  return {
    text: names.map((n, i) => `${n} (${states[i] ?? 'unknown'})`).join(', '),
    items: names.map((n, i) => ({ text: n, title: states[i] ?? 'unknown', tone: states[i] ? toneOf(states[i]!) : 'never-built' })),
  };
}

export function catalogTables(report: CatalogReport): CatalogTable[] {
  const byName = new Map(report.images.map((i) => [i.name, i]));
  return [
    { id: 'images', title: 'Images', columns: IMAGE_COLUMNS, rows: report.images.map(imageRow) },
    {
      id: 'tkrs',
      title: 'TKrs',
      columns: TKR_COLUMNS,
      rows: report.tkrs.map((t) => ({
        notes: t.notes,
        cells: {
          tkr: plain(t.name),
          tkrVersion: plain(t.tkrVersion),
          management: plain(t.managementContext),
          images: imagesCell(t.images, byName),
          clusters: plain(t.clusters.join(', ')),
          notes: plain(t.notes.join('; ')),
        },
      })),
    },
    {
      id: 'clusters',
      title: 'Clusters',
      columns: CLUSTER_COLUMNS,
      rows: report.clusters.map((c) => ({
        notes: [],
        cells: {
          cluster: plain(c.name),
          clusterName: plain(c.clusterName),
          kind: plain(c.kind),
          source: plain(c.tkr ? `tkr ${c.tkr}` : c.image ? `image ${c.image}` : ''),
          images: imagesCell(c.images, byName),
        },
      })),
    },
  ];
}

/** "8 images: 3 fresh, 1 stale, 3 never built, 1 revoked; 1 tkr; 2 clusters". */
export function catalogSummary(report: CatalogReport): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const states = FRESHNESS_STATES.map((s) => ({ s, count: report.images.filter((i) => i.freshness === s).length })).filter(
    (x) => x.count > 0,
  );
  const byState = states.length > 0 ? `: ${states.map((x) => `${x.count} ${x.s}`).join(', ')}` : '';
  return `${n(report.images.length, 'image')}${byState}; ${n(report.tkrs.length, 'tkr')}; ${n(report.clusters.length, 'cluster')}`;
}
