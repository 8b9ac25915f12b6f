// case-people.js — the case page's lists of people and places: the traffickers (coded
// profile: sex, age band, relation to the child, role) and the route events (event, place,
// date) of the case, changed with PATCH /cases/{code} {list, version}; and the child's
// contacts and relatives, part of the personal data (read with GET /personal, audited,
// only when the section is opened; written back whole with PUT /personal and the case's
// version). Each list: a table with "change" and "remove" on every row and one form that
// adds an entry or changes the one chosen; after a save the form keeps what was saved,
// with "saved" beside it. Code lists are pickers of their labels; the place picker is
// placeInput() below, the one place to swap for a country picker.
import { api, errorText, caseMay, clear, fmtDate, formField, h, label, markSaved, messages, parseDate, select, showErrors, showMessage, t, vocab, watchUnsaved } from '../core.js';
import { savedNote } from './case-forms.js';

const ready = Promise.all([messages('case'), messages('casework')]);

function casePath(code, rest) {
  return '/cases/' + encodeURIComponent(code) + (rest || '');
}

// ---- the place picker (a region of Kazakhstan or a country) ---------------------------

// A <select> of the regions of Kazakhstan, then the countries, labelled in the interface's
// language. The one place where route places are picked: swap it for the country picker.
export function placeInput(value) {
  const v = vocabNow;
  const opt = (list, e) => h('option', { value: e.code, selected: e.code === value }, label(list, e.code));
  return h('select', { required: true }, h('option', { value: '' }, t('core.choose')),
    h('optgroup', { label: t('case.place_regions') }, (v.region || []).map((e) => opt('region', e))),
    h('optgroup', { label: t('case.place_countries') }, (v.country || []).map((e) => opt('country', e))));
}

// The label of a place code: a region's, else a country's.
export function placeLabel(code) {
  if (!code) return '';
  return (vocabNow.region || []).some((e) => e.code === code) ? label('region', code) : label('country', code);
}

let vocabNow = {};

// A route date as typed: "2023", "05.2023" or "12.05.2023" (also ISO) → "2023",
// "2023-05", "2023-05-12"; anything else is sent as typed, so the server names the field.
function routeDate(s) {
  s = String(s || '').trim();
  if (!s || /^\d{4}$/.test(s)) return s;
  const m = /^(\d{1,2})[./](\d{4})$/.exec(s) || /^(\d{4})-(\d{2})$/.exec(s);
  if (m) return m[1].length === 4 ? m[1] + '-' + m[2] : m[2] + '-' + m[1].padStart(2, '0');
  return parseDate(s) || s;
}

// ---- the four kinds ---------------------------------------------------------------------

const text = (max) => (v) => h('input', { type: 'text', maxlength: String(max), autocomplete: 'off', value: v || '' });
const code = (list) => (v) => select(list, { value: v });

const KINDS = {
  traffickers: {
    title: 'case.f.traffickers', item: 'cw.trafficker_n', add: 'cw.add_trafficker', none: 'cw.no_traffickers',
    fields: [
      { name: 'sex', label: 'cw.p.sex', input: code('sex'), show: (v) => label('sex', v) },
      { name: 'age_band', label: 'cw.p.age_band', input: code('age_band'), show: (v) => label('age_band', v) },
      { name: 'relation', label: 'cw.p.relation_to_child', input: code('relation'), show: (v) => label('relation', v) },
      { name: 'role', label: 'cw.p.role', input: code('trafficker_role'), show: (v) => label('trafficker_role', v) },
    ],
  },
  route: {
    title: 'case.f.route', item: 'cw.route_n', add: 'cw.add_route', none: 'cw.no_route',
    fields: [
      { name: 'event', label: 'cw.p.event', input: (v) => select('route_event', { value: v, required: true }), show: (v) => label('route_event', v) },
      { name: 'place', label: 'cw.p.place', input: placeInput, show: placeLabel },
      { name: 'on', label: 'cw.p.on', hint: 'cw.p.on_hint', input: (v) => h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'date', value: fmtDate(v) }),
        read: routeDate, show: fmtDate },
    ],
  },
  contacts: {
    title: 'case.p.contacts', item: 'cw.contact_n', add: 'cw.add_contact', none: 'cw.no_contacts',
    fields: [
      { name: 'name', label: 'cw.p.name', input: text(200), show: String },
      { name: 'relation', label: 'cw.p.relation', hint: 'cw.p.relation_hint', input: text(100), show: String },
      { name: 'phone', label: 'case.p.phone', input: (v) => h('input', { type: 'tel', maxlength: '32', autocomplete: 'off', value: v || '' }), show: String },
    ],
  },
  relatives: {
    title: 'case.p.relatives', item: 'cw.relative_n', add: 'cw.add_relative', none: 'cw.no_relatives',
    fields: [
      { name: 'name', label: 'cw.p.name', input: text(200), show: String },
      { name: 'relation', label: 'cw.p.relation', hint: 'cw.p.relative_hint', input: text(100), show: String },
      { name: 'notes', label: 'cw.p.notes', input: (v) => h('textarea', { rows: '2', maxlength: '1000', value: v || '' }), show: String },
    ],
  },
};

