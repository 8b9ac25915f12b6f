// journeys-screening.mjs — the screening form as the person filling it in sees it (issue
// 13 item 5), on HTIAM-14: every rating point shows its meaning from the manual
// (L5522-5525) in a radiogroup with a legend; no manual line reference or "[placeholder]"
// among the questions (the intro names the user's organisation); choosing the screening
// language changes the questions' language (kk → ru → en) while the interface stays in
// its own; the live result sits beside the questions (right of them at 1024 px, in the
// viewport at 360 px), updates with the answers and lists the answers it dropped and the
// questions that do not apply; the "about" section holds the manual's errata. Every name
// here is made up.

import path from 'node:path';
import { DESKTOP, PHONE, SHOTS, answerItems, personal } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

const ORG = 'Made-up Family Support NGO';
// the manual's evidence scale (L5522-5525) and its translations in the instrument
const SCALE = {
    kk: ['0 — дәлелдемелер жоқ', '1 — азғантай дәлелдемелер', '2 — орташа дәлелдемелер', '3 — бұлтартпайтын дәлелдемелер'],
    ru: ['0 — признаков нет', '1 — слабые признаки', '2 — умеренные признаки', '3 — неопровержимые признаки'],
    en: ['0 — no evidence', '1 — slight evidence', '2 — moderate evidence', '3 — conclusive evidence'],
};
// what C1 rates (its legend) and the start of its question, per screening language
const C1_LEGEND = {
    kk: 'Қауіпсіз емес/мәжбүрлі еңбек жағдайлары туралы деректер',
    ru: 'Данные о небезопасных/принудительных условиях труда',
    en: 'Evidence of unsafe/forced working conditions',
};
const NO_ANSWER = { kk: 'Жауап жоқ / жауап бермеді', ru: 'Нет ответа / отказ отвечать', en: 'No answer / declined' };
const SECTION_B = { kk: 'B бөлімі — иммиграциялық мәртебесі', en: 'Section B — immigration status' };
const ABOUT = { kk: 'Құрал туралы', en: 'About this instrument' };

async function texts(loc) {
    return (await loc.allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim());
}

async function seedCase(s, ctx, login) {
    const api = await s.api(login);
    const c = await api.must('POST', '/api/v1/cases', {
        sex: 'Masculine', age_at_identification: 16, region: 'almaty', identified_on: new Date().toISOString().slice(0, 10),
        personal: { given_name: personal('Nurlan'), family_name: personal('Testov') },
    }, 201);
    ctx.code = c.code ?? c.case?.code;
}

async function openForm(b, ctx) {
    await b.go(`#/case/${encodeURIComponent(ctx.code)}/screening/htiam-14`);
    await b.page.locator('#page-title').waitFor();
    await b.page.locator('[data-item="C1"]').waitFor({ state: 'visible' });
}

// The rating C1: a radiogroup whose legend says what is rated, a visible label on every
// point with its meaning, and the question above it, all in the screening language l.
async function checkRating(page, l, where) {
    const group = page.locator('[data-item="C1"] fieldset');
    assert((await group.getAttribute('role')) === 'radiogroup', `${where}: C1's choices are not a radiogroup`);
    const legend = (await group.locator('legend').innerText()).trim();
    assert(legend === C1_LEGEND[l], `${where}: C1's legend reads "${legend}", not "${C1_LEGEND[l]}"`);
    const labels = await texts(group.locator('.choice label'));
    assert(JSON.stringify(labels) === JSON.stringify([...SCALE[l], NO_ANSWER[l]]),
           `${where}: C1's choices read ${JSON.stringify(labels)}`);
    for (const lab of await group.locator('.choice label').all()) {
        const box = await lab.boundingBox();
        assert(box && box.height >= 24 && box.width >= 24, `${where}: a choice's label is ${box && box.width}×${box && box.height} px`);
    }
    // every visible rating shows meanings, never bare numbers
    for (const item of await page.locator('.item-rating:visible').all()) {
        for (const x of await texts(item.locator('.choice label'))) {
            assert(!/^\d+$/.test(x), `${where}: a rating shows a bare "${x}" without its meaning`);
        }
    }
    const q = (await page.locator('#questions').innerText());
    assert(!/\(L\d/.test(q), `${where}: a manual line reference "(L…" is shown among the questions`);
    assert(!/\[[^\]]*\]/.test(q), `${where}: a "[placeholder]" is shown among the questions`);
    assert(!/\{org\}/.test(q), `${where}: the intro shows "{org}" unfilled`);
}

// A screenshot of what is in the viewport now (b.shot takes the whole page), to look at.
async function view(b, step) {
    await b.page.waitForTimeout(150);
    await b.page.screenshot({ path: path.join(SHOTS, `${b.journey}-view-${step}.png`) });
}

