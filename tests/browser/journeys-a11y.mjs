// journeys-a11y.mjs — accessibility journeys (issue 25): the page kinds the main journeys
// do not reach (every report, the admin lists, the audit trail, due tasks, incoming
// referrals, the public reply page), each checked by axe-core at both sizes through
// Session.shot; and a keyboard-only journey of a case manager's main task that asserts
// where the focus is after each step (never lost to <body>). Every name here is made up.

import { DESKTOP, personal, today } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

// What has the focus: a short description without any text of the page (no personal data).
async function focused(page) {
    return page.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) return 'body';
        const bits = [a.tagName.toLowerCase()];
        if (a.id) bits.push(`#${a.id}`);
        for (const k of ['name', 'data-action', 'data-task']) if (a.getAttribute(k)) bits.push(`[${k}=${a.getAttribute(k)}]`);
        return bits.join('');
    });
}

async function focusIs(page, selector, step) {
    const ok = await page.waitForFunction((sel) => document.activeElement && document.activeElement.matches(sel),
                                          selector, { timeout: 5000 }).then(() => true, () => false);
    if (!ok) throw new Error(`${step}: the focus is on ${await focused(page)}, not on ${selector}`);
}

// Presses Tab (or Shift+Tab) until the focus is on selector, as a keyboard user would.
async function tabTo(page, selector, step, back = false) {
    for (let i = 0; i < 400; i++) {
        if (await page.evaluate((sel) => document.activeElement && document.activeElement.matches(sel), selector)) return;
        await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    }
    throw new Error(`${step}: Tab never reaches ${selector}`);
}

// ---- every page kind the main journeys leave out -----------------------------------------

const REPORTS = ['victims', 'exploitation', 'regions', 'age-bands', 'flows', 'process'];

