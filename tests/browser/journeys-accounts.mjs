// journeys-accounts.mjs — accounts on the web (issue 13, item 1): an admin creates a user
// → the supervisor sees the count of waiting accounts in the navigation and confirms it
// → the user logs in; an admin resets a password → the user logs in with the temporary
// one, must set their own before anything else, and then works. Each step asserts the
// text the person sees (Kazakh, Russian, English), not only the API's answer.
// Every name here is made up.

import { DESKTOP, PHONE, openMenu, PASSWORD } from './lib.mjs';

const ORG = 'Made-up Family Centre';
const NEW_LOGIN = 'cm.fresh';
const TEMP = 'made-up-Temporary-pw-1';
const OWN = 'made-up-Own-password-2';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

async function eventually(fn, message, ms = 6000) {
    const until = Date.now() + ms;
    for (;;) {
        const last = await fn();
        if (last) return last;
        if (Date.now() > until) throw new Error(message);
        await new Promise((r) => setTimeout(r, 150));
    }
}

// The visible text of the page (navigation and content), whitespace folded.
async function visible(page) {
    return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
}

// What no page may show: broken values and message keys.
async function assertClean(page, where) {
    const text = await visible(page);
    for (const bad of ['[object', 'undefined', 'NaN', 'null']) {
        assert(!text.includes(bad), `${where}: the page shows "${bad}"`);
    }
    const key = /\b(adm|core)\.[a-z_]+(\.[a-z_]+)?\b/.exec(text);
    assert(!key, `${where}: the page shows the message key "${key && key[0]}"`);
}

async function assertText(page, want, where) {
    await eventually(async () => (await visible(page)).includes(want),
                     `${where}: the page does not show "${want}"`);
}

