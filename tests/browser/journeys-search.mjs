// journeys-search.mjs — finding a child (issue 14 item 8), asserted by what the page shows:
//   - search-find: the navigation's search box opens #/search (the route carries no
//     text); a Latin spelling finds a case registered in Cyrillic and shows its code,
//     stage, year of birth, organisation and case manager but no name, in kk, ru and en;
//     "nothing found", an error under the field, "more than 50"; a user of another
//     organisation finds nothing; the box and the results at 360 px;
//   - search-likely-duplicate: the new-case form warns (focus on the warning) of a case
//     with the same names and birth date before anything is stored, in kk and ru; its
//     code opens it; "not the same child" registers the case;
//   - search-iin-duplicate: the three answers to an IIN registered already (the case,
//     the holding organisation with "ask them to contact us", "ask your supervisor"); the
//     contact request appears on the holder's supervisor's home page and #/contacts, is
//     answered there, and the sender sees the answer; the sender's supervisor sends one
//     for the attempt where the holder was not named.
// Every name and IIN here is made up.

import { DESKTOP, PHONE, openMenu, personal } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

// A made-up IIN for a birth date (YYMMDD) and a century-and-sex digit: the serial digits
// are chosen so that the check digit exists.
function madeUpIin(yymmdd, sexDigit, serial) {
    for (let s = serial; s < serial + 50; s++) {
        const body = yymmdd + sexDigit + String(s).padStart(4, '0');
        const w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
        const sum = (w) => [...body].reduce((a, d, i) => a + Number(d) * w[i], 0) % 11;
        let check = sum(w1);
        if (check === 10) check = sum(w2);
        if (check !== 10) return body + String(check);
    }
    throw new Error('no made-up IIN');
}

async function logout(page) {
    await openMenu(page);
    await page.click('#nav [data-action="logout"]');
    await page.locator('[name="login"]').waitFor();
}

async function setLang(page, l) {
    await openMenu(page);
    await page.click(`#nav [data-action="set-lang-${l}"]`);
}

// Types text into the navigation's search box and sends it; waits for the results page.
async function navSearch(b, text) {
    const page = b.page;
    await openMenu(page);
    const box = page.locator('#nav input[data-action="nav-search-q"]');
    await box.waitFor().catch(() => {
        throw new Error('the navigation has no search box');
    });
    const label = (await page.locator('#nav label[for="nav-search-q"]').innerText().catch(() => '')).trim();
    assert(label.length > 3, 'the navigation\'s search box has no label');
    await box.fill(text);
    await page.click('#nav [data-action="nav-search"]');
    await page.waitForFunction(() => location.hash === '#/search');
    await waitResults(page);
}

// Waits for the count of a search (role=status) to be said.
async function waitResults(page) {
    await page.waitForFunction(() => {
        const s = document.querySelector('#search-count');
        const m = document.querySelector('form.search-form .msg');
        return (s && s.textContent.trim()) || (m && m.textContent.trim());
    }).catch(() => {
        throw new Error('the search shows neither a count nor an error');
    });
}

// The location never holds what was searched for.
async function urlClean(page, text) {
    const href = await page.evaluate(() => location.href);
    assert(!href.toLowerCase().includes(text.toLowerCase().split(' ')[0]), 'the searched text is in the URL');
    assert(!/[?&]q=/.test(href), 'the URL has a query parameter q');
}

// ---- search-find ---------------------------------------------------------------------

const NAMES = { given: 'Айгүл', family: 'Нұрланова' };
const COUNT_ONE = { kk: 'Табылған істер: 1', ru: 'Найдено случаев: 1', en: 'Cases found: 1' };
const NONE = { kk: 'Ештеңе табылмады.', ru: 'Ничего не найдено.', en: 'Nothing found.' };
const MORE = { kk: '50-ден астам', ru: 'больше 50', en: 'More than 50' };
const TITLE = { kk: 'Баланы іздеу', ru: 'Поиск ребёнка', en: 'Find a child' };

