// home.js — the first page of every user (#/home): the work waiting for them, one block
// per kind of work, each a short count or list with a link to the page where the work is
// done (GET /home, src/core/work/home.h). Which blocks are shown follows the session's
// "may" list and the blocks the server answers (it sends only what the policy allows),
// never the name of the role. Also the navigation's counts of new incoming referrals and
// of overdue work (GET /home?counts=1, asked once for both counts).
import { api, clear, fmtDate, h, label, may, messages, navItem, pageTitle, route, session, t } from '../core.js';
import { iinAlertsBlock, limitsReady } from './iin-alerts.js';

const ready = Promise.all([messages('home'), messages('contacts'), messages('grants')]);

// The counts of the navigation: one request answers every count of one refresh. The
// answer is kept for its own session only: after a logout and a new login within the
// two seconds, the next user must not see the previous user's counts.
let countsAsk = null;
let countsFor = null;
export function workCounts() {
  const who = session();
  if (!countsAsk || countsFor !== who) {
    countsFor = who;
    const ask = api('GET', '/home?counts=1').then((r) => (r.status === 200 ? r.data : {}));
    countsAsk = ask;
    setTimeout(() => { if (countsAsk === ask) countsAsk = null; }, 2000);
  }
  return countsAsk;
}

// Referrals sent to the user's organisation that nobody has answered yet.
export async function newReferrals() {
  const d = await workCounts();
  return (d.referrals_received && d.referrals_received.new) || 0;
}

// The user's overdue tasks and safety-plan reviews.
export async function overdueWork() {
  const d = await workCounts();
  return ((d.tasks && d.tasks.overdue) || 0) + ((d.reviews && d.reviews.overdue) || 0);
}

navItem('#/home', 'core.home.title');

// One "label: number" line; the number carries data-count for the tests.
function line(key, n, vars, name) {
  const late = n && name === 'overdue';
  return h('li', { class: ['home-line', n ? null : 'muted', late ? 'late' : null] }, t(key, vars) + ': ',
    h('strong', { 'data-count': name || key }, String(n)));
}

function block(name, titleKey, linkHash, linkKey, ...body) {
  const id = 'home-' + name;
  return h('section', { class: 'home-block', 'data-block': name, 'aria-labelledby': id },
    h('h2', { id }, t(titleKey)), ...body,
    linkHash ? h('p', {}, h('a', { href: linkHash, 'data-action': 'go-' + name }, t(linkKey))) : null);
}

function casesBlock(d) {
  const c = d.cases;
  const items = (c.by_stage || []).map((s) => h('li', { class: 'home-line' }, label('stage', s.stage) + ': ',
    h('strong', { 'data-count': 'stage.' + s.stage }, String(s.count))));
  return block('cases', 'home.cases.title', '#/cases', 'home.cases.link',
    h('p', {}, t('home.cases.open') + ': ', h('strong', { 'data-count': 'open' }, String(c.open))),
    items.length ? h('ul', { class: 'home-list' }, items) : h('p', { class: 'muted' }, t('home.cases.none')));
}

// Tasks or reviews: the overdue ones and the others due within the next days.
function dueBlock(name, b, days) {
  return block(name, 'home.' + name + '.title', '#/tasks', 'home.tasks.link',
    h('ul', { class: 'home-list' },
      line('home.overdue', b.overdue, null, 'overdue'),
      line('home.due_soon', b.due - b.overdue, { days }, 'due_soon')));
}

function sentBlock(b) {
  return block('referrals-sent', 'home.sent.title', '#/referrals', 'home.referrals.link',
    h('ul', { class: 'home-list' }, line('home.sent.waiting', b.waiting, null, 'waiting'),
      line('home.overdue', b.overdue, null, 'overdue')));
}

function receivedBlock(b) {
  return block('referrals-received', 'home.received.title', '#/referrals', 'home.referrals.link',
    h('ul', { class: 'home-list' }, line('home.received.new', b.new, null, 'new'),
      line('home.overdue', b.overdue, null, 'overdue')));
}

