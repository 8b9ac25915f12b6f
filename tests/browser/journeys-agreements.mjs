// journeys-agreements.mjs — the agreements register on the web (issue 13): a case manager's
// referral to an organisation on Qorgau is refused for want of an agreement and the form
// says so in plain words (Russian) and who can record one; a supervisor records the
// agreement through the register's pages (Kazakh; the pages are also looked at in Russian
// and English); the case manager then sends the referral; the recipient (English) sees it
// with the child's name. Each step asserts the visible text of the page, not only the API.
// Every name here is made up.

import path from 'node:path';
import { DESKTOP, PHONE, openMenu, SHOTS, personal, setField, today } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

async function eventually(fn, message, ms = 6000) {
    const until = Date.now() + ms;
    for (;;) {
        const v = await fn();
        if (v) return v;
        if (Date.now() > until) throw new Error(message);
        await new Promise((r) => setTimeout(r, 150));
    }
}

const ORG_A = 'Сенім отбасыны қолдау қоры (ойдан)';
const ORG_B = 'Қамқор баспанасы (ойдан)';
const LOGINS = ['admin.agr', 'sup.agr', 'cm.agr', 'ngo.agr'];
const CODES = ['data_sharing', 'cooperation', 'share_part', 'agreement_kind', 'safety_plan', 'valid_from', 'valid_to',
               'permitted_users', 'shelter_24h'];

// What the user must never see in the main part of the page: leaked objects and
// placeholders, message keys, raw codes, and (on a Kazakh or Russian page) English words.
async function checkVisible(page, lang, where, scope = '#app') {
    let text = await page.locator(scope).first().innerText();
    for (const bad of ['[object', 'undefined', 'NaN']) assert(!text.includes(bad), `${where}: the page shows "${bad}"`);
    assert(!/\bnull\b/.test(text), `${where}: the page shows "null"`);
    const key = /\b(agr|ref|core|case)\.[a-z_]+(\.[a-z_]+)*\b/.exec(text);
    assert(!key, `${where}: the page shows the message key ${key && key[0]}`);
    for (const c of CODES) assert(!text.includes(c), `${where}: the page shows the raw code ${c}`);
    if (lang !== 'en') {
        for (const ok of ['Qorgau', ...LOGINS]) text = text.split(ok).join('');
        const en = /\b[A-Za-z]{3,}\b/.exec(text);
        assert(!en, `${where}: the ${lang} page shows the English word "${en && en[0]}"`);
    }
}

async function setLang(page, lang) {
    await openMenu(page);
    await page.click(`[data-action="set-lang-${lang}"]`);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await page.locator('#page-title').waitFor();
    await page.waitForTimeout(200);
}

async function title(page) {
    return (await page.locator('#page-title').innerText()).trim();
}

async function logout(b) {
    await openMenu(b.page);
    await b.page.click('#nav [data-action="logout"]');
    await b.page.waitForFunction(() => location.hash.startsWith('#/login'));
}

// Opens the case page and its referrals section, and fills the referral form.
async function fillReferral(b, ctx) {
    const page = b.page;
    await b.go(`#/case/${ctx.code}`);
    await page.locator('#page-title').waitFor();
    const summary = page.locator('[data-action="open-referrals"]');
    await page.waitForTimeout(300);
    const closed = (await summary.count()) && await summary.first().evaluate((el) => { const d = el.closest('details'); return d && !d.open; });
    if (closed) await summary.first().click();
    const form = page.locator('form.send-referral');
    await form.waitFor();
    await setField(form, 'service', 'shelter_24h');
    await setField(form, 'to_org', String(ctx.orgB));
    await setField(form, 'parts', ['profile', 'identity']);
    return form;
}

