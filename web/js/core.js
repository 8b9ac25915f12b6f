// core.js — the web interface's small core: the JSON API client (CSRF header, 401 →
// log in), message catalogues and languages, dates, code-list labels, a DOM builder
// (text nodes only, never HTML strings), the hash router, the navigation, form fields
// with error display and the unsaved-changes warning, the session and the idle logout,
// and what the session and each case say the user may do (may(), caseMay()): pages show
// or hide actions from these lists and never name roles.
// No framework and no build step: every page module imports what it needs from here.

const LANGS = ['kk', 'ru', 'en'];
const LANG_KEY = 'qorgau.lang';

let current = LANGS.includes(localStorage.getItem(LANG_KEY)) ? localStorage.getItem(LANG_KEY) : 'kk';
const catalogue = { kk: {}, ru: {}, en: {} };
const loadedModules = new Map();
let csrf = null;
let user = null;
let caps = { may: new Set() };
let idleSeconds = 1800;
let vocabCache = null;
const routes = [];
const navItems = [];
const dirtyForms = new Set();
let lastHash = '';
let restoringHash = false;

// ---- messages -----------------------------------------------------------------

// Loads web/i18n/<module>.json once ({"kk":{...},"ru":{...},"en":{...}}).
export function messages(module) {
  if (!loadedModules.has(module)) {
    const p = fetch('/i18n/' + encodeURIComponent(module) + '.json', { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : {}))
      .then((all) => {
        for (const l of LANGS) Object.assign(catalogue[l], all[l] || {});
      })
      .catch(() => {});
    loadedModules.set(module, p);
  }
  return loadedModules.get(module);
}

// The message for key in the current language, with {name} replaced from vars; a
// missing key answers the key itself (and warns on the console).
export function t(key, vars) {
  let s = catalogue[current][key];
  if (s === undefined) {
    console.warn('qorgau: no message', key, current);
    s = catalogue.en[key] !== undefined ? catalogue.en[key] : key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

export function lang() {
  return current;
}

// Switches the language (kept in localStorage) and draws the page again.
export function setLang(l) {
  if (!LANGS.includes(l)) return;
  current = l;
  localStorage.setItem(LANG_KEY, l);
  document.documentElement.lang = l;
  renderNav();
  render();
}

// ---- dates --------------------------------------------------------------------

function pad(n) {
  return String(n).padStart(2, '0');
}

// 'YYYY-MM-DD', an ISO time or unix seconds → 'dd.mm.yyyy' ('' for nothing).
// An API time ("2026-12-07T10:00:00Z") as the browser's local dd.mm.yyyy hh:mm (in
// Kazakhstan, the hour people live by), '' when there is none.
export function fmtDateTime(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) return '';
  return fmtDate(Math.floor(d.getTime() / 1000)) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}

// A person of the API ({id, login, name}) as the name with the login, or the login.
export function personLabel(p) {
  if (!p) return '';
  return p.name ? p.name + ' (' + p.login + ')' : p.login;
}

export function fmtDate(v) {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'number') {
    const d = new Date(v * 1000);
    return pad(d.getDate()) + '.' + pad(d.getMonth() + 1) + '.' + d.getFullYear();
  }
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(String(v));
  if (!m) return String(v);
  if (!m[2]) return m[1];
  if (!m[3]) return m[2] + '.' + m[1];
  return m[3] + '.' + m[2] + '.' + m[1];
}

// 'dd.mm.yyyy' (or 'YYYY-MM-DD') → 'YYYY-MM-DD'; null when it is not a date.
export function parseDate(s) {
  s = String(s || '').trim();
  let m = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(s);
  let y, mo, d;
  if (m) [y, mo, d] = [+m[3], +m[2], +m[1]];
  else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) [y, mo, d] = [+m[1], +m[2], +m[3]];
  else return null;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return y + '-' + pad(mo) + '-' + pad(d);
}

// Today as 'YYYY-MM-DD' (local time).
export function today() {
  const d = new Date();
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
}

// ---- DOM ----------------------------------------------------------------------

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'required', 'hidden', 'multiple', 'readOnly']);