const pageKinds = {
    id: 'a11y-pages',
    title: 'accessibility of the reports, admin lists, audit trail, tasks, referrals and the public reply page',
    viewport: DESKTOP,
    pages: ['login', 'reports', 'admin', 'audit', 'tasks', 'referrals'],
    async setup(s) {
        const org = await s.org('Made-up Statistics Office', 'ngo', 'astana');
        await s.user(org, 'analyst.a11y', 'analyst');
        await s.user(org, 'admin.a11y', 'admin', { systemWide: true }); // sees the new-organisation form
        await s.user(org, 'auditor.a11y', 'auditor');
        await s.user(org, 'cm.a11y', 'case_manager');
        return { org };
    },
    async seed(s, ctx) {
        const cm = await s.api('cm.a11y');
        for (let i = 0; i < 3; i++) {
            const c = await cm.must('POST', '/api/v1/cases', {
                sex: i % 2 ? 'Masculine' : 'Feminine', age_at_identification: 13 + i, region: i ? 'almaty' : 'astana',
                identified_on: today(-3 - i),
                personal: { given_name: personal('Synaqbala'), family_name: personal('Oilanbaeva') },
            }, 201);
            const code = c.code ?? c.case?.code;
            await cm.must('POST', `/api/v1/cases/${encodeURIComponent(code)}/tasks`,
                          { title: 'Made-up follow-up call', due_on: today(-1) }, 201);
            // a referral to an organisation that is not on Qorgau: it has a printable sheet
            if (!i) {
                const r = await cm.must('POST', `/api/v1/cases/${encodeURIComponent(code)}/referrals`,
                                        { service: 'education', to_name: 'Made-up School No. 12', parts: ['profile'] }, 201);
                ctx.ref = r.ref ?? r.referral?.ref;
            }
        }
    },
    async run(b, ctx) {
        const page = b.page;
        const visit = async (hash, step) => {
            await b.go(hash);
            await page.locator('#page-title').waitFor();
            await b.shot(step);
        };
        // logging out ends on the login page; wait for it (the session is gone by then)
        const logout = async () => {
            await b.go('#/logout');
            await page.waitForFunction(() => location.hash === '#/login' && document.querySelector('[name="login"]'));
        };
        await b.login('analyst.a11y');
        await visit('#/reports', 'reports');
        for (const name of REPORTS) {
            await page.selectOption('[name="name"]', name);
            await page.click('[data-action="show-report"]');
            await page.locator('.report-out table, .report-out .muted, .report-out [role="alert"]').first().waitFor()
                .catch(() => {});
            await b.shot(`report-${name}`);
        }
        await logout();
        await b.login('admin.a11y');
        await visit('#/admin/users', 'admin-users');
        await visit('#/admin/orgs', 'admin-orgs');
        await logout();
        await b.login('auditor.a11y');
        await visit('#/audit', 'audit');
        await logout();
        await b.login('cm.a11y');
        await visit('#/tasks', 'tasks');
        await visit('#/referrals', 'referrals');
        // stacked at 360 px: every value of a list is labelled with its column's name
        const unlabelled = await page.evaluate(() => [...document.querySelectorAll('table.list tbody td')]
            .filter((td) => td.colSpan === 1 && td.textContent.trim() && !td.getAttribute('data-label')).length);
        assert(unlabelled === 0, `${unlabelled} cells of the lists have no column label (data-label)`);
        // the referral, its printable sheet (viewport tag, its language on <html>) and its reply code
        await visit(`#/referral/${ctx.ref}`, 'referral');
        await page.goto(`${b.server.base}/api/v1/referrals/${encodeURIComponent(ctx.ref)}/sheet`);
        assert(/width=device-width/.test((await page.getAttribute('meta[name="viewport"]', 'content')) || ''),
               'the referral sheet has no viewport tag');
        assert(['kk', 'ru', 'en'].includes(await page.getAttribute('html', 'lang')), 'the referral sheet has no language on <html>');
        await b.shot('sheet');
        const code = ((await page.locator('strong').first().textContent()) || '').trim();
        // the public reply page and its error page (a made-up code), laid out for phones
        await page.goto(`${b.server.base}/reply`);
        const vp = await page.getAttribute('meta[name="viewport"]', 'content');
        assert(/width=device-width/.test(vp || ''), 'the reply page has no viewport tag');
        assert(['kk', 'ru', 'en'].includes(await page.getAttribute('html', 'lang')), 'the reply page has no language on <html>');
        await b.shot('reply');
        await page.fill('[name="code"]', 'MADEUP-CODE-0000');
        await page.click('button[type="submit"]');
        await page.locator('h1').waitFor();
        await b.shot('reply-error');
        // the sheet's code accepts the referral: the result page
        await page.fill('[name="code"]', code);
        await page.selectOption('[name="action"]', 'accept');
        await page.click('button[type="submit"]');
        await page.locator('h1').waitFor();
        assert(/Thank you/.test((await page.locator('h1').textContent()) || ''), 'the sheet\'s code did not accept the referral');
        await b.shot('reply-accepted');
    },
};

// ---- the keyboard alone: a case manager's main task --------------------------------------

