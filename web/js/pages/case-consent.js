// case-consent.js — the case page's consent section: whether the case counts in
// statistics, the child's refusal of statistics even when no consent to statistics was
// recorded (POST /cases/{code}/statistics/opt-out), the consents recorded with
// "withdraw", and the form that records one. After recording, the form's place shows
// what was recorded, with "saved" beside it, and a button for another consent; a
// withdrawal or an opt-out says "saved" where the user clicked. Recording, withdrawing and
// the opt-out need the right to change the case's personal data (the case's "may" list).
import { api, errorText, caseMay, clear, dateInput, fmtDate, formField, formValues, h, label, markSaved, messages, select, showErrors, t, watchUnsaved } from '../core.js';
import { savedNote } from './case-forms.js';

const ready = Promise.all([messages('case'), messages('casework')]);

function path(code, rest) {
  return '/cases/' + encodeURIComponent(code) + rest;
}

let orgsCache = null;

async function orgs() {
  if (!orgsCache) {
    const r = await api('GET', '/orgs');
    orgsCache = r.status === 200 ? r.data.orgs || [] : [];
  }
  return orgsCache;
}

// The statistics line, and for an included case the child's refusal (an opt-out).
function statistics(box, code, state, may, reload) {
  const out = [h('p', { id: 'statistics-state' }, t(state === 'excluded' ? 'case.stats_excluded' : 'case.stats_included'))];
  if (!may) return out;
  if (state === 'excluded') {
    out.push(h('p', { class: 'hint' }, t('cw.stats_back_hint')));
    return out;
  }
  const btn = h('button', { type: 'button', class: 'danger', 'data-action': 'opt-out' }, t('cw.opt_out'));
  btn.addEventListener('click', async () => {
    if (!window.confirm(t('cw.opt_out_confirm'))) return;
    const u = await api('POST', path(code, '/statistics/opt-out'), {});
    if (u.status !== 200) {
      const p = box.querySelector('#opt-out .msg') || h('p', { class: 'msg', role: 'alert' });
      p.textContent = errorText(u.data);
      btn.before(p);
      return;
    }
    await reload({ where: 'statistics', key: 'cw.opted_out' });
  });
  out.push(h('div', { id: 'opt-out', class: 'opt-out' }, h('h3', {}, t('cw.opt_out_title')), h('p', {}, t('cw.opt_out_text')),
    h('div', { class: 'actions' }, btn)));
  return out;
}

// What a consent just recorded holds, in the form's place.
function recorded(x) {
  return h('dl', { class: 'summary', id: 'consent-recorded' },
    h('dt', {}, t('case.c.purpose')), h('dd', {}, label('consent_purpose', x.purpose)),
    x.org_name ? [h('dt', {}, t('case.c.org')), h('dd', {}, x.org_name)] : null,
    h('dt', {}, t('case.c.given_by')), h('dd', {}, label('consent_giver', x.given_by)),
    h('dt', {}, t('case.c.given_on')), h('dd', {}, fmtDate(x.given_on)));
}

function consentForm(code, list, onSaved) {
  const orgSel = h('select', {}, h('option', { value: '' }, t('core.choose')), list.map((o) => h('option', { value: String(o.id) }, o.name)));
  const orgField = formField('org_id', 'case.c.org', orgSel);
  orgField.classList.add('hidden');
  const purpose = select('consent_purpose', { required: true });
  purpose.addEventListener('change', () => orgField.classList.toggle('hidden', purpose.value !== 'sharing'));
  const form = watchUnsaved(h('form', { id: 'form-consent', novalidate: true },
    h('h3', {}, t('case.record_consent')),
    formField('purpose', 'case.c.purpose', purpose),
    orgField,
    formField('given_by', 'case.c.given_by', select('consent_giver', { required: true })),
    formField('given_on', 'case.c.given_on', dateInput(''), 'case.date_hint'),
    formField('note', 'case.c.note', h('textarea', { rows: '2', maxlength: '1000' }), 'case.c.note_hint'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'record-consent' }, t('case.record_consent')))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    if (v.purpose !== 'sharing') delete v.org_id;
    else if (v.org_id) v.org_id = Number(v.org_id);
    const u = await api('POST', path(code, '/consents'), v);
    if (u.status !== 201) {
      if (u.data && u.data.error && u.data.error.field === 'org_id') orgField.classList.remove('hidden');
      return showErrors(form, u.data);
    }
    markSaved(form);
    await onSaved(u.data.consent || u.data);
  });
  return form;
}

