// case.js — one case (#/case/:code): the coded summary, the personal data only after
// the "show" button (GET /personal, audited), the stage with its history and the
// move / close / reopen forms, tasks (case-tasks.js), screenings (screenings.js), the
// four forms (case-forms.js), consent (case-consent.js), referrals (referrals.js) and the
// way to the child's own record; printing is case-print.js's. Sections other than the
// summary and the stage load when opened, so a slow connection fetches only what is
// asked for, and nothing audited is read unless the worker opens it.
import { api, errorText, caseMay, clear, fmtDate, fmtDateTime, formField, formValues, h, label, markSaved, messages, notify, pageTitle, route, select, showErrors, t, vocab, watchUnsaved } from '../core.js';
import { canAssign, editForm, mountAssignments, personalForm } from './case-edit.js';
import { assignableUsers, listLabel, pickerReady, userPicker } from '../picker.js';
import { mountRecords, savedNote } from './case-forms.js';
import { consentSection } from './case-consent.js';
import { needsReady, needsSection } from './case-needs.js';
import { contactSection, profileSections } from './case-people.js';
import { childRecordSection, summaryPrintButton } from './case-print.js';
import { tasksSection } from './case-tasks.js';
import { withdrawnBanner, withdrawReady, withdrawSection } from './case-withdraw.js';
import { grantsReady } from './grant-requests.js';
import { mountReferrals } from './referrals.js';
import { mountScreenings } from './screenings.js';

const ready = messages('case');

const PERSONAL_FIELDS = ['given_name', 'family_name', 'patronymic', 'birth_date', 'iin', 'address', 'phone', 'languages', 'notes', 'criminal_case_number'];

function path(code, rest) {
  return '/cases/' + encodeURIComponent(code) + (rest || '');
}

function errLine(r) {
  return h('p', { class: 'errors', role: 'alert' }, errorText(r.data));
}

// A section that loads its content the first time it is opened.
function lazySection(id, titleKey, load) {
  const body = h('div', { class: 'section-body' });
  const d = h('details', { id: 'sec-' + id, class: 'case-section' },
    h('summary', { 'data-action': 'open-' + id }, h('h2', { class: 'in-summary' }, t(titleKey))), body);
  let loaded = false;
  d.addEventListener('reset-section', () => {
    loaded = false;
    clear(body);
  });
  d.addEventListener('toggle', () => {
    if (d.open && !loaded) {
      loaded = true;
      body.append(h('p', { class: 'loading' }, t('core.loading')));
      Promise.resolve(load(body)).catch((e) => console.error(e));
    }
  });
  return d;
}

function dlRow(key, value) {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return null;
  return [h('dt', {}, t(key)), h('dd', {}, value)];
}

function labels(list, codes) {
  return (codes || []).map((c) => label(list, c)).join(', ');
}

function yesNo(v) {
  return v === undefined || v === null ? '' : t(v ? 'core.yes' : 'core.no');
}