// Builds an element: attrs {class, id, name, type, for, value, 'data-x', 'aria-x', on:
// {click: fn}, ...}; children are nodes or text (text nodes: never parsed as HTML);
// null, undefined and false children are skipped, arrays are flattened.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'for') el.htmlFor = v;
    else if (PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  const add = (c) => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(add);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  };
  children.forEach(add);
  return el;
}

// Removes every child of el.
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A status message for screen readers and sighted users (role=status), cleared later.
export function notify(text) {
  const s = document.getElementById('status');
  if (!s) return;
  clear(s).append(h('p', { class: 'notice' }, text));
  setTimeout(() => clear(s), 6000);
}

// ---- API ----------------------------------------------------------------------

// Calls the JSON API: path is '/api/v1/...' or short ('/cases' → '/api/v1/cases').
// Only codes, numbers and references ever go into a path or query; personal data
// goes in the body. Answers {status, data}: data is the parsed JSON, a Blob for
// other content (downloads), or null. A 401 (except for logging in) ends the
// session in the browser and shows the login page.
export async function api(method, path, body) {
  const url = path.startsWith('/api/') ? path : '/api/v1' + path;
  const headers = { Accept: 'application/json' };
  const opts = { method, credentials: 'same-origin', headers, cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, opts);
  } catch (e) {
    return { status: 0, data: { error: { code: 'network', field: '' } } };
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (res.status !== 204) {
    // a body cut off (the page left while it came) is a network failure, never a 200
    // without data that a page would read as a list
    try {
      data = type.startsWith('application/json') ? await res.json() : await res.blob();
    } catch (e) {
      return { status: 0, data: { error: { code: 'network', field: '' } } };
    }
  }
  if (res.ok) pinged = Date.now();
  // a full or read-only disk: storage.js shows its banner on every page
  if (res.status === 503 && data && data.error && /^storage\./.test(data.error.reason || '')) window.dispatchEvent(new CustomEvent('qorgau:storage', { detail: data.error.reason }));
  if (res.status === 401 && !(method === 'POST' && url === '/api/v1/session')) {
    forget();
    go('#/login');
  }
  return { status: res.status, data };
}

// ---- session and idle logout ---------------------------------------------------

let lastInput = Date.now();
let pinged = Date.now();
let idleTimer = null;
let warning = null;

// The logged-in user {id, login, role, org_id}, or null.
export function session() {
  return user;
}

// True when the policy lets the logged-in user take action at all ("case.create",
// "report.read", ...: the "may" list of the session answer).
export function may(action) {
  return caps.may.has(action);
}

// True when the case answer c lists action among those the user may take on it.
export function caseMay(c, action) {
  return !!(c && Array.isArray(c.may) && c.may.includes(action));
}

// The policy's other answers about the user, from the session answer: 'case_scope'
// ("org", "assigned", ...), 'directory_scope' ("own", "any", "none"),
// 'report_always_protected' (true/false), 'assignable_roles' (role codes),
// 'agreement_scope' ("all", "org", "none"), 'agreement_manage_scope' ("any", "own", "none"),
// 'account_scope' (in which organisations the user makes accounts: "any", "own", "none"),
// 'audit_scope' (which audit entries the user reads: "all", "org", "none"),
// 'must_change_password' (true while the password is a temporary one an admin set: the
// server then refuses everything but changing it and logging out).
export function policy(name) {
  return caps[name];
}

// Keeps what the login (or GET /session) answered: the user, the CSRF token, the
// idle limit, the capabilities; starts the idle watch.
export function setSession(answer) {
  user = answer.user;
  csrf = answer.csrf;
  caps = {
    may: new Set(answer.may || []),
    case_scope: answer.case_scope || 'none',
    directory_scope: answer.directory_scope || 'none',
    report_always_protected: answer.report_always_protected === true,
    assignable_roles: answer.assignable_roles || [],
    agreement_scope: answer.agreement_scope || 'none',
    agreement_manage_scope: answer.agreement_manage_scope || 'none',
    account_scope: answer.account_scope || 'none',
    audit_scope: answer.audit_scope || 'none',
    must_change_password: answer.must_change_password === true,
    emergency_grants_per_day: answer.emergency_grants_per_day || 0, // the daily limit, when the server says it
  };
  if (answer.idle_seconds) idleSeconds = answer.idle_seconds;
  lastInput = Date.now();
  pinged = Date.now();
  if (!idleTimer) idleTimer = setInterval(checkIdle, 5000);
  renderNav();
}

