// picker.js — one accessible picker for long lists: a text box with a list of choices
// that narrows as the user types (the WAI-ARIA 1.2 combobox pattern: role=combobox on the
// input, a role=listbox popup, aria-activedescendant; keyboard: Down/Up move, Enter
// chooses, Esc closes, Alt+Down opens; a click or tap chooses). The visible input carries
// the field's name and the chosen code(s) in data-code, which core.js's formValues()
// reads instead of the text shown, so a form sends "KG" while the user reads
// "Қырғызстан". A multiple picker shows the chosen items as removable chips and sends
// "kk,ru". Built on it: countryPicker(), languagePicker() and userPicker().
import { api, h, lang, messages, t, vocab } from './core.js';

const ready = messages('picker');
let serial = 0;

// Kazakh letters as the Russian ones people type without a Kazakh keyboard.
const PLAIN = { 'ә': 'а', 'ғ': 'г', 'қ': 'к', 'ң': 'н', 'ө': 'о', 'ұ': 'у', 'ү': 'у', 'һ': 'х', 'і': 'и', 'ё': 'е' };

// The text used to match what the user typed: lower case, Kazakh letters and ё as the
// plain Russian ones (so "Казак" finds Қазақстан), no extra spaces.
function fold(s) {
  return String(s || '').toLocaleLowerCase(lang()).replace(/[әғқңөұүһіё]/g, (c) => PLAIN[c]).replace(/\s+/g, ' ').trim();
}

// The options, common ones first in their order, then the rest alphabetically in the
// interface language. options: [{value, label, hint?, common?}].
function ordered(options) {
  const coll = new Intl.Collator([lang(), 'ru', 'en'], { sensitivity: 'base' });
  const common = options.filter((o) => o.common);
  const rest = options.filter((o) => !o.common).sort((a, b) => coll.compare(a.label, b.label));
  return common.concat(rest);
}

