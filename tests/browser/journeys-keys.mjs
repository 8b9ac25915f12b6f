// journeys-keys.mjs — keyboard-only journeys for the roles other than the case manager
// (issue 25 item 2; the case manager's is in journeys-a11y.mjs): a supervisor confirms a
// waiting account, an analyst opens a report, an admin creates a user. Only the keyboard
// is used after the page loads; after each step the journey asserts where the focus is
// (never <body>), that the focused control shows a visible focus indicator, and what the
// page shows there, in Kazakh. Every name here is made up.

import { DESKTOP, PASSWORD } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

// What has the focus: a short description without any text of the page.
async function focused(page) {
    return page.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) return 'body';
        const bits = [a.tagName.toLowerCase()];
        if (a.id) bits.push(`#${a.id}`);
        for (const k of ['name', 'data-action', 'data-login', 'href']) if (a.getAttribute(k)) bits.push(`[${k}=${a.getAttribute(k)}]`);
        return bits.join('');
    });
}

async function focusIs(page, selector, step) {
    const ok = await page.waitForFunction((sel) => document.activeElement && document.activeElement.matches(sel),
                                          selector, { timeout: 6000 }).then(() => true, () => false);
    if (!ok) throw new Error(`${step}: the focus is on ${await focused(page)}, not on ${selector}`);
}

// The focused element shows a focus indicator a sighted keyboard user can see: an outline
// of at least 2 px or a box shadow (app.css :focus-visible), not hidden.
async function focusVisible(page, step) {
    const how = await page.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) return 'nothing has the focus';
        if (!a.matches(':focus-visible')) return 'the element does not match :focus-visible';
        const cs = getComputedStyle(a);
        const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
        const shadow = cs.boxShadow && cs.boxShadow !== 'none';
        return outline || shadow ? '' : 'no outline and no box shadow';
    });
    if (how) throw new Error(`${step}: the focus is not visible on ${await focused(page)} (${how})`);
}

// Presses Tab until the focus is on selector, as a keyboard user would.
async function tabTo(page, selector, step) {
    for (let i = 0; i < 120; i++) {
        if (await page.evaluate((sel) => document.activeElement && document.activeElement.matches(sel), selector)) {
            await focusVisible(page, step);
            return;
        }
        await page.keyboard.press('Tab');
    }
    throw new Error(`${step}: Tab never reaches ${selector}`);
}

// Logs in with the keyboard alone: the login page focuses the login field.
async function keyLogin(b, login) {
    const page = b.page;
    await b.go('#/login');
    await focusIs(page, '[name="login"]', 'the login page');
    await page.keyboard.type(login);
    await page.keyboard.press('Tab');
    await focusIs(page, '[name="password"]', 'Tab from the login field');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !location.hash.startsWith('#/login'), null, { timeout: 10000 });
    await focusIs(page, 'h1#page-title', 'the first page after logging in');
}