function forget() {
  user = null;
  csrf = null;
  caps = { may: new Set() };
  vocabCache = null;
  navCountsAt = 0; // the next user's counts are asked for at once
  dirtyForms.clear();
  if (idleTimer) clearInterval(idleTimer);
  idleTimer = null;
  closeWarning();
  const status = document.getElementById('status'); // a notice is for the user who caused it
  if (status) clear(status);
  renderNav();
}

// Logs out (DELETE /session) and shows the login page.
export async function logout(reason) {
  if (csrf) await api('DELETE', '/session');
  forget();
  go('#/login');
  if (reason) notify(t(reason));
}

// Asks the server who is logged in (on start); true when someone is.
export async function restoreSession() {
  const r = await fetch('/api/v1/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } }).catch(() => null);
  if (r && r.ok) {
    setSession(await r.json());
    return true;
  }
  return false;
}

function onInput() {
  lastInput = Date.now();
  if (!user || warning) return;
  // Input in the browser keeps the server's session alive too (at most once a minute).
  const every = Math.min(60, idleSeconds / 4) * 1000;
  if (Date.now() - pinged > every) {
    pinged = Date.now();
    api('GET', '/session');
  }
}

let warningOpener = null;

// Closes the idle dialog and gives the focus back to where it was (else the page heading).
function closeWarning() {
  if (!warning) return;
  warning.remove();
  warning = null;
  const back = warningOpener && warningOpener.isConnected ? warningOpener : document.getElementById('page-title');
  warningOpener = null;
  if (back) {
    if (back.id === 'page-title') back.tabIndex = -1;
    back.focus({ preventScroll: true });
  }
}

// The dialog keeps the focus: Tab and Shift+Tab cycle through its buttons; Escape is
// "Stay logged in".
function trapDialog(box, onEscape) {
  box.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      onEscape();
      return;
    }
    if (ev.key !== 'Tab') return;
    const items = [...box.querySelectorAll('button, [href], input, select, textarea')].filter((x) => !x.disabled);
    if (!items.length) return;
    const i = items.indexOf(document.activeElement);
    const next = ev.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : (i === items.length - 1 ? 0 : i + 1);
    ev.preventDefault();
    items[next].focus();
  });
}

function checkIdle() {
  if (!user) return;
  const idle = (Date.now() - lastInput) / 1000;
  if (idle >= idleSeconds - 5) {
    dirtyForms.clear();
    logout('core.idle_ended');
    return;
  }
  const warnAt = Math.max(idleSeconds - 120, idleSeconds * 0.75);
  if (idle >= warnAt && !warning) showWarning();
}

