// reports.js — aggregate reports '#/reports' (analyst, supervisor): each table as rows ×
// columns with totals, withheld small numbers shown as "<k" with an explanation, a
// column chart drawn with SVG elements (withheld cells are gaps), and CSV/XLSX downloads
// fetched with the session into a Blob and saved through a temporary <a download>.
import { api, t, route, navItem, messages, formField, select, go, policy, showErrors, h, tx, clear } from '../core.js';

const M = 'reports';
messages(M);
navItem('#/reports', 'rep.nav', 'report.read');

const NAMES = ['victims', 'exploitation', 'regions', 'age-bands', 'flows', 'process'];
const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = ['#1f5f8b', '#c8553d', '#2a9d8f', '#8d6a9f', '#e9a23b', '#5c6f7e', '#6a994e', '#bc4749'];

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

function cell(c, k) {
  return h('td', { class: c && c.suppressed ? 'num suppressed' : 'num', title: c && c.suppressed ? t('rep.withheld_cell', { k }) : null }, cellText(c, k));
}

function tableView(tb, labels, k, caption) {
  const dims = tb.dimensions;
  if (dims.length === 1) {
    const d = dims[0];
    return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption }, h('table', { class: 'report' }, h('caption', {}, caption),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t(`rep.dim.${d}`)), h('th', { scope: 'col', class: 'num' }, t('rep.count')))),
      h('tbody', {}, tb.rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, keyLabel(labels, d, r[d])), cell(r, k)))),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('rep.total')), cell(tb.totals && tb.totals.grand, k)))));
  }
  const [rd, cd] = dims;
  const rk = keysOf(tb.rows, rd), ck = keysOf(tb.rows, cd);
  const at = (a, b) => tb.rows.find((r) => r[rd] === a && r[cd] === b);
  const rowTot = (a) => ((tb.totals && tb.totals.rows) || []).find((r) => r[rd] === a);
  const colTot = (b) => ((tb.totals && tb.totals.columns) || []).find((r) => r[cd] === b);
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption }, h('table', { class: 'report' }, h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, `${t(`rep.dim.${rd}`)} \\ ${t(`rep.dim.${cd}`)}`),
      ck.map((b) => h('th', { scope: 'col', class: 'num' }, keyLabel(labels, cd, b))), h('th', { scope: 'col', class: 'num' }, t('rep.total')))),
    h('tbody', {}, rk.map((a) => h('tr', {}, h('th', { scope: 'row' }, keyLabel(labels, rd, a)), ck.map((b) => cell(at(a, b), k)), cell(rowTot(a), k)))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('rep.total')), ck.map((b) => cell(colTot(b), k)), cell(tb.totals && tb.totals.grand, k)))));
}

// A column chart: groups = the first dimension's keys, one column per second-dimension
// key; a withheld cell is left as a gap with a small "<k" mark.
function chart(tb, labels, k, caption) {
  const dims = tb.dimensions;
  const rd = dims[0], cd = dims[1];
  const rk = keysOf(tb.rows, rd), ck = cd ? keysOf(tb.rows, cd) : [null];
  const value = (a, b) => tb.rows.find((r) => r[rd] === a && (cd ? r[cd] === b : true));
  const max = Math.max(1, ...tb.rows.map((r) => (r.suppressed ? 0 : r.count || 0)));
  // Drawn at its own size (1 unit = 1 px, never shrunk: text stays 12 px at every width);
  // a wide chart scrolls inside its box. Group names are slanted (down to the right) so
  // that they never overlap.
  const barW = 18, gap = 14, left = 44, top = 12, plotH = 160, below = 96, fs = 12;
  const groupW = ck.length * barW + gap;
  const plotW = left + rk.length * groupW + 10;
  const width = plotW + 80; // room for the last slanted name
  const height = top + plotH + below;
  const s = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', width, height, role: 'img', 'aria-label': caption });
  s.append(svg('title', {}, caption));
  s.append(svg('line', { x1: left, y1: top + plotH, x2: plotW, y2: top + plotH, stroke: '#333' }));
  s.append(svg('text', { x: left - 4, y: top + 4, 'text-anchor': 'end', 'font-size': fs, fill: '#111' }, String(max)));
  s.append(svg('text', { x: left - 4, y: top + plotH, 'text-anchor': 'end', 'font-size': fs, fill: '#111' }, '0'));
  rk.forEach((a, i) => {
    const gx = left + i * groupW + gap / 2;
    ck.forEach((b, j) => {
      const c = value(a, b);
      const x = gx + j * barW;
      if (!c) return;
      if (c.suppressed) {
        s.append(svg('text', { x: x + barW / 2, y: top + plotH - 4, 'text-anchor': 'middle', 'font-size': fs, fill: '#444' }, `<${k}`));
        return;
      }
      const bh = Math.round((c.count / max) * plotH);
      s.append(svg('rect', { x, y: top + plotH - bh, width: barW - 2, height: bh, fill: COLOURS[j % COLOURS.length] },
        svg('title', {}, `${keyLabel(labels, rd, a)}${cd ? ` · ${keyLabel(labels, cd, b)}` : ''}: ${c.count}`)));
    });
    const lbl = keyLabel(labels, rd, a);
    const cx = gx + (ck.length * barW) / 2 - 4, cy = top + plotH + 14;
    s.append(svg('text', { x: cx, y: cy, 'text-anchor': 'start', 'font-size': fs, fill: '#111', transform: `rotate(40 ${cx} ${cy})` }, lbl.length > 14 ? `${lbl.slice(0, 13)}…` : lbl));
  });
  const legend = cd ? h('ul', { class: 'legend' }, ck.map((b, j) => h('li', {},
    (() => { const sw = svg('svg', { width: 12, height: 12, 'aria-hidden': 'true' }); sw.append(svg('rect', { width: 12, height: 12, fill: COLOURS[j % COLOURS.length] })); return sw; })(),
    ' ', keyLabel(labels, cd, b)))) : null;
  return h('figure', { class: 'chart' }, h('div', { class: 'chart-scroll', tabindex: '0', role: 'region', 'aria-label': caption }, s), legend, h('figcaption', {}, caption));
}

