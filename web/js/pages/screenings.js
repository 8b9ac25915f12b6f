// screenings.js — a case's screenings (mounted by the case page through
// mountScreenings) and the screening form '#/case/:code/screening/:id', built from the
// instrument's definition: which items show is the server's answer (the one rule engine
// of src/core/instrument: the score route lists the items that apply and the answers it
// dropped), the score and suggestion update as the worker answers, the published
// accuracy is shown, and the worker's own judgement is required before the screening
// is saved.
import { api, t, lang, fmtDate, route, go, formField, watchUnsaved, markSaved, notify, messages, errorText, h, tx, vocab, formError, formMessage, clear, apiError, session } from '../core.js';
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
    box.appendChild(h('p', { role: 'alert', class: 'error' }, errorText(r.data)));
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

// ---- texts in the screening language ----------------------------------------------------

// The questions, their choices, notes and the intro are in the screening language (the
// language the child is asked in), which may differ from the interface language: every
// such text is bound to its source, a {kk, ru, en} object or a message key of this
// module, and drawn again when the screening language changes. A text missing in that
// language is shown in another one, marked, and counted for the page's notice.
let allMessages = null;
async function moduleMessages() {
  if (!allMessages) {
    allMessages = await fetch(`/i18n/${M}.json`, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  }
  return allMessages;
}

function binder(all) {
  const bound = [];
  let l = lang();
  function pick(src) {
    if (src.key) {
      const c = all[l] || {};
      return c[src.key] !== undefined ? { text: c[src.key], shown: l } : { text: t(src.key), shown: lang() };
    }
    const o = src.obj || {};
    if (o[l]) return { text: o[l], shown: l };
    const other = ['kk', 'ru', 'en'].find((x) => o[x]);
    return { text: other ? o[other] : '', shown: other || l };
  }
  function draw(el, src) {
    const { text, shown } = pick(src);
    el.textContent = src.fill ? src.fill(text) : text;
    el.lang = shown;
    el.classList.toggle('lang-missing', shown !== l);
    if (shown !== l) {
      el.append(' ', h('span', { class: 'lang-gap', lang: lang() },
        t('scr.lang_gap', { missing: t(`scr.lang_${l}`), shown: t(`scr.lang_${shown}`) })));
    }
    return shown === l;
  }
  return {
    // An element tag with attrs whose text is src ({obj, fill} or {key}).
    text(tag, attrs, src) {
      const el = h(tag, attrs);
      bound.push([el, src]);
      draw(el, src);
      return el;
    },
    // Switches to language nl; returns how many texts are missing in it.
    set(nl) {
      l = nl;
      return bound.reduce((n, [el, src]) => n + (draw(el, src) ? 0 : 1), 0);
    },
    lang: () => l,
  };
}

// ---- one item's input -------------------------------------------------------------------

// Radio buttons in a radiogroup whose legend is the question (or, for a rating, what is
// rated); every choice has a visible label.
function radios(b, item, legend, choices, attrs) {
  return h('fieldset', Object.assign({ class: 'choices', role: 'radiogroup' }, attrs || {}),
    b.text('legend', { id: `q-${item.id}-legend` }, legend),
    [...choices, { value: '', src: { key: 'scr.no_answer' } }].map((c, k) => {
      const id = `f-${item.id}-${k}`;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', id, name: item.id, value: c.value, checked: c.value === '' }),
        b.text('label', { for: id }, c.src));
    }));
}

// A rating: the question, the interviewer's note, then the points of its scale, each
// with its meaning ("0 — no evidence"), and the scale's hint.
function ratingInput(b, def, item) {
  const min = item.min === undefined ? 0 : item.min, max = item.max === undefined ? 3 : item.max;
  const scale = item.scale && def.scales ? def.scales[item.scale] : null;
  const meaning = {};
  if (scale) scale.points.forEach((p) => { meaning[p.value] = p.label; });
  const cs = [];
  for (let v = min; v <= max; v++) {
    cs.push({ value: String(v), src: meaning[v] ? { obj: meaning[v], fill: (x) => `${v} — ${x}` } : { obj: { kk: String(v), ru: String(v), en: String(v) } } });
  }
  if (!item.rates) {
    return [radios(b, item, { obj: item.text }, cs, { class: 'choices scale' }), noteOf(b, item),
      scale && scale.hint ? b.text('p', { class: 'hint' }, { obj: scale.hint }) : null];
  }
  return [
    b.text('p', { class: 'question', id: `q-${item.id}-text` }, { obj: item.text }),
    noteOf(b, item),
    radios(b, item, { obj: item.rates }, cs, { class: 'choices scale', 'aria-describedby': `q-${item.id}-text` }),
    scale && scale.hint ? b.text('p', { class: 'hint' }, { obj: scale.hint }) : null,
  ];
}