function summary(c) {
  const route_ = (c.route || []).map((r) => [label('route_event', r.event), r.place ? (label('region', r.place) !== r.place ? label('region', r.place) : label('country', r.place)) : '', fmtDate(r.on)].filter(Boolean).join(' — '));
  const traffickers = (c.traffickers || []).map((x) => [label('sex', x.sex), label('age_band', x.age_band), label('relation', x.relation), label('trafficker_role', x.role)].filter(Boolean).join(', '));
  const place = c.exploitation_place ? (label('region', c.exploitation_place) !== c.exploitation_place ? label('region', c.exploitation_place) : label('country', c.exploitation_place)) : '';
  return h('dl', { class: 'summary', id: 'case-summary' },
    dlRow('case.f.stage', label('stage', c.stage)),
    dlRow('case.f.status', label('case_status', c.status)),
    dlRow('case.f.sex', label('sex', c.sex)),
    dlRow('case.f.age', c.age_at_identification != null ? String(c.age_at_identification) : ''),
    dlRow('case.f.birth_year', c.birth_year != null ? String(c.birth_year) : ''),
    dlRow('case.f.region', label('region', c.region)),
    dlRow('case.f.citizenship', label('country', c.citizenship)),
    dlRow('case.f.identified_on', fmtDate(c.identified_on)),
    dlRow('case.f.victim_status', label('victim_status', c.victim_status)),
    dlRow('case.f.status_decided_by', label('deciding_body', c.status_decided_by)),
    dlRow('case.f.exploitation_forms', labels('exploitation_form', c.exploitation_forms)),
    dlRow('case.f.exploitation_place', place),
    dlRow('case.f.recruitment_method', label('recruitment_method', c.recruitment_method)),
    dlRow('case.f.exit_method', label('exit_method', c.exit_method)),
    dlRow('case.f.relation_to_trafficker', label('relation', c.relation_to_trafficker)),
    dlRow('case.f.cj_stage', label('cj_stage', c.cj_stage)),
    dlRow('case.f.accompaniment', label('accompaniment', c.accompaniment)),
    dlRow('case.f.interpreter_needed', yesNo(c.interpreter_needed)),
    dlRow('case.f.non_punishment', yesNo(c.non_punishment)),
    dlRow('case.f.services_needed', labels('service', c.services_needed)),
    dlRow('case.f.traffickers', traffickers.length ? h('ul', {}, traffickers.map((x) => h('li', {}, x))) : null),
    dlRow('case.f.route', route_.length ? h('ul', {}, route_.map((x) => h('li', {}, x))) : null),
    dlRow('case.f.case_managers', Array.isArray(c.case_managers) ? c.case_managers.map((m) => m.login).join(', ') || t('core.none') : null),
    dlRow('case.f.has_personal', yesNo(c.has_personal)),
    dlRow('case.f.updated_at', fmtDate(c.updated_at)));
}

// ---- personal data ------------------------------------------------------------------

// The personal data, read only when "show" is pressed (audited); "edit" then opens the
// form that replaces it, guarded by the case's version read before the data.
function personalSection(code, onChange, readOnly) {
  const box = h('div', { id: 'personal-data', 'aria-live': 'polite' });
  const show = h('button', { type: 'button', class: 'primary', 'data-action': 'show-personal' }, t('case.show_personal'));
  const edit = h('button', { type: 'button', class: 'hidden', 'data-action': 'edit-personal' }, t('case.edit_personal'));
  const hide = h('button', { type: 'button', class: 'hidden', 'data-action': 'hide-personal' }, t('case.hide_personal'));
  let p = {};
  let version = 0;
  let voc = {};
  const render = () => {
    clear(box);
    const rows = [];
    for (const k of PERSONAL_FIELDS) {
      let v = p[k];
      if (v === undefined || v === null || v === '') continue;
      if (k === 'birth_date') v = fmtDate(v);
      if (k === 'languages' && Array.isArray(v)) v = v.map((x) => listLabel(voc, 'language', x)); // by name
      if (Array.isArray(v)) v = v.join(', ');
      rows.push(h('dt', {}, t('case.p.' + k)), h('dd', {}, String(v)));
    }
    for (const [k, list] of [['contacts', p.contacts], ['relatives', p.relatives]]) {
      if (!list || !list.length) continue;
      rows.push(h('dt', {}, t('case.p.' + k)), h('dd', {}, h('ul', {}, list.map((x) => h('li', {}, [x.name, x.relation, x.phone, x.notes].filter(Boolean).join(' — '))))));
    }
    box.append(rows.length ? h('dl', { class: 'summary personal' }, rows) : h('p', { class: 'muted' }, t('case.no_personal')));
  };
  const load = async () => {
    [voc] = await Promise.all([vocab(), pickerReady]);
    const c = await api('GET', path(code));
    const r = await api('GET', path(code, '/personal'));
    clear(box);
    if (r.status !== 200) {
      box.append(errLine(r));
      return false;
    }
    version = c.status === 200 ? c.data.version : 0;
    p = r.data.personal || {};
    render();
    return true;
  };
  show.addEventListener('click', async () => {
    if (!(await load())) return;
    show.classList.add('hidden');
    if (!readOnly) edit.classList.remove('hidden');
    hide.classList.remove('hidden');
    hide.focus();
  });
  edit.addEventListener('click', async () => {
    edit.classList.add('hidden');
    const form = await personalForm(code, p, version, async () => {
      await load();
      edit.classList.remove('hidden');
      edit.focus();
      if (onChange) onChange();
    }, () => {
      render();
      edit.classList.remove('hidden');
      edit.focus();
    });
    clear(box);
    box.append(form);
    const first = form.querySelector('input');
    if (first) first.focus();
  });
  hide.addEventListener('click', () => {
    clear(box);
    p = {};
    hide.classList.add('hidden');
    edit.classList.add('hidden');
    show.classList.remove('hidden');
    show.focus();
  });
  return h('section', { id: 'sec-personal' }, h('h2', {}, t('case.personal')), h('p', { class: 'hint' }, t('case.personal_audited')),
    h('div', { class: 'actions' }, show, edit, hide), box);
}

