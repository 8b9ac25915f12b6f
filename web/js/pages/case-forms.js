// case-forms.js — the case page's four forms: assessment (eight elements, each a level
// and notes), safety plan, action plan (goal rows added and removed) and interaction
// log. Each section lists the records (numbers, dates, codes: no text), opens one to
// read and change it (GET, audited; PUT with its version), or makes a new one (POST).
import { actionPlanDoc, printButton, printDoc, safetyPlanDoc } from './case-print.js';
import { api, errorText, messages, clear, dateInput, fmtDate, formField, checkField, h, label, markSaved, notify, parseDate, select, showErrors, t, vocab, watchUnsaved } from '../core.js';
import { assignableUsers, userPicker } from '../picker.js';

messages('forms');

function path(code, kind, n) {
  return '/cases/' + encodeURIComponent(code) + '/' + kind + (n ? '/' + n : '');
}

function val(form, name) {
  const el = form.querySelector('[name="' + CSS.escape(name) + '"]');
  if (!el) return '';
  return (el.dataset.code !== undefined ? el.dataset.code : el.value).trim(); // a picker: its code
}

// The users an action-plan goal may be given to (loaded with the section), for the
// owner picker; empty when the list was refused (the owner is then typed as a login).
let workers = [];

function dateVal(form, name) {
  const v = val(form, name);
  return v ? parseDate(v) || v : undefined;
}

function text(name, labelKey, value, rows, hintKey) {
  return formField(name, labelKey, h('textarea', { rows: String(rows || 3), value: value || '' }), hintKey);
}

function withheld(data) {
  return checkField('withheld_from_child', 'forms.withheld', data && data.withheld_from_child);
}

function withheldVal(form) {
  const el = form.querySelector('[name="withheld_from_child"]');
  return el ? el.checked : false;
}

function clean(o) {
  for (const k of Object.keys(o)) if (o[k] === undefined || o[k] === '') delete o[k];
  return o;
}

// ---- the four kinds -------------------------------------------------------------------

