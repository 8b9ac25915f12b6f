// journeys-new-case.mjs — the new-case form refuses an empty case (issue 13): saving the
// form with nothing about the child shows a message (role=alert) saying what a case needs,
// in the user's language, marks the sex and age fields, and makes no case; with the sex
// alone the case opens. Every name here is made up.

import { DESKTOP } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

const NEED = {
    kk: 'Бос іс ашылмайды',
    ru: 'Пустой случай не открывается',
    en: 'An empty case cannot be opened',
};

async function caseCount(api) {
    const r = await api.must('GET', '/api/v1/cases');
    return (r.cases ?? []).length;
}

const newCaseEmpty = {
    id: 'new-case-empty',
    title: 'the new-case form refuses an empty case with a message in kk, ru and en; the sex alone opens one',
    viewport: DESKTOP,
    pages: ['login', 'new-case', 'case'],
    async setup(s) {
        const org = await s.org('Made-up Police Department', 'police', 'astana');
        await s.user(org, 'fr.test', 'first_responder');
        return { org };
    },
    async run(b) {
        const page = b.page;
        const api = await b.server.api('fr.test');
        await b.login('fr.test');
        for (const l of ['kk', 'ru', 'en']) {
            await page.click(`[data-action="set-lang-${l}"]`);
            await b.go('#/new-case');
            await page.locator('form [data-action="save"]').waitFor();
            await page.click('form [data-action="save"]');
            const alert = page.locator('form [role="alert"]');
            await alert.waitFor().catch(() => {
                throw new Error(`${l}: saving the empty form shows no message (role=alert)`);
            });
            const text = await alert.innerText();
            assert(text.includes(NEED[l]), `${l}: the message does not say the case is empty ("${text.slice(0, 80)}")`);
            for (const name of ['sex', 'age_at_identification']) {
                const invalid = await page.locator(`[name="${name}"]`).getAttribute('aria-invalid');
                assert(invalid === 'true', `${l}: the field ${name} is not marked invalid`);
            }
            await b.shot(`empty-refused-${l}`);
            assert((await caseCount(api)) === 0, `${l}: an empty case was made`);
        }
        await page.selectOption('[name="sex"]', 'Masculine');
        await page.click('form [data-action="save"]');
        await page.waitForFunction(() => location.hash.startsWith('#/case/'));
        await page.locator('#page-title').waitFor();
        await b.shot('opened-with-sex');
        assert((await caseCount(api)) === 1, 'the case with the sex alone was not made');
    },
};

export const journeys = [newCaseEmpty];
