// journeys-glass.mjs — temporary access with a second key (issue 15 item 1), as two
// organisations' supervisors and an auditor see it:
//   - B's supervisor finds A's case by its code and sends an access request (the default
//     way); the page says it waits for approval and where to follow it (kk);
//   - A's supervisor sees it on the home page and on "Access requests" (ru), refuses another
//     request without a note and is told the note is missing (the message names the field),
//     refuses it with a note, and approves the first with the emergency fields only;
//   - B's supervisor (en) opens the case from "My requests": the banner names the emergency
//     fields and the time, the child's name is shown, the IIN and the address are not, and
//     there is no stage, no section and no edit button; then takes an emergency access to a
//     third case at once (the result says until when, with a link to the case);
//   - A's supervisor (kk, 360 px) reviews the emergency access and ends it; A's auditor reads
//     the kind, what was shown, who decided and who reviewed in the access report.
// Every name and IIN here is made up.

import { DESKTOP, PHONE, openMenu, personal, setField } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

// A valid made-up IIN (a girl born 14.03.2012) with the serial digits of serial.
function iin(serial) {
    const body = '1203146' + String(serial).padStart(4, '0');
    const w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    const sum = (w) => [...body].reduce((s, d, i) => s + Number(d) * w[i], 0) % 11;
    let check = sum(w1);
    if (check === 10) check = sum(w2);
    return check === 10 ? iin(serial + 1) : body + String(check);
}

const CHILD = { given: personal('Synaqgul'), family: personal('Oilanbaeva'), iin: personal(iin(4242)),
                address: personal('Made-up street 17, flat 3') };

// What the pages say, per language (the glossary's words).
const TEXT = {
    kk: { sent: 'Сұрау жіберілді', waiting: 'Мақұлдауды күтуде', review: 'Қарап шығатын шұғыл қол жеткізулер',
          reviewed: 'Қарап шығылды, қол жеткізу аяқталды', task: 'Шұғыл қол жеткізуді қарап шығу', decided: 'Шешім қабылдаған', emergency: 'Шұғыл қол жеткізу' },
    ru: { toDecide: 'Запросы доступа ждут решения', noteField: 'Заметка', refused: 'Отказано', approved: 'Одобрено',
          scope: 'только экстренные сведения' },
    en: { banner: 'emergency fields only', active: 'Emergency access is active until', open: 'Open the case', how: 'How to get access',
          limit: 'all the emergency accesses allowed in 24 hours' },
};

async function setLang(b, l) {
    if (b.narrow) await openMenu(b.page);
    await b.page.click(`[data-action="set-lang-${l}"]`);
    await b.page.waitForFunction((x) => document.documentElement.lang === x, l);
    if (b.narrow && (await b.page.locator('#nav.open').count())) await b.page.locator('#menu-toggle').click();
}

async function logout(b) {
    await openMenu(b.page);
    await b.page.click('#nav [data-action="logout"]');
    await b.page.locator('[name="login"]').waitFor();
}

// Goes to a page by its hash and waits for its heading.
async function to(b, hash) {
    await b.page.evaluate((x) => { location.hash = x; }, hash);
    await b.page.waitForFunction((x) => location.hash === x, hash);
    await b.page.locator('#page-title').waitFor();
}

// Finds case code on the case list: the page offers the access form.
async function findCase(b, code) {
    await to(b, '#/cases');
    await setField(b.page, 'code', code);
    await b.page.click('[data-action="find-case"]');
    await b.page.locator('#form-break-glass').waitFor().catch(() => {
        throw new Error("another organisation's case offers no access form");
    });
}

// The card of case code in a section of #/grant-requests.
function card(b, section, code) {
    return b.page.locator(`#sec-${section} .grant-card[data-code="${code}"]`);
}

