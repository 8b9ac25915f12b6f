// journeys-referral-view.mjs — what a referral carries, as the people at both ends see it
// (issue 13: the page showed "[object HTMLElement],[object HTMLElement]"). A case manager
// sends a referral from the case page; the sender opens it, then the receiving NGO's case
// manager opens it from the incoming list, in Kazakh, Russian and English. The journey
// asserts the visible text: labelled values in the user's language, code lists' labels
// (never the codes), dates dd.mm.yyyy, no field names. Every name here is made up.

import { DESKTOP, personal, fillForm, today } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

// 'YYYY-MM-DD' years and days before today.
function daysAgo(years, days) {
    const d = new Date();
    d.setUTCFullYear(d.getUTCFullYear() - years);
    d.setUTCDate(d.getUTCDate() - days);
    return d.toISOString().slice(0, 10);
}

function dmy(iso) {
    const [y, m, d] = iso.split('-');
    return `${d}.${m}.${y}`;
}

const GIVEN = 'Zzaruzhan';
const FAMILY = 'Zzoilanova';
const BIRTH = daysAgo(15, 40);

// What the referral carries, per language: each label (a <dt>) with the text its value
// (<dd>) must show. Labels and values are the interface's and the code lists' own words.
const EXPECT = {
    kk: {
        parts: ['Іс деректері (тек кодтар)', 'Аты-жөні және туған күні', 'Тілдер және аудармашы'],
        values: [['Жынысы', 'Әйел'], ['Анықталған кездегі жасы', '15'], ['Азаматтығы', 'Қазақстан'],
                 ['Аты', GIVEN], ['Тегі', FAMILY], ['Туған күні', dmy(BIRTH)], ['Аудармашы керек', 'Иә'],
                 ['Тілдері', 'өзбек тілі, орыс тілі'], ['Аударма тілі', 'өзбек тілі']],
    },
    ru: {
        parts: ['Данные случая (только коды)', 'Имя и дата рождения', 'Языки и переводчик'],
        values: [['Пол', 'Женский'], ['Возраст при выявлении', '15'], ['Гражданство', 'Казахстан'],
                 ['Имя', GIVEN], ['Фамилия', FAMILY], ['Дата рождения', dmy(BIRTH)], ['Нужен переводчик', 'Да'],
                 ['Языки', 'узбекский, русский'], ['Язык перевода', 'узбекский']],
    },
    en: {
        parts: ['Case data (codes only)', 'Name and date of birth', 'Languages and interpreter'],
        values: [['Sex', 'Female'], ['Age when identified', '15'], ['Citizenship', 'Kazakhstan'],
                 ['Given name', GIVEN], ['Family name', FAMILY], ['Birth date', dmy(BIRTH)],
                 ['Interpreter needed', 'Yes'], ['Languages', 'Uzbek, Russian'], ['Interpreter language', 'Uzbek']],
    },
};

// Codes and field names that must never show where a label belongs.
const RAW = ['Feminine', 'almaty', 'forced_labour', 'given_name', 'family_name', 'age_at_identification',
             'birth_date', 'interpreter_needed', 'profile', 'identity', 'true', 'false', BIRTH];

// Checks the "what the referral carries" block in language l.
async function checkContents(b, l) {
    const box = b.page.locator('#referral-contents');
    await box.waitFor().catch(() => {
        throw new Error(`${l}: the referral page shows no contents (#referral-contents)`);
    });
    const text = await b.visibleText('#referral-contents');
    for (const p of EXPECT[l].parts) assert(text.includes(p), `${l}: the contents do not show the part "${p}"`);
    const pairs = await box.locator('dl > dt').evaluateAll((dts) => dts.map((dt) => [dt.innerText.trim(),
        (dt.nextElementSibling && dt.nextElementSibling.innerText.trim()) || '']));
    for (const [label, value] of EXPECT[l].values) {
        const got = pairs.find(([k]) => k === label);
        assert(got, `${l}: the contents have no label "${label}"`);
        assert(got[1] === value, `${l}: "${label}" shows "${got[1]}", not "${value}"`);
    }
    const words = text.split(/[\s,;:]+/);
    for (const raw of RAW) assert(!words.includes(raw), `${l}: the contents show the raw "${raw}"`);
    assert(!/\d{4}-\d{2}-\d{2}/.test(text), `${l}: the contents show a date as YYYY-MM-DD`);
}