// ---- stage --------------------------------------------------------------------------

// mayClose: the case answer lists "case.close" (close and reopen) for the user.
function stageForms(code, st, reload, mayClose) {
  const out = [];
  if (st.status === 'withdrawn') return out; // read-only (case-withdraw.js)
  if (st.status !== 'closed') {
    const stageSel = select('stage', { required: true });
    for (const o of [...stageSel.options]) if (o.value === st.stage || o.value === 'closure' || o.value === 'identification') o.remove();
    const move = watchUnsaved(h('form', { id: 'form-move', novalidate: true },
      h('h3', {}, t('case.move_title')),
      formField('stage', 'case.move_to', stageSel),
      formField('note', 'case.note', h('textarea', { rows: '3' }), 'case.move_note_hint'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'move-stage' }, t('case.move')))));
    move.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api('POST', path(code, '/stage'), formValues(move));
      if (r.status !== 200 && r.status !== 201) return showErrors(move, r.data);
      markSaved(move);
      await reload();
      savedNote(document.getElementById('current-stage'), t('case.moved'));
    });
    out.push(move);
    if (mayClose) {
      const close = watchUnsaved(h('form', { id: 'form-close', novalidate: true },
        h('h3', {}, t('case.close_title')),
        formField('reason', 'case.close_reason', select('close_reason', { required: true })),
        formField('note', 'case.note', h('textarea', { rows: '3', id: 'f-close-note' }), 'case.close_note_hint'),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger', 'data-action': 'close-case' }, t('case.close')))));
      close.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!window.confirm(t('case.close_confirm'))) return;
        const r = await api('POST', path(code, '/close'), formValues(close));
        if (r.status !== 200) return showErrors(close, r.data);
        markSaved(close);
        await reload();
        savedNote(document.getElementById('current-stage'), t('case.closed'));
      });
      out.push(close);
    }
  } else if (mayClose) {
    const stageSel = select('stage');
    for (const o of [...stageSel.options]) if (['identification', 'exit_assistance', 'closure'].includes(o.value)) o.remove();
    stageSel.options[0].textContent = t('case.reopen_default');
    const reopen = watchUnsaved(h('form', { id: 'form-reopen', novalidate: true },
      h('h3', {}, t('case.reopen_title')),
      formField('note', 'case.reopen_note', h('textarea', { rows: '3', required: true })),
      formField('stage', 'case.reopen_stage', stageSel),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'reopen-case' }, t('case.reopen')))));
    reopen.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api('POST', path(code, '/reopen'), formValues(reopen));
      if (r.status !== 200) return showErrors(reopen, r.data);
      markSaved(reopen);
      await reload();
      savedNote(document.getElementById('current-stage'), t('case.reopened'));
    });
    out.push(reopen);
  }
  return out;
}