function showWarning() {
  const stayIn = () => {
    closeWarning();
    lastInput = Date.now();
    pinged = Date.now();
    api('GET', '/session');
  };
  warningOpener = document.activeElement && document.activeElement !== document.body ? document.activeElement : null;
  const stay = h('button', { type: 'button', class: 'primary', 'data-action': 'stay', on: { click: stayIn } }, t('core.idle_stay'));
  warning = h('div', { class: 'dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'idle-title', 'aria-describedby': 'idle-text' },
    h('div', { class: 'dialog-box' },
      h('h2', { id: 'idle-title' }, t('core.idle_title')),
      h('p', { id: 'idle-text' }, t('core.idle_text', { minutes: Math.max(1, Math.round((idleSeconds - (Date.now() - lastInput) / 1000) / 60)) })),
      h('div', { class: 'actions' }, stay,
        h('button', { type: 'button', 'data-action': 'logout', on: { click: () => logout() } }, t('core.logout')))));
  trapDialog(warning, stayIn);
  document.getElementById('dialogs').append(warning);
  stay.focus();
}

for (const ev of ['keydown', 'mousedown', 'touchstart', 'wheel']) {
  document.addEventListener(ev, () => {
    if (!warning) onInput();
  }, { passive: true, capture: true });
}

// ---- code lists ----------------------------------------------------------------

// GET /api/v1/vocab once per session: {list: [{code, en, ru?, kk?, extra?}]}.
// The code lists (GET /vocab), loaded once per session; a refused or failed load is not
// kept (e.g. while a temporary password must first be changed), so the next page asks again.
export async function vocab() {
  if (!vocabCache) {
    const r = await api('GET', '/vocab');
    if (r.status !== 200) return {};
    vocabCache = r.data;
  }
  return vocabCache;
}

// The label of code in list, in the current language (vocab() must have been loaded).
export function label(list, code) {
  if (code === null || code === undefined || code === '') return '';
  const e = ((vocabCache || {})[list] || []).find((x) => x.code === code);
  if (!e) return String(code);
  return e[current] || e.en || String(code);
}

// A <select> of a code list: opts {empty: true (a "choose" first option), value, required,
// except (codes left out)}.
export function select(list, opts = {}) {
  const s = h('select', { required: opts.required });
  if (opts.empty !== false) s.append(h('option', { value: '' }, t('core.choose')));
  for (const e of (vocabCache || {})[list] || []) {
    if (opts.except && opts.except.includes(e.code)) continue;
    s.append(h('option', { value: e.code, selected: e.code === opts.value }, e[current] || e.en));
  }
  return s;
}

// The text of a {kk, ru, en} object (instrument texts, report labels) in the current
// language; a plain string is answered as it is.
export function tx(obj) {
  if (!obj) return '';
  if (typeof obj === 'string') return obj;
  return obj[current] || obj.kk || obj.ru || obj.en || '';
}

// Checkboxes of a code list (name = name, one per code) in a fieldset with a legend;
// voc is vocab()'s answer, chosen the codes checked at first.
export function checks(voc, list, name, legend, chosen) {
  const have = chosen || [];
  return h('fieldset', { class: 'checks', name },
    h('legend', {}, legend),
    ((voc && voc[list]) || []).map((e) => {
      const id = `f-${name}-${e.code}`;
      return h('div', { class: 'check' },
        h('input', { type: 'checkbox', id, name, value: e.code, checked: have.includes(e.code) }),
        h('label', { for: id }, e[current] || e.en));
    }));
}

// The values of the checked boxes named name in form.
export function checkedValues(form, name) {
  return Array.from(form.querySelectorAll(`input[name="${name}"]:checked`)).map((i) => i.value);
}

// ---- forms ---------------------------------------------------------------------

// A labelled field: <div class="field"><label for="f-name">…</label>input<p class="msg"></div>.
// The input gets id 'f-' + name and name = name (the API's field name). labelKey is a
// message key, or {text} for a label that is already translated (a code list's label).
const usedIds = new Set();

function uniqueId(base) {
  let id = base;
  for (let i = 2; usedIds.has(id) || document.getElementById(id); i++) id = base + '-' + i;
  usedIds.add(id);
  return id;
}

export function formField(name, labelKey, input, hintKey) {
  input.id = input.id || uniqueId('f-' + name.replace(/[^\w-]/g, '-'));
  if (input.name === undefined || !input.getAttribute('name')) input.setAttribute('name', name);
  const msg = h('p', { class: 'msg', id: input.id + '-msg' });
  const text = typeof labelKey === 'object' ? labelKey.text : t(labelKey);
  const parts = [h('label', { for: input.id }, text), input];
  if (hintKey) {
    const hint = h('p', { class: 'hint', id: input.id + '-hint' }, t(hintKey));
    input.setAttribute('aria-describedby', hint.id);
    parts.splice(1, 0, hint);
  }
  parts.push(msg);
  return h('div', { class: 'field', 'data-field': name }, parts);
}

// A text input for a date shown as dd.mm.yyyy (read back with parseDate).
export function dateInput(value) {
  return h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'date', 'data-type': 'date', placeholder: t('core.date_placeholder'), value: value ? fmtDate(value) : '' });
}

