// journeys-sheet.mjs — the printable referral sheet and the public reply page (issue 13
// item 8) in Kazakh, Russian and English, at 360 and 1024 px: each page's <html lang>,
// its headings and labels as the reader sees them, no raw field name or code, dates as
// dd.mm.yyyy, and the reply page's error and accepted pages. Every name here is made up.

import path from 'node:path';
import { DESKTOP, PHONE, SHOTS, personal, today } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

const SEEN = {
    kk: { sheet: ['Жолдама парағы', 'Қанау түрлері', 'Жыныстық қанау', 'Әйел', 'Білім беру'],
          reply: 'Жолдамаға жауап', accepted: 'Қабылданды', error: 'Код жарамсыз' },
    ru: { sheet: ['Бланк направления', 'Формы эксплуатации', 'Сексуальная эксплуатация', 'Женский', 'Образование'],
          reply: 'Ответ на направление', accepted: 'Принято', error: 'Код недействителен' },
    en: { sheet: ['Referral sheet', 'Forms of exploitation', 'Sexual exploitation', 'Female', 'Education'],
          reply: 'Answer a referral', accepted: 'Accepted', error: 'This code is not valid' },
};
const RAW = ['age_at_identification', 'interpreter_needed', 'exploitation_forms', 'services_needed',
             'Feminine', 'almaty', 'sexual_exploitation', 'shelter_24h'];

const sheetJourney = {
    id: 'referral-sheet-langs',
    title: 'the printable referral sheet and the public reply page in kk, ru and en at 360 and 1024 px',
    viewport: PHONE,
    langs: ['kk'],
    pages: ['referrals'],
    async setup(s) {
        const org = await s.org('Made-up Crisis Centre', 'ngo', 'almaty');
        await s.user(org, 'cm.sheet', 'case_manager');
        return { org };
    },
    async seed(s, ctx) {
        const cm = await s.api('cm.sheet');
        const c = await cm.must('POST', '/api/v1/cases', {
            sex: 'Feminine', age_at_identification: 14, region: 'almaty', citizenship: 'KZ',
            identified_on: today(-2), exploitation_forms: ['sexual_exploitation'], services_needed: ['shelter_24h'],
            interpreter_needed: false,
            personal: { given_name: personal('Synaqbala'), family_name: personal('Oilanbaeva') },
        }, 201);
        const code = c.code ?? c.case?.code;
        ctx.refs = {};
        for (const l of ['kk', 'ru', 'en']) {
            const r = await cm.must('POST', `/api/v1/cases/${encodeURIComponent(code)}/referrals`,
                                    { service: 'education', to_name: 'Made-up School No. 12', parts: ['profile', 'needs'],
                                      note: 'Made-up message: please call the centre before the visit.' }, 201);
            ctx.refs[l] = r.ref ?? r.referral?.ref;
        }
    },
    async run(b, ctx) {
        const page = b.page;
        const wide = async (name) => {
            await page.setViewportSize(DESKTOP);
            await page.waitForTimeout(100);
            await page.screenshot({ path: path.join(SHOTS, `${b.journey}-${name}-1024.png`), fullPage: true });
            await page.setViewportSize(PHONE);
        };
        await b.login('cm.sheet');
        for (const l of ['kk', 'ru', 'en']) {
            const want = SEEN[l];
            await page.goto(`${b.server.base}/api/v1/referrals/${encodeURIComponent(ctx.refs[l])}/sheet?lang=${l}`);
            assert((await page.getAttribute('html', 'lang')) === l, `the sheet asked in ${l} is not in ${l}`);
            const text = await page.locator('body').innerText();
            for (const w of want.sheet) assert(text.includes(w), `the ${l} sheet does not show "${w}"`);
            for (const r of RAW) assert(!text.includes(r), `the ${l} sheet shows the raw "${r}"`);
            assert(!/\d{4}-\d{2}-\d{2}/.test(text), `the ${l} sheet shows an ISO date`);
            assert(/\d{2}\.\d{2}\.\d{4}/.test(text), `the ${l} sheet shows no dd.mm.yyyy date`);
            await b.shot(`sheet-${l}`);
            await wide(`sheet-${l}`);
            // as printed: the print hint gone, the answer box kept
            await page.emulateMedia({ media: 'print' });
            assert(!(await page.locator('.sheet-hint').isVisible()), `the ${l} sheet prints its screen hint`);
            await page.screenshot({ path: path.join(SHOTS, `${b.journey}-sheet-${l}-print.png`), fullPage: true });
            await page.emulateMedia({ media: 'screen' });
            const code = ((await page.locator('.sheet-code strong').textContent()) || '').trim();
            // the reply page in the same language; a made-up code first, then the sheet's
            await page.goto(`${b.server.base}/reply?lang=${l}`);
            assert((await page.getAttribute('html', 'lang')) === l, `the reply page asked in ${l} is not in ${l}`);
            assert(((await page.locator('h1').textContent()) || '').includes(want.reply), `the ${l} reply page's heading`);
            assert((await page.locator('.reply-langs a').count()) === 3, 'the reply page does not offer three languages');
            await b.shot(`reply-${l}`);
            await wide(`reply-${l}`);
            await page.fill('[name="code"]', 'MADE-UPCO-DE00-0000');
            await page.click('button[type="submit"]');
            await page.locator('[role="alert"]').waitFor();
            assert(((await page.locator('[role="alert"]').textContent()) || '').includes(want.error), `the ${l} error page`);
            assert((await page.getAttribute('html', 'lang')) === l, `the ${l} error page changed language`);
            await b.shot(`reply-error-${l}`);
            await wide(`reply-error-${l}`);
            await page.fill('[name="code"]', code);
            await page.selectOption('[name="action"]', 'accept');
            await page.click('button[type="submit"]');
            await page.locator('[role="status"]').waitFor();
            assert(((await page.locator('[role="status"]').textContent()) || '').includes(want.accepted), `the ${l} accepted page`);
            // the new code stays in view: no links away from the page that shows it
            assert((await page.locator('.reply-langs a').count()) === 0, `the ${l} accepted page links away from its new code`);
            await b.shot(`reply-accepted-${l}`);
            await wide(`reply-accepted-${l}`);
        }
    },
};

export const journeys = [sheetJourney];
