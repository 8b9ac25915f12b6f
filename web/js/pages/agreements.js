// agreements.js — the register of agreements between organisations (docs/directory.md):
// the list the user may see with each agreement's state (valid, not yet valid, expired,
// ended early) '#/agreements', one agreement '#/agreement/:id' with ending it early, and
// recording a new one '#/agreements/new' (or '#/agreements/new/org=ID&parts=a,b', filled
// in from a referral that failed for want of an agreement). Who sees and who records
// comes from the session: may('agreement.list'), may('agreement.manage') and
// policy('agreement_manage_scope') ("own": the user's organisation is always a party).
// agreementNeed() and agreementNext() are what the referral form shows when a referral needs an agreement.
import { api, t, fmtDate, parseDate, today, route, go, navItem, messages, session, policy, may, label, select, dateInput, formField, checks, checkedValues, watchUnsaved, markSaved, notify, formError, formMessage, h, vocab, clear } from '../core.js';

const M = 'agreements';
messages(M);
navItem('#/agreements', 'agr.nav', 'agreement.list');

const TEXTS = ['purpose', 'protections', 'permitted_users', 'complaints'];

// The agreement's state on day: 'ended' (ended early, from ended_on on), 'not_yet',
// 'expired' or 'valid'.
export function agreementState(a, day = today()) {
  if (a.ended_on && a.ended_on <= day) return 'ended';
  if (day < a.valid_from) return 'not_yet';
  if (day > a.valid_to) return 'expired';
  return 'valid';
}

function stateBadge(a) {
  const s = agreementState(a);
  return h('span', { class: ['agr-state', `agr-${s}`], 'data-state': s }, t(`agr.state.${s}`));
}

function partsText(codes) {
  return (codes || []).map((c) => label('share_part', c)).join(', ');
}

// The organisations the user may pick, sorted by name in the interface's language.
async function loadOrgs() {
  const r = await api('GET', '/api/v1/orgs');
  const list = (r.status === 200 && (r.data.orgs || r.data)) || [];
  return (Array.isArray(list) ? list : []).slice().sort((a, b) => a.name.localeCompare(b.name));
}

function orgSelect(orgs, value, exclude) {
  return h('select', { required: true },
    h('option', { value: '' }, t('core.choose')),
    orgs.filter((o) => o.id !== exclude).map((o) => h('option', { value: String(o.id), selected: o.id === value },
      `${o.name} (${label('org_type', o.type)}, ${label('region', o.region)})`)));
}

// ---- the list ----------------------------------------------------------------------------

function validity(a) {
  const to = a.ended_on && a.ended_on <= a.valid_to ? a.ended_on : null;
  return to ? t('agr.valid_range_ended', { from: fmtDate(a.valid_from), to: fmtDate(a.valid_to), ended: fmtDate(to) })
    : t('agr.valid_range', { from: fmtDate(a.valid_from), to: fmtDate(a.valid_to) });
}

function listTable(rows) {
  if (!rows.length) return h('p', { 'data-empty': 'agreements' }, t('agr.none'));
  const cols = ['agr.col_parties', 'agr.kind', 'agr.data_shared', 'agr.col_validity', 'agr.col_state'];
  return h('table', { class: 'list agreements' },
    h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, rows.map((a) => h('tr', { 'data-agreement': a.id, 'data-state': agreementState(a) },
      h('td', { 'data-label': t('agr.col_parties') }, h('a', { href: `#/agreement/${a.id}` }, (a.party_names || []).join(' — '))),
      h('td', { 'data-label': t('agr.kind') }, label('agreement_kind', a.kind)),
      h('td', { 'data-label': t('agr.data_shared') }, partsText(a.data_shared)),
      h('td', { 'data-label': t('agr.col_validity') }, validity(a)),
      h('td', { 'data-label': t('agr.col_state') }, stateBadge(a))))));
}

async function listPage(container) {
  await messages(M);
  await vocab();
  container.append(h('h1', { id: 'page-title' }, t('agr.title')), h('p', { class: 'hint' }, t('agr.intro')));
  if (may('agreement.manage')) {
    container.append(h('p', {}, h('a', { href: '#/agreements/new', class: 'button primary', 'data-action': 'new-agreement' }, t('agr.new'))));
  } else {
    container.append(h('p', { class: 'hint' }, t('agr.who_records')));
  }
  const show = h('select', { id: 'f-show', name: 'show' },
    ['current', 'all', 'valid', 'not_yet', 'expired', 'ended'].map((s) => h('option', { value: s }, t(`agr.show.${s}`))));
  const out = h('div', { 'aria-live': 'polite' });
  const r = await api('GET', '/api/v1/agreements');
  const all = r.status === 200 ? r.data.agreements || [] : null;
  const draw = () => {
    clear(out);
    if (!all) {
      out.append(h('p', { class: 'errors', role: 'alert' }, t('agr.load_failed')));
      return;
    }
    const want = show.value;
    const rows = all.filter((a) => {
      const s = agreementState(a);
      return want === 'all' || (want === 'current' ? s === 'valid' || s === 'not_yet' : s === want);
    });
    out.append(listTable(rows));
  };
  show.addEventListener('change', draw);
  container.append(h('div', { class: 'field' }, h('label', { for: 'f-show' }, t('agr.show')), show), out);
  draw();
}

