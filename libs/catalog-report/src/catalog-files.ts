// Where `kiln catalog` writes the page and the JSON (dist/catalog/), and their contents for a report.
import { DIST_ROOT } from '@kiln/schema';
import type { CatalogReport } from './catalog-model';
import { renderCatalogHtml } from './render-catalog-html';
import { renderCatalogJson } from './render-catalog-text';

/** Workspace-relative folder of the catalog page and catalog.json. */
export const CATALOG_DIST = `${DIST_ROOT}/catalog`;

/** File name → content of the catalog folder. */
export function catalogFiles(report: CatalogReport): Record<'index.html' | 'catalog.json', string> {
  return { 'index.html': renderCatalogHtml(report), 'catalog.json': renderCatalogJson(report) };
}
