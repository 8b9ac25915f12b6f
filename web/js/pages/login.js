// login.js — the log-in page (#/login) and #/logout. The password goes only in the
// POST body; the answer's CSRF token is kept in memory by core.js.
import { api, formField, go, h, homeFor, logout, markSaved, pageTitle, route, session, setSession, showErrors, showMessage, t } from '../core.js';

route('#/login', (el) => {
  if (session()) return go(homeFor(session()));
  const login = h('input', { type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const button = h('button', { type: 'submit', class: 'primary', 'data-action': 'login' }, t('core.login.submit'));
  const form = h('form', { class: 'login', novalidate: true },
    formField('login', 'core.login.login', login),
    formField('password', 'core.login.password', password),
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    const r = await api('POST', '/session', { login: login.value.trim(), password: password.value });
    button.disabled = false;
    if (r.status === 201) {
      password.value = '';
      markSaved(form);
      setSession(r.data);
      go(homeFor(r.data.user));
      return;
    }
    password.value = '';
    const e = (r.data && r.data.error) || {};
    if (r.status === 401 && e.reason === 'account.pending') {
      // told only after the right password: for whom the account waits (a role code:
      // supervisor, admin, or system for the server's command line)
      showMessage(form, t('core.login.pending.' + (e.confirm_by || 'system')));
    } else if (r.status === 401 && e.reason === 'account.disabled') {
      showMessage(form, t('core.login.disabled'));
    } else if (r.status === 401 || r.status === 403) {
      // which of the two was wrong is never said: the sentence stands for the form, and
      // the focus goes back to the (emptied) password for the next try
      showErrors(form, { error: { code: 'login_failed', reason: 'login.wrong_password' } });
      password.focus();
    } else showErrors(form, r.data);
  });
  el.append(pageTitle('core.login.title'), h('p', {}, t('core.login.intro')), form);
  login.focus();
}, { open: true });

route('#/logout', () => logout(), { open: true });
