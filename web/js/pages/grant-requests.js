// grant-requests.js — temporary access across organisations (#/grant-requests, GET
// /grant-requests; docs: /work/spec/api-15-glass.md): "To decide" (a supervisor of the
// organisation that holds a case approves another organisation's access request with a
// scope — the emergency fields only by default, or the whole case read-only — and hours, or
// refuses it with a note), "Emergency accesses to review" (the holder's supervisors review an
// emergency access, optionally ending it), and "My requests" (the requester's own requests
// and accesses: state in words, expiry, open the case, withdraw or end). Shown to those who
// may grant.decide or case.break_glass; the words of a grant (state, scope, kind) are
// exported for the case page, home, tasks and the auditor's report.
import { api, clear, errorText, fmtDateTime, formField, h, may, messages, navItem, notify, pageTitle, refreshNavCounts, route, showErrors, t } from '../core.js';
import { workCounts } from './home.js';

export const grantsReady = messages('grants');

// The holder's supervisors: requests to decide and emergency accesses to review.
async function waitingForMe() {
  const d = await workCounts();
  const g = d.grant_requests || {};
  return (g.to_decide || 0) + (g.to_review || 0);
}

navItem('#/grant-requests', 'gr.nav', ['grant.decide', 'case.break_glass'], { count: waitingForMe, countKey: 'gr.nav_waiting' });

// A person of a grant ({id, name, login?}) as their name.
export function who(p) {
  return p ? p.name || p.login || '' : '';
}

// The grant's state in words ("Active until 07.12.2026 18:00" for an active one).
export function stateText(g) {
  if (!g || !g.state) return '';
  if (g.state === 'active' && g.expires_at) return t('gr.st.active_until', { at: fmtDateTime(g.expires_at) });
  return t('gr.st.' + g.state);
}

// What the grant shows, in words.
export function scopeText(scope) {
  return scope === 'full' || scope === 'emergency' ? t('gr.scope.' + scope) : t('gr.scope.none');
}

export function kindText(g) {
  return t(g && g.emergency ? 'gr.kind.emergency' : 'gr.kind.request');
}

function casePath(code, rest) {
  return '/cases/' + encodeURIComponent(code) + (rest || '');
}

function row(key, value) {
  if (value === undefined || value === null || value === '') return null;
  return [h('dt', {}, t(key)), h('dd', {}, value)];
}

// The facts of a grant as a definition list (the case code, who asked and from where, …).
function facts(g, extra) {
  const by = g.requested_by || {};
  return h('dl', { class: 'summary grant-facts' },
    row('gr.kind', kindText(g)),
    row('gr.requested_by', by.org && by.org.name ? t('gr.person_org', { name: who(by), org: by.org.name }) : who(by)),
    row('gr.reason', typeof g.reason === 'string' ? h('span', { class: 'pre' }, g.reason) : ''),
    row('gr.hours', g.hours ? t('gr.hours_n', { n: g.hours }) : ''),
    row('gr.requested_at', fmtDateTime(g.requested_at)),
    ...(extra || []));
}

// The result of an action in place of its form: a status line that takes the focus.
function done(card, text) {
  const note = h('p', { class: 'saved-note', role: 'status', tabindex: '-1' }, text);
  const form = card.querySelector('form');
  if (form) form.replaceWith(note);
  else card.append(note);
  card.classList.add('done');
  note.focus();
  refreshNavCounts();
}

// A radio choice with its explanation (read with it: aria-describedby).
function choice(name, value, labelKey, hintKey, checked, idBase) {
  const id = idBase + '-' + value;
  const input = h('input', { type: 'radio', name, id, value, checked, 'aria-describedby': id + '-hint' });
  return h('div', { class: 'choice explained' }, input,
    h('div', {}, h('label', { for: id }, t(labelKey)), h('p', { class: 'hint', id: id + '-hint' }, t(hintKey))));
}

// ---- to decide ------------------------------------------------------------------------

