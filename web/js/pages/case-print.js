// case-print.js — printing from the case page: a "Print" button per printable thing (the
// case summary, a safety plan, an action plan) that prints only that thing, laid out for paper in the
// interface's language (labels, not codes or field names; dates dd.mm.yyyy); and, when
// the whole page is printed (the browser's own Print), every filled form shown as its
// values instead of empty boxes. How: the thing to print is drawn into #print-area (made
// here, outside the page) and app.css's print rules show only that area while the body
// has the class "print-one"; the browser's "afterprint" event clears it again.
import { caseMay, fmtDate, h, label, messages, t, today } from '../core.js';

const ready = messages('casework');

let area = null;

function printArea() {
  if (!area || !area.isConnected) {
    area = h('div', { id: 'print-area', class: 'print-area' });
    document.body.append(area);
  }
  return area;
}

function endPrint() {
  document.body.classList.remove('print-one');
  if (area) area.replaceChildren();
}

// Prints a document of its own: a heading (title), the date it was printed, then the
// nodes of content; nothing of the page around it.
export async function printDoc(title, content) {
  await ready;
  const a = printArea();
  a.replaceChildren(
    h('header', { class: 'print-head' }, h('p', { class: 'print-brand' }, 'Qorgau'), h('h1', {}, title),
      h('p', { class: 'print-date' }, t('cw.printed_on', { date: fmtDate(today()) }))),
    ...[content].flat(Infinity).filter(Boolean));
  document.body.classList.add('print-one');
  window.addEventListener('afterprint', endPrint, { once: true });
  window.print();
}

// A "Print" button: its visible text "Print", its accessible name what it prints
// (what: the text after "Print", e.g. "the safety plan No. 2"); onPrint() is awaited.
export function printButton(action, what, onPrint) {
  return h('button', { type: 'button', class: 'print-button', 'data-action': action,
    'aria-label': what ? t('cw.print_what', { what }) : null, on: { click: () => onPrint() } }, t('cw.print'));
}

// ---- what is printed --------------------------------------------------------------------

// A definition list of [label, value] pairs, leaving out the empty values.
function pairs(list) {
  const rows = list.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return rows.length ? h('dl', { class: 'print-dl' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])) : null;
}

// The safety plan record d (the GET answer's body) as a printed document's content;
// the situations and harm channels with their labels from the code lists (v: vocab()).
export function safetyPlanDoc(d, v) {
  const byCode = (list, values) => pairs((v[list] || []).map((e) => [label(list, e.code), (values || {})[e.code]]));
  const options = byCode('safety_situation', d.options);
  const channels = byCode('harm_channel', d.harm_channels);
  return [
    pairs([[t('forms.made_on'), fmtDate(d.made_on)], [t('forms.review_on'), fmtDate(d.review_on)],
      [t('forms.current_risks'), d.current_risks], [t('forms.prevention'), d.prevention],
      [t('forms.if_threatened'), d.if_threatened], [t('forms.child_view'), d.child_view],
      [t('forms.triggers'), d.triggers]]),
    options ? [h('h2', {}, t('forms.options')), options] : null,
    channels ? [h('h2', {}, t('forms.harm_channels')), channels] : null,
    d.withheld_from_child ? h('p', { class: 'print-note' }, t('cw.withheld_printed')) : null,
  ];
}

// The action plan record d as a printed document's content: its date and a table of
// its goals (term, goal, owner, due date, status), labels from the code lists.
export function actionPlanDoc(d) {
  const cols = ['forms.term', 'forms.goal', 'cw.owner', 'forms.due_on', 'forms.goal_status'];
  return [
    pairs([[t('forms.made_on'), fmtDate(d.made_on)]]),
    h('h2', {}, t('forms.goals')),
    h('table', { class: 'list print-table' },
      h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, (d.goals || []).map((g) => h('tr', {},
        h('td', {}, label('goal_term', g.term)), h('td', { class: 'pre' }, g.goal || ''),
        h('td', {}, [g.owner, g.owner_note].filter(Boolean).join(' — ')), h('td', {}, fmtDate(g.due_on)),
        h('td', {}, label('goal_status', g.status)))))),
    d.withheld_from_child ? h('p', { class: 'print-note' }, t('cw.withheld_printed')) : null,
  ];
}

// ---- the whole page printed: forms as their values ------------------------------------

// The text a control shows: a select's chosen option, a box's label when checked, the
// value typed; '' when it has none.
function shown(el) {
  if (el.tagName === 'SELECT') return el.value ? (el.selectedOptions[0] || {}).textContent || '' : '';
  if (el.type === 'checkbox' || el.type === 'radio') return el.checked ? t('core.yes') : '';
  return el.value.trim();
}

function labelOf(form, el) {
  const lab = el.id ? form.querySelector('label[for="' + CSS.escape(el.id) + '"]') : null;
  return lab ? lab.textContent : '';
}

// The filled values of form as a block shown only on paper, or null when none is filled.
function formValuesBlock(form) {
  const rows = [];
  for (const el of form.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || el.type === 'password' || el.closest('.hidden')) continue;
    const v = shown(el);
    if (!v) continue;
    const group = el.closest('fieldset');
    const legend = group && group.querySelector('legend');
    const name = labelOf(form, el);
    rows.push([legend && el.type === 'checkbox' ? legend.textContent : name, el.type === 'checkbox' && legend ? name : v]);
  }
  if (!rows.length) return null;
  const title = form.querySelector('h3, h4');
  return h('div', { class: 'print-values' }, title ? h('h3', {}, title.textContent) : null, pairs(rows));
}

window.addEventListener('beforeprint', () => {
  if (document.body.classList.contains('print-one')) return;
  const app = document.getElementById('app');
  if (!app) return;
  for (const form of app.querySelectorAll('form')) {
    const block = formValuesBlock(form);
    if (block) form.after(block);
  }
});

window.addEventListener('afterprint', () => {
  for (const b of document.querySelectorAll('.print-values')) b.remove();
});

// ---- on the case page ---------------------------------------------------------------------

// The case summary's "Print" button: prints the summary list shown now (#case-summary).
export function summaryPrintButton(code) {
  return h('div', { class: 'actions' }, printButton('print-summary', t('case.summary'), () => {
    const dl = document.getElementById('case-summary');
    if (!dl) return;
    const copy = dl.cloneNode(true);
    copy.removeAttribute('id');
    return printDoc(t('case.title', { code }) + ' — ' + t('case.summary'), copy);
  }));
}

// The section that leads to the child's own record, or null when the case's "may" list
// does not let the user read it (the record holds the child's names).
export function childRecordSection(c) {
  if (!caseMay(c, 'case.child_record') || !caseMay(c, 'personal.read')) return null;
  return h('section', { id: 'sec-child-record' }, h('h2', {}, t('cw.record')),
    h('p', {}, t('cw.record_about')),
    h('p', { class: 'no-print' }, h('a', { href: '#/case/' + encodeURIComponent(c.code) + '/child-record', 'data-action': 'child-record' }, t('cw.record_open'))));
}
