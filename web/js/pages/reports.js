// reports.js — aggregate reports '#/reports' (analyst, supervisor). Each table is shown
// as a chart and as a table with totals; withheld small numbers read "<k" with an
// explanation.
// Charts are small multiples of horizontal bars drawn with SVG elements: one panel per
// series (the smaller dimension), at most MAX_SERIES panels (the rest grouped as "other",
// named under the chart), one colour, every bar labelled with its name and its value,
// the same scale in every panel; the text is drawn at 13 px and never scaled down. So no
// chart relies on colour, and the table beside it carries the same figures for screen
// readers. The flows report is an origin × destination table whose cells are shaded by
// value (the number always written) and a chart of the largest routes.
// Downloads: one table per CSV file in a chosen language (docs/reports-csv.md) or the
// whole report as XLSX, fetched with the session into a Blob and saved through a
// temporary <a download>. The page prints without its controls.
import { api, t, route, navItem, messages, formField, select, go, policy, showErrors, h, tx, clear, lang, may } from '../core.js';

const M = 'reports';
messages(M);
navItem('#/reports', 'rep.nav', 'report.read');

const NAMES = ['victims', 'exploitation', 'regions', 'age-bands', 'flows', 'process'];
const TABLES = { process: ['stages', 'delays', 'referrals', 'overdue_tasks'] };
const LANG_NAMES = { kk: 'Қазақша', ru: 'Русский', en: 'English' };
const FIELD_KEYS = { name: 'rep.pick', from: 'rep.from', to: 'rep.to', region: 'rep.region', lang: 'rep.file_lang' };
const MAX_SERIES = 8;
const TOP_ROUTES = 10;
const SVG = 'http://www.w3.org/2000/svg';
// One panel of a chart, in px (drawn at this size: 13 px text at every width).
const PANEL_W = 312, LINE_H = 16, BAR_H = 12, ROW_GAP = 8, VALUE_W = 52, LABEL_CHARS = 40;

export function tablesOf(name) {
  return TABLES[name] || [name];
}

function svg(tag, attrs, ...kids) {
  const n = document.createElementNS(SVG, tag);
  Object.entries(attrs || {}).forEach(([k, v]) => n.setAttribute(k, String(v)));
  kids.forEach((k) => n.append(typeof k === 'string' ? document.createTextNode(k) : k));
  return n;
}

function keyLabel(labels, dim, key) {
  if (key === null || key === undefined) return '';
  const l = labels && labels[dim] && labels[dim][key];
  return l ? tx(l) : String(key);
}

function cellText(c, k) {
  if (!c) return '';
  return c.suppressed ? `<${k}` : String(c.count);
}

function keysOf(rows, dim) {
  const seen = [];
  rows.forEach((r) => { if (!seen.includes(r[dim])) seen.push(r[dim]); });
  return seen;
}

// The table as a grid: its dimensions, keys in order, and the cells and totals by key.
function grid(tb) {
  const [rd, cd] = tb.dimensions;
  const rk = keysOf(tb.rows, rd), ck = cd ? keysOf(tb.rows, cd) : ['count'];
  const cells = new Map();
  tb.rows.forEach((r) => cells.set(`${r[rd]}\u0000${cd ? r[cd] : 'count'}`, r));
  const totals = tb.totals || {};
  const find = (list, dim, key) => (list || []).find((r) => r[dim] === key);
  return {
    rd, cd, rk, ck,
    at: (a, b) => cells.get(`${a}\u0000${b}`),
    rowTot: (a) => (cd ? find(totals.rows, rd, a) : cells.get(`${a}\u0000count`)),
    colTot: (b) => (cd ? find(totals.columns, cd, b) : totals.grand),
    grand: totals.grand,
  };
}

function cell(c, k, cls) {
  return h('td', { class: ['num', c && c.suppressed && 'suppressed', cls], title: c && c.suppressed ? t('rep.withheld_cell', { k }) : null }, cellText(c, k));
}