async function eventually(fn, message, ms = 5000) {
    const end = Date.now() + ms;
    for (;;) {
        const v = await fn().catch(() => null);
        if (v) return v;
        if (Date.now() > end) throw new Error(message);
        await new Promise((r) => setTimeout(r, 100));
    }
}

const desktop = {
    id: 'screening-htiam',
    title: 'HTIAM-14: rating meanings, the screening language changes the questions, the live result beside them, errata in "about"',
    viewport: DESKTOP,
    pages: ['login', 'case', 'screenings'],
    async setup(s) {
        const org = await s.org(ORG, 'ngo', 'almaty');
        await s.user(org, 'cm.scr', 'case_manager');
        return { org };
    },
    async seed(s, ctx) { await seedCase(s, ctx, 'cm.scr'); },
    async run(b, ctx) {
        const page = b.page;
        await b.login('cm.scr');
        await openForm(b, ctx);
        const title = await page.locator('#page-title').innerText();
        await checkRating(page, 'kk', 'kk');
        const intro = await page.locator('.intro').innerText();
        assert(intro.includes(`«${ORG}»`), `kk: the intro does not name the user's organisation: "${intro.slice(0, 90)}…"`);
        await b.shot('kk');
        await view(b, 'top-kk');
        await page.locator('[data-item="C1"]').scrollIntoViewIfNeeded();
        await view(b, 'c1-kk');

        // the screening language changes the questions, not the interface
        await page.selectOption('[name="language"]', 'ru');
        await checkRating(page, 'ru', 'ru questions');
        const q1 = await page.locator('[data-item="C1"] .question').innerText();
        assert(/^Часто молодые люди/.test(q1), `ru questions: C1's question reads "${q1.slice(0, 60)}…"`);
        assert((await page.locator('#questions').getAttribute('lang')) === 'ru', 'the questions are not marked lang="ru"');
        assert((await page.locator('#page-title').innerText()) === title, 'the interface changed language with the screening language');
        assert(!(await page.locator('#lang-gaps').isVisible()), 'a missing-translation notice is shown though HTIAM-14 has every Russian text');
        await b.shot('questions-ru');
        await view(b, 'c1-ru');

        // answers: the live result updates beside the questions
        await page.selectOption('[name="language"]', 'kk');
        const before = await page.locator('#live-summary').innerText();
        await answerItems(page, { A1: '16', A5: 'UZ' });
        await page.locator('[data-item="B1"]').waitFor({ state: 'visible' });
        await answerItems(page, { B1: '2', C1: '3', C2: '2' });
        const summary = await eventually(async () => {
            const x = await page.locator('#live-summary').innerText();
            return x !== before && /7 \/ 39/.test(x) ? x : null;
        }, 'the live summary does not show the total 7 / 39 after B1 2, C1 3, C2 2');
        assert(/Жалпы ұпай/.test(summary), `the live summary reads "${summary}"`);
        const qBox = await page.locator('#questions').boundingBox();
        const live = page.locator('#live');
        const lBox = await live.boundingBox();
        assert(lBox.x >= qBox.x + qBox.width - 1, `at 1024 px the live result (x=${lBox.x}) is not right of the questions (right edge ${qBox.x + qBox.width})`);
        // scrolled down to section D, the result is still in view beside the questions
        await page.locator('[data-item="D3"]').scrollIntoViewIfNeeded();
        const lNow = await live.boundingBox();
        assert(lNow.y >= 0 && lNow.y < 768, `after scrolling to D3 the live result is out of view (y=${lNow.y})`);
        await b.shot('answered');
        await view(b, 'answered-d3');

        // citizenship back to Kazakhstan: section B stops applying, B1's answer is dropped
        await answerItems(page, { A5: 'KZ' });
        await page.locator('[data-item="B1"]').waitFor({ state: 'hidden' });
        const dropped = await eventually(async () => {
            const x = await page.locator('#live .dropped').innerText();
            return x.includes('Қазақстанға') ? x : null;
        }, 'the live result does not list B1\'s answer as dropped');
        assert(/алынып тасталған/.test(dropped), `the dropped list reads "${dropped.slice(0, 80)}"`);
        await page.locator('#live .not-applying summary').click();
        const skipped = await page.locator('#live .not-applying').innerText();
        assert(skipped.includes(SECTION_B.kk), `the list of questions not asked does not name section B: "${skipped.slice(0, 120)}"`);
        await b.shot('dropped');
        await page.locator('#live').scrollIntoViewIfNeeded();
        await view(b, 'dropped');

        // the "about" section holds the manual's errata, with their lines
        await page.locator('#about summary').click();
        const about = await page.locator('#about').innerText();
        assert((await page.locator('#about summary').innerText()).startsWith(ABOUT.kk), 'the about section has no "Құрал туралы" heading');
        assert(about.includes('L5753') && about.includes('/1') && about.includes('12'),
               'the about section does not hold the Section C erratum (L5753: "/1" for 12)');
        assert((await page.locator('#about .errata li').count()) >= 5, 'the about section lists fewer than 5 errata');
        await b.shot('about-kk');
        await page.locator('#about').scrollIntoViewIfNeeded();
        await view(b, 'about-kk');

        // English: the interface and the screening language
        await page.locator('[data-action="set-lang-en"]').click();
        await page.locator('[data-item="C1"]').waitFor({ state: 'visible' });
        await eventually(async () => (await page.locator('[name="language"]').inputValue()) === 'en', 'the screening language does not follow the interface language');
        await checkRating(page, 'en', 'en');
        await page.locator('#about summary').click();
        const aboutEn = await page.locator('#about').innerText();
        assert(aboutEn.includes('Corrections to the manual') && aboutEn.includes('misprint'), 'en: the about section does not show the errata in English');
        await b.shot('about-en');
        await view(b, 'about-en');
        await page.locator('[data-item="C1"]').scrollIntoViewIfNeeded();
        await view(b, 'c1-en');

        // Russian interface: the questions follow it, the intro still names the organisation
        await page.locator('[data-action="set-lang-ru"]').click();
        await eventually(async () => (await page.locator('[name="language"]').inputValue()) === 'ru', 'the screening language does not follow the interface language (ru)');
        await checkRating(page, 'ru', 'ru');
        const introRu = await page.locator('.intro').innerText();
        assert(introRu.includes(`в нашу организацию («${ORG}»)`), `ru: the intro reads "${introRu.slice(0, 90)}…"`);
        await page.evaluate(() => window.scrollTo(0, 0));
        await b.shot('ru');
        await view(b, 'top-ru');
    },
};

