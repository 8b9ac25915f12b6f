// admin.js — accounts and organisations for the admin ('#/admin/users', '#/admin/orgs'):
// lists, a new user with role, organisation and the password typed twice, disabling a
// user, a new organisation. Never case content.
import { api, t, route, navItem, messages, formField, select, label, markSaved, notify, watchUnsaved, fmtDate } from '../core.js';
import { el, formError, formMessage, clear } from '../w2util.js';

const M = 'admin';
messages(M);
navItem('#/admin/users', 'adm.nav_users', ['admin']);
navItem('#/admin/orgs', 'adm.nav_orgs', ['admin']);

async function orgs() {
  const r = await api('GET', '/api/v1/orgs');
  return r.status === 200 ? r.data.orgs || [] : [];
}

async function usersPage(container) {
  await messages(M);
  const list = el('div');
  const all = await orgs();
  const orgName = (id) => (all.find((o) => o.id === id) || {}).name || String(id);
  const load = async () => {
    const r = await api('GET', '/api/v1/users');
    clear(list);
    const users = (r.status === 200 && r.data.users) || [];
    list.append(el('table', { class: 'list' },
      el('thead', {}, el('tr', {}, ['adm.login', 'adm.role', 'adm.org', 'adm.state', 'adm.created', 'adm.actions'].map((k) => el('th', { scope: 'col' }, t(k))))),
      el('tbody', {}, users.map((u) => el('tr', { 'data-login': u.login },
        el('td', {}, u.login), el('td', {}, label('role', u.role)), el('td', {}, orgName(u.org_id)),
        el('td', {}, t(u.disabled ? 'adm.disabled' : (u.pending ? 'adm.pending' : 'adm.active'))),
        el('td', {}, fmtDate(u.created_at)),
        el('td', {}, u.disabled ? '' : el('button', { type: 'button', 'data-action': 'disable-user', 'data-login': u.login, on: { click: async () => {
          if (!window.confirm(t('adm.confirm_disable', { login: u.login }))) return;
          const d = await api('POST', `/api/v1/users/${encodeURIComponent(u.login)}/disable`, {});
          if (d.status === 200 || d.status === 204) { notify(t('adm.disabled_done')); load(); } else notify(t('adm.failed'));
        } } }, t('adm.disable'))))))));
  };
  const orgSel = el('select', {}, all.map((o) => el('option', { value: String(o.id) }, o.name)));
  const form = el('form', { class: 'new-user', novalidate: true },
    el('h2', {}, t('adm.add_user')),
    formField('login', 'adm.login', el('input', { type: 'text', autocomplete: 'off', minlength: 3, maxlength: 64 })),
    formField('role', 'adm.role', select('role', { required: true })),
    formField('org_id', 'adm.org', orgSel),
    formField('password', 'adm.password', el('input', { type: 'password', autocomplete: 'new-password', minlength: 12 }), 'adm.password_hint'),
    formField('password_repeat', 'adm.password_repeat', el('input', { type: 'password', autocomplete: 'new-password' })),
    el('p', { class: 'hint' }, t('adm.four_eyes')),
    el('button', { type: 'submit', 'data-action': 'add-user' }, t('adm.add_user')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = (n) => form.querySelector(`[name="${n}"]`).value;
    if (v('password') !== v('password_repeat')) {
      formMessage(form, t('adm.password_mismatch'), 'password_repeat');
      return;
    }
    const r = await api('POST', '/api/v1/users', { login: v('login').trim(), role: v('role'), org_id: Number(v('org_id')), password: v('password') });
    if (r.status === 201) {
      markSaved(form);
      form.reset();
      notify(t('adm.user_added'));
      load();
    } else formError(form, r);
  });
  watchUnsaved(form);
  container.append(el('h1', { id: 'page-title' }, t('adm.users_title')), list, form);
  await load();
}

async function orgsPage(container) {
  await messages(M);
  const list = el('div');
  const load = async () => {
    const all = await orgs();
    clear(list);
    list.append(el('table', { class: 'list' },
      el('thead', {}, el('tr', {}, ['adm.org_id', 'adm.org_name', 'adm.org_type', 'adm.region'].map((k) => el('th', { scope: 'col' }, t(k))))),
      el('tbody', {}, all.map((o) => el('tr', { 'data-org': o.id },
        el('td', {}, String(o.id)), el('td', {}, o.name), el('td', {}, label('org_type', o.type)), el('td', {}, label('region', o.region)))))));
  };
  const form = el('form', { class: 'new-org', novalidate: true },
    el('h2', {}, t('adm.add_org')),
    formField('name', 'adm.org_name', el('input', { type: 'text', maxlength: 200, autocomplete: 'off' })),
    formField('type', 'adm.org_type', select('org_type', { required: true })),
    formField('region', 'adm.region', select('region', { required: true })),
    el('button', { type: 'submit', 'data-action': 'add-org' }, t('adm.add_org')));
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
  container.append(el('h1', { id: 'page-title' }, t('adm.orgs_title')), list, form);
  await load();
}

route('#/admin/users', usersPage);
route('#/admin/orgs', orgsPage);
