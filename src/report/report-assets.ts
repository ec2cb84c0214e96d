/** The report's inline stylesheet and script (kept here, apart from the markup, so each reads as what it is). */
import { createHash } from 'node:crypto';

export const REPORT_STYLE = `
:root { --fg:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --blue:#2563eb; --grey:#94a3b8; --red:#dc2626; --green:#16a34a; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
main { max-width:1280px; margin:0 auto; padding:16px; }
header, section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px; margin-bottom:16px; }
h1 { font-size:24px; margin:0 0 4px; } h2 { font-size:19px; margin:0 0 12px; } h3 { font-size:15px; margin:18px 0 8px; }
.eyebrow { text-transform:uppercase; letter-spacing:.06em; font-size:11px; color:var(--muted); margin:0; }
.sub { margin:4px 0; } .muted { color:var(--muted); font-weight:normal; font-size:13px; }
.facts { display:grid; grid-template-columns:repeat(auto-fit,minmax(180px,1fr)); gap:8px 16px; margin:12px 0 0; }
.facts dt { font-size:11px; color:var(--muted); text-transform:uppercase; } .facts dd { margin:0; }
nav { display:flex; flex-wrap:wrap; gap:8px; margin-bottom:16px; }
nav a { background:#fff; border:1px solid var(--line); border-radius:16px; padding:2px 12px; text-decoration:none; color:var(--blue); }
a { color:var(--blue); }
.badge { display:inline-block; padding:0 8px; border-radius:10px; font-size:12px; background:#e2e8f0; }
.badge.completed { background:#dcfce7; color:#166534; } .badge.failed { background:#fee2e2; color:#991b1b; }
.badge.running { background:#dbeafe; color:#1e40af; } .badge.cancelled { background:#fef9c3; color:#854d0e; }
.badge.completed-with-errors { background:#fde68a; color:#78350f; }
.error-box { background:#fee2e2; border-radius:6px; padding:8px 12px; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:10px; margin-bottom:12px; }
.card { border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
.card-label { font-size:12px; color:var(--muted); } .card-value { font-size:22px; font-weight:600; } .card-note { font-size:12px; color:var(--muted); }
.charts { display:grid; grid-template-columns:repeat(auto-fit,minmax(300px,1fr)); gap:16px; align-items:start; }
figure { margin:0; } figcaption { font-size:13px; color:var(--muted); margin-bottom:4px; }
.chart { width:100%; height:auto; display:block; }
.chart text { font-size:12px; fill:var(--fg); } .chart .axis-title { fill:var(--muted); font-size:11px; }
.chart .cell { font-size:14px; font-weight:600; } .chart .muted { fill:var(--muted); font-size:10px; }
.chart .value { font-size:11px; fill:var(--muted); } .chart .legend { font-size:11px; }
.chart .bar-judge { fill:var(--blue); } .chart .bar-truth { fill:var(--grey); } .chart .track { fill:#f1f5f9; }
.chart .zero { stroke:var(--line); stroke-width:1; } .chart .error-bar { stroke:var(--blue); stroke-width:4; stroke-linecap:round; opacity:.45; } .chart .estimate { fill:var(--blue); }
.notes li { color:#92400e; }
.chart .baseline { stroke:var(--line); }
.table-wrap { overflow-x:auto; -webkit-overflow-scrolling:touch; }
table { border-collapse:collapse; width:100%; font-size:13px; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
thead th { font-size:12px; color:var(--muted); font-weight:600; white-space:nowrap; }
table.metrics td, table.slices td { font-variant-numeric:tabular-nums; white-space:nowrap; }
tr.overall { font-weight:600; }
td.text { min-width:240px; max-width:480px; } .mono { font-family:ui-monospace,Menlo,monospace; white-space:nowrap; }
table.rows { min-width:760px; } table.metrics { min-width:640px; }
.delta.up { color:var(--green); } .delta.down { color:var(--red); } .delta.same { color:var(--muted); }
.filters { display:flex; flex-wrap:wrap; gap:12px; margin-bottom:8px; }
.filters input, .filters select { font:inherit; padding:4px 8px; border:1px solid var(--line); border-radius:6px; }
.filters input { min-width:220px; }
details summary { cursor:pointer; color:var(--blue); white-space:nowrap; }
dl.columns { margin:6px 0 0; } dl.columns dt { font-size:11px; color:var(--muted); } dl.columns dd { margin:0 0 4px; max-width:420px; }
pre.diff { background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:8px; overflow-x:auto; white-space:pre-wrap; font:12px/1.45 ui-monospace,Menlo,monospace; }
pre.diff .removed { background:#fee2e2; display:block; } pre.diff .added { background:#dcfce7; display:block; } pre.diff .same { display:block; }
h4 { font-size:13px; margin:10px 0 4px; color:var(--muted); }
.chart .cell-link { cursor:pointer; } .chart .cell-link:hover { stroke:var(--blue); stroke-width:2; }
.cell-filter { align-self:center; background:#dbeafe; border-radius:12px; padding:2px 10px; }
.cell-filter button { font:inherit; font-size:12px; border:0; background:none; color:var(--blue); cursor:pointer; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:8px 0 24px; }
@media (max-width: 640px) {
  main { padding:8px; } header, section { padding:12px; } h1 { font-size:20px; }
  .filters input { min-width:0; width:100%; } .filters label { width:100%; }
  td.text { min-width:180px; }
}
`;