// A checkbox with its label after it.
export function checkField(name, labelKey, checked) {
  const box = h('input', { type: 'checkbox', id: uniqueId('f-' + name.replace(/[^\w-]/g, '-')), name, checked: !!checked });
  return h('div', { class: 'field check', 'data-field': name }, box, h('label', { for: box.id }, t(labelKey)), h('p', { class: 'msg' }));
}

// Reads the named inputs of a form into an object: dates (data-type=date) converted
// to YYYY-MM-DD (an unreadable date stays as typed, so the server names the field),
// checkboxes as booleans, numbers (type=number) as numbers, empty values left out; a
// picker's input (web/js/picker.js) gives the code(s) in its data-code, not its text.
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.type === 'submit' || el.type === 'button') continue;
    if (el.type === 'checkbox') {
      out[el.name] = el.checked;
      continue;
    }
    let v = (el.dataset.code !== undefined ? el.dataset.code : el.value).trim();
    if (v === '') continue;
    if (el.dataset.type === 'date') v = parseDate(v) || v;
    else if (el.type === 'number') v = Number(v);
    out[el.name] = v;
  }
  return out;
}

function clearErrors(form) {
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    // only the field's own error message goes; a hint stays
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== el.id + '-msg');
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }
  for (const el of form.querySelectorAll('.field .msg')) clear(el);
  const s = form.querySelector('.errors');
  if (s) s.remove();
}

// The input of form whose name is field, or the nearest one: "personal.iin" → "iin",
// "goals[0].owner" → "goals.0.owner", "harm_channels" → "harm_channels.in_person".
function findInput(form, field) {
  if (!field) return null;
  const parts = field.replace(/\[(\d+)\]/g, '.$1').split('.');
  for (let i = 0; i < parts.length; i++) {
    const name = parts.slice(i).join('.');
    const el = form.querySelector('[name="' + CSS.escape(name) + '"]');
    if (el) return el;
  }
  const inside = form.querySelector('[name^="' + CSS.escape(parts.join('.') + '.') + '"]');
  if (inside) return inside; // "harm_channels" → the first of harm_channels.<code>
  for (let j = parts.length - 1; j > 0; j--) {
    const el = form.querySelector('[name="' + CSS.escape(parts.slice(0, j).join('.')) + '"]');
    if (el) return el;
  }
  return null;
}

// The text of an API error for people: the sentence for its reason (web/i18n/errors.json,
// e.g. "errors.iin.check_digit"), else a general one for its code; with fieldLabel, the
// field's label in front ("«ЖСН»: ...").
export function errorText(err, fieldLabel) {
  const e = (err && err.error) || err || {};
  const reasonKey = typeof e.reason === 'string' ? 'errors.' + e.reason : '';
  if (reasonKey && catalogue[current][reasonKey] !== undefined) {
    const s = t(reasonKey, e); // an answer's numbers fill the sentence (wait_minutes)
    return fieldLabel ? t('errors.general.field', { field: fieldLabel, reason: s }) : s;
  }
  const code = e.code || 'internal';
  const key = 'core.err.' + code;
  const base = catalogue[current][key] !== undefined ? t(key) : t('core.err.internal');
  return fieldLabel ? t('core.err.field', { field: fieldLabel, reason: base }) : base;
}

// Shows an API error on form: the field named by error.field gets class 'invalid',
// aria-invalid and the message under it, and takes the focus; a summary (role=alert)
// goes at the top of the form. apiError is {error: {...}} or an api() answer.
export function showErrors(form, apiError) {
  clearErrors(form);
  const data = apiError && apiError.data !== undefined ? apiError.data : apiError;
  const e = (data && data.error) || {};
  const input = findInput(form, e.field);
  let fieldLabel = '';
  if (input) {
    const lab = form.querySelector('label[for="' + CSS.escape(input.id) + '"]');
    fieldLabel = lab ? lab.textContent : '';
    input.classList.add('invalid');
    input.setAttribute('aria-invalid', 'true');
    const box = input.closest('.field');
    if (box) {
      box.classList.add('invalid');
      const msg = box.querySelector('.msg');
      if (msg) {
        msg.textContent = errorText(e);
        input.setAttribute('aria-errormessage', msg.id || '');
        // Read with the field when it takes the focus (aria-errormessage alone is not).
        const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
        if (msg.id && !ids.includes(msg.id)) input.setAttribute('aria-describedby', ids.concat(msg.id).join(' '));
      }
    }
  }
  const summary = h('div', { class: 'errors', role: 'alert' }, h('p', {}, errorText(e, fieldLabel)));
  form.prepend(summary);
  if (input) input.focus();
  else {
    summary.tabIndex = -1;
    summary.focus();
  }
}

