// w2util.js — small helpers shared by the screening, referral, directory, report, admin
// and audit pages: a tolerant element builder over core.js's h(), the code lists from
// GET /api/v1/vocab (cached), and the text of a {kk, ru, en} object in the current language.
import { api, h, lang, showErrors } from './core.js';

const PROPS = ['checked', 'required', 'hidden', 'disabled', 'selected', 'multiple', 'open'];

// el('tag', {attrs}, children...): arrays are flattened, null/false children skipped;
// boolean attributes are set as properties after h() builds the element.
export function el(tag, attrs, ...children) {
  const plain = {};
  const props = {};
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v === null || v === undefined || v === false) return;
    if (PROPS.includes(k)) props[k] = v;
    else plain[k] = typeof v === 'number' ? String(v) : v;
  });
  const kids = children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (typeof c === 'number' ? String(c) : c));
  const node = h(tag, plain, ...kids);
  Object.entries(props).forEach(([k, v]) => { node[k] = !!v; });
  return node;
}

// The text of a {kk, ru, en} object (instrument texts, report labels) in the current language.
export function tx(obj) {
  if (!obj) return '';
  if (typeof obj === 'string') return obj;
  return obj[lang()] || obj.kk || obj.ru || obj.en || '';
}

let vocabPromise = null;
export function vocab() {
  if (!vocabPromise) {
    vocabPromise = api('GET', '/api/v1/vocab').then((r) => (r.status === 200 ? r.data : {}));
    vocabPromise.then((v) => { if (!v || !Object.keys(v).length) vocabPromise = null; });
  }
  return vocabPromise;
}

// The label of code in a vocab list (as returned by vocab()), in the current language.
export function vl(voc, list, code) {
  const e = ((voc && voc[list]) || []).find((x) => x.code === code);
  return e ? (e[lang()] || e.en) : String(code);
}

// <option>s for a vocab list, with an optional empty first option.
export function options(voc, list, emptyText, selected) {
  const opts = ((voc && voc[list]) || []).map((e) => el('option', { value: e.code, selected: e.code === selected }, e[lang()] || e.en));
  if (emptyText !== undefined) opts.unshift(el('option', { value: '' }, emptyText));
  return opts;
}

// Checkboxes (name = name, one per code) inside a fieldset with a legend.
export function checks(voc, list, name, legend, chosen) {
  const have = chosen || [];
  return el('fieldset', { class: 'checks', name },
    el('legend', {}, legend),
    ((voc && voc[list]) || []).map((e) => {
      const id = `f-${name}-${e.code}`;
      return el('div', { class: 'check' },
        el('input', { type: 'checkbox', id, name, value: e.code, checked: have.includes(e.code) }),
        el('label', { for: id }, e[lang()] || e.en));
    }));
}

export function checkedValues(form, name) {
  return Array.from(form.querySelectorAll(`input[name="${name}"]:checked`)).map((i) => i.value);
}

// The error object of an API answer ({error: {code, message, field}}).
export function apiError(res) {
  return (res && res.data && res.data.error) || { code: 'error', message: String(res && res.status), field: null };
}

// Shows an API error on a form; fields such as "parts[1]" or "answers.q5" are mapped
// to the input name the form uses (parts, q5).
export function formError(form, res, map) {
  const err = Object.assign({}, apiError(res));
  if (err.field) {
    let f = err.field.replace(/\[\d+\]$/, '');
    if (f.startsWith('answers.')) f = f.slice(8);
    if (map && map[f]) f = map[f];
    err.field = f;
  }
  showErrors(form, err);
  return err;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}
