// admin.js — accounts and organisations ('#/users', '#/admin/orgs'). The users page
// serves everyone the policy lets list users (session "may": user.list): an admin sees
// the accounts within their reach (their organisation's, or every one for a system-wide
// admin), who each waiting one waits for, and adds, resets and disables what each user's
// "may" allows (user.manage, user.disable); a supervisor sees their organisation's
// accounts; whoever may confirm an account (its "may": user.confirm) finds it first, with
// a Confirm button. The new-account form offers the organisations of the session's
// account_scope. The navigation counts the accounts waiting for the user. Never case
// content, and never a decision from a role name.
import { api, t, route, navItem, messages, formField, select, label, markSaved, notify, watchUnsaved, fmtDate, h, formError, formMessage, clear, may, policy, session, errorText, refreshNavCounts } from '../core.js';

const M = 'admin';
messages(M);

// How many accounts wait for the logged-in user's confirmation.
async function waitingForMe() {
  const r = await api('GET', '/api/v1/users');
  const users = (r.status === 200 && r.data.users) || [];
  return users.filter((u) => (u.may || []).includes('user.confirm')).length;
}

navItem('#/users', 'adm.nav_users', 'user.list', { count: waitingForMe, countKey: 'adm.nav_waiting' });
navItem('#/admin/orgs', 'adm.nav_orgs', 'org.manage');

async function orgs() {
  const r = await api('GET', '/api/v1/orgs');
  return r.status === 200 ? r.data.orgs || [] : [];
}

// The state of an account in words: disabled, waiting (for whom), temporary password, active.
function stateText(u, orgName) {
  if (u.disabled) return t('adm.disabled');
  const parts = [];
  if (u.pending) {
    // who may confirm it, a role code from the server (supervisor, admin, system)
    parts.push(t('adm.waits.' + (u.confirm_by || 'system'), { org: orgName(u.org_id) }));
  }
  if (u.must_change) parts.push(t('adm.must_change'));
  return parts.length ? parts.join(' ') : t('adm.active');
}

// Waiting accounts first, then active ones, disabled last; by login within each.
// The login a row's button acts on, read by screen readers after the button's visible
// text (so its accessible name starts with what it shows: WCAG 2.5.3).
function whose(u) {
  return h('span', { class: 'sr-only' }, ` — ${u.login}`);
}

function byWaiting(a, b) {
  const rank = (u) => (u.disabled ? 2 : (u.pending ? 0 : 1));
  return rank(a) - rank(b) || a.login.localeCompare(b.login);
}

// What the logged-in user may do to account u (its "may" from the server).
const can = (u, action) => (u.may || []).includes(action);

// The role in words, and "system-wide" for an account whose reach is every organisation.
function roleText(u) {
  return u.system_wide ? `${label('role', u.role)} · ${t('adm.system_wide')}` : label('role', u.role);
}

