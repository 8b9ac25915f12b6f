// referrals.js — referrals: the case's referrals and the "send a referral" form
// (mountReferrals, mounted by the case page), the in and out lists '#/referrals' and one
// referral '#/referral/:ref' with the actions its state allows. The recipient sees only
// what the referral carries (the server decides; this page shows what it is given).
import { api, errorText, t, lang, fmtDate, route, go, formField, watchUnsaved, markSaved, notify, messages, session, navItem, label, select, dateInput, parseDate, may, h, vocab, formError, formMessage, checks, checkedValues, apiError, clear, refreshNavCounts } from '../core.js';
import { newReferrals } from './home.js';
import { agreementNeed, agreementNext } from './agreements.js';
import { byPhoneNotice, historyBy, phoneAnswerForm, phoneReady, statusLabel } from './referral-phone.js';

const M = 'referrals';
messages(M);
navItem('#/referrals', 'ref.nav', 'referral.receive', { count: newReferrals, countKey: 'home.nav_new_referrals' });

function statusCell(r) {
  return h('td', { class: r.overdue ? 'overdue' : null },
    statusLabel(r),
    r.overdue ? h('strong', { class: 'flag' }, ` ${t('ref.overdue')}`) : null);
}

function listTable(rows, withCase) {
  if (!rows.length) return h('p', {}, t('ref.none'));
  const cols = ['ref.col_ref', withCase ? 'ref.col_case' : 'ref.col_from', 'ref.col_service', 'ref.col_status', 'ref.col_respond_by'];
  return h('table', { class: 'list' },
    h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-ref': r.ref, 'data-code': r.case || null, class: r.overdue ? 'overdue' : null },
      h('td', {}, h('a', { href: `#/referral/${r.ref}` }, r.ref)),
      h('td', {}, withCase ? (r.case || '') + (r.to_name ? ` → ${r.to_name}` : '') : (r.from_org || '')),
      h('td', {}, label('service', r.service)),
      statusCell(r),
      h('td', {}, fmtDate(r.respond_by))))));
}

// ---- the case's referrals and the form to send one ----------------------------------------