const searchFind = {
    id: 'search-find',
    title: 'search: a Latin spelling finds a case registered in Cyrillic, shows its code and no name (kk, ru, en); nothing found; errors; more than 50; another organisation finds nothing; 360 px',
    viewport: DESKTOP,
    pages: ['login', 'search', 'case'],
    ms: 180000,
    async setup(s) {
        const a = await s.org('Made-up Search NGO', 'ngo', 'almaty');
        const b = await s.org('Made-up Other NGO', 'ngo', 'astana');
        await s.user(a, 'sr.cm', 'case_manager');
        await s.user(b, 'sr.cm.b', 'case_manager');
        return {};
    },
    async seed(s, ctx) {
        const api = await s.api('sr.cm');
        const r = await api.must('POST', '/api/v1/cases', {
            sex: 'Feminine', age_at_identification: 14, identified_on: '2026-11-02',
            personal: { given_name: personal(NAMES.given), family_name: personal(NAMES.family), birth_date: '2012-03-14' },
        }, 201);
        ctx.code = r.code;
        // another child of the same organisation, who must not be found by the first's name
        await api.must('POST', '/api/v1/cases', {
            sex: 'Masculine', personal: { given_name: personal('Ерасыл'), family_name: personal('Сәрсенов'), birth_date: '2011-05-31' },
        }, 201);
        // 51 children with one made-up family name: more than a page of hits
        for (let i = 0; i < 51; i++) {
            await api.must('POST', '/api/v1/cases', {
                sex: 'Masculine', personal: { given_name: personal('Бала' + 'абвгдежзиклмнопрстуфхцчшщэюя'[i % 27] + i), family_name: personal('Көпбаев') },
            }, 201);
        }
        ctx.api = api;
    },
    async run(b, ctx) {
        const page = b.page;
        await b.login('sr.cm');
        await setLang(page, 'kk'); // the texts below are asserted in kk first, whatever the run's first language
        await navSearch(b, 'aigul nurlanova');
        await urlClean(page, 'aigul');
        assert((await page.inputValue('#nav-search-q')) === '', 'the navigation\'s box keeps the text after the search');
        for (const l of ['kk', 'ru', 'en']) {
            if (l !== 'kk') {
                await setLang(page, l);
                await waitResults(page);
            }
            assert((await b.visibleText('#page-title')) === TITLE[l], `${l}: the page is not titled "${TITLE[l]}"`);
            const count = await b.visibleText('#search-count');
            assert(count === COUNT_ONE[l], `${l}: the count says "${count}", not "${COUNT_ONE[l]}"`);
            const rows = page.locator('#search-hits tbody tr');
            assert((await rows.count()) === 1, `${l}: ${await rows.count()} results, not 1`);
            const row = await b.visibleText('#search-hits tbody tr');
            assert(row.includes(ctx.code), `${l}: the result does not show the case code`);
            assert(row.includes('2012'), `${l}: the result does not show the year of birth`);
            assert(row.includes('Made-up Search NGO'), `${l}: the result does not show the organisation`);
            const results = await b.visibleText('.search-results');
            for (const n of [NAMES.given, NAMES.family, 'Aigul', 'Nurlan']) {
                assert(!results.toLowerCase().includes(n.toLowerCase()), `${l}: the results show a name`);
            }
            // the search field keeps what was typed, for the user who typed it
            assert((await page.inputValue('form.search-form [name="q"]')) === 'aigul nurlanova', `${l}: the search field lost the text`);
            await b.shot(`found-${l}`);
        }
        // the focus went to the results after the search
        await setLang(page, 'kk');
        await page.fill('form.search-form [name="q"]', 'Айгуль');
        await page.click('form.search-form [data-action="search"]');
        await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'search-results-title')
            .catch(() => { throw new Error('after a search the focus is not on the results heading'); });
        assert((await b.visibleText('#search-count')) === COUNT_ONE.kk, 'the Russian spelling Айгуль does not find Айгүл');
        await urlClean(page, 'Айгуль');
        // nothing found
        await page.fill('form.search-form [name="q"]', 'Zhanibekova');
        await page.click('form.search-form [data-action="search"]');
        await page.waitForFunction((t) => document.querySelector('#search-count').textContent === t, NONE.kk)
            .catch(() => { throw new Error('a search for a name no case has does not say "nothing found"'); });
        assert((await page.locator('#search-hits').count()) === 0, 'nothing found, but a table of results is shown');
        await b.shot('nothing-found-kk');
        // a word too short: the message under the field, the field marked
        await page.fill('form.search-form [name="q"]', 'Ай');
        await page.click('form.search-form [data-action="search"]');
        await page.waitForFunction(() => document.querySelector('form.search-form .msg').textContent.trim().length > 0)
            .catch(() => { throw new Error('a word of 2 letters shows no message under the field'); });
        assert((await page.getAttribute('form.search-form [name="q"]', 'aria-invalid')) === 'true', 'the search field is not marked invalid');
        const msg = await b.visibleText('form.search-form .msg');
        assert(!/invalid|word_too_short|search\./.test(msg), `the message under the field is not a sentence ("${msg.slice(0, 60)}")`);
        await b.shot('too-short-kk');
        // more than 50
        await page.fill('form.search-form [name="q"]', 'Көпбаев');
        await page.click('form.search-form [data-action="search"]');
        await page.locator('#search-more').waitFor().catch(() => { throw new Error('51 matches do not say "more than 50 — narrow the search"'); });
        assert((await b.visibleText('#search-count')).includes(MORE.kk), 'the count does not say more than 50');
        assert((await page.locator('#search-hits tbody tr').count()) === 50, 'more than 50 matches do not show 50 rows');
        await b.shot('more-kk');
        // the code opens the case
        await page.fill('form.search-form [name="q"]', '14.03.2012');
        await page.click('form.search-form [data-action="search"]');
        await page.waitForFunction((t) => document.querySelector('#search-count').textContent === t, COUNT_ONE.kk)
            .catch(() => { throw new Error('the birth date does not find the case'); });
        await page.click(`#search-hits a[href="#/case/${ctx.code}"]`);
        await page.waitForFunction((c) => location.hash === `#/case/${c}`, ctx.code);
        // at 360 px: the box is in the menu, the results fit
        await page.setViewportSize(PHONE);
        await navSearch(b, 'nurlanova 2012');
        assert((await page.locator('#search-hits tbody tr').count()) === 1, 'at 360 px the search does not find the case');
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(wide <= PHONE.width + 1, `the results scroll sideways at 360 px (${wide} px wide)`);
        await b.shot('found-360-kk');
        await page.setViewportSize(DESKTOP);
        // another organisation's user finds nothing
        await logout(page);
        await b.login('sr.cm.b');
        await navSearch(b, 'aigul nurlanova');
        assert((await b.visibleText('#search-count')) === NONE.kk, 'a user of another organisation finds the case');
        assert((await page.locator('#search-hits').count()) === 0, 'another organisation\'s user sees a table of results');
        // and what the first user searched for is not there
        assert((await page.inputValue('form.search-form [name="q"]')) === 'aigul nurlanova', 'the search field does not show this user\'s own text');
        await b.shot('other-org-nothing-kk');
    },
};