function tableView(tb, labels, k, caption) {
  const g = grid(tb);
  const region = (table) => h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('rep.table_of', { name: caption }) }, table);
  if (!g.cd) {
    return region(h('table', { class: 'report' }, h('caption', {}, t('rep.table_of', { name: caption })),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t(`rep.dim.${g.rd}`)), h('th', { scope: 'col', class: 'num' }, t('rep.count')))),
      h('tbody', {}, g.rk.map((a) => h('tr', {}, h('th', { scope: 'row' }, keyLabel(labels, g.rd, a)), cell(g.at(a, 'count'), k)))),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('rep.total')), cell(g.grand, k)))));
  }
  return region(h('table', { class: 'report' }, h('caption', {}, t('rep.table_of', { name: caption })),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, `${t(`rep.dim.${g.rd}`)} \\ ${t(`rep.dim.${g.cd}`)}`),
      g.ck.map((b) => h('th', { scope: 'col', class: 'num' }, keyLabel(labels, g.cd, b))), h('th', { scope: 'col', class: 'num' }, t('rep.total')))),
    h('tbody', {}, g.rk.map((a) => h('tr', {}, h('th', { scope: 'row' }, keyLabel(labels, g.rd, a)), g.ck.map((b) => cell(g.at(a, b), k)), cell(g.rowTot(a), k)))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('rep.total')), g.ck.map((b) => cell(g.colTot(b), k)), cell(g.grand, k)))));
}

// ---- charts: small multiples of horizontal bars ---------------------------------------

// Splits text into at most two lines of about LABEL_CHARS characters.
function wrap(text) {
  const words = String(text).split(/\s+/);
  const lines = [''];
  for (const w of words) {
    const cur = lines[lines.length - 1];
    if (cur && (cur + ' ' + w).length > LABEL_CHARS) {
      if (lines.length === 2) { lines[1] = `${lines[1].slice(0, LABEL_CHARS - 1)}…`; return lines; }
      lines.push(w);
    } else lines[lines.length - 1] = cur ? `${cur} ${w}` : w;
  }
  return lines.map((l) => (l.length > LABEL_CHARS ? `${l.slice(0, LABEL_CHARS - 1)}…` : l));
}

// A sum of cells that is published only when every one of them is: a sum holding a
// withheld cell is withheld too, so that no withheld count can be worked out from it.
function sumCells(list) {
  if (list.some((c) => c && c.suppressed)) return { count: null, suppressed: true };
  return { count: list.reduce((n, c) => n + ((c && c.count) || 0), 0) };
}

// One panel: bars = [{label, cell}], drawn on a shared scale max.
function panel(title, bars, max, k, name) {
  const lines = bars.map((b) => wrap(b.label));
  const height = lines.reduce((y, l) => y + l.length * LINE_H + BAR_H + ROW_GAP, 4);
  const plot = PANEL_W - VALUE_W;
  const s = svg('svg', { viewBox: `0 0 ${PANEL_W} ${height}`, width: PANEL_W, height, class: 'bars', role: 'img', 'aria-label': title ? `${name}: ${title}` : name });
  let y = 4;
  bars.forEach((b, i) => {
    lines[i].forEach((l) => {
      y += LINE_H;
      s.append(svg('text', { x: 0, y: y - 3, class: 'bar-label' }, l));
    });
    const c = b.cell;
    if (c && c.suppressed) {
      s.append(svg('rect', { x: 0.5, y: y + 0.5, width: 30, height: BAR_H - 1, class: 'bar-withheld' }));
      s.append(svg('text', { x: 36, y: y + BAR_H - 1, class: 'bar-value' }, `<${k}`, svg('title', {}, t('rep.withheld_cell', { k }))));
    } else {
      const n = (c && c.count) || 0;
      const w = n > 0 ? Math.max(2, Math.round((n / max) * plot)) : 0;
      if (w) s.append(svg('rect', { x: 0, y, width: w, height: BAR_H, class: 'bar' }, svg('title', {}, `${b.label}: ${n}`)));
      s.append(svg('text', { x: w + 5, y: y + BAR_H - 1, class: 'bar-value' }, String(n)));
    }
    y += BAR_H + ROW_GAP;
  });
  return h('figure', { class: 'panel' }, title ? h('figcaption', { class: 'panel-title' }, title) : null, s);
}

