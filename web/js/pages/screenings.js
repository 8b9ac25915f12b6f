// screenings.js — a case's screenings (mounted by the case page through
// mountScreenings) and the screening form '#/case/:code/screening/:id', built from the
// instrument's definition: items follow the branching (instrument.js, the same
// three-valued rules as the server), the score and suggestion update as the worker
// answers, the published accuracy is shown, and the worker's own judgement is required
// before the screening is saved.
import { api, t, lang, fmtDate, route, go, formField, watchUnsaved, markSaved, notify, messages } from '../core.js';
import { settle, T } from '../instrument.js';
import { el, tx, vocab, formError, formMessage, clear, apiError } from '../w2util.js';

const M = 'screenings';
messages(M);

const defs = {};
async function definition(id) {
  if (!defs[id]) {
    const r = await api('GET', `/api/v1/instruments/${encodeURIComponent(id)}`);
    if (r.status !== 200) return null;
    defs[id] = r.data;
  }
  return defs[id];
}

async function instrumentList() {
  const r = await api('GET', '/api/v1/instruments');
  return r.status === 200 ? r.data.instruments || [] : [];
}

function resultText(code) {
  return t(`scr.result.${code}`) === `scr.result.${code}` ? code : t(`scr.result.${code}`);
}

// ---- the case's screenings --------------------------------------------------------------

export async function mountScreenings(container, code) {
  await messages(M);
  const [r, list] = await Promise.all([api('GET', `/api/v1/cases/${encodeURIComponent(code)}/screenings`), instrumentList()]);
  const titles = {};
  list.forEach((i) => { titles[i.id] = i.title; });
  const box = el('section', { class: 'screenings', 'aria-labelledby': 'screenings-title' },
    el('h2', { id: 'screenings-title' }, t('scr.list_title')));
  if (r.status !== 200) {
    box.appendChild(el('p', { role: 'alert', class: 'error' }, apiError(r).message));
  } else if (!(r.data.screenings || []).length) {
    box.appendChild(el('p', {}, t('scr.none')));
  } else {
    box.appendChild(el('table', { class: 'list' },
      el('thead', {}, el('tr', {},
        ['scr.col_n', 'scr.col_instrument', 'scr.col_date', 'scr.col_result', 'scr.col_state', 'scr.col_by']
          .map((k) => el('th', { scope: 'col' }, t(k))))),
      el('tbody', {}, r.data.screenings.map((s) => el('tr', { 'data-n': s.n },
        el('td', {}, s.n),
        el('td', {}, tx(titles[s.instrument]) || s.instrument),
        el('td', {}, fmtDate(s.administered_on)),
        el('td', {}, resultText(s.result && s.result.result)),
        el('td', {}, s.final ? t('scr.final') : t('scr.draft')),
        el('td', {}, s.administered_by || ''))))));
  }
  // New screening: pick an instrument, then the form page.
  const pick = el('select', {}, list.map((i) => el('option', { value: i.id }, tx(i.title))));
  const form = el('form', { class: 'new-screening' },
    formField('instrument', 'scr.pick_instrument', pick),
    el('button', { type: 'submit', 'data-action': 'new-screening' }, t('scr.new')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go(`#/case/${code}/screening/${pick.value}`);
  });
  box.appendChild(form);
  container.appendChild(box);
  return box;
}

// ---- one item's input -------------------------------------------------------------------

function radios(item, choices) {
  const none = { value: '', text: t('scr.no_answer') };
  return el('fieldset', { class: 'choices' },
    el('legend', { id: `q-${item.id}-text` }, tx(item.text)),
    [...choices, none].map((c, k) => {
      const id = `f-${item.id}-${k}`;
      return el('div', { class: 'choice' },
        el('input', { type: 'radio', id, name: item.id, value: c.value, checked: c.value === '' }),
        el('label', { for: id }, c.text));
    }));
}

function itemInput(item, voc) {
  switch (item.type) {
    case 'yesno':
      return radios(item, [{ value: 'yes', text: t('scr.yes') }, { value: 'no', text: t('scr.no') }]);
    case 'rating': {
      const min = item.min === undefined ? 0 : item.min, max = item.max === undefined ? 3 : item.max;
      const cs = [];
      for (let v = min; v <= max; v++) cs.push({ value: String(v), text: String(v) });
      return radios(item, cs);
    }
    case 'choice':
      return radios(item, item.options.map((o) => ({ value: o.value, text: tx(o.label) })));
    case 'multichoice':
      return el('fieldset', { class: 'checks' },
        el('legend', {}, tx(item.text)),
        item.options.map((o, k) => {
          const id = `f-${item.id}-${k}`;
          return el('div', { class: 'check' },
            el('input', { type: 'checkbox', id, name: item.id, value: o.value }),
            el('label', { for: id }, tx(o.label)));
        }));
    case 'number':
      return el('div', { class: 'field' },
        el('label', { for: `f-${item.id}` }, tx(item.text)),
        el('input', { type: 'number', id: `f-${item.id}`, name: item.id, min: item.min, max: item.max, step: 1, inputmode: 'numeric' }));
    case 'country':
      return el('div', { class: 'field' },
        el('label', { for: `f-${item.id}` }, tx(item.text)),
        el('select', { id: `f-${item.id}`, name: item.id },
          el('option', { value: '' }, t('scr.no_answer')),
          ((voc && voc.country) || []).map((c) => el('option', { value: c.code }, `${c[lang()] || c.en} (${c.code})`))));
    default: // text
      return el('div', { class: 'field' },
        el('label', { for: `f-${item.id}` }, tx(item.text)),
        el('textarea', { id: `f-${item.id}`, name: item.id, maxlength: item.max_length || 2000, rows: 3 }));
  }
}

