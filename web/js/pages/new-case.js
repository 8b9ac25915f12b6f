// new-case.js — opening a case (#/new-case): the coded identification facts, and an
// optional personal part behind a disclosure. When the child may be registered already,
// a warning above the buttons says so and nothing is stored: the same names and birth
// date as a case of the user's organisation (409 case.likely_duplicate: open it, or "not
// the same child" registers), or the IIN (409 iin.duplicate: the case, the holding
// organisation with a contact request, or "ask your supervisor").
import { countryPicker, iinInput } from '../picker.js';
import { api, dateInput, formField, formValues, go, h, label, markSaved, messages, navItem, pageTitle, route, select, showErrors, showMessage, t, today, watchUnsaved } from '../core.js';
import { iinTakenWarning } from './contacts.js';

const ready = Promise.all([messages('newcase'), messages('contacts')]);
navItem('#/new-case', 'newcase.nav', 'case.create');

const PERSONAL = ['given_name', 'family_name', 'birth_date', 'iin', 'phone'];
// A case must say something about the child (the API refuses an empty one, naming "sex").
const LEAST = ['sex', 'age_at_identification', 'given_name', 'family_name', 'birth_date', 'iin'];

// Says that the case is empty and what it needs, marking the sex and age fields.
function refuseEmpty(form) {
  showMessage(form, t('newcase.need_one'));
  for (const name of ['sex', 'age_at_identification']) {
    const input = form.querySelector(`[name="${name}"]`);
    input.setAttribute('aria-invalid', 'true');
    input.closest('.field').classList.add('invalid');
  }
}

// The warning when a case the user may see in their organisation has the same names and
// birth date (409 case.likely_duplicate, nothing stored): the cases, each opening by its
// code, and "not the same child — register", which sends the form again with every code
// shown in "checked_not_same".
function likelyWarning(likely, onNotSame) {
  const rows = likely.map((c) => h('li', { 'data-code': c.code },
    h('a', { href: '#/case/' + encodeURIComponent(c.code), class: 'code', 'data-action': 'open-likely' }, c.code),
    ' — ' + t('contacts.likely_stage', { stage: label('stage', c.stage) }) +
      (c.birth_year ? ', ' + t('contacts.likely_year', { year: c.birth_year }) : '')));
  const actions = h('div', { class: 'actions' });
  if (likely.length === 1) {
    actions.append(h('a', { href: '#/case/' + encodeURIComponent(likely[0].code), class: 'button primary', 'data-action': 'open-likely-case' },
      t('contacts.likely_open', { code: likely[0].code })));
  }
  actions.append(h('button', { type: 'button', 'data-action': 'not-same', on: { click: onNotSame } }, t('contacts.not_same')));
  return h('div', { class: 'warning', role: 'alert', id: 'likely-duplicate', tabindex: '-1', 'aria-labelledby': 'likely-title' },
    h('p', { id: 'likely-title' }, h('strong', {}, t('contacts.likely_title'))),
    h('p', {}, t(likely.length === 1 ? 'contacts.likely_one' : 'contacts.likely_many')),
    h('ul', { class: 'likely-list' }, rows),
    h('p', { class: 'hint' }, t('contacts.likely_hint')),
    actions);
}

route('#/new-case', async (el) => {
  await ready;
  const personal = h('details', { class: 'personal-part' },
    h('summary', { 'data-action': 'add-personal' }, t('newcase.add_personal')),
    h('p', { class: 'hint' }, t('newcase.personal_hint')),
    formField('given_name', 'newcase.given_name', h('input', { type: 'text', autocomplete: 'off' })),
    formField('family_name', 'newcase.family_name', h('input', { type: 'text', autocomplete: 'off' })),
    formField('birth_date', 'newcase.birth_date', dateInput(''), 'newcase.date_hint'),
    formField('iin', 'newcase.iin', iinInput(''), 'newcase.iin_hint'),
    formField('phone', 'newcase.phone', h('input', { type: 'tel', autocomplete: 'off' })));
  // the duplicate warnings stand above the buttons, where the worker decides
  const warnBox = h('div', { class: 'dup-warnings' });
  const form = watchUnsaved(h('form', { novalidate: true },
    h('fieldset', {}, h('legend', {}, t('newcase.facts')),
      formField('sex', 'newcase.sex', select('sex')),
      formField('age_at_identification', 'newcase.age', h('input', { type: 'number', min: '0', max: '120', inputmode: 'numeric', class: 'short' })),
      formField('region', 'newcase.region', select('region')),
      await countryPicker(t('newcase.citizenship'), '', 'citizenship'),
      formField('identified_on', 'newcase.identified_on', dateInput(today()), 'newcase.date_hint'),
      formField('stage', 'newcase.stage', select('stage', { empty: false, value: 'identification', except: ['closure'] }) /* a case opens at any stage but closure (the API refuses it too) */)),
    personal,
    warnBox,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', 'data-action': 'save' }, t('newcase.save')),
      h('a', { href: '#/cases', class: 'button' }, t('core.cancel')))));
  async function submit(checked) {
    warnBox.replaceChildren();
    const v = formValues(form);
    if (!LEAST.some((k) => v[k] !== undefined)) {
      refuseEmpty(form);
      return;
    }
    const body = {};
    const p = {};
    for (const [k, val] of Object.entries(v)) (PERSONAL.includes(k) ? p : body)[k] = val;
    if (Object.keys(p).length) body.personal = p;
    if (checked) body.checked_not_same = checked;
    const r = await api('POST', '/cases', body);
    if (r.status === 201) {
      markSaved(form);
      go('#/case/' + encodeURIComponent(r.data.code));
      return;
    }
    const err = r.data && r.data.error;
    if (r.status === 409 && err && err.reason === 'case.likely_duplicate' && Array.isArray(err.likely) && err.likely.length) {
      personal.open = true;
      const codes = err.likely.map((c) => c.code);
      const w = likelyWarning(err.likely, () => submit(codes));
      warnBox.append(w);
      w.focus();
      return;
    }
    if (r.status === 409 && err && err.existing) {
      personal.open = true;
      showErrors(form, r.data);
      const w = iinTakenWarning(err, { title: t('newcase.exists_title'), code: t('newcase.exists_code'), next: t('newcase.exists_next') });
      warnBox.append(w);
      w.focus();
      return;
    }
    if (err && String(err.field || '').startsWith('personal')) personal.open = true;
    if (r.status === 400 && err && err.reason === 'case.empty') {
      refuseEmpty(form);
      return;
    }
    showErrors(form, r.data);
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit(null);
  });
  el.append(pageTitle('newcase.title'), h('p', {}, t('newcase.intro')), form);
});
