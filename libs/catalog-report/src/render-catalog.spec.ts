// The catalog renderers (catalog.json, terminal table, index.html) on the fixture report, as golden files, plus one
// test per rule. Regenerate the golden files after an intended change with: npx vitest run src/render-catalog.spec.ts -u
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_REPORT, goldenDir } from '../test/fixture-report';
import type { CatalogReport } from './catalog-model';
import { CATALOG_PAGE_CSS, CATALOG_PAGE_SCRIPT } from './catalog-page-assets';
import { catalogTables } from './catalog-tables';
import { escapeHtml, jsonForScript, renderCatalogHtml } from './render-catalog-html';
import { renderCatalogJson, renderCatalogTable } from './render-catalog-text';

const DATA_OPEN = '<script type="application/json" id="catalog-data">';

/** The text of the page's data element. */
function dataText(html: string): string {
  const start = html.indexOf(DATA_OPEN) + DATA_OPEN.length;
  return html.slice(start, html.indexOf('</script>', start));
}

/** Offsets where the cells of a table line start (cells are two or more spaces apart and never hold two spaces). */
function cellStarts(line: string): number[] {
  return [...line.matchAll(/(?:^| {2,})(?=\S)/g)].map((m) => m.index! + m[0].length);
}

/** The lines of one block of the terminal table, from its title line to the next blank line. */
function block(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  const end = lines.indexOf('', start);
  return lines.slice(start, end);
}

describe('catalog renderers: golden files', () => {
  it('catalog.json of the fixture report is its golden file', async () => {
    await expect(renderCatalogJson(FIXTURE_REPORT)).toMatchFileSnapshot(join(goldenDir, 'catalog.json'));
  });

  it('the terminal table of the fixture report is its golden file', async () => {
    await expect(renderCatalogTable(FIXTURE_REPORT)).toMatchFileSnapshot(join(goldenDir, 'catalog.txt'));
  });

  it('index.html of the fixture report is its golden file', async () => {
    await expect(renderCatalogHtml(FIXTURE_REPORT)).toMatchFileSnapshot(join(goldenDir, 'index.html'));
  });
});

describe('renderCatalogJson', () => {
  it('sorts keys at every depth and ends with one newline', () => {
    const text = renderCatalogJson(FIXTURE_REPORT);
    const keysSorted = (v: unknown): boolean =>
      Array.isArray(v)
        ? v.every(keysSorted)
        : v !== null && typeof v === 'object'
          ? Object.keys(v).join() === Object.keys(v).sort().join() && Object.values(v).every(keysSorted)
          : true;
    expect([keysSorted(JSON.parse(text)), text.endsWith('}\n'), text.endsWith('\n\n')]).toEqual([true, true, false]);
  });

  it('gives the same bytes for the same report whatever the key order of its objects', () => {
    const reversed = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversed)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversed(x)]),
            )
          : v;
    expect(renderCatalogJson(reversed(FIXTURE_REPORT) as CatalogReport)).toBe(renderCatalogJson(FIXTURE_REPORT));
  });
});

describe('renderCatalogTable', () => {
  it('starts with the clock and the count of images per freshness', () => {
    expect(renderCatalogTable(FIXTURE_REPORT).split('\n')[0]).toBe(
      'Kiln catalog at 2026-03-01T00:00:00.000Z: 5 images: 2 fresh, 1 stale, 1 never built, 1 revoked; 1 tkr; 2 clusters',
    );
  });

  it('pads every column to its widest cell: each column starts at the same offset on every line', () => {
    const [, header, ...rows] = block(renderCatalogTable(FIXTURE_REPORT), 'IMAGES');
    const tableRows = rows.slice(0, FIXTURE_REPORT.images.length);
    expect(tableRows.map(cellStarts)).toEqual(tableRows.map(() => cellStarts(header!)));
  });

  it("shows '-' for an empty cell", () => {
    const lines = block(renderCatalogTable(FIXTURE_REPORT), 'IMAGES');
    const header = lines[1]!;
    const gpu = lines.find((l) => l.startsWith('ubuntu-2004-vsphere-gpu '))!;
    const at = header.indexOf('BUILT (UTC)');
    expect(gpu.slice(at, at + 2)).toBe('- ');
  });

  it('prints the notes under their table, one line per note, naming the row', () => {
    const lines = block(renderCatalogTable(FIXTURE_REPORT), 'IMAGES');
    const notes = lines.slice(lines.indexOf('notes:') + 1);
    expect(notes).toEqual(FIXTURE_REPORT.images.flatMap((i) => i.notes.map((n) => `  ${i.name}: ${n}`)));
  });

  it('says (none) for an empty table', () => {
    expect(block(renderCatalogTable({ ...FIXTURE_REPORT, tkrs: [] }), 'TKRS')).toEqual(['TKRS (0)', '  (none)']);
  });
});

describe('renderCatalogHtml', () => {
  const html = renderCatalogHtml(FIXTURE_REPORT);

  it('embeds the display tables as JSON that parses back exactly, a value holding </script> included', () => {
    expect(FIXTURE_REPORT.images.some((i) => i.notes.some((n) => n.includes('</script>')))).toBe(true);
    expect(JSON.parse(dataText(html))).toEqual({ generatedAt: FIXTURE_REPORT.generatedAt, tables: catalogTables(FIXTURE_REPORT) });
  });

  it('writes no raw <, > or & inside the data element, so no value can close it or open a comment', () => {
    expect(dataText(html)).not.toMatch(/[<>&]/);
    expect(jsonForScript({ a: '</script><!-- & \u2028' })).toBe('{\n "a": "\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028"\n}');
  });

  it('has exactly two script elements: the data and the page script', () => {
    expect([html.match(/<script\b/g)?.length, html.match(/<\/script>/g)?.length]).toEqual([2, 2]);
  });

  it('loads nothing: no src, href or url(), and a policy of default-src none', () => {
    expect(html).not.toMatch(/\b(src|href)\s*=|url\(|@import/i);
    expect(html).toContain(`content="default-src 'none';`);
  });

  it('lets exactly its own inline style and script run, by their sha256 in the policy', () => {
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const policy = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!;
    expect(policy.split('; ').filter((d) => /^(style|script)-src /.test(d))).toEqual([
      `style-src ${hash(CATALOG_PAGE_CSS)}`,
      `script-src ${hash(CATALOG_PAGE_SCRIPT)}`,
    ]);
    expect([html.includes(`<style>${CATALOG_PAGE_CSS}</style>`), html.includes(`<script>${CATALOG_PAGE_SCRIPT}</script>`)]).toEqual([
      true,
      true,
    ]);
  });

  it('ships a page script that parses as JavaScript', () => {
    expect(() => new Function(CATALOG_PAGE_SCRIPT)).not.toThrow();
  });

  it('has one section, with an empty table for the script to fill, per catalog table', () => {
    const sections = [...html.matchAll(/<section id="([a-z]+)">[\s\S]*?<table><\/table>[\s\S]*?<\/section>/g)].map((m) => m[1]);
    expect(sections).toEqual(catalogTables(FIXTURE_REPORT).map((t) => t.id));
  });

  it('escapes the text it writes into the markup', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
