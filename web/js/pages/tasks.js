// tasks.js — due work (#/tasks): the open tasks due or overdue (GET /tasks?overdue=1)
// or all open tasks (GET /tasks), and the safety-plan reviews that are due.
import { api, clear, fmtDate, h, label, messages, navItem, pageTitle, route, t } from '../core.js';
import { overdueWork } from './home.js';

const ready = messages('tasks');
navItem('#/tasks', 'tasks.nav', 'task.list', { count: overdueWork, countKey: 'home.nav_overdue' });

let onlyDue = true;

route('#/tasks', async (el) => {
  await ready;
  el.append(pageTitle('tasks.title'));
  const box = h('div');
  const toggle = h('input', { type: 'checkbox', id: 'f-overdue', name: 'overdue', checked: onlyDue });
  toggle.addEventListener('change', () => {
    onlyDue = toggle.checked;
    load();
  });
  el.append(h('div', { class: 'field check' }, toggle, h('label', { for: 'f-overdue' }, t('tasks.only_due'))), box);

  async function load() {
    const r = await api('GET', onlyDue ? '/tasks?overdue=1' : '/tasks');
    clear(box);
    if (r.status !== 200) {
      box.append(h('p', { class: 'errors', role: 'alert' }, t('core.err.' + ((r.data && r.data.error && r.data.error.code) || 'internal'))));
      return;
    }
    const tasks = r.data.tasks || [];
    if (!tasks.length) box.append(h('p', { class: 'muted' }, t('tasks.none')));
    else {
      box.append(h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, ['case', 'title', 'due', 'stage', 'assignee'].map((k) => h('th', { scope: 'col' }, t('tasks.col.' + k))))),
        h('tbody', {}, tasks.map((x) => h('tr', { 'data-code': x.case, class: x.overdue ? 'overdue' : null },
          h('td', { 'data-label': t('tasks.col.case') }, h('a', { href: '#/case/' + encodeURIComponent(x.case), class: 'code' }, x.case)),
          h('td', { 'data-label': t('tasks.col.title') }, x.title),
          h('td', { 'data-label': t('tasks.col.due') }, fmtDate(x.due_on), x.overdue ? ' — ' + t('tasks.overdue') : ''),
          h('td', { 'data-label': t('tasks.col.stage') }, label('stage', x.stage)),
          h('td', { 'data-label': t('tasks.col.assignee') }, x.assignee || ''))))));
    }
    const reviews = r.data.reviews || [];
    box.append(h('h2', {}, t('tasks.reviews')));
    if (!reviews.length) box.append(h('p', { class: 'muted' }, t('tasks.no_reviews')));
    else {
      box.append(h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, ['case', 'review'].map((k) => h('th', { scope: 'col' }, t('tasks.col.' + k))))),
        h('tbody', {}, reviews.map((x) => h('tr', { 'data-code': x.case, class: x.overdue ? 'overdue' : null },
          h('td', { 'data-label': t('tasks.col.case') }, h('a', { href: '#/case/' + encodeURIComponent(x.case), class: 'code' }, x.case)),
          h('td', { 'data-label': t('tasks.col.review') }, fmtDate(x.review_on), x.overdue ? ' — ' + t('tasks.overdue') : ''))))));
    }
    if (r.data.truncated) box.append(h('p', { class: 'muted' }, t('tasks.truncated')));
  }
  await load();
});
