// The catalog page's inline stylesheet and script (plain ES2017 for any current browser; no network, no modules).
// The script builds the tables from the page's embedded JSON, then sorts by header click and filters rows.

export const CATALOG_PAGE_CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; font-size: 14px; }
body { margin: 1.5rem; color: #1f2328; background: #ffffff; }
h1 { font-size: 1.4rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.1rem; margin: 1.75rem 0 0.5rem; }
.meta, .count { color: #59636e; }
.count { font-size: 0.85rem; font-weight: normal; margin-left: 0.5rem; }
.legend .tone { margin-right: 0.35rem; }
#filter { width: 28rem; max-width: 100%; padding: 0.35rem 0.5rem; font: inherit; margin-top: 0.5rem; }
/* A wide table widens the page (scrolls sideways) rather than hiding columns in a scrolled box. */
.table-wrap { width: max-content; min-width: 100%; box-sizing: border-box; border: 1px solid #d1d9e0; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d1d9e0; padding: 0.3rem 0.55rem; text-align: left; vertical-align: top; white-space: nowrap; }
thead th { background: #f6f8fa; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button:focus-visible { outline: 2px solid #0969da; }
th button::after { content: " \\2195"; color: #9198a1; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; color: inherit; }
th[aria-sort="descending"] button::after { content: " \\25BC"; color: inherit; }
tr.filters th { background: #ffffff; padding-top: 0.2rem; padding-bottom: 0.35rem; }
tr.filters input, tr.filters select { width: 100%; min-width: 4.5rem; box-sizing: border-box; font: inherit; font-size: 0.85rem; }
tbody tr:hover { background: #f6f8fa; }
td[data-col="version"], td[data-col="published"], td[data-col="contentKey"], td[data-col="commit"], td[data-col="built"] {
  font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85rem;
}
td[data-col="notes"] { white-space: normal; width: 22rem; min-width: 22rem; }
td .entry { display: block; }
.tone { display: inline-block; border-radius: 0.7rem; padding: 0 0.5rem; font-weight: 600; }
td .tone + .tone { margin-top: 0.15rem; }
.tone-fresh { background: #dafbe1; color: #116329; }
.tone-stale { background: #fff1e5; color: #953800; }
.tone-never-built { background: #eff2f5; color: #59636e; }
.tone-revoked { background: #ffebe9; color: #a40e26; }
`;

export const CATALOG_PAGE_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('catalog-data').textContent);
  var everywhere = document.getElementById('filter');
  var tables = data.tables.map(setUp);
  everywhere.addEventListener('input', function () {
    tables.forEach(function (t) { t.apply(); });
  });

  function cellOf(cells, key) {
    return cells[key] || { text: '' };
  }

  function setUp(spec) {
    var section = document.getElementById(spec.id);
    var table = section.querySelector('table');
    var count = section.querySelector('.count');
    var head = table.createTHead();
    var titles = head.insertRow();
    var filterRow = head.insertRow();
    filterRow.className = 'filters';
    var body = table.createTBody();
    var filters = [];
    var sorted = { key: null, dir: 1 };

    spec.columns.forEach(function (col) {
      var th = document.createElement('th');
      th.scope = 'col';
      th.dataset.col = col.key;
      th.setAttribute('aria-sort', 'none');
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = col.title;
      button.addEventListener('click', function () { sortBy(col.key, th); });
      th.appendChild(button);
      titles.appendChild(th);

      var control = col.filter === 'select' ? selectFor(col.key) : document.createElement('input');
      if (col.filter !== 'select') {
        control.type = 'search';
        control.placeholder = 'filter';
        // A small intrinsic width: the column's content sets its width, the box fills it.
        control.size = 4;
      }
      control.dataset.col = col.key;
      control.setAttribute('aria-label', 'Filter ' + spec.title + ' by ' + col.title);
      control.addEventListener(col.filter === 'select' ? 'change' : 'input', apply);
      filters.push({ col: col, control: control });
      var cell = document.createElement('th');
      cell.appendChild(control);
      filterRow.appendChild(cell);
    });

    var rows = spec.rows.map(function (row, index) {
      var tr = document.createElement('tr');
      var words = [];
      spec.columns.forEach(function (col) {
        var c = cellOf(row.cells, col.key);
        var td = document.createElement('td');
        td.dataset.col = col.key;
        if (c.title) td.title = c.title;
        if (c.items) {
          c.items.forEach(function (item) {
            var entry = document.createElement('span');
            entry.className = item.tone ? 'tone tone-' + item.tone : 'entry';
            if (item.title) entry.title = item.title;
            entry.textContent = item.text;
            td.appendChild(entry);
            td.appendChild(document.createTextNode(' '));
          });
        } else if (c.tone && c.text) {
          var pill = document.createElement('span');
          pill.className = 'tone tone-' + c.tone;
          pill.textContent = c.text;
          td.appendChild(pill);
        } else {
          td.textContent = c.text;
        }
        tr.appendChild(td);
        words.push(c.text, c.title || '');
      });
      body.appendChild(tr);
      return { tr: tr, cells: row.cells, index: index, text: words.join('\\n').toLowerCase() };
    });

    function selectFor(key) {
      var select = document.createElement('select');
      var values = [];
      spec.rows.forEach(function (row) {
        var text = cellOf(row.cells, key).text;
        if (values.indexOf(text) < 0) values.push(text);
      });
      values.sort();
      select.appendChild(new Option('all', ''));
      values.forEach(function (v) { select.appendChild(new Option(v === '' ? '(none)' : v, 'v:' + v)); });
      return select;
    }

    function matches(r, f) {
      var wanted = f.control.value;
      if (!wanted) return true;
      var c = cellOf(r.cells, f.col.key);
      if (f.col.filter === 'select') return 'v:' + c.text === wanted;
      var q = wanted.trim().toLowerCase();
      return (c.text + '\\n' + (c.title || '')).toLowerCase().indexOf(q) >= 0;
    }

    function apply() {
      var q = everywhere.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (r) {
        var ok = (!q || r.text.indexOf(q) >= 0) && filters.every(function (f) { return matches(r, f); });
        r.tr.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown === rows.length ? rows.length + ' shown' : shown + ' of ' + rows.length + ' shown';
    }

    function valueOf(r, key) {
      var c = cellOf(r.cells, key);
      return c.sort !== undefined ? c.sort : c.text;
    }

    function compare(a, b, dir) {
      var noA = a === '' || a === undefined || a === null;
      var noB = b === '' || b === undefined || b === null;
      if (noA || noB) return noA === noB ? 0 : noA ? 1 : -1;
      if (typeof a === 'number' && typeof b === 'number') return (a - b) * dir;
      return String(a).localeCompare(String(b), 'en', { numeric: true }) * dir;
    }

    function sortBy(key, th) {
      var dir = sorted.key === key ? -sorted.dir : 1;
      sorted = { key: key, dir: dir };
      Array.prototype.forEach.call(titles.cells, function (h) { h.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      rows.slice()
        .sort(function (a, b) { return compare(valueOf(a, key), valueOf(b, key), dir) || a.index - b.index; })
        .forEach(function (r) { body.appendChild(r.tr); });
    }

    apply();
    return { apply: apply };
  }
})();
`;