// Draws the section into box (c: the case answer, for its "may" list). after
// (optional): what was just saved: {where: 'form', consent} | {where: 'row', n, key} |
// {where: 'statistics', key}.
export async function consentSection(box, code, c, after) {
  await ready;
  const [r, list] = await Promise.all([api('GET', path(code, '/consents')), orgs()]);
  clear(box);
  if (r.status !== 200) return box.append(h('p', { class: 'errors', role: 'alert' }, errorText(r.data)));
  const may = caseMay(c, 'personal.update');
  const reload = (a) => consentSection(box, code, c, a);
  box.append(...statistics(box, code, r.data.statistics, may, reload));
  const cs = r.data.consents || [];
  if (!cs.length) box.append(h('p', { class: 'muted' }, t('case.no_consents')));
  else {
    box.append(h('table', { class: 'list', id: 'consent-list' },
      h('thead', {}, h('tr', {}, ['purpose', 'org', 'given_by', 'given_on', 'state', 'act'].map((k) => h('th', { scope: 'col' }, t('case.c.' + k))))),
      h('tbody', {}, cs.map((x) => h('tr', { 'data-consent': String(x.n) },
        h('td', { 'data-label': t('case.c.purpose') }, label('consent_purpose', x.purpose)),
        h('td', { 'data-label': t('case.c.org') }, x.org_name || ''),
        h('td', { 'data-label': t('case.c.given_by') }, label('consent_giver', x.given_by)),
        h('td', { 'data-label': t('case.c.given_on') }, fmtDate(x.given_on)),
        h('td', { 'data-label': t('case.c.state') }, x.active ? t('case.c.active') : t('case.c.withdrawn', { date: fmtDate(x.withdrawn_on) })),
        h('td', { class: 'consent-act' }, x.active && may ? h('button', { type: 'button', class: 'danger', 'data-action': 'withdraw-consent', on: { click: async (ev) => {
          if (!window.confirm(t('case.withdraw_confirm'))) return;
          const u = await api('POST', path(code, '/consents/' + x.n + '/withdraw'), {});
          if (u.status === 200) return reload({ where: 'row', n: x.n, key: 'case.withdrawn_ok' });
          ev.target.before(h('p', { class: 'msg', role: 'alert' }, errorText(u.data)));
        } } }, t('case.withdraw')) : ''))))));
  }
  if (!may) return;
  const place = h('div', { id: 'consent-form-place' });
  box.append(place);
  const showForm = () => {
    const f = consentForm(code, list, (x) => reload({ where: 'form', consent: x }));
    clear(place).append(f);
    return f;
  };
  if (after && after.where === 'form' && after.consent) {
    const another = h('button', { type: 'button', 'data-action': 'another-consent', on: { click: () => showForm().querySelector('select').focus() } }, t('cw.another_consent'));
    const done = h('div', { class: 'consent-done' }, h('h3', {}, t('cw.consent_recorded')), recorded(after.consent), h('div', { class: 'actions' }, another));
    place.append(done);
    savedNote(done, t('core.saved'));
    return;
  }
  showForm();
  if (after && after.where === 'row') {
    const cell = box.querySelector(`#consent-list tr[data-consent="${after.n}"] .consent-act`);
    if (cell) savedNote(cell.appendChild(h('span')), t(after.key));
  } else if (after && after.where === 'statistics') savedNote(box.querySelector('#statistics-state').nextSibling || place, t(after.key));
}