export async function mountReferrals(container, code) {
  await Promise.all([messages(M), phoneReady]);
  const [r, orgs] = await Promise.all([api('GET', `/api/v1/cases/${encodeURIComponent(code)}/referrals`), api('GET', '/api/v1/orgs'), vocab()]);
  const me = session() || {};
  // no heading of its own: the case page's section above it says "Referrals"
  const box = h('section', { class: 'referrals' });
  box.appendChild(r.status === 200 ? listTable(r.data.referrals || [], true) : h('p', { class: 'errors', role: 'alert' }, errorText(r.data)));

  const voc = await vocab();
  const toOrg = h('select', {}, h('option', { value: '' }, t('ref.off_platform')),
    ((orgs.status === 200 && orgs.data.orgs) || []).filter((o) => o.id !== me.org_id).map((o) => h('option', { value: String(o.id) }, o.name)));
  const toName = h('input', { type: 'text', maxlength: 200, autocomplete: 'off' });
  const nameField = formField('to_name', 'ref.to_name', toName, 'ref.to_name_hint');
  const form = h('form', { class: 'send-referral', novalidate: true },
    h('h3', {}, t('ref.send_title')),
    formField('service', 'ref.service', select('service', { required: true })),
    formField('to_org', 'ref.to_org', toOrg),
    nameField,
    checks(voc, 'share_part', 'parts', t('ref.parts'), ['profile']),
    h('p', { class: 'hint' }, t('ref.parts_hint')),
    formField('respond_by', 'ref.respond_by', dateInput(''), 'ref.respond_by_hint'),
    formField('note', 'ref.note', h('textarea', { maxlength: 2000, rows: 3 }), 'ref.note_hint'),
    may('referral.override') ? formField('emergency_reason', 'ref.emergency_reason', h('textarea', { maxlength: 1000, rows: 2 }), 'ref.emergency_hint') : null,
    h('button', { type: 'submit', 'data-action': 'send-referral' }, t('ref.send')));
  const syncName = () => { nameField.hidden = toOrg.value !== ''; };
  toOrg.addEventListener('change', syncName);
  syncName();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = (n) => form.querySelector(`[name="${n}"]`);
    const body = { service: f('service').value, parts: checkedValues(form, 'parts') };
    if (toOrg.value) body.to_org = Number(toOrg.value);
    else body.to_name = toName.value.trim();
    const rb = f('respond_by').value.trim();
    if (rb) body.respond_by = parseDate(rb) || rb;
    if (f('note').value.trim()) body.note = f('note').value;
    if (f('emergency_reason') && f('emergency_reason').value.trim()) body.emergency_reason = f('emergency_reason').value;
    const res = await api('POST', `/api/v1/cases/${encodeURIComponent(code)}/referrals`, body);
    if (res.status === 201) {
      markSaved(form);
      notify(t('ref.sent', { ref: res.data.ref }));
      const fresh = h('div');
      box.replaceWith(fresh);
      await mountReferrals(fresh, code);
      // the focus stays where the work is: on the referral just sent, in the list
      const row = [...fresh.querySelectorAll('tbody tr')].find((tr) => tr.dataset.ref === res.data.ref);
      const target = row || fresh;
      target.tabIndex = -1;
      target.focus();
      return;
    }
    const err = apiError(res);
    if (err.reason === 'referral.no_agreement') {
      const org = toOrg.selectedOptions[0];
      formMessage(form, agreementNeed(org ? org.textContent : '', body.parts), 'to_org');
      const next = [...agreementNext(toOrg.value, body.parts), may('referral.override') && h('p', {}, t('ref.need_agreement_sup'))];
      form.querySelector('.errors').append(...next.filter(Boolean));
    } else if (err.reason === 'referral.no_consent') {
      formMessage(form, t('ref.need_consent'), null);
      const fs = form.querySelector('fieldset[name="parts"]');
      if (fs) fs.classList.add('invalid');
    } else {
      formError(form, res);
    }
  });
  watchUnsaved(form);
  box.appendChild(form);
  container.appendChild(box);
  return box;
}

// ---- the in and out lists ----------------------------------------------------------------

async function listPage(container) {
  await Promise.all([messages(M), phoneReady]);
  const overdueOnly = h('input', { type: 'checkbox', id: 'f-overdue', name: 'overdue' });
  const lists = h('div');
  const load = async () => {
    const q = overdueOnly.checked ? '&overdue=1' : '';
    const [inn, out] = await Promise.all([api('GET', `/api/v1/referrals?direction=in${q}`), api('GET', `/api/v1/referrals?direction=out${q}`)]);
    clear(lists);
    lists.append(
      h('section', { 'aria-labelledby': 'ref-in' }, h('h2', { id: 'ref-in' }, t('ref.in')),
        inn.status === 200 ? listTable(inn.data.referrals || [], false) : h('p', { class: 'errors' }, t('ref.load_failed'))),
      h('section', { 'aria-labelledby': 'ref-out' }, h('h2', { id: 'ref-out' }, t('ref.out')),
        out.status === 200 ? listTable(out.data.referrals || [], true) : h('p', { class: 'errors' }, t('ref.load_failed'))));
  };
  overdueOnly.addEventListener('change', load);
  container.append(h('h1', { id: 'page-title' }, t('ref.title')),
    h('p', {}, h('a', { href: '#/services' }, t('ref.to_directory'))),
    h('div', { class: 'field check' }, overdueOnly, h('label', { for: 'f-overdue' }, t('ref.overdue_only'))),
    lists);
  await load();
}

// ---- one referral --------------------------------------------------------------------------

const FIELD_LISTS = { sex: 'sex', region: 'region', citizenship: 'country', accompaniment: 'accompaniment', exploitation_forms: 'exploitation_form', services_needed: 'service', urgent_needs: 'need' };
const LANGUAGE_FIELDS = ['languages', 'interpreter_language'];

