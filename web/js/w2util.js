// w2util.js — small helpers shared by the screening, referral, directory, report, admin
// and audit pages: a tolerant element builder over core.js's h(), the code lists from
// GET /api/v1/vocab (cached), and the text of a {kk, ru, en} object in the current language.
import { h, lang, showErrors, showMessage, vocab as coreVocab } from './core.js';

// el(): core.js's h() (arrays flattened, null/false skipped, boolean properties set).
export const el = h;

// The text of a {kk, ru, en} object (instrument texts, report labels) in the current language.
export function tx(obj) {
  if (!obj) return '';
  if (typeof obj === 'string') return obj;
  return obj[lang()] || obj.kk || obj.ru || obj.en || '';
}

export const vocab = coreVocab;

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

// Shows an API error on a form (core.js finds the input: "answers.q5" → q5, "parts[1]"
// → parts) and marks the screening item or fieldset that holds it.
export function formError(form, res) {
  showErrors(form, res);
  const err = apiError(res);
  if (err.field) {
    let f = err.field.replace(/\[\d+\]$/, '');
    if (f.startsWith('answers.')) f = f.slice(8);
    const box = form.querySelector(`[data-item="${f}"]`) || form.querySelector(`fieldset[name="${f}"]`);
    if (box) box.classList.add('invalid');
  }
  return err;
}

// A message about the form as a whole, with the field it is about marked.
export function formMessage(form, text, field) {
  showMessage(form, text);
  const box = field && (form.querySelector(`[data-item="${field}"]`) || form.querySelector(`[data-field="${field}"]`));
  if (box) {
    box.classList.add('invalid');
    const input = box.querySelector('input, select, textarea');
    if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}
