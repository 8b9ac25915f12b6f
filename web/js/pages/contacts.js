// contacts.js — contact requests (#/contacts, issue 14): when registering a child answers
// that the IIN is already registered, a worker (or their supervisor) may ask the holding
// organisation's supervisors to contact them. A request carries no personal data: the
// case code (to the holder only), the organisations, who sent it and when, and the
// answer. The page shows the requests that came in (the holder's supervisors, who answer
// them: will refer the child, will call, declined), those the user's organisation sent
// (the holder "not named" when the names did not match), and, for supervisors, the
// duplicate answers their organisation's users got, with "send a contact request" where
// none was sent. Also the contact-request block and the navigation count used by home.js.
import { api, clear, errorText, fmtDateTime, h, personLabel, may, messages, navItem, pageTitle, refreshNavCounts, route, t } from '../core.js';
import { workCounts } from './home.js';

const ready = messages('contacts');

// Incoming contact requests not answered yet (GET /home?counts=1; 0 when it does not say).
export async function waitingRequests() {
  const d = await workCounts();
  return Number(d.contact_requests_waiting) || 0;
}

navItem('#/contacts', 'contacts.nav', ['contact.answer', 'case.create'],
  { count: waitingRequests, countKey: 'contacts.nav_waiting' });

const when = fmtDateTime;
const who = personLabel;

const ANSWERS = ['will_refer', 'will_call', 'declined'];

function answerText(a) {
  if (!a) return h('span', { class: 'muted', 'data-answer': 'none' }, t('contacts.no_answer'));
  return h('span', { 'data-answer': a.code },
    h('strong', {}, t('contacts.answer.' + a.code)), ' — ' + who(a.by) + ', ' + when(a.at));
}

function td(key, ...kids) {
  return h('td', { 'data-label': t(key) }, ...kids);
}

function table(id, captionKey, cols, rows) {
  return h('table', { class: 'list', id },
    h('caption', { class: 'sr-only' }, t(captionKey)),
    h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, rows));
}

// The answer cell of an incoming request: the three answers as buttons while none is given.
function answerCell(r, refresh) {
  const cell = td('contacts.col.answer');
  function draw(req, justAnswered) {
    clear(cell);
    if (req.answer) {
      cell.append(answerText(req.answer));
      if (justAnswered) {
        const note = h('p', { class: 'saved-note', role: 'status', tabindex: '-1' }, t('contacts.answered'));
        cell.append(note);
        note.focus();
      }
      return;
    }
    const msg = h('p', { class: 'msg', role: 'alert' });
    const group = h('div', { class: 'row-actions', role: 'group', 'aria-label': t('contacts.answer_group', { code: req.case || '' }) },
      ANSWERS.map((code) => h('button', { type: 'button', class: code === 'declined' ? null : 'primary', 'data-action': 'answer-' + code,
        on: { click: async () => {
          const res = await api('POST', '/contact-requests/' + encodeURIComponent(req.id) + '/answer', { answer: code });
          if (res.status === 200) {
            draw(res.data.request, true);
            refresh();
          } else msg.textContent = errorOf(res);
        } } }, t('contacts.answer_button.' + code))));
    cell.append(group, msg);
  }
  draw(r, false);
  return cell;
}

function errorOf(res) {
  return errorText(res.data);
}

function incomingRows(list, refresh) {
  return list.map((r) => h('tr', { 'data-request': String(r.id) },
    td('contacts.col.case', r.case ? h('a', { href: '#/case/' + encodeURIComponent(r.case), class: 'code', 'data-action': 'open-case' }, r.case) : '—'),
    td('contacts.col.from', (r.from_org && r.from_org.name) || ''),
    td('contacts.col.sent_by', who(r.sent_by)),
    td('contacts.col.when', when(r.sent_at)),
    answerCell(r, refresh)));
}

function outgoingRows(list) {
  return list.map((r) => h('tr', { 'data-request': String(r.id) },
    td('contacts.col.to', r.to_org ? r.to_org.name : h('span', { class: 'muted' }, t('contacts.not_named'))),
    td('contacts.col.sent_by', who(r.sent_by)),
    td('contacts.col.when', when(r.sent_at)),
    td('contacts.col.answer', answerText(r.answer))));
}

// Sends a contact request about an IIN duplicate answer (attempt: its 32-hex id); answers
// {ok, text} for the page to show.
export async function sendRequest(attempt) {
  const r = await api('POST', '/contact-requests', { attempt });
  if (r.status === 201) return { ok: true, request: r.data.request };
  return { ok: false, text: errorOf(r), reason: r.data && r.data.error && r.data.error.reason };
}

