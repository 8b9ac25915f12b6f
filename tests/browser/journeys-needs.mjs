// journeys-needs.mjs — two things a case manager does that had no page (issue 13):
// marking an urgent need that a screening suggested as addressed, and the sender
// recording the answer a recipient gave by phone. The journeys assert what the user sees,
// in Kazakh first and then in Russian and English: the needs with their labels, open or
// addressed (how, why, the day dd.mm.yyyy, who), the errors named per field, "saved"
// beside the work, and the referral's status "accepted (by phone, recorded by the
// sender)" on the sender's page and lists and on the recipient's. Every name is made up.

import { DESKTOP, PHONE, today } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

function dmy(iso) {
    const [y, m, d] = iso.split('-');
    return `${d}.${m}.${y}`;
}

async function setLang(b, l, waitFor) {
    await b.page.click(`[data-action="set-lang-${l}"]`);
    await b.page.waitForFunction((x) => document.documentElement.lang === x, l);
    if (waitFor) await b.page.locator(waitFor).first().waitFor();
}

// Waits until the visible text of selector holds text (or fails saying what it shows).
async function expectText(b, selector, text, what) {
    const ok = await b.page.waitForFunction(([s, x]) => {
        const el = document.querySelector(s);
        return !!el && el.innerText.replace(/\s+/g, ' ').includes(x);
    }, [selector, text], { timeout: 5000 }).then(() => true, () => false);
    if (!ok) {
        const shown = await b.visibleText(selector).catch(() => '(nothing)');
        throw new Error(`${what}: expected "${text}", the page shows "${shown.slice(0, 200)}"`);
    }
}

// At 360 px: the page does not scroll sideways and the buttons in selector are at least
// 24 px tall and wide; takes a screenshot, then goes back to the desktop size.
async function atPhoneWidth(b, selector, step) {
    await b.page.setViewportSize(PHONE);
    await b.page.waitForTimeout(100);
    const wide = await b.page.evaluate(() => document.documentElement.scrollWidth);
    assert(wide <= PHONE.width + 1, `${step}: the page scrolls sideways at 360 px (${wide} px wide)`);
    const small = await b.page.locator(`${selector} button, ${selector} input, ${selector} select`).evaluateAll((els) =>
        els.filter((e) => e.getClientRects().length).map((e) => e.getBoundingClientRect())
            .filter((r) => r.width < 24 || r.height < 24).length);
    assert(small === 0, `${step}: ${small} controls are smaller than 24 px at 360 px`);
    await b.shot(step);
    await b.page.setViewportSize(DESKTOP);
}

// ---- urgent needs ---------------------------------------------------------------------

const NEEDS = {
    kk: { heading3: 'Шұғыл қажеттіліктер (ашық: 3)', medical: 'Медициналық көмек', open: 'ашық',
          addressed: 'шешілді: Қажет емес болып шықты (Отбасы немесе басқа қызмет қамтамасыз етті)',
          counts: 'Ашық: 2. Шешілді: 1.', saved: 'Сақталды: қажеттілік шешілді деп белгіленді.',
          howNeeded: 'Қажеттіліктің қалай шешілгенін таңдаңыз.', reasonNeeded: 'Неге қажет емес болғанын таңдаңыз.',
          onInvalid: 'Күнді кк.аа.жжжж түрінде жазыңыз; ол болашақта болмауы керек.' },
    ru: { addressed: 'закрыта: Оказалось не нужно (Уже обеспечено семьёй или другой службой)', counts: 'Открыто: 2. Закрыто: 1.' },
    en: { addressed: 'addressed: Not needed after all (Already met by the family or another service)',
          counts: 'Open: 2. Addressed: 1.', reopened: 'Saved: the need is open again.', counts3: 'Open: 3. Addressed: 0.' },
};

