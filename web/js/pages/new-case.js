// new-case.js — opening a case (#/new-case): the coded identification facts, and an
// optional personal part behind a disclosure. When the IIN shows the child may be
// registered already (409 with "existing"), a warning names the case (when the user
// may see it) or says another organisation holds it; no second case is made.
import { countryPicker, iinInput } from '../picker.js';
import { api, dateInput, formField, formValues, go, h, markSaved, messages, navItem, pageTitle, route, select, showErrors, showMessage, t, today, watchUnsaved } from '../core.js';

const ready = messages('newcase');
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

function existingWarning(existing) {
  const parts = [h('p', {}, h('strong', {}, t('newcase.exists_title')))];
  if (existing && existing.code) {
    parts.push(h('p', {}, t('newcase.exists_code'), ' ',
      h('a', { href: '#/case/' + encodeURIComponent(existing.code), class: 'code', 'data-action': 'open-existing' }, existing.code)));
  } else parts.push(h('p', {}, t('newcase.exists_other_org')));
  parts.push(h('p', {}, t('newcase.exists_next')));
  return h('div', { class: 'warning', role: 'alert', id: 'existing-case', tabindex: '-1' }, parts);
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
  const warnBox = h('div');
  const form = watchUnsaved(h('form', { novalidate: true },
    h('fieldset', {}, h('legend', {}, t('newcase.facts')),
      formField('sex', 'newcase.sex', select('sex')),
      formField('age_at_identification', 'newcase.age', h('input', { type: 'number', min: '0', max: '120', inputmode: 'numeric', class: 'short' })),
      formField('region', 'newcase.region', select('region')),
      await countryPicker(t('newcase.citizenship'), '', 'citizenship'),
      formField('identified_on', 'newcase.identified_on', dateInput(today()), 'newcase.date_hint'),
      formField('stage', 'newcase.stage', select('stage', { empty: false, value: 'identification', except: ['closure'] }) /* a case opens at any stage but closure (the API refuses it too) */)),
    personal,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', 'data-action': 'save' }, t('newcase.save')),
      h('a', { href: '#/cases', class: 'button' }, t('core.cancel')))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
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
    const r = await api('POST', '/cases', body);
    if (r.status === 201) {
      markSaved(form);
      go('#/case/' + encodeURIComponent(r.data.code));
      return;
    }
    const err = r.data && r.data.error;
    if (r.status === 409 && err && err.existing) {
      showErrors(form, r.data);
      const w = existingWarning(err.existing);
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
  });
  el.append(pageTitle('newcase.title'), h('p', {}, t('newcase.intro')), warnBox, form);
});