// Those of options whose label (or hint, or code) matches query: words starting with it
// first, then labels that merely contain it or the option's names in the other
// languages (alt: a Russian speaker's "Кыргыз" finds Киргизия); all for an empty query.
function matching(options, query) {
  const q = fold(query);
  if (!q) return options;
  const starts = [];
  const inside = [];
  for (const o of options) {
    const l = fold(o.label);
    if (l.startsWith(q) || l.split(/[\s(,;-]+/).some((w) => w.startsWith(q)) || fold(o.value) === q) starts.push(o);
    else if (l.includes(q) || fold(o.hint).includes(q) || fold(o.alt).includes(q)) inside.push(o);
  }
  return starts.concat(inside);
}

// A labelled picker field, like core.js formField(): {name, label (text), hint (text),
// options, value (a code, or an array of codes when multiple), multiple, required,
// cls (an extra class for the input), onChange(value)}. Answers the .field element;
// el.pickerValue() gives the chosen code (or array), el.pickerSet(v) sets it.
export function pickerField(opts) {
  const n = ++serial;
  const id = `pk-${opts.name.replace(/[^\w-]/g, '-')}-${n}`;
  const listId = id + '-list';
  const options = ordered(opts.options || []);
  const byValue = new Map(options.map((o) => [String(o.value), o]));
  const multiple = !!opts.multiple;
  let chosen = multiple ? (opts.value || []).map(String) : (opts.value === undefined || opts.value === null ? '' : String(opts.value));
  let shown = [];
  let active = -1;

  const input = h('input', {
    type: 'text', id, name: opts.name, role: 'combobox', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId, class: opts.cls || null,
    required: opts.required || null,
  });
  const list = h('ul', { role: 'listbox', id: listId, class: 'picker-list', hidden: true, tabindex: '-1', 'aria-label': opts.label });
  if (multiple) list.setAttribute('aria-multiselectable', 'true');
  const status = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  const chips = h('ul', { class: 'chips', 'aria-label': opts.label });
  const toggle = h('button', { type: 'button', class: 'picker-toggle', tabindex: '-1', 'aria-label': t('picker.show_all'), 'aria-controls': listId, 'aria-expanded': 'false' }, '▾');

  const labelOf = (v) => (byValue.get(String(v)) ? byValue.get(String(v)).label : String(v));
  const code = () => (multiple ? chosen.join(',') : chosen);

  function sync() {
    input.dataset.code = code();
    if (!multiple) {
      input.value = chosen ? labelOf(chosen) : '';
      return;
    }
    chips.replaceChildren(...chosen.map((v) => h('li', { class: 'chip', 'data-code': v },
      h('span', {}, labelOf(v)),
      h('button', { type: 'button', class: 'chip-remove', 'aria-label': t('picker.remove', { name: labelOf(v) }), 'data-action': 'remove-' + v, on: { click: () => {
        chosen = chosen.filter((x) => x !== v);
        changed();
        input.focus();
      } } }, '×'))));
    chips.hidden = chosen.length === 0;
  }

  function changed() {
    sync();
    if (list.hidden === false) draw(multiple ? input.value : '');
    input.dispatchEvent(new Event('change', { bubbles: true }));
    if (opts.onChange) opts.onChange(multiple ? chosen.slice() : chosen);
  }

  function setActive(i) {
    const items = list.children;
    if (active >= 0 && items[active]) items[active].classList.remove('active');
    active = i;
    if (i >= 0 && items[i]) {
      items[i].classList.add('active');
      input.setAttribute('aria-activedescendant', items[i].id);
      items[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }

  function draw(query) {
    shown = matching(options, query);
    const firstRest = shown.findIndex((o) => !o.common);
    list.replaceChildren(...shown.map((o, i) => {
      const sel = multiple ? chosen.includes(String(o.value)) : String(o.value) === chosen;
      return h('li', { role: 'option', id: `${id}-o${i}`, 'aria-selected': sel ? 'true' : 'false', 'data-value': String(o.value),
        class: (o.common ? 'common' : '') + (i === firstRest && i > 0 && !query ? ' after-common' : ''),
        on: { mousedown: (ev) => ev.preventDefault(), click: () => choose(o) } },
      h('span', { class: 'picker-label' }, o.label), o.hint ? h('span', { class: 'picker-hint' }, o.hint) : null);
    }));
    if (!shown.length) list.append(h('li', { class: 'picker-none', role: 'presentation' }, t('picker.none')));
    active = -1;
    input.removeAttribute('aria-activedescendant');
    status.textContent = query ? t('picker.count', { n: shown.length }) : '';
  }

  function open(query) {
    draw(query);
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    toggle.setAttribute('aria-expanded', 'true');
  }

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-expanded', 'false');
    setActive(-1);
  }

  function choose(o) {
    const v = String(o.value);
    if (multiple) {
      chosen = chosen.includes(v) ? chosen.filter((x) => x !== v) : chosen.concat([v]);
      input.value = '';
      changed();
      draw('');
    } else {
      chosen = v;
      close();
      changed();
    }
  }

  // Leaving the box: a single picker keeps a choice only when the text names one (an
  // emptied box clears it; an unknown text returns to the choice made before).
  function settle() {
    close();
    if (multiple) {
      input.value = '';
      return;
    }
    const text = input.value.trim();
    if (!text) {
      if (chosen !== '') {
        chosen = '';
        changed();
      }
      return;
    }
    if (chosen && text === labelOf(chosen)) return;
    const exact = options.find((o) => fold(o.label) === fold(text));
    if (exact) {
      chosen = String(exact.value);
      changed();
    } else sync();
  }

  input.addEventListener('input', () => open(input.value));
  input.addEventListener('keydown', (ev) => {
    const openNow = !list.hidden;
    const count = shown.length;
    if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      if (!openNow) open(multiple ? input.value : '');
      if (!ev.altKey && shown.length) setActive(Math.min(active + 1, shown.length - 1));
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (!openNow) open(multiple ? input.value : '');
      if (shown.length) setActive(active <= 0 ? shown.length - 1 : active - 1);
    } else if (ev.key === 'Enter') {
      if (openNow && active >= 0 && active < count) {
        ev.preventDefault();
        choose(shown[active]);
      } else if (openNow && count === 1) {
        ev.preventDefault();
        choose(shown[0]);
      }
    } else if (ev.key === 'Escape') {
      if (openNow) {
        ev.preventDefault();
        ev.stopPropagation();
        close();
        if (!multiple) sync();
      } else if (multiple ? input.value : input.value && !chosen) {
        input.value = '';
      }
    } else if (ev.key === 'Backspace' && multiple && !input.value && chosen.length) {
      chosen = chosen.slice(0, -1);
      changed();
    } else if (ev.key === 'Tab' && openNow) {
      settle();
    }
  });
  input.addEventListener('blur', () => settle());
  input.addEventListener('click', () => {
    if (list.hidden) open(multiple ? input.value : '');
  });
  toggle.addEventListener('mousedown', (ev) => ev.preventDefault());
  toggle.addEventListener('click', () => {
    if (list.hidden) {
      open(multiple ? input.value : '');
      input.focus();
    } else close();
  });

  sync();
  const parts = [h('label', { for: id }, opts.label)];
  if (opts.hint) {
    const hint = h('p', { class: 'hint', id: id + '-hint' }, opts.hint);
    input.setAttribute('aria-describedby', hint.id);
    parts.push(hint);
  }
  if (multiple) parts.push(chips);
  parts.push(h('div', { class: 'picker-box' + (opts.cls ? ' ' + opts.cls : '') }, input, toggle, list), status,
    h('p', { class: 'msg', id: id + '-msg' }));
  const field = h('div', { class: 'field picker' + (multiple ? ' multiple' : ''), 'data-field': opts.name }, parts);
  field.pickerValue = () => (multiple ? chosen.slice() : chosen);
  field.pickerSet = (v) => {
    chosen = multiple ? (v || []).map(String) : (v === null || v === undefined ? '' : String(v));
    sync();
  };
  return field;
}

// The label of a code-list entry in the interface language: the entry's own (from
// iso-codes); for the common languages the message catalogue's name; a country iso-codes
// does not name in the language, the browser's name for it; a language iso-codes does not
// name in Kazakh, its Russian name (Kazakhstan's other official language); else English.
function entryLabel(list, e) {
  const l = lang();
  if (list === 'language') {
    const key = 'picker.lang.' + e.code;
    if (e.extra === 'common') return t(key);
    if (l === 'kk') return e.ru || e.en;
  }
  // a name iso-codes lacks comes as the English one (tools/isogen.c): the browser's own
  // name in the page's language is better
  if ((!e[l] || (l !== 'en' && e[l] === e.en)) && list === 'country' && e.code !== 'XX') {
    const n = regionName(l, e.code); // iso-codes has no Russian name for Türkiye (TR)
    if (n) return n;
  }
  return e[l] || (l === 'kk' ? e.ru : null) || e.en || e.code;
}

// The browser's (CLDR's) name of an ISO 3166-1 region in language l, or ''.
function regionName(l, code) {
  try {
    const n = new Intl.DisplayNames([l], { type: 'region', fallback: 'none' }).of(code);
    return n && n !== code ? n : '';
  } catch (e) {
    return '';
  }
}

// The options of a code list from GET /vocab, common entries (extra "common") first.
async function listOptions(list) {
  const voc = await vocab();
  await ready;
  return ((voc && voc[list]) || []).map((e) => ({ value: e.code, label: entryLabel(list, e), alt: altNames(e), common: e.extra === 'common' }));
}

// An entry's names in all three languages, for matching what the user typed.
function altNames(e) {
  return [e.kk, e.ru, e.en].filter(Boolean).join(' ');
}

// The label of code in code list list of voc (vocab()'s answer) as the pickers show it,
// e.g. listLabel(voc, 'language', 'ug') → "ұйғыр тілі"; the code itself when unknown.
// Needs the picker's messages (await pickerReady) for the common languages.
export function listLabel(voc, list, code) {
  const e = ((voc && voc[list]) || []).find((x) => x.code === code);
  return e ? entryLabel(list, e) : String(code);
}

// A country picker field built from voc at once (pickerReady must have been awaited).
export function countryField(voc, label, value, name, hint) {
  const options = ((voc && voc.country) || []).map((e) => ({ value: e.code, label: entryLabel('country', e), alt: altNames(e), common: e.extra === 'common' }));
  return pickerField({ name, label, hint, value: value || '', options });
}

// A language picker field built from voc at once (pickerReady must have been awaited).
export function languageField(voc, label, value, name, hint, multiple = true) {
  const options = ((voc && voc.language) || []).map((e) => ({ value: e.code, label: entryLabel('language', e), alt: altNames(e), common: e.extra === 'common' }));
  return pickerField({ name, label, hint, value: value || (multiple ? [] : ''), multiple, options });
}

// A country picker field (ISO 3166-1 alpha-2 codes, names from iso-codes): name is the
// API's field name, label the visible label text, value the stored code. For the other
// pages' editors (traffickers, route, contacts): countryPicker('Азаматтығы', 'KZ').
export async function countryPicker(label, value, name = 'country', hint) {
  return pickerField({ name, label, hint, value: value || '', options: await listOptions('country') });
}

// A language picker (ISO 639 codes as stored: "kk", "ru"): several languages (value an
// array) unless multiple is false (value one code).
export async function languagePicker(label, value, name = 'languages', hint, multiple = true) {
  return pickerField({ name, label, hint, value: value || (multiple ? [] : ''), multiple, options: await listOptions('language') });
}

// A place: a region of Kazakhstan (first, marked as such) or a country. regionsNote is
// the text shown beside each region (e.g. "Kazakhstan's regions").
export async function placePicker(label, value, name, regionsNote) {
  const voc = await vocab();
  const regions = ((voc && voc.region) || []).map((e) => ({ value: e.code, label: e[lang()] || e.en, hint: regionsNote, common: true }));
  return pickerField({ name, label, value: value || '', options: regions.concat(await listOptions('country')) });
}

// A picker of users from an API answer's users [{id, login, name?, role_label?}]:
// valueKey 'id' or 'login' (what the API stores), value the current one.
export function userPicker(label, users, value, name, valueKey = 'login', hint) {
  const options = users.map((u) => ({ value: String(u[valueKey]), label: u.name || u.login, hint: [u.name ? u.login : '', u.role_label || ''].filter(Boolean).join(' · ') }));
  return pickerField({ name, label, hint, value: value === undefined || value === null ? '' : String(value), options });
}

export { ready as pickerReady };

// The IIN box: 12 digits, all of them visible, a numeric keyboard on phones; anything
// that is not a digit is dropped as it is typed or pasted.
export function iinInput(value) {
  const input = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: '12', pattern: '[0-9]{12}', class: 'iin', value: value || '' });
  input.addEventListener('input', () => {
    const digits = input.value.replace(/\D/g, '').slice(0, 12);
    if (digits !== input.value) input.value = digits;
  });
  return input;
}

// The users who may take a case's work, from GET /cases/:code/assignable/<which>
// ('case-managers' or 'workers'), each with its role's label; [] when refused.
export async function assignableUsers(code, which) {
  const voc = await vocab();
  await ready;
  const r = await api('GET', `/cases/${encodeURIComponent(code)}/assignable/${which}`);
  if (r.status !== 200) return [];
  const roleLabel = (role) => {
    const e = ((voc && voc.role) || []).find((x) => x.code === role);
    return e ? e[lang()] || e.en : role;
  };
  return (r.data.users || []).map((u) => ({ ...u, role_label: roleLabel(u.role) }));
}