async function stageSection(box, code, onChange, mayClose, readOnly) {
  const r = await api('GET', path(code, '/stages'));
  clear(box);
  if (r.status !== 200) return box.append(errLine(r));
  const st = r.data;
  box.append(h('p', { id: 'current-stage' }, t('case.now'), ' ', h('strong', {}, label('stage', st.stage)), ' — ', label('case_status', st.status),
    st.close_reason ? ' (' + label('close_reason', st.close_reason) + (st.closed_on ? ', ' + fmtDate(st.closed_on) : '') + ')' : ''));
  const table = h('table', { class: 'list', id: 'stage-history' });
  const fill = (hist, withNotes) => {
    clear(table);
    table.append(h('thead', {}, h('tr', {}, ['at', 'event', 'from', 'to', 'reason', 'by', 'note'].map((k) => h('th', { scope: 'col' }, t('case.h.' + k))))),
      h('tbody', {}, hist.map((e) => {
        const row = h('tr', {},
          h('td', { 'data-label': t('case.h.at') }, fmtDate(e.at)),
          h('td', { 'data-label': t('case.h.event') }, t('case.event.' + e.event)),
          h('td', { 'data-label': t('case.h.from') }, label('stage', e.from)),
          h('td', { 'data-label': t('case.h.to') }, label('stage', e.to)),
          h('td', { 'data-label': t('case.h.reason') }, e.reason ? label('close_reason', e.reason) : ''),
          h('td', { 'data-label': t('case.h.by') }, e.by || ''),
          h('td', { 'data-label': t('case.h.note') }, e.has_note ? t(withNotes ? 'case.note_below' : 'case.has_note') : ''));
        if (!withNotes || e.note === undefined || e.note === null) return row;
        return [row, h('tr', { class: 'stage-note' }, h('td', { colspan: '7', 'data-label': t('case.h.note') }, String(e.note)))];
      })));
  };
  fill(st.history || [], false);
  box.append(h('h3', {}, t('case.history')), table);
  if ((st.history || []).some((e) => e.has_note)) {
    const show = h('button', { type: 'button', 'data-action': 'show-notes' }, t('case.show_notes'));
    show.addEventListener('click', async () => {
      const n = await api('GET', path(code, '/stages?notes=1'));
      if (n.status !== 200) return show.after(errLine(n));
      fill(n.data.history || [], true);
      show.remove();
      table.focus();
    });
    table.tabIndex = -1;
    box.append(h('p', { class: 'hint' }, t('case.notes_audited')), h('div', { class: 'actions' }, show));
  }
  if (!readOnly) box.append(...stageForms(code, st, onChange, mayClose));
}

// ---- the index of the sections ------------------------------------------------------

// A list of links to the page's sections (each an element with an id "sec-…" and an h2).
// A link opens a closed section, brings it into view and moves the focus to its heading
// (the <summary> of a section that opens), so the keyboard and a screen reader go on
// from there. The hash stays the case's route (the router owns it).
function sectionIndex(sections) {
  const links = sections.map((sec) => {
    const heading = sec.querySelector('h2');
    return h('li', {}, h('a', { href: location.hash, 'data-section': sec.id, on: { click: (ev) => {
      ev.preventDefault();
      const target = sec.tagName === 'DETAILS' ? sec.querySelector('summary') : heading;
      if (sec.tagName === 'DETAILS') sec.open = true;
      else heading.tabIndex = -1;
      target.scrollIntoView({ block: 'start' });
      target.focus({ preventScroll: true });
    } } }, heading ? heading.textContent : sec.id));
  });
  return h('nav', { class: 'section-index', 'aria-label': t('case.sections') }, h('ul', {}, links));
}

// ---- temporary access ---------------------------------------------------------------

// The banner of a case seen through temporary access (c.grant: {id, scope, expires_at}; or
// only the case's may list holding case.break_glass_end), with the button that ends it;
// null for everyone else.
function glassBanner(c, code) {
  if (!c.grant && !caseMay(c, 'case.break_glass_end')) return null;
  const g = c.grant || {};
  const text = g.scope ? t(g.scope === 'full' ? 'gr.banner.full' : 'gr.banner.emergency', { at: fmtDateTime(g.expires_at) }) : t('case.glass_active');
  const end = h('button', { type: 'button', class: 'danger', 'data-action': 'end-access' }, t('case.glass_end'));
  const box = h('div', { class: 'warning', id: 'glass-access' }, h('p', { id: 'glass-text' }, h('strong', {}, text)),
    g.scope === 'emergency' ? h('p', {}, t('gr.banner_directory'), ' ', h('a', { href: '#/services' }, t('gr.directory'))) : null,
    caseMay(c, 'case.break_glass_end') || c.grant ? h('div', { class: 'actions' }, end) : null);
  end.addEventListener('click', async () => {
    const u = await api('DELETE', path(code, '/break-glass'));
    if (u.status === 204 || u.status === 200) {
      notify(t('case.glass_ended'));
      window.location.hash = '#/grant-requests';
    } else {
      for (const old of box.querySelectorAll('.errors')) old.remove();
      const msg = h('p', { class: 'errors', role: 'alert', tabindex: '-1' }, errorText(u.data));
      box.append(msg);
      msg.focus();
    }
  });
  return box;
}

// The organisation that holds a case seen through temporary access (whom to reach).
function holderLine(c) {
  const org = c.case_org || c.org || null;
  const name = org && typeof org === 'object' ? org.name : '';
  return name ? h('p', { id: 'case-holder' }, t('gr.holder') + ': ', h('strong', {}, name)) : null;
}