function readAnswer(form, item) {
  const inputs = Array.from(form.querySelectorAll(`[name="${item.id}"]`));
  switch (item.type) {
    case 'yesno': case 'choice': {
      const c = inputs.find((i) => i.checked);
      return c && c.value !== '' ? c.value : null;
    }
    case 'rating': {
      const c = inputs.find((i) => i.checked);
      return c && c.value !== '' ? Number(c.value) : null;
    }
    case 'multichoice': {
      const vs = inputs.filter((i) => i.checked).map((i) => i.value);
      return vs.length ? vs : null;
    }
    case 'number': {
      const v = inputs[0].value.trim();
      return v === '' || !/^-?\d+$/.test(v) ? null : Number(v);
    }
    default: {
      const v = inputs[0].value;
      return v.trim() === '' ? null : v;
    }
  }
}

function clearAnswer(form, item) {
  form.querySelectorAll(`[name="${item.id}"]`).forEach((i) => {
    if (i.type === 'radio') i.checked = i.value === '';
    else if (i.type === 'checkbox') i.checked = false;
    else i.value = '';
  });
}

// ---- the live result --------------------------------------------------------------------

function renderResult(out, def, res) {
  clear(out);
  const parts = [el('p', { class: `result result-${res.result}` }, el('strong', {}, t('scr.result')), ' ', resultText(res.result))];
  if (res.total !== undefined) parts.push(el('p', {}, t('scr.total', { total: res.total, max: res.max })));
  if (res.sections) {
    parts.push(el('ul', { class: 'sections' }, (def.sections || []).filter((s) => res.sections[s.id] && res.sections[s.id].applicable && s.max > 0)
      .map((s) => el('li', {}, `${tx(s.title)}: ${res.sections[s.id].score} / ${res.sections[s.id].max}`))));
  }
  if (res.reading) parts.push(el('p', { class: 'reading' }, tx(res.reading)));
  if (res.suggested && res.suggested.length) {
    const labels = {};
    (def.suggest || []).forEach((s) => { labels[s.value] = s.label; });
    parts.push(el('p', {}, el('strong', {}, t('scr.suggested'))));
    parts.push(el('ul', { class: 'suggested' }, res.suggested.map((v) => el('li', {}, labels[v] ? tx(labels[v]) : t('scr.suggest_none')))));
  }
  if (res.indicators) parts.push(el('p', {}, t('scr.indicators', { n: res.indicators.length })));
  if (res.unanswered && res.unanswered.length) parts.push(el('p', {}, t('scr.unanswered', { n: res.unanswered.length })));
  if (res.needs && res.needs.length) parts.push(el('p', {}, t('scr.needs', { n: res.needs.length })));
  if (res.final === false) parts.push(el('p', { class: 'awaiting' }, t('scr.awaiting')));
  parts.push(el('p', { class: 'note' }, t('scr.not_diagnosis')));
  parts.forEach((p) => out.appendChild(p));
}

function accuracyText(def) {
  const a = def.accuracy;
  if (!a) return t('scr.no_accuracy');
  const pct = (x) => `${Math.round(x * 1000) / 10}%`;
  return `${t('scr.accuracy', { sensitivity: pct(a.sensitivity), specificity: pct(a.specificity) })} ${tx(a.population)} (${a.citation || ''})`;
}

// ---- the form page ----------------------------------------------------------------------

