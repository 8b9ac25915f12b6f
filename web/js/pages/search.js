// search.js — finding a child (#/search, issue 14): a search box in the navigation on every
// page and the results page. The text searched for (names, a birth date, an IIN) is
// personal data: it travels only in the body of POST /api/v1/search and stays in this
// module's memory, for the session that typed it, never in the URL (the route is just
// #/search), the history or localStorage. A hit shows the case's code (a link to it),
// stage, status, year of birth, organisation and case managers, never the child's name:
// the name is read on the case page, where reading the personal data is audited.
import { api, clear, formField, go, h, label, markSaved, messages, navWidget, pageTitle, route, session, showErrors, t } from '../core.js';

const ready = messages('search');

// What was searched for and found, kept for the session that searched (a new login
// starts empty): run is true when the navigation's box asked for a search not yet made.
let memory = { who: null, q: '', result: null, run: false };

function mine() {
  if (memory.who !== session()) memory = { who: session(), q: '', result: null, run: false };
  return memory;
}

// ---- the box in the navigation ---------------------------------------------------------

let navForm = null;
let navLabel = null;
let navInput = null;
let navButton = null;

// The navigation's search form: one element, kept, its texts set again in the language of
// the moment on every redraw.
function navBox() {
  if (!navForm) {
    navInput = h('input', { type: 'search', id: 'nav-search-q', name: 'nav-q', autocomplete: 'off', spellcheck: 'false',
      'data-action': 'nav-search-q', class: 'nav-search-q' });
    navLabel = h('label', { for: 'nav-search-q', class: 'sr-only' });
    navButton = h('button', { type: 'submit', 'data-action': 'nav-search', class: 'nav-search-go' });
    navForm = h('form', { role: 'search', class: 'nav-search', novalidate: true, 'aria-labelledby': 'nav-search-label' },
      navLabel, navInput, navButton);
    navLabel.id = 'nav-search-label';
    navForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const m = mine();
      m.q = navInput.value.trim();
      m.result = null;
      m.run = m.q !== '';
      navInput.value = '';
      go('#/search');
    });
  }
  navLabel.textContent = t('search.nav_label');
  navButton.textContent = t('search.nav_button');
  navInput.placeholder = t('search.nav_placeholder'); /* the label is for screen readers only */
  return navForm;
}

ready.then(() => navWidget('case.list', navBox));

// ---- the results page --------------------------------------------------------------------

function managers(list) {
  return (list || []).map((u) => u.name || u.login).join(', ');
}

function hitRow(c) {
  return h('tr', { 'data-code': c.code },
    h('td', { 'data-label': t('search.col.code') }, h('a', { href: '#/case/' + encodeURIComponent(c.code), class: 'code', 'data-action': 'open-hit' }, c.code)),
    h('td', { 'data-label': t('search.col.stage') }, label('stage', c.stage)),
    h('td', { 'data-label': t('search.col.status') }, label('case_status', c.status)),
    h('td', { 'data-label': t('search.col.birth_year') }, c.birth_year ? String(c.birth_year) : '—'),
    h('td', { 'data-label': t('search.col.org') }, (c.org && c.org.name) || ''),
    h('td', { 'data-label': t('search.col.managers') }, managers(c.managers) || t('search.no_manager')));
}

function hitTable(hits) {
  return h('table', { class: 'list', id: 'search-hits' },
    h('caption', { class: 'muted' }, t('search.caption')),
    h('thead', {}, h('tr', {}, ['code', 'stage', 'status', 'birth_year', 'org', 'managers']
      .map((k) => h('th', { scope: 'col' }, t('search.col.' + k))))),
    h('tbody', {}, hits.map(hitRow)));
}

route('#/search', async (el) => {
  await ready;
  const m = mine();
  const input = h('input', { type: 'search', autocomplete: 'off', spellcheck: 'false', value: m.q, maxlength: '200' });
  const form = h('form', { role: 'search', class: 'search-form', novalidate: true, 'aria-labelledby': 'f-q-label' },
    formField('q', 'search.field', input, 'search.hint'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'search' }, t('search.find'))));
  const lab = form.querySelector('label');
  lab.id = 'f-q-label';
  // the count is announced (role=status) and the heading above it takes the focus
  const heading = h('h2', { id: 'search-results-title', tabindex: '-1', class: 'hidden' }, t('search.results'));
  const count = h('p', { role: 'status', id: 'search-count', class: 'search-count' });
  const body = h('div', { id: 'search-results' });
  el.append(pageTitle('search.title'), h('p', {}, t('search.intro')), form,
    h('section', { 'aria-labelledby': 'search-results-title', class: 'search-results' }, heading, count, body));

  function show(d, focus) {
    clear(body);
    heading.classList.remove('hidden');
    const hits = d.hits || [];
    if (!hits.length) {
      count.textContent = t('search.none');
      body.append(h('p', { class: 'muted' }, t('search.none_hint')));
    } else {
      count.textContent = d.more ? t('search.count_more', { n: hits.length }) : t('search.count', { n: hits.length });
      if (d.more) body.append(h('p', { class: 'warning', id: 'search-more' }, t('search.more')));
      body.append(hitTable(hits));
    }
    if (focus) heading.focus();
  }

  async function run(q) {
    m.q = q;
    m.result = null;
    clear(body);
    count.textContent = '';
    heading.classList.add('hidden');
    if (!q) {
      showErrors(form, { error: { code: 'invalid', field: 'q', reason: 'search.empty' } });
      return;
    }
    const r = await api('POST', '/search', { q });
    if (mine() !== m) return; // another user logged in meanwhile
    if (r.status !== 200) {
      showErrors(form, r.data);
      return;
    }
    markSaved(form);
    m.result = r.data;
    show(r.data, true);
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    run(input.value.trim());
  });
  if (m.run) {
    m.run = false;
    await run(m.q);
  } else if (m.result) show(m.result, false);
});