const needsJourney = {
    id: 'needs-addressed',
    title: 'a screening suggests urgent needs; the case manager marks one addressed; the case page shows it in kk, ru and en',
    viewport: DESKTOP,
    langs: ['kk'],
    pages: ['login', 'case', 'case-needs'],
    async setup(s) {
        const org = await s.org('Made-up Needs NGO', 'ngo', 'almaty');
        const cm = await s.user(org, 'cm.test', 'case_manager');
        await s.user(org, 'sup.test', 'supervisor');
        return { org, cm };
    },
    async seed(s, ctx) {
        const sup = await s.api('sup.test');
        const c = await sup.must('POST', '/api/v1/cases', { sex: 'Feminine', region: 'almaty' }, 201);
        ctx.code = c.code ?? c.case?.code;
        await sup.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/assignments`, { user_id: ctx.cm }, 201);
        // the urgent-needs checklist: pregnancy suggests medical care and nutrition, a
        // language barrier an interpreter
        const cm = await s.api('cm.test');
        await cm.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/screenings`, {
            instrument: 'urgent-needs', mode: 'interviewer', language: 'kk',
            answers: { pregnancy: 'yes', language: 'yes' },
        }, 201);
    },
    async run(b, ctx) {
        const page = b.page;
        const T = NEEDS.kk;
        await b.login('cm.test');
        await b.go(`#/case/${ctx.code}`);
        await page.locator('#page-title').waitFor();
        // the closed section already says how many needs are open
        await expectText(b, '#sec-needs summary', T.heading3, 'kk: the needs heading');
        await page.click('[data-action="open-needs"]');
        const item = page.locator('#sec-needs li[data-need="medical_care"]');
        await item.waitFor();
        await expectText(b, '#sec-needs li[data-need="medical_care"]', `${T.medical} — ${T.open}`, 'kk: the open need');
        await expectText(b, '#sec-needs', 'Тамақтану', 'kk: the need nutrition');
        await expectText(b, '#sec-needs', 'Жазбаша және ауызша аударма', 'kk: the need interpreter');
        await b.shot('needs-open-kk');

        // mark it addressed: each mistake is named at its field
        await item.locator('[data-action="address-need"]').click();
        const form = item.locator('form.need-form');
        await form.waitFor();
        await form.locator('[data-action="save-need"]').click();
        await expectText(b, '#sec-needs form.need-form .errors', T.howNeeded, 'kk: no "how" chosen');
        assert(await form.locator('[data-field="how"].invalid').count() === 1, 'kk: the "how" field is not marked');
        await form.locator('select[name="how"]').selectOption('not_needed');
        await form.locator('[data-action="save-need"]').click();
        await expectText(b, '#sec-needs form.need-form .errors', T.reasonNeeded, 'kk: no reason chosen');
        await b.shot('needs-reason-missing-kk');
        await form.locator('select[name="reason"]').selectOption('met_elsewhere');
        await form.locator('input[name="on"]').fill(dmy(today(1)));
        await form.locator('[data-action="save-need"]').click();
        await expectText(b, '#sec-needs form.need-form .errors', T.onInvalid, 'kk: a day in the future');
        assert(await form.locator('[data-field="on"].invalid').count() === 1, 'kk: the date field is not marked');
        await form.locator('input[name="on"]').fill(dmy(today(-1)));
        await form.locator('[data-action="save-need"]').click();
        await expectText(b, '#sec-needs li[data-need="medical_care"]', T.saved, 'kk: "saved" beside the need');
        const addressedKk = `${T.addressed} — ${dmy(today(-1))}, cm.test`;
        await expectText(b, '#sec-needs li[data-need="medical_care"]', addressedKk, 'kk: the addressed need');
        await expectText(b, '#sec-needs .need-counts', T.counts, 'kk: the counts');
        await expectText(b, '#sec-needs summary', 'Шұғыл қажеттіліктер (ашық: 2)', 'kk: the heading after marking');
        await b.shot('needs-addressed-kk');
        await atPhoneWidth(b, '#sec-needs', 'needs-addressed-kk-360');

        // it stays addressed when the page is opened again, in every language
        await b.go(`#/case/${ctx.code}`);
        await page.reload();
        await page.locator('#page-title').waitFor();
        await page.click('[data-action="open-needs"]');
        await expectText(b, '#sec-needs li[data-need="medical_care"]', addressedKk, 'kk: the addressed need after a reload');
        await setLang(b, 'ru', '#page-title');
        await page.click('[data-action="open-needs"]');
        await expectText(b, '#sec-needs li[data-need="medical_care"]', NEEDS.ru.addressed, 'ru: the addressed need');
        await expectText(b, '#sec-needs .need-counts', NEEDS.ru.counts, 'ru: the counts');
        await b.shot('needs-addressed-ru');
        await setLang(b, 'en', '#page-title');
        await page.click('[data-action="open-needs"]');
        await expectText(b, '#sec-needs li[data-need="medical_care"]', NEEDS.en.addressed, 'en: the addressed need');
        await expectText(b, '#sec-needs .need-counts', NEEDS.en.counts, 'en: the counts');
        await b.shot('needs-addressed-en');

        // undo: open again, with "saved" beside it
        await page.locator('#sec-needs li[data-need="medical_care"] [data-action="reopen-need"]').click();
        await expectText(b, '#sec-needs li[data-need="medical_care"]', NEEDS.en.reopened, 'en: "saved" after reopening');
        await expectText(b, '#sec-needs li[data-need="medical_care"]', 'Medical care — open', 'en: the reopened need');
        await expectText(b, '#sec-needs .need-counts', NEEDS.en.counts3, 'en: the counts after reopening');
        await b.shot('needs-reopened-en');
        await setLang(b, 'kk', '#page-title');
    },
};