const KINDS = {
  assessments: {
    plural: 'assessments', title: 'forms.assessment', dateKey: 'assessed_on',
    build(d, v) {
      const els = (v.assessment_element || []).map((e) => {
        const cur = (d.elements || {})[e.code] || {};
        const level = select('assessment_level', { required: true, value: cur.level });
        return h('fieldset', { 'data-element': e.code }, h('legend', {}, label('assessment_element', e.code)),
          formField('elements.' + e.code + '.level', 'forms.level', level),
          text('elements.' + e.code + '.notes', 'forms.notes', cur.notes, 2));
      });
      return [formField('assessed_on', 'forms.assessed_on', dateInput(d.assessed_on), 'forms.date_hint'), ...els,
        text('summary', 'forms.summary', d.summary, 4), withheld(d)];
    },
    read(form, v) {
      const elements = {};
      for (const e of v.assessment_element || []) {
        elements[e.code] = clean({ level: val(form, 'elements.' + e.code + '.level'), notes: val(form, 'elements.' + e.code + '.notes') });
      }
      return clean({ assessed_on: dateVal(form, 'assessed_on'), elements, summary: val(form, 'summary'), withheld_from_child: withheldVal(form) });
    },
    row: (x) => [fmtDate(x.on)],
  },
  'safety-plans': {
    plural: 'safety_plans', title: 'forms.safety_plan', dateKey: 'made_on', printDoc: safetyPlanDoc,
    build(d, v) {
      return [formField('made_on', 'forms.made_on', dateInput(d.made_on), 'forms.date_hint'),
        formField('review_on', 'forms.review_on', dateInput(d.review_on), 'forms.review_hint'),
        text('current_risks', 'forms.current_risks', d.current_risks),
        text('prevention', 'forms.prevention', d.prevention),
        text('if_threatened', 'forms.if_threatened', d.if_threatened),
        text('child_view', 'forms.child_view', d.child_view, 3, 'forms.child_view_hint'),
        text('triggers', 'forms.triggers', d.triggers, 2),
        h('fieldset', {}, h('legend', {}, t('forms.options')), h('p', { class: 'hint' }, t('forms.options_hint')),
          (v.safety_situation || []).map((s) => formField('options.' + s.code, { text: label('safety_situation', s.code) }, h('textarea', { rows: '2', value: (d.options || {})[s.code] || '' })))),
        h('fieldset', {}, h('legend', {}, t('forms.harm_channels')), h('p', { class: 'hint' }, t('forms.options_hint')),
          (v.harm_channel || []).map((s) => formField('harm_channels.' + s.code, { text: label('harm_channel', s.code) }, h('textarea', { rows: '2', value: (d.harm_channels || {})[s.code] || '' })))),
        withheld(d)];
    },
    read(form, v) {
      const options = {};
      const channels = {};
      for (const s of v.safety_situation || []) if (val(form, 'options.' + s.code)) options[s.code] = val(form, 'options.' + s.code);
      for (const s of v.harm_channel || []) if (val(form, 'harm_channels.' + s.code)) channels[s.code] = val(form, 'harm_channels.' + s.code);
      return clean({ made_on: dateVal(form, 'made_on'), review_on: dateVal(form, 'review_on'), current_risks: val(form, 'current_risks'),
        prevention: val(form, 'prevention'), if_threatened: val(form, 'if_threatened'), child_view: val(form, 'child_view'),
        triggers: val(form, 'triggers'), options, harm_channels: channels, withheld_from_child: withheldVal(form) });
    },
    row: (x) => [fmtDate(x.on), x.due_on ? t('forms.review_on') + ': ' + fmtDate(x.due_on) : '', x.review_overdue ? t('forms.review_overdue') : ''],
  },
  'action-plans': {
    plural: 'action_plans', title: 'forms.action_plan', dateKey: 'made_on', printDoc: actionPlanDoc,
    build(d) {
      const rows = h('div', { class: 'goals' });
      const add = (g) => rows.append(goalRow(rows, g || {}));
      for (const g of d.goals && d.goals.length ? d.goals : [{}]) add(g);
      return [formField('made_on', 'forms.made_on', dateInput(d.made_on), 'forms.date_hint'),
        h('h4', {}, t('forms.goals')), rows,
        h('div', { class: 'actions' }, h('button', { type: 'button', 'data-action': 'add-goal', on: { click: () => {
          add({});
          renumber(rows);
          rows.lastChild.querySelector('select, input, textarea').focus();
        } } }, t('forms.add_goal'))),
        withheld(d)];
    },
    read(form) {
      const goals = [...form.querySelectorAll('.row-goal')].map((r, i) => clean({
        term: val(form, 'goals.' + i + '.term'), goal: val(form, 'goals.' + i + '.goal'), owner: val(form, 'goals.' + i + '.owner'),
        owner_note: val(form, 'goals.' + i + '.owner_note'), due_on: dateVal(form, 'goals.' + i + '.due_on'), status: val(form, 'goals.' + i + '.status') }));
      return clean({ made_on: dateVal(form, 'made_on'), goals, withheld_from_child: withheldVal(form) });
    },
    row: (x) => [fmtDate(x.on), x.goals ? t('forms.goal_count', { n: x.goals.length }) : ''],
  },
  interactions: {
    plural: 'interactions', title: 'forms.interaction', dateKey: 'on',
    build(d, v) {
      const chosen = new Set(d.participants || []);
      return [formField('on', 'forms.on', dateInput(d.on), 'forms.date_hint'),
        formField('channel', 'forms.channel', select('channel', { required: true, value: d.channel })),
        h('fieldset', { 'data-field': 'participants' }, h('legend', {}, t('forms.participants')),
          (v.participant || []).map((p) => {
            const box = h('input', { type: 'checkbox', name: 'participants', value: p.code, id: 'f-participants-' + p.code, checked: chosen.has(p.code) });
            return h('div', { class: 'field check' }, box, h('label', { for: box.id }, label('participant', p.code)));
          }), h('p', { class: 'msg' })),
        text('summary', 'forms.summary', d.summary, 4), withheld(d)];
    },
    read(form) {
      const participants = [...form.querySelectorAll('[name="participants"]')].filter((b) => b.checked).map((b) => b.value);
      return clean({ on: dateVal(form, 'on'), channel: val(form, 'channel'), participants, summary: val(form, 'summary'), withheld_from_child: withheldVal(form) });
    },
    row: (x) => [fmtDate(x.on), label('channel', x.channel), (x.participants || []).map((p) => label('participant', p)).join(', ')],
  },
};