// Follows a navigation link with the keyboard (the menu is open at desktop size); the new
// page's heading takes the focus.
async function keyNav(b, hash, step) {
    const page = b.page;
    await tabTo(page, `#nav a[href="${hash}"]`, `${step}: the navigation`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((h) => location.hash === h, hash);
    await focusIs(page, 'h1#page-title', `${step}: the page opened`);
}

async function visible(page, selector, text, step) {
    const got = ((await page.locator(selector).first().innerText().catch(() => '')) || '').replace(/\s+/g, ' ');
    assert(got.includes(text), `${step}: ${selector} does not say "${text}"`);
}

// ---- a supervisor confirms a waiting account ----------------------------------------------

const confirm = {
    id: 'keys-supervisor-confirm',
    title: 'keyboard only: a supervisor opens the users page and confirms a waiting account',
    viewport: DESKTOP,
    langs: ['kk'],
    pages: ['login', 'admin'],
    async setup(s) {
        const org = await s.org('Сынақ қоры «Пернетақта»', 'ngo', 'almaty');
        await s.user(org, 'admin.keys', 'admin');
        await s.user(org, 'sup.keys', 'supervisor');
        return { org };
    },
    async seed(s, ctx) {
        const admin = await s.api('admin.keys');
        await admin.must('POST', '/api/v1/users', { org_id: ctx.org, login: 'wait.keys', role: 'case_manager', password: PASSWORD }, 201);
    },
    async run(b) {
        const page = b.page;
        await keyLogin(b, 'sup.keys');
        await keyNav(b, '#/users', 'the supervisor');
        await visible(page, 'main', 'Сіздің растауыңызды күтетін есептік жазбалар: 1.', 'the users page');
        await tabTo(page, '[data-action="confirm-user"][data-login="wait.keys"]', 'the waiting account');
        await b.shot('confirm-focused');
        await page.keyboard.press('Enter');
        // the confirmed account's row takes the focus and says its password is temporary (its
        // maker chose it); the notice says it is confirmed
        await focusIs(page, 'tr[data-login="wait.keys"]', 'after "confirm"');
        await focusVisible(page, 'after "confirm"');
        await visible(page, 'tr[data-login="wait.keys"] [data-field="state"]', 'Уақытша құпиясөз', 'the confirmed row');
        await visible(page, '#status', 'wait.keys есептік жазбасы расталды', 'the notice');
        await b.shot('confirmed');
        const api = await b.server.api('sup.keys');
        const users = (await api.must('GET', '/api/v1/users')).users || [];
        const u = users.find((x) => x.login === 'wait.keys');
        assert(u && !u.pending, 'the account is still waiting after the supervisor confirmed it');
    },
};

// ---- an analyst opens a report ----------------------------------------------------------

const report = {
    id: 'keys-analyst-report',
    title: 'keyboard only: an analyst opens the reports and shows one',
    viewport: DESKTOP,
    langs: ['kk'],
    pages: ['login', 'reports'],
    async setup(s) {
        const org = await s.org('Сынақ статистика бөлімі', 'ngo', 'astana');
        await s.user(org, 'analyst.keys', 'analyst');
        return { org };
    },
    async run(b) {
        const page = b.page;
        await keyLogin(b, 'analyst.keys');
        await keyNav(b, '#/reports', 'the analyst');
        await tabTo(page, '[name="name"]', 'the report chooser');
        const first = await page.inputValue('[name="name"]');
        await page.keyboard.press('ArrowDown');
        const chosen = await page.inputValue('[name="name"]');
        assert(chosen && chosen !== first, 'ArrowDown on the report chooser did not choose the next report');
        await tabTo(page, '[data-action="show-report"]', 'the show button');
        await page.keyboard.press('Enter');
        // the report's first heading takes the focus, and its table is there
        await focusIs(page, '.report-out h2', 'after "show"');
        await focusVisible(page, 'after "show"');
        assert(await page.locator('.report-out table').count(), 'the report shows no table');
        await b.shot('report-shown');
    },
};

// ---- an admin creates a user --------------------------------------------------------------

const create = {
    id: 'keys-admin-user',
    title: 'keyboard only: an admin creates a user, whose row then has the focus',
    viewport: DESKTOP,
    langs: ['kk'],
    pages: ['login', 'admin'],
    async setup(s) {
        const org = await s.org('Сынақ қоры «Әкімші»', 'ngo', 'almaty');
        await s.user(org, 'admin2.keys', 'admin');
        return { org };
    },
    async run(b) {
        const page = b.page;
        await keyLogin(b, 'admin2.keys');
        await keyNav(b, '#/users', 'the admin');
        await tabTo(page, '.new-user [name="login"]', 'the new-user form');
        await page.keyboard.type('new.keys');
        await page.keyboard.press('Tab');
        await focusIs(page, '.new-user [name="name"]', 'Tab from the login');
        await page.keyboard.type('Keys Person');
        await page.keyboard.press('Tab');
        await focusIs(page, '.new-user [name="role"]', 'Tab from the name');
        await focusVisible(page, 'the role');
        for (let i = 0; i < 10 && (await page.inputValue('.new-user [name="role"]')) !== 'case_manager'; i++) {
            await page.keyboard.press('ArrowDown');
        }
        assert((await page.inputValue('.new-user [name="role"]')) === 'case_manager', 'the arrow keys never chose the case manager role');
        await page.keyboard.press('Tab');
        await focusIs(page, '.new-user [name="org_id"]', 'Tab from the role');
        await page.keyboard.press('Tab');
        await focusIs(page, '.new-user [name="password"]', 'Tab from the organisation');
        await page.keyboard.type(PASSWORD);
        await page.keyboard.press('Tab');
        await focusIs(page, '.new-user [name="password_repeat"]', 'Tab from the password');
        await page.keyboard.type(PASSWORD);
        await b.shot('form-filled');
        await page.keyboard.press('Enter');
        // the new account's row takes the focus; it waits for its supervisor's confirmation
        await focusIs(page, 'tr[data-login="new.keys"]', 'after "add user"');
        await focusVisible(page, 'after "add user"');
        await visible(page, 'tr[data-login="new.keys"] [data-field="state"]', 'супервайзерінің растауын күтуде', 'the new row');
        await b.shot('user-added');
    },
};

export const journeys = [confirm, report, create];
