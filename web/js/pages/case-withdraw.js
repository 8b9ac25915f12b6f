// case-withdraw.js — withdrawing a case made only to probe an IIN, twice or by mistake
// (issue 14 item 6; POST /api/v1/cases/{code}/withdraw): for a supervisor whose case
// answer lists "case.withdraw", a section with the reason and a confirmation step; for a
// withdrawn case, the notice that it is read-only and counts in no statistics.
import { api, caseMay, errorText, formField, go, h, messages, notify, t } from '../core.js';

export const withdrawReady = messages('limits');
const REASONS = ['probe', 'duplicate', 'error'];

// The notice on a withdrawn case (role=status), or null.
export function withdrawnBanner(c) {
  if (c.status !== 'withdrawn') return null;
  return h('p', { class: 'warning', id: 'withdrawn-notice', role: 'status' }, t('limits.wd.banner'));
}

// The section, or null when the user may not withdraw the case. Afterwards the case page
// is shown again (read-only, with the notice).
export function withdrawSection(c, code) {
  if (c.status === 'withdrawn' || !caseMay(c, 'case.withdraw')) return null;
  const reason = h('select', { required: true },
    h('option', { value: '' }, '—'),
    REASONS.map((r) => h('option', { value: r }, t('limits.wd.reason.' + r))));
  const confirmBox = h('div', { class: 'confirm', id: 'withdraw-confirm', hidden: true });
  const msg = h('p', { role: 'alert', class: 'errors', hidden: true, id: 'withdraw-error' });
  const start = h('button', { type: 'button', class: 'danger', 'data-action': 'withdraw-case' }, t('limits.wd.start'));
  const fail = (text) => {
    msg.hidden = false;
    msg.textContent = text;
  };
  start.addEventListener('click', () => {
    msg.hidden = true;
    if (!reason.value) {
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return fail(t('limits.wd.reason') + ': ' + t('errors.value.required'));
    }
    reason.removeAttribute('aria-invalid');
    confirmBox.hidden = false;
    start.classList.add('hidden'); // (the buttons' style outranks the hidden attribute)
    confirmBox.querySelector('[data-action="withdraw-yes"]').focus();
  });
  const cancel = () => {
    confirmBox.hidden = true;
    start.classList.remove('hidden');
    start.focus();
  };
  const yes = async () => {
    const r = await api('POST', '/cases/' + encodeURIComponent(code) + '/withdraw', { reason: reason.value });
    if (r.status !== 200) {
      cancel();
      return fail(errorText(r.data));
    }
    notify(t('limits.wd.done'));
    go(location.hash);
  };
  confirmBox.append(h('p', { id: 'withdraw-question' }, t('limits.wd.confirm_q', { code })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'danger', 'data-action': 'withdraw-yes', 'aria-describedby': 'withdraw-question', on: { click: yes } }, t('limits.wd.confirm')),
      h('button', { type: 'button', 'data-action': 'withdraw-cancel', on: { click: cancel } }, t('limits.wd.cancel'))));
  return h('section', { id: 'sec-withdraw' }, h('h2', {}, t('limits.wd.title')),
    h('p', { class: 'hint' }, t('limits.wd.hint')),
    formField('withdraw_reason', 'limits.wd.reason', reason),
    msg, h('div', { class: 'actions' }, start), confirmBox);
}