const recordAgreement = {
    id: 'agreement-register',
    title: 'a referral needs an agreement; a supervisor records it; the referral goes; the recipient sees it',
    viewport: DESKTOP,
    pages: ['login', 'agreements', 'referrals', 'case'],
    async setup(s) {
        const orgA = await s.org(ORG_A, 'ngo', 'almaty');
        const orgB = await s.org(ORG_B, 'ngo', 'almaty');
        await s.user(orgA, 'sup.agr', 'supervisor');
        const cm = await s.user(orgA, 'cm.agr', 'case_manager');
        await s.user(orgB, 'ngo.agr', 'case_manager');
        return { orgA, orgB, cm };
    },
    async seed(s, ctx) {
        const sup = await s.api('sup.agr');
        ctx.name = personal('Ақбота');
        const c = await sup.must('POST', '/api/v1/cases', {
            sex: 'Feminine', age_at_identification: 15, region: 'almaty', identified_on: today(-2),
            personal: { given_name: ctx.name, family_name: personal('Ойланбаева') },
        }, 201);
        ctx.code = c.code ?? c.case?.code;
        await sup.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/assignments`, { user_id: ctx.cm }, 201);
        await sup.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/consents`,
                       { purpose: 'sharing', org_id: ctx.orgB, given_by: 'child' }, 201);
    },
    async run(b, ctx) {
        const page = b.page;
        page.on('dialog', (d) => d.accept());

        // 1. the case manager (Russian): the referral is refused, in plain words
        await b.login('cm.agr');
        await setLang(page, 'ru');
        let form = await fillReferral(b, ctx);
        await page.click('[data-action="send-referral"]');
        const alert = form.locator('.errors[role="alert"]');
        await alert.waitFor();
        const said = await alert.innerText();
        assert(said.includes('Нет действующего соглашения') && said.includes(ORG_B),
               `the refused referral does not say that no agreement with the organisation is valid: "${said.slice(0, 160)}"`);
        assert(said.includes('Имя и дата рождения'), 'the refusal does not name the chosen data by its label');
        assert(said.includes('Попросите супервайзера'), 'the refusal does not say who can record an agreement');
        assert(!/соглас(ие|ия) ребёнка/.test(said), 'the refusal speaks of consent where it means the agreement');
        assert(!(await alert.locator('[data-action="record-agreement"]').count()),
               'a case manager is offered a link to record an agreement, which the policy does not let them');
        await checkVisible(page, 'ru', 'the refused referral (ru)', 'form.send-referral .errors');
        await b.shot('referral-refused-ru');
        await logout(b);

        // 2. the supervisor (Kazakh) records the agreement through the register
        await b.login('sup.agr');
        await setLang(page, 'kk');
        const nav = page.locator('#nav a[href="#/agreements"]');
        assert(await nav.count(), 'the navigation has no entry for the agreements register');
        assert((await nav.innerText()).trim() === 'Ұйымаралық келісімдер', 'the navigation entry is not "Ұйымаралық келісімдер"');
        await nav.click();
        await eventually(async () => (await title(page)) === 'Ұйымаралық келісімдер', 'the register page is not titled "Ұйымаралық келісімдер"');
        await eventually(async () => page.locator('[data-empty="agreements"]').isVisible(),
                         'the empty register does not say there are no agreements');
        await checkVisible(page, 'kk', 'the empty register (kk)');
        await b.shot('register-empty-kk');
        await page.click('[data-action="new-agreement"]');
        await eventually(async () => (await title(page)) === 'Ұйымаралық келісімді тіркеу', 'the new-agreement page has the wrong title');
        form = page.locator('form.new-agreement');
        // every control has a visible label
        const unlabelled = await form.evaluate((f) => [...f.querySelectorAll('input, select, textarea')]
            .filter((el) => el.type !== 'checkbox' ? !f.querySelector(`label[for="${el.id}"]`) : !el.labels.length)
            .map((el) => el.name));
        assert(!unlabelled.length, `the agreement form has controls without a label: ${unlabelled.join(', ')}`);
        const help = await form.locator('.hint').count();
        assert(help >= 9, `the agreement form has help text for only ${help} fields`);
        const formText = await form.innerText();
        for (const want of ['Мақсаты', 'Берілуі мүмкін деректер', 'Балалардың деректері қалай қорғалады', 'Деректерді кім пайдалана алады',
                            'Шағымды қалай беруге болады', 'Деректер алмасу туралы келісім', 'Аты-жөні және туған күні', ORG_A]) {
            assert(formText.includes(want), `the agreement form does not show "${want}"`);
        }
        await checkVisible(page, 'kk', 'the new-agreement form (kk)');
        // nothing chosen: the form names the field
        await page.click('[data-action="save-agreement"]');
        const err = form.locator('.errors[role="alert"]');
        await err.waitFor();
        assert((await err.innerText()).includes('«Екінші тарап (ұйым)» өрісін толтырыңыз'),
               'an empty agreement form does not name the missing organisation');
        await b.shot('new-agreement-empty-kk');
        const choice = await page.locator(`select[name="parties"] option[value="${ctx.orgB}"]`).innerText();
        assert(choice.startsWith(ORG_B) && choice.includes('Үкіметтік емес ұйым'),
               `the organisation picker does not show the organisation by name and kind: "${choice}"`);
        await setField(form, 'parties', String(ctx.orgB));
        await setField(form, 'kind', 'data_sharing');
        await setField(form, 'purpose', 'Балаларды баспанаға жолдау (ойдан)');
        await setField(form, 'data_shared', ['profile', 'needs', 'identity']);
        await setField(form, 'protections', 'Деректерді тек жауапты маман көреді (ойдан)');
        await setField(form, 'permitted_users', 'Екі ұйымның кейс-менеджерлері (ойдан)');
        await setField(form, 'complaints', 'Кез келген ұйымның үйлестірушісіне жазбаша (ойдан)');
        await setField(form, 'valid_from', today(-1));
        // a date written wrongly is named
        await setField(form, 'valid_to', '31.13.2027');
        await page.click('[data-action="save-agreement"]');
        await eventually(async () => (await err.innerText().catch(() => '')).includes('«Күшінде болатын соңғы күні»: күнді кк.аа.жжжж'),
                         'a wrong end date is not named with how to write it');
        await setField(form, 'valid_to', today(365));
        await b.shot('new-agreement-filled-kk');
        await page.click('[data-action="save-agreement"]');
        await page.waitForFunction(() => /^#\/agreement\/\d+$/.test(location.hash));
        await page.locator('dl.agreement').waitFor();
        const one = await page.locator('#app').innerText();
        for (const want of ['Деректер алмасу туралы келісім', 'Күшінде', ORG_A, ORG_B, 'Іс деректері (тек кодтар)',
                            'Аты-жөні және туған күні', today(-1).split('-').reverse().join('.')]) {
            assert(one.includes(want), `the recorded agreement's page does not show "${want}"`);
        }
        assert(await page.locator('form.end-agreement').isVisible(), 'the supervisor is not offered to end the agreement early');
        await checkVisible(page, 'kk', 'the agreement (kk)');
        await b.shot('agreement-kk');
        await setLang(page, 'ru');
        assert((await page.locator('#app').innerText()).includes('Действует'), 'the agreement in Russian does not say "Действует"');
        await checkVisible(page, 'ru', 'the agreement (ru)');
        await b.shot('agreement-ru');
        await setLang(page, 'en');
        assert((await page.locator('#app').innerText()).includes('Valid'), 'the agreement in English does not say "Valid"');
        await checkVisible(page, 'en', 'the agreement (en)');
        await b.shot('agreement-en');
        await setLang(page, 'kk');
        await page.click('a[href="#/agreements"]');
        const row = page.locator('tr[data-agreement]');
        await row.first().waitFor();
        assert((await row.first().getAttribute('data-state')) === 'valid', 'the register does not list the agreement as valid');
        assert((await row.first().innerText()).includes('Күшінде'), 'the register row does not say "Күшінде"');
        await checkVisible(page, 'kk', 'the register (kk)');
        await b.shot('register-kk');
        const sup = await b.server.api('sup.agr');
        const list = await sup.must('GET', '/api/v1/agreements');
        assert(list.agreements.length === 1 && list.agreements[0].valid_today, 'the API does not hold one valid agreement');
        await logout(b);

        // 3. the case manager sends the referral again: it goes
        await b.login('cm.agr');
        await setLang(page, 'ru');
        form = await fillReferral(b, ctx);
        await page.click('[data-action="send-referral"]');
        const cm = await b.server.api('cm.agr');
        const ref = await eventually(async () => {
            const r = await cm.must('GET', `/api/v1/cases/${encodeURIComponent(ctx.code)}/referrals`);
            return (r.referrals ?? [])[0];
        }, 'the referral was not sent after the agreement was recorded');
        ctx.ref = ref.ref;
        await page.locator('section.referrals', { hasText: ctx.ref }).waitFor();
        const section = await page.locator('section.referrals').innerText();
        assert(!section.includes('Нет действующего соглашения'), 'the referral form still says there is no agreement');
        assert(section.includes(ctx.ref), 'the case page does not list the sent referral');
        await b.shot('referral-sent-ru');
        await logout(b);

        // 4. the recipient (English) sees the referral and the child's name
        await b.login('ngo.agr');
        await setLang(page, 'en');
        await b.go(`#/referral/${ctx.ref}`);
        await eventually(async () => (await title(page)).includes(ctx.ref), 'the recipient cannot open the referral');
        await page.waitForTimeout(300);
        const seen = await page.locator('#app').innerText();
        assert(!seen.includes('[object'), 'the recipient\'s referral page shows "[object HTMLElement]" instead of what the referral carries');
        assert(seen.includes(ctx.name), 'the recipient does not see the child\'s name');
        assert(seen.includes(ORG_A), 'the recipient does not see which organisation sent the referral');
        await b.shot('referral-received-en');
    },
};