// Gives the goal rows' inputs the names goals.<i>.<field>, in order.
function renumber(rows) {
  [...rows.children].forEach((r, i) => {
    for (const el of r.querySelectorAll('[data-goal-field]')) {
      const name = 'goals.' + i + '.' + el.dataset.goalField;
      el.name = name;
      el.id = 'f-' + name.replace(/\./g, '-');
      const lab = el.closest('.field').querySelector('label');
      if (lab) lab.htmlFor = el.id;
    }
    const legend = r.querySelector('legend');
    if (legend) legend.textContent = t('forms.goal_n', { n: i + 1 });
  });
}

// The goal's owner picked by name and role among those who may take the case's work.
function ownerPicker(i, owner) {
  const field = userPicker(t('forms.owner'), workers, owner || '', 'goals.' + i + '.owner', 'login');
  field.querySelector('input').dataset.goalField = 'owner';
  return field;
}

function goalRow(rows, g) {
  const i = rows.children.length;
  const f = (field, labelKey, input) => {
    input.dataset.goalField = field;
    return formField('goals.' + i + '.' + field, labelKey, input);
  };
  const row = h('fieldset', { class: 'row-goal' }, h('legend', {}, t('forms.goal_n', { n: i + 1 })),
    f('term', 'forms.term', select('goal_term', { required: true, value: g.term })),
    f('goal', 'forms.goal', h('textarea', { rows: '2', value: g.goal || '' })),
    workers.length ? ownerPicker(i, g.owner) : f('owner', 'forms.owner', h('input', { type: 'text', autocomplete: 'off', autocapitalize: 'none', value: g.owner || '' })),
    f('owner_note', 'forms.owner_note', h('input', { type: 'text', value: g.owner_note || '' })),
    f('due_on', 'forms.due_on', dateInput(g.due_on)),
    f('status', 'forms.goal_status', select('goal_status', { value: g.status || 'planned', empty: false })));
  row.append(h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger', 'data-action': 'remove-goal', on: { click: () => {
    if (rows.children.length <= 1) return;
    row.remove();
    renumber(rows);
    rows.dispatchEvent(new Event('input', { bubbles: true }));
    rows.querySelector('select, textarea, input').focus();
  } } }, t('forms.remove_goal'))));
  return row;
}

// ---- the saved message ------------------------------------------------------------------

// Shows text (role=status) just before the element before, where the user just saved
// (not at the top of the page), replacing an earlier one there; focus moves to it when
// focus is true, so the user stays where the work is.
export function savedNote(before, text, focus = true) {
  if (!before || !before.parentNode) return null;
  const prev = before.previousElementSibling;
  if (prev && prev.classList.contains('saved-note')) prev.remove();
  const note = h('p', { class: 'saved-note', role: 'status', tabindex: '-1' }, text);
  before.before(note);
  if (focus) note.focus();
  return note;
}

// ---- one section ------------------------------------------------------------------------

