// journeys-print.mjs — the case page's printouts and the child's own record (issue 13
// item 4), looked at as printed (page.emulateMedia({media: 'print'}), a screenshot and a
// PDF): a safety plan filled and saved, then printed with its own "Print" button in kk,
// ru and en; the case summary; an action plan; the whole page printed with a form shown as its values;
// and the child's own record page in kk, ru and en. Each printout must show labels in
// the chosen language, dates as dd.mm.yyyy, and no navigation, no buttons, no raw field
// names or codes. Every name here is made up.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DESKTOP, SHOTS, WEB, fillForm, personal, today } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

const LANGS = ['kk', 'ru', 'en'];
const catalogue = (name) => JSON.parse(readFileSync(path.join(WEB, 'i18n', `${name}.json`), 'utf8'));
const FORMS = catalogue('forms');
const CASE = catalogue('case');
const CW = catalogue('casework');

// dd.mm.yyyy of an ISO day
const dmy = (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

// Field names and codes that must never reach paper.
const RAW = ['current_risks', 'if_threatened', 'child_view', 'review_on', 'made_on', 'harm_channels',
             'escaped', 'withheld_from_child', 'age_at_identification', 'Feminine', 'almaty', 'undefined',
             '[object', 'NaN'];

async function openSection(page, id) {
    const summary = page.locator(`[data-action="open-${id}"]`).first();
    const open = await summary.evaluate((el) => el.closest('details').open);
    if (!open) await summary.click();
}

// Replaces window.print (the dialog would block a headless browser) with a counter.
async function stubPrint(page) {
    await page.evaluate(() => {
        window.__printed = 0;
        window.print = () => { window.__printed += 1; };
    });
}

// Looks at the page as printed: its visible text (innerText follows the print rules),
// no navigation and no button or form control visible, a screenshot and a PDF.
async function printed(b, name) {
    const page = b.page;
    await page.waitForFunction(() => window.__printed === undefined || window.__printed > 0, null, { timeout: 5000 })
        .catch(() => { throw new Error(`the Print button of the ${name} did not print`); });
    await page.emulateMedia({ media: 'print' });
    const text = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
    const visible = await page.evaluate(() => [...document.querySelectorAll('nav, button, input, select, textarea, .section-index, .top')]
        .filter((el) => el.getClientRects().length).map((el) => el.tagName.toLowerCase() + (el.dataset.action ? `[${el.dataset.action}]` : '')));
    await page.screenshot({ path: path.join(SHOTS, `${b.journey}-print-${name}.png`), fullPage: true });
    // Chromium headless prints to PDF (print media); a headed browser would refuse
    await page.pdf({ path: path.join(SHOTS, `${b.journey}-print-${name}.pdf`), format: 'A4' }).catch(() => {});
    await page.emulateMedia({ media: 'screen' });
    assert(!visible.length, `the printed ${name} shows controls or navigation: ${visible.slice(0, 4).join(', ')}`);
    assert(!/\d{4}-\d{2}-\d{2}/.test(text), `the printed ${name} shows an ISO date`);
    for (const r of RAW) assert(!text.includes(r), `the printed ${name} shows the raw "${r}"`);
    return text;
}

async function endPrint(page) {
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
}

async function setLang(b, l) {
    const page = b.page;
    const btn = page.locator(`[data-action="set-lang-${l}"]`);
    await btn.click();
    await page.waitForFunction((x) => document.documentElement.lang === x, l);
    await page.locator('#page-title').waitFor();
}

const printJourney = {
    id: 'print-safety-plan',
    title: 'a safety plan saved and printed in kk, ru and en, the case summary and the whole page printed',
    viewport: DESKTOP,
    langs: ['kk'],
    pages: ['case', 'case-print'],
    async setup(s) {
        const org = await s.org('Made-up Print Centre', 'ngo', 'almaty');
        await s.user(org, 'cm.print', 'case_manager');
        return { org };
    },
    async seed(s, ctx) {
        const cm = await s.api('cm.print');
        const c = await cm.must('POST', '/api/v1/cases', {
            sex: 'Feminine', region: 'almaty', citizenship: 'KZ',
            identified_on: today(-3), exploitation_forms: ['sexual_exploitation'],
            personal: { given_name: personal('Aruzhanbala'), family_name: personal('Madeupova'), birth_date: '2011-04-05',
                        languages: ['kk', 'ru'] },
        }, 201);
        ctx.code = c.code ?? c.case?.code;
        ctx.vocab = await cm.must('GET', '/api/v1/vocab');
        await cm.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/action-plans`, {
            goals: [{ term: 'short', goal: 'Made-up goal: back to school', owner_note: 'Made-up: the school social worker', due_on: today(30), status: 'in_progress' }],
        }, 201);
    },
    async run(b, ctx) {
        const page = b.page;
        const code = ctx.code;
        const review = today(60);
        await b.login('cm.print');
        await b.go(`#/case/${encodeURIComponent(code)}`);
        await page.locator('#page-title').waitFor();
        await openSection(page, 'safety-plans');
        const plan = page.locator('form[data-kind="safety-plans"]').first();
        await plan.waitFor();
        await fillForm(plan, {
            review_on: review,
            current_risks: 'Made-up risk: calls from an unknown number',
            prevention: 'Made-up strategy: a new SIM card',
            if_threatened: 'Made-up step: call the case manager or 102',
            child_view: 'Made-up view: wants to stay at the shelter for now',
            'options.escaped': 'Made-up option: go to the police station nearby',
            'harm_channels.phone': 'Made-up channel: unknown numbers are blocked',
        });
        await plan.locator('[data-action="save"]').click();
        const note = page.locator('#sec-safety-plans .saved-note');
        await note.waitFor();
        assert((await note.innerText()).includes(FORMS.kk['forms.saved_n'].replace('{n}', '1')), 'no "saved" beside the safety plan');
        await b.shot('plan-saved');

        // printed from the open form: only the plan, in Kazakh
        await stubPrint(page);
        await page.locator('#sec-safety-plans form [data-action="print-record"]').click();
        assert(await page.evaluate(() => window.__printed) === 1, 'the Print button did not print');
        const escaped = (l) => ctx.vocab.safety_situation.find((e) => e.code === 'escaped')[l];
        for (const l of LANGS) {
            if (l !== 'kk') {
                await setLang(b, l);
                await openSection(page, 'safety-plans');
                await stubPrint(page);
                await page.locator('#sec-safety-plans table [data-action="print-record"]').first().click();
            }
            const text = await printed(b, `plan-${l}`);
            const F = FORMS[l];
            for (const k of ['forms.review_on', 'forms.current_risks', 'forms.prevention', 'forms.if_threatened', 'forms.child_view', 'forms.options']) {
                assert(text.includes(F[k]), `the printed plan in ${l} has no label "${F[k]}"`);
            }
            assert(text.includes(`${F['forms.safety_plan']}`), `the printed plan in ${l} has no title`);
            assert(text.includes(escaped(l)), `the printed plan in ${l} does not name the situation by its label`);
            assert(text.includes(dmy(review)), `the printed plan in ${l} has no review date as dd.mm.yyyy`);
            assert(text.includes(dmy(today())), `the printed plan in ${l} has no date of printing`);
            assert(text.includes('Made-up step: call the case manager or 102'), `the printed plan in ${l} lacks what to do if threatened`);
            assert(!text.includes(CASE[l]['case.summary']), `the printed plan in ${l} carries the rest of the page`);
            if (l === 'kk') assert(text.includes('Қауіпсіздік жоспары №1') && text.includes('Қайта қарау күні'), 'the Kazakh printout');
            await endPrint(page);
        }

        // the case summary, printed alone (in English now)
        await stubPrint(page);
        await page.locator('[data-action="print-summary"]').click();
        let text = await printed(b, 'summary-en');
        for (const k of ['case.summary', 'case.f.sex', 'case.f.identified_on', 'case.f.region']) {
            assert(text.includes(CASE.en[k]), `the printed summary has no label "${CASE.en[k]}"`);
        }
        assert(text.includes('Female') && text.includes(dmy(today(-3))), 'the printed summary shows no label or dd.mm.yyyy date');
        await endPrint(page);

        // an action plan, printed from its row in Kazakh: its goals with their labels
        await setLang(b, 'kk');
        await openSection(page, 'action-plans');
        await stubPrint(page);
        await page.locator('#sec-action-plans table [data-action="print-record"]').first().click();
        text = await printed(b, 'action-plan-kk');
        for (const w of ['Іс-шаралар жоспары №1', 'Қысқа мерзімді', 'Орындалуда', 'Made-up goal: back to school', dmy(today(30)), FORMS.kk['forms.goal_status']]) {
            assert(text.includes(w), `the printed action plan lacks "${w}"`);
        }
        await endPrint(page);

        // the whole page printed (the browser's own Print) in Kazakh: the open form shown
        // as its values, not as empty boxes, and no navigation
        await setLang(b, 'kk');
        await openSection(page, 'safety-plans');
        await page.locator('#sec-safety-plans table [data-action="open-record"]').first().click();
        await page.waitForFunction(() => {
            const x = document.querySelector('#sec-safety-plans form [name="if_threatened"]');
            return x && x.value;
        });
        await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
        text = await printed(b, 'page-kk');
        assert(text.includes(FORMS.kk['forms.if_threatened']) && text.includes('Made-up step: call the case manager or 102'),
               'the printed page hides the safety plan form instead of showing its values');
        assert(text.includes(CASE.kk['case.summary']), 'the printed page has no summary');
        await endPrint(page);
        assert(!(await page.locator('.print-values').count()), 'the printed values stay on the page after printing');
        await b.shot('after-print');
    },
};

const RECORD = {
    kk: ['Сен туралы', 'Сенің ісің', 'Туған күнің'],
    ru: ['О тебе', 'Дата рождения'],
    en: ['About you', 'Date of birth'],
};

const recordJourney = {
    id: 'child-record-page',
    title: "the child's own record: reached from the case page, shown, printed and downloaded in kk, ru and en",
    viewport: DESKTOP,
    langs: ['kk'],
    pages: ['case', 'child-record'],
    async setup(s) {
        const org = await s.org('Made-up Record Centre', 'ngo', 'almaty');
        await s.user(org, 'cm.record', 'case_manager');
        return { org };
    },
    async seed(s, ctx) {
        const cm = await s.api('cm.record');
        const c = await cm.must('POST', '/api/v1/cases', {
            sex: 'Masculine', region: 'astana', identified_on: today(-5),
            personal: { given_name: personal('Erzhanbek'), family_name: personal('Madeupuly'), birth_date: '2012-09-21' },
        }, 201);
        ctx.code = c.code ?? c.case?.code;
        const p = `/api/v1/cases/${encodeURIComponent(ctx.code)}`;
        await cm.must('POST', `${p}/safety-plans`, {
            review_on: today(30), current_risks: 'Made-up risk', prevention: 'Made-up prevention',
            if_threatened: 'Made-up: run to the neighbour', child_view: 'Made-up: feels safe at school',
            options: { escaped: 'Made-up: call 150' }, harm_channels: { phone: 'Made-up: a new number' },
        }, 201);
    },
    async run(b, ctx) {
        const page = b.page;
        await b.login('cm.record');
        await b.go(`#/case/${encodeURIComponent(ctx.code)}`);
        await page.locator('#page-title').waitFor();
        await page.locator('[data-action="child-record"]').click();
        await page.waitForFunction(() => /\/child-record$/.test(location.hash));
        for (const l of LANGS) {
            await page.selectOption('#f-record-lang', l);
            await page.waitForFunction((x) => {
                const a = document.querySelector('#child-record-text');
                return a && a.lang === x;
            }, l);
            const shown = await b.visibleText('#child-record-text');
            for (const w of RECORD[l]) assert(shown.includes(w), `the child's record in ${l} does not show "${w}"`);
            assert(shown.includes('21.09.2012'), `the child's record in ${l} has no dd.mm.yyyy birth date`);
            await b.shot(`record-${l}`);
            const text = await printed(b, `record-${l}`);
            for (const w of RECORD[l]) assert(text.includes(w), `the printed record in ${l} lacks "${w}"`);
            assert(!text.includes(CW.kk['cw.record_lang']) && !text.includes(CW.kk['cw.download']), `the printed record in ${l} shows the page's controls`);
        }
        // the page itself in Russian and English: the record in the interface's language first
        for (const l of ['ru', 'en']) {
            await setLang(b, l);
            await page.waitForFunction((x) => document.querySelector('#child-record-text')?.lang === x, l);
            assert((await b.visibleText('#page-title')) === CW[l]['cw.record_title'].replace('{code}', ctx.code), `the record page's heading in ${l}`);
            assert((await b.visibleText('[data-action="download-record"]')) === CW[l]['cw.download'], `the record page's buttons in ${l}`);
            assert((await b.visibleText('#child-record-text')).includes(RECORD[l][0]), `the record page in ${l} does not show the record in ${l}`);
            await b.shot(`record-page-${l}`);
        }
        // the download: a text file of the record in the language chosen (English now)
        const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="download-record"]')]);
        assert(/^child-record-.+-en\.txt$/.test(dl.suggestedFilename()), 'the downloaded file is not named for the case and language');
        const file = await dl.path();
        const body = readFileSync(file, 'utf8');
        assert(body.includes('About you'), 'the downloaded record is not the English text');
    },
};

