// audit.js — the audit trail for the auditor '#/audit': the newest entries first, page by
// page (before=seq), in words: who by login and name, the action in words with its code
// beside it, the object by name, the detail as key: value lines, local times; and the chain
// check (GET /api/v1/audit/verify). An auditor of one organisation reads the entries that
// concern it; the page says which (the session's audit_scope).
import { api, t, route, navItem, messages, h, clear, policy, fmtDateTime } from '../core.js';

const M = 'audit';
messages(M);
navItem('#/audit', 'aud.nav', 'audit.read');

const LIMIT = 50;

// The actions the server writes (grep the C code for the audit_append/grant_audit literals);
// each has its words in audit.json as 'aud.act.<action>'. The sensitive reads the home page
// counts keep the home page's words (home.json 'home.act.<action>'): one word for each thing.
const HOME_ACTIONS = ['personal.read', 'case.history_read', 'case.child_record', 'case.export', 'dataset.export',
  'screening.read', 'task.read', 'referral.read', 'assessment.read', 'safety_plan.read', 'action_plan.read',
  'interaction.read', 'case.break_glass'];
// the case's records write '<kind>.create' and '<kind>.update' (src/core/case/record.c)
const ACTIONS = ['assessment.create', 'assessment.update', 'safety_plan.create', 'safety_plan.update',
  'action_plan.create', 'action_plan.update', 'interaction.create', 'interaction.update','login', 'login_failed', 'logout', 'database.init', 'database.backup',
  'org.create', 'user.create', 'user.confirm', 'user.disable', 'user.passwd', 'user.passwd_own', 'user.name',
  'case.create', 'case.update', 'case.import', 'case.duplicate_iin', 'case.search', 'case.assign', 'case.unassign',
  'case.stage', 'case.close', 'case.reopen', 'case.withdraw', 'case.break_glass_end', 'personal.update',
  'screening.create', 'screening.update', 'task.create', 'task.update', 'task.list',
  'need.address', 'need.reopen', 'consent.create', 'consent.withdraw', 'consent.opt_out',
  'referral.create', 'referral.override', 'referral.list', 'referral.sheet', 'referral.reply',
  'referral.reply_failed', 'referral.phone_answer', 'contact.request', 'contact.answer',
  'agreement.create', 'agreement.end', 'directory.update', 'directory.remove',
  'operation.start', 'operation.end', 'report.read',
  'grant.request', 'grant.approve', 'grant.refuse', 'grant.review', 'grant.withdraw', 'grant.expire',
  'grant.list', 'grant.report'];

// An action in words, or its code when the page has no words for it.
function actionWords(a) {
  if (HOME_ACTIONS.includes(a)) return t('home.act.' + a);
  if (ACTIONS.includes(a)) return t('aud.act.' + a);
  return a;
}

// Who acted: the name with the login, the login, or the server (no account: the command line).
function whoText(e) {
  if (e.actor === null || e.actor === undefined) return t('aud.system');
  if (!e.actor_login) return '#' + e.actor;
  return e.actor_name ? e.actor_name + ' (' + e.actor_login + ')' : e.actor_login;
}

// The object as the auditor reads it: a case code as it is, "account <login>",
// "organisation <name>", "agreement No. N", "referral <ref>", else the code.
function objectText(e) {
  const o = e.object || '';
  if (o.startsWith('user:')) return e.object_label ? t('aud.obj.user', { login: e.object_label }) : o;
  if (o.startsWith('org:')) return e.object_label ? t('aud.obj.org', { name: e.object_label }) : o;
  if (o.startsWith('agreement:')) return t('aud.obj.agreement', { id: o.slice(10) });
  if (o.startsWith('referral:')) return t('aud.obj.referral', { ref: o.slice(9) });
  return o;
}

// The detail's members with words where the page has them: 'aud.key.<name>'.
const KEYS = ['org_id', 'user_id', 'role', 'pending', 'temporary', 'throttled', 'reason', 'to_org', 'from_org',
  'orgs', 'ref', 'fields', 'count', 'service', 'parts', 'expires_at', 'system_wide', 'via_code', 'side',
  'by_phone', 'stage', 'status', 'purpose', 'emergency', 'rows', 'table', 'format', 'name', 'n'];
function keyWords(k) { return KEYS.includes(k) ? t('aud.key.' + k) : k; }
// a key in words, or its code marked as such (not a word of the page's language)
function keyNode(k) { return KEYS.includes(k) ? t('aud.key.' + k) : h('span', { translate: 'no' }, k); }