// ---- an answer given by phone -----------------------------------------------------------

const BY_PHONE = {
    kk: { accepted: 'Қабылданды (телефон арқылы, жіберуші ұйым енгізді)', declined: 'Қабылданбады (телефон арқылы, жіберуші ұйым енгізді)',
          saved: 'Сақталды: телефон арқылы берілген жауап енгізілді.', title: 'Телефон арқылы берілген жауап',
          answerNeeded: 'Қабылдаушының жауабын таңдаңыз: қабылданды немесе қабылданбады.', reasonNeeded: 'Себебін таңдаңыз.',
          history: 'cm.test: телефон арқылы берілген жауапты енгізді',
          recipient: 'Бұл жауапты сіздің ұйымыңыз телефон арқылы берді; оны Qorgau-ға жіберуші ұйым енгізді.' },
    ru: { accepted: 'Принято (по телефону, записано отправителем)' },
    en: { accepted: 'Accepted (by phone, recorded by the sender)' },
};

const phoneJourney = {
    id: 'referral-phone-answer',
    title: 'the sender records a recipient\'s answer given by phone; both sides see "by phone, recorded by the sender" in kk, ru and en',
    viewport: DESKTOP,
    langs: ['kk'],
    pages: ['login', 'referrals', 'referral-phone'],
    async setup(s) {
        const orgA = await s.org('Made-up Sending NGO', 'ngo', 'almaty');
        const orgB = await s.org('Made-up Receiving Shelter', 'ngo', 'almaty');
        const cm = await s.user(orgA, 'cm.test', 'case_manager');
        await s.user(orgA, 'sup.test', 'supervisor');
        await s.user(orgB, 'ngo.test', 'case_manager');
        return { orgA, orgB, cm };
    },
    async seed(s, ctx) {
        const sup = await s.api('sup.test');
        const c = await sup.must('POST', '/api/v1/cases', { sex: 'Masculine', region: 'almaty' }, 201);
        ctx.code = c.code ?? c.case?.code;
        await sup.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/assignments`, { user_id: ctx.cm }, 201);
        await sup.must('POST', '/api/v1/agreements', {
            parties: [ctx.orgA, ctx.orgB], kind: 'cooperation',
            purpose: 'Made-up agreement for the browser tests', protections: 'Need to know',
            permitted_users: 'Case managers', complaints: 'Write to the coordinator',
            data_shared: ['profile'], valid_from: today(-30), valid_to: today(300),
        }, 201);
        const cm = await s.api('cm.test');
        const body = { service: 'shelter_24h', to_org: ctx.orgB, parts: ['profile'] };
        ctx.ref = (await cm.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/referrals`, body, 201)).ref;
        ctx.ref2 = (await cm.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/referrals`, body, 201)).ref;
    },
    async run(b, ctx) {
        const page = b.page;
        const T = BY_PHONE.kk;
        await b.login('cm.test');
        await b.go(`#/referral/${ctx.ref}`);
        const form = page.locator('form.phone-answer');
        await form.waitFor().catch(() => {
            throw new Error('kk: the sender\'s referral page offers no form for an answer given by phone');
        });
        await expectText(b, 'form.phone-answer', T.title, 'kk: the form\'s heading');
        await form.locator('[data-action="record-phone-answer"]').click();
        await expectText(b, 'form.phone-answer .errors', T.answerNeeded, 'kk: no answer chosen');
        assert(await form.locator('[data-field="answer"].invalid').count() === 1, 'kk: the answer is not marked');
        await b.shot('phone-form-kk');
        await form.locator('input[name="answer"][value="accepted"]').check();
        await form.locator('textarea[name="note"]').fill('Made-up note: spoke to the duty officer');
        await form.locator('[data-action="record-phone-answer"]').click();
        await expectText(b, '#referral-status', T.accepted, 'kk: the status after recording');
        await expectText(b, '#by-phone', T.saved, 'kk: "saved" beside the answer');
        assert(await page.locator('form.phone-answer').count() === 0, 'kk: the form is still offered after the answer');
        await expectText(b, '#app', T.history, 'kk: the history names who recorded it');
        await b.shot('phone-accepted-kk');
        await setLang(b, 'ru', '#referral-status');
        await expectText(b, '#referral-status', BY_PHONE.ru.accepted, 'ru: the status');
        await b.shot('phone-accepted-ru');
        await setLang(b, 'en', '#referral-status');
        await expectText(b, '#referral-status', BY_PHONE.en.accepted, 'en: the status');
        await b.shot('phone-accepted-en');
        // the sender's list says so too
        await b.go('#/referrals');
        await expectText(b, `#app tr[data-ref="${ctx.ref}"]`, BY_PHONE.en.accepted, 'en: the outgoing list');
        await b.shot('phone-list-en');
        await setLang(b, 'kk', `tr[data-ref="${ctx.ref}"]`);

        // a "declined" needs its reason
        await b.go(`#/referral/${ctx.ref2}`);
        const form2 = page.locator('form.phone-answer');
        await form2.waitFor();
        await form2.locator('input[name="answer"][value="declined"]').check();
        await atPhoneWidth(b, 'form.phone-answer', 'phone-form-kk-360');
        await form2.locator('[data-action="record-phone-answer"]').click();
        await expectText(b, 'form.phone-answer .errors', T.reasonNeeded, 'kk: no reason to decline');
        assert(await form2.locator('[data-field="reason"].invalid').count() === 1, 'kk: the reason is not marked');
        await form2.locator('select[name="reason"]').selectOption('no_capacity');
        await form2.locator('[data-action="record-phone-answer"]').click();
        await expectText(b, '#referral-status', T.declined, 'kk: the declined status');
        await b.shot('phone-declined-kk');
        await page.click('[data-action="logout"]');
        await page.locator('[name="login"]').waitFor();

        // the recipient on Qorgau sees that the sender recorded its answer given by phone
        await b.login('ngo.test');
        await b.go('#/referrals');
        await expectText(b, `#app tr[data-ref="${ctx.ref}"]`, T.accepted, 'kk: the recipient\'s list');
        await b.shot('recipient-list-kk');
        await page.locator(`tr[data-ref="${ctx.ref}"] a`).click();
        await expectText(b, '#referral-status', T.accepted, 'kk: the recipient\'s status');
        await expectText(b, '#by-phone', T.recipient, 'kk: the recipient\'s notice');
        await b.shot('recipient-referral-kk');
    },
};

export const journeys = [needsJourney, phoneJourney];