const keyboard = {
    id: 'a11y-keyboard',
    title: 'keyboard only: log in, next page of cases, open a case, add a task, mark it done, the idle dialog',
    viewport: DESKTOP,
    pages: ['login', 'cases', 'case'],
    async setup(s) {
        const org = await s.org('Made-up Family Support NGO', 'ngo', 'almaty');
        await s.user(org, 'cm.keys', 'case_manager');
        return { org };
    },
    async seed(s) {
        const cm = await s.api('cm.keys');
        // more than one page of cases (50 a page)
        for (let i = 0; i < 52; i++) {
            await cm.must('POST', '/api/v1/cases', {
                sex: 'Feminine', age_at_identification: 12 + (i % 6), region: 'almaty', identified_on: today(-2),
                personal: { given_name: personal('Synaqbala'), family_name: personal('Oilanbaeva') },
            }, 201);
        }
    },
    async run(b) {
        const page = b.page;
        await page.clock.install();
        await b.go('#/login');
        await focusIs(page, '[name="login"]', 'the login page');
        await b.shot('login');
        await page.keyboard.type('cm.keys');
        await page.keyboard.press('Tab');
        await focusIs(page, '[name="password"]', 'Tab from the login field');
        await page.keyboard.type('made-up-Passw0rd-for-browser-tests');
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => location.hash.startsWith('#/home'));
        await focusIs(page, 'h1#page-title', 'the home page after logging in');
        await page.evaluate(() => { location.hash = '#/cases'; });
        await page.locator('[data-action="next-page"]').waitFor();
        await focusIs(page, 'h1#page-title', 'the case list');

        // "next page": the first case it adds takes the focus
        await tabTo(page, '[data-action="next-page"]', 'the case list');
        await page.keyboard.press('Enter');
        await focusIs(page, 'tbody tr:nth-child(51) a', 'after "next page"');
        await b.shot('next-page');

        // open that case with Enter: its heading takes the focus
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => /^#\/case\/[^/]+$/.test(location.hash));
        await focusIs(page, 'h1#page-title', 'the case page');

        // add a task: "added" in the new task's row takes the focus; the form is blank again
        await tabTo(page, '[data-action="open-tasks"]', 'the case page');
        await page.keyboard.press('Enter');
        await tabTo(page, '#form-task [name="title"]', 'the tasks section');
        await page.keyboard.type('Made-up follow-up call');
        await page.keyboard.press('Tab');
        await focusIs(page, '#form-task [name="due_on"]', 'Tab from the task title');
        const [y, m, d] = today(3).split('-');
        await page.keyboard.type(`${d}.${m}.${y}`);
        await page.keyboard.press('Enter');
        await focusIs(page, '#task-list tr[data-task] .saved-note', 'after adding a task');
        const task = await page.evaluate(() => document.activeElement.closest('tr').dataset.task);
        assert(task && (await page.locator(`#task-list tr[data-task="${task}"]`).count()), 'the task added is not listed');
        assert((await page.inputValue('#form-task [name="title"]')) === '', 'the task form is not blank for the next task');
        await b.shot('task-added');

        // mark it done: "done" in its row takes the focus; the row has no such button now
        await tabTo(page, `#task-list tr[data-task="${task}"] [data-action="task-done"]`, 'the new task');
        await page.keyboard.press('Enter');
        await focusIs(page, `#task-list tr[data-task="${task}"] .saved-note`, 'after "mark task done"');
        assert(!(await page.locator(`#task-list tr[data-task="${task}"] [data-action="task-done"]`).count()),
               'the task done is still offered "mark task done"');
        await b.shot('task-done');

        // the idle dialog: focus inside, Tab cycles in it, Escape closes it and gives the focus back
        await page.clock.fastForward('28:30');
        await page.locator('[role="alertdialog"]').waitFor();
        await focusIs(page, '[role="alertdialog"] [data-action="stay"]', 'the idle dialog');
        await b.shot('idle-dialog');
        for (let i = 0; i < 3; i++) {
            await page.keyboard.press('Tab');
            await focusIs(page, '[role="alertdialog"] button', `Tab ${i + 1} in the idle dialog`);
        }
        await page.keyboard.press('Shift+Tab');
        await focusIs(page, '[role="alertdialog"] button', 'Shift+Tab in the idle dialog');
        await page.keyboard.press('Escape');
        await page.locator('[role="alertdialog"]').waitFor({ state: 'detached' });
        await focusIs(page, `#task-list tr[data-task="${task}"] .saved-note`, 'after Escape closed the idle dialog');
        assert(/^#\/case\//.test(new URL(page.url()).hash), 'Escape in the idle dialog logged the user out');
    },
};

export const journeys = [pageKinds, keyboard];