function noteOf(b, item) {
  return item.note ? h('details', { class: 'item-note' }, h('summary', {}, t('scr.note')), b.text('p', {}, { obj: item.note })) : null;
}

function itemInput(b, def, item, voc) {
  switch (item.type) {
    case 'yesno':
      return [radios(b, item, { obj: item.text }, [{ value: 'yes', src: { key: 'scr.yes' } }, { value: 'no', src: { key: 'scr.no' } }]), noteOf(b, item)];
    case 'rating':
      return ratingInput(b, def, item);
    case 'choice':
      return [radios(b, item, { obj: item.text }, item.options.map((o) => ({ value: o.value, src: { obj: o.label } }))), noteOf(b, item)];
    case 'multichoice':
      return [h('fieldset', { class: 'checks' },
        b.text('legend', {}, { obj: item.text }),
        item.options.map((o, k) => {
          const id = `f-${item.id}-${k}`;
          return h('div', { class: 'check' },
            h('input', { type: 'checkbox', id, name: item.id, value: o.value }),
            b.text('label', { for: id }, { obj: o.label }));
        })), noteOf(b, item)];
    case 'number':
      return [h('div', { class: 'field' },
        b.text('label', { for: `f-${item.id}` }, { obj: item.text }),
        h('input', { type: 'number', id: `f-${item.id}`, name: item.id, min: item.min, max: item.max, step: 1, inputmode: 'numeric' })), noteOf(b, item)];
    case 'country':
      { // by name, type-ahead (picker.js); the visible label follows the screening language
        const f = countryField(voc, tx(item.text), '', item.id);
        const lab = f.querySelector('label');
        if (lab) lab.replaceWith(b.text('label', { for: lab.htmlFor }, { obj: item.text }));
        return [f, noteOf(b, item)];
      }
    default: // text
      return [h('div', { class: 'field' },
        b.text('label', { for: `f-${item.id}` }, { obj: item.text }),
        h('textarea', { id: `f-${item.id}`, name: item.id, maxlength: item.max_length || 2000, rows: 3 })), noteOf(b, item)];
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

// The first words of an item's question in the interface language, for lists.
function shortText(item) {
  const x = tx(item.text).replace(/\s+/g, ' ').trim();
  return x.length > 70 ? `${x.slice(0, 67).trimEnd()}…` : x;
}

// What is not asked now: sections none of whose items apply (by title) and single items
// that do not apply (by the start of their question).
function notApplying(def, res) {
  const applies = new Set(res.applies || []);
  const secs = (def.sections || []).filter((s) => {
    const its = def.items.filter((it) => it.section === s.id);
    return its.length && its.every((it) => !applies.has(it.id));
  });
  const whole = new Set(secs.map((s) => s.id));
  const single = def.items.filter((it) => !applies.has(it.id) && !whole.has(it.section));
  return [...secs.map((s) => tx(s.title)), ...single.map(shortText)];
}

function summaryText(res) {
  const parts = [`${t('scr.result')} ${resultText(res.result)}`];
  if (res.total !== undefined) parts.push(t('scr.total', { total: res.total, max: res.max }));
  return parts.join(' · ');
}

function renderResult(out, def, res, removed) {
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
  const gone = def.items.filter((it) => removed.has(it.id));
  if (gone.length) {
    parts.push(h('div', { class: 'dropped' }, h('p', {}, h('strong', {}, t('scr.dropped'))),
      h('ul', {}, gone.map((it) => h('li', { 'data-dropped': it.id }, shortText(it))))));
  }
  const skipped = notApplying(def, res);
  if (skipped.length) {
    parts.push(h('details', { class: 'not-applying' }, h('summary', {}, t('scr.not_applying', { n: skipped.length })),
      h('ul', {}, skipped.map((x) => h('li', {}, x)))));
  }
  if (res.final === false) parts.push(h('p', { class: 'awaiting' }, t('scr.awaiting')));
  parts.push(h('p', { class: 'note' }, t('scr.not_diagnosis')));
  parts.forEach((p) => out.appendChild(p));
}

function accuracyText(def) {
  const a = def.accuracy;
  // "a list of signs, not a validated screen" is said of checklists only
  if (!a) return t(def.kind === 'checklist' ? 'scr.no_accuracy' : 'scr.no_accuracy_tool');
  const pct = (x) => `${Math.round(x * 1000) / 10}%`;
  const text = `${t('scr.accuracy', { sensitivity: pct(a.sensitivity), specificity: pct(a.specificity) })} ${tx(a.population)}`;
  // the citation as published, in English: marked so (WCAG 3.1.2)
  return a.citation ? [text, ' (', h('span', { lang: 'en' }, a.citation), ')'] : text;
}

// "About this instrument": where it comes from and the manual's errata with what is used
// instead and why, collapsed: the manual's line references are here, not in the questions.
function aboutSection(def) {
  const src = def.source || {};
  const errata = (def.about && def.about.errata) || [];
  return h('details', { class: 'about', id: 'about' },
    h('summary', {}, t('scr.about')),
    // the citation is as published (in English): marked so, for screen readers (WCAG 3.1.2)
    h('p', {}, h('strong', {}, t('scr.about_source')), ' ', src.citation ? h('span', { lang: 'en' }, src.citation) : ''),
    h('p', {}, h('strong', {}, t('scr.about_lines')), ' ', src.manual_lines || ''),
    src.note ? h('p', {}, tx(src.note)) : null,
    errata.length ? [h('h3', {}, t('scr.errata')),
      h('ul', { class: 'errata' }, errata.map((e) => h('li', { 'data-lines': e.manual_lines },
        h('p', {}, h('strong', {}, t('scr.erratum_manual', { lines: e.manual_lines })), ' ', tx(e.manual)),
        h('p', {}, h('strong', {}, t('scr.erratum_used')), ' ', tx(e.used)),
        h('p', {}, h('strong', {}, t('scr.erratum_why')), ' ', tx(e.why)))))] : null);
}

// The name of the user's organisation, for "{org}" in the intro; '' when unknown.
async function orgName() {
  const me = session() || {};
  const r = await api('GET', '/api/v1/orgs');
  const o = r.status === 200 ? (r.data.orgs || []).find((x) => x.id === me.org_id) : null;
  return o ? o.name : '';
}

function fillOrg(text, name) {
  if (name) return text.replace(/\{org\}/g, name);
  return text.replace(/\s*\(«?\{org\}»?\)/g, '').replace(/\{org\}/g, '');
}

// ---- the form page ----------------------------------------------------------------------

async function screeningPage(container, params) {
  await messages(M);
  const code = params.code;
  const [def, voc, all, org] = await Promise.all([definition(params.id), vocab(), moduleMessages(), orgName(), pickerReady]);
  if (!def) {
    container.appendChild(h('h1', { id: 'page-title' }, t('scr.not_found')));
    return;
  }
  const b = binder(all);
  const judgementRequired = Array.isArray(def.final_requires) && def.final_requires.length > 0;
  const out = h('div', { id: 'score-result' });
  const summary = h('p', { class: 'live-summary', id: 'live-summary', role: 'status', 'aria-live': 'polite' });
  // The live result's details: always open beside the questions on a wide screen; under
  // the compact bar of a narrow one they fold open on demand (and on a failure, to show
  // the way to try again).
  const narrow = window.matchMedia ? window.matchMedia('(max-width: 40rem)') : { matches: false };
  const more = h('details', { class: 'live-more', open: !narrow.matches }, h('summary', {}, t('scr.live_details')), out);
  if (narrow.addEventListener) narrow.addEventListener('change', () => { more.open = !narrow.matches; });
  const form = h('form', { class: 'screening', novalidate: 'novalidate' });
  const secTitle = {};
  (def.sections || []).forEach((s) => { secTitle[s.id] = s; });

  // Mode and language of administration; the language is the questions' language.
  form.appendChild(formField('mode', 'scr.mode', h('select', {},
    h('option', { value: 'interviewer' }, t('scr.mode_interviewer')),
    h('option', { value: 'self' }, t('scr.mode_self')))));
  const langSelect = h('select', {},
    ['kk', 'ru', 'en'].map((l) => h('option', { value: l, selected: l === lang() }, t(`scr.lang_${l}`))));
  form.appendChild(formField('language', 'scr.language', langSelect, 'scr.language_hint'));
  const gapNotice = h('p', { class: 'warning', id: 'lang-gaps', role: 'status', hidden: true });
  form.appendChild(gapNotice);
  const questions = h('div', { class: 'questions', id: 'questions' });
  form.appendChild(questions);
  if (def.intro) {
    questions.appendChild(h('div', { class: 'intro' }, h('h2', {}, t('scr.intro')),
      b.text('p', {}, { obj: def.intro, fill: (x) => fillOrg(x, org) })));
  }

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
    if (g.key === '#judgement') title = h('h2', {}, t('scr.judgement_section'));
    else if (secTitle[g.key]) title = b.text('h2', {}, { obj: secTitle[g.key].title });
    const box = h('section', { class: 'item-group', 'data-section': g.key }, title,
      g.items.map((it) => h('div', { class: `item item-${it.type}`, 'data-item': it.id }, itemInput(b, def, it, voc))));
    if (secTitle[g.key]) sectionBoxes[g.key] = box;
    questions.appendChild(box);
  });
  function showLanguage() {
    const missing = b.set(langSelect.value);
    questions.lang = langSelect.value;
    gapNotice.hidden = missing === 0;
    gapNotice.textContent = missing ? t('scr.lang_gaps', { n: missing, missing: t(`scr.lang_${langSelect.value}`) }) : '';
  }
  langSelect.addEventListener('change', (e) => {
    e.stopPropagation(); // not an answer: nothing to score
    showLanguage();
  });
  showLanguage();

  let confirm = null;
  if (!judgementRequired) {
    confirm = h('input', { type: 'checkbox', id: 'f-own_judgement', name: 'own_judgement', required: true });
    form.appendChild(h('div', { class: 'field check own-judgement' }, confirm,
      h('label', { for: 'f-own_judgement' }, t('scr.own_judgement'))));
  }
  form.appendChild(h('button', { type: 'submit', class: 'primary', 'data-action': 'save-screening' }, t('scr.save')));

  // Branching: every answer on the form goes to the score route, which answers with the
  // items that apply and the answers it dropped (their inputs are cleared and listed
  // beside the result until their question applies again). Until an answer arrives the
  // items shown stay as they are (no flicker); a failure keeps every answer and says so.
  // Choices are scored at once, typing after a short pause.
  const byId = {};
  def.items.forEach((it) => { byId[it.id] = it; });
  let answers = {}; // the answers of the items shown, as last scored
  const removed = new Set(); // answers dropped because their question stopped applying
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
      if (applies.has(it.id)) removed.delete(it.id);
    });
    (res.dropped || []).forEach((id) => {
      if (byId[id]) {
        clearAnswer(form, byId[id]);
        removed.add(id);
      }
    });
    Object.values(sectionBoxes).forEach((box) => {
      box.hidden = !Array.from(box.querySelectorAll('[data-item]')).some((x) => !x.hidden);
    });
    form.querySelectorAll('[data-item].invalid').forEach((x) => x.classList.remove('invalid'));
  }
  function showFailure(r) {
    const err = apiError(r);
    const item = err.field && err.field.startsWith('answers.') ? form.querySelector(`[data-item="${err.field.slice(8)}"]`) : null;
    if (item) item.classList.add('invalid');
    const reason = item ? t('scr.answer_invalid') : errorText({ error: err });
    clear(out);
    more.open = true;
    summary.textContent = t('scr.score_failed', { reason });
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
    summary.textContent = summaryText(r.data);
    renderResult(out, def, r.data, removed);
    return r.data;
  }
  function changed(delay) {
    edits++;
    clearTimeout(timer);
    timer = setTimeout(score, delay);
  }
  const typed = (el) => el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && el.type !== 'radio' && el.type !== 'checkbox');
  form.addEventListener('input', (e) => { if (typed(e.target)) changed(350); });
  form.addEventListener('change', (e) => { if (e.target.name !== 'mode') changed(0); });

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
      language: langSelect.value,
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

  // The live result beside the questions: a side panel on a wide screen, a compact bar
  // at the bottom of a narrow one.
  container.appendChild(h('p', { class: 'back' }, h('a', { href: `#/case/${code}` }, t('scr.back'))));
  container.appendChild(h('h1', { id: 'page-title' }, tx(def.title)));
  container.appendChild(h('p', { class: 'population' }, h('strong', {}, t('scr.population')), ' ', tx(def.population)));
  container.appendChild(h('p', { id: 'accuracy' }, accuracyText(def)));
  container.appendChild(aboutSection(def));
  container.appendChild(h('div', { class: 'screening-layout' }, form,
    h('aside', { class: 'live', id: 'live', 'aria-labelledby': 'live-title' },
      h('h2', { id: 'live-title' }, t('scr.live')), summary, more)));
  watchUnsaved(form);
}

route('#/case/:code/screening/:id', screeningPage);