function decideCard(g) {
  const base = 'f-decide-' + g.id;
  const hours = h('input', { type: 'number', min: '1', max: String(g.hours || 72), step: '1', inputmode: 'numeric', class: 'short', value: String(g.hours || '') });
  const note = h('textarea', { rows: '2', maxlength: '1000' });
  const form = h('form', { novalidate: true, 'aria-label': t('gr.decide_label', { code: g.case }) },
    h('fieldset', { class: 'choices', name: 'scope', 'data-field': 'scope' },
      h('legend', {}, t('gr.decide_scope')),
      choice('scope', 'emergency', 'gr.scope.emergency', 'gr.decide_scope_emergency_hint', true, base),
      choice('scope', 'full', 'gr.scope.full', 'gr.decide_scope_full_hint', false, base),
      h('p', { class: 'msg' })),
    formField('hours', 'gr.decide_hours', hours),
    formField('note', 'gr.decide_note', note, 'gr.decide_note_hint'),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', value: 'approve', 'data-action': 'approve' }, t('gr.approve')),
      h('button', { type: 'submit', class: 'danger', value: 'refuse', 'data-action': 'refuse' }, t('gr.refuse'))));
  // the hint under the hours names the hours asked for
  const hoursHint = h('p', { class: 'hint', id: hours.id + '-hint' }, t('gr.decide_hours_hint', { n: g.hours }));
  hours.before(hoursHint);
  hours.setAttribute('aria-describedby', hoursHint.id);
  const card = h('article', { class: 'grant-card', 'data-grant': String(g.id), 'data-code': g.case },
    h('h3', {}, h('span', { class: 'code' }, g.case)), facts(g), form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const refuse = ev.submitter && ev.submitter.value === 'refuse';
    const text = note.value.trim();
    let body;
    if (refuse) body = text ? { note: text } : {}; // none: the server names the note that is missing
    else {
      body = { scope: (form.querySelector('input[name="scope"]:checked') || {}).value || 'emergency' };
      if (hours.value.trim() !== '') body.hours = Number(hours.value);
      if (text) body.note = text;
    }
    const r = await api('POST', '/grant-requests/' + encodeURIComponent(g.id) + (refuse ? '/refuse' : '/approve'), body);
    if (r.status !== 200) return showErrors(form, r.data);
    const ans = (r.data && r.data.grant) || {};
    const name = who(g.requested_by);
    if (refuse) done(card, t('gr.refused', { name }));
    else done(card, t((ans.scope || body.scope) === 'full' ? 'gr.approved.full' : 'gr.approved.emergency', { name, at: fmtDateTime(ans.expires_at) }));
  });
  return card;
}

// ---- to review ------------------------------------------------------------------------

function reviewCard(g) {
  const end = h('input', { type: 'checkbox', name: 'end', id: 'f-review-end-' + g.id });
  const form = h('form', { novalidate: true, 'aria-label': t('gr.review_label', { code: g.case }) },
    formField('note', 'gr.review_note', h('textarea', { rows: '2', maxlength: '1000' }), 'gr.review_note_hint'),
    h('div', { class: 'field check', 'data-field': 'end' }, end, h('label', { for: end.id }, t('gr.review_end')), h('p', { class: 'msg' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'review' }, t('gr.review'))));
  const card = h('article', { class: 'grant-card', 'data-grant': String(g.id), 'data-code': g.case },
    h('h3', {}, h('span', { class: 'code' }, g.case)),
    facts(g, [row('gr.granted_at', fmtDateTime(g.granted_at)), row('gr.state', stateText(g)), row('gr.scope', scopeText(g.scope))]),
    form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { end: end.checked };
    const text = form.querySelector('[name="note"]').value.trim();
    if (text) body.note = text;
    const r = await api('POST', '/grant-requests/' + encodeURIComponent(g.id) + '/review', body);
    if (r.status !== 200) return showErrors(form, r.data);
    const ans = (r.data && r.data.grant) || {};
    const ended = end.checked || (ans.state && ans.state !== 'active');
    done(card, ended ? t('gr.reviewed_ended') : t('gr.reviewed', { at: fmtDateTime(ans.expires_at || g.expires_at) }));
  });
  return card;
}

// ---- mine -----------------------------------------------------------------------------