// A user whose case "may" list lacks the child's record does not see the way to it.
const hiddenJourney = {
    id: 'child-record-hidden',
    title: "the child's own record is not offered to a user the case's may list does not allow",
    viewport: DESKTOP,
    langs: ['kk'],
    pages: ['case', 'child-record'],
    async setup(s) {
        const org = await s.org('Made-up Police Unit', 'police', 'almaty');
        await s.user(org, 'fr.record', 'first_responder');
        return { org };
    },
    async seed(s, ctx) {
        const fr = await s.api('fr.record');
        const c = await fr.must('POST', '/api/v1/cases', { sex: 'Feminine', age_at_identification: 16, region: 'almaty',
                                                            identified_on: today(-1) }, 201);
        ctx.code = c.code ?? c.case?.code;
        const v = await fr.must('GET', `/api/v1/cases/${encodeURIComponent(ctx.code)}`);
        ctx.may = v.may || [];
    },
    async run(b, ctx) {
        const page = b.page;
        await b.login('fr.record');
        await b.go(`#/case/${encodeURIComponent(ctx.code)}`);
        await page.locator('#page-title').waitFor();
        assert(!ctx.may.includes('case.child_record'), "the case's may list of a first responder offers the child's record");
        assert(!(await page.locator('#sec-child-record, [data-action="child-record"]').count()),
               "the child's record is offered while the case's may list does not allow it");
        await b.shot('case-without-record');
    },
};

export const journeys = [printJourney, recordJourney, hiddenJourney];