// ---- one list ---------------------------------------------------------------------------

// Draws list kindName into box: items (the entries), may (the user may change them),
// save(newItems) → an api() answer (2xx when stored; then the caller's state is the new
// list), after (optional): {i, key} the entry just saved (i -1: removed) and its message.
function drawList(box, kindName, items, may, save, after) {
  const kind = KINDS[kindName];
  clear(box);
  const redraw = (list, a) => drawList(box, kindName, list, may, save, a);
  const formPlace = h('div', { class: 'people-form' });
  const open = (i) => {
    const f = entryForm(kind, kindName, items, i, save, redraw, () => {
      clear(formPlace);
      addBtn.focus();
    });
    clear(formPlace).append(f);
    f.querySelector('input, select, textarea').focus();
    return f;
  };
  const addBtn = h('button', { type: 'button', 'data-action': 'add-' + kindName }, t(kind.add));
  addBtn.addEventListener('click', () => open(-1));
  if (!items.length) box.append(h('p', { class: 'muted', id: kindName + '-none' }, t(kind.none)));
  else {
    box.append(h('table', { class: 'list', id: kindName + '-list' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), kind.fields.map((f) => h('th', { scope: 'col' }, t(f.label))),
        may ? h('th', { scope: 'col' }, t('cw.col_act')) : null)),
      h('tbody', {}, items.map((x, i) => h('tr', { 'data-entry': String(i + 1) },
        h('td', {}, String(i + 1)),
        kind.fields.map((f) => h('td', { 'data-label': t(f.label) }, x[f.name] ? f.show(x[f.name]) : '')),
        may ? h('td', {}, h('div', { class: 'row-actions' },
          h('button', { type: 'button', 'data-action': 'edit-entry', 'aria-label': t('cw.change_what', { what: t(kind.item, { n: i + 1 }) }), on: { click: () => open(i) } }, t('cw.change')),
          h('button', { type: 'button', class: 'danger', 'data-action': 'remove-entry', 'aria-label': t('cw.remove_what', { what: t(kind.item, { n: i + 1 }) }), on: { click: async (ev) => {
            if (!window.confirm(t('cw.remove_confirm', { what: t(kind.item, { n: i + 1 }) }))) return;
            const list = items.filter((_, k) => k !== i);
            const r = await save(list);
            if (r.status >= 200 && r.status < 300) return redraw(list, { i: -1, key: 'cw.removed' });
            ev.target.closest('td').prepend(h('p', { class: 'msg', role: 'alert' }, r.status === 409 ? t('case.version_conflict') : errorText(r.data)));
          } } }, t('cw.remove')))) : null)))));
  }
  if (!may) return;
  box.append(h('div', { class: 'actions' }, addBtn), formPlace);
  if (!after) return;
  if (after.i >= 0) savedNote(open(after.i), t(after.key));
  else savedNote(box.querySelector('.actions'), t(after.key));
}