// The series of a 2-D table: the smaller dimension (the columns on a tie); when it has
// more than MAX_SERIES keys, MAX_SERIES - 1 stay (the latest years, else the largest by
// their published total) and the rest are summed into "other". Bars that are 0 in every
// series are left out (counted in a note; the table lists them).
function series(g, labels) {
  const byCols = g.ck.length <= g.rk.length;
  const sdim = byCols ? g.cd : g.rd, bdim = byCols ? g.rd : g.cd;
  const at = (s, b) => (byCols ? g.at(b, s) : g.at(s, b));
  const published0 = (c) => !c || (!c.suppressed && !c.count);
  // a series that is a published 0 everywhere is left out (named in a note)
  const allS = byCols ? g.ck : g.rk, bkeys = byCols ? g.rk : g.ck;
  const empty = allS.filter((s) => bkeys.every((b) => published0(at(s, b))));
  const skeys = empty.length < allS.length ? allS.filter((s) => !empty.includes(s)) : allS;
  const total = (s) => {
    const c = byCols ? g.colTot(s) : g.rowTot(s);
    if (c && !c.suppressed) return c.count || 0;
    return bkeys.reduce((n, b) => n + ((at(s, b) && !at(s, b).suppressed && at(s, b).count) || 0), 0);
  };
  let kept = skeys, grouped = [];
  if (skeys.length > MAX_SERIES && sdim === 'year') {
    // years: the latest stay, the earliest are grouped
    kept = skeys.slice(skeys.length - (MAX_SERIES - 1));
    grouped = skeys.slice(0, skeys.length - (MAX_SERIES - 1));
  } else if (skeys.length > MAX_SERIES) {
    const big = [...skeys].sort((a, b) => total(b) - total(a)).slice(0, MAX_SERIES - 1);
    kept = skeys.filter((s) => big.includes(s));
    grouped = skeys.filter((s) => !big.includes(s));
  }
  // a bar that is a published 0 in every series is left out of the chart (the table has it)
  const zero = (b) => skeys.every((s) => published0(at(s, b)));
  const drawn = bkeys.filter((b) => !zero(b));
  const bars = (cellOf) => drawn.map((b) => ({ label: keyLabel(labels, bdim, b), cell: cellOf(b) }));
  const list = kept.map((s) => ({ title: keyLabel(labels, sdim, s), bars: bars((b) => at(s, b)) }));
  if (grouped.length) list.push({ title: t('rep.other'), bars: bars((b) => sumCells(grouped.map((s) => at(s, b)))) });
  return { sdim, bdim, list, grouped: grouped.map((s) => keyLabel(labels, sdim, s)), left: bkeys.length - drawn.length,
    empty: skeys === allS ? [] : empty.map((s) => keyLabel(labels, sdim, s)) };
}

function chartFigure(panels, notes, name, k) {
  if (!panels.length || panels.every((p) => !p.bars.length)) return h('p', { class: 'hint no-chart' }, t('rep.no_chart'));
  const max = Math.max(1, ...panels.flatMap((p) => p.bars.map((b) => (b.cell && !b.cell.suppressed && b.cell.count) || 0)));
  return h('figure', { class: 'chart', 'data-series': String(panels.length) },
    h('div', { class: 'multiples' }, panels.map((p) => panel(p.title, p.bars, max, k, name))),
    h('figcaption', {}, notes.map((n) => h('span', { class: 'chart-note' }, n))));
}

// A dimension's name inside a sentence.
function lower(text) {
  return text.toLocaleLowerCase(lang());
}

function chart(tb, labels, k, caption) {
  const g = grid(tb);
  if (!g.cd) {
    const bars = g.rk.map((a) => ({ label: keyLabel(labels, g.rd, a), cell: g.at(a, 'count') }));
    return chartFigure([{ title: null, bars }], [t('rep.chart_one', { bar: lower(t(`rep.dim.${g.rd}`)) })], caption, k);
  }
  const s = series(g, labels);
  const notes = [t('rep.chart_multiples', { panel: lower(t(`rep.dim.${s.sdim}`)), bar: lower(t(`rep.dim.${s.bdim}`)) })];
  if (s.grouped.length) notes.push(t(s.sdim === 'year' ? 'rep.other_years_note' : 'rep.other_note', { n: s.grouped.length, names: s.grouped.join(', ') }));
  if (s.left) notes.push(t('rep.zero_left', { n: s.left }));
  if (s.empty.length) notes.push(t('rep.zero_series', { names: s.empty.join(', ') }));
  return chartFigure(s.list, notes, caption, k);
}

// ---- flows: origin × destination, shaded ----------------------------------------------

// The shade class (0 = none .. 4 = darkest) of a published count against the largest.
function shade(c, max) {
  if (!c || c.suppressed || !c.count) return 'shade-0';
  return `shade-${Math.min(4, Math.max(1, Math.ceil((c.count / max) * 4)))}`;
}

