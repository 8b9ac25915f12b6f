// case-needs.js — the case page's "Urgent needs" section (needsSection, mounted by
// case.js): the urgent needs the screenings suggested, each open or addressed (how: a
// referral, a service of our organisation, or not needed after all with a reason; on
// which day; who marked it), with "Mark as addressed" and "Mark as open again" for those
// the case's "may" list lets update the case ("case.update"). The summary line counts the
// open needs before the section is opened (the case answer's "needs_count"); the list is
// read afresh each time it opens, so a screening saved meanwhile shows its needs.
import { api, errorText, apiError, caseMay, clear, dateInput, fmtDate, formError, formField, formMessage, h, label, markSaved, messages, parseDate, select, t, today, vocab, watchUnsaved } from '../core.js';
import { savedNote } from './case-forms.js';

const M = 'needs';

// The section's texts; case.js waits for them before it builds its index of sections.
export const needsReady = messages(M);

function needsPath(code, need) {
  const base = `/cases/${encodeURIComponent(code)}/needs`;
  return need ? `${base}/${encodeURIComponent(need)}/addressed` : base;
}

// "Addressed: a referral was made — 05.12.2026, np.a.cm" (the reason after "not needed").
function addressedText(a) {
  const how = label('need_how', a.how) + (a.reason ? ` (${label('need_reason', a.reason)})` : '');
  const when = [fmtDate(a.on), a.by].filter(Boolean).join(', ');
  return t('needs.addressed_as', { how, when });
}

// The form that marks need addressed; onSaved(need) gets the server's answer.
function addressForm(code, need, onSaved, onCancel) {
  const how = select('need_how', { required: true });
  const reason = select('need_reason');
  const reasonField = formField('reason', 'needs.reason', reason, 'needs.reason_hint');
  const on = dateInput(today());
  const form = h('form', { class: 'need-form', novalidate: true, 'data-need': need },
    formField('how', 'needs.how', how),
    reasonField,
    formField('on', 'needs.on', on, 'needs.on_hint'),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', 'data-action': 'save-need' }, t('needs.save')),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'cancel-need', on: { click: onCancel } }, t('needs.cancel'))));
  const sync = () => { reasonField.hidden = how.value !== 'not_needed'; };
  how.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!how.value) return formMessage(form, t('needs.how_needed'), 'how');
    if (how.value === 'not_needed' && !reason.value) return formMessage(form, t('needs.reason_needed'), 'reason');
    const body = { how: how.value };
    if (how.value === 'not_needed') body.reason = reason.value;
    const typed = on.value.trim();
    if (typed) {
      const iso = parseDate(typed);
      if (!iso) return formMessage(form, t('needs.on_invalid'), 'on');
      body.on = iso;
    }
    const res = await api('POST', needsPath(code, need), body);
    if (res.status === 200) {
      markSaved(form);
      onSaved(res.data);
    } else if (res.status === 400 && apiError(res).field === 'on') {
      formMessage(form, t('needs.on_invalid'), 'on');
    } else formError(form, res);
  });
  watchUnsaved(form);
  return form;
}

// One need as a list item, with its buttons when the user may change it.
function needItem(code, n, mayUpdate, refresh) {
  const li = h('li', { class: ['need', n.status === 'addressed' ? 'addressed' : 'open'], 'data-need': n.need, 'data-status': n.status });
  const render = (saved) => {
    clear(li);
    li.className = ['need', n.status === 'addressed' ? 'addressed' : 'open'].join(' ');
    li.dataset.status = n.status;
    const state = n.status === 'addressed'
      ? h('span', { class: 'need-state ok' }, addressedText(n.addressed))
      : h('strong', { class: 'need-state flag' }, t('needs.open'));
    li.append(h('p', { class: 'need-name' }, h('strong', {}, label('need', n.need)), ' — ', state),
      h('p', { class: 'hint' }, t('needs.suggested', { n: n.screening, on: fmtDate(n.suggested_at) })));
    if (mayUpdate) {
      const buttons = h('div', { class: 'actions' });
      if (n.status === 'open') {
        buttons.append(h('button', { type: 'button', 'data-action': 'address-need', on: { click: () => {
          const form = addressForm(code, n.need, (fresh) => {
            Object.assign(n, fresh);
            render(t('needs.saved_addressed'));
            refresh();
          }, () => {
            render();
            li.querySelector('[data-action="address-need"]').focus();
          });
          buttons.replaceWith(form);
          form.querySelector('select').focus();
        } } }, t('needs.mark')));
      } else {
        buttons.append(h('button', { type: 'button', class: 'secondary', 'data-action': 'reopen-need', on: { click: async (ev) => {
          const res = await api('DELETE', needsPath(code, n.need));
          if (res.status === 200) {
            Object.assign(n, res.data);
            render(t('needs.saved_open'));
            refresh();
          } else {
            const msg = h('p', { class: 'errors', role: 'alert' }, errorText(res.data));
            ev.target.after(msg);
          }
        } } }, t('needs.reopen')));
      }
      li.append(buttons);
      if (saved) savedNote(buttons, saved);
    }
  };
  render();
  return li;
}

// The counts in the section's heading: "Urgent needs (2 open)".
function headingText(open) {
  return open ? t('needs.title_open', { n: open }) : t('needs.title');
}

// The section for case c (its "may" list decides the buttons); a <details> whose list is
// read every time it opens.
export function needsSection(code, c) {
  // the case answer counts them: the closed section already says how many are open
  const heading = h('h2', { class: 'in-summary' }, headingText(c.needs_count ? c.needs_count.open : 0));
  const body = h('div', { class: 'section-body' });
  const d = h('details', { id: 'sec-needs', class: 'case-section' },
    h('summary', { 'data-action': 'open-needs' }, heading), body);
  const mayUpdate = caseMay(c, 'case.update');
  const counts = async () => {
    const r = await api('GET', needsPath(code));
    if (r.status === 200) heading.textContent = headingText(r.data.open);
    return r;
  };
  const load = async () => {
    clear(body).append(h('p', { class: 'loading' }, t('core.loading')));
    const [r] = await Promise.all([counts(), vocab()]);
    clear(body);
    if (r.status !== 200) return body.append(h('p', { class: 'errors', role: 'alert' }, errorText(r.data)));
    const needs = r.data.needs || [];
    if (!needs.length) return body.append(h('p', {}, t('needs.none')));
    const tally = h('p', { class: 'need-counts', 'aria-live': 'polite' });
    const refresh = () => {
      const open = needs.filter((n) => n.status === 'open').length;
      tally.textContent = t('needs.counts', { open, addressed: needs.length - open });
      heading.textContent = headingText(open);
    };
    refresh();
    body.append(tally, h('ul', { class: 'needs plain' }, needs.map((n) => needItem(code, n, mayUpdate, refresh))));
  };
  d.addEventListener('toggle', () => {
    if (d.open) load().catch((e) => console.error(e));
  });
  return d;
}