function mineCard(g, reload) {
  const org = g.case_org && g.case_org.name;
  const active = g.state === 'active';
  const acts = h('div', { class: 'actions' });
  if (active) acts.append(h('a', { class: 'button primary', href: '#/case/' + encodeURIComponent(g.case), 'data-action': 'open-case' }, t('gr.open_case')));
  if (active || g.state === 'requested') {
    const btn = h('button', { type: 'button', class: 'danger', 'data-action': active ? 'end-access' : 'withdraw' }, t(active ? 'gr.end' : 'gr.withdraw'));
    btn.addEventListener('click', async () => {
      const r = await api('DELETE', casePath(g.case, '/break-glass'));
      if (r.status !== 204 && r.status !== 200) {
        for (const old of acts.querySelectorAll('.errors')) old.remove();
        const msg = h('p', { class: 'errors', role: 'alert', tabindex: '-1' }, errorText(r.data));
        acts.prepend(msg);
        msg.focus();
        return;
      }
      notify(t(active ? 'gr.ended_done' : 'gr.withdrawn_done', { code: g.case }));
      await reload(g.id);
    });
    acts.append(btn);
  }
  const decided = g.decided_by ? who(g.decided_by) + (g.decided_at ? ', ' + fmtDateTime(g.decided_at) : '') : '';
  return h('article', { class: ['grant-card', 'state-' + g.state], 'data-grant': String(g.id), 'data-code': g.case, 'data-state': g.state },
    h('h3', {}, h('span', { class: 'code' }, g.case)),
    h('p', { class: 'grant-state' }, h('strong', {}, stateText(g))),
    h('dl', { class: 'summary grant-facts' },
      row('gr.kind', kindText(g)),
      row('gr.holder', org || ''),
      row('gr.scope', g.scope ? scopeText(g.scope) : ''),
      row('gr.reason', typeof g.reason === 'string' ? h('span', { class: 'pre' }, g.reason) : ''),
      row('gr.requested_at', fmtDateTime(g.requested_at)),
      row('gr.expires_at', g.expires_at && (active || g.state === 'expired') ? fmtDateTime(g.expires_at) : ''),
      row('gr.decided_by', decided),
      row('gr.note', typeof g.note === 'string' && g.note ? h('span', { class: 'pre' }, g.note) : '')),
    acts.children.length ? acts : null);
}

// ---- the page -------------------------------------------------------------------------

function section(id, titleKey, hintKey) {
  return h('section', { id: 'sec-' + id, 'aria-labelledby': 'h-' + id },
    h('h2', { id: 'h-' + id }, t(titleKey)), hintKey ? h('p', { class: 'hint' }, t(hintKey)) : null);
}

route('#/grant-requests', async (el) => {
  await grantsReady;
  el.append(pageTitle('gr.title'), h('p', { class: 'hint' }, t('gr.intro')));
  const box = h('div');
  el.append(box);
  // focusId: after a change in "my requests", the focus goes back to that card
  const load = async (focusId) => {
    const r = await api('GET', '/grant-requests');
    clear(box);
    if (r.status !== 200) return box.append(h('p', { class: 'errors', role: 'alert' }, r.data && r.data.error ? errorText(r.data) : t('gr.load_failed')));
    const d = r.data || {};
    if (may('grant.decide')) {
      const s = section('to-decide', 'gr.to_decide');
      const list = d.to_decide || [];
      s.append(...(list.length ? list.map(decideCard) : [h('p', { class: 'muted' }, t('gr.to_decide_none'))]));
      const s2 = section('to-review', 'gr.to_review');
      const list2 = d.to_review || [];
      s2.append(...(list2.length ? list2.map(reviewCard) : [h('p', { class: 'muted' }, t('gr.to_review_none'))]));
      box.append(s, s2);
    }
    if (may('case.break_glass')) {
      const s = section('mine', 'gr.mine', 'gr.mine_hint');
      const list = d.mine || [];
      s.append(...(list.length ? list.map((g) => mineCard(g, load)) : [h('p', { class: 'muted' }, t('gr.mine_none'))]));
      box.append(s);
    }
    if (focusId !== undefined) {
      const card = box.querySelector(`#sec-mine [data-grant="${CSS.escape(String(focusId))}"] .grant-state`);
      if (card) {
        card.tabIndex = -1;
        card.focus();
      }
      refreshNavCounts();
    }
  };
  await load();
});