// A supervisor whose referral is refused follows the form's link: the new-agreement form
// opens in a new tab with the organisation and the data already chosen; once it is
// recorded, the referral form (kept as typed in the first tab) sends.
const fromReferral = {
    id: 'agreement-from-referral',
    title: 'a supervisor follows the refused referral\'s link, records the agreement, and the referral goes',
    viewport: DESKTOP,
    pages: ['login', 'agreements', 'referrals', 'case'],
    async setup(s) {
        const orgA = await s.org(ORG_A, 'ngo', 'almaty');
        const orgB = await s.org(ORG_B, 'ngo', 'almaty');
        await s.user(orgA, 'sup.agr', 'supervisor');
        return { orgA, orgB };
    },
    async seed(s, ctx) {
        const sup = await s.api('sup.agr');
        const c = await sup.must('POST', '/api/v1/cases', {
            sex: 'Masculine', age_at_identification: 14, region: 'almaty', identified_on: today(-3),
            personal: { given_name: personal('Ерасыл'), family_name: personal('Ойдасов') },
        }, 201);
        ctx.code = c.code ?? c.case?.code;
        await sup.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/consents`,
                       { purpose: 'sharing', org_id: ctx.orgB, given_by: 'child' }, 201);
    },
    async run(b, ctx) {
        const page = b.page;
        page.on('dialog', (d) => d.accept());
        await b.login('sup.agr');
        await setLang(page, 'ru');
        const form = await fillReferral(b, ctx);
        await page.click('[data-action="send-referral"]');
        const alert = form.locator('.errors[role="alert"]');
        await alert.waitFor();
        const said = await alert.innerText();
        assert(said.includes('Нет действующего соглашения'), 'the refused referral does not say there is no agreement');
        assert(said.includes('причину срочности'), 'a supervisor is not told of the emergency reason');
        await checkVisible(page, 'ru', 'the refused referral of a supervisor (ru)', 'form.send-referral .errors');
        await b.shot('referral-refused-sup-ru');
        const link = alert.locator('[data-action="record-agreement"]');
        assert((await link.innerText()).includes('Записать соглашение с этой организацией'), 'the refusal has no link to record the agreement');
        const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
        await tab.waitForLoadState();
        const nf = tab.locator('form.new-agreement');
        await nf.waitFor();
        assert(await tab.locator('select[name="parties"]').inputValue() === String(ctx.orgB),
               'the new-agreement form does not have the organisation of the referral chosen');
        const chosen = await nf.locator('input[name="data_shared"]:checked').evaluateAll((l) => l.map((i) => i.value).sort());
        assert(chosen.join(',') === 'identity,profile', `the new-agreement form has the data ${chosen.join(',')} chosen`);
        await setField(nf, 'kind', 'cooperation');
        await setField(nf, 'purpose', 'Направление детей в приют (вымышлено)');
        await setField(nf, 'protections', 'Данные видит только ответственный специалист (вымышлено)');
        await setField(nf, 'permitted_users', 'Кейс-менеджеры обеих организаций (вымышлено)');
        await setField(nf, 'complaints', 'Письменно координатору любой из организаций (вымышлено)');
        await setField(nf, 'valid_to', today(180));
        await checkVisible(tab, 'ru', 'the new-agreement form from the referral (ru)');
        await tab.screenshot({ path: path.join(SHOTS, `${b.journey}-tab-new-agreement-ru.png`), fullPage: true });
        await tab.click('[data-action="save-agreement"]');
        await tab.waitForFunction(() => /^#\/agreement\/\d+$/.test(location.hash));
        await tab.locator('dl.agreement').waitFor();
        assert((await tab.locator('#app').innerText()).includes('Действует'), 'the recorded agreement is not shown as valid');
        await tab.screenshot({ path: path.join(SHOTS, `${b.journey}-tab-agreement-ru.png`), fullPage: true });
        await tab.close();
        // back in the first tab: the form still holds what was typed; send again
        assert(await form.locator('[name="to_org"]').inputValue() === String(ctx.orgB), 'the referral form lost what was typed');
        await page.click('[data-action="send-referral"]');
        const api = await b.server.api('sup.agr');
        const sent = await eventually(async () => {
            const r = await api.must('GET', `/api/v1/cases/${encodeURIComponent(ctx.code)}/referrals`);
            return (r.referrals ?? []).length === 1 && r.referrals[0];
        }, 'the referral was not sent after the agreement was recorded');
        const one = await api.must('GET', `/api/v1/referrals/${encodeURIComponent(sent.ref)}`);
        assert(one.agreement_id && !one.emergency, 'the referral was not sent under the agreement (or as an emergency)');
        await b.shot('referral-sent-sup-ru');
    },
};

// The register and the new-agreement form at 360 px: no sideways scroll (Session.shot checks).
const registerPhone = {
    id: 'agreement-register-360',
    title: 'the agreements register and its form at 360x740',
    viewport: PHONE,
    pages: ['login', 'agreements'],
    async setup(s) {
        const orgA = await s.org(ORG_A, 'ngo', 'almaty');
        const orgB = await s.org(ORG_B, 'ngo', 'almaty');
        await s.user(orgA, 'sup.agr', 'supervisor');
        await s.user(orgA, 'admin.agr', 'admin', { systemWide: true }); // any two organisations
        const orgC = await s.org('Үміт орталығы (ойдан)', 'social_protection', 'astana');
        return { orgA, orgB, orgC };
    },
    async seed(s, ctx) {
        const sup = await s.api('sup.agr');
        const base = {
            parties: [ctx.orgA, ctx.orgB], kind: 'cooperation', purpose: 'Ойдан шығарылған мақсат',
            protections: 'Ойдан шығарылған қорғау', permitted_users: 'Ойдан шығарылған пайдаланушылар',
            complaints: 'Ойдан шығарылған шағым жолы', data_shared: ['profile'],
        };
        await sup.must('POST', '/api/v1/agreements', { ...base, valid_from: today(-400), valid_to: today(-10) }, 201);
        await sup.must('POST', '/api/v1/agreements', { ...base, valid_from: today(10), valid_to: today(300) }, 201);
        const ended = await sup.must('POST', '/api/v1/agreements', { ...base, valid_from: today(-20), valid_to: today(300) }, 201);
        await sup.must('POST', `/api/v1/agreements/${ended.id}/end`, {}, 200);
        ctx.valid = (await sup.must('POST', '/api/v1/agreements', { ...base, valid_from: today(-5), valid_to: today(200) }, 201)).id;
    },
    async run(b, ctx) {
        const page = b.page;
        page.on('dialog', (d) => d.accept());
        await b.login('sup.agr');
        // end the valid one early through its page
        await b.go(`#/agreement/${ctx.valid}`);
        const end = page.locator('form.end-agreement');
        await end.waitFor();
        assert((await end.innerText()).includes('Күшін жоятын күні'), 'the end form does not ask from which day');
        await setField(end, 'ended_on', '1.1.1999');
        await page.click('[data-action="end-agreement"]');
        const msg = end.locator('.errors[role="alert"]');
        await msg.waitFor();
        assert((await msg.innerText()).includes('Тоқтату күні'), 'an end day outside the validity is not explained');
        await setField(end, 'ended_on', today());
        await b.shot('end-agreement-360-kk');
        await page.click('[data-action="end-agreement"]');
        await eventually(async () => (await page.locator('dl.agreement').innerText().catch(() => '')).includes('Мерзімінен бұрын тоқтатылды'),
                         'the ended agreement is not shown as ended early');
        assert(!(await page.locator('form.end-agreement').count()), 'an ended agreement still offers to end it');
        await checkVisible(page, 'kk', 'the ended agreement at 360 px (kk)');
        await b.shot('ended-agreement-360-kk');
        await b.go('#/agreements');
        await page.locator('select[name="show"]').waitFor();
        await page.selectOption('select[name="show"]', 'all');
        const states = await page.locator('tr[data-agreement]').evaluateAll((rows) => rows.map((r) => r.dataset.state).sort());
        assert(states.join(',') === 'ended,ended,expired,not_yet', `the register shows the states ${states.join(',')}`);
        const text = await page.locator('#app').innerText();
        for (const want of ['Мерзімі өткен', 'Әлі күшіне енбеген', 'Мерзімінен бұрын тоқтатылды']) {
            assert(text.includes(want), `the register does not show the state "${want}"`);
        }
        await checkVisible(page, 'kk', 'the register at 360 px (kk)');
        await b.shot('register-360-kk');
        await b.go('#/agreements/new');
        await page.locator('form.new-agreement').waitFor();
        await b.shot('new-agreement-360-kk');
        await logout(b);

        // an admin records agreements between any two organisations: both are chosen
        await b.login('admin.agr');
        await b.go('#/agreements/new');
        const form = page.locator('form.new-agreement');
        await form.waitFor();
        assert(await form.locator('select[name="party_a"]').count(), 'an admin is not asked for the first organisation');
        await setField(form, 'party_a', String(ctx.orgB));
        await setField(form, 'parties', String(ctx.orgB));
        await page.click('[data-action="save-agreement"]');
        await form.locator('.errors[role="alert"]').waitFor();
        assert((await form.locator('.errors').innerText()).includes('Екі түрлі ұйымды таңдаңыз'), 'the same organisation twice is not explained');
        await setField(form, 'parties', String(ctx.orgC));
        await setField(form, 'kind', 'cooperation');
        for (const k of ['purpose', 'protections', 'permitted_users', 'complaints']) await setField(form, k, 'Ойдан шығарылған мәтін');
        await setField(form, 'data_shared', ['profile']);
        await setField(form, 'valid_to', today(30));
        await b.shot('admin-new-agreement-360-kk');
        await page.click('[data-action="save-agreement"]');
        await page.waitForFunction(() => /^#\/agreement\/\d+$/.test(location.hash));
        const shown = await page.locator('dl.agreement').innerText();
        assert(shown.includes('Қамқор баспанасы (ойдан)') && shown.includes('Үміт орталығы (ойдан)'),
               'the admin\'s agreement does not name the two organisations chosen');
        await checkVisible(page, 'kk', 'the admin\'s agreement (kk)');
    },
};

export const journeys = [recordAgreement, fromReferral, registerPhone];