// The name of an ISO 639 language code in the interface's language: the catalogue's name
// for the languages of the region, else the browser's (Chromium has no Kazakh names),
// else the code itself.
const NAMED_LANGUAGES = ['kk', 'ru', 'uz', 'ky', 'tg', 'tk', 'ug', 'zh', 'uk', 'az', 'tr', 'en', 'de', 'ko', 'ar'];

function languageName(code) {
  if (NAMED_LANGUAGES.includes(code)) return t(`ref.lang.${code}`);
  try {
    const n = new Intl.DisplayNames([lang()], { type: 'language' }).of(code);
    return n && n !== code ? n : String(code);
  } catch (e) {
    return String(code);
  }
}

// One value of a field the referral carries, as text for people: code lists' labels,
// language names, dd.mm.yyyy dates, yes/no; an assessment's levels as a list.
function showValue(key, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('ref.yes') : t('ref.no');
  const one = (x) => {
    if (FIELD_LISTS[key]) return label(FIELD_LISTS[key], x);
    if (LANGUAGE_FIELDS.includes(key)) return languageName(x);
    if (/_on$|birth_date/.test(key)) return fmtDate(x);
    return typeof x === 'object' ? '—' : String(x);
  };
  if (Array.isArray(v)) return v.length ? v.map(one).join(', ') : '—';
  if (typeof v === 'object') {
    const rows = Object.entries(v);
    if (!rows.length) return '—';
    return h('ul', { class: 'plain' }, rows.map(([k, x]) => h('li', {},
      `${label('assessment_element', k)}: ${label('assessment_level', typeof x === 'object' && x ? x.level : x)}`)));
  }
  return one(v);
}

// What the referral carries, part by part: one <section> with a list of labelled values.
function contentsView(contents) {
  if (!contents) return h('p', {}, t('ref.no_contents'));
  if (contents.withdrawn) return h('p', { class: 'notice' }, t('ref.withdrawn'));
  return h('div', { class: 'contents', id: 'referral-contents' }, Object.entries(contents).map(([part, obj]) => {
    const fields = Object.entries(obj || {});
    return h('section', { class: 'part', 'data-part': part },
      h('h3', {}, label('share_part', part)),
      fields.length
        ? h('dl', { class: 'summary' }, fields.map(([k, v]) => [h('dt', {}, t(`ref.f.${k}`)), h('dd', { 'data-field': k }, showValue(k, v))]))
        : h('p', { class: 'muted' }, t('ref.part_empty')));
  }));
}

const RECEIVER = { sent: ['accept', 'decline'], accepted: ['start'], in_service: ['complete', 'not-complete'] };
const NEEDS_REASON = ['decline', 'not-complete'];