// Shows a message that is not about one field in a form's summary (role=alert).
export function showMessage(form, text) {
  clearErrors(form);
  const summary = h('div', { class: 'errors', role: 'alert', tabindex: '-1' }, h('p', {}, text));
  form.prepend(summary);
  summary.focus();
}

// The error object of an api() answer ({code, message, field, reason}); one of its own for a
// failure without one (the network).
export function apiError(res) {
  return (res && res.data && res.data.error) || { code: 'error', message: String(res && res.status), field: null };
}

// Shows an API error on form (showErrors finds the input: "answers.q5" → q5, "parts[1]"
// → parts) and marks the screening item or fieldset that holds it. Returns the error.
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

// A message about the form as a whole, with the item or field it is about marked.
export function formMessage(form, text, field) {
  showMessage(form, text);
  const box = field && (form.querySelector(`[data-item="${field}"]`) || form.querySelector(`[data-field="${field}"]`));
  if (box) {
    box.classList.add('invalid');
    const input = box.querySelector('input, select, textarea');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }
}

// Warns before leaving the page (another page, reload, closing) while form holds
// changes that were not saved. Call markSaved(form) after a successful save.
export function watchUnsaved(form) {
  form.addEventListener('input', () => dirtyForms.add(form));
  form.addEventListener('change', () => dirtyForms.add(form));
  return form;
}

// The form's changes are saved: leaving it no longer warns.
export function markSaved(form) {
  dirtyForms.delete(form);
  clearErrors(form);
}

function hasUnsaved() {
  for (const f of dirtyForms) if (!f.isConnected) dirtyForms.delete(f);
  return dirtyForms.size > 0;
}

window.addEventListener('beforeunload', (ev) => {
  if (hasUnsaved()) {
    ev.preventDefault();
    ev.returnValue = '';
  }
});

// ---- router and navigation ----------------------------------------------------------

// Registers a page: pattern like '#/case/:code'; render(container, params) may be async.
export function route(pattern, renderFn, opts = {}) {
  const names = [];
  const re = new RegExp('^' + pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (m, n) => {
    names.push(n);
    return '([^/]+)';
  }) + '$');
  routes.push({ re, names, render: renderFn, open: !!opts.open });
}

// Goes to a page.
export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

// Adds a navigation entry for the users the policy lets take action (a "may" name such
// as 'case.list'; all logged-in users when it is missing); labelKey is a message key.
// opts.count (optional) is an async function answering how many things wait there (a
// number shown next to the entry, hidden when 0); opts.countKey is the message key
// ({n}) that says so to screen readers. The counts are asked again on every page.
// action may also be a list: the entry is shown when the user may take any of them.
export function navItem(hash, labelKey, action, opts = {}) {
  navItems.push({ hash, labelKey, action: action || '', count: opts.count, countKey: opts.countKey, n: 0 });
  renderNav();
}

// Asks every shown navigation entry with a count for it again, then redraws the
// navigation (call after a change that alters a count).
// When the counts were last asked for: a page change asks again only after NAV_COUNT_MS
// (each count may read a whole list), an action that changes a count asks at once.
let navCountsAt = 0;
const NAV_COUNT_MS = 30000;

export async function refreshNavCounts() {
  navCountsAt = Date.now();
  const shown = navItems.filter((it) => it.count && user && navShown(it));
  await Promise.all(shown.map(async (it) => {
    try {
      it.n = Number(await it.count()) || 0;
    } catch (e) {
      it.n = 0;
    }
  }));
  if (shown.length) renderNav();
}

function navShown(it) {
  return !caps.must_change_password && (!it.action || [].concat(it.action).some((a) => may(a)));
}

