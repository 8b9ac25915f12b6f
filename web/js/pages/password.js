// password.js — the user's own password ('#/password'): the current password and the new
// one typed twice. After an admin's reset the login lands here and nothing else opens
// (core.js follows the session's must_change_password) until the user has chosen their
// own; the server refuses every other request of that session until then.
import { api, formField, go, h, homeFor, markSaved, notify, pageTitle, policy, route, session, setSession, showErrors, formMessage, t, watchUnsaved } from '../core.js';

route('#/password', (el) => {
  const forced = policy('must_change_password') === true;
  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const fresh = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 12 });
  const repeat = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const button = h('button', { type: 'submit', class: 'primary', 'data-action': 'change-password' }, t('core.password.submit'));
  const form = h('form', { class: 'own-password', novalidate: true },
    formField('current_password', forced ? 'core.password.temporary' : 'core.password.current', current),
    formField('password', 'core.password.new', fresh, 'core.password.hint'),
    formField('password_repeat', 'core.password.repeat', repeat),
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (fresh.value !== repeat.value) {
      formMessage(form, t('core.password.mismatch'), 'password_repeat');
      return;
    }
    button.disabled = true;
    const r = await api('PUT', '/session/password', { current_password: current.value, password: fresh.value });
    button.disabled = false;
    current.value = '';
    if (r.status === 204) {
      fresh.value = '';
      repeat.value = '';
      markSaved(form);
      const me = await api('GET', '/session');
      if (me.status === 200) setSession(me.data);
      go(homeFor(session()));
      notify(t('core.password.done'));
      return;
    }
    showErrors(form, r.data); // the reason's sentence next to the field at fault
  });
  watchUnsaved(form);
  el.append(pageTitle(forced ? 'core.password.title_forced' : 'core.password.title'),
    h('p', { class: forced ? 'notice' : 'hint', role: forced ? 'status' : null }, t(forced ? 'core.password.intro_forced' : 'core.password.intro')),
    form);
  current.focus();
});
