// case-edit.js — two parts of the case page: the supervisor's case managers (assign one
// of the organisation's case managers, unassign) and the form that changes the coded
// fields (PATCH /cases/:code with the version read: only the fields that changed go).
import { assignableUsers, countryPicker, iinInput, languagePicker, placePicker, userPicker } from '../picker.js';
import { iinTakenWarning } from './contacts.js';
import { api, errorText, caseMay, clear, dateInput, formField, formValues, h, label, markSaved, messages, notify, policy, select, showErrors, showMessage, t, vocab, watchUnsaved } from '../core.js';

const ready = Promise.all([messages('case'), messages('contacts')]);

function path(code, rest) {
  return '/cases/' + encodeURIComponent(code) + (rest || '');
}

// ---- case managers ----------------------------------------------------------------------

// The case managers of the case with unassign buttons and a form to assign one of the
// case managers who may take it, picked by name and role (GET .../assignable/case-managers;
// shown to those who may assign: canAssign).
// onChange() is called after a change.
export async function mountAssignments(box, c, onChange) {
  await ready;
  clear(box);
  const managers = c.case_managers || [];
  box.append(managers.length
    ? h('ul', { id: 'case-managers', class: 'plain' }, managers.map((m) => h('li', { 'data-user': String(m.user_id) },
      h('span', {}, m.login), ' ',
      h('button', { type: 'button', class: 'danger', 'data-action': 'unassign', on: { click: async () => {
        if (!window.confirm(t('case.unassign_confirm', { login: m.login }))) return;
        const r = await api('DELETE', path(c.code, '/assignments/' + encodeURIComponent(m.user_id)));
        if (r.status === 200 || r.status === 204) {
          notify(t('case.unassigned', { login: m.login }));
          onChange();
        } else notify(errorText(r.data));
      } } }, t('case.unassign')))))
    : h('p', { class: 'muted', id: 'case-managers' }, t('case.no_managers')));
  const users = await assignableUsers(c.code, 'case-managers');
  if (!users.length) return box.append(h('p', { class: 'muted' }, t('case.no_assignable')));
  const who = userPicker(t('case.assign_who'), users, '', 'user_id', 'id');
  const form = h('form', { id: 'form-assign', class: 'inline', novalidate: true },
    who,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'assign' }, t('case.assign'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!who.pickerValue()) return showErrors(form, { error: { code: 'required', field: 'user_id' } });
    const r = await api('POST', path(c.code, '/assignments'), { user_id: Number(who.pickerValue()) });
    if (r.status !== 200 && r.status !== 201) return showErrors(form, r.data);
    notify(t('case.assigned'));
    onChange();
  });
  box.append(form);
}

// ---- the coded fields -------------------------------------------------------------------

const CODES = [
  ['victim_status', 'victim_status'], ['status_decided_by', 'deciding_body'], ['recruitment_method', 'recruitment_method'],
  ['exit_method', 'exit_method'], ['relation_to_trafficker', 'relation'], ['cj_stage', 'cj_stage'], ['accompaniment', 'accompaniment'],
];
const CLEARABLE = ['sex', 'citizenship', 'region', 'age_at_identification'];

function checkList(name, list, legendKey, chosen) {
  const have = chosen || [];
  const voc = vocabNow[list] || [];
  return h('fieldset', { class: 'checks', 'data-field': name }, h('legend', {}, t(legendKey)),
    voc.map((e) => {
      const id = 'f-' + name + '-' + e.code;
      return h('div', { class: 'field check' }, h('input', { type: 'checkbox', id, name, 'data-list': name, value: e.code, checked: have.includes(e.code) }),
        h('label', { for: id }, label(list, e.code)));
    }), h('p', { class: 'msg' }));
}

let vocabNow = {};

function same(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) return [...(a || [])].sort().join(',') === [...(b || [])].sort().join(',');
  return (a === undefined || a === null ? '' : a) === (b === undefined || b === null ? '' : b);
}

