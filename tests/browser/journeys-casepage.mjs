// journeys-casepage.mjs — the case page's work where the user does it (issue 13 items 1
// and 4): a task added, changed and marked as done, with "saved" beside the form or in
// the task's row and the form keeping what was saved; a task marked as done on the due
// list; the child's refusal of statistics without a consent on record; a consent recorded
// and shown as recorded; and traffickers, route events, contacts and relatives added,
// changed and removed on the case page and listed with their labels. Asserts what the
// page shows (in Kazakh, and the people in ru and en), then the API's state. Every name
// here is made up.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DESKTOP, PHONE, SHOTS, WEB, fillForm, personal, today } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

const catalogue = (name) => JSON.parse(readFileSync(path.join(WEB, 'i18n', `${name}.json`), 'utf8'));
const CW = catalogue('casework');
const CASE = catalogue('case');
const dmy = (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

async function openSection(page, id) {
    const summary = page.locator(`[data-action="open-${id}"]`).first();
    const open = await summary.evaluate((el) => el.closest('details').open);
    if (!open) await summary.click();
}

// The text of the "saved" note just before el (a locator), or '' when there is none.
async function noteBefore(el) {
    return el.evaluate((x) => {
        const p = x.previousElementSibling;
        return p && p.classList.contains('saved-note') ? p.textContent : '';
    });
}

// A screenshot of one part of the page, to look at (the full page is long).
async function part(b, selector, name) {
    await b.page.locator(selector).first().screenshot({ path: path.join(SHOTS, `${b.journey}-part-${name}.png`) });
}

async function seedCase(api, extra = {}) {
    const c = await api.must('POST', '/api/v1/cases', {
        sex: 'Feminine', age_at_identification: 15, region: 'almaty', identified_on: today(-2),
        personal: { given_name: personal('Dariganbala'), family_name: personal('Madeupkyzy') }, ...extra,
    }, 201);
    return c.code ?? c.case?.code;
}

const tasksJourney = {
    id: 'case-tasks-consent',
    title: 'a task added, changed and done and a consent recorded show "saved" where the user clicked; the statistics opt-out without a consent',
    viewport: DESKTOP,
    langs: ['kk'],
    pages: ['case', 'case-tasks', 'case-consent', 'tasks'],
    async setup(s) {
        const org = await s.org('Made-up Task Centre', 'ngo', 'almaty');
        await s.user(org, 'cm.tasks', 'case_manager');
        return { org };
    },
    async seed(s, ctx) {
        const cm = await s.api('cm.tasks');
        ctx.api = cm;
        ctx.code = await seedCase(cm);
        ctx.other = await seedCase(cm, { sex: 'Masculine', age_at_identification: 12 });
        await cm.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.other)}/tasks`,
                      { title: personal('Made-up overdue task: call the school'), due_on: today(-1) }, 201);
    },
    async run(b, ctx) {
        const page = b.page;
        const K = CW.kk;
        page.on('dialog', (d) => d.accept());
        const casePath = `/api/v1/cases/${encodeURIComponent(ctx.code)}`;
        await b.login('cm.tasks');
        await b.go(`#/case/${encodeURIComponent(ctx.code)}`);
        await page.locator('#page-title').waitFor();

        // a task added: "added" in its row; the form is blank again for the next task, so
        // that typing it never overwrites this one
        await openSection(page, 'tasks');
        const form = page.locator('#form-task');
        await form.waitFor();
        await fillForm(form, { title: 'Made-up task: visit the family', due_on: today(7) });
        await form.locator('[data-action="add-task"]').click();
        const addedNote = page.locator('#task-list tr[data-task="1"] .saved-note');
        await addedNote.waitFor();
        assert((await addedNote.innerText()) === K['cw.task_added'], 'no "task added" in the new task\'s row');
        assert((await page.inputValue('#form-task [name="title"]')) === '', 'the form still holds the added task: the next one would overwrite it');
        assert((await page.locator('#form-task').getAttribute('data-task')) === null, 'the form after adding is not a new task\'s');
        await b.shot('task-added');

        // changed from its row: the form becomes that task's, keeps the saved values
        await page.click('#task-list tr[data-task="1"] [data-action="edit-task"]');
        await page.locator('#form-task[data-task="1"]').waitFor();
        assert((await page.inputValue('#form-task [name="title"]')) === 'Made-up task: visit the family', 'the change form does not hold the task');
        assert((await page.inputValue('#form-task [name="due_on"]')) === dmy(today(7)), 'the saved due date is not shown as dd.mm.yyyy');
        assert((await page.locator('#form-task h3').innerText()) === K['cw.task_n'].replace('{n}', '1'), 'the form is not the task\'s');
        await page.fill('#form-task [name="title"]', 'Made-up task: visit the family on Monday');
        await page.click('#form-task [data-action="save-task"]');
        await page.waitForFunction(() => {
            const p = document.querySelector('#form-task') && document.querySelector('#form-task').previousElementSibling;
            return p && p.classList.contains('saved-note') && document.activeElement === p;
        });
        assert((await noteBefore(page.locator('#form-task'))) === K['cw.task_saved'], 'no "task saved" beside the changed task');
        const stored = await ctx.api.must('GET', `${casePath}/tasks`);
        assert(stored.tasks[0].title === 'Made-up task: visit the family on Monday', 'the changed title was not stored');

        // marked as done: the note stands in the task's row
        await page.click('#task-list tr[data-task="1"] [data-action="task-done"]');
        const rowNote = page.locator('#task-list tr[data-task="1"] .saved-note');
        await rowNote.waitFor();
        assert((await rowNote.innerText()) === CASE.kk['case.task_done'], 'no "done" in the task\'s row');
        assert(await rowNote.evaluate((x) => document.activeElement === x), 'the focus is not on the note in the row');
        await b.shot('task-done');
        await part(b, '#sec-tasks', 'tasks');

        // the statistics opt-out, with no consent to statistics on record
        await openSection(page, 'consent');
        await page.locator('[data-action="opt-out"]').waitFor();
        assert((await b.visibleText('#statistics-state')) === CASE.kk['case.stats_included'], 'the case does not say it counts in statistics');
        await b.shot('consent-before');
        await part(b, '#sec-consent', 'consent-before');
        await page.click('[data-action="opt-out"]');
        await page.waitForFunction((x) => document.querySelector('#statistics-state')?.textContent === x, CASE.kk['case.stats_excluded']);
        const optNote = page.locator('#sec-consent .saved-note');
        assert((await optNote.innerText()) === K['cw.opted_out'], 'no "left out of statistics" beside the statistics line');
        assert(!(await page.locator('[data-action="opt-out"]').count()), 'the opt-out is still offered for a case out of statistics');
        const cons = await ctx.api.must('GET', `${casePath}/consents`);
        assert(cons.statistics === 'excluded', 'the case is not out of statistics through the API');

        // a consent recorded: what was recorded stays in view, with "saved"
        const cf = page.locator('#form-consent');
        await cf.waitFor();
        await fillForm(cf, { purpose: 'services', given_by: 'child', given_on: today(-1) }, ['purpose', 'given_by']);
        await cf.locator('[data-action="record-consent"]').click();
        await page.locator('#consent-recorded').waitFor();
        const rec = await b.visibleText('#consent-recorded');
        assert(rec.includes('Қызмет алу') && rec.includes('Баланың өзі') && rec.includes(dmy(today(-1))), 'the recorded consent is not shown with its labels and date');
        assert((await page.locator('.consent-done').evaluate((x) => x.previousElementSibling?.textContent)) === 'Сақталды.', 'no "saved" beside the recorded consent');
        await b.shot('consent-recorded');
        await part(b, '#sec-consent', 'consent');
        await page.click('[data-action="another-consent"]');
        await page.locator('#form-consent').waitFor();

        // the due list: marked as done in the row, which stays
        await b.go('#/tasks');
        const due = page.locator(`tr[data-code="${ctx.other}"]`).first();
        await due.waitFor();
        await due.locator('[data-action="task-done"]').click();
        await due.locator('.saved-note').waitFor();
        assert((await due.locator('.saved-note').innerText()) === K['cw.task_done_short'], 'no "done" in the due list\'s row');
        await b.shot('due-list-done');
        const left = await ctx.api.must('GET', `/api/v1/cases/${encodeURIComponent(ctx.other)}/tasks`);
        assert(left.tasks[0].status === 'done', 'the task on the due list was not marked as done');
    },
};