// ---- one agreement -------------------------------------------------------------------------

function endForm(a) {
  const def = today() < a.valid_from ? a.valid_from : today();
  const form = h('form', { class: 'end-agreement', novalidate: true },
    h('h2', {}, t('agr.end_title')),
    h('p', { class: 'hint' }, t('agr.end_hint')),
    formField('ended_on', 'agr.end_from', dateInput(def), 'agr.ended_on_hint'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-action': 'end-agreement' }, t('agr.end'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const typed = form.querySelector('[name="ended_on"]').value.trim();
    const day = parseDate(typed);
    if (!day) {
      formMessage(form, t('agr.err.date', { field: t('agr.end_from') }), 'ended_on');
      return;
    }
    if (day < a.valid_from || day > a.valid_to) {
      formMessage(form, t('agr.err.ended_range', { from: fmtDate(a.valid_from), to: fmtDate(a.valid_to) }), 'ended_on');
      return;
    }
    if (!window.confirm(t('agr.end_confirm', { day: fmtDate(day) }))) return;
    const res = await api('POST', `/api/v1/agreements/${a.id}/end`, { ended_on: day });
    if (res.status === 200) {
      markSaved(form);
      notify(t('agr.ended_ok'));
      go(`#/agreement/${a.id}`);
    } else formError(form, res);
  });
  return watchUnsaved(form);
}

async function onePage(container, params) {
  await messages(M);
  await vocab();
  container.append(h('p', { class: 'back' }, h('a', { href: '#/agreements' }, t('agr.back'))));
  const r = await api('GET', `/api/v1/agreements/${encodeURIComponent(params.id)}`);
  if (r.status !== 200) {
    container.append(h('h1', { id: 'page-title' }, t('agr.not_found')));
    return;
  }
  const a = r.data;
  const row = (key, value) => [h('dt', {}, t(key)), h('dd', {}, value)];
  container.append(h('h1', { id: 'page-title' }, label('agreement_kind', a.kind)),
    h('dl', { class: 'summary agreement', 'data-agreement': a.id },
      row('agr.col_state', stateBadge(a)),
      row('agr.col_parties', (a.party_names || []).join(' — ')),
      row('agr.kind', label('agreement_kind', a.kind)),
      row('agr.valid_from', fmtDate(a.valid_from)),
      row('agr.valid_to', fmtDate(a.valid_to)),
      a.ended_on ? row('agr.ended_on', fmtDate(a.ended_on)) : null,
      row('agr.data_shared', partsText(a.data_shared)),
      TEXTS.map((k) => row(`agr.${k}`, h('span', { class: 'text' }, a[k]))),
      row('agr.recorded', t('agr.recorded_by', { who: a.created_by || '—', on: fmtDate(a.created_at) }))));
  const s = agreementState(a);
  if (may('agreement.manage') && !a.ended_on && (s === 'valid' || s === 'not_yet')) container.append(endForm(a));
}

// ---- recording a new one -----------------------------------------------------------------------

// Reads 'org=ID&parts=a,b' from the route (codes and ids only).
function prefill(opts) {
  const q = new URLSearchParams(opts || '');
  return { org: Number(q.get('org')) || 0, parts: (q.get('parts') || '').split(',').filter(Boolean) };
}

const REQUIRED = ['kind', ...TEXTS];

function checkForm(form, body, own) {
  const need = (field, key) => formMessage(form, t('agr.err.required', { field: t(key) }), field);
  if (body.parties.some((p) => !p)) return need('parties', own ? 'agr.other_org' : 'agr.party');
  if (body.parties[0] === body.parties[1]) return formMessage(form, t('agr.err.same_org'), 'parties');
  for (const k of REQUIRED) if (!body[k]) return need(k, `agr.${k}`);
  if (!body.data_shared.length) return need('data_shared', 'agr.data_shared');
  for (const k of ['valid_from', 'valid_to']) {
    if (!body[k]) return need(k, `agr.${k}`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(body[k])) return formMessage(form, t('agr.err.date', { field: t(`agr.${k}`) }), k);
  }
  if (body.valid_to < body.valid_from) return formMessage(form, t('agr.err.to_before_from'), 'valid_to');
  return true;
}

