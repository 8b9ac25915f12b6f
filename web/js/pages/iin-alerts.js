// iin-alerts.js — the home page's block of the users of the organisation with repeated
// IIN duplicate answers (GET /home "iin_alerts", issue 14 item 6), and what the
// operations page shares with it (its messages, times and people).
import { fmtDateTime, h, may, messages, personLabel, t } from '../core.js';

export const limitsReady = messages('limits');

// The times and people the operations page shares with this block.
export const when = fmtDateTime;
export const who = personLabel;

// The home page's block: each user of the organisation with 3 or more IIN duplicate
// answers within 24 hours, with a link to the users' page.
export function iinAlertsBlock(list) {
  if (!Array.isArray(list) || !list.length || !may('operation.manage')) return null;
  return h('section', { class: 'home-block warning', 'data-block': 'iin_alerts', 'aria-labelledby': 'home-iin-alerts' },
    h('h2', { id: 'home-iin-alerts' }, t('limits.alerts_title')),
    h('p', { class: 'hint' }, t('limits.alerts_hint')),
    h('ul', { id: 'iin-alerts' }, list.map((a) => h('li', { 'data-user': a.user.login },
      h('a', { href: '#/users', 'data-action': 'go-user' }, who(a.user)),
      ': ', h('strong', { 'data-count': 'duplicates' }, t('limits.alert_row', { count: a.count, at: when(a.last_at) }))))));
}