const glass = {
    id: 'glass-second-key',
    title: "access to another organisation's case needs its supervisor's approval (emergency fields only) or is an emergency access it reviews (kk, ru, en; 360 px)",
    viewport: DESKTOP,
    ms: 120000,
    pages: ['login', 'cases', 'case', 'grant-requests', 'home', 'access-grants'],
    async setup(s) {
        const a = await s.org('Made-up Northern Shelter', 'ngo', 'almaty');
        const bo = await s.org('Made-up Southern Shelter', 'ngo', 'shymkent');
        await s.user(a, 'sup.a', 'supervisor');
        await s.user(a, 'auditor.north', 'auditor');
        await s.user(bo, 'sup.b', 'supervisor');
        return {};
    },
    async seed(s, ctx) {
        const supA = await s.api('sup.a');
        const open = async (p) => (await supA.must('POST', '/api/v1/cases', {
            sex: 'Feminine', age_at_identification: 14, region: 'almaty', personal: p,
        }, 201)).code;
        ctx.c1 = await open({ given_name: CHILD.given, family_name: CHILD.family, iin: CHILD.iin, address: CHILD.address });
        ctx.c2 = await open({ given_name: personal('Synaqai') });
        ctx.c3 = await open({ given_name: personal('Synaqnur') });
        // two emergency accesses taken today already: the page's is the third (the limit)
        const more = [await open({}), await open({})];
        // the request to refuse, sent beforehand
        const supB = await s.api('sup.b');
        await supB.must('POST', `/api/v1/cases/${ctx.c2}/break-glass`,
                        { reason: 'Made-up: a child of this age asked for help at our shelter', hours: 4 }, 202);
        for (const c of more) {
            await supB.must('POST', `/api/v1/cases/${c}/break-glass`,
                            { reason: 'Made-up: the child was found at night, the holder unreachable', hours: 1, emergency: true }, 201);
        }
    },
    async run(b, ctx) {
        const page = b.page;
        // ---- B asks (kk) ----
        await b.login('sup.b');
        await findCase(b, ctx.c1);
        const checked = await page.locator('input[name="mode"]:checked').getAttribute('value');
        assert(checked === 'request', `the default way is ${checked}, not the request to the holder`);
        await setField(page, 'reason', 'Made-up: the child came to our shelter and names this organisation');
        await setField(page, 'hours', '6');
        await page.click('[data-action="break-glass"]');
        await page.locator('#glass-result').waitFor();
        const sent = await b.visibleText('#glass-result');
        assert(sent.includes(TEXT.kk.sent), `kk: the result says "${sent.slice(0, 120)}", not that the request was sent`);
        assert(await page.locator('#glass-result a[href="#/grant-requests"]').count(), 'the result has no link to follow the request');
        assert(await page.evaluate(() => document.activeElement && document.activeElement.id === 'glass-result'), 'the focus is not on the result');
        await b.shot('request-sent-kk');
        await page.click('#glass-result a[href="#/grant-requests"]');
        await card(b, 'mine', ctx.c1).waitFor();
        const mine = await b.visibleText(`#sec-mine [data-code="${ctx.c1}"]`);
        assert(mine.includes(TEXT.kk.waiting), `kk: my request reads "${mine.slice(0, 120)}", not waiting for approval`);
        await logout(b);

        // ---- A decides (ru) ----
        await b.login('sup.a');
        await setLang(b, 'ru');
        await to(b, '#/home');
        const block = page.locator('[data-block="grant-requests"]');
        await block.waitFor().catch(() => { throw new Error("A's home page has no block of access requests"); });
        const blockText = await b.visibleText('[data-block="grant-requests"]');
        assert(blockText.includes(TEXT.ru.toDecide), `ru: the home block reads "${blockText.slice(0, 120)}"`);
        assert((await block.locator('[data-count="to_decide"]').innerText()) === '2', 'the home block does not count 2 requests to decide');
        await b.shot('home-ru');
        await block.locator('a[href="#/grant-requests"]').click();
        await card(b, 'to-decide', ctx.c1).waitFor();
        await b.shot('to-decide-ru');
        // refusing without a note: the message names the field
        const refuseCard = card(b, 'to-decide', ctx.c2);
        await refuseCard.locator('[data-action="refuse"]').click();
        const alert = refuseCard.locator('[role="alert"]');
        await alert.waitFor().catch(() => { throw new Error('refusing without a note shows no message'); });
        const why = await alert.innerText();
        assert(why.includes(TEXT.ru.noteField), `ru: the message "${why.slice(0, 120)}" does not name the note`);
        assert(await refuseCard.locator('[data-field="note"] .msg').innerText(), 'no message next to the note');
        const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('name'));
        assert(focused === 'note', `the focus is on ${focused}, not on the note`);
        await b.shot('refuse-no-note-ru');
        await refuseCard.locator('[name="note"]').fill('Made-up: we are in touch with the child ourselves');
        await refuseCard.locator('[data-action="refuse"]').click();
        await refuseCard.locator('[role="status"]').waitFor();
        assert((await refuseCard.innerText()).includes(TEXT.ru.refused), 'ru: the refusal is not confirmed');
        // approving with the default scope, the emergency fields only
        const approveCard = card(b, 'to-decide', ctx.c1);
        assert(await approveCard.locator('input[name="scope"][value="emergency"]').isChecked(), 'the default scope is not the emergency fields');
        await approveCard.locator('[data-action="approve"]').click();
        await approveCard.locator('[role="status"]').waitFor();
        const ok = await approveCard.innerText();
        assert(ok.includes(TEXT.ru.approved) && ok.includes(TEXT.ru.scope), `ru: the approval reads "${ok.slice(0, 160)}"`);
        await b.shot('decided-ru');
        await logout(b);

        // ---- B sees the emergency fields only (en), then takes an emergency access ----
        await b.login('sup.b');
        await setLang(b, 'en');
        await to(b, '#/grant-requests');
        await card(b, 'mine', ctx.c1).locator('[data-action="open-case"]').click();
        await page.locator('#glass-access').waitFor().catch(() => { throw new Error('the case seen through a grant has no banner'); });
        const banner = await b.visibleText('#glass-access');
        assert(banner.includes(TEXT.en.banner) && /\d\d:\d\d/.test(banner), `en: the banner reads "${banner.slice(0, 160)}"`);
        await page.click('[data-action="show-personal"]');
        await page.locator('#personal-data dl').waitFor();
        const seen = await b.visibleText('main');
        assert(seen.includes(CHILD.given) && seen.includes(CHILD.family), 'the name is not shown through the grant');
        assert(!seen.includes(CHILD.iin), 'the IIN is shown through an emergency-fields grant');
        assert(!seen.includes(CHILD.address), 'the address is shown through an emergency-fields grant');
        for (const sel of ['#sec-stage', '#sec-edit', '.section-index', '[data-action="edit-personal"]:visible', '#form-move']) {
            assert(!(await page.locator(sel).count()), `the emergency-fields page shows ${sel}`);
        }
        await b.shot('case-emergency-en');
        await page.setViewportSize(PHONE);
        await b.shot('case-emergency-en-360');
        await page.setViewportSize(DESKTOP);
        await findCase(b, ctx.c3);
        await page.check('#f-glass-emergency');
        await setField(page, 'reason', 'Made-up: the child is at the station now and needs an interpreter');
        await setField(page, 'hours', '2');
        await page.click('[data-action="break-glass"]');
        await page.locator('#glass-result').waitFor();
        const now = await b.visibleText('#glass-result');
        assert(now.includes(TEXT.en.active) && now.includes(TEXT.en.open), `en: the emergency result reads "${now.slice(0, 160)}"`);
        await b.shot('emergency-en');
        // a fourth within the day: the way's choice says the limit, in words
        await findCase(b, ctx.c2);
        await page.check('#f-glass-emergency');
        await setField(page, 'reason', 'Made-up: another child at the station tonight');
        await page.click('[data-action="break-glass"]');
        const limit = page.locator('#form-break-glass [role="alert"]');
        await limit.waitFor().catch(() => { throw new Error('the fourth emergency access of the day shows no message'); });
        const said = await limit.innerText();
        assert(said.includes(TEXT.en.how) && said.includes(TEXT.en.limit), `en: the limit reads "${said.slice(0, 160)}"`);
        assert((await page.locator('[data-field="emergency"] .msg').innerText()).includes(TEXT.en.limit), 'no message at the choice of the way');
        await b.shot('emergency-limit-en');
        await logout(b);

        // ---- A reviews it (kk, 360 px) ----
        // the phone for the rest of A's work (shot() keeps b.viewport)
        await page.setViewportSize(PHONE);
        [b.viewport, b.narrow] = [PHONE, true];
        await b.login('sup.a');
        await setLang(b, 'kk');
        // the tasks say it in words and lead to the access requests
        await to(b, '#/tasks');
        const task = page.locator(`#grant-tasks [data-code="${ctx.c3}"] a[href="#/grant-requests"]`);
        await task.waitFor().catch(() => { throw new Error('the tasks list no emergency access to review'); });
        assert((await task.innerText()).includes(TEXT.kk.task), `kk: the task reads "${(await task.innerText()).slice(0, 100)}"`);
        await b.shot('tasks-kk-360');
        await task.click();
        await page.waitForFunction(() => location.hash === '#/grant-requests');
        const rev = card(b, 'to-review', ctx.c3);
        await rev.waitFor().catch(() => { throw new Error('the emergency access is not listed to review'); });
        assert((await b.visibleText('#sec-to-review')).includes(TEXT.kk.review), 'kk: no heading of the emergency accesses to review');
        await b.shot('to-review-kk-360');
        await rev.locator('[name="end"]').check();
        await rev.locator('[data-action="review"]').click();
        await rev.locator('[role="status"]').waitFor();
        assert((await rev.innerText()).includes(TEXT.kk.reviewed), 'kk: the review is not confirmed');
        await b.shot('reviewed-kk-360');
        await logout(b);
        await page.setViewportSize(DESKTOP);
        [b.viewport, b.narrow] = [DESKTOP, false];

        // ---- A's auditor: the report's new columns, in words ----
        await b.login('auditor.north');
        await to(b, '#/access-grants');
        await page.locator('#grant-list').waitFor();
        const report = await b.visibleText('#grant-list');
        assert(report.includes(TEXT.kk.decided) && report.includes(TEXT.kk.emergency), `kk: the report reads "${report.slice(0, 200)}"`);
        await b.shot('report-kk');
    },
};

export const journeys = [glass];
