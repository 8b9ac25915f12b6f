// services.js — the service directory '#/services': search by service, region, age and
// sex with capacity and free places; a supervisor edits their own organisation's entries
// (PUT/DELETE /api/v1/orgs/{org}/services/{service}). Never an address (L2452).
import { languageField, listLabel, pickerReady } from '../picker.js';
import { api, t, route, navItem, messages, formField, select, session, policy, label, markSaved, notify, watchUnsaved, h, vocab, checks, checkedValues, formError, clear } from '../core.js';

const M = 'services';
messages(M);
navItem('#/services', 'svc.nav');

function listOf(list, codes) {
  return (codes || []).map((c) => label(list, c)).join(', ');
}

let vocabNow = {};

function resultTable(rows) {
  if (!rows.length) return h('p', {}, t('svc.none'));
  return h('table', { class: 'list' },
    h('thead', {}, h('tr', {}, ['svc.col_org', 'svc.col_service', 'svc.col_regions', 'svc.col_ages', 'svc.col_sexes', 'svc.col_languages', 'svc.col_places', 'svc.col_contact']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, rows.map((s) => h('tr', { 'data-org': s.org_id, 'data-service': s.service },
      h('td', {}, s.org_name),
      h('td', {}, label('service', s.service), s.procedure ? h('p', { class: 'hint' }, s.procedure) : null),
      h('td', {}, listOf('region', s.regions)),
      h('td', {}, `${s.age_min}–${s.age_max}`),
      h('td', {}, listOf('sex', s.sexes)),
      h('td', {}, (s.languages || []).map((c) => listLabel(vocabNow, 'language', c)).join(', ')),
      h('td', { class: s.available === 0 ? 'num full' : 'num' }, s.capacity === null || s.capacity === undefined ? t('svc.unknown') : t('svc.places', { free: s.available === null || s.available === undefined ? '?' : s.available, capacity: s.capacity })),
      h('td', {}, s.contact || '')))));
}

function editForm(voc, orgId, entry, reload) {
  const e = entry || {};
  const num = (v, min, max) => h('input', { type: 'number', min, max, step: 1, inputmode: 'numeric', value: v === null || v === undefined ? '' : String(v) });
  const svc = select('service', { value: e.service, required: true });
  if (entry) svc.disabled = true;
  const form = h('form', { class: 'service-entry', novalidate: true, 'data-service': e.service || '' },
    h('h3', {}, entry ? label('service', e.service) : t('svc.add')),
    formField('service', 'svc.col_service', svc),
    checks(voc, 'region', 'regions', t('svc.col_regions'), e.regions || []),
    formField('age_min', 'svc.age_min', num(e.age_min === undefined ? 0 : e.age_min, 0, 120)),
    formField('age_max', 'svc.age_max', num(e.age_max === undefined ? 17 : e.age_max, 0, 120)),
    checks(voc, 'sex', 'sexes', t('svc.col_sexes'), e.sexes || []),
    languageField(voc, t('svc.languages'), e.languages || ['kk', 'ru'], 'languages'),
    formField('capacity', 'svc.capacity', num(e.capacity, 0, 100000)),
    formField('available', 'svc.available', num(e.available, 0, 100000)),
    formField('procedure', 'svc.procedure', h('textarea', { maxlength: 2000, rows: 2 }, e.procedure || ''), 'svc.no_address'),
    formField('contact', 'svc.contact', h('input', { type: 'text', maxlength: 200, value: e.contact || '' }), 'svc.no_address'),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', 'data-action': 'save-service' }, t('svc.save')),
      entry ? h('button', { type: 'button', 'data-action': 'delete-service' }, t('svc.delete')) : null));
  const val = (n) => {
    const el = form.querySelector(`[name="${n}"]`);
    return (el.dataset.code !== undefined ? el.dataset.code : el.value).trim(); // a picker: its codes
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { regions: checkedValues(form, 'regions'), sexes: checkedValues(form, 'sexes'),
      age_min: Number(val('age_min')), age_max: Number(val('age_max')),
      languages: val('languages').split(',').filter(Boolean) };
    if (val('capacity') !== '') body.capacity = Number(val('capacity'));
    if (val('available') !== '') body.available = Number(val('available'));
    if (val('procedure')) body.procedure = val('procedure');
    if (val('contact')) body.contact = val('contact');
    if (entry) body.version = entry.version;
    const service = entry ? entry.service : svc.value;
    const r = await api('PUT', `/api/v1/orgs/${orgId}/services/${encodeURIComponent(service)}`, body);
    if (r.status === 200 || r.status === 201) {
      markSaved(form);
      notify(t('svc.saved'));
      reload();
    } else formError(form, r);
  });
  if (entry) {
    form.querySelector('[data-action="delete-service"]').addEventListener('click', async () => {
      if (!window.confirm(t('svc.confirm_delete'))) return;
      const r = await api('DELETE', `/api/v1/orgs/${orgId}/services/${encodeURIComponent(entry.service)}`);
      if (r.status === 204) { markSaved(form); reload(); } else formError(form, r);
    });
  }
  watchUnsaved(form);
  return form;
}

async function page(container) {
  await Promise.all([messages(M), pickerReady]);
  const voc = await vocab();
  vocabNow = voc;
  const me = session() || {};
  const results = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'search', novalidate: true },
    formField('service', 'svc.col_service', select('service')),
    formField('region', 'svc.region', select('region')),
    formField('age', 'svc.age', h('input', { type: 'number', min: 0, max: 120, step: 1, inputmode: 'numeric' })),
    formField('sex', 'svc.sex', select('sex')),
    h('button', { type: 'submit', 'data-action': 'search' }, t('svc.search')));
  const search = async () => {
    const q = new URLSearchParams();
    ['service', 'region', 'age', 'sex'].forEach((n) => { const v = form.querySelector(`[name="${n}"]`).value.trim(); if (v) q.set(n, v); });
    const r = await api('GET', `/api/v1/services?${q}`);
    clear(results);
    if (r.status === 200) results.append(resultTable(r.data.services || []));
    else formError(form, r);
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); search(); });
  container.append(h('h1', { id: 'page-title' }, t('svc.title')), form, results);
  await search();
  if (policy('directory_scope') === 'own') {
    const mine = h('section', { class: 'my-services', 'aria-labelledby': 'my-services' });
    const reload = async () => {
      clear(mine);
      mine.append(h('h2', { id: 'my-services' }, t('svc.mine')), h('p', { class: 'hint' }, t('svc.no_address_rule')));
      const r = await api('GET', `/api/v1/orgs/${me.org_id}/services`);
      ((r.status === 200 && r.data.services) || []).forEach((s) => mine.append(editForm(voc, me.org_id, s, reload)));
      mine.append(editForm(voc, me.org_id, null, reload));
      search();
    };
    container.append(mine);
    await reload();
  }
}

route('#/services', page);