async function referralPage(container, params) {
  await Promise.all([messages(M), phoneReady]);
  await vocab();
  const r = await api('GET', `/api/v1/referrals/${encodeURIComponent(params.ref)}`);
  container.append(h('p', { class: 'back' }, h('a', { href: '#/referrals' }, t('ref.back'))));
  if (r.status !== 200) {
    container.append(h('h1', { id: 'page-title' }, t('ref.not_found')));
    return;
  }
  const x = r.data;
  const sender = x.case !== undefined;
  container.append(h('h1', { id: 'page-title' }, t('ref.one_title', { ref: x.ref })),
    h('dl', { class: 'summary' },
      h('dt', {}, t('ref.service')), h('dd', {}, label('service', x.service)),
      h('dt', {}, t('ref.col_status')), h('dd', { class: x.overdue ? 'overdue' : null, id: 'referral-status' }, statusLabel(x), x.overdue ? ` — ${t('ref.overdue')}` : ''),
      h('dt', {}, t('ref.col_respond_by')), h('dd', {}, fmtDate(x.respond_by)),
      sender ? [h('dt', {}, t('ref.col_case')), h('dd', {}, h('a', { href: `#/case/${x.case}` }, x.case)),
        h('dt', {}, t('ref.to')), h('dd', {}, x.to_name || ''),
        x.emergency ? [h('dt', {}, t('ref.emergency')), h('dd', {}, t('ref.yes'))] : null]
        : [h('dt', {}, t('ref.col_from')), h('dd', {}, x.from_org || '')],
      x.parts ? [h('dt', {}, t('ref.parts')), h('dd', {}, x.parts.map((p) => label('share_part', p)).join(', '))] : null));
  container.append(...[byPhoneNotice(x, sender)].filter(Boolean));
  if (!sender) container.append(h('p', { class: 'hint' }, t('ref.recipient_sees')));
  if (x.note) container.append(h('h2', {}, t('ref.note')), h('p', { class: 'note' }, x.note));
  if (x.contents !== undefined) container.append(h('h2', {}, t('ref.contents')), contentsView(x.contents));
  if (sender && x.on_qorgau === false && ['sent', 'accepted', 'in_service'].includes(x.status)) {
    container.append(h('p', {}, h('a', { href: `/api/v1/referrals/${encodeURIComponent(x.ref)}/sheet?lang=${lang()}`, target: '_blank', rel: 'noopener', 'data-action': 'print-sheet' }, t('ref.sheet'))),
      h('p', { class: 'hint' }, t('ref.sheet_hint')));
  }
  container.append(...[phoneAnswerForm(x, () => go(`#/referral/${x.ref}`))].filter(Boolean));
  const actions = sender ? (['sent', 'accepted', 'in_service'].includes(x.status) ? ['cancel'] : []) : (RECEIVER[x.status] || []);
  if (actions.length) {
    const reason = select('referral_reason');
    const form = h('form', { class: 'referral-actions', novalidate: true },
      h('h2', {}, t('ref.actions')),
      formField('reason', 'ref.reason', reason, 'ref.reason_hint'),
      formField('note', 'ref.action_note', h('textarea', { maxlength: 2000, rows: 2 })),
      h('div', { class: 'actions' }, actions.map((a) => h('button', { type: 'button', 'data-action': `${a}-referral`, 'data-verb': a }, t(`ref.do.${a}`)))));
    form.addEventListener('click', async (e) => {
      const b = e.target.closest('button[data-verb]');
      if (!b) return;
      const verb = b.dataset.verb;
      if (NEEDS_REASON.includes(verb) && !reason.value) {
        formMessage(form, t('ref.reason_needed'), 'reason');
        return;
      }
      if (verb === 'cancel' && !window.confirm(t('ref.confirm_cancel'))) return;
      const body = { version: x.version };
      if (reason.value && (NEEDS_REASON.includes(verb) || verb === 'cancel')) body.reason = reason.value;
      const note = form.querySelector('[name="note"]').value;
      if (note.trim()) body.note = note;
      const res = await api('POST', `/api/v1/referrals/${encodeURIComponent(x.ref)}/${verb}`, body);
      if (res.status === 200) {
        markSaved(form);
        notify(t('ref.done'));
        refreshNavCounts(); // an answered referral is no longer new
        go(`#/referral/${x.ref}`);
      } else if (res.status === 409 && apiError(res).field === 'version') {
        formMessage(form, t('ref.changed'), null);
      } else formError(form, res);
    });
    container.append(form);
  }
  if (sender && x.events) {
    container.append(h('h2', {}, t('ref.history')), h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ['ref.h_at', 'ref.h_to', 'ref.reason', 'ref.h_by', 'ref.note'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, x.events.map((ev) => h('tr', {},
        h('td', {}, fmtDate(ev.at)), h('td', {}, label('referral_status', ev.to)),
        h('td', {}, ev.reason ? label('referral_reason', ev.reason) : ''),
        h('td', {}, historyBy(ev)), h('td', {}, ev.note || ''))))));
  }
}

route('#/referrals', listPage);
route('#/referral/:ref', referralPage);
