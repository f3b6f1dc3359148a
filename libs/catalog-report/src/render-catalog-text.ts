// Pure renderers of the catalog as catalog.json (sorted keys) and as a plain-text terminal table (fixed columns).
import { stableJson } from '@kiln/render';
import type { CatalogReport } from './catalog-model';
import { catalogSummary, catalogTables, type CatalogTable } from './catalog-tables';

/** catalog.json: the report with keys sorted at every depth; the same report gives the same bytes. */
export function renderCatalogJson(report: CatalogReport): string {
  return stableJson(report);
}

/** One table: upper-case headers, columns padded to their widest cell, two spaces apart, '-' for an empty cell. */
function tableText(table: CatalogTable): string[] {
  const columns = table.columns.filter((c) => c.terminal);
  const lines = [columns.map((c) => c.title.toUpperCase()), ...table.rows.map((r) => columns.map((c) => r.cells[c.key]?.text || '-'))];
  const widths = columns.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const out = [`${table.title.toUpperCase()} (${table.rows.length})`];
  if (table.rows.length === 0) return [...out, '  (none)'];
  out.push(
    ...lines.map((l) =>
      l
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    ),
  );
  const notes = table.rows.flatMap((r) => r.notes.map((n) => `  ${r.cells[columns[0]!.key]!.text}: ${n}`));
  if (notes.length > 0) out.push('notes:', ...notes);
  return out;
}

export function renderCatalogTable(report: CatalogReport): string {
  const blocks = catalogTables(report).map((t) => tableText(t).join('\n'));
  return [`Kiln catalog at ${report.generatedAt}: ${catalogSummary(report)}`, ...blocks].join('\n\n') + '\n';
}
