// dataset.js — the anonymised case-level dataset '#/dataset' (analyst, supervisor: whoever
// the session's `may` list allows 'report.read', the API's own rule): what the file holds,
// what is never in it, how it is protected (k-anonymity, docs/dataset.md), and a CSV
// download. After the download the page says what was generalised and how many records
// were removed, from the X-Qorgau-Dataset-Summary header the file comes with.
import { t, route, messages, formField, formMessage, markSaved, go, policy, showErrors, h, clear, may } from '../core.js';

const M = 'dataset';
messages(M);

const COLUMNS = ['prs_Gender', 'qg_AgeBroadAtIdentification', 'prs_Citizenship', 'qg_RegionOfIdentification',
  'qg_YearOfIdentification', 'vic_TypeOfExploitation', 'vic_TraffickingStatus', 'vic_MethodOfRecruitment',
  'vic_RelationshipToTrafficker', 'vic_LocationOfExploitation'];
const QUASI = 5; // the first five columns are the quasi-identifiers
const K_DEFAULT = 11, K_ANALYST_MIN = 11, K_MIN = 2, K_MAX = 100;

function columnList() {
  return h('dl', { class: 'summary columns' }, COLUMNS.flatMap((c, i) => [
    h('dt', {}, t(`ds.col.${c}`), ' ', h('code', { lang: 'en' }, c)),
    h('dd', {}, t(`ds.colhelp.${c}`), i < QUASI ? h('span', { class: 'qi' }, ` ${t('ds.quasi_mark')}`) : null)]));
}

// The summary of the last download, from the header.
function summaryView(s) {
  const names = (s.generalised || []).map((c) => (COLUMNS.includes(c) ? t(`ds.col.${c}`) : c));
  return h('div', { class: 'ds-summary' },
    h('p', {}, t('ds.result', { k: s.k, in: s.records_in, out: s.records_out, removed: s.suppressed_records })),
    h('p', {}, names.length ? t('ds.result_generalised', { names: names.join(', ') }) : t('ds.result_none')));
}

async function download(form, status, kMin) {
  clear(status);
  markSaved(form); // the last attempt's errors go
  const f = (n) => form.querySelector(`[name="${n}"]`).value.trim();
  const kRange = () => formMessage(form, t('ds.k_range', { min: kMin, max: K_MAX }), 'k');
  if (f('k') && !(/^\d+$/.test(f('k')) && Number(f('k')) >= kMin && Number(f('k')) <= K_MAX)) {
    kRange();
    return;
  }
  const q = new URLSearchParams({ format: 'csv' });
  ['k', 'from', 'to'].forEach((n) => { if (f(n)) q.set(n, f(n)); });
  let res;
  try {
    res = await fetch(`/api/v1/datasets/anonymised?${q}`, { credentials: 'same-origin', headers: { Accept: '*/*' }, cache: 'no-store' });
  } catch (e) {
    status.append(h('p', { class: 'errors', role: 'alert' }, t('ds.failed')));
    return;
  }
  if (res.status === 401) { go('#/login'); return; }
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    if (res.status === 400 && data && data.error && data.error.field === 'k') kRange();
    else showErrors(form, { status: res.status, data });
    return;
  }
  let summary = null;
  try { summary = JSON.parse(res.headers.get('X-Qorgau-Dataset-Summary') || 'null'); } catch (e) { summary = null; }
  const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
  const name = m ? m[1] : 'qorgau-dataset.csv';
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  status.append(h('p', { class: 'saved-note' }, t('ds.downloaded', { file: name })));
  if (summary) status.append(summaryView(summary));
}

async function page(container) {
  await messages(M);
  const title = h('h1', { id: 'page-title' }, t('ds.title'));
  if (!may('report.read')) {
    container.append(title, h('p', {}, t('ds.not_allowed')));
    return;
  }
  const analyst = policy('report_always_protected');
  const kMin = analyst ? K_ANALYST_MIN : K_MIN;
  const form = h('form', { class: 'dataset-form', novalidate: true },
    h('div', { class: 'filters' },
      formField('k', 'ds.k', h('input', { type: 'number', min: kMin, max: K_MAX, step: 1, inputmode: 'numeric', value: String(K_DEFAULT) }), analyst ? 'ds.k_hint_analyst' : 'ds.k_hint'),
      formField('from', 'ds.from', h('input', { type: 'number', min: 1900, max: 2100, step: 1, inputmode: 'numeric' })),
      formField('to', 'ds.to', h('input', { type: 'number', min: 1900, max: 2100, step: 1, inputmode: 'numeric' }))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-action': 'download-dataset' }, t('ds.download'))));
  const status = h('div', { role: 'status' });
  form.addEventListener('submit', (e) => { e.preventDefault(); download(form, status, kMin); });
  container.append(title,
    h('p', {}, t('ds.intro')),
    h('section', { 'aria-labelledby': 'ds-what' }, h('h2', { id: 'ds-what' }, t('ds.what_title')), h('p', {}, t('ds.what')), columnList()),
    h('section', { 'aria-labelledby': 'ds-never' }, h('h2', { id: 'ds-never' }, t('ds.never_title')),
      h('ul', {}, ['ds.never.code', 'ds.never.org', 'ds.never.dates', 'ds.never.personal', 'ds.never.excluded'].map((k) => h('li', {}, t(k))))),
    h('section', { 'aria-labelledby': 'ds-rules' }, h('h2', { id: 'ds-rules' }, t('ds.rules_title')),
      h('p', {}, t('ds.rules_k')),
      h('ol', {}, ['ds.step.region', 'ds.step.citizenship', 'ds.step.age', 'ds.step.year'].map((k) => h('li', {}, t(k)))),
      h('p', {}, t('ds.rules_stop')),
      h('p', {}, t('ds.rules_limits'))),
    h('section', { 'aria-labelledby': 'ds-get' }, h('h2', { id: 'ds-get' }, t('ds.get_title')), form, status));
}

route('#/dataset', page);
