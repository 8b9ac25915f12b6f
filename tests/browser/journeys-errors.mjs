// journeys-errors.mjs — specific errors on the web (issue 13 item 2): the server's reason
// for an error is shown in the user's language next to the field at fault, the field is
// marked invalid and takes the focus, and the page's alert names the field too:
//   - the new-case form with an IIN whose check digit does not match (iin.check_digit);
//   - the password page with a new password that is too short (password.too_short).
// In kk, ru and en. Every number and name here is made up.

import { DESKTOP, PASSWORD } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

// The sentences of web/i18n/errors.json the user must read (a part of each).
const IIN_CHECK = {
    kk: 'ЖСН-ның бақылау саны сәйкес келмейді',
    ru: 'Контрольная цифра ИИН не совпадает',
    en: 'check digit does not match',
};
const IIN_LABEL = { kk: 'ЖСН', ru: 'ИИН', en: 'IIN' };
const TOO_SHORT = {
    kk: 'Құпиясөз тым қысқа',
    ru: 'Пароль слишком короткий',
    en: 'password is too short',
};

// A made-up IIN (a boy born 14.03.2012) whose check digit is one off the right one.
function wrongCheckIin() {
    const body = '120314' + '5' + '0742';
    const w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    const sum = (w) => [...body].reduce((s, d, i) => s + Number(d) * w[i], 0) % 11;
    let check = sum(w1);
    if (check === 10) check = sum(w2);
    assert(check !== 10, 'the made-up IIN has no check digit; change its serial digits');
    return body + String((check + 1) % 10);
}

// Waits for the message under the field named name and returns its text.
async function fieldMessage(page, name) {
    const msg = page.locator(`[data-field="${name}"] .msg`);
    await page.waitForFunction((n) => {
        const m = document.querySelector(`[data-field="${n}"] .msg`);
        return m && m.textContent.trim().length > 0;
    }, name).catch(() => {
        throw new Error(`no message is shown next to the field ${name}`);
    });
    return (await msg.innerText()).trim();
}

// Asserts the field named name is marked invalid, has the focus, and is described by its
// message; returns the page alert's text.
async function checkField(page, l, name) {
    const input = page.locator(`form :is(input, select, textarea)[name="${name}"]`).first();
    assert((await input.getAttribute('aria-invalid')) === 'true', `${l}: the field ${name} is not marked invalid`);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('name'));
    assert(focused === name, `${l}: the focus is on ${focused || 'nothing'}, not on the field ${name}`);
    const described = (await input.getAttribute('aria-describedby')) || '';
    const msgId = await page.locator(`[data-field="${name}"] .msg`).getAttribute('id');
    assert(described.split(' ').includes(msgId), `${l}: the field ${name} is not described by its message`);
    return (await page.locator('form [role="alert"]').first().innerText()).trim();
}

const iinCheckDigit = {
    id: 'errors-iin-check-digit',
    title: 'a wrong IIN check digit on the new-case form: the reason in kk, ru and en next to the IIN, which takes the focus',
    viewport: DESKTOP,
    pages: ['login', 'new-case'],
    async setup(s) {
        const org = await s.org('Made-up Child Support NGO', 'ngo', 'almaty');
        await s.user(org, 'cm.errors', 'case_manager');
        return { org };
    },
    async run(b) {
        const page = b.page;
        const api = await b.server.api('cm.errors');
        const iin = wrongCheckIin();
        await b.login('cm.errors');
        for (const l of ['kk', 'ru', 'en']) {
            await page.click(`[data-action="set-lang-${l}"]`);
            await b.go('#/new-case');
            await page.locator('form [data-action="save"]').waitFor();
            await page.selectOption('[name="sex"]', 'Masculine');
            await page.click('[data-action="add-personal"]');
            await page.fill('[name="iin"]', iin);
            await page.click('form [data-action="save"]');
            const text = await fieldMessage(page, 'iin');
            assert(text.includes(IIN_CHECK[l]), `${l}: next to the IIN: "${text.slice(0, 100)}", not the check-digit sentence`);
            const alert = await checkField(page, l, 'iin');
            assert(alert.includes(IIN_LABEL[l]) && alert.includes(IIN_CHECK[l]),
                   `${l}: the alert does not name the IIN and what is wrong ("${alert.slice(0, 100)}")`);
            assert(!alert.includes(iin) && !text.includes(iin), `${l}: the error repeats the IIN`);
            await b.shot(`iin-check-digit-${l}`);
        }
        const r = await api.must('GET', '/api/v1/cases');
        assert((r.cases ?? []).length === 0, 'a case was made with a wrong IIN');
    },
};

const shortPassword = {
    id: 'errors-short-password',
    title: 'a new password that is too short: the reason in kk, ru and en next to the new password, which takes the focus',
    viewport: DESKTOP,
    pages: ['login', 'password'],
    async setup(s) {
        const org = await s.org('Made-up Child Support NGO', 'ngo', 'almaty');
        await s.user(org, 'sw.errors', 'case_manager');
        return { org };
    },
    async run(b) {
        const page = b.page;
        await b.login('sw.errors');
        for (const l of ['kk', 'ru', 'en']) {
            await page.click(`[data-action="set-lang-${l}"]`);
            await b.go('#/password');
            await page.locator('[data-action="change-password"]').waitFor();
            await page.fill('[name="current_password"]', PASSWORD);
            await page.fill('[name="password"]', 'Short-1');
            await page.fill('[name="password_repeat"]', 'Short-1');
            await page.click('[data-action="change-password"]');
            const text = await fieldMessage(page, 'password');
            assert(text.includes(TOO_SHORT[l]), `${l}: next to the new password: "${text.slice(0, 100)}", not "too short"`);
            const alert = await checkField(page, l, 'password');
            assert(alert.includes(TOO_SHORT[l]), `${l}: the alert does not say the password is too short ("${alert.slice(0, 100)}")`);
            await b.shot(`password-too-short-${l}`);
        }
        // the password did not change: it still logs in
        const api = await b.server.api('sw.errors');
        await api.must('GET', '/api/v1/session');
    },
};

export const journeys = [iinCheckDigit, shortPassword];