// Adds an entry to a list of the case page (kind: traffickers, route, contacts,
// relatives) through its form; answers the form (left open, holding what was saved).
async function addEntry(page, kind, values) {
    await page.locator(`[data-action="add-${kind}"]`).click();
    const form = page.locator(`#form-${kind}`);
    await form.waitFor();
    await fillForm(form, values);
    await form.locator('[data-action="save-entry"]').click();
    await page.waitForFunction((k) => {
        const f = document.querySelector(`#form-${k}`);
        return f && f.dataset.entry && f.previousElementSibling && f.previousElementSibling.classList.contains('saved-note');
    }, kind);
    return page.locator(`#form-${kind}`);
}

const peopleJourney = {
    id: 'case-people',
    title: 'traffickers, route events, contacts and relatives added, changed and removed on the case page, listed with labels in kk, ru and en',
    viewport: DESKTOP,
    langs: ['kk'],
    pages: ['case', 'case-people'],
    async setup(s) {
        const org = await s.org('Made-up People Centre', 'ngo', 'almaty');
        await s.user(org, 'cm.people', 'case_manager');
        return { org };
    },
    async seed(s, ctx) {
        const cm = await s.api('cm.people');
        ctx.api = cm;
        ctx.code = await seedCase(cm);
        ctx.vocab = await cm.must('GET', '/api/v1/vocab');
    },
    async run(b, ctx) {
        const page = b.page;
        page.on('dialog', (d) => d.accept());
        const L = (list, code, l = 'kk') => ctx.vocab[list].find((e) => e.code === code)[l];
        const casePath = `/api/v1/cases/${encodeURIComponent(ctx.code)}`;
        await b.login('cm.people');
        await b.go(`#/case/${encodeURIComponent(ctx.code)}`);
        await page.locator('#page-title').waitFor();

        // a trafficker, picked from the code lists
        await openSection(page, 'traffickers');
        await page.locator('[data-action="add-traffickers"]').waitFor();
        const tf = await addEntry(page, 'traffickers', { sex: 'Masculine', age_band: '30_44', relation: 'employer', role: 'recruiter' });
        assert((await noteBefore(tf)) === CW.kk['cw.entry_added'], 'no "added and saved" beside the trafficker form');
        assert((await tf.locator('[name="role"]').inputValue()) === 'recruiter', 'the trafficker form did not keep what was saved');
        const trow = await b.visibleText('#traffickers-list tr[data-entry="1"]');
        for (const [list, code] of [['sex', 'Masculine'], ['age_band', '30_44'], ['relation', 'employer'], ['trafficker_role', 'recruiter']]) {
            assert(trow.includes(L(list, code)), `the trafficker's row does not show the label of ${list}`);
        }
        // changed: the role
        await tf.locator('[name="role"]').selectOption('transporter');
        await tf.locator('[data-action="save-entry"]').click();
        await page.waitForFunction(() => document.querySelector('#traffickers-list tr[data-entry="1"]').textContent.includes('Тасымалдаушы'));
        assert((await noteBefore(page.locator('#form-traffickers'))) === CW.kk['cw.entry_saved'], 'no "saved" beside the changed trafficker');
        await b.shot('trafficker');
        await part(b, '#sec-traffickers', 'traffickers-kk');

        // route events: a month, a year; one removed
        await openSection(page, 'route');
        await page.locator('[data-action="add-route"]').waitFor();
        // a route event without its place: the error names the field, in Kazakh
        await page.click('[data-action="add-route"]');
        await fillForm(page.locator('#form-route'), { event: 'transit', on: '2022' });
        await page.click('#form-route [data-action="save-entry"]');
        await page.locator('#form-route [role="alert"]').waitFor();
        const alert = await b.visibleText('#form-route [role="alert"]');
        assert(alert.includes(CW.kk['cw.p.place']), `the error does not name the place field: "${alert}"`);
        assert(await page.evaluate(() => document.activeElement && document.activeElement.name === 'place'), 'the focus is not on the place field');
        await part(b, '#sec-route', 'route-error-kk');
        await page.click('#form-route [data-action="cancel-entry"]');
        await addEntry(page, 'route', { event: 'recruitment', place: 'UZ', on: '05.2023' });
        await addEntry(page, 'route', { event: 'exploitation', place: 'almaty', on: '2024' });
        let rows = await b.visibleText('#route-list');
        assert(rows.includes(L('route_event', 'recruitment')) && rows.includes(L('country', 'UZ')) && rows.includes('05.2023'), 'the first route event is not listed with its labels and date');
        assert(rows.includes(L('route_event', 'exploitation')) && rows.includes(L('region', 'almaty')) && rows.includes('2024'), 'the second route event is not listed with its labels');
        await page.click('#route-list tr[data-entry="1"] [data-action="remove-entry"]');
        await page.waitForFunction(() => document.querySelectorAll('#route-list tbody tr').length === 1);
        assert((await page.locator('#sec-route .saved-note').innerText()) === CW.kk['cw.removed'], 'no "removed" after removing a route event');
        let c = await ctx.api.must('GET', casePath);
        assert(c.traffickers.length === 1 && c.traffickers[0].role === 'transporter', 'the trafficker was not stored as changed');
        assert(c.route.length === 1 && c.route[0].event === 'exploitation' && c.route[0].on === '2024', 'the route events were not stored');
        await b.shot('route');
        await part(b, '#sec-route', 'route-kk');
        const sum = await b.visibleText('#case-summary');
        assert(sum.includes(CASE.kk['case.f.route']) && sum.includes(L('route_event', 'exploitation')), 'the summary does not list the route event');
        assert(!sum.includes('Жол оқиғалары'), 'the summary still calls route events "road incidents"');

        // contacts and relatives (personal data)
        await openSection(page, 'contacts');
        await page.locator('[data-action="add-contacts"]').waitFor();
        await addEntry(page, 'contacts', { name: personal('Made-up Aigerim Teacher'), relation: 'сынып жетекшісі', phone: '+7 700 000 00 00' });
        await addEntry(page, 'relatives', { name: personal('Made-up Gulnara Auntie'), relation: 'тәтесі', notes: 'Made-up: lives in Almaty' });
        const people = await b.visibleText('#sec-contacts');
        assert(people.includes('Made-up Aigerim Teacher') && people.includes('+7 700 000 00 00') && people.includes('Made-up Gulnara Auntie'), 'the contact and the relative are not listed');
        assert(people.includes(CW.kk['cw.p.name']) && people.includes(CASE.kk['case.p.phone']), 'the contacts are not listed with their labels');
        const p = await ctx.api.must('GET', `${casePath}/personal`);
        assert(p.personal.contacts.length === 1 && p.personal.relatives.length === 1, 'the contact and the relative were not stored');
        assert(p.personal.given_name === 'Dariganbala', 'saving a contact lost the rest of the personal data');
        await b.shot('contacts');
        await part(b, '#sec-contacts', 'contacts-kk');

        // the same lists in Russian and English
        for (const l of ['ru', 'en']) {
            await page.click(`[data-action="set-lang-${l}"]`);
            await page.waitForFunction((x) => document.documentElement.lang === x, l);
            await page.locator('#page-title').waitFor();
            for (const id of ['traffickers', 'route', 'contacts']) await openSection(page, id);
            await page.locator('#traffickers-list').waitFor();
            await page.locator('#route-list').waitFor();
            await page.locator('#contacts-list').waitFor();
            const tx = await b.visibleText('#traffickers-list');
            assert(tx.includes(L('trafficker_role', 'transporter', l)) && tx.includes(L('relation', 'employer', l)), `the traffickers in ${l} are not labelled in ${l}`);
            const rx = await b.visibleText('#route-list');
            assert(rx.includes(L('route_event', 'exploitation', l)) && rx.includes(L('region', 'almaty', l)), `the route in ${l} is not labelled in ${l}`);
            assert((await b.visibleText('#sec-route h2')) === CASE[l]['case.f.route'], `the route section's heading in ${l}`);
            await b.shot(`people-${l}`);
            for (const id of ['traffickers', 'route', 'contacts']) await part(b, `#sec-${id}`, `${id}-${l}`);
        }
    },
};

export const journeys = [tasksJourney, peopleJourney];