// ---- search-likely-duplicate -----------------------------------------------------------

const LIKELY = {
    kk: 'Бұл бала ұйымыңызда бұрын тіркелген болуы мүмкін.',
    ru: 'Возможно, этот ребёнок уже зарегистрирован в вашей организации.',
    en: 'This child may already be registered in your organisation.',
};

async function fillNewCase(b, values) {
    const page = b.page;
    // a fresh form: away first (the form left after a warning holds changes: the journey
    // accepts the "leave the page?" question), then the new-case page
    if (await page.evaluate(() => location.hash === '#/new-case')) {
        await page.evaluate(() => { location.hash = '#/cases'; });
        await page.waitForFunction(() => location.hash === '#/cases' && document.querySelector('#page-title'));
    }
    await page.evaluate(() => { location.hash = '#/new-case'; });
    await page.waitForFunction(() => location.hash === '#/new-case');
    await page.locator('form [data-action="save"]').waitFor();
    if (values.sex) await page.selectOption('[name="sex"]', values.sex);
    await page.click('[data-action="add-personal"]');
    await page.locator('[name="given_name"]').waitFor();
    for (const k of ['given_name', 'family_name', 'birth_date', 'iin']) {
        if (values[k]) await page.fill(`[name="${k}"]`, values[k]);
    }
    await page.click('form [data-action="save"]');
}

async function caseCount(api) {
    const r = await api.must('GET', '/api/v1/cases?limit=200');
    return (r.cases ?? []).length;
}

