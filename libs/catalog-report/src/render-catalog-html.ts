// Pure renderer of dist/catalog/index.html: one self-contained page (inline CSS and script, no network, works from
// file://) whose tables are built from the catalog's display tables, embedded as JSON in a non-executed script element.
import { createHash } from 'node:crypto';
import type { CatalogReport } from './catalog-model';
import { CATALOG_PAGE_CSS, CATALOG_PAGE_SCRIPT } from './catalog-page-assets';
import { catalogSummary, catalogTables } from './catalog-tables';

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * JSON that is safe inside <script type="application/json">: `<`, `>` and `&` become \u escapes (so no value can
 * close the element or open a comment), and so do U+2028/U+2029. JSON.parse of the element's text gives `value` back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value, null, 1)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** CSP source for an inline element's exact text. */
function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Nothing may be loaded: only this page's own style and script (by hash) run. */
function contentSecurityPolicy(): string {
  return `default-src 'none'; style-src ${cspHash(CATALOG_PAGE_CSS)}; script-src ${cspHash(CATALOG_PAGE_SCRIPT)}; base-uri 'none'; form-action 'none'`;
}

export function renderCatalogHtml(report: CatalogReport): string {
  const tables = catalogTables(report);
  const data = { generatedAt: report.generatedAt, tables };
  const sections = tables.map(
    (t) => `<section id="${t.id}">
<h2>${escapeHtml(t.title)}<span class="count"></span></h2>
<div class="table-wrap"><table></table></div>
</section>`,
  );
  const at = escapeHtml(report.generatedAt);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<title>Kiln catalog</title>
<style>${CATALOG_PAGE_CSS}</style>
</head>
<body>
<header>
<h1>Kiln catalog</h1>
<p class="meta">Generated at <time datetime="${at}">${at}</time>: ${escapeHtml(catalogSummary(report))}. Ages are as of that time.</p>
<p class="legend">Freshness: <span class="tone tone-fresh">fresh</span><span class="tone tone-stale">stale</span><span class="tone tone-never-built">never built</span><span class="tone tone-revoked">revoked</span></p>
<input id="filter" type="search" placeholder="Filter every table (any column)" aria-label="Filter every table">
</header>
<main>
${sections.join('\n')}
</main>
<noscript><p>The tables need JavaScript; the same data is in catalog.json beside this page.</p></noscript>
<script type="application/json" id="catalog-data">${jsonForScript(data)}</script>
<script>${CATALOG_PAGE_SCRIPT}</script>
</body>
</html>
`;
}