async function screeningPage(container, params) {
  await messages(M);
  const code = params.code;
  const [def, voc] = await Promise.all([definition(params.id), vocab()]);
  if (!def) {
    container.appendChild(el('h1', { id: 'page-title' }, t('scr.not_found')));
    return;
  }
  const judgementRequired = Array.isArray(def.final_requires) && def.final_requires.length > 0;
  const out = el('output', { id: 'score-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'screening', novalidate: 'novalidate' });
  const secTitle = {};
  (def.sections || []).forEach((s) => { secTitle[s.id] = s; });

  // Mode and language of administration.
  form.appendChild(formField('mode', 'scr.mode', el('select', {},
    el('option', { value: 'interviewer' }, t('scr.mode_interviewer')),
    el('option', { value: 'self' }, t('scr.mode_self')))));
  form.appendChild(formField('language', 'scr.language', el('select', {},
    ['kk', 'ru', 'en'].map((l) => el('option', { value: l, selected: l === lang() }, t(`scr.lang_${l}`))))));
  if (def.intro) form.appendChild(el('div', { class: 'intro' }, el('h2', {}, t('scr.intro')), el('p', {}, tx(def.intro))));

  // Items, grouped in their sections; the interviewer's own items last.
  const groups = [];
  let current = null;
  def.items.forEach((it) => {
    const key = it.role === 'judgement' ? '#judgement' : (it.section || '#none');
    if (!current || current.key !== key) {
      current = { key, items: [] };
      groups.push(current);
    }
    current.items.push(it);
  });
  const sectionBoxes = {};
  groups.forEach((g) => {
    let title = null;
    if (g.key === '#judgement') title = t('scr.judgement_section');
    else if (secTitle[g.key]) title = tx(secTitle[g.key].title);
    const box = el('section', { class: 'item-group', 'data-section': g.key },
      title ? el('h2', {}, title) : null,
      secTitle[g.key] && secTitle[g.key].erratum ? el('p', { class: 'erratum' }, tx(secTitle[g.key].erratum)) : null,
      g.items.map((it) => el('div', { class: `item item-${it.type}`, 'data-item': it.id },
        itemInput(it, voc),
        it.note ? el('details', { class: 'item-note' }, el('summary', {}, t('scr.note')), el('p', {}, tx(it.note))) : null)));
    if (secTitle[g.key]) sectionBoxes[g.key] = box;
    form.appendChild(box);
  });

  let confirm = null;
  if (!judgementRequired) {
    confirm = el('input', { type: 'checkbox', id: 'f-own_judgement', name: 'own_judgement', required: true });
    form.appendChild(el('div', { class: 'field check own-judgement' }, confirm,
      el('label', { for: 'f-own_judgement' }, t('scr.own_judgement'))));
  }
  form.appendChild(el('button', { type: 'submit', 'data-action': 'save-screening' }, t('scr.save')));

  // Branching: show the items that apply, drop the answers of the others.
  let answers = {};
  let last = null;
  let seq = 0;
  let timer = null;
  function refresh() {
    const raw = {};
    def.items.forEach((it) => { raw[it.id] = readAnswer(form, it); });
    const s = settle(def, raw);
    def.items.forEach((it) => {
      const box = form.querySelector(`[data-item="${it.id}"]`);
      const show = s.applies[it.id] === T;
      if (!show && raw[it.id] !== null) clearAnswer(form, it);
      box.hidden = !show;
    });
    Object.entries(sectionBoxes).forEach(([, box]) => {
      box.hidden = !Array.from(box.querySelectorAll('[data-item]')).some((b) => !b.hidden);
    });
    answers = s.answers;
  }
  async function score() {
    const mine = ++seq;
    const r = await api('POST', `/api/v1/instruments/${encodeURIComponent(def.id)}/score?version=${def.version}`, { answers });
    if (mine !== seq) return; // a newer answer is on its way
    if (r.status === 200) {
      last = r.data;
      renderResult(out, def, r.data);
    } else {
      clear(out);
      out.appendChild(el('p', { class: 'error' }, apiError(r).message));
    }
  }
  function changed() {
    refresh();
    clearTimeout(timer);
    timer = setTimeout(score, 350);
  }
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    refresh();
    if (confirm && !confirm.checked) {
      formMessage(form, t('scr.own_judgement_needed'), 'own_judgement');
      return;
    }
    if (judgementRequired) {
      await score();
      if (!last || last.final !== true) {
        const missing = (last && last.awaiting) || def.final_requires;
        formMessage(form, t('scr.judgement_needed'), missing[0]);
        return;
      }
    }
    const body = {
      instrument: def.id, version: def.version, answers,
      mode: form.querySelector('[name="mode"]').value,
      language: form.querySelector('[name="language"]').value,
    };
    const r = await api('POST', `/api/v1/cases/${encodeURIComponent(code)}/screenings`, body);
    if (r.status === 201) {
      markSaved(form);
      notify(t('scr.saved'));
      go(`#/case/${code}`);
      return;
    }
    formError(form, r);
  });

  container.appendChild(el('p', { class: 'back' }, el('a', { href: `#/case/${code}` }, t('scr.back'))));
  container.appendChild(el('h1', { id: 'page-title' }, tx(def.title)));
  container.appendChild(el('p', { class: 'population' }, el('strong', {}, t('scr.population')), ' ', tx(def.population)));
  container.appendChild(el('p', { id: 'accuracy' }, accuracyText(def)));
  container.appendChild(el('div', { class: 'screening-layout' }, form,
    el('aside', { class: 'live', 'aria-labelledby': 'live-title' }, el('h2', { id: 'live-title' }, t('scr.live')), out)));
  refresh();
  score();
  watchUnsaved(form);
}

route('#/case/:code/screening/:id', screeningPage);