function workloadBlock(rows) {
  const body = rows.length
    ? h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ['who', 'open', 'overdue'].map((k) => h('th', { scope: 'col' }, t('home.workload.' + k))))),
      h('tbody', {}, rows.map((r) => h('tr', { 'data-login': r.login, class: r.overdue_tasks ? 'overdue' : null },
        h('td', { 'data-label': t('home.workload.who') }, r.login),
        h('td', { 'data-label': t('home.workload.open') }, h('strong', { 'data-count': 'open' }, String(r.open_cases))),
        h('td', { 'data-label': t('home.workload.overdue') }, h('strong', { 'data-count': 'overdue' }, String(r.overdue_tasks)))))))
    : h('p', { class: 'muted' }, t('home.workload.none'));
  return block('workload', 'home.workload.title', '#/cases', 'home.cases.link', body);
}

function accountsBlock(n) {
  return block('accounts', 'home.accounts.title', '#/users', 'home.users.link',
    h('ul', { class: 'home-list' }, line('home.accounts.waiting', n, null, 'waiting')));
}

// A headline figure: its name, the number (or "withheld" when too small to publish).
function figureLine(f) {
  const key = 'home.fig.' + f.table + (f.year ? '_year' : '');
  const name = f.table + (f.year ? '_year' : '');
  const shown = f.count === null ? t('home.fig.withheld') : String(f.count);
  return h('li', { class: 'home-line' }, t(key, { year: f.year }) + ': ', h('strong', { 'data-count': name }, shown));
}

function figuresBlock(list) {
  const wanted = ['victims', 'stages', 'referrals', 'overdue_tasks'];
  const shown = list.filter((f) => wanted.includes(f.table));
  return block('figures', 'home.fig.title', '#/reports', 'home.fig.link',
    h('ul', { class: 'home-list' }, shown.map(figureLine)));
}

function usersBlock(u) {
  return block('users', 'home.users.title', '#/users', 'home.users.link',
    h('ul', { class: 'home-list' }, line('home.users.active', u.active, null, 'active'),
      line('home.users.waiting', u.waiting, null, 'waiting'), line('home.users.disabled', u.disabled, null, 'disabled')));
}

function orgsBlock(orgs) {
  const body = h('table', { class: 'list' },
    h('thead', {}, h('tr', {}, ['name', 'users', 'waiting'].map((k) => h('th', { scope: 'col' }, t('home.orgs.' + k))))),
    h('tbody', {}, orgs.map((o) => h('tr', { 'data-org': String(o.id) },
      h('td', { 'data-label': t('home.orgs.name') }, o.name),
      h('td', { 'data-label': t('home.orgs.users') }, String(o.users)),
      h('td', { 'data-label': t('home.orgs.waiting') }, String(o.waiting))))));
  return block('orgs', 'home.orgs.title', '#/admin/orgs', 'home.orgs.link',
    h('p', {}, t('home.orgs.count') + ': ', h('strong', { 'data-count': 'orgs' }, String(orgs.length))), body);
}

// The audit actions the server counts as sensitive reads (home_read.c), with labels.
const ACTIONS = ['personal.read', 'case.history_read', 'case.child_record', 'case.export', 'dataset.export',
  'screening.read', 'task.read', 'referral.read', 'assessment.read', 'safety_plan.read', 'action_plan.read',
  'interaction.read', 'case.break_glass'];

function actionText(a) {
  return ACTIONS.includes(a) ? t('home.act.' + a) : a;
}

function readsBlock(r) {
  const recent = r.recent || [];
  const table = recent.length
    ? h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ['at', 'who', 'action', 'object'].map((k) => h('th', { scope: 'col' }, t('home.reads.' + k))))),
      h('tbody', {}, recent.map((x) => h('tr', {},
        h('td', { 'data-label': t('home.reads.at') }, fmtDate(x.at) + ' ' + String(x.at).slice(11, 16)),
        h('td', { 'data-label': t('home.reads.who') }, x.login || t('home.reads.system')),
        h('td', { 'data-label': t('home.reads.action') }, actionText(x.action)),
        h('td', { 'data-label': t('home.reads.object') }, x.object || '—')))))
    : null;
  return block('reads', 'home.reads.title', '#/audit', 'home.reads.link',
    h('ul', { class: 'home-list' }, line('home.reads.week', r.last_7_days, null, 'week')), table);
}