/**
 * Search and filters of the datapoint tables: a row shows when it matches the text (anywhere in the row) and every
 * selected filter — evaluator, kind, split, slice, confusion-matrix cell (a click on a cell sets it), and the effect
 * of a changed verdict. No library: a few dozen lines of DOM code.
 */
export const REPORT_SCRIPT = `
(function () {
  function apply(tableId) {
    var table = document.getElementById(tableId);
    if (!table) return;
    var f = { text: '', evaluator: '', kind: '', effect: '', split: '', slice: '', cell: '' };
    document.querySelectorAll('[data-for="' + tableId + '"][data-filter]').forEach(function (c) {
      var value = c.dataset.filter === 'cell' ? (c.dataset.value || '') : c.value;
      f[c.dataset.filter] = c.dataset.filter === 'text' ? value.trim().toLowerCase() : value;
    });
    var shown = 0, rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], d = r.dataset;
      var ok = (!f.evaluator || d.evaluator === f.evaluator) &&
        (!f.kind || (d.kind || '').indexOf(f.kind) === 0) &&
        (!f.effect || d.effect === f.effect) &&
        (!f.split || d.split === f.split) &&
        (!f.slice || JSON.parse(d.slices || '[]').indexOf(f.slice) !== -1) &&
        (!f.cell || d.cell === f.cell) &&
        (!f.text || r.textContent.toLowerCase().indexOf(f.text) !== -1);
      r.hidden = !ok;
      if (ok) shown++;
    }
    var count = document.querySelector('.filter-count[data-for="' + tableId + '"]');
    if (count) count.textContent = shown + ' of ' + rows.length + ' rows shown';
  }
  function control(tableId, filter) {
    return document.querySelector('[data-for="' + tableId + '"][data-filter="' + filter + '"]');
  }
  document.querySelectorAll('table.filterable').forEach(function (t) { apply(t.id); });
  document.querySelectorAll('[data-filter]').forEach(function (c) {
    c.addEventListener('input', function () { apply(c.dataset.for); });
  });
  // A confusion-matrix cell: that evaluator's rows of that cell (agreements too), until cleared.
  document.querySelectorAll('.cell-link').forEach(function (cell) {
    cell.addEventListener('click', function () {
      var chip = control('rows-table', 'cell');
      if (!chip) return;
      chip.dataset.value = cell.dataset.cell;
      chip.querySelector('b').textContent = cell.dataset.label;
      chip.hidden = false;
      control('rows-table', 'evaluator').value = cell.dataset.evaluator;
      control('rows-table', 'kind').value = '';
      apply('rows-table');
      document.getElementById('rows').scrollIntoView();
    });
  });
  document.querySelectorAll('.cell-filter button').forEach(function (button) {
    button.addEventListener('click', function () {
      var chip = button.parentElement;
      chip.dataset.value = '';
      chip.hidden = true;
      apply(chip.dataset.for);
    });
  });
})();
`;

/**
 * The report's Content-Security-Policy: nothing loads, and the one script that runs is REPORT_SCRIPT, pinned by its
 * SHA-256 (computed from the text, so it cannot go stale when the script changes). Any other inline script or event
 * handler — say, from user data a bug let through unescaped — is refused. Styles stay inline ('unsafe-inline'): the
 * SVG charts carry style attributes, and CSS cannot run code.
 */
export const REPORT_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${createHash('sha256').update(REPORT_SCRIPT, 'utf8').digest('base64')}'`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
