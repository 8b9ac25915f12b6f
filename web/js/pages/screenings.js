// screenings.js — a case's screenings (mounted by the case page through
// mountScreenings) and the screening form '#/case/:code/screening/:id', built from the
// instrument's definition: which items show is the server's answer (the one rule engine
// of src/core/instrument: the score route lists the items that apply and the answers it
// dropped), the score and suggestion update as the worker answers, the published
// accuracy is shown, and the worker's own judgement is required before the screening
// is saved.
import { api, t, lang, fmtDate, route, go, formField, watchUnsaved, markSaved, notify, messages, errorText, h, tx, vocab, formError, formMessage, clear, apiError } from '../core.js';
import { countryField, pickerReady } from '../picker.js';

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
  // no heading of its own: the case page's section above it says "Screenings"
  const box = h('div', { class: 'screenings' });
  if (r.status !== 200) {
    box.appendChild(h('p', { role: 'alert', class: 'error' }, apiError(r).message));
  } else if (!(r.data.screenings || []).length) {
    box.appendChild(h('p', {}, t('scr.none')));
  } else {
    box.appendChild(h('table', { class: 'list' },
      h('thead', {}, h('tr', {},
        ['scr.col_n', 'scr.col_instrument', 'scr.col_date', 'scr.col_result', 'scr.col_state', 'scr.col_by']
          .map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, r.data.screenings.map((s) => h('tr', { 'data-n': s.n },
        h('td', {}, s.n),
        h('td', {}, tx(titles[s.instrument]) || s.instrument),
        h('td', {}, fmtDate(s.administered_on)),
        h('td', {}, resultText(s.result && s.result.result)),
        h('td', {}, s.final ? t('scr.final') : t('scr.draft')),
        h('td', {}, s.administered_by || ''))))));
  }
  // New screening: pick an instrument, then the form page.
  const pick = h('select', {}, list.map((i) => h('option', { value: i.id }, tx(i.title))));
  const form = h('form', { class: 'new-screening' },
    formField('instrument', 'scr.pick_instrument', pick),
    h('button', { type: 'submit', 'data-action': 'new-screening' }, t('scr.new')));
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
  return h('fieldset', { class: 'choices' },
    h('legend', { id: `q-${item.id}-text` }, tx(item.text)),
    [...choices, none].map((c, k) => {
      const id = `f-${item.id}-${k}`;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', id, name: item.id, value: c.value, checked: c.value === '' }),
        h('label', { for: id }, c.text));
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
      return h('fieldset', { class: 'checks' },
        h('legend', {}, tx(item.text)),
        item.options.map((o, k) => {
          const id = `f-${item.id}-${k}`;
          return h('div', { class: 'check' },
            h('input', { type: 'checkbox', id, name: item.id, value: o.value }),
            h('label', { for: id }, tx(o.label)));
        }));
    case 'number':
      return h('div', { class: 'field' },
        h('label', { for: `f-${item.id}` }, tx(item.text)),
        h('input', { type: 'number', id: `f-${item.id}`, name: item.id, min: item.min, max: item.max, step: 1, inputmode: 'numeric' }));
    case 'country':
      return countryField(voc, tx(item.text), '', item.id); // by name, type-ahead (picker.js)
    default: // text
      return h('div', { class: 'field' },
        h('label', { for: `f-${item.id}` }, tx(item.text)),
        h('textarea', { id: `f-${item.id}`, name: item.id, maxlength: item.max_length || 2000, rows: 3 }));
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
    default: { // a picker (country) answers its code
      const v = inputs[0].dataset.code !== undefined ? inputs[0].dataset.code : inputs[0].value;
      return v.trim() === '' ? null : v;
    }
  }
}

function clearAnswer(form, item) {
  form.querySelectorAll(`[name="${item.id}"]`).forEach((i) => {
    if (i.type === 'radio') i.checked = i.value === '';
    else if (i.type === 'checkbox') i.checked = false;
    else if (i.closest('.picker')) i.closest('.picker').pickerSet('');
    else i.value = '';
  });
}

// ---- the live result --------------------------------------------------------------------

function renderResult(out, def, res) {
  clear(out);
  const parts = [h('p', { class: `result result-${res.result}` }, h('strong', {}, t('scr.result')), ' ', resultText(res.result))];
  if (res.total !== undefined) parts.push(h('p', {}, t('scr.total', { total: res.total, max: res.max })));
  if (res.sections) {
    parts.push(h('ul', { class: 'sections' }, (def.sections || []).filter((s) => res.sections[s.id] && res.sections[s.id].applicable && s.max > 0)
      .map((s) => h('li', {}, `${tx(s.title)}: ${res.sections[s.id].score} / ${res.sections[s.id].max}`))));
  }
  if (res.reading) parts.push(h('p', { class: 'reading' }, tx(res.reading)));
  if (res.suggested && res.suggested.length) {
    const labels = {};
    (def.suggest || []).forEach((s) => { labels[s.value] = s.label; });
    parts.push(h('p', {}, h('strong', {}, t('scr.suggested'))));
    parts.push(h('ul', { class: 'suggested' }, res.suggested.map((v) => h('li', {}, labels[v] ? tx(labels[v]) : t('scr.suggest_none')))));
  }
  if (res.indicators) parts.push(h('p', {}, t('scr.indicators', { n: res.indicators.length })));
  if (res.unanswered && res.unanswered.length) parts.push(h('p', {}, t('scr.unanswered', { n: res.unanswered.length })));
  if (res.needs && res.needs.length) parts.push(h('p', {}, t('scr.needs', { n: res.needs.length })));
  if (res.final === false) parts.push(h('p', { class: 'awaiting' }, t('scr.awaiting')));
  parts.push(h('p', { class: 'note' }, t('scr.not_diagnosis')));
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
  const [def, voc] = await Promise.all([definition(params.id), vocab(), pickerReady]);
  if (!def) {
    container.appendChild(h('h1', { id: 'page-title' }, t('scr.not_found')));
    return;
  }
  const judgementRequired = Array.isArray(def.final_requires) && def.final_requires.length > 0;
  const out = h('output', { id: 'score-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'screening', novalidate: 'novalidate' });
  const secTitle = {};
  (def.sections || []).forEach((s) => { secTitle[s.id] = s; });

  // Mode and language of administration.
  form.appendChild(formField('mode', 'scr.mode', h('select', {},
    h('option', { value: 'interviewer' }, t('scr.mode_interviewer')),
    h('option', { value: 'self' }, t('scr.mode_self')))));
  form.appendChild(formField('language', 'scr.language', h('select', {},
    ['kk', 'ru', 'en'].map((l) => h('option', { value: l, selected: l === lang() }, t(`scr.lang_${l}`))))));
  if (def.intro) form.appendChild(h('div', { class: 'intro' }, h('h2', {}, t('scr.intro')), h('p', {}, tx(def.intro))));

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
    const box = h('section', { class: 'item-group', 'data-section': g.key },
      title ? h('h2', {}, title) : null,
      secTitle[g.key] && secTitle[g.key].erratum ? h('p', { class: 'erratum' }, tx(secTitle[g.key].erratum)) : null,
      g.items.map((it) => h('div', { class: `item item-${it.type}`, 'data-item': it.id },
        itemInput(it, voc),
        it.note ? h('details', { class: 'item-note' }, h('summary', {}, t('scr.note')), h('p', {}, tx(it.note))) : null)));
    if (secTitle[g.key]) sectionBoxes[g.key] = box;
    form.appendChild(box);
  });

  let confirm = null;
  if (!judgementRequired) {
    confirm = h('input', { type: 'checkbox', id: 'f-own_judgement', name: 'own_judgement', required: true });
    form.appendChild(h('div', { class: 'field check own-judgement' }, confirm,
      h('label', { for: 'f-own_judgement' }, t('scr.own_judgement'))));
  }
  form.appendChild(h('button', { type: 'submit', 'data-action': 'save-screening' }, t('scr.save')));

  // Branching: every answer on the form goes to the score route, which answers with the
  // items that apply and the answers it dropped (their inputs are cleared). Until an
  // answer arrives the items shown stay as they are (no flicker); a failure keeps every
  // answer and says so. Choices are scored at once, typing after a short pause.
  const byId = {};
  def.items.forEach((it) => { byId[it.id] = it; });
  let answers = {}; // the answers of the items shown, as last scored
  let edits = 0;
  let seq = 0;
  let timer = null;
  let failed = null; // the api() answer of the last failed scoring
  function readAll() {
    const raw = {};
    def.items.forEach((it) => {
      const v = readAnswer(form, it);
      if (v !== null) raw[it.id] = v;
    });
    return raw;
  }
  function showApplying(res) {
    const applies = new Set(res.applies || []);
    def.items.forEach((it) => {
      form.querySelector(`[data-item="${it.id}"]`).hidden = !applies.has(it.id);
    });
    (res.dropped || []).forEach((id) => { if (byId[id]) clearAnswer(form, byId[id]); });
    Object.values(sectionBoxes).forEach((box) => {
      box.hidden = !Array.from(box.querySelectorAll('[data-item]')).some((b) => !b.hidden);
    });
    form.querySelectorAll('[data-item].invalid').forEach((b) => b.classList.remove('invalid'));
  }
  function showFailure(r) {
    const err = apiError(r);
    const item = err.field && err.field.startsWith('answers.') ? form.querySelector(`[data-item="${err.field.slice(8)}"]`) : null;
    if (item) item.classList.add('invalid');
    const reason = item ? t('scr.answer_invalid') : errorText({ error: err });
    clear(out);
    out.appendChild(h('div', { class: 'error', role: 'alert' },
      h('p', {}, t('scr.score_failed', { reason })),
      h('button', { type: 'button', 'data-action': 'retry-score', on: { click: () => score() } }, t('scr.score_retry'))));
  }
  // Scores what the form holds now. Returns the result, or null when it failed or a
  // newer change is on its way.
  async function score() {
    clearTimeout(timer);
    timer = null;
    const mine = ++seq;
    const at = edits;
    const sent = readAll();
    out.setAttribute('aria-busy', 'true');
    const r = await api('POST', `/api/v1/instruments/${encodeURIComponent(def.id)}/score?version=${def.version}`,
      { answers: sent, drop_inapplicable: true });
    if (mine !== seq) return null; // a newer scoring is on its way
    out.removeAttribute('aria-busy');
    if (r.status !== 200) {
      failed = r;
      showFailure(r);
      return null;
    }
    failed = null;
    if (at !== edits) return null; // the form changed meanwhile: its own scoring follows
    const dropped = new Set(r.data.dropped || []);
    answers = {};
    Object.entries(sent).forEach(([id, v]) => { if (!dropped.has(id)) answers[id] = v; });
    showApplying(r.data);
    renderResult(out, def, r.data);
    return r.data;
  }
  function changed(delay) {
    edits++;
    clearTimeout(timer);
    timer = setTimeout(score, delay);
  }
  const typed = (el) => el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && el.type !== 'radio' && el.type !== 'checkbox');
  form.addEventListener('input', (e) => { if (typed(e.target)) changed(350); });
  form.addEventListener('change', () => changed(0));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (confirm && !confirm.checked) {
      formMessage(form, t('scr.own_judgement_needed'), 'own_judgement');
      return;
    }
    const last = await score();
    if (!last) {
      // a wrong answer is named on its item, as the save would; any other failure is said
      if (failed && failed.status === 400) formError(form, failed);
      else if (failed) formMessage(form, t('scr.not_saved_score', { reason: errorText({ error: apiError(failed) }) }), null);
      return;
    }
    if (judgementRequired && last.final !== true) {
      const missing = last.awaiting || def.final_requires;
      formMessage(form, t('scr.judgement_needed'), missing[0]);
      return;
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

  // the items show once the server has said which apply
  def.items.forEach((it) => { form.querySelector(`[data-item="${it.id}"]`).hidden = true; });
  Object.values(sectionBoxes).forEach((box) => { box.hidden = true; });
  await score();

  container.appendChild(h('p', { class: 'back' }, h('a', { href: `#/case/${code}` }, t('scr.back'))));
  container.appendChild(h('h1', { id: 'page-title' }, tx(def.title)));
  container.appendChild(h('p', { class: 'population' }, h('strong', {}, t('scr.population')), ' ', tx(def.population)));
  container.appendChild(h('p', { id: 'accuracy' }, accuracyText(def)));
  container.appendChild(h('div', { class: 'screening-layout' }, form,
    h('aside', { class: 'live', 'aria-labelledby': 'live-title' }, h('h2', { id: 'live-title' }, t('scr.live')), out)));
  watchUnsaved(form);
}

route('#/case/:code/screening/:id', screeningPage);