// The form that adds an entry (i -1) or changes entry i of items.
function entryForm(kind, kindName, items, i, save, redraw, onCancel) {
  const cur = i >= 0 ? items[i] : {};
  const cancel = h('button', { type: 'button', 'data-action': 'cancel-entry' }, t('core.cancel'));
  const form = watchUnsaved(h('form', { class: 'entry-form', id: 'form-' + kindName, 'data-entry': i >= 0 ? String(i + 1) : null, novalidate: true },
    h('h3', {}, i >= 0 ? t(kind.item, { n: i + 1 }) : t(kind.add)),
    kind.fields.map((f) => formField(f.name, f.label, f.input(cur[f.name]), f.hint)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'save-entry' }, t('core.save')), cancel)));
  cancel.addEventListener('click', () => {
    markSaved(form);
    onCancel();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const entry = {};
    for (const f of kind.fields) {
      const el = form.querySelector('[name="' + f.name + '"]');
      const v = f.read ? f.read(el.value) : el.value.trim();
      if (v) entry[f.name] = v;
    }
    if (!Object.keys(entry).length) {
      showMessage(form, t('cw.fill_one'));
      form.querySelector('input, select, textarea').focus();
      return;
    }
    const list = items.slice();
    if (i >= 0) list[i] = entry;
    else list.push(entry);
    const r = await save(list);
    if (r.status === 409 && r.data && r.data.error && r.data.error.field === 'version') return showMessage(form, t('case.version_conflict'));
    if (r.status < 200 || r.status >= 300) return showErrors(form, r.data);
    markSaved(form);
    redraw(list, { i: i >= 0 ? i : list.length - 1, key: i >= 0 ? 'cw.entry_saved' : 'cw.entry_added' });
  });
  return form;
}

// ---- the sections -------------------------------------------------------------------------

// Traffickers and route events of case c (its answer); onChange() after a change (the
// summary is drawn again). lazySection is case.js's.
export function profileSections(c, lazySection, onChange) {
  const may = caseMay(c, 'case.update');
  return ['traffickers', 'route'].map((kindName) => lazySection(kindName, KINDS[kindName].title, async (box) => {
    await ready;
    vocabNow = await vocab();
    const r = await api('GET', casePath(c.code));
    if (r.status !== 200) return clear(box).append(h('p', { class: 'errors', role: 'alert' }, errorText(r.data)));
    let version = r.data.version;
    const save = async (list) => {
      const u = await api('PATCH', casePath(c.code), { [kindName]: list, version });
      if (u.status === 200) {
        version = u.data.version !== undefined ? u.data.version : version + 1;
        if (onChange) onChange();
      }
      return u;
    };
    drawList(box, kindName, r.data[kindName] || [], may, save);
  }));
}

const PERSONAL_KEYS = ['given_name', 'family_name', 'patronymic', 'birth_date', 'iin', 'address', 'phone', 'languages', 'notes', 'criminal_case_number'];

// The child's contacts and relatives: shown to those who may read the personal data,
// changed by those who may change it. Opening the section reads the personal data
// (audited); a save writes the whole personal data back with the case's version.
export function contactSection(c, lazySection) {
  if (!caseMay(c, 'personal.read')) return null;
  const may = caseMay(c, 'personal.update');
  return lazySection('contacts', 'cw.contacts_title', async (box) => {
    await ready;
    const cr = await api('GET', casePath(c.code));
    const pr = await api('GET', casePath(c.code, '/personal'));
    clear(box);
    if (cr.status !== 200 || pr.status !== 200) return box.append(h('p', { class: 'errors', role: 'alert' }, errorText((pr.status !== 200 ? pr : cr).data)));
    let version = cr.data.version;
    const p = pr.data.personal || {};
    const boxes = { contacts: h('div', { id: 'contacts-box' }), relatives: h('div', { id: 'relatives-box' }) };
    const save = (kindName) => async (list) => {
      const out = {};
      for (const k of PERSONAL_KEYS) if (p[k] !== undefined && p[k] !== null && p[k] !== '') out[k] = p[k];
      for (const k of ['contacts', 'relatives']) if (Array.isArray(p[k]) && p[k].length) out[k] = p[k];
      if (list.length) out[kindName] = list;
      else delete out[kindName];
      const u = await api('PUT', casePath(c.code, '/personal'), { personal: out, version });
      if (u.status === 200 || u.status === 204) {
        p[kindName] = list;
        const n = await api('GET', casePath(c.code));
        if (n.status === 200) version = n.data.version;
      }
      return u;
    };
    box.append(h('p', { class: 'hint' }, t('cw.contacts_audited')));
    for (const kindName of ['contacts', 'relatives']) {
      box.append(h('h3', {}, t(KINDS[kindName].title)), boxes[kindName]);
      drawList(boxes[kindName], kindName, p[kindName] || [], may, save(kindName));
    }
  });
}
