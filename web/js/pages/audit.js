// audit.js — the audit trail for the auditor '#/audit': entries page by page (after=seq)
// and the chain check (GET /api/v1/audit/verify).
import { api, t, route, navItem, messages } from '../core.js';
import { el, clear } from '../w2util.js';

const M = 'audit';
messages(M);
navItem('#/audit', 'aud.nav', ['auditor']);

const LIMIT = 50;

async function page(container) {
  await messages(M);
  const verdict = el('div', { 'aria-live': 'polite' });
  const list = el('div');
  const pager = el('div', { class: 'actions' });
  const starts = [0];
  const load = async (after) => {
    const r = await api('GET', `/api/v1/audit?after=${after}&limit=${LIMIT}`);
    clear(list);
    clear(pager);
    if (r.status !== 200) { list.append(el('p', { class: 'errors', role: 'alert' }, t('aud.failed'))); return; }
    const rows = r.data.entries || [];
    list.append(el('table', { class: 'list audit' },
      el('thead', {}, el('tr', {}, ['aud.seq', 'aud.at', 'aud.actor', 'aud.action', 'aud.object', 'aud.detail'].map((k) => el('th', { scope: 'col' }, t(k))))),
      el('tbody', {}, rows.map((e) => el('tr', { 'data-seq': e.seq },
        el('td', {}, String(e.seq)), el('td', {}, e.at), el('td', {}, e.actor === null ? t('aud.system') : String(e.actor)),
        el('td', {}, e.action), el('td', {}, e.object || ''), el('td', { class: 'detail' }, JSON.stringify(e.detail || {})))))));
    if (starts.length > 1) {
      pager.append(el('button', { type: 'button', 'data-action': 'prev-page', on: { click: () => { starts.pop(); load(starts[starts.length - 1]); } } }, t('aud.prev')));
    }
    if (rows.length === LIMIT) {
      const next = rows[rows.length - 1].seq;
      pager.append(el('button', { type: 'button', 'data-action': 'next-page', on: { click: () => { starts.push(next); load(next); } } }, t('aud.next')));
    }
  };
  const verify = el('button', { type: 'button', 'data-action': 'verify', on: { click: async () => {
    clear(verdict);
    const r = await api('GET', '/api/v1/audit/verify');
    if (r.status !== 200) { verdict.append(el('p', { class: 'errors', role: 'alert' }, t('aud.failed'))); return; }
    const d = r.data;
    verdict.append(el('p', { class: d.intact ? 'result result-yes' : 'result result-no', role: d.intact ? 'status' : 'alert' },
      d.intact ? t('aud.intact', { n: d.entries }) : t('aud.broken', { seq: d.first_bad, reason: d.reason || '' })));
  } } }, t('aud.verify'));
  container.append(el('h1', { id: 'page-title' }, t('aud.title')), verify, verdict, list, pager);
  await load(0);
}

route('#/audit', page);