// The warning when the IIN is registered already (409 iin.duplicate with "existing", on
// the new-case form and the personal-data form): a case the user may see is named with a
// link; a holding organisation named (the given and family names matched too) comes with
// "ask them to contact us", a contact request that carries no personal data; else only
// "ask your supervisor". texts: {title, code, next}, already translated (the form's own).
export function iinTakenWarning(err, texts) {
  const existing = err.existing || {};
  const parts = [h('p', { id: 'existing-title' }, h('strong', {}, texts.title))];
  if (existing.code) {
    parts.push(h('p', {}, texts.code, ' ',
      h('a', { href: '#/case/' + encodeURIComponent(existing.code), class: 'code', 'data-action': 'open-existing' }, existing.code)));
  } else if (existing.org && existing.org.name) {
    const org = existing.org.name;
    const result = h('div', { class: 'contact-result' });
    const ask = h('button', { type: 'button', class: 'primary', 'data-action': 'ask-contact', on: { click: async () => {
      ask.disabled = true;
      const s = await sendRequest(err.attempt);
      clear(result);
      if (s.ok || s.reason === 'contact.already_sent') {
        ask.remove();
        const note = h('p', { class: 'saved-note', role: 'status', tabindex: '-1', 'data-sent': 'yes' }, t('contacts.sent_to', { org }));
        result.append(note, h('p', {}, h('a', { href: '#/contacts', 'data-action': 'go-contacts' }, t('contacts.see_answer'))));
        note.focus();
      } else {
        ask.disabled = false;
        result.append(h('p', { class: 'errors', role: 'alert' }, s.text));
      }
    } } }, t('contacts.ask', { org }));
    parts.push(h('p', { 'data-existing': 'org' }, t('contacts.held_by', { org })),
      h('p', { class: 'hint' }, t('contacts.ask_hint')), h('div', { class: 'actions' }, ask), result);
  } else parts.push(h('p', { 'data-existing': 'unnamed' }, t('contacts.ask_supervisor')));
  if (texts.next) parts.push(h('p', {}, texts.next));
  return h('div', { class: 'warning', role: 'alert', id: 'existing-case', tabindex: '-1', 'aria-labelledby': 'existing-title' }, parts);
}

function attemptRows(list, reload) {
  return list.map((a) => {
    const cell = td('contacts.col.request');
    if (a.request_sent) cell.append(h('span', { 'data-sent': 'yes' }, t('contacts.request_sent')));
    else {
      const msg = h('p', { class: 'msg', role: 'alert' });
      cell.append(h('button', { type: 'button', 'data-action': 'send-request', on: { click: async () => {
        const s = await sendRequest(a.id);
        if (s.ok || s.reason === 'contact.already_sent') {
          clear(cell);
          const note = h('p', { class: 'saved-note', role: 'status', tabindex: '-1', 'data-sent': 'yes' }, t('contacts.sent'));
          cell.append(note);
          note.focus();
          reload();
        } else msg.textContent = s.text;
      } } }, t('contacts.send')), msg);
    }
    return h('tr', { 'data-attempt': a.id, 'data-named': a.org_named ? 'yes' : 'no' },
      td('contacts.col.user', who(a.user)),
      td('contacts.col.when', when(a.at)),
      td('contacts.col.org_named', a.org_named ? t('contacts.named_yes') : t('contacts.named_no')),
      cell);
  });
}

route('#/contacts', async (el) => {
  await ready;
  const supervisor = may('contact.answer');
  el.append(pageTitle('contacts.title'), h('p', {}, t(supervisor ? 'contacts.intro_sup' : 'contacts.intro')));
  const inBox = h('div');
  const outBox = h('div');
  const attBox = h('div');
  if (supervisor) {
    el.append(h('section', { 'aria-labelledby': 'contacts-in', 'data-block': 'incoming' },
      h('h2', { id: 'contacts-in' }, t('contacts.incoming')), inBox));
  }
  el.append(h('section', { 'aria-labelledby': 'contacts-out', 'data-block': 'outgoing' },
    h('h2', { id: 'contacts-out' }, t('contacts.outgoing')), outBox));
  if (supervisor) {
    el.append(h('section', { 'aria-labelledby': 'contacts-att', 'data-block': 'attempts' },
      h('h2', { id: 'contacts-att' }, t('contacts.attempts')), h('p', { class: 'hint' }, t('contacts.attempts_hint')), attBox));
  }

  async function loadRequests() {
    const r = await api('GET', '/contact-requests');
    clear(inBox);
    clear(outBox);
    if (r.status !== 200) {
      outBox.append(h('p', { class: 'errors', role: 'alert' }, t('contacts.load_failed')));
      return;
    }
    const inc = r.data.incoming || [];
    const out = r.data.outgoing || [];
    if (supervisor) {
      inBox.append(inc.length
        ? table('contacts-incoming', 'contacts.incoming', ['contacts.col.case', 'contacts.col.from', 'contacts.col.sent_by', 'contacts.col.when', 'contacts.col.answer'],
          incomingRows(inc, refreshNavCounts))
        : h('p', { class: 'muted' }, t('contacts.incoming_none')));
    }
    outBox.append(out.length
      ? table('contacts-outgoing', 'contacts.outgoing', ['contacts.col.to', 'contacts.col.sent_by', 'contacts.col.when', 'contacts.col.answer'], outgoingRows(out))
      : h('p', { class: 'muted' }, t('contacts.outgoing_none')));
  }

  async function loadAttempts() {
    const r = await api('GET', '/duplicate-attempts');
    clear(attBox);
    if (r.status !== 200) {
      attBox.append(h('p', { class: 'errors', role: 'alert' }, t('contacts.load_failed')));
      return;
    }
    const list = r.data.attempts || [];
    attBox.append(list.length
      ? table('contacts-attempts', 'contacts.attempts', ['contacts.col.user', 'contacts.col.when', 'contacts.col.org_named', 'contacts.col.request'],
        attemptRows(list, async () => {
          // the new request appears among the outgoing ones; the focus stays on "sent"
          const r2 = await api('GET', '/contact-requests');
          if (r2.status === 200) {
            clear(outBox);
            const out = r2.data.outgoing || [];
            outBox.append(table('contacts-outgoing', 'contacts.outgoing', ['contacts.col.to', 'contacts.col.sent_by', 'contacts.col.when', 'contacts.col.answer'], outgoingRows(out)));
          }
        }))
      : h('p', { class: 'muted' }, t('contacts.attempts_none')));
  }

  await Promise.all([loadRequests(), supervisor ? loadAttempts() : null]);
});
