// journeys-phone.mjs — the interface on a phone (issue 13 items 4 and 9): at 360×740 a
// case manager opens the navigation with the menu button, goes to another page, opens the
// menu again and closes it with Escape (the focus goes back to the button), opens a case,
// jumps to a section through the case page's index, saves a form and sees the saved
// message next to it. The visible texts are checked in Kazakh and Russian (and English
// for the index). Every name here is made up.

import { PHONE, personal, today } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

const MENU = { kk: 'Мәзір', ru: 'Меню', en: 'Menu' };
const SECTIONS = { kk: 'Іс бөлімдері', ru: 'Разделы случая', en: 'Sections of the case' };
const SAVED = { kk: 'жазба сақталды', ru: 'сохранена', en: 'saved' };

// Today in Kazakhstan as dd.mm.yyyy (lib.mjs today(): the server's date, not UTC's).
function ddmmyyyy() {
    const [y, m, d] = today().split('-');
    return `${d}.${m}.${y}`;
}

async function focused(page) {
    return page.evaluate(() => (document.activeElement && (document.activeElement.id || document.activeElement.tagName)) || '');
}

const phoneMenuCase = {
    id: 'phone-menu-case',
    title: 'at 360 px: the menu button opens and closes the navigation (Escape returns the focus), the case index jumps to a section, a saved form says so beside it',
    viewport: PHONE,
    pages: ['login', 'cases', 'case'],
    async setup(s) {
        const org = await s.org('Made-up Shelter for Children', 'ngo', 'almaty');
        await s.user(org, 'cm.phone', 'case_manager');
        return { org };
    },
    async seed(s, ctx) {
        const api = await s.api('cm.phone');
        const c = await api.must('POST', '/api/v1/cases', {
            sex: 'Feminine', age_at_identification: 14, region: 'almaty', identified_on: new Date().toISOString().slice(0, 10),
            personal: { given_name: personal('Aigerim'), family_name: personal('Testova') },
        }, 201);
        ctx.code = c.code ?? c.case?.code;
    },
    async run(b, ctx) {
        const page = b.page;
        await b.login('cm.phone');
        for (const l of ['kk', 'ru']) {
            await page.locator('#menu-toggle').click();
            await page.locator(`[data-action="set-lang-${l}"]`).click();
            await page.locator('#menu-toggle').waitFor();
            // the menu is closed after a new page; the navigation list is hidden
            const btn = page.locator('#menu-toggle');
            const name = await btn.innerText();
            assert(name.includes(MENU[l]), `${l}: the menu button reads "${name}"`);
            assert(!(await page.locator('#nav-list').isVisible()) || (await btn.getAttribute('aria-expanded')) === 'true',
                   `${l}: the navigation is shown while the menu is closed`);
            if ((await btn.getAttribute('aria-expanded')) === 'true') await btn.click();
            const box = await btn.boundingBox();
            assert(box.width >= 44 && box.height >= 44, `${l}: the menu button is ${box.width}×${box.height} px`);
            const header = await page.locator('header.top').boundingBox();
            assert(header.height <= 120, `${l}: the closed header is ${header.height} px high`);
            await b.shot(`closed-${l}`);

            await btn.click();
            assert((await btn.getAttribute('aria-expanded')) === 'true', `${l}: aria-expanded is not true after opening`);
            assert(await page.locator('#nav-list').isVisible(), `${l}: the navigation is not shown after opening the menu`);
            assert(await page.locator('[data-action="logout"]').isVisible(), `${l}: logout is not reachable in the open menu`);
            await b.shot(`open-${l}`);
            await page.keyboard.press('Escape');
            assert((await btn.getAttribute('aria-expanded')) === 'false', `${l}: Escape did not close the menu`);
            assert(!(await page.locator('#nav-list').isVisible()), `${l}: the navigation is still shown after Escape`);
            assert((await focused(page)) === 'menu-toggle', `${l}: after Escape the focus is on ${await focused(page)}, not the menu button`);

            // navigate through the menu to the cases
            await btn.click();
            await page.locator('#nav-list a[href="#/cases"]').click();
            await page.waitForFunction(() => location.hash.startsWith('#/cases'));
            await page.locator(`[data-code="${ctx.code}"]`).first().waitFor();
            assert(!(await page.locator('#nav-list').isVisible()), `${l}: the menu stays open on the new page`);

            await page.locator(`[data-code="${ctx.code}"] a`).first().click();
            await page.waitForFunction((c) => location.hash.startsWith(`#/case/${c}`), ctx.code);
            const index = page.locator('nav.section-index');
            await index.waitFor();
            assert((await index.getAttribute('aria-label')) === SECTIONS[l], `${l}: the index is not labelled "${SECTIONS[l]}"`);
            await b.shot(`case-${l}`);

            // jump to the interactions through the index: the section opens, the focus on its heading
            await index.locator('a[data-section="sec-interactions"]').click();
            await page.locator('#sec-interactions[open] form.record-form').waitFor();
            assert(await page.evaluate(() => document.activeElement && document.activeElement.matches('#sec-interactions summary')),
                   `${l}: after the index link the focus is not on the section's heading`);
            const form = page.locator('#sec-interactions form.record-form');
            await form.locator('[name="on"]').fill(ddmmyyyy());
            await form.locator('[name="channel"]').selectOption({ index: 1 });
            await form.locator('[name="participants"]').first().check();
            await form.locator('[name="summary"]').fill('Made-up summary of a call for the browser test');
            await form.locator('[data-action="save"]').click();
            const note = page.locator('#sec-interactions .saved-note[role="status"]');
            await note.waitFor().catch(() => { throw new Error(`${l}: no saved message beside the form`); });
            const text = await note.innerText();
            assert(text.includes(SAVED[l]), `${l}: the saved message reads "${text}"`);
            assert(await page.evaluate(() => document.activeElement && document.activeElement.classList.contains('saved-note')),
                   `${l}: the focus is not on the saved message`);
            const inView = await note.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; });
            assert(inView, `${l}: the saved message is out of view`);
            await b.shot(`saved-${l}`);
        }
        await page.locator('#menu-toggle').click();
        await page.locator(`[data-action="set-lang-en"]`).click();
        await page.locator('nav.section-index').waitFor();
        await b.shot('case-en');
        await page.setViewportSize({ width: 1024, height: 768 });
        assert(!(await page.locator('#menu-toggle').isVisible()), 'the menu button shows on a wide screen');
        assert(await page.locator('#nav-list').isVisible(), 'the navigation is hidden on a wide screen');
        await page.setViewportSize(PHONE);
    },
};

export const journeys = [phoneMenuCase];
