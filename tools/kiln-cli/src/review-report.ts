// Renders the review of a change (affected projects, why, what each build runs, diffs) as Markdown and JSON. Pure.
import { lineDiff } from '@kiln/render';
import { clusterDist, imageDist, tkrDist } from '@kiln/schema';
import type { Affected, AffectedProject } from './affected-projects';

export interface ReviewHeader {
  base: string;
  /** Head commit, or undefined for the working tree. */
  head?: string;
}

export interface ReviewEntry {
  name: string;
  status: 'new' | 'changed';
  reasons: string[];
  /** Images: what the build runs. */
  build?: { makeTarget: string; builderImage: string; bundleImage: string; version?: string; infra: string; os: string; release: string };
  /** Invalid spec on the head side (the formatted error). */
  error?: string;
  /** Unified diff of the rendered files against the base side. */
  diff: string;
}

export interface ReviewJson {
  base: string;
  head: string;
  images: ReviewEntry[];
  tkrs: ReviewEntry[];
  clusters: ReviewEntry[];
  notRebuilt: { images: number; tkrs: number; clusters: number };
  changedNotRebuilt: string[];
  removed: string[];
}

const OUT_DIR: Record<AffectedProject['kind'], (n: string) => string> = {
  image: (n) => imageDist(n).config,
  tkr: (n) => tkrDist(n).bom,
  cluster: (n) => clusterDist(n).config,
};

function renderedDiff(p: AffectedProject): string {
  const before = p.base?.rendered ?? {};
  const after = p.head.rendered;
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const dir = OUT_DIR[p.kind](p.name);
  return names
    .map(
      (n) =>
        lineDiff(
          before[n] ?? '',
          after[n] ?? '',
          before[n] === undefined ? '/dev/null' : `a/${dir}/${n}`,
          after[n] === undefined ? '/dev/null' : `b/${dir}/${n}`,
        ).text,
    )
    .filter(Boolean)
    .map((t) => t.replace(/\n+$/, ''))
    .join('\n');
}

function entry(p: AffectedProject): ReviewEntry {
  const plan = p.head.plan;
  const e: ReviewEntry = { name: p.name, status: p.status, reasons: p.reasons, diff: renderedDiff(p) };
  if (plan && plan.makeTarget) {
    e.build = {
      makeTarget: plan.makeTarget,
      builderImage: plan.builderImage,
      bundleImage: plan.bundleImage,
      infra: plan.infra,
      os: plan.os,
      release: plan.release,
    };
    if (plan.version !== undefined) e.build.version = plan.version;
  }
  if (p.head.error) e.error = p.head.error;
  return e;
}

export function reviewJson(h: ReviewHeader, a: Affected): ReviewJson {
  return {
    base: h.base,
    head: h.head ?? 'working tree',
    images: a.images.map(entry),
    tkrs: a.tkrs.map(entry),
    clusters: a.clusters.map(entry),
    notRebuilt: { images: a.unchanged.image.length, tkrs: a.unchanged.tkr.length, clusters: a.unchanged.cluster.length },
    changedNotRebuilt: a.changedNotRebuilt,
    removed: a.removed,
  };
}

function section(title: string, entries: ReviewEntry[], diffTitle: string): string[] {
  if (entries.length === 0) return [];
  const lines = [`## ${title}`, ''];
  for (const e of entries) {
    lines.push(`### \`${e.name}\` (${e.status})`, '');
    for (const r of e.reasons) lines.push(`- why: ${r}`);
    if (e.build) {
      const b = e.build;
      lines.push(
        `- build: \`make ${b.makeTarget}\` (${b.infra} ${b.os}, TKG ${b.release})`,
        `- builder image: \`${b.builderImage}\``,
        `- bundle image: \`${b.bundleImage}\``,
      );
      if (b.version !== undefined) lines.push(`- VERSION: \`${b.version}\``);
    }
    if (e.error) lines.push('- invalid on this side, fix before merging:', '', '```text', e.error, '```');
    if (e.diff) lines.push('', `<details><summary>${diffTitle}</summary>`, '', '```diff', e.diff, '```', '', '</details>');
    lines.push('');
  }
  return lines;
}

export function reviewMarkdown(j: ReviewJson): string {
  const short = (s: string) => (/^[0-9a-f]{40}$/.test(s) ? s.slice(0, 12) : s);
  const lines = [
    '# Kiln review',
    '',
    `Base \`${short(j.base)}\` → head \`${short(j.head)}\`.`,
    '',
    '| | rebuilt | not rebuilt |',
    '|---|---|---|',
    `| images | ${j.images.length} | ${j.notRebuilt.images} |`,
    `| tkrs | ${j.tkrs.length} | ${j.notRebuilt.tkrs} |`,
    `| clusters | ${j.clusters.length} | ${j.notRebuilt.clusters} |`,
    '',
    ...section('Images', j.images, 'rendered config diff'),
    ...section('TKrs', j.tkrs, 'BoM and ConfigMap diff'),
    ...section('Clusters', j.clusters, 'cluster config diff'),
  ];
  if (j.changedNotRebuilt.length > 0) lines.push('## Changed, nothing to rebuild', '', ...j.changedNotRebuilt.map((l) => `- ${l}`), '');
  if (j.removed.length > 0) lines.push('## Removed', '', ...j.removed.map((l) => `- \`${l}\` (nothing is deleted from the clouds)`), '');
  if (j.images.length + j.tkrs.length + j.clusters.length === 0) lines.push('Nothing to build.', '');
  lines.push(
    "_Builds older than an image's refresh window (default 30d) are also rebuilt on main; that depends on the cache, not on this change._",
    '',
  );
  return lines.join('\n');
}
