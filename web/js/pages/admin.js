// admin.js — accounts and organisations for the admin ('#/admin/users', '#/admin/orgs'):
// lists, a new user with role, organisation and the password typed twice, disabling a
// user, a new organisation. Never case content.
import { api, t, route, navItem, messages, formField, select, label, markSaved, notify, watchUnsaved, fmtDate, h, formError, formMessage, clear } from '../core.js';

const M = 'admin';
messages(M);
navItem('#/admin/users', 'adm.nav_users', 'user.manage');
navItem('#/admin/orgs', 'adm.nav_orgs', 'org.manage');

async function orgs() {
  const r = await api('GET', '/api/v1/orgs');
  return r.status === 200 ? r.data.orgs || [] : [];
}

async function usersPage(container) {
  await messages(M);
  const list = h('div');
  const all = await orgs();
  const orgName = (id) => (all.find((o) => o.id === id) || {}).name || String(id);
  const load = async () => {
    const r = await api('GET', '/api/v1/users');
    clear(list);
    const users = (r.status === 200 && r.data.users) || [];
    list.append(h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ['adm.login', 'adm.role', 'adm.org', 'adm.state', 'adm.created', 'adm.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, users.map((u) => h('tr', { 'data-login': u.login },
        h('td', {}, u.login), h('td', {}, label('role', u.role)), h('td', {}, orgName(u.org_id)),
        h('td', {}, t(u.disabled ? 'adm.disabled' : (u.pending ? 'adm.pending' : 'adm.active'))),
        h('td', {}, fmtDate(u.created_at)),
        h('td', {}, u.disabled ? '' : h('button', { type: 'button', 'data-action': 'disable-user', 'data-login': u.login, on: { click: async () => {
          if (!window.confirm(t('adm.confirm_disable', { login: u.login }))) return;
          const d = await api('POST', `/api/v1/users/${encodeURIComponent(u.login)}/disable`, {});
          if (d.status === 200 || d.status === 204) { notify(t('adm.disabled_done')); load(); } else notify(t('adm.failed'));
        } } }, t('adm.disable'))))))));
  };
  const orgSel = h('select', {}, all.map((o) => h('option', { value: String(o.id) }, o.name)));
  const form = h('form', { class: 'new-user', novalidate: true },
    h('h2', {}, t('adm.add_user')),
    formField('login', 'adm.login', h('input', { type: 'text', autocomplete: 'off', minlength: 3, maxlength: 64 })),
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
    const r = await api('POST', '/api/v1/users', { login: v('login').trim(), role: v('role'), org_id: Number(v('org_id')), password: v('password') });
    if (r.status === 201) {
      markSaved(form);
      form.reset();
      notify(t('adm.user_added'));
      load();
    } else formError(form, r);
  });
  watchUnsaved(form);
  container.append(h('h1', { id: 'page-title' }, t('adm.users_title')), list, form);
  await load();
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
  container.append(h('h1', { id: 'page-title' }, t('adm.orgs_title')), list, form);
  await load();
}

route('#/admin/users', usersPage);
route('#/admin/orgs', orgsPage);
