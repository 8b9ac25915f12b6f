// referral-phone.js — an answer the recipient gave by phone, on the referral pages
// (referrals.js): the sending side records "accepted" or "declined" (with a reason) while
// the referral waits for its answer, when the referral's "may" list holds
// "referral.phone_answer"; the status then reads "Accepted (by phone, recorded by the
// sender)" everywhere, the history names who recorded it, and a recipient on Qorgau is
// told that the sending organisation recorded its answer given by phone.
import { api, apiError, formError, formField, formMessage, h, label, markSaved, messages, select, t, watchUnsaved } from '../core.js';

// The texts of this module; referrals.js waits for them with its own.
export const phoneReady = messages('refphone');

// The key of the page just saved, so that the page drawn again shows "saved" by the status.
let justSaved = '';

// A referral's status for people: with "(by phone, recorded by the sender)" when the
// sending side recorded the recipient's answer given by phone (r.by_phone).
export function statusLabel(r) {
  const s = label('referral_status', r.status);
  return r.by_phone ? `${s} ${t('refphone.suffix')}` : s;
}

// Who made a history entry: the login, "by reply code", or "<login>, by phone" (recorded
// by the sender).
export function historyBy(ev) {
  if (ev.via_code) return t('ref.via_code');
  if (ev.by_phone) return t('refphone.recorded_by', { by: ev.by || '' });
  return ev.by || '';
}

// The notice under a referral's summary when its answer was recorded by phone (null when
// not), with "saved" beside it right after the sender recorded it.
export function byPhoneNotice(x, sender) {
  if (!x.by_phone) return null;
  const box = h('div', { class: 'notice by-phone', id: 'by-phone' },
    h('p', {}, t(sender ? 'refphone.notice_sender' : 'refphone.notice_recipient')));
  if (justSaved === x.ref) {
    justSaved = '';
    const note = h('p', { class: 'saved-note', role: 'status', tabindex: '-1' }, t('refphone.saved'));
    box.append(note);
    setTimeout(() => note.focus(), 0);
  }
  return box;
}

// The sender's form to record the answer given by phone, or null when the referral's
// "may" list does not allow it; onDone() draws the page again.
export function phoneAnswerForm(x, onDone) {
  if (!(Array.isArray(x.may) && x.may.includes('referral.phone_answer'))) return null;
  // the two answers say what the referral's status will say
  const radio = (value) => {
    const id = `f-phone-${value}`;
    return h('div', { class: 'check' },
      h('input', { type: 'radio', name: 'answer', id, value }), h('label', { for: id }, label('referral_status', value)));
  };
  const reason = select('referral_reason');
  const reasonField = formField('reason', 'ref.reason', reason, 'refphone.reason_hint');
  const form = h('form', { class: 'phone-answer', novalidate: true },
    h('h2', { id: 'phone-answer-title' }, t('refphone.title')),
    h('p', { class: 'hint' }, t('refphone.hint')),
    h('fieldset', { class: 'checks', name: 'answer', 'data-field': 'answer' },
      h('legend', {}, t('refphone.answer')),
      radio('accepted'), radio('declined'),
      h('p', { class: 'msg' })),
    reasonField,
    formField('note', 'ref.action_note', h('textarea', { maxlength: 2000, rows: 2 }), 'refphone.note_hint'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-action': 'record-phone-answer' }, t('refphone.record'))));
  const chosen = () => (form.querySelector('input[name="answer"]:checked') || {}).value || '';
  const sync = () => { reasonField.hidden = chosen() !== 'declined'; };
  form.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const answer = chosen();
    if (!answer) return formMessage(form, t('refphone.answer_needed'), 'answer');
    if (answer === 'declined' && !reason.value) return formMessage(form, t('ref.reason_needed'), 'reason');
    const body = { answer, version: x.version };
    if (answer === 'declined') body.reason = reason.value;
    const note = form.querySelector('[name="note"]').value;
    if (note.trim()) body.note = note;
    const res = await api('POST', `/api/v1/referrals/${encodeURIComponent(x.ref)}/phone-answer`, body);
    if (res.status === 200) {
      markSaved(form);
      justSaved = x.ref;
      onDone();
      return;
    }
    const err = apiError(res);
    if (res.status === 409 && err.field === 'status') formMessage(form, t('refphone.already'), null);
    else if (res.status === 409 && err.field === 'version') formMessage(form, t('ref.changed'), null);
    else formError(form, res);
  });
  watchUnsaved(form);
  return form;
}