const likelyDuplicate = {
    id: 'search-likely-duplicate',
    title: 'new case: the likely-duplicate warning (kk, ru, en) names the case before anything is stored; its code opens it; "not the same child" registers',
    viewport: DESKTOP,
    pages: ['login', 'new-case', 'case'],
    async setup(s) {
        const a = await s.org('Made-up Likely NGO', 'ngo', 'almaty');
        await s.user(a, 'ld.cm', 'case_manager');
        return {};
    },
    async seed(s, ctx) {
        ctx.api = await s.api('ld.cm');
        const r = await ctx.api.must('POST', '/api/v1/cases', {
            sex: 'Feminine', stage: 'assessment',
            personal: { given_name: personal('Ақбота'), family_name: personal('Ойланбаева'), birth_date: '2011-09-02' },
        }, 201);
        ctx.code = r.code;
    },
    async run(b, ctx) {
        const page = b.page;
        page.on('dialog', (d) => d.accept().catch(() => {}));
        await b.login('ld.cm');
        const child = { sex: 'Feminine', given_name: 'Ақбота', family_name: 'Ойланбаева', birth_date: '02.09.2011' };
        for (const l of ['kk', 'ru', 'en']) {
            await setLang(page, l);
            await fillNewCase(b, child);
            const w = page.locator('#likely-duplicate');
            await w.waitFor().catch(() => { throw new Error(`${l}: the same names and birth date show no likely-duplicate warning`); });
            const text = await b.visibleText('#likely-duplicate');
            assert(text.includes(LIKELY[l]), `${l}: the warning does not say "${LIKELY[l]}"`);
            assert(text.includes(ctx.code), `${l}: the warning does not show the case code`);
            assert(text.includes('2011'), `${l}: the warning does not show the year of birth`);
            assert(!text.includes('Ақбота') && !text.includes('Ойланбаева'), `${l}: the warning repeats the name`);
            const focus = await page.evaluate(() => document.activeElement && document.activeElement.id);
            assert(focus === 'likely-duplicate', `${l}: the focus is not on the warning`);
            // the warning stands above the form's buttons
            const above = await page.evaluate(() => {
                const wr = document.querySelector('#likely-duplicate').getBoundingClientRect();
                const sv = document.querySelector('form [data-action="save"]').getBoundingClientRect();
                return wr.bottom <= sv.top;
            });
            assert(above, `${l}: the warning is not above the buttons`);
            assert((await caseCount(ctx.api)) === 1, `${l}: a case was stored before the worker chose`);
            await b.shot(`likely-${l}`);
            if (l === 'ru') {
                await page.click('#likely-duplicate [data-action="open-likely-case"]');
                await page.waitForFunction((c) => location.hash === `#/case/${c}`, ctx.code)
                    .catch(() => { throw new Error('"open the case" does not open the likely duplicate'); });
            }
        }
        await page.click('#likely-duplicate [data-action="not-same"]');
        await page.waitForFunction((c) => location.hash.startsWith('#/case/') && location.hash !== `#/case/${c}`, ctx.code)
            .catch(() => { throw new Error('"not the same child" does not register the case'); });
        await page.locator('#page-title').waitFor();
        assert((await caseCount(ctx.api)) === 2, '"not the same child" did not store the new case');
        await b.shot('registered-en');
    },
};

// ---- search-iin-duplicate: the three answers, the contact request --------------------------

const HELD = {
    kk: 'Бұл бала «Made-up Holder NGO» ұйымында тіркелген.',
    ru: 'Этот ребёнок зарегистрирован в организации «Made-up Holder NGO».',
    en: 'This child is registered with Made-up Holder NGO.',
};
const ASK_SUP = {
    kk: 'Бұл ЖСН бұрын тіркелген. Супервайзеріңізге хабарласыңыз',
    ru: 'Этот ИИН уже зарегистрирован. Обратитесь к своему супервайзеру',
    en: 'This IIN is already registered. Ask your supervisor',
};
const SENT = {
    kk: 'Байланысу туралы өтініш жіберілді.',
    ru: 'Запрос на связь отправлен.',
    en: 'The contact request has been sent.',
};
const ANSWER_CALL = { kk: 'Телефон арқылы хабарласады', ru: 'Свяжутся по телефону', en: 'Will call by phone' };
const NOT_NAMED = { kk: 'аталмаған', ru: 'не названа', en: 'not named' };