// The form for the coded fields of c; onSaved() after a change is stored.
export async function editForm(c, onSaved) {
  await ready;
  vocabNow = await vocab();
  const age = h('input', { type: 'number', min: '0', max: '25', step: '1', inputmode: 'numeric', class: 'short', value: c.age_at_identification != null ? String(c.age_at_identification) : '' });
  const interp = h('input', { type: 'checkbox', id: 'f-interpreter_needed', name: 'interpreter_needed', checked: !!c.interpreter_needed });
  const langField = await languagePicker(t('case.f.interpreter_language'), c.interpreter_language || '', 'interpreter_language', null, false);
  langField.classList.toggle('hidden', !c.interpreter_needed);
  interp.addEventListener('change', () => langField.classList.toggle('hidden', !interp.checked));
  const form = watchUnsaved(h('form', { id: 'form-edit-case', novalidate: true },
    formField('sex', 'case.f.sex', select('sex', { value: c.sex })),
    formField('age_at_identification', 'case.f.age', age),
    formField('region', 'case.f.region', select('region', { value: c.region })),
    await countryPicker(t('case.f.citizenship'), c.citizenship, 'citizenship'),
    formField('identified_on', 'case.f.identified_on', dateInput(c.identified_on), 'case.date_hint'),
    checkList('exploitation_forms', 'exploitation_form', 'case.f.exploitation_forms', c.exploitation_forms),
    await placePicker(t('case.f.exploitation_place'), c.exploitation_place, 'exploitation_place', t('case.place_regions')),
    CODES.map(([name, list]) => formField(name, 'case.f.' + name, select(list, { value: c[name] }))),
    h('div', { class: 'field check', 'data-field': 'interpreter_needed' }, interp, h('label', { for: interp.id }, t('case.f.interpreter_needed')), h('p', { class: 'msg' })),
    langField,
    h('div', { class: 'field check', 'data-field': 'non_punishment' },
      h('input', { type: 'checkbox', id: 'f-non_punishment', name: 'non_punishment', checked: !!c.non_punishment }),
      h('label', { for: 'f-non_punishment' }, t('case.f.non_punishment')), h('p', { class: 'msg' })),
    checkList('services_needed', 'service', 'case.f.services_needed', c.services_needed),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'save-case' }, t('case.save_changes')))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    for (const list of ['exploitation_forms', 'services_needed']) {
      v[list] = [...form.querySelectorAll('input[data-list="' + list + '"]')].filter((x) => x.checked).map((x) => x.value);
    }
    if (!v.interpreter_needed) delete v.interpreter_language;
    const patch = {};
    const names = ['sex', 'age_at_identification', 'region', 'citizenship', 'identified_on', 'exploitation_forms', 'exploitation_place',
      ...CODES.map((x) => x[0]), 'interpreter_needed', 'interpreter_language', 'non_punishment', 'services_needed'];
    for (const n of names) {
      if (same(v[n], c[n])) continue;
      if (v[n] === undefined) {
        if (CLEARABLE.includes(n)) patch[n] = null;
        continue;
      }
      if (typeof c[n] !== 'boolean' && v[n] === false && c[n] === undefined) continue;
      patch[n] = v[n];
    }
    if (!Object.keys(patch).length) {
      markSaved(form);
      return notify(t('case.nothing_changed'));
    }
    patch.version = c.version;
    const r = await api('PATCH', path(c.code), patch);
    if (r.data && r.data.error && r.data.error.reason === 'version.stale') return showMessage(form, t('case.version_conflict'));
    if (r.status !== 200) return showErrors(form, r.data);
    markSaved(form);
    notify(t('core.saved'));
    onSaved();
  });
  return form;
}

// True when the user may assign and unassign the case managers of case c.
export function canAssign(c) {
  return caseMay(c, 'case.assign');
}

// ---- the personal data ------------------------------------------------------------------

const PERSONAL_TEXT = ['given_name', 'family_name', 'patronymic', 'birth_date', 'iin', 'phone', 'address', 'languages', 'notes', 'criminal_case_number'];

// The form that replaces the personal data p of case code (PUT /personal with the case's
// version read before p). Contacts and relatives are sent back as they were read; an
// empty input is left out (the API refuses empty strings). onSaved() after the change,
// onCancel() when the worker gives up.
export async function personalForm(code, p, version, onSaved, onCancel) {
  await ready;
  const text = (k, attrs) => h('input', { type: 'text', autocomplete: 'off', value: p[k] != null ? String(p[k]) : '', ...attrs });
  const field = (k, input, hint) => formField('personal.' + k, 'case.p.' + k, input, hint);
  const cancel = h('button', { type: 'button', 'data-action': 'cancel-personal' }, t('core.cancel'));
  const form = watchUnsaved(h('form', { id: 'form-personal', novalidate: true },
    h('h3', {}, t('case.edit_personal_title')),
    field('given_name', text('given_name')),
    field('family_name', text('family_name')),
    field('patronymic', text('patronymic')),
    field('birth_date', dateInput(p.birth_date), 'case.date_hint'),
    field('iin', iinInput(p.iin != null ? String(p.iin) : '')),
    field('phone', text('phone', { type: 'tel' })),
    field('address', h('textarea', { rows: '2' }, p.address || '')),
    await languagePicker(t('case.p.languages'), p.languages || [], 'personal.languages'),
    field('notes', h('textarea', { rows: '3' }, p.notes || '')),
    field('criminal_case_number', text('criminal_case_number')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'save-personal' }, t('case.save_changes')), cancel)));
  cancel.addEventListener('click', () => {
    markSaved(form);
    onCancel();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const taken = form.querySelector('#existing-case');
    if (taken) taken.remove();
    const v = formValues(form);
    const out = {};
    for (const k of PERSONAL_TEXT) {
      const x = v['personal.' + k];
      if (x === undefined) continue;
      out[k] = k === 'languages' ? x.split(/[\s,;]+/).map((s) => s.trim().toLowerCase()).filter(Boolean) : x;
    }
    if (out.languages && !out.languages.length) delete out.languages;
    for (const k of ['contacts', 'relatives']) if (Array.isArray(p[k])) out[k] = p[k];
    const body = { personal: out };
    if (version) body.version = version;
    const r = await api('PUT', path(code, '/personal'), body);
    const e = (r.data && r.data.error) || {};
    if (e.reason === 'version.stale') return showMessage(form, t('case.version_conflict'));
    if (r.status !== 200 && r.status !== 204) {
      showErrors(form, r.data);
      if (r.status === 409 && e.field === 'personal.iin') {
        const s = form.querySelector('.errors p');
        if (s) s.textContent = t('case.iin_registered');
        const m = form.querySelector('[data-field="personal.iin"] .msg');
        if (m) m.textContent = t('case.iin_registered');
        // the case, the holding organisation with a contact request, or "ask your supervisor"
        if (e.existing) {
          const w = iinTakenWarning(e, { title: t('contacts.iin_title'), code: t('contacts.iin_case'), next: t('contacts.not_saved') });
          form.querySelector('.actions').before(w);
          w.focus();
        }
      }
      return;
    }
    markSaved(form);
    notify(t('core.saved'));
    onSaved();
  });
  return form;
}