// ---- the page -----------------------------------------------------------------------

route('#/case/:code', async (el, params) => {
  await Promise.all([ready, needsReady, withdrawReady, grantsReady]);
  const code = params.code;
  el.append(pageTitle('case.title', { code }));
  const r = await api('GET', path(code));
  if (r.status !== 200) {
    el.append(errLine(r), h('p', {}, h('a', { href: '#/cases' }, t('case.back'))));
    return;
  }
  const c = r.data;
  const sumBox = h('section', { id: 'sec-summary' }, h('h2', {}, t('case.summary')), summaryPrintButton(code), summary(c));
  const stageBox = h('div');
  const stageSec = h('section', { id: 'sec-stage' }, h('h2', {}, t('case.stage')), stageBox);
  const assignBox = h('div');
  let mayClose = caseMay(c, 'case.close');
  const assignSec = canAssign(c) ? h('section', { id: 'sec-managers' }, h('h2', {}, t('case.managers')), assignBox) : null;
  const refreshSummary = async () => {
    const u = await api('GET', path(code));
    if (u.status === 200) {
      sumBox.replaceChild(summary(u.data), sumBox.querySelector('#case-summary'));
      if (assignSec) mountAssignments(assignBox, u.data, refreshSummary);
      mayClose = caseMay(u.data, 'case.close');
    }
    await stageSection(stageBox, code, refreshSummary, mayClose);
  };
  // the coded fields' form reads the case afresh when opened (its version guards the change)
  const editSec = lazySection('edit', 'case.edit', async (b) => {
    const u = await api('GET', path(code));
    clear(b);
    if (u.status !== 200) return b.append(errLine(u));
    b.append(await editForm(u.data, () => {
      refreshSummary();
      editSec.open = false;
      editSec.dispatchEvent(new Event('reset-section'));
    }));
  });
  const screenBox = h('div');
  const refBox = h('div');
  // a user who sees the case only through temporary access: the banner says how much and until
  // when, with the button that ends it; with the emergency fields only, the page holds only
  // the fields the answer has (no sections, no forms)
  const glass = glassBanner(c, code);
  if (c.grant) {
    const onlyEmergency = c.grant.scope !== 'full';
    const shown = onlyEmergency
      ? [h('section', { id: 'sec-summary' }, h('h2', {}, t('case.summary')), holderLine(c), summary(c)), personalSection(code, null, true)]
      : [sumBox, ...profileSections(c, lazySection, null), personalSection(code, null, true), contactSection(c, lazySection), stageSec,
        lazySection('tasks', 'case.tasks', (b) => tasksSection(b, code, c)), needsSection(code, c),
        lazySection('consent', 'case.consent', (b) => consentSection(b, code, c))].filter(Boolean);
    el.append(...[h('p', {}, h('a', { href: '#/grant-requests' }, t('gr.nav'))), glass, ...shown].filter(Boolean));
    if (!onlyEmergency) await stageSection(stageBox, code, refreshSummary, false, true);
    return;
  }
  // (the glass warning and the managers' section are null when they do not apply)
  const sections = [sumBox, assignSec, editSec, ...profileSections(c, lazySection, refreshSummary),
    personalSection(code, refreshSummary), contactSection(c, lazySection), stageSec,
    lazySection('tasks', 'case.tasks', (b) => tasksSection(b, code, c)),
    lazySection('screenings', 'case.screenings', (b) => {
      clear(b).append(screenBox);
      return mountScreenings(screenBox, code);
    }),
    needsSection(code, c),
    ...mountRecords(code, lazySection),
    lazySection('consent', 'case.consent', (b) => consentSection(b, code, c)),
    lazySection('referrals', 'case.referrals', (b) => {
      clear(b).append(refBox);
      return mountReferrals(refBox, code);
    }),
    childRecordSection(c), withdrawSection(c, code)].filter(Boolean);
  el.append(...[h('p', {}, h('a', { href: '#/cases' }, t('case.back'))), withdrawnBanner(c), glass, sectionIndex(sections), ...sections].filter(Boolean));
  if (assignSec) mountAssignments(assignBox, c, refreshSummary);
  await stageSection(stageBox, code, refreshSummary, mayClose);
});
