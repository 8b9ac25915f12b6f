// access-grants.js — the auditor's report of break-the-glass grants '#/access-grants'
// (GET /api/v1/access-grants: reading it is audited, the reasons are shown).
import { api, errorText, clear, fmtDateTime, h, messages, navItem, pageTitle, route, session, t } from '../core.js';
import { kindText, scopeText, who } from './grant-requests.js';

const ready = Promise.all([messages('cases'), messages('grants')]);
navItem('#/access-grants', 'grants.nav', 'grant.report');

const when = fmtDateTime; /* local time, as every page shows it */

route('#/access-grants', async (el) => {
  await ready;
  // whose grants these are: the organisation's, or every one for a system-wide account
  // (the server's grant report reads by the same flag: policy_audit_org)
  const wide = (session() || {}).system_wide === true;
  el.append(pageTitle('grants.title'), h('p', { class: 'hint' }, t('grants.audited')),
    h('p', { class: 'hint', 'data-field': 'grants-scope' }, t(wide ? 'grants.scope_all' : 'grants.scope_org')));
  const only = h('input', { type: 'checkbox', id: 'f-active', name: 'active' });
  const box = h('div');
  const form = h('form', { class: 'filters', novalidate: true },
    h('div', { class: 'field check' }, only, h('label', { for: only.id }, t('grants.active_only'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-action': 'filter' }, t('grants.show'))));
  const load = async () => {
    const [r, o] = await Promise.all([api('GET', '/access-grants?limit=500' + (only.checked ? '&active=1' : '')), api('GET', '/orgs')]);
    // organisations by name, not by number (the number only when the list is unreachable)
    const names = new Map(((o.status === 200 && o.data.orgs) || []).map((x) => [x.id, x.name]));
    const org = (id) => names.get(id) || '№' + id;
    clear(box);
    if (r.status !== 200) return box.append(h('p', { class: 'errors', role: 'alert' }, errorText(r.data)));
    const gs = r.data.grants || [];
    if (!gs.length) return box.append(h('p', { class: 'muted' }, t('grants.none')));
    // the columns of the second key (issue 15) in words: the kind and what was shown, the
    // state, who decided and who reviewed; each organisation under its case and its user
    const cols = ['grants.col.case', 'grants.col.user', 'gr.col.kind', 'gr.col.period', 'grants.col.state', 'gr.col.decision',
      'grants.col.reason'];
    const state = (g) => (g.state ? t('gr.st.' + g.state) : t(g.active ? 'grants.active' : 'grants.inactive'));
    // from when until when the access was in effect (nothing for a request never granted)
    const period = (g) => (g.granted_at ? [line(t('gr.period_from', { at: when(g.granted_at) })),
      line(g.ended_at ? t('grants.ended', { at: when(g.ended_at) }) : t('gr.period_until', { at: when(g.expires_at) }))] : '');
    const line = (text, cls) => (text ? h('span', { class: ['cell-line', cls] }, text) : null);
    const decision = (g) => [
      g.decided_by ? line(t('gr.decided_line', { name: who(g.decided_by) })) : null,
      g.reviewed_by ? line(t('gr.reviewed_line', { name: who(g.reviewed_by) + (g.reviewed_at ? ', ' + when(g.reviewed_at) : '') }))
        : g.emergency ? line(t('gr.not_reviewed'), 'late') : null];
    box.append(h('table', { class: 'list', id: 'grant-list' },
      h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, gs.map((g) => h('tr', { 'data-code': g.case, 'data-grant': String(g.id), 'data-state': g.state || null },
        h('td', { 'data-label': t('grants.col.case') }, line(g.case, 'code'), line(t('gr.org_line', { org: org(g.case_org_id) }), 'muted')),
        h('td', { 'data-label': t('grants.col.user') }, line(g.user), line(t('gr.org_line', { org: org(g.user_org_id) }), 'muted')),
        h('td', { 'data-label': t('gr.col.kind') }, g.emergency === undefined ? '' : line(kindText(g)), g.state === undefined ? '' : line(scopeText(g.scope), 'muted')),
        h('td', { 'data-label': t('gr.col.period') }, period(g)),
        h('td', { 'data-label': t('grants.col.state') }, state(g)),
        h('td', { 'data-label': t('gr.col.decision') }, decision(g)),
        h('td', { 'data-label': t('grants.col.reason') }, typeof g.reason === 'string' ? g.reason : ''))))));
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  el.append(form, box);
  await load();
});
