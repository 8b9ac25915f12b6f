// qualify.js — the legal-qualification helper '#/qualify': acts, means, purposes (the
// helper's code lists from GET /api/v1/vocab), age and prostitution go to POST
// /api/v1/qualify; the answer (whether the facts meet the definition, the articles to
// consider and the reasons) is shown as a suggestion for the professional.
import { api, t, route, navItem, messages, formField, h, tx, vocab, checks, checkedValues, formError, clear } from '../core.js';

const M = 'qualify';
messages(M);
navItem('#/qualify', 'qual.nav');

async function page(container) {
  await messages(M);
  const voc = await vocab();
  const out = h('section', { class: 'qualify-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'qualify', novalidate: true },
    checks(voc, 'act', 'acts', t('qual.acts')),
    checks(voc, 'means', 'means', t('qual.means')),
    checks(voc, 'purpose', 'purposes', t('qual.purposes')),
    formField('age', 'qual.age', h('input', { type: 'number', min: 0, max: 120, step: 1, inputmode: 'numeric' }), 'qual.age_hint'),
    h('div', { class: 'field check' }, h('input', { type: 'checkbox', id: 'f-prostitution', name: 'prostitution' }),
      h('label', { for: 'f-prostitution' }, t('qual.prostitution'))),
    h('button', { type: 'submit', 'data-action': 'qualify' }, t('qual.check')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const age = form.querySelector('[name="age"]').value.trim();
    const body = { acts: checkedValues(form, 'acts'), means: checkedValues(form, 'means'), purposes: checkedValues(form, 'purposes'),
      age: age === '' ? null : Number(age), prostitution: form.querySelector('[name="prostitution"]').checked };
    const r = await api('POST', '/api/v1/qualify', body);
    clear(out);
    if (r.status !== 200) {
      formError(form, r);
      return;
    }
    const d = r.data;
    out.append(h('h2', {}, t('qual.result')),
      h('p', { class: d.meets_definition ? 'result result-yes' : 'result result-no' }, h('strong', {}, t(d.meets_definition ? 'qual.meets' : 'qual.not_meets'))),
      d.child === true ? h('p', {}, t('qual.child')) : null,
      d.missing && d.missing.length ? h('p', {}, t('qual.missing'), ' ', d.missing.map((m) => t(`qual.el.${m}`)).join(', ')) : null,
      h('ul', { class: 'reasons' }, (d.reasons || []).map((x) => h('li', {}, tx(x)))),
      h('h2', {}, t('qual.articles')),
      (d.articles || []).length ? h('ul', { class: 'articles' }, d.articles.map((a) => h('li', {},
        h('strong', {}, t('qual.article', { n: a.article }), ' ', tx(a.title)),
        h('p', {}, tx(a.reason), a.source_lines ? ` (${a.source_lines})` : '')))) : h('p', {}, t('qual.no_articles')),
      h('p', { class: 'note' }, t('qual.suggestion_only')));
    out.focus();
  });
  out.tabIndex = -1;
  container.append(h('h1', { id: 'page-title' }, t('qual.title')), h('p', { class: 'intro' }, t('qual.intro')), form, out);
}

route('#/qualify', page);
