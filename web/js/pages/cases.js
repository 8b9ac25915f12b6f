// cases.js — the case list (#/cases): the cases the user may see, newest first, with
// coded fields only (never personal data), filters by stage and status, paging with
// next_before, and "find by code" that opens the case.
import { api, clear, fmtDate, formField, formValues, go, h, label, markSaved, may, messages, navItem, pageTitle, policy, route, select, showErrors, t, watchUnsaved } from '../core.js';

const ready = messages('cases');
navItem('#/cases', 'cases.nav', 'case.list');

const filter = { stage: '', status: 'open' };

// A case code as typed (spaces, lower case, no dashes) in canonical form.
export function normaliseCode(s) {
  const raw = String(s || '').toUpperCase().replace(/[^0-9A-Z]/g, '');
  const body = raw.startsWith('QG') ? raw.slice(2) : raw;
  if (body.length !== 13) return String(s || '').trim().toUpperCase();
  return 'QG-' + body.slice(0, 4) + '-' + body.slice(4, 8) + '-' + body.slice(8, 12) + '-' + body.slice(12);
}

function findForm() {
  const code = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', class: 'code' });
  const form = h('form', { class: 'inline', role: 'search', novalidate: true },
    formField('code', 'cases.find_label', code, 'cases.find_hint'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-action': 'find-case' }, t('cases.find'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const c = normaliseCode(code.value);
    if (!c) return showErrors(form, { error: { code: 'invalid', field: 'code' } });
    const r = await api('GET', '/cases/' + encodeURIComponent(c));
    if (r.status === 200) go('#/case/' + encodeURIComponent(r.data.code));
    else {
      showErrors(form, { error: { code: r.status === 400 ? 'invalid' : ((r.data && r.data.error && r.data.error.code) || 'not_found'), field: 'code' } });
      if ((r.status === 404 || r.status === 403) && may('case.break_glass')) showBreakGlass(c);
    }
  });
  // A supervisor may take temporary access to a case outside their scope (break the glass).
  const glass = h('div', { id: 'break-glass' });
  function showBreakGlass(c) {
    clear(glass);
    const gf = watchUnsaved(h('form', { id: 'form-break-glass', novalidate: true },
      h('h2', {}, t('cases.glass_title', { code: c })),
      h('p', { class: 'warning' }, t('cases.glass_warning')),
      formField('reason', 'cases.glass_reason', h('textarea', { rows: '3', maxlength: '1000', required: true }), 'cases.glass_reason_hint'),
      formField('hours', 'cases.glass_hours', h('input', { type: 'number', min: '1', max: '24', step: '1', inputmode: 'numeric', class: 'short', value: '4' }), 'cases.glass_hours_hint'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger', 'data-action': 'break-glass' }, t('cases.glass_take')))));
    gf.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const u = await api('POST', '/cases/' + encodeURIComponent(c) + '/break-glass', formValues(gf));
      if (u.status !== 201) return showErrors(gf, u.data);
      markSaved(gf);
      go('#/case/' + encodeURIComponent(c));
    });
    glass.append(gf);
  }
  return [form, glass];
}

function row(c) {
  return h('tr', { 'data-code': c.code },
    h('td', { 'data-label': t('cases.col.code') }, h('a', { href: '#/case/' + encodeURIComponent(c.code), class: 'code' }, c.code)),
    h('td', { 'data-label': t('cases.col.stage') }, label('stage', c.stage)),
    h('td', { 'data-label': t('cases.col.status') }, label('case_status', c.status)),
    h('td', { 'data-label': t('cases.col.sex') }, label('sex', c.sex)),
    h('td', { 'data-label': t('cases.col.age') }, c.age_at_identification != null ? String(c.age_at_identification) : ''),
    h('td', { 'data-label': t('cases.col.region') }, label('region', c.region)),
    h('td', { 'data-label': t('cases.col.identified') }, fmtDate(c.identified_on)),
    h('td', { 'data-label': t('cases.col.updated') }, fmtDate(c.updated_at)));
}

route('#/cases', async (el) => {
  await ready;
  el.append(pageTitle(policy('case_scope') === 'org' ? 'cases.title_org' : 'cases.title_mine'));
  el.append(h('div', { class: 'actions' }, h('a', { href: '#/new-case', class: 'button primary', 'data-action': 'new-case' }, t('cases.new'))));
  el.append(...findForm());
  const stage = select('stage', { value: filter.stage });
  stage.options[0].textContent = t('cases.any_stage');
  const status = select('case_status', { value: filter.status });
  status.options[0].textContent = t('cases.any_status');
  const ff = h('form', { class: 'filters', novalidate: true },
    formField('stage', 'cases.col.stage', stage), formField('status', 'cases.col.status', status),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-action': 'filter' }, t('cases.filter'))));
  const body = h('tbody');
  const table = h('table', { class: 'list' },
    h('caption', { class: 'muted' }, t('cases.caption')),
    h('thead', {}, h('tr', {}, ['code', 'stage', 'status', 'sex', 'age', 'region', 'identified', 'updated'].map((k) => h('th', { scope: 'col' }, t('cases.col.' + k))))),
    body);
  const more = h('div', { class: 'actions' });
  const empty = h('p', { class: 'muted hidden' }, t('cases.empty'));
  el.append(h('h2', {}, t('cases.list')), ff, empty, table, more);

  async function load(before) {
    const q = new URLSearchParams({ limit: '50' });
    if (filter.stage) q.set('stage', filter.stage);
    if (filter.status) q.set('status', filter.status);
    if (before) q.set('before', before);
    const r = await api('GET', '/cases?' + q.toString());
    const hadFocus = more.contains(document.activeElement);
    clear(more);
    if (r.status !== 200) return showErrors(ff, r.data);
    const firstNew = body.children.length;
    for (const c of r.data.cases) body.append(row(c));
    // "next page": the focus goes to the first case it added (the button is gone)
    const added = body.children[firstNew];
    if (hadFocus && added) (added.querySelector('a') || added).focus();
    empty.classList.toggle('hidden', body.children.length > 0);
    table.classList.toggle('hidden', body.children.length === 0);
    if (r.data.next_before) {
      more.append(h('button', { type: 'button', 'data-action': 'next-page', on: { click: () => load(r.data.next_before) } }, t('cases.more')));
    }
  }
  ff.addEventListener('submit', (ev) => {
    ev.preventDefault();
    filter.stage = stage.value;
    filter.status = status.value;
    clear(body);
    load(null);
  });
  await load(null);
});