function flowsView(tb, labels, k, caption) {
  const g = grid(tb);
  const shown = g.rk.flatMap((a) => g.ck.map((b) => g.at(a, b))).filter((c) => c && !c.suppressed);
  const max = Math.max(1, ...shown.map((c) => c.count || 0));
  const legend = h('ul', { class: 'shade-legend', 'aria-label': t('rep.shade_legend') },
    h('li', { 'aria-hidden': 'true' }, `${t('rep.shade_legend')}:`),
    [1, 2, 3, 4].map((i) => {
      const lo = Math.floor(((i - 1) / 4) * max) + 1, hi = Math.floor((i / 4) * max);
      return lo > hi ? null : h('li', {}, h('span', { class: `swatch shade-${i}`, 'aria-hidden': 'true' }), ' ', lo === hi ? String(lo) : `${lo}–${hi}`);
    }));
  const name = t('rep.table_of', { name: caption });
  const table = h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': name }, h('table', { class: 'report flows' }, h('caption', {}, name),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, `${t('rep.dim.origin')} \\ ${t('rep.dim.destination')}`),
      g.ck.map((b) => h('th', { scope: 'col', class: 'num' }, keyLabel(labels, g.cd, b))), h('th', { scope: 'col', class: 'num' }, t('rep.total')))),
    h('tbody', {}, g.rk.map((a) => h('tr', {}, h('th', { scope: 'row' }, keyLabel(labels, g.rd, a)),
      g.ck.map((b) => cell(g.at(a, b), k, shade(g.at(a, b), max))), cell(g.rowTot(a), k)))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('rep.total')), g.ck.map((b) => cell(g.colTot(b), k)), cell(g.grand, k)))));
  // the largest routes as bars ("origin → destination")
  const routes = g.rk.flatMap((a) => g.ck.map((b) => ({ a, b, c: g.at(a, b) })))
    .filter((r) => r.c && !r.c.suppressed && r.c.count > 0)
    .sort((x, y) => y.c.count - x.c.count).slice(0, TOP_ROUTES)
    .map((r) => ({ label: `${keyLabel(labels, g.rd, r.a)} → ${keyLabel(labels, g.cd, r.b)}`, cell: r.c }));
  const top = routes.length ? chartFigure([{ title: t('rep.top_routes', { n: routes.length }), bars: routes }], [t('rep.top_routes_note')], caption, k) : null;
  return [h('p', { class: 'hint' }, t('rep.flows_explain')), legend, table, top];
}

// ---- the form, the downloads and the page ---------------------------------------------

function query(form, format, extra) {
  const f = (n) => form.querySelector(`[name="${n}"]`);
  const q = new URLSearchParams();
  ['from', 'to', 'region'].forEach((n) => { if (f(n).value.trim()) q.set(n, f(n).value.trim()); });
  if (f('shared').checked) q.set('shared', '1');
  if (format) q.set('format', format);
  Object.entries(extra || {}).forEach(([k, v]) => q.set(k, v));
  return `/api/v1/reports/${encodeURIComponent(f('name').value)}?${q}`;
}

// The file name the server gives in Content-Disposition, else fallback.
function fileName(res, fallback) {
  const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
  return m ? m[1] : fallback;
}

async function download(form, format, extra, status) {
  clear(status);
  let res;
  try {
    res = await fetch(query(form, format, extra), { credentials: 'same-origin', headers: { Accept: '*/*' }, cache: 'no-store' });
  } catch (e) {
    status.append(h('p', { class: 'errors', role: 'alert' }, t('rep.download_failed')));
    return;
  }
  if (res.status === 401) { go('#/login'); return; }
  if (!res.ok) {
    const j = await res.json().catch(() => null);
    const field = j && j.error && j.error.field;
    const msg = res.status === 400 && field === 'format' ? t('rep.format_unsupported', { format: format.toUpperCase() })
      : res.status === 400 && field === 'table' ? t('rep.table_unknown')
        : res.status === 400 && FIELD_KEYS[field] ? t('rep.bad_filter', { field: t(FIELD_KEYS[field]) })
          : t('rep.download_failed');
    status.append(h('p', { class: 'errors', role: 'alert' }, msg));
    return;
  }
  const name = fileName(res, `report-${form.querySelector('[name="name"]').value}.${format}`);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  status.append(h('p', { class: 'saved-note' }, t('rep.downloaded', { file: name })));
}

function tableOptions(sel, name) {
  clear(sel);
  tablesOf(name).forEach((tb) => sel.append(h('option', { value: tb }, t(TABLES[name] ? `rep.table.${tb}` : `rep.name.${name}`))));
}