function query(form, format) {
  const f = (n) => form.querySelector(`[name="${n}"]`);
  const q = new URLSearchParams();
  ['from', 'to', 'region'].forEach((n) => { if (f(n).value.trim()) q.set(n, f(n).value.trim()); });
  if (f('shared').checked) q.set('shared', '1');
  if (format) q.set('format', format);
  return `/api/v1/reports/${encodeURIComponent(f('name').value)}?${q}`;
}

async function download(form, format, status) {
  clear(status);
  let res;
  try {
    res = await fetch(query(form, format), { credentials: 'same-origin', headers: { Accept: '*/*' }, cache: 'no-store' });
  } catch (e) {
    status.append(h('p', { class: 'errors', role: 'alert' }, t('rep.download_failed')));
    return;
  }
  if (res.status === 401) { go('#/login'); return; }
  if (!res.ok) {
    const j = await res.json().catch(() => null);
    const msg = res.status === 400 && j && j.error && j.error.field === 'format' ? t('rep.format_unsupported', { format: format.toUpperCase() }) : t('rep.download_failed');
    status.append(h('p', { class: 'errors', role: 'alert' }, msg));
    return;
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const name = form.querySelector('[name="name"]').value;
  const a = h('a', { href: url, download: `report-${name}.${format}` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
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
    h('div', { class: 'actions' },
      h('button', { type: 'submit', 'data-action': 'show-report' }, t('rep.show')),
      h('button', { type: 'button', 'data-action': 'download-csv' }, t('rep.csv')),
      h('button', { type: 'button', 'data-action': 'download-xlsx' }, t('rep.xlsx'))));
  const status = h('div', { 'aria-live': 'polite' });
  const out = h('div', { class: 'report-out' });
  form.querySelector('[data-action="download-csv"]').addEventListener('click', () => download(form, 'csv', status));
  form.querySelector('[data-action="download-xlsx"]').addEventListener('click', () => download(form, 'xlsx', status));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(out);
    clear(status);
    const r = await api('GET', query(form, null));
    if (r.status !== 200) {
      showErrors(form, r);
      return;
    }
    const d = r.data;
    const tables = d.tables || [{ table: d.report, dimensions: d.dimensions, rows: d.rows, totals: d.totals, suppressed_cells: d.suppressed_cells }];
    out.append(h('p', {}, t(d.protected ? 'rep.protected' : 'rep.unprotected', { k: d.k, kmax: d.k - 1 })));
    if (d.suppressed_cells > 0) out.append(h('p', { class: 'notice' }, t('rep.suppressed_explain', { k: d.k, kmax: d.k - 1, n: d.suppressed_cells })));
    tables.forEach((tb) => {
      const caption = d.tables ? t(`rep.table.${tb.table}`) : t(`rep.name.${d.report}`);
      out.append(h('section', { class: 'report-table' }, h('h2', {}, caption), tableView(tb, d.labels, d.k, caption), chart(tb, d.labels, d.k, caption)));
    });
    // the report shown takes the focus at its first heading (issue 25: focus where the work is)
    const first = out.querySelector('h2');
    if (first) { first.tabIndex = -1; first.focus(); }
  });
  container.append(h('h1', { id: 'page-title' }, t('rep.title')), form, status, out);
}

route('#/reports', page);
