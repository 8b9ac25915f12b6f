// journeys-disk.mjs — a full disk under the running server (issue 15, item 5):
//   - disk-full: a supervisor has a case open; the server's disk becomes full for real
//     (its file size limit lowered to 0 with prlimit: every write fails in the kernel, as
//     on a full disk). "Show personal data" is refused, and the banner (role=alert) says
//     what happened, what still works and whom to tell, in kk, ru and en; it stays on
//     another page (the case list, which still loads); a login is refused with the
//     sentence of storage.full. Space returns: the banner goes away by itself (no
//     restart, no reload), the login works and the personal data opens.
// Every name here is made up.

import { spawnSync } from 'node:child_process';
import { DESKTOP, PASSWORD, PHONE, openMenu } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

// Sets the running server's file size limit (soft; "0" or "unlimited").
function fsize(server, soft) {
    const r = spawnSync('prlimit', [`--pid=${server.proc.pid}`, `--fsize=${soft}:unlimited`]);
    assert(r.status === 0, `prlimit could not set the server's file size limit (${r.error ? r.error.code : r.status})`);
}

async function setLang(b, l) {
    if (b.narrow) await openMenu(b.page);
    await b.page.click(`[data-action="set-lang-${l}"]`);
    await b.page.waitForFunction((x) => document.documentElement.lang === x, l);
}

const TEXT = {
    kk: { title: 'Сервердің дискісі толып қалды', tell: 'Сервер әкімшісіне хабарлаңыз', works: 'Істер тізімі' },
    ru: { title: 'Диск сервера заполнен', tell: 'Сообщите администратору сервера', works: 'Списки случаев' },
    en: { title: "The server's disk is full", tell: "Tell the server's administrator", works: 'Case lists' },
};

const BANNER = '#storage-banner[role="alert"]';
// the refused login's message (errors.json, storage.full), in English: the last language set
const LOGIN_REFUSED = "The server's disk is full: until space is freed, nothing can be saved or opened";

const diskFull = {
    id: 'disk-full',
    title: 'a full disk: a refused personal read, the banner in kk, ru and en on every page, gone by itself when space returns',
    viewport: DESKTOP,
    pages: ['login', 'case', 'cases'],
    ms: 60000,
    async setup(s) {
        const org = await s.org('Made-up Disk NGO', 'ngo', 'almaty');
        await s.user(org, 'sup.disk', 'supervisor');
        return {};
    },
    async seed(s, ctx) {
        const api = await s.api('sup.disk');
        const c = await api.must('POST', '/api/v1/cases',
                                 { sex: 'Feminine', region: 'almaty', personal: { given_name: 'Diskgul Madeupova' } }, 201);
        ctx.code = c.code;
    },
    async run(b, ctx) {
        const page = b.page;
        await b.login('sup.disk');
        await b.go(`#/case/${ctx.code}`);
        await page.locator('[data-action="show-personal"]').waitFor();
        assert(!(await page.locator('#storage-banner').count()), 'a banner shows before the disk is full');
        fsize(b.server, '0');
        await page.click('[data-action="show-personal"]');
        await page.locator(`${BANNER} .storage-title`).waitFor().catch(() => {
            throw new Error('no banner after the refused personal read');
        });
        assert(!(await b.visibleText('#personal-data').catch(() => '')).includes('Diskgul'), 'the personal data showed');
        await b.shot('refused-kk');
        for (const l of ['kk', 'ru', 'en']) {
            await setLang(b, l);
            const text = await b.visibleText(BANNER);
            for (const k of ['title', 'tell', 'works']) {
                assert(text.includes(TEXT[l][k]), `${l}: the banner reads "${text.slice(0, 200)}", without "${TEXT[l][k]}"`);
            }
            await b.shot(`banner-${l}`);
        }
        // another page, loaded anew: the banner comes from the health answer; the list loads
        await b.go('#/cases');
        await page.reload(); // a new document: the banner comes from the health answer
        await page.locator(`${BANNER} .storage-title`).waitFor().catch(() => {
            throw new Error('no banner on the case list after a reload');
        });
        // drawn after its texts arrived: words, never the catalogue's keys (a new user saw
        // "storage.full_title / storage.full_text" on most reloads)
        const reloaded = await b.visibleText(BANNER);
        assert(!/storage\.\w/.test(reloaded), `the reloaded banner shows keys: "${reloaded.slice(0, 200)}"`);
        await page.locator(`a[href="#/case/${ctx.code}"]`).first().waitFor().catch(() => {
            throw new Error('the case list does not load on a full disk');
        });
        await b.shot('cases-full');
        // on a phone (360 px) the banner wraps and the page does not scroll sideways
        await page.setViewportSize(PHONE);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(wide <= PHONE.width + 1, `at 360 px the page is ${wide} px wide with the banner`);
        await b.shot('cases-full-360');
        await page.setViewportSize(DESKTOP);
        // someone else, not logged in: the login is refused with the reason
        await b.context.clearCookies();
        await b.go('#/login');
        await page.locator('[name="login"]').waitFor();
        await page.locator(`${BANNER} .storage-title`).waitFor();
        await page.fill('[name="login"]', 'sup.disk');
        await page.fill('[name="password"]', PASSWORD);
        await page.click('[data-action="login"]');
        await page.waitForFunction((want) => [...document.querySelectorAll('form [role="alert"]')]
            .some((x) => x.textContent.includes(want)), LOGIN_REFUSED)
            .catch(() => { throw new Error('the refused login does not say the disk is full'); });
        assert((await page.evaluate(() => location.hash)).startsWith('#/login'), 'the login went through');
        await b.shot('login-full');
        fsize(b.server, 'unlimited');
        await page.waitForFunction(() => !document.querySelector('#storage-banner'), null, { timeout: 15000 })
            .catch(() => { throw new Error('the banner stays after space returned'); });
        await b.login('sup.disk');
        await b.go(`#/case/${ctx.code}`);
        await page.click('[data-action="show-personal"]');
        await page.waitForFunction(() => (document.querySelector('#personal-data') || {}).textContent?.includes('Diskgul'))
            .catch(() => { throw new Error('the personal data does not open after space returned'); });
        await b.shot('recovered');
    },
};

export const journeys = [diskFull];