// The download controls: which table (CSV), which language (CSV and XLSX).
function downloads(form) {
  const tableSel = h('select', { id: 'f-file-table', name: 'file_table' });
  const langSel = h('select', { id: 'f-file-lang', name: 'file_lang' },
    Object.entries(LANG_NAMES).map(([code, text]) => h('option', { value: code, lang: code, selected: code === lang() }, text)));
  const status = h('div', { role: 'status' });
  const nameSel = form.querySelector('[name="name"]');
  tableOptions(tableSel, nameSel.value);
  nameSel.addEventListener('change', () => tableOptions(tableSel, nameSel.value));
  const box = h('section', { class: 'downloads', 'aria-labelledby': 'dl-title' },
    h('h2', { id: 'dl-title' }, t('rep.download_title')),
    h('div', { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: 'f-file-table' }, t('rep.file_table')), tableSel),
      h('div', { class: 'field' }, h('label', { for: 'f-file-lang' }, t('rep.file_lang')), langSel)),
    h('p', { class: 'hint' }, t('rep.csv_hint')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', 'data-action': 'download-csv' }, t('rep.csv')),
      h('button', { type: 'button', 'data-action': 'download-xlsx' }, t('rep.xlsx'))),
    status);
  box.querySelector('[data-action="download-csv"]').addEventListener('click', () => download(form, 'csv', { table: tableSel.value, lang: langSel.value }, status));
  box.querySelector('[data-action="download-xlsx"]').addEventListener('click', () => download(form, 'xlsx', { lang: langSel.value }, status));
  return box;
}

// The filters the report was run with, in words (for the screen and the printout).
function filtersLine(d, form) {
  const f = d.filters || {};
  const years = f.from && f.to ? `${f.from}–${f.to}` : f.from ? t('rep.years_from', { y: f.from }) : f.to ? t('rep.years_to', { y: f.to }) : t('rep.all_years');
  const sel = form.querySelector('[name="region"]');
  const region = f.region && sel && sel.selectedOptions[0] ? sel.selectedOptions[0].textContent : t('rep.all_regions');
  return h('p', { class: 'filters-line' }, t('rep.filters', { years, region }));
}

function showReport(d, out, form) {
  out.append(filtersLine(d, form));
  const tables = d.tables || [{ table: d.report, dimensions: d.dimensions, rows: d.rows, totals: d.totals, suppressed_cells: d.suppressed_cells }];
  out.append(h('p', {}, t(d.protected ? 'rep.protected' : 'rep.unprotected', { k: d.k, kmax: d.k - 1 })));
  if (d.suppressed_cells > 0) out.append(h('p', { class: 'notice' }, t('rep.suppressed_explain', { k: d.k, kmax: d.k - 1, n: d.suppressed_cells })));
  tables.forEach((tb) => {
    const caption = d.tables ? t(`rep.table.${tb.table}`) : t(`rep.name.${d.report}`);
    const body = d.report === 'flows' ? flowsView(tb, d.labels, d.k, caption)
      : [chart(tb, d.labels, d.k, caption), tableView(tb, d.labels, d.k, caption)];
    out.append(h('section', { class: 'report-table', 'data-table': tb.table }, h('h2', {}, caption), body));
  });
}

async function page(container) {
  await messages(M);
  const always = policy('report_always_protected');
  const nameSel = h('select', {}, NAMES.map((n) => h('option', { value: n }, t(`rep.name.${n}`))));
  const shared = h('input', { type: 'checkbox', id: 'f-shared', name: 'shared', checked: true, disabled: always });
  const form = h('form', { class: 'report-form', novalidate: true },
    formField('name', 'rep.pick', nameSel),
    formField('from', 'rep.from', h('input', { type: 'number', min: 1900, max: 2100, step: 1, inputmode: 'numeric' })),
    formField('to', 'rep.to', h('input', { type: 'number', min: 1900, max: 2100, step: 1, inputmode: 'numeric' })),
    formField('region', 'rep.region', select('region')),
    h('div', { class: 'field check' }, shared, h('label', { for: 'f-shared' }, t(always ? 'rep.shared_always' : 'rep.shared'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-action': 'show-report' }, t('rep.show'))));
  const out = h('div', { class: 'report-out' });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(out);
    const r = await api('GET', query(form, null));
    if (r.status !== 200) {
      showErrors(form, r);
      return;
    }
    showReport(r.data, out, form);
    // the report shown takes the focus at its first heading (issue 25: focus where the work is)
    const first = out.querySelector('h2');
    if (first) { first.tabIndex = -1; first.focus(); }
  });
  container.append(h('h1', { id: 'page-title' }, t('rep.title')), form, downloads(form),
    may('report.read') ? h('p', { class: 'more' }, h('a', { href: '#/dataset' }, t('rep.dataset_link'))) : null, out);
}

route('#/reports', page);
