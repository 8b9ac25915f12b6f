// case-tasks.js — the case page's tasks: the list (titles are personal data: GET
// /cases/{code}/tasks is audited), "mark as done" and "change" on each open task, and
// one form that adds a task or changes the one chosen. After a save the form keeps what
// was saved (it becomes the form of that task), with "saved" beside it; after "mark as
// done" the note stands in the task's own row. The focus stays where the work is.
import { api, errorText, caseMay, clear, dateInput, fmtDate, formField, formValues, h, label, markSaved, messages, select, showErrors, t, watchUnsaved } from '../core.js';
import { savedNote } from './case-forms.js';
import { assignableUsers, userPicker } from '../picker.js';

const ready = Promise.all([messages('case'), messages('casework')]);

function path(code, rest) {
  return '/cases/' + encodeURIComponent(code) + '/tasks' + (rest || '');
}

// The form that adds a task (task: {}) or changes task (with its n and version).
// users: those who may take the task (GET /cases/{code}/assignable/workers), by name.
function taskForm(box, code, task, onSaved, users) {
  const editing = !!task.n;
  const fresh = h('button', { type: 'button', 'data-action': 'new-task' }, t('cw.new_task'));
  const form = watchUnsaved(h('form', { id: 'form-task', novalidate: true, 'data-task': editing ? String(task.n) : null },
    h('h3', {}, editing ? t('cw.task_n', { n: task.n }) : t('case.add_task')),
    formField('title', 'case.t.title', h('input', { type: 'text', maxlength: '500', required: true, value: task.title || '' })),
    formField('due_on', 'case.t.due', dateInput(task.due_on), 'case.date_hint'),
    userPicker(t('case.t.assignee'), users, task.assignee || '', 'assignee', 'login', t('case.assignee_hint')),
    editing ? formField('status', 'case.t.status', select('task_status', { value: task.status, empty: false })) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', 'data-action': editing ? 'save-task' : 'add-task' }, editing ? t('core.save') : t('case.add_task')),
      editing ? fresh : null)));
  fresh.addEventListener('click', () => {
    const f = taskForm(box, code, {}, onSaved, users);
    form.replaceWith(f);
    f.querySelector('input').focus();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    let body = v;
    if (editing) {
      body = {};
      for (const k of ['title', 'due_on', 'assignee', 'status']) if (v[k] !== undefined && v[k] !== (task[k] || undefined)) body[k] = v[k];
      if (!Object.keys(body).length) {
        markSaved(form);
        return savedNote(form, t('case.nothing_changed'));
      }
      body.version = task.version;
    }
    const u = await api(editing ? 'PATCH' : 'POST', path(code, editing ? '/' + task.n : ''), body);
    if (u.status !== 200 && u.status !== 201) return showErrors(form, u.data);
    markSaved(form);
    const saved = (u.data && (u.data.task || u.data)) || {};
    // a change stays in its form; a new task is shown in its row, and the form is blank
    // again, so that typing the next task never overwrites this one
    await onSaved(saved.n || task.n, editing ? 'cw.task_saved' : 'cw.task_added', editing ? 'form' : 'row');
  });
  return form;
}

// Draws the section into box. after (optional): {n, key, where: 'form'|'row'}: the task
// just saved, and the message to show beside the form or in its row.
export async function tasksSection(box, code, c, after) {
  await ready;
  const [r, users] = await Promise.all([api('GET', path(code)), assignableUsers(code, 'workers')]);
  clear(box);
  if (r.status !== 200) return box.append(h('p', { class: 'errors', role: 'alert' }, errorText(r.data)));
  const tasks = r.data.tasks || [];
  const mayChange = caseMay(c, 'personal.update');
  const reload = (n, key, where) => tasksSection(box, code, c, { n, key, where });
  let form = null;
  const edit = (x) => {
    const f = taskForm(box, code, x, (n, key, where) => reload(n, key, where), users);
    form.replaceWith(f);
    form = f;
    f.querySelector('input').focus();
  };
  if (!tasks.length) box.append(h('p', { class: 'muted' }, t('case.no_tasks')));
  else {
    box.append(h('table', { class: 'list', id: 'task-list' },
      h('thead', {}, h('tr', {}, ['title', 'due', 'stage', 'status', 'assignee', 'act'].map((k) => h('th', { scope: 'col' }, t('case.t.' + k))))),
      h('tbody', {}, tasks.map((x) => h('tr', { 'data-task': String(x.n), class: x.overdue && x.status === 'open' ? 'overdue' : null },
        h('td', { 'data-label': t('case.t.title') }, x.title || ''),
        h('td', { 'data-label': t('case.t.due') }, fmtDate(x.due_on), x.overdue && x.status === 'open' ? ' — ' + t('case.overdue') : ''),
        h('td', { 'data-label': t('case.t.stage') }, label('stage', x.stage)),
        h('td', { 'data-label': t('case.t.status') }, label('task_status', x.status)),
        h('td', { 'data-label': t('case.t.assignee') }, x.assignee || ''),
        h('td', { class: 'task-act' }, mayChange ? h('div', { class: 'row-actions' },
          x.status === 'open' ? h('button', { type: 'button', 'data-action': 'task-done', on: { click: async (ev) => {
            const u = await api('PATCH', path(code, '/' + x.n), { status: 'done', version: x.version });
            if (u.status === 200) return reload(x.n, 'case.task_done', 'row');
            const cell = ev.target.closest('td');
            for (const old of cell.querySelectorAll('.msg')) old.remove();
            cell.prepend(h('p', { class: 'msg', role: 'alert' }, errorText(u.data)));
          } } }, t('case.mark_done')) : null,
          h('button', { type: 'button', 'data-action': 'edit-task', 'aria-label': t('cw.change_task', { title: x.title || x.n }), on: { click: () => edit(x) } }, t('cw.change'))) : ''))))));
  }
  if (!mayChange) return;
  const again = after && after.where === 'form' ? tasks.find((x) => x.n === after.n) : null;
  form = taskForm(box, code, again || {}, (n, key, where) => reload(n, key, where), users);
  box.append(form);
  if (!after) return;
  if (after.where === 'form') savedNote(form, t(after.key));
  else {
    const cell = box.querySelector(`#task-list tr[data-task="${after.n}"] .task-act`);
    if (cell) savedNote(cell.firstChild || cell.appendChild(h('span')), t(after.key));
  }
}
