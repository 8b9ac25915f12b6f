// operations.js — the IIN check that cannot be farmed (issue 14 item 6), for supervisors:
// the page '#/operations' to start an operation that lifts the hourly limit on creating
// cases with an IIN for the organisation, see the active and past ones and end one early
// (GET/POST /api/v1/operations, POST /api/v1/operations/{id}/end).
import { api, clear, errorText, formField, h, markSaved, navItem, pageTitle, route, showErrors, t } from '../core.js';
import { limitsReady, when, who } from './iin-alerts.js';

navItem('#/operations', 'limits.nav', 'operation.manage');

function table(id, rows, active, onEnd) {
  const cols = ['name', 'started', active ? 'until' : 'ended', 'by', 'attempts'].concat(active ? ['action'] : []);
  return h('table', { class: 'list', id },
    h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, t('limits.col.' + k))))),
    h('tbody', {}, rows.map((o) => h('tr', { 'data-operation': String(o.id) },
      h('td', { 'data-label': t('limits.col.name') }, o.name),
      h('td', { 'data-label': t('limits.col.started') }, when(o.started_at)),
      active
        ? h('td', { 'data-label': t('limits.col.until') }, when(o.ends_at))
        : h('td', { 'data-label': t('limits.col.ended') }, o.ended_at ? t('limits.ended_early', { at: when(o.ended_at), by: who(o.ended_by) }) : when(o.ends_at)),
      h('td', { 'data-label': t('limits.col.by') }, who(o.started_by)),
      h('td', { 'data-label': t('limits.col.attempts') }, String(o.attempts)),
      active ? h('td', { 'data-label': t('limits.col.action') },
        h('button', { type: 'button', class: 'danger', 'data-action': 'end-operation', 'aria-label': t('limits.end_named', { name: o.name }),
          on: { click: () => onEnd(o) } }, t('limits.end'))) : null))));
}

route('#/operations', async (el) => {
  await limitsReady;
  el.append(pageTitle('limits.title'), h('p', { class: 'hint' }, t('limits.intro')));
  const status = h('p', { role: 'status', id: 'operations-status', class: 'saved' });
  const name = h('input', { type: 'text', maxlength: '200', required: true, autocomplete: 'off' });
  const hours = h('input', { type: 'number', min: '1', max: '72', value: '8', required: true, inputmode: 'numeric' });
  const form = h('form', { id: 'form-operation', novalidate: true },
    h('h2', {}, t('limits.start_title')),
    formField('name', 'limits.name', name, 'limits.name_hint'),
    formField('hours', 'limits.hours', hours, 'limits.hours_hint'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'start-operation' }, t('limits.start'))));
  const box = h('div', { id: 'operations' });
  const load = async () => {
    const r = await api('GET', '/operations');
    clear(box);
    if (r.status !== 200) return box.append(h('p', { class: 'errors', role: 'alert' }, errorText(r.data)));
    const ops = r.data.operations || [];
    const active = ops.filter((o) => o.active), past = ops.filter((o) => !o.active);
    box.append(h('h2', { id: 'active-title' }, t('limits.active')),
      active.length ? table('active-operations', active, true, end) : h('p', { class: 'muted', id: 'no-active' }, t('limits.none_active')),
      h('h2', {}, t('limits.past')),
      past.length ? table('past-operations', past, false) : h('p', { class: 'muted' }, t('limits.none_past')));
  };
  const end = async (o) => {
    const r = await api('POST', '/operations/' + o.id + '/end');
    if (r.status !== 200) {
      status.textContent = errorText(r.data);
      return;
    }
    await load();
    status.textContent = t('limits.ended');
    const title = document.getElementById('active-title');
    if (title) {
      title.tabIndex = -1;
      title.focus();
    }
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { name: name.value.trim(), hours: Number(hours.value) };
    if (!Number.isInteger(body.hours)) body.hours = hours.value; // the server names the field
    const r = await api('POST', '/operations', body);
    if (r.status !== 201) return showErrors(form, r.data);
    markSaved(form); /* an earlier error goes with the success */
    name.value = '';
    await load();
    status.textContent = t('limits.started', { until: when(r.data.ends_at) });
  });
  el.append(status, form, box);
  await load();
});