// Controls of their own in the navigation (the search box, pages/search.js), for the users
// who may take action: build() answers the element, the same one on every redraw, so what
// is typed in it survives the navigation being drawn again.
const navWidgets = [];
export function navWidget(action, build) {
  navWidgets.push({ action, build });
  renderNav();
}

function navLink(it, here) {
  const text = t(it.labelKey);
  if (!it.count || !it.n) return h('a', { href: it.hash, 'aria-current': here ? 'page' : null }, text);
  return h('a', { href: it.hash, 'aria-current': here ? 'page' : null },
    h('span', { 'aria-hidden': 'true' }, text + ' '),
    h('span', { class: 'nav-count', 'aria-hidden': 'true' }, String(it.n)),
    h('span', { class: 'sr-only' }, text + ', ' + t(it.countKey, { n: it.n })));
}

let started = false;

// The menu button (shown below 40rem by app.css): a disclosure for the navigation list.
// The list is shown or hidden with the class "open" on <nav>; Escape closes it and
// returns the focus to the button; a new page closes it. The button carries the sum of
// the navigation's counts, so they are seen (and heard) while the menu is closed.
let menuOpen = false;

function setMenu(open, focusButton) {
  menuOpen = open;
  const nav = document.getElementById('nav');
  const btn = document.getElementById('menu-toggle');
  if (nav) nav.classList.toggle('open', open);
  if (btn) {
    btn.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (focusButton) btn.focus();
  }
}

document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Escape' || !menuOpen) return;
  const btn = document.getElementById('menu-toggle');
  if (!btn || !btn.offsetParent) return; // the button is hidden: a wide screen
  setMenu(false, true);
});

function menuButton(total) {
  const kids = [h('span', { class: 'menu-icon', 'aria-hidden': 'true' }, '☰'), ' ', t('core.menu')];
  if (total) {
    kids.push(' ', h('span', { class: 'nav-count', 'aria-hidden': 'true' }, String(total)),
      h('span', { class: 'sr-only' }, ', ' + t('core.menu_waiting', { n: total })));
  }
  return h('button', { type: 'button', id: 'menu-toggle', class: 'menu-toggle', 'data-action': 'menu',
    'aria-expanded': menuOpen ? 'true' : 'false', 'aria-controls': 'nav-list',
    on: { click: () => setMenu(!menuOpen, false) } }, kids);
}

function renderNav() {
  const nav = document.getElementById('nav');
  if (!nav || !started) return;
  // the control that had the focus gets it back in the new navigation
  const had = nav.contains(document.activeElement) ? document.activeElement : null;
  const key = had ? had.getAttribute('data-action') || had.getAttribute('href') : null;
  clear(nav);
  // a link chosen closes the menu (also when it leads to the page shown now)
  const list = h('ul', { class: 'nav', id: 'nav-list', on: { click: (ev) => { if (ev.target.closest('a')) setMenu(false); } } });
  let total = 0;
  if (user) {
    for (const it of navItems) {
      if (!navShown(it)) continue;
      const here = location.hash.startsWith(it.hash);
      list.append(h('li', {}, navLink(it, here)));
      if (it.count) total += it.n;
    }
    for (const w of navWidgets) if (navShown(w)) list.append(h('li', { class: 'nav-widget' }, w.build()));
  }
  // the group is inside the <li>: a list holds only list items (axe rule "list")
  const langs = h('li', { class: 'langs' }, h('div', { class: 'langs', role: 'group', 'aria-label': t('core.language') },
    LANGS.map((l) => h('button', { type: 'button', class: 'lang', lang: l, 'data-action': 'set-lang-' + l, 'aria-pressed': l === current ? 'true' : 'false', on: { click: () => setLang(l) } }, t('core.lang.' + l)))));
  list.append(langs);
  if (user) {
    list.append(h('li', { class: 'who' }, h('span', {}, user.login + ' · ' + t('core.role.' + user.role)),
      h('a', { href: '#/password', 'data-action': 'my-password' }, t('core.password.nav')),
      h('button', { type: 'button', 'data-action': 'logout', on: { click: () => logout() } }, t('core.logout'))));
  }
  nav.classList.toggle('open', menuOpen);
  nav.append(menuButton(total), list);
  if (key) {
    const again = [...nav.querySelectorAll('[data-action], a[href]')]
      .find((e) => (e.getAttribute('data-action') || e.getAttribute('href')) === key);
    if (again) again.focus();
  }
  const skip = document.querySelector('.skip');
  if (skip) skip.textContent = t('core.skip');
}