function grantsBlock(g) {
  return block('grants', 'home.grants.title', '#/access-grants', 'home.grants.link',
    h('ul', { class: 'home-list' }, line('home.grants.active', g.active, null, 'active'),
      line('home.grants.week', g.last_7_days, null, 'week')));
}

// Contact requests from other organisations about the organisation's cases, not answered.
function contactsBlock(n) {
  return block('contact-requests', 'contacts.home_title', '#/contacts', 'contacts.home_link',
    h('ul', { class: 'home-list' }, line('contacts.home_waiting', n, null, 'waiting')));
}

// Another organisation's access requests and emergency accesses to this organisation's cases
// (the holder's supervisors), and the user's own requests (the requester).
function grantRequestsBlock(g) {
  return block('grant-requests', 'gr.home_title', '#/grant-requests', 'gr.home_link',
    h('ul', { class: 'home-list' }, line('gr.home_to_decide', g.to_decide || 0, null, 'to_decide'),
      line('gr.home_to_review', g.to_review || 0, null, 'to_review')));
}

function myGrantsBlock(g) {
  return block('my-grants', 'gr.home_mine_title', '#/grant-requests', 'gr.home_link',
    h('ul', { class: 'home-list' }, line('gr.home_mine_requested', g.requested || 0, null, 'requested'),
      line('gr.home_mine_active', g.active || 0, null, 'active')));
}

// The blocks, in the order of a working day: what to do now first.
function blocks(d) {
  const out = [];
  // shown while something waits (the navigation's entry leads there at any time)
  const g = d.grant_requests;
  if (g && (g.to_decide || g.to_review) && may('grant.decide')) out.push(grantRequestsBlock(g));
  if (d.contact_requests_waiting > 0 && may('contact.answer')) out.push(contactsBlock(d.contact_requests_waiting));
  const days = d.due_days || 7;
  if (d.iin_alerts && d.iin_alerts.length && may('operation.manage')) out.push(iinAlertsBlock(d.iin_alerts));
  if (d.referrals_received && may('referral.receive')) out.push(receivedBlock(d.referrals_received));
  if (d.tasks && may('task.list')) out.push(dueBlock('tasks', d.tasks, days));
  if (d.reviews && may('task.list')) out.push(dueBlock('reviews', d.reviews, days));
  if (d.referrals_sent && may('referral.send')) out.push(sentBlock(d.referrals_sent));
  if (d.my_grants && (d.my_grants.requested || d.my_grants.active) && may('case.break_glass')) out.push(myGrantsBlock(d.my_grants));
  if (d.accounts_waiting !== undefined && may('user.list')) out.push(accountsBlock(d.accounts_waiting));
  if (d.workload && may('case.assign')) out.push(workloadBlock(d.workload));
  if (d.cases && may('case.list')) out.push(casesBlock(d));
  if (d.figures && may('report.read')) out.push(figuresBlock(d.figures));
  if (d.users && may('user.manage')) out.push(usersBlock(d.users));
  if (d.orgs && may('org.manage')) out.push(orgsBlock(d.orgs));
  if (d.sensitive_reads && may('audit.read')) out.push(readsBlock(d.sensitive_reads));
  if (d.grants && may('grant.report')) out.push(grantsBlock(d.grants));
  return out;
}

route('#/home', async (el) => {
  await Promise.all([ready, limitsReady]);
  const u = session();
  el.append(pageTitle('core.home.title'), h('p', {}, t('home.hello', { login: u ? u.login : '' })));
  const box = h('div', { class: 'home-blocks' });
  el.append(box);
  const r = await api('GET', '/home');
  clear(box);
  if (r.status !== 200) {
    box.append(h('p', { class: 'errors', role: 'alert' }, t('home.load_failed')));
    return;
  }
  const list = blocks(r.data);
  if (!list.length) box.append(h('p', { class: 'muted' }, t('home.nothing')));
  box.append(...list);
});
