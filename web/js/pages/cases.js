// cases.js — the case list (#/cases): the cases the user may see, newest first, with
// coded fields only (never personal data), filters by stage and status, paging with
// next_before, and "find by code" that opens the case, or, for a supervisor, offers access
// to another organisation's case (an access request or an emergency access).
import { api, clear, errorText, fmtDate, fmtDateTime, formField, formValues, go, h, label, markSaved, may, messages, navItem, pageTitle, policy, refreshNavCounts, route, select, showErrors, showMessage, t, watchUnsaved } from '../core.js';

const ready = Promise.all([messages('cases'), messages('grants')]);
navItem('#/cases', 'cases.nav', 'case.list');

const filter = { stage: '', status: 'open' };

// A case code as typed (spaces, lower case, no dashes) in canonical form.
export function normaliseCode(s) {
  const raw = String(s || '').toUpperCase().replace(/[^0-9A-Z]/g, '');
  const body = raw.startsWith('QG') ? raw.slice(2) : raw;
  if (body.length !== 13) return String(s || '').trim().toUpperCase();
  return 'QG-' + body.slice(0, 4) + '-' + body.slice(4, 8) + '-' + body.slice(8, 12) + '-' + body.slice(12);
}

// The request form for case c of another organisation: the way (ask the holder, the default,
// or an emergency access at once), the reason, the hours. The answer replaces the form: the
// request sent and where to follow it, or the emergency access with its end and the case.
function glassForm(c, box, onSent) {
  const mode = (value, checked) => {
    const id = 'f-glass-' + value;
    const hints = [h('p', { class: 'hint', id: id + '-hint' }, t('gr.mode.' + value + '_hint'))];
    if (value === 'emergency') {
      const n = policy('emergency_grants_per_day');
      hints.push(h('p', { class: 'hint', id: id + '-limit' }, n ? t('gr.mode.limit', { n }) : t('gr.mode.limit_plain')));
    }
    return h('div', { class: 'choice explained' },
      h('input', { type: 'radio', name: 'mode', id, value, checked, 'aria-describedby': hints.map((x) => x.id).join(' ') }),
      h('div', {}, h('label', { for: id }, t('gr.mode.' + value)), hints));
  };
  const modeMsg = h('p', { class: 'msg', id: 'f-glass-mode-msg' });
  const modes = h('fieldset', { class: 'choices', 'data-field': 'emergency' },
    h('legend', { id: 'f-glass-mode-legend' }, t('gr.mode')), mode('request', true), mode('emergency', false), modeMsg);
  const submit = h('button', { type: 'submit', class: 'primary', 'data-action': 'break-glass' }, t('gr.send'));
  const gf = watchUnsaved(h('form', { id: 'form-break-glass', novalidate: true, 'aria-labelledby': 'glass-title' },
    h('h2', { id: 'glass-title' }, t('gr.form_title', { code: c })),
    h('p', { class: 'warning' }, t('gr.form_intro')),
    modes,
    formField('reason', 'cases.glass_reason', h('textarea', { rows: '3', maxlength: '1000', required: true }), 'gr.reason_hint'),
    formField('hours', 'gr.hours_field', h('input', { type: 'number', min: '1', max: '72', step: '1', inputmode: 'numeric', class: 'short', value: '8' }), 'gr.hours_hint'),
    h('div', { class: 'actions' }, submit)));
  const emergency = () => (gf.querySelector('input[name="mode"]:checked') || {}).value === 'emergency';
  // the button says what it does: an emergency access is taken, a request is sent
  gf.addEventListener('change', () => {
    submit.textContent = t(emergency() ? 'gr.take' : 'gr.send');
    submit.className = emergency() ? 'danger' : 'primary';
  });
  gf.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = formValues(gf);
    delete body.mode;
    body.emergency = emergency();
    const u = await api('POST', '/cases/' + encodeURIComponent(c) + '/break-glass', body);
    if (u.status !== 201 && u.status !== 202) {
      const e = (u.data && u.data.error) || {};
      if (e.field !== 'emergency') return showErrors(gf, u.data);
      // the daily limit of emergency accesses: said at the choice of the way
      showMessage(gf, errorText(e, t('gr.mode')));
      modes.classList.add('invalid');
      modeMsg.textContent = errorText(e);
      return;
    }
    markSaved(gf);
    const g = (u.data && u.data.grant) || {};
    const org = (g.case_org && g.case_org.name) || '';
    const result = h('div', { class: 'notice glass-result', role: 'status', tabindex: '-1', id: 'glass-result' });
    if (u.status === 202) {
      result.append(h('p', {}, t('gr.sent', { org })),
        h('p', {}, t('gr.sent_follow', { page: t('gr.nav') }), ' ', h('a', { href: '#/grant-requests', 'data-action': 'go-grant-requests' }, t('gr.nav'))));
    } else {
      result.append(h('p', {}, t('gr.emergency_active', { at: fmtDateTime(g.expires_at), org })),
        h('p', {}, h('a', { class: 'button primary', href: '#/case/' + encodeURIComponent(g.case || c), 'data-action': 'open-case' }, t('gr.open_case'))));
    }
    clear(box).append(result);
    if (onSent) onSent();
    result.focus();
    refreshNavCounts();
  });
  return gf;
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
  // A supervisor may ask another organisation for access to its case, or take an emergency
  // access at once (break the glass): grant-requests.js follows both.
  const glass = h('div', { id: 'break-glass' });
  function showBreakGlass(c) {
    clear(glass);
    // once sent, the find field's "not found" is no longer the news
    glass.append(glassForm(c, glass, () => markSaved(form)));
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
