// home.js — the first page of a user whose role has no case list (#/home).
import { h, pageTitle, route, session, t } from '../core.js';

route('#/home', (el) => {
  const u = session();
  el.append(pageTitle('core.home.title'), h('p', {}, t('core.home.text', { login: u ? u.login : '' })));
});