const phone = {
    id: 'screening-htiam-360',
    title: 'HTIAM-14 at 360 px: meanings on every point, the live result a compact bar in view',
    viewport: PHONE,
    pages: ['login', 'case', 'screenings'],
    async setup(s) {
        const org = await s.org(ORG, 'ngo', 'almaty');
        await s.user(org, 'cm.scr', 'case_manager');
        return { org };
    },
    async seed(s, ctx) { await seedCase(s, ctx, 'cm.scr'); },
    async run(b, ctx) {
        const page = b.page;
        await b.login('cm.scr');
        await openForm(b, ctx);
        await checkRating(page, 'kk', '360 kk');
        await answerItems(page, { C1: '2' });
        await page.locator('[data-item="D2"]').scrollIntoViewIfNeeded();
        const summary = await eventually(async () => {
            const x = await page.locator('#live-summary').innerText();
            return /2 \/ 39/.test(x) ? x : null;
        }, `at 360 px the live summary does not show 2 / 39 after C1 = 2: "${await page.locator('#live-summary').innerText()}"`);
        const box = await page.locator('#live').boundingBox();
        assert(box.y >= 0 && box.y + box.height <= 740 + 1, `at 360 px the live result is not in the viewport (y=${box.y}, h=${box.height})`);
        assert(box.height <= 200, `at 360 px the live bar takes ${box.height} px`);
        assert(summary.length > 0, 'no summary');
        await b.shot('bar-kk');
        await view(b, 'bar-kk');
        await page.selectOption('[name="language"]', 'ru');
        await checkRating(page, 'ru', '360 ru');
        await page.locator('[data-item="C1"]').scrollIntoViewIfNeeded();
        await b.shot('questions-ru');
        await view(b, 'c1-ru');

        // a text missing in the screening language is said, not silently replaced: the
        // instrument as served lacks D1's Russian legend (the shipped files have every
        // text; the loader requires them)
        await page.route('**/api/v1/instruments/htiam-14', async (route) => {
            const r = await route.fetch();
            const def = await r.json();
            delete def.items.find((it) => it.id === 'D1').rates.ru;
            await route.fulfill({ response: r, json: def });
        });
        await page.reload();
        await page.locator('[data-item="D1"]').waitFor({ state: 'visible' });
        await page.selectOption('[name="language"]', 'ru');
        const notice = page.locator('#lang-gaps');
        assert(await notice.isVisible(), 'a text missing in Russian is not reported on the page (#lang-gaps)');
        const said = await notice.innerText();
        assert(/\b1\b/.test(said) && said.includes("«Орысша»"), `the missing-translation notice reads "${said}"`);
        const legend = page.locator('[data-item="D1"] legend');
        assert((await legend.getAttribute('lang')) === 'kk', 'the legend shown in Kazakh is not marked lang="kk"');
        const text = await legend.innerText();
        assert(text.includes('Еңбекке ақының') && /Қазақша/.test(text), `D1's legend without Russian reads "${text}"`);
        await legend.scrollIntoViewIfNeeded();
        await view(b, 'gap-ru');
    },
};

export const journeys = [desktop, phone];
