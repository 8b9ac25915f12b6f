// audit.js — the audit trail for the auditor '#/audit': entries page by page (after=seq)
// and the chain check (GET /api/v1/audit/verify). An auditor of one organisation reads the
// entries that concern it; the page says which (the session's audit_scope).
import { api, t, route, navItem, messages, h, clear, policy } from '../core.js';

const M = 'audit';
messages(M);
navItem('#/audit', 'aud.nav', 'audit.read');

const LIMIT = 50;

// An entry's detail as the auditor reads it: its members as JSON, less the empty ones
// (a null says nothing and reads as an error on the page).
function detailText(detail) {
  const kept = Object.entries(detail || {}).filter(([, v]) => v !== null && v !== undefined);
  return JSON.stringify(Object.fromEntries(kept));
}

async function page(container) {
  await messages(M);
  const verdict = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  const pager = h('div', { class: 'actions' });
  const starts = [0];
  const load = async (after) => {
    const r = await api('GET', `/api/v1/audit?after=${after}&limit=${LIMIT}`);
    const paging = pager.contains(document.activeElement);
    clear(list);
    clear(pager);
    if (r.status !== 200) { list.append(h('p', { class: 'errors', role: 'alert' }, t('aud.failed'))); return; }
    const rows = r.data.entries || [];
    list.append(h('table', { class: 'list audit' },
      h('thead', {}, h('tr', {}, ['aud.seq', 'aud.at', 'aud.actor', 'aud.action', 'aud.object', 'aud.detail'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, rows.map((e) => h('tr', { 'data-seq': e.seq },
        h('td', {}, String(e.seq)), h('td', {}, e.at), h('td', {}, e.actor === null ? t('aud.system') : String(e.actor)),
        h('td', { translate: 'no' }, e.action), h('td', { translate: 'no' }, e.object || ''), h('td', { class: 'detail', translate: 'no' }, detailText(e.detail)))))));
    if (starts.length > 1) {
      pager.append(h('button', { type: 'button', 'data-action': 'prev-page', on: { click: () => { starts.pop(); load(starts[starts.length - 1]); } } }, t('aud.prev')));
    }
    if (rows.length === LIMIT) {
      const next = rows[rows.length - 1].seq;
      pager.append(h('button', { type: 'button', 'data-action': 'next-page', on: { click: () => { starts.push(next); load(next); } } }, t('aud.next')));
    }
    // the page's buttons were redrawn: the focus goes to the entries shown, never to <body>
    const table = list.querySelector('table');
    if (paging && table) {
      table.tabIndex = -1;
      table.focus();
    }
  };
  const verify = h('button', { type: 'button', 'data-action': 'verify', on: { click: async () => {
    clear(verdict);
    const r = await api('GET', '/api/v1/audit/verify');
    if (r.status !== 200) { verdict.append(h('p', { class: 'errors', role: 'alert' }, t('aud.failed'))); return; }
    const d = r.data;
    verdict.append(h('p', { class: d.intact ? 'result result-yes' : 'result result-no', role: d.intact ? 'status' : 'alert' },
      d.intact ? t('aud.intact', { n: d.entries }) : t('aud.broken', { seq: d.first_bad, reason: d.reason || '' })));
  } } }, t('aud.verify'));
  // whose entries these are: the organisation's only, or every one (the session's audit_scope)
  const scope = h('p', { class: 'hint', 'data-field': 'audit-scope' },
    t(policy('audit_scope') === 'org' ? 'aud.scope_org' : 'aud.scope_all'));
  container.append(h('h1', { id: 'page-title' }, t('aud.title')), scope, verify, verdict, list, pager);
  await load(0);
}

route('#/audit', page);