// saved (optional): the record just saved ({n}); it is shown again in the form, with the
// saved message next to it.
async function recordSection(box, code, kindPath, saved) {
  const kind = KINDS[kindPath];
  const v = await vocab();
  if (kindPath === 'action-plans') workers = await assignableUsers(code, 'workers');
  const r = await api('GET', path(code, kindPath));
  clear(box);
  if (r.status !== 200) {
    box.append(h('p', { class: 'errors', role: 'alert' }, errorText(r.data)));
    return;
  }
  const list = r.data[kind.plural] || [];
  const formBox = h('div');
  const reload = (n) => recordSection(box, code, kindPath, { n });

  function showForm(data) {
    const editing = !!data.n;
    const form = watchUnsaved(h('form', { class: 'record-form', 'data-kind': kindPath, novalidate: true },
      h('h3', {}, editing ? t('forms.edit_n', { n: data.n }) : t('forms.new')),
      kind.build(data, v),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', 'data-action': 'save' }, t('core.save')),
        editing ? h('button', { type: 'button', 'data-action': 'new-record', on: { click: () => showForm({}) } }, t('forms.new')) : null,
        editing && kind.printDoc ? printButton('print-record', t('cw.record_n', { what: t(kind.title), n: data.n }), () => printRecord(data)) : null)));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = kind.read(form, v);
      if (editing) body.version = data.version;
      const u = await api(editing ? 'PUT' : 'POST', path(code, kindPath, data.n), body);
      if (u.status !== 200 && u.status !== 201) return showErrors(form, u.data);
      markSaved(form);
      reload((u.data && u.data.n) || data.n);
    });
    clear(formBox).append(form);
    return form;
  }

  if (!list.length) box.append(h('p', { class: 'muted' }, t('forms.none')));
  else {
    box.append(h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, t('forms.date')), h('th', { scope: 'col' }, t('forms.details')),
        h('th', { scope: 'col' }, t('forms.by')), h('th', { scope: 'col' }, t('forms.open')))),
      h('tbody', {}, list.map((x) => {
        const cells = kind.row(x);
        return h('tr', { 'data-record': String(x.n) },
          h('td', {}, String(x.n)),
          h('td', { 'data-label': t('forms.date') }, cells[0]),
          h('td', { 'data-label': t('forms.details') }, cells.slice(1).filter(Boolean).join('; ')),
          h('td', { 'data-label': t('forms.by') }, x.created_by || ''),
          h('td', {}, h('div', { class: 'row-actions' }, h('button', { type: 'button', 'data-action': 'open-record', on: { click: async () => {
            const form = await openRecord(x);
            if (form) form.querySelector('input, select, textarea').focus();
          } } }, t('forms.open')),
          kind.printDoc ? printButton('print-record', t('cw.record_n', { what: t(kind.title), n: x.n }), async () => {
            const one = await api('GET', path(code, kindPath, x.n));
            if (one.status !== 200) return notify(errorText(one.data));
            return printRecord(Object.assign({}, one.data.body || one.data, { n: x.n }));
          }) : null)));
      }))));
  }
  box.append(formBox);

  // Prints record d (as saved) of this kind: its title with its number and the case's code.
  function printRecord(d) {
    return printDoc(t('cw.record_n', { what: t(kind.title), n: d.n }) + ' — ' + t('cw.case_code', { code }), kind.printDoc(d, v));
  }

  async function openRecord(x) {
    const one = await api('GET', path(code, kindPath, x.n));
    if (one.status !== 200) {
      notify(errorText(one.data));
      return null;
    }
    const rec = one.data;
    const body = Object.assign({}, rec.body || rec, { n: x.n, version: rec.version !== undefined ? rec.version : x.version });
    return showForm(body);
  }

  const again = saved && saved.n ? list.find((x) => x.n === saved.n) : null;
  const form = (again && (await openRecord(again))) || showForm({});
  if (saved) savedNote(form, again ? t('forms.saved_n', { n: again.n }) : t('core.saved'));
}

// The four form sections for the case page, built with its lazySection helper.
export function mountRecords(code, lazySection) {
  return Object.keys(KINDS).map((k) => lazySection(k, KINDS[k].title, (b) => recordSection(b, code, k)));
}