async function setLang(page, lang) {
    await openMenu(page);
    await page.click(`[data-action="set-lang-${lang}"]`);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

async function logout(page) {
    await openMenu(page);
    await page.click('#nav [data-action="logout"]');
    await page.locator('[name="login"]').waitFor();
}

// Types login and password on the login page and presses the button.
async function tryLogin(b, login, password) {
    await b.go('#/login');
    await b.page.locator('[name="login"]').waitFor();
    await b.page.fill('[name="login"]', login);
    await b.page.fill('[name="password"]', password);
    await b.page.click('[data-action="login"]');
}

async function loginAs(b, login, password = PASSWORD) {
    await tryLogin(b, login, password);
    await b.page.waitForFunction(() => !location.hash.startsWith('#/login'), null, { timeout: 10000 });
    await b.page.locator('#page-title').waitFor();
}

async function title(page) {
    return ((await page.locator('#page-title').textContent()) || '').trim();
}

const accounts = {
    id: 'accounts',
    title: 'admin creates a user, the supervisor confirms it, the user logs in; an admin resets a password and the user sets their own',
    viewport: DESKTOP,
    pages: ['login', 'admin', 'password'],
    async setup(s) {
        const org = await s.org(ORG, 'ngo', 'almaty');
        await s.user(org, 'acct.admin', 'admin');
        await s.user(org, 'acct.sup', 'supervisor');
        return { org };
    },
    async run(b, ctx) {
        const page = b.page;
        // 1. the admin (Kazakh) adds a case manager: it waits for the supervisor
        await loginAs(b, 'acct.admin');
        await b.go('#/users');
        await eventually(async () => (await title(page)) === 'Пайдаланушылар', 'the users page title is not "Пайдаланушылар"');
        await page.fill('form.new-user [name="login"]', NEW_LOGIN);
        await page.selectOption('form.new-user [name="role"]', 'case_manager');
        await page.selectOption('form.new-user [name="org_id"]', String(ctx.org));
        await page.fill('form.new-user [name="password"]', PASSWORD);
        await page.fill('form.new-user [name="password_repeat"]', PASSWORD);
        await page.click('[data-action="add-user"]');
        const row = page.locator(`tr[data-login="${NEW_LOGIN}"]`);
        await row.waitFor();
        const state = await row.locator('[data-field="state"]').innerText();
        assert(state.includes(`«${ORG}» ұйымы супервайзерінің растауын күтуде`),
               `the admin does not see for whom the account waits (kk): "${state}"`);
        assert(await row.locator('[data-action="confirm-user"]').count() === 0,
               'the admin is offered to confirm a case manager');
        await assertText(page, 'Растауды күтетін есептік жазбалар: 1.', 'admin users page (kk)');
        await assertText(page, 'Мұнда берілген құпиясөз уақытша', 'the new-user form says its password is temporary (kk)');
        await assertClean(page, 'admin users page (kk)');
        await b.shot('admin-created-kk');
        await logout(page);

        // 2. the new user: the right password learns it waits, a wrong one only "no match"
        await tryLogin(b, NEW_LOGIN, 'made-up-wrong-password');
        await assertText(page, 'Логин мен құпиясөз сәйкес келмейді.', 'login, wrong password (kk)');
        await tryLogin(b, NEW_LOGIN, PASSWORD);
        await assertText(page, 'Құпиясөз дұрыс, бірақ есептік жазбаңыз әлі расталмаған: оны ұйымыңыздың супервайзері растауы керек.',
                         'login, waiting account (kk)');
        assert(await page.locator('[role="alert"]').count() > 0, 'the login message is not role=alert');
        await assertClean(page, 'login waiting (kk)');
        await b.shot('login-waiting-kk');

        // 3. the supervisor (Russian) sees the count and confirms
        await page.fill('[name="login"]', 'acct.sup');
        await page.fill('[name="password"]', PASSWORD);
        await page.click('[data-action="login"]');
        await page.waitForFunction(() => !location.hash.startsWith('#/login'));
        await setLang(page, 'ru');
        const navUsers = page.locator('#nav a[href="#/users"]');
        await eventually(async () => (await navUsers.count()) === 1 && (await navUsers.innerText()).includes('1'),
                         'the supervisor\'s navigation shows no count of waiting accounts');
        const navText = (await navUsers.innerText()).replace(/\s+/g, ' ');
        assert(navText.includes('Пользователи'), `the navigation entry is not "Пользователи": "${navText}"`);
        await b.shot('supervisor-count-ru');
        await navUsers.click();
        await eventually(async () => (await title(page)) === 'Пользователи', 'the supervisor\'s users page title is not "Пользователи"');
        await assertText(page, 'Ждут вашего подтверждения: 1.', 'supervisor users page (ru)');
        const first = page.locator('table.users tbody tr').first();
        assert((await first.getAttribute('data-login')) === NEW_LOGIN, 'the waiting account is not first in the list');
        const supState = await first.locator('[data-field="state"]').innerText();
        assert(supState.includes(`Ждёт подтверждения супервайзера организации «${ORG}»`),
               `the supervisor does not see the waiting state (ru): "${supState}"`);
        assert(await page.locator('form.new-user').count() === 0, 'the supervisor is offered the admin\'s new-user form');
        assert(await page.locator('[data-action="reset-password"]').count() === 0, 'the supervisor is offered a password reset');
        await assertClean(page, 'supervisor users page (ru)');
        await b.shot('supervisor-waiting-ru');
        await first.locator('[data-action="confirm-user"]').click();
        await assertText(page, `Учётная запись ${NEW_LOGIN} подтверждена: теперь можно войти.`, 'after confirming (ru)');
        await assertText(page, 'Нет учётных записей, ждущих подтверждения.', 'after confirming (ru)');
        await eventually(async () => !/\d/.test(await navUsers.innerText()), 'the navigation count does not go away after confirming');
        const after = await page.locator(`tr[data-login="${NEW_LOGIN}"] [data-field="state"]`).innerText();
        // the password its maker chose is temporary: the user sets their own at the first login
        assert(after.trim() === 'Временный пароль: при следующем входе задаст свой.',
               `the confirmed account is not shown with a temporary password: "${after}"`);
        await b.shot('supervisor-confirmed-ru');
        await logout(page);

        // 4. the user logs in (Russian stays chosen)
        await loginAs(b, NEW_LOGIN);
        await eventually(async () => (await page.evaluate(() => location.hash)) === '#/password',
                         'the password the admin chose does not lead to the password page');
        await eventually(async () => (await title(page)) === 'Задайте свой пароль', 'the password page title is not "Задайте свой пароль"');
        await assertClean(page, 'the user\'s first page (ru)');
        await b.shot('user-in-ru');
        await logout(page);

        // 5. the admin (English) resets the password: temporary, and waiting again
        await loginAs(b, 'acct.admin');
        await setLang(page, 'en');
        await b.go('#/users');
        await eventually(async () => (await title(page)) === 'Users', 'the users page title is not "Users"');
        // one's own password is changed on "My password" (with the current one), never reset here
        assert(await page.locator('tr[data-login="acct.admin"] [data-action="reset-password"]').count() === 0,
               'the admin is offered a reset of their own password on the users page');
        assert(await page.locator('tr[data-login="acct.admin"] [data-action="set-name"]').count() === 1,
               'the admin is not offered their own name on the users page');
        await page.click(`tr[data-login="${NEW_LOGIN}"] [data-action="reset-password"]`);
        const reset = page.locator('form.reset-password');
        await reset.waitFor();
        await assertText(page, `${NEW_LOGIN}: a temporary password`, 'the reset form (en)');
        assert(await page.evaluate(() => document.activeElement && document.activeElement.name === 'password'),
               'the focus is not on the temporary password');
        await reset.locator('[name="password"]').fill(TEMP);
        await reset.locator('[name="password_repeat"]').fill(TEMP + 'x');
        await reset.locator('[data-action="set-temporary"]').click();
        await assertText(page, 'The passwords do not match.', 'reset with a mismatch (en)');
        await reset.locator('[name="password_repeat"]').fill(TEMP);
        await reset.locator('[data-action="set-temporary"]').click();
        await assertText(page, `A temporary password is set for ${NEW_LOGIN}: it works once a second person confirms it.`,
                         'after the reset (en)');
        const resetState = () => page.locator(`tr[data-login="${NEW_LOGIN}"] [data-field="state"]`).innerText();
        await eventually(async () => (await resetState()).includes(`Waiting for confirmation by a supervisor of ${ORG}.`) &&
                         (await resetState()).includes('Temporary password: sets their own at the next login.'),
                         'the admin does not see the reset account\'s state (en)');
        await assertClean(page, 'admin after reset (en)');
        await b.shot('admin-reset-en');
        await logout(page);
        // the supervisor confirms again (shown above on the page; here through the API)
        const sup = await b.server.api('acct.sup');
        await sup.must('POST', `/api/v1/users/${NEW_LOGIN}/confirm`, undefined, 204);

        // 6. the user logs in with the temporary password: only "set your password" opens
        await loginAs(b, NEW_LOGIN, TEMP);
        await eventually(async () => (await page.evaluate(() => location.hash)) === '#/password',
                         'a temporary password does not lead to the password page');
        await eventually(async () => (await title(page)) === 'Set your password', 'the password page title is not "Set your password"');
        await assertText(page, 'An administrator gave you a temporary password.', 'the forced password page (en)');
        assert(await page.locator('#nav a[href="#/users"], #nav a[href="#/cases"]').count() === 0,
               'the navigation offers pages a temporary password cannot open');
        await assertClean(page, 'the forced password page (en)');
        await b.shot('must-change-en');
        await b.go('#/cases');
        await eventually(async () => (await page.evaluate(() => location.hash)) === '#/password',
                         'another page opens before the password is changed');
        await setLang(page, 'kk');
        await eventually(async () => (await title(page)) === 'Өз құпиясөзіңізді орнатыңыз', 'the password page title is not in Kazakh');
        await page.fill('form.own-password [name="current_password"]', 'made-up-wrong-password');
        await page.fill('form.own-password [name="password"]', OWN);
        await page.fill('form.own-password [name="password_repeat"]', OWN);
        await page.click('[data-action="change-password"]');
        await assertText(page, 'Қазіргі құпиясөз дұрыс емес.', 'a wrong temporary password (kk)');
        await b.shot('must-change-wrong-kk');
        await page.fill('form.own-password [name="current_password"]', TEMP);
        await page.fill('form.own-password [name="password"]', OWN);
        await page.fill('form.own-password [name="password_repeat"]', OWN);
        await page.click('[data-action="change-password"]');
        await eventually(async () => (await page.evaluate(() => location.hash)) !== '#/password',
                         'the user stays on the password page after setting their own');
        await assertText(page, 'Құпиясөз өзгертілді.', 'after the change (kk)');
        await page.locator('#page-title').waitFor();
        await assertClean(page, 'after the change (kk)');
        await b.shot('password-set-kk');
        await logout(page);

        // 7. the temporary password no longer works; the user's own does
        await tryLogin(b, NEW_LOGIN, TEMP);
        await assertText(page, 'Логин мен құпиясөз сәйкес келмейді.', 'the used temporary password (kk)');
        await loginAs(b, NEW_LOGIN, OWN);
        assert((await page.evaluate(() => location.hash)) !== '#/password', 'the own password leads to the password page again');
        await b.shot('own-password-kk');
    },
};

// At 360 px: the supervisor sees the count, confirms, and the page does not scroll sideways
// (Session.shot checks it); the new user then logs in.
const accountsPhone = {
    id: 'accounts-360',
    title: 'supervisor confirms a waiting account at 360x740',
    viewport: PHONE,
    pages: ['login', 'admin'],
    async setup(s) {
        const org = await s.org(ORG, 'ngo', 'almaty');
        await s.user(org, 'acct.admin', 'admin');
        await s.user(org, 'acct.sup', 'supervisor');
        return { org };
    },
    async seed(s, ctx) {
        const admin = await s.api('acct.admin');
        await admin.must('POST', '/api/v1/users',
                         { org_id: ctx.org, login: NEW_LOGIN, role: 'first_responder', password: PASSWORD }, 201);
    },
    async run(b) {
        const page = b.page;
        await loginAs(b, 'acct.sup');
        await b.go('#/users');
        await eventually(async () => (await title(page)) === 'Пайдаланушылар', 'the users page title is not "Пайдаланушылар"');
        await assertText(page, 'Сіздің растауыңызды күтетін есептік жазбалар: 1.', 'supervisor users page at 360 px (kk)');
        await assertClean(page, 'supervisor users page at 360 px (kk)');
        await b.shot('supervisor-waiting-kk');
        // the navigation's count is seen (and heard) on the menu button while the menu is closed
        const menu = (await page.locator('#menu-toggle').innerText()).replace(/\s+/g, ' ');
        assert(/Мәзір.*1/.test(menu), `the menu button does not show the waiting account ("${menu}")`);
        assert((await page.locator('#menu-toggle .sr-only').innerText()).includes('1 күтуде'),
               'the menu button does not tell screen readers that 1 account waits');
        const button = page.locator(`tr[data-login="${NEW_LOGIN}"] [data-action="confirm-user"]`);
        const box = await button.boundingBox();
        assert(box && box.height >= 24 && box.width >= 24, 'the confirm button is smaller than 24 px');
        await button.click();
        await assertText(page, `${NEW_LOGIN} есептік жазбасы расталды: енді жүйеге кіре алады.`, 'after confirming at 360 px (kk)');
        await b.shot('supervisor-confirmed-kk');
        await logout(page);
        await loginAs(b, NEW_LOGIN);
        await eventually(async () => (await title(page)) === 'Өз құпиясөзіңізді орнатыңыз',
                         'the password the admin chose does not lead to "set your password" at 360 px (kk)');
        await b.shot('user-in-kk');
    },
};


// Issue 15: an admin of one organisation makes an auditor → the row says whom it waits for,
// and the admin who made it has no Confirm button → a second admin of the organisation
// confirms it → active; a system-wide admin's list shows the system-wide mark. The new
// account form offers the admin's own organisation only.
const AUDITOR = 'fresh.auditor';
const OTHER_ORG = 'Made-up Other Centre';
const secondAdmin = {
    id: 'accounts-second-admin',
    title: 'an admin makes an auditor, a second admin confirms it; the system-wide mark',
    viewport: DESKTOP,
    pages: ['login', 'admin'],
    async setup(s) {
        const org = await s.org(ORG, 'ngo', 'almaty');
        await s.org(OTHER_ORG, 'ngo', 'astana');
        await s.user(org, 'acct.admin', 'admin');
        await s.user(org, 'acct.admin2', 'admin');
        await s.user(org, 'acct.wide', 'admin', { systemWide: true });
        return { org };
    },
    async run(b, ctx) {
        const page = b.page;
        // 1. the first admin (English) makes an auditor: it waits, and not for them
        await loginAs(b, 'acct.admin');
        await setLang(page, 'en');
        await b.go('#/users');
        await eventually(async () => (await title(page)) === 'Users', 'the users page title is not "Users"');
        const orgs = await page.locator('form.new-user [name="org_id"] option').allInnerTexts();
        assert(orgs.length === 1 && orgs[0] === ORG, `the form offers other organisations: ${orgs.join(', ')}`);
        // the system-wide admin of the same organisation is listed, marked, and out of reach
        const wideRow = page.locator('tr[data-login="acct.wide"]');
        assert((await wideRow.locator('[data-field="role"]').innerText()).includes('Administrator · system-wide'),
               'the system-wide mark is not shown (en)');
        assert(await wideRow.locator('button').count() === 0, 'an admin of one organisation may act on a system-wide account');
        await page.fill('form.new-user [name="login"]', AUDITOR);
        await page.selectOption('form.new-user [name="role"]', 'auditor');
        await page.fill('form.new-user [name="password"]', PASSWORD);
        await page.fill('form.new-user [name="password_repeat"]', PASSWORD);
        await page.click('[data-action="add-user"]');
        const row = page.locator(`tr[data-login="${AUDITOR}"]`);
        await row.waitFor();
        await eventually(async () => (await row.locator('[data-field="state"]').innerText()).includes(
            `Waiting for confirmation by another administrator of ${ORG} or a system-wide administrator.`),
                         'the maker does not see whom the auditor waits for (en)');
        assert(await row.locator('[data-action="confirm-user"]').count() === 0, 'the maker is offered to confirm');
        await assertText(page, 'Accounts waiting for confirmation: 1.', 'the maker\'s summary (en)');
        await assertClean(page, 'the maker\'s users page (en)');
        await b.shot('auditor-made-en');
        await logout(page);

        // 2. the second admin (Russian) confirms it
        await loginAs(b, 'acct.admin2');
        await setLang(page, 'ru');
        await b.go('#/users');
        await eventually(async () => (await title(page)) === 'Пользователи', 'the users page title is not "Пользователи"');
        await assertText(page, 'Ждут вашего подтверждения: 1.', 'the second admin\'s summary (ru)');
        const waiting = page.locator(`tr[data-login="${AUDITOR}"]`);
        const ruState = await waiting.locator('[data-field="state"]').innerText();
        assert(ruState.includes(`Ждёт подтверждения другого администратора организации «${ORG}» или общесистемного администратора.`),
               `the second admin does not see the waiting state (ru): "${ruState}"`);
        await assertClean(page, 'the second admin\'s users page (ru)');
        await b.shot('auditor-waiting-ru');
        await waiting.locator('[data-action="confirm-user"]').click();
        await assertText(page, `Учётная запись ${AUDITOR} подтверждена: теперь можно войти.`, 'after confirming (ru)');
        await eventually(async () => (await waiting.locator('[data-field="state"]').innerText()).trim() ===
                         'Временный пароль: при следующем входе задаст свой.',
                         'the confirmed auditor is not shown with a temporary password (ru)');
        await b.shot('auditor-confirmed-ru');
        await logout(page);

        // 3. the system-wide admin (Kazakh) sees every organisation and the mark
        await loginAs(b, 'acct.wide');
        await setLang(page, 'kk');
        await b.go('#/users');
        await eventually(async () => (await title(page)) === 'Пайдаланушылар', 'the users page title is not "Пайдаланушылар"');
        const wideRole = await page.locator('tr[data-login="acct.wide"] [data-field="role"]').innerText();
        assert(wideRole.includes('Әкімші · жүйелік'), `the system-wide mark is not shown (kk): "${wideRole}"`);
        const kkOrgs = await page.locator('form.new-user [name="org_id"] option').allInnerTexts();
        assert(kkOrgs.includes(OTHER_ORG), 'the system-wide admin is not offered every organisation');
        assert(await page.locator('tr[data-login="acct.wide"] button').count() === 0,
               'a system-wide admin is offered a reset or to disable their own account');
        await assertClean(page, 'the system-wide admin\'s users page (kk)');
        await b.shot('system-wide-kk');
        await logout(page);
        await loginAs(b, AUDITOR); // the password its maker chose: set their own first
        await eventually(async () => (await title(page)) === 'Өз құпиясөзіңізді орнатыңыз',
                         'the auditor\'s first login does not lead to "set your password" (kk)');
        await assertText(page, 'Әкімші сізге уақытша құпиясөз берді.', 'the auditor\'s first login (kk)');
        await b.shot('auditor-in-kk');
        void ctx;
    },
};

export const journeys = [accounts, accountsPhone, secondAdmin];