// The first page of a user: the home page with their work (pages/home.js), once the
// password is their own.
export function homeFor(u) {
  if (!u) return '#/login';
  if (caps.must_change_password) return '#/password';
  return '#/home';
}

let renderCount = 0;

async function render() {
  const hash = location.hash || '#/';
  const app = document.getElementById('app');
  const mine = ++renderCount;
  let match = null;
  for (const r of routes) {
    const m = r.re.exec(hash);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      match = { r, params };
      break;
    }
  }
  if (!user && (!match || !match.r.open)) {
    if (hash !== '#/login') return go('#/login');
  }
  if (!match) return go(homeFor(user));
  if (user && caps.must_change_password && hash !== '#/password') return go('#/password');
  if (user) await vocab();
  if (mine !== renderCount) return;
  usedIds.clear();
  const container = h('div', { class: 'page' });
  clear(app).append(container);
  menuOpen = false;
  renderNav();
  try {
    await match.r.render(container, match.params);
  } catch (e) {
    console.error(e);
    container.append(h('p', { class: 'errors', role: 'alert' }, t('core.err.internal')));
  }
  if (user && Date.now() - navCountsAt >= NAV_COUNT_MS) refreshNavCounts();
  const title = container.querySelector('#page-title');
  document.title = (title ? title.textContent + ' — ' : '') + 'Qorgau';
  focusPage(app, container, title);
}

// Where the focus goes once a page is drawn: it stays where the page put it (the login
// field); else on the page's heading (tabindex=-1), so a screen reader reads it and Tab
// goes on into the page. The first page of a visit leaves the focus at the start of the
// document, so the skip link comes first on Tab.
let firstPage = true;
function focusPage(app, container, title) {
  const first = firstPage;
  firstPage = false;
  const active = document.activeElement;
  if (active && active !== container && container.contains(active)) return;
  if (first) return;
  const target = title || app;
  target.tabIndex = -1;
  target.focus({ preventScroll: true });
}

window.addEventListener('hashchange', () => {
  if (restoringHash) {
    restoringHash = false;
    return;
  }
  if (hasUnsaved() && !window.confirm(t('core.unsaved'))) {
    restoringHash = true;
    location.hash = lastHash;
    return;
  }
  dirtyForms.clear();
  lastHash = location.hash;
  render();
});

// Stacked tables: below 40rem a table.list hides its column headers (app.css), so every
// body cell without a data-label gets its column header's text, which the CSS shows
// before the value. Runs on the page's tables whenever #app changes.
export function labelCells(root) {
  for (const table of root.querySelectorAll('table.list')) {
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    for (const tr of table.querySelectorAll('tbody tr')) {
      let col = 0;
      for (const cell of tr.children) {
        if (cell.tagName === 'TD' && cell.colSpan === 1 && !cell.hasAttribute('data-label')) cell.setAttribute('data-label', heads[col] || '');
        col += cell.colSpan || 1;
      }
    }
  }
}

// A page's heading: <h1 id="page-title">.
export function pageTitle(key, vars) {
  return h('h1', { id: 'page-title', tabindex: '-1' }, t(key, vars));
}

// Starts the interface: catalogues, the session, the first page.
export async function start() {
  document.documentElement.lang = current;
  await Promise.all([messages('core'), messages('errors')]);
  started = true;
  await Promise.all(loadedModules.values());
  await restoreSession();
  const skip = document.querySelector('.skip');
  if (skip) skip.addEventListener('click', (ev) => {
    ev.preventDefault();
    document.getElementById('app').focus();
  });
  lastHash = location.hash;
  const app = document.getElementById('app');
  new MutationObserver(() => labelCells(app)).observe(app, { childList: true, subtree: true });
  renderNav();
  render();
}
