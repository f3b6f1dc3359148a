// Everything the review compares about one side (a commit's worktree or the working tree): each project's spec
// and its rendered files (image config, plan-mode TKr BoM and cluster config), rendered with this Kiln's renderers.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG_FILE, parseCatalog, type Catalog, type Release } from '@kiln/catalog';
import { formatError, isKilnError } from '@kiln/errors';
import { renderImageConfig, type BuildPlan } from '@kiln/render';
import { PLAN_ROOT, PROJECT_KINDS, REVIEW_DIST, type ProjectKind } from '@kiln/schema';
import { genBomStep, genClusterConfigStep, loadImageContext, settingsFromNxJson, type KilnSettings } from '@kiln/steps';

export interface ProjectSnapshot {
  kind: ProjectKind;
  name: string;
  /** The folder's files: path → text. */
  sources: Record<string, string>;
  /** Rendered files: name → text ('' map when the spec is invalid). */
  rendered: Record<string, string>;
  /** Why nothing could be rendered (the formatted Kiln error). */
  error?: string;
  /** Images: the build plan; tkrs/clusters: the projects they refer to. */
  plan?: BuildPlan;
  refs: string[];
  release?: string;
}

export interface Snapshot {
  catalog?: Catalog;
  settings: KilnSettings;
  projects: Map<string, ProjectSnapshot>;
}

/** Where plan-mode outputs are written inside a side's root (same relative path on both sides; removed after). */
export const RENDER_DIR = REVIEW_DIST.renders;

function filesUnder(root: string, dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else out[p] = readFileSync(join(root, p), 'utf8');
    }
  };
  if (existsSync(join(root, dir))) walk(dir);
  return out;
}

function readRendered(root: string, dir: string, keep: (name: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [p, text] of Object.entries(filesUnder(root, dir))) {
    const name = p.slice(dir.length + 1);
    if (keep(name)) out[name] = text;
  }
  return out;
}

function refsOf(kind: ProjectKind, text: string | undefined): string[] {
  if (text === undefined || kind === 'image') return [];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only tkr/cluster files pay for the YAML parser
    const d = (require('yaml') as typeof import('yaml')).parse(text) as Record<string, unknown>;
    if (kind === 'tkr') return Array.isArray(d?.images) ? d.images.filter((x): x is string => typeof x === 'string') : [];
    return [d?.tkr, d?.image].filter((x): x is string => typeof x === 'string');
  } catch {
    return [];
  }
}

export function takeSnapshot(root: string): Snapshot {
  const catalogText = existsSync(join(root, CATALOG_FILE)) ? readFileSync(join(root, CATALOG_FILE), 'utf8') : undefined;
  let catalog: Catalog | undefined;
  try {
    catalog = catalogText === undefined ? undefined : parseCatalog(catalogText);
  } catch {
    catalog = undefined;
  }
  const nxJson = existsSync(join(root, 'nx.json')) ? JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')) : {};
  const settings = settingsFromNxJson(nxJson);
  rmSync(join(root, RENDER_DIR), { recursive: true, force: true });
  const projects = new Map<string, ProjectSnapshot>();
  for (const k of PROJECT_KINDS) {
    if (!existsSync(join(root, k.dir))) continue;
    for (const name of readdirSync(join(root, k.dir)).sort()) {
      const spec = `${k.dir}/${name}/${k.file}`;
      if (!existsSync(join(root, spec))) continue;
      const sources = filesUnder(root, `${k.dir}/${name}`);
      projects.set(name, { kind: k.kind, name, sources, rendered: {}, refs: refsOf(k.kind, sources[spec]) });
    }
  }
  for (const p of projects.values()) {
    try {
      if (!catalog) throw new Error(`${CATALOG_FILE} is missing or invalid`);
      if (p.kind === 'image') {
        const ctx = loadImageContext(root, p.name, settings, catalog);
        p.rendered = renderImageConfig(ctx);
        p.plan = JSON.parse(p.rendered['build-plan.json'] ?? '{}') as BuildPlan;
        p.release = ctx.spec.release;
      } else if (p.kind === 'tkr') {
        const outputPath = `${RENDER_DIR}/tkrs/${p.name}`;
        genBomStep({ workspaceRoot: root, project: p.name, outputPath, plan: true, catalog });
        p.rendered = readRendered(root, outputPath, (n) => /^(tkr-bom|configmap)-.*\.yaml$/.test(n));
      } else {
        const outputPath = `${RENDER_DIR}/clusters/${p.name}`;
        genClusterConfigStep({ workspaceRoot: root, project: p.name, outputPath, plan: true, catalog });
        p.rendered = readRendered(root, outputPath, (n) => n === 'cluster-config.yaml' || n === 'annotations.yaml');
      }
    } catch (e) {
      p.error = isKilnError(e) ? formatError(e) : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  rmSync(join(root, RENDER_DIR), { recursive: true, force: true });
  // dist/plan/ itself only when this review created it (it is empty then).
  if (existsSync(join(root, PLAN_ROOT)) && readdirSync(join(root, PLAN_ROOT)).length === 0)
    rmSync(join(root, PLAN_ROOT), { recursive: true });
  return { catalog, settings, projects };
}

export function releaseOf(snapshot: Snapshot, id: string | undefined): Release | undefined {
  return id === undefined ? undefined : snapshot.catalog?.releases[id];
}