async function setLang(b, l) {
    await b.page.click(`[data-action="set-lang-${l}"]`);
    await b.page.waitForFunction((x) => document.documentElement.lang === x, l);
    await b.page.locator('#referral-contents').waitFor();
}

const referralView = {
    id: 'referral-view',
    title: 'a referral is sent from the case page; sender and recipient read what it carries in kk, ru and en',
    viewport: DESKTOP,
    pages: ['login', 'case', 'referrals'],
    async setup(s) {
        const orgA = await s.org('Made-up Family Support NGO', 'ngo', 'almaty');
        const orgB = await s.org('Made-up Shelter NGO', 'ngo', 'almaty');
        const cm = await s.user(orgA, 'cm.test', 'case_manager');
        await s.user(orgA, 'sup.test', 'supervisor');
        await s.user(orgB, 'ngo.test', 'case_manager');
        return { orgA, orgB, cm };
    },
    async seed(s, ctx) {
        const sup = await s.api('sup.test');
        const c = await sup.must('POST', '/api/v1/cases', {
            sex: 'Feminine', region: 'almaty', citizenship: 'KZ', identified_on: today(-2),
            exploitation_forms: ['forced_labour'], interpreter_needed: true, interpreter_language: 'uz',
            personal: { given_name: personal(GIVEN), family_name: personal(FAMILY), birth_date: personal(BIRTH),
                        languages: ['uz', 'ru'] },
        }, 201);
        ctx.code = c.code ?? c.case?.code;
        await sup.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/assignments`, { user_id: ctx.cm }, 201);
        await sup.must('POST', '/api/v1/agreements', {
            parties: [ctx.orgA, ctx.orgB], kind: 'data_sharing',
            purpose: 'Made-up agreement for the browser tests: shelter referrals',
            protections: 'Access on a need-to-know basis; sealed storage',
            permitted_users: 'Case managers of both organisations',
            complaints: 'Write to the coordinator of either organisation',
            data_shared: ['profile', 'needs', 'languages', 'identity', 'contact', 'assessment', 'safety_plan'],
            valid_from: today(-30), valid_to: today(300),
        }, 201);
        await sup.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/consents`,
                       { purpose: 'sharing', org_id: ctx.orgB, given_by: 'child' }, 201);
    },
    async run(b, ctx) {
        const page = b.page;
        // the case manager sends the referral from the case page (Kazakh, the default)
        await b.login('cm.test');
        await b.go(`#/case/${ctx.code}`);
        await page.locator('#page-title').waitFor();
        await page.click('[data-action="open-referrals"]');
        const send = page.locator('[data-action="send-referral"]');
        await send.waitFor();
        const form = page.locator('form', { has: send }).first();
        await fillForm(form, { service: 'shelter_24h', to_org: String(ctx.orgB), parts: ['profile', 'identity', 'languages'] });
        await b.shot('referral-form-kk');
        await send.click();
        const link = page.locator('.referrals a[href^="#/referral/"]').first();
        await link.waitFor().catch(() => {
            throw new Error('after sending, the case\'s referrals list shows no referral');
        });
        ctx.ref = (await link.innerText()).trim();
        await b.shot('referral-sent-kk');
        await link.click();
        await checkContents(b, 'kk');
        await b.shot('sender-referral-kk');
        await setLang(b, 'en');
        await checkContents(b, 'en');
        await b.shot('sender-referral-en');
        await page.click('[data-action="set-lang-kk"]');
        await page.click('[data-action="logout"]');
        await page.locator('[name="login"]').waitFor();

        // the receiving NGO opens it from its incoming referrals
        await b.login('ngo.test');
        await b.go('#/referrals');
        const row = page.locator(`[data-ref="${ctx.ref}"] a`).first();
        await row.waitFor().catch(() => {
            throw new Error('the incoming referrals list has no row for the referral');
        });
        await b.shot('recipient-list-kk');
        await row.click();
        await checkContents(b, 'kk');
        const head = await b.visibleText('#app');
        assert(head.includes('Made-up Family Support NGO'), 'kk: the recipient does not see who sent the referral');
        await b.shot('recipient-referral-kk');
        await setLang(b, 'ru');
        await checkContents(b, 'ru');
        await b.shot('recipient-referral-ru');
        await setLang(b, 'en');
        await checkContents(b, 'en');
        await b.shot('recipient-referral-en');
    },
};

export const journeys = [referralView];