function valueText(v) {
  if (v === true) return t('aud.yes');
  if (v === false) return t('aud.no');
  if (Array.isArray(v)) return v.map(valueText).join(', ');
  if (v && typeof v === 'object') {
    return Object.entries(v).filter(([, x]) => x !== null && x !== undefined)
      .map(([k, x]) => keyWords(k) + ': ' + valueText(x)).join('; ');
  }
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return fmtDateTime(v);
  return String(v);
}

// An entry's detail as a short list of "key: value" (a null says nothing and is left out).
function detailList(detail) {
  const kept = Object.entries(detail || {}).filter(([, v]) => v !== null && v !== undefined);
  if (!kept.length) return '';
  // yes/no in words; every other value is a number, a code or a name, kept as it is
  const value = (v) => (typeof v === 'boolean' ? valueText(v) : h('span', { translate: 'no' }, valueText(v)));
  return h('ul', { class: 'kv' }, kept.map(([k, v]) => h('li', {}, keyNode(k), ': ', value(v))));
}

function row(e) {
  return h('tr', { 'data-seq': e.seq },
    h('td', {}, String(e.seq)),
    h('td', { 'data-field': 'at' }, fmtDateTime(e.at)),
    h('td', { 'data-field': 'actor' }, whoText(e)),
    h('td', { 'data-field': 'action' }, actionWords(e.action), h('span', { class: 'aud-code', translate: 'no' }, e.action)),
    h('td', { 'data-field': 'object' }, objectText(e) || '—'),
    h('td', { class: 'detail', 'data-field': 'detail' }, detailList(e.detail) || '—'));
}

async function page(container) {
  await Promise.all([messages(M), messages('home')]);
  const verdict = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  const pager = h('div', { class: 'actions' });
  const starts = [0]; // the before= of each page shown: 0 is the newest
  const load = async (before) => {
    const r = await api('GET', `/api/v1/audit?limit=${LIMIT}` + (before ? `&before=${before}` : ''));
    const paging = pager.contains(document.activeElement);
    clear(list);
    clear(pager);
    if (r.status !== 200) { list.append(h('p', { class: 'errors', role: 'alert' }, t('aud.failed'))); return; }
    const rows = r.data.entries || [];
    list.append(h('table', { class: 'list audit' },
      h('caption', { class: 'hint' }, t('aud.order')),
      h('thead', {}, h('tr', {}, ['aud.seq', 'aud.at', 'aud.actor', 'aud.action', 'aud.object', 'aud.detail'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, rows.map(row))));
    if (starts.length > 1) {
      pager.append(h('button', { type: 'button', 'data-action': 'prev-page', on: { click: () => { starts.pop(); load(starts[starts.length - 1]); } } }, t('aud.prev')));
    }
    if (rows.length === LIMIT) {
      const next = rows[rows.length - 1].seq;
      pager.append(h('button', { type: 'button', 'data-action': 'next-page', on: { click: () => { starts.push(next); load(next); } } }, t('aud.next')));
    }
    // the page's buttons were redrawn: the focus goes to the entries shown, never to <body>
    const table = list.querySelector('table');
    if (paging && table) {
      table.tabIndex = -1;
      table.focus();
    }
  };
  const verify = h('button', { type: 'button', 'data-action': 'verify', on: { click: async () => {
    clear(verdict);
    const r = await api('GET', '/api/v1/audit/verify');
    if (r.status !== 200) { verdict.append(h('p', { class: 'errors', role: 'alert' }, t('aud.failed'))); return; }
    const d = r.data;
    verdict.append(h('p', { class: d.intact ? 'result result-yes' : 'result result-no', role: d.intact ? 'status' : 'alert' },
      d.intact ? t('aud.intact', { n: d.entries }) : t('aud.broken', { seq: d.first_bad, reason: d.reason || '' })));
  } } }, t('aud.verify'));
  // whose entries these are: the organisation's only, or every one (the session's audit_scope)
  const scope = h('p', { class: 'hint', 'data-field': 'audit-scope' },
    t(policy('audit_scope') === 'org' ? 'aud.scope_org' : 'aud.scope_all'));
  container.append(h('h1', { id: 'page-title' }, t('aud.title')), scope, verify, verdict, list, pager);
  await load(0);
}

route('#/audit', page);