async function newPage(container, params) {
  await messages(M);
  const voc = await vocab();
  const pre = prefill(params.opts);
  container.append(h('p', { class: 'back' }, h('a', { href: '#/agreements' }, t('agr.back'))),
    h('h1', { id: 'page-title' }, t('agr.new')));
  if (!may('agreement.manage')) {
    container.append(h('p', { role: 'status' }, t('agr.who_records')));
    return;
  }
  const orgs = await loadOrgs();
  const me = session() || {};
  const own = policy('agreement_manage_scope') === 'own';
  const mine = orgs.find((o) => o.id === me.org_id);
  const other = orgSelect(orgs, pre.org, own ? me.org_id : null);
  const first = own ? null : orgSelect(orgs, 0, null);
  const shared = checks(voc, 'share_part', 'data_shared', t('agr.data_shared'), pre.parts);
  shared.dataset.field = 'data_shared';
  shared.setAttribute('aria-describedby', 'data-shared-hint');
  const text = (k) => formField(k, `agr.${k}`, h('textarea', { maxlength: 2000, rows: 3, required: true }), `agr.${k}_hint`);
  const form = h('form', { class: 'new-agreement', novalidate: true },
    h('p', { class: 'hint' }, t('agr.new_intro')),
    own ? h('p', { class: 'own-party' }, t('agr.own_party', { org: mine ? mine.name : '' })) : formField('party_a', 'agr.party', first),
    formField('parties', own ? 'agr.other_org' : 'agr.party_b', other, 'agr.other_org_hint'),
    formField('kind', 'agr.kind', select('agreement_kind', { required: true }), 'agr.kind_hint'),
    text('purpose'),
    shared,
    h('p', { class: 'hint', id: 'data-shared-hint' }, t('agr.data_shared_hint')),
    text('protections'),
    text('permitted_users'),
    text('complaints'),
    formField('valid_from', 'agr.valid_from', dateInput(today()), 'agr.dates_hint'),
    formField('valid_to', 'agr.valid_to', dateInput(''), 'agr.dates_hint'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'save-agreement' }, t('agr.save'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const val = (n) => form.querySelector(`[name="${n}"]`).value.trim();
    const date = (n) => (val(n) ? parseDate(val(n)) || val(n) : '');
    const body = {
      parties: [Number(own ? me.org_id : first.value) || 0, Number(other.value) || 0],
      kind: val('kind'), data_shared: checkedValues(form, 'data_shared'),
      valid_from: date('valid_from'), valid_to: date('valid_to'),
    };
    for (const k of TEXTS) body[k] = val(k);
    if (checkForm(form, body, own) !== true) return;
    const res = await api('POST', '/api/v1/agreements', body);
    if (res.status === 201) {
      markSaved(form);
      notify(t('agr.saved'));
      go(`#/agreement/${res.data.id}`);
    } else formError(form, res);
  });
  watchUnsaved(form);
  container.append(form);
}

// ---- what the referral form shows when a referral needs an agreement ---------------------------

// The plain words for a referral to orgName with parts (share_part codes) that no valid
// agreement covers.
export function agreementNeed(orgName, parts) {
  return t('agr.help_need', { org: orgName || '', parts: partsText(parts) });
}

// What the user can do about it: a link to recording the agreement with orgId covering
// parts (a user who may; in a new tab, so the referral form keeps what was typed), else
// who can record it and a link to the register.
export function agreementNext(orgId, parts) {
  if (may('agreement.manage')) {
    const href = `#/agreements/new/org=${Number(orgId) || 0}&parts=${(parts || []).map(encodeURIComponent).join(',')}`;
    return [h('p', {}, h('a', { href, target: '_blank', rel: 'noopener', 'data-action': 'record-agreement' }, t('agr.help_record')),
      ' ', t('agr.help_then_send'))];
  }
  const register = h('p', {}, h('a', { href: '#/agreements', target: '_blank', rel: 'noopener', 'data-action': 'open-agreements' }, t('agr.help_register')));
  return may('agreement.list') ? [h('p', {}, t('agr.help_ask')), register] : [h('p', {}, t('agr.help_ask'))];
}

route('#/agreements', listPage);
route('#/agreements/new', newPage);
route('#/agreements/new/:opts', newPage);
route('#/agreement/:id', onePage);
