// tasks.js — due work (#/tasks): the open tasks due or overdue (GET /tasks?overdue=1)
// or all open tasks (GET /tasks), and the safety-plan reviews that are due. A task is
// marked as done from its row (PATCH /cases/{code}/tasks/{n}); the row stays, saying so.
import { api, errorText, clear, fmtDate, fmtDateTime, h, label, messages, navItem, pageTitle, route, t } from '../core.js';
import { overdueWork } from './home.js';

const ready = Promise.all([messages('tasks'), messages('casework'), messages('grants')]);
navItem('#/tasks', 'tasks.nav', 'task.list', { count: overdueWork, countKey: 'home.nav_overdue' });

let onlyDue = true;

// "Mark as done" for task x of the due list; afterwards the row says the task is done
// (role=status, focused), or the error, where the user clicked.
function doneButton(x) {
  const btn = h('button', { type: 'button', 'data-action': 'task-done', 'aria-label': t('cw.done_task', { title: x.title || x.n }) }, t('cw.mark_done'));
  btn.addEventListener('click', async () => {
    const r = await api('PATCH', '/cases/' + encodeURIComponent(x.case) + '/tasks/' + encodeURIComponent(x.n), { status: 'done' });
    const cell = btn.closest('td');
    for (const old of cell.querySelectorAll('.msg')) old.remove();
    if (r.status !== 200) {
      btn.before(h('p', { class: 'msg', role: 'alert' }, errorText(r.data)));
      return;
    }
    const note = h('p', { class: 'saved-note', role: 'status', tabindex: '-1' }, t('cw.task_done_short'));
    btn.replaceWith(note);
    cell.closest('tr').classList.remove('overdue');
    cell.closest('tr').classList.add('done');
    note.focus();
  });
  return btn;
}

// The work of temporary access to the organisation's cases (kind grant.decide: an access
// request to decide; grant.review: an emergency access to review), in words, each leading to
// the access requests page.
function isGrantTask(x) {
  return typeof x.kind === 'string' && x.kind.startsWith('grant.');
}

function grantTasks(list) {
  const text = (x) => {
    const what = x.kind === 'grant.review' ? 'review' : 'decide';
    const org = x.org_name || (x.org && x.org.name) || (x.requested_by && x.requested_by.org && x.requested_by.org.name) || '';
    return org ? t('gr.task.' + what, { org }) : t('gr.task.' + what + '_plain');
  };
  return [h('h2', {}, t('gr.tasks_title')),
    h('ul', { class: 'home-list', id: 'grant-tasks' }, list.map((x) => h('li', { 'data-code': x.case, 'data-kind': x.kind },
      h('a', { href: '#/grant-requests', 'data-action': 'go-grant-requests' }, text(x)),
      x.case ? [' — ', h('span', { class: 'code' }, x.case)] : null,
      x.requested_at ? ' — ' + fmtDateTime(x.requested_at) : null)))];
}

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
      box.append(h('p', { class: 'errors', role: 'alert' }, errorText(r.data)));
      return;
    }
    const all = r.data.tasks || [];
    const glass = all.filter(isGrantTask).concat(r.data.grants || []);
    const tasks = all.filter((x) => !isGrantTask(x));
    if (glass.length) box.append(...grantTasks(glass));
    if (!tasks.length) box.append(h('p', { class: 'muted' }, t('tasks.none')));
    else {
      box.append(h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, ['case', 'title', 'due', 'stage', 'assignee'].map((k) => h('th', { scope: 'col' }, t('tasks.col.' + k))),
          h('th', { scope: 'col' }, t('cw.col_act')))),
        h('tbody', {}, tasks.map((x) => h('tr', { 'data-code': x.case, class: x.overdue ? 'overdue' : null },
          h('td', { 'data-label': t('tasks.col.case') }, h('a', { href: '#/case/' + encodeURIComponent(x.case), class: 'code' }, x.case)),
          h('td', { 'data-label': t('tasks.col.title') }, x.title),
          h('td', { 'data-label': t('tasks.col.due') }, fmtDate(x.due_on), x.overdue ? ' — ' + t('tasks.overdue') : ''),
          h('td', { 'data-label': t('tasks.col.stage') }, label('stage', x.stage)),
          h('td', { 'data-label': t('tasks.col.assignee') }, x.assignee || ''),
          h('td', { class: 'task-act' }, doneButton(x)))))));
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