async function existingWarning(page, l, what) {
    const w = page.locator('#existing-case');
    await w.waitFor().catch(() => { throw new Error(`${l}: ${what}: no warning that the IIN is registered`); });
    const focus = await page.evaluate(() => document.activeElement && document.activeElement.id);
    assert(focus === 'existing-case', `${l}: ${what}: the focus is not on the warning`);
    return (await w.innerText()).replace(/\s+/g, ' ');
}

const iinDuplicate = {
    id: 'search-iin-duplicate',
    title: 'new case: the three IIN duplicate answers (the case; the holder named with a contact request; ask your supervisor); the request on the holder\'s home page and #/contacts, answered, the answer seen by the sender',
    viewport: DESKTOP,
    pages: ['login', 'new-case', 'contacts', 'home'],
    ms: 180000,
    async setup(s) {
        const a = await s.org('Made-up Asking NGO', 'ngo', 'almaty');
        const h = await s.org('Made-up Holder NGO', 'ngo', 'astana');
        await s.user(a, 'id.cm', 'case_manager');
        await s.user(a, 'id.sup', 'supervisor');
        await s.user(h, 'id.cm.h', 'case_manager');
        await s.user(h, 'id.sup.h', 'supervisor');
        return {};
    },
    async seed(s, ctx) {
        // the holder's child (a boy born 14.03.2012) and a child of the asking organisation
        ctx.iinHeld = personal(madeUpIin('120314', '5', 100));
        ctx.iinOwn = personal(madeUpIin('110531', '6', 200));
        const holder = await s.api('id.cm.h');
        const r1 = await holder.must('POST', '/api/v1/cases', {
            sex: 'Masculine',
            personal: { given_name: personal('Нұрлан'), family_name: personal('Сәрсенов'), birth_date: '2012-03-14', iin: ctx.iinHeld },
        }, 201);
        ctx.heldCode = r1.code;
        const own = await s.api('id.cm');
        const r2 = await own.must('POST', '/api/v1/cases', { sex: 'Feminine', personal: { iin: ctx.iinOwn, birth_date: '2011-05-31' } }, 201);
        ctx.ownCode = r2.code;
    },
    async run(b, ctx) {
        const page = b.page;
        page.on('dialog', (d) => d.accept().catch(() => {}));
        await b.login('id.cm');
        // 1. the user may see the case: its code, a link
        await fillNewCase(b, { sex: 'Feminine', iin: ctx.iinOwn });
        let text = await existingWarning(page, 'kk', 'own case');
        assert(text.includes(ctx.ownCode), 'the IIN of a case the user may see does not show its code');
        assert((await page.locator(`#existing-case a[href="#/case/${ctx.ownCode}"]`).count()) === 1, 'the code is not a link to the case');
        await b.shot('iin-own-case-kk');
        // 3. the names do not match: "ask your supervisor", no organisation named
        for (const l of ['kk', 'ru']) {
            await setLang(page, l);
            await fillNewCase(b, { sex: 'Masculine', given_name: 'Ерлан', family_name: 'Ахметов', iin: ctx.iinHeld });
            text = await existingWarning(page, l, 'names differ');
            assert(text.includes(ASK_SUP[l]), `${l}: the answer without a named organisation does not say "${ASK_SUP[l]}"`);
            assert(!text.includes('Made-up Holder NGO'), `${l}: the holder is named although the names differ`);
            assert((await page.locator('#existing-case [data-action="ask-contact"]').count()) === 0, `${l}: a contact button is offered without a named organisation`);
            await b.shot(`iin-ask-supervisor-${l}`);
        }
        // 2. the names match: the holder is named, "ask them to contact us" sends a request
        for (const l of ['en', 'kk']) {
            await setLang(page, l);
            await fillNewCase(b, { sex: 'Masculine', given_name: 'Нұрлан', family_name: 'Сәрсенов', iin: ctx.iinHeld });
            text = await existingWarning(page, l, 'names match');
            assert(text.includes(HELD[l]), `${l}: the answer does not say "${HELD[l]}"`);
            assert(!text.includes(ctx.heldCode), `${l}: the holder's case code is shown to another organisation`);
            await b.shot(`iin-holder-named-${l}`);
        }
        await page.click('#existing-case [data-action="ask-contact"]');
        const sent = page.locator('#existing-case [data-sent="yes"]');
        await sent.waitFor().catch(() => { throw new Error('"ask them to contact us" shows no confirmation'); });
        assert((await sent.innerText()).includes(SENT.kk), 'the confirmation does not say the request was sent');
        const focus = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('data-sent'));
        assert(focus === 'yes', 'the focus is not on the confirmation');
        await b.shot('iin-request-sent-kk');
        await logout(page);

        // the holder's supervisor: the home page, #/contacts, the answer (in Russian)
        await b.login('id.sup.h');
        await setLang(page, 'ru');
        await b.go('#/home');
        const block = page.locator('[data-block="contact-requests"]');
        await block.waitFor().catch(() => { throw new Error('the holder\'s supervisor\'s home page shows no contact request'); });
        assert((await block.locator('[data-count="waiting"]').innerText()).trim() === '1', 'the home page does not count 1 contact request waiting');
        assert((await block.innerText()).includes('Запросы на связь, ожидающие ответа'), 'the home block is not titled in Russian');
        const navN = page.locator('#nav-list a[href="#/contacts"] .nav-count');
        assert((await navN.count()) === 1 && (await navN.innerText()).trim() === '1', 'the navigation does not count 1 contact request waiting');
        await b.shot('holder-home-ru');
        await block.locator('a[href="#/contacts"]').click();
        await page.locator('#contacts-incoming').waitFor().catch(() => { throw new Error('#/contacts shows no incoming request'); });
        const row = await b.visibleText('#contacts-incoming tbody tr');
        assert(row.includes(ctx.heldCode), 'the incoming request does not show the case code');
        assert(row.includes('Made-up Asking NGO') && row.includes('id.cm'), 'the incoming request does not say from which organisation and person');
        await b.shot('holder-contacts-ru');
        await page.click('#contacts-incoming [data-action="answer-will_call"]');
        await page.locator('#contacts-incoming [data-answer="will_call"]').waitFor()
            .catch(() => { throw new Error('the answer is not shown after answering'); });
        assert((await b.visibleText('#contacts-incoming tbody tr')).includes(ANSWER_CALL.ru), 'the answer is not shown in Russian');
        assert((await page.locator('#contacts-incoming [data-action^="answer-"]').count()) === 0, 'the answer buttons stay after answering');
        await b.shot('holder-answered-ru');
        await logout(page);

        // the sender sees the answer (in English)
        await b.login('id.cm');
        await setLang(page, 'en');
        await b.go('#/contacts');
        await page.locator('#contacts-outgoing').waitFor().catch(() => { throw new Error('the sender\'s #/contacts shows no outgoing request'); });
        let out = await b.visibleText('#contacts-outgoing');
        assert(out.includes('Made-up Holder NGO'), 'the outgoing request does not name the organisation');
        assert(out.includes(ANSWER_CALL.en), 'the sender does not see the answer');
        await b.shot('sender-answer-en');
        await logout(page);

        // the sender's supervisor: the attempt where the holder was not named, a request for it
        await b.login('id.sup');
        await setLang(page, 'kk');
        await b.go('#/contacts');
        await page.locator('#contacts-attempts').waitFor().catch(() => { throw new Error('the supervisor sees no duplicate attempts'); });
        // an answer that did not name the holder: no request was sent for it yet
        const send = page.locator('#contacts-attempts tr[data-named="no"] [data-action="send-request"]');
        assert((await send.count()) >= 1, 'no attempt where the holder was not named offers "send a contact request"');
        await b.shot('supervisor-attempts-kk');
        await send.first().click();
        await page.locator('#contacts-attempts .saved-note[data-sent="yes"]').waitFor()
            .catch(() => { throw new Error('sending a request for an attempt shows no confirmation'); });
        await page.waitForFunction((t) => (document.querySelector('#contacts-outgoing') || {}).innerText?.includes(t), NOT_NAMED.kk)
            .catch(() => { throw new Error('the request for an unnamed holder is not listed as "not named"'); });
        out = await b.visibleText('#contacts-outgoing');
        assert(!out.includes('Made-up Holder NGO') || out.includes(NOT_NAMED.kk), 'the unnamed holder is named');
        await b.shot('supervisor-sent-kk');
    },
};

export const journeys = [searchFind, likelyDuplicate, iinDuplicate];