async function usersPage(container) {
  await messages(M);
  const manage = may('user.manage');
  const list = h('div');
  const summary = h('p', { class: 'hint', role: 'status' });
  const all = await orgs();
  const orgName = (id) => (all.find((o) => o.id === id) || {}).name || String(id);
  const resetBox = h('div');
  // After an action on an account, its row takes the focus (the keyboard goes on from the
  // account the action changed, never from <body>; issue 25).
  // After an action on an account its row takes the focus; note (optional) stays in the
  // row, where the user is, after the page-wide notice has gone.
  const focusRow = (login, note) => {
    const row = list.querySelector(`tr[data-login="${CSS.escape(login)}"]`);
    if (!row) return;
    if (note && row.lastElementChild) row.lastElementChild.append(h('p', { class: 'saved-note' }, note));
    row.tabIndex = -1;
    row.focus();
  };
  const load = async () => {
    const r = await api('GET', '/api/v1/users');
    clear(list);
    const users = ((r.status === 200 && r.data.users) || []).slice().sort(byWaiting);
    const mine = users.filter((u) => (u.may || []).includes('user.confirm')).length;
    const waiting = users.filter((u) => u.pending && !u.disabled).length;
    summary.textContent = mine ? t('adm.waiting_for_you', { n: mine }) : (waiting ? t('adm.waiting_others', { n: waiting }) : t('adm.none_waiting'));
    list.append(h('table', { class: 'list users' },
      h('caption', { class: 'sr-only' }, t('adm.users_title')),
      h('thead', {}, h('tr', {}, ['adm.login', 'adm.person_name', 'adm.role', 'adm.org', 'adm.state', 'adm.created', 'adm.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, users.map((u) => h('tr', { 'data-login': u.login, class: (u.may || []).includes('user.confirm') ? 'waiting' : null },
        h('th', { scope: 'row' }, u.login), h('td', { 'data-field': 'name' }, u.name || '—'),
        h('td', { 'data-field': 'role' }, roleText(u)), h('td', {}, orgName(u.org_id)),
        h('td', { 'data-field': 'state' }, stateText(u, orgName)),
        h('td', {}, fmtDate(u.created_at)),
        h('td', {}, h('div', { class: 'user-actions' }, actions(u))))))));
  };
  const actions = (u) => {
    const out = [];
    if ((u.may || []).includes('user.confirm')) {
      out.push(h('button', { type: 'button', class: 'primary', 'data-action': 'confirm-user', 'data-login': u.login, on: { click: async (ev) => {
        ev.target.disabled = true;
        const d = await api('POST', `/api/v1/users/${encodeURIComponent(u.login)}/confirm`, {});
        const said = d.status === 204 ? t('adm.confirmed_done', { login: u.login }) : errorText(d.data);
        notify(said);
        await load();
        focusRow(u.login, said);
        refreshNavCounts();
      } } }, t('adm.confirm'), whose(u)));
    }
    if (can(u, 'user.manage')) {
      out.push(h('button', { type: 'button', 'data-action': 'set-name', 'data-login': u.login, on: { click: () => showName(u) } }, t('adm.set_name'), whose(u)));
    }
    if (can(u, 'user.password')) { // never on one's own row: that is the own password page
      out.push(h('button', { type: 'button', 'data-action': 'reset-password', 'data-login': u.login, on: { click: () => showReset(u) } }, t('adm.reset'), whose(u)));
    }
    if (can(u, 'user.disable')) {
      out.push(h('button', { type: 'button', 'data-action': 'disable-user', 'data-login': u.login, on: { click: async () => {
        if (!window.confirm(t('adm.confirm_disable', { login: u.login }))) return;
        const d = await api('POST', `/api/v1/users/${encodeURIComponent(u.login)}/disable`, {});
        if (d.status === 200 || d.status === 204) { notify(t('adm.disabled_done')); await load(); focusRow(u.login, t('adm.disabled_done')); } else {
          const said = errorText(d.data); // the server's reason in words (the last system-wide admin, ...)
          notify(said);
          focusRow(u.login, said);
        }
      } } }, t('adm.disable'), whose(u)));
    }
    return out;
  };
  // The admin's form for the name shown beside a login (in the pickers that give work).
  const showName = (u) => {
    clear(resetBox);
    const form = h('form', { class: 'user-name', novalidate: true, 'data-login': u.login },
      h('h2', {}, t('adm.name_title', { login: u.login })),
      formField('name', 'adm.person_name', h('input', { type: 'text', autocomplete: 'off', maxlength: 100, value: u.name || '' }), 'adm.name_hint'),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', 'data-action': 'save-name' }, t('adm.name_submit')),
        h('button', { type: 'button', 'data-action': 'cancel-name', on: { click: () => { markSaved(form); clear(resetBox); } } }, t('adm.cancel'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const r = await api('PUT', `/api/v1/users/${encodeURIComponent(u.login)}/name`, { name: form.querySelector('[name="name"]').value.trim() });
      if (r.status === 204) {
        markSaved(form);
        clear(resetBox);
        notify(t('adm.name_done', { login: u.login }));
        await load();
      } else formError(form, r);
    });
    watchUnsaved(form);
    resetBox.append(form);
    form.querySelector('input').focus();
  };
  // The admin's reset: a temporary password typed twice; the user must replace it at login.
  const showReset = (u) => {
    clear(resetBox);
    const form = h('form', { class: 'reset-password', novalidate: true, 'data-login': u.login },
      h('h2', { id: 'reset-title' }, t('adm.reset_title', { login: u.login })),
      h('p', { class: 'hint' }, t('adm.reset_hint')),
      formField('password', 'adm.temp_password', h('input', { type: 'password', autocomplete: 'new-password', minlength: 12 }), 'adm.password_hint'),
      formField('password_repeat', 'adm.password_repeat', h('input', { type: 'password', autocomplete: 'new-password' })),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', 'data-action': 'set-temporary' }, t('adm.reset_submit')),
        h('button', { type: 'button', 'data-action': 'cancel-reset', on: { click: () => { markSaved(form); clear(resetBox); } } }, t('adm.cancel'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = (n) => form.querySelector(`[name="${n}"]`).value;
      if (v('password') !== v('password_repeat')) {
        formMessage(form, t('adm.password_mismatch'), 'password_repeat');
        return;
      }
      const r = await api('PUT', `/api/v1/users/${encodeURIComponent(u.login)}/password`, { password: v('password') });
      if (r.status === 204) {
        markSaved(form);
        clear(resetBox);
        notify(t('adm.reset_done', { login: u.login }));
        await load();
        focusRow(u.login, t('adm.reset_done', { login: u.login }));
        refreshNavCounts();
      } else formError(form, r);
    });
    watchUnsaved(form);
    resetBox.append(form);
    form.querySelector('input').focus();
  };
  container.append(h('h1', { id: 'page-title' }, t('adm.users_title')), summary, list, resetBox);
  if (manage) container.append(newUserForm(all, load, focusRow));
  await load();
}

// The admin's form for a new account; the new account's row takes the focus (focusRow).
function newUserForm(all, load, focusRow) {
  // the organisations the policy lets the user make accounts in (account_scope)
  const mine = (session() || {}).org_id;
  const open = policy('account_scope') === 'any' ? all : all.filter((o) => o.id === mine);
  const orgSel = h('select', {}, open.map((o) => h('option', { value: String(o.id) }, o.name)));
  const form = h('form', { class: 'new-user', novalidate: true },
    h('h2', {}, t('adm.add_user')),
    formField('login', 'adm.login', h('input', { type: 'text', autocomplete: 'off', minlength: 3, maxlength: 64 })),
    formField('name', 'adm.person_name', h('input', { type: 'text', autocomplete: 'off', maxlength: 100 }), 'adm.name_hint'),
    formField('role', 'adm.role', select('role', { required: true })),
    formField('org_id', 'adm.org', orgSel),
    formField('password', 'adm.password', h('input', { type: 'password', autocomplete: 'new-password', minlength: 12 }), 'adm.password_hint'),
    formField('password_repeat', 'adm.password_repeat', h('input', { type: 'password', autocomplete: 'new-password' })),
    h('p', { class: 'hint' }, t('adm.four_eyes')),
    h('button', { type: 'submit', 'data-action': 'add-user' }, t('adm.add_user')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = (n) => form.querySelector(`[name="${n}"]`).value;
    if (v('password') !== v('password_repeat')) {
      formMessage(form, t('adm.password_mismatch'), 'password_repeat');
      return;
    }
    const body = { login: v('login').trim(), role: v('role'), org_id: Number(v('org_id')), password: v('password') };
    if (v('name').trim()) body.name = v('name').trim();
    const r = await api('POST', '/api/v1/users', body);
    if (r.status === 201) {
      const login = v('login').trim();
      markSaved(form);
      form.reset();
      notify(t('adm.user_added'));
      await load();
      focusRow(login);
      refreshNavCounts();
    } else formError(form, r);
  });
  watchUnsaved(form);
  return form;
}

async function orgsPage(container) {
  await messages(M);
  const list = h('div');
  const load = async () => {
    const all = await orgs();
    clear(list);
    list.append(h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ['adm.org_id', 'adm.org_name', 'adm.org_type', 'adm.region'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, all.map((o) => h('tr', { 'data-org': o.id },
        h('td', {}, String(o.id)), h('td', {}, o.name), h('td', {}, label('org_type', o.type)), h('td', {}, label('region', o.region)))))));
  };
  const form = h('form', { class: 'new-org', novalidate: true },
    h('h2', {}, t('adm.add_org')),
    formField('name', 'adm.org_name', h('input', { type: 'text', maxlength: 200, autocomplete: 'off' })),
    formField('type', 'adm.org_type', select('org_type', { required: true })),
    formField('region', 'adm.region', select('region', { required: true })),
    h('button', { type: 'submit', 'data-action': 'add-org' }, t('adm.add_org')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = (n) => form.querySelector(`[name="${n}"]`).value.trim();
    const r = await api('POST', '/api/v1/orgs', { name: v('name'), type: v('type'), region: v('region') });
    if (r.status === 201) {
      markSaved(form);
      form.reset();
      notify(t('adm.org_added'));
      load();
    } else formError(form, r);
  });
  watchUnsaved(form);
  // the form only for whom the policy lets make organisations (a system-wide admin)
  container.append(h('h1', { id: 'page-title' }, t('adm.orgs_title')), list);
  if (may('org.manage')) container.append(form);
  await load();
}

route('#/users', usersPage);
route('#/admin/users', usersPage); // the address of earlier versions
route('#/admin/orgs', orgsPage);
