// journeys.mjs — the main journeys through the web interface (issue 7 §5), written against
// the UI contract's stable selectors: inputs named like the API fields, buttons with
// data-action="<verb>", <h1 id="page-title">, list rows with data-code, screening items
// [data-item=ID] with a control named ID, <output id="score-result">, <p id="accuracy">.
// Each journey seeds what it needs with the CLI (before the server starts) and the JSON
// API (after), drives Chromium, and checks the real outcome through the API.
// Every name here is made up.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DESKTOP, PHONE, WEB, abortRoute, personal, fillForm, answerItems, setField, today } from './lib.mjs';

// ---- shared steps ---------------------------------------------------------------------

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

// Polls fn until it returns a truthy value (the API is read after the page's own request
// finished, which the page may not show at once).
async function eventually(fn, message, ms = 6000) {
    const until = Date.now() + ms;
    let last;
    for (;;) {
        last = await fn();
        if (last) return last;
        if (Date.now() > until) throw new Error(message);
        await new Promise((r) => setTimeout(r, 150));
    }
}

function hashCode(page) {
    const m = /^#\/case\/([^/?]+)/.exec(new URL(page.url()).hash);
    return m ? decodeURIComponent(m[1]) : null;
}

// A case opened through the API by `api` (a supervisor, case manager or first responder)
// with made-up personal data; returns its code.
async function seedCase(api, extra = {}) {
    const body = {
        sex: 'Feminine', age_at_identification: 15, region: 'almaty', identified_on: today(-2),
        personal: { given_name: personal('Synaqbala'), family_name: personal('Oilanbaeva') },
        ...extra,
    };
    const c = await api.must('POST', '/api/v1/cases', body, 201);
    return c.code ?? c.case?.code;
}

// An agreement between the two organisations covering every share part, valid today.
async function seedAgreement(api, orgA, orgB) {
    return api.must('POST', '/api/v1/agreements', {
        parties: [orgA, orgB], kind: 'data_sharing',
        purpose: 'Made-up agreement for the browser tests: shelter referrals',
        protections: 'Access on a need-to-know basis; sealed storage',
        permitted_users: 'Case managers of both organisations',
        complaints: 'Write to the coordinator of either organisation',
        data_shared: ['profile', 'needs', 'languages', 'identity', 'contact', 'assessment', 'safety_plan'],
        valid_from: today(-30), valid_to: today(300),
    }, 201);
}

async function seedSharingConsent(api, code, orgB) {
    return api.must('POST', `/api/v1/cases/${encodeURIComponent(code)}/consents`,
                    { purpose: 'sharing', org_id: orgB, given_by: 'child' }, 201);
}

// Opens the case list from the home page a login lands on (the address, as a bookmark
// would: the navigation is behind the menu button at 360 px).
async function toCases(b) {
    await b.page.evaluate(() => { location.hash = '#/cases'; });
    await b.page.waitForFunction(() => location.hash === '#/cases');
    await b.page.locator('#page-title').waitFor();
}

// Opens the case page: from the case list, by its row (data-code).
async function openCaseFromList(b, code) {
    const row = b.page.locator(`[data-code="${code}"]`).first();
    await row.waitFor().catch(() => {
        throw new Error('the case list has no row with the case code (data-code)');
    });
    const link = row.locator('a').first();
    if (await link.count()) await link.click();
    else await row.click();
    await b.page.waitForFunction((c) => location.hash.startsWith(`#/case/${c}`), code);
    await b.page.locator('#page-title').waitFor();
}

// Opens a section of the case page that is folded away (a <details> whose summary is
// data-action="open-<id>"); nothing to do when the section is always shown.
async function openSection(page, id) {
    const summary = page.locator(`[data-action="open-${id}"]`).first();
    if (!(await summary.count())) return;
    const open = await summary.evaluate((el) => { const d = el.closest('details'); return !d || d.open; });
    if (!open) await summary.click();
}

// Starts a new screening of the case with an instrument, from the case page.
async function startScreening(b, code, instrument) {
    const page = b.page;
    await openSection(page, 'screenings');
    const start = page.locator('[data-action="new-screening"], [data-action="screen"], [data-action="start-screening"]');
    await start.first().waitFor().catch(() => {
        throw new Error('the case page has no button to start a screening (data-action="new-screening")');
    });
    // the instrument may be chosen before (a select beside the button) or after (on the form)
    const chooser = page.locator('[name="instrument"]');
    if (await chooser.count()) await setField(page, 'instrument', instrument);
    const byInstrument = page.locator(`[data-action="new-screening"][data-instrument="${instrument}"]`);
    if (await byInstrument.count()) await byInstrument.first().click();
    else await start.first().click();
    if (!(await page.locator('[data-item]').count())) {
        await page.waitForTimeout(300);
        if (await page.locator('[name="instrument"]').count()) {
            await setField(page, 'instrument', instrument);
            const go = page.locator('[data-action="start"], [data-action="start-screening"]');
            if (await go.count()) await go.first().click();
        }
    }
    await page.locator('[data-item]').first().waitFor().catch(() => {
        throw new Error(`the ${instrument} form shows no items ([data-item])`);
    });
}

// Checks the screening form's own confirmation checkboxes (the "my conclusion" box: any
// checkbox that is not a screening item).
async function confirmConclusion(page) {
    const names = await page.evaluate(() => [...document.querySelectorAll('input[type="checkbox"]')]
        .filter((el) => !el.closest('[data-item]') && !el.checked && el.offsetParent !== null)
        .map((el) => el.name || el.id));
    for (const n of names) {
        const sel = page.locator(`input[type="checkbox"][name="${n}"], input[type="checkbox"]#${n}`).first();
        await sel.check();
    }
    return names.length;
}

// The result code of a stored screening ({"result": {"result": CODE, ...}} or a plain code).
function resultOf(s) {
    return s.result && typeof s.result === 'object' ? s.result.result : s.result;
}

async function liveResult(page) {
    return ((await page.locator('#score-result').textContent().catch(() => '')) || '').trim();
}

// Waits until screening item id is shown (or hidden): the server decides which items
// apply (the score answer's "applies"), so the page changes a moment after an answer.
async function itemShown(page, id, shown, why) {
    await eventually(async () => (await page.locator(`[data-item="${id}"]`).first().isVisible()) === shown,
                     `screening item ${id} is ${shown ? 'not shown' : 'still shown'} ${why}`);
}

// The text of a message in the page's current language, up to its first {placeholder}.
async function messageStart(page, catalogue, key) {
    const all = JSON.parse(await readFile(path.join(WEB, 'i18n', `${catalogue}.json`), 'utf8'));
    const lang = await page.evaluate(() => document.documentElement.lang);
    return all[lang][key].split('{')[0].trim();
}

// While the score route fails, a change keeps every answer and the items shown, and the
// page says so in its language; trying again once the server answers clears the alert.
async function scoringFailureKeepsAnswers(page, item, value) {
    const route = '**/api/v1/instruments/*/score*';
    const alert = page.locator('#score-result [role="alert"]');
    const said = await messageStart(page, 'screenings', 'scr.score_failed');
    const shown = await page.locator('[data-item]:visible').count();
    await abortRoute(page, route);
    await answerItems(page, { [item]: value });
    await eventually(async () => ((await alert.textContent().catch(() => '')) || '').includes(said),
                     'a failed scoring is not reported in the page\'s language (#score-result role=alert)');
    assert(await page.locator(`[name="${item}"][value="${value}"]`).isChecked(),
           `the answer to ${item} was lost when the scoring failed`);
    assert((await page.locator('[data-item]:visible').count()) === shown,
           'the items shown changed although the scoring failed');
    await page.unroute(route);
    await page.click('[data-action="retry-score"]');
    await eventually(async () => (await alert.count()) === 0, 'trying the scoring again does not clear the alert');
}

async function screeningsOf(api, code) {
    const r = await api.must('GET', `/api/v1/cases/${encodeURIComponent(code)}/screenings`);
    return r.screenings ?? [];
}

// ---- 1. a first responder identifies a child and screens them with greenbaum-12 ---------

function firstResponder(id, title, viewport) {
    return {
        id, title, viewport,
        pages: ['login', 'cases', 'new-case', 'case', 'screenings'],
        async setup(s) {
            const org = await s.org('Made-up Outreach Team', 'ngo', 'almaty');
            await s.user(org, 'fr.test', 'first_responder');
            return { org };
        },
        async run(b) {
            const page = b.page;
            await b.login('fr.test');
            await toCases(b);
            await b.shot('cases');
            await page.click('[data-action="new-case"]');
            const form = page.locator('form', { has: page.locator('[data-action="save"]') }).first();
            await form.waitFor();
            await b.shot('new-case');
            await fillForm(form, {
                sex: 'Feminine', age_at_identification: '14', region: 'almaty', identified_on: today(-1),
                given_name: personal('Synaqbala'), family_name: personal('Oilanbaeva'),
            }, ['sex', 'given_name', 'family_name']);
            await form.locator('[data-action="save"]').click();
            await page.waitForFunction(() => /^#\/case\/[^/]+$/.test(location.hash)).catch(() => {
                throw new Error('saving the new case did not open the case page (#/case/CODE)');
            });
            const code = hashCode(page);
            await page.locator('#page-title').waitFor();
            await b.shot('case');

            // the case is stored, with the personal data sealed and readable by its opener
            const api = await b.server.api('fr.test');
            const c = await api.must('GET', `/api/v1/cases/${encodeURIComponent(code)}`);
            const kase = c.case ?? c;
            assert(kase.sex === 'Feminine', 'the stored case does not have the sex chosen on the form');
            const p = await api.must('GET', `/api/v1/cases/${encodeURIComponent(code)}/personal`);
            const pd = p.personal ?? p;
            assert(pd.given_name === 'Synaqbala' && pd.family_name === 'Oilanbaeva',
                   'the stored personal data differ from what was typed');

            await startScreening(b, code, 'greenbaum-12');
            await b.shot('screening-form');
            const acc = (await page.locator('#accuracy').textContent().catch(() => '')) || '';
            assert(/84/.test(acc), 'the published accuracy (sensitivity 84 %) is not shown in #accuracy');
            await page.waitForTimeout(500);
            const before = await liveResult(page);
            // the follow-up text of Q7 shows only while Q7 is "yes"
            await itemShown(page, 'q7_details', false, 'before Q7 is answered');
            await answerItems(page, { q7: 'yes' });
            await itemShown(page, 'q7_details', true, 'after Q7 is "yes"');
            await answerItems(page, { q7_details: 'made-up follow-up text' });
            await answerItems(page, { q7: 'no' });
            await itemShown(page, 'q7_details', false, 'after Q7 turned to "no"');
            await scoringFailureKeepsAnswers(page, 'q1', 'yes');
            // two risk answers on Q1-Q6, no disclosure: positive
            await answerItems(page, { q1: 'yes', q2: 'yes', q3: 'no', q4: 'no', q5: '0', q6: 'no' });
            await answerItems(page, { q7: 'no', q8: 'no', q9: 'no', q10: 'no', q11: 'no', q12: 'no' });
            await eventually(async () => { const now = await liveResult(page); return now && now !== before; },
                             'the live result (#score-result) does not change as the items are answered');
            await b.shot('screening-scored');
            await confirmConclusion(page);
            await page.click('[data-action="save-screening"]');
            const saved = await eventually(async () => (await screeningsOf(api, code))
                .find((s) => s.instrument === 'greenbaum-12'), 'no greenbaum-12 screening was stored');
            assert(resultOf(saved) === 'positive', `the stored screening's result is "${resultOf(saved)}", not "positive"`);
            await page.waitForTimeout(300);
            await b.shot('screening-saved');
        },
    };
}

// ---- 2. a case manager runs htiam-14, writes a safety plan and refers the child --------

const caseManager = {
    id: 'case-manager',
    title: 'case manager runs htiam-14, writes a safety plan and refers the child to an NGO',
    viewport: DESKTOP,
    pages: ['login', 'cases', 'case', 'screenings', 'referrals'],
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
        ctx.code = await seedCase(sup);
        await sup.must('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/assignments`, { user_id: ctx.cm }, 201);
        await seedAgreement(sup, ctx.orgA, ctx.orgB);
        await seedSharingConsent(sup, ctx.code, ctx.orgB);
    },
    async run(b, ctx) {
        const page = b.page;
        const code = ctx.code;
        await b.login('cm.test');
        await toCases(b);
        await b.shot('cases');
        await openCaseFromList(b, code);
        await b.shot('case');
        const api = await b.server.api('cm.test');

        // htiam-14: a child under 18 who received something of value for sex
        await startScreening(b, code, 'htiam-14');
        await b.shot('htiam-form');
        await page.waitForTimeout(500);
        const before = await liveResult(page);
        // section B (citizenship) shows for a child who is not a citizen; E3 after E1 "yes"
        await itemShown(page, 'B1', false, 'before citizenship (A5) is answered');
        await itemShown(page, 'E3', false, 'before E1 is answered');
        await answerItems(page, { A5: 'UZ' });
        await itemShown(page, 'B1', true, 'for a child who is not a citizen (A5 = UZ)');
        await answerItems(page, { A5: 'KZ' });
        await itemShown(page, 'B1', false, 'for a citizen (A5 = KZ)');
        await answerItems(page, { A5: '' });
        await answerItems(page, { A1: '15', A2: 'female', E1: 'yes', E3: '14' });
        await itemShown(page, 'E2', false, 'for a child under 18');
        await eventually(async () => { const now = await liveResult(page); return now && now !== before; },
                         'the live result (#score-result) does not change as the items are answered');
        await answerItems(page, { interviewer_rating: '3', trafficking_types: ['sexual_child_no_force'] });
        await b.shot('htiam-scored');
        await page.click('[data-action="save-screening"]');
        const s = await eventually(async () => (await screeningsOf(api, code))
            .find((x) => x.instrument === 'htiam-14'), 'no htiam-14 screening was stored');
        assert(resultOf(s) === 'indication', `the stored htiam-14 result is "${resultOf(s)}", not "indication"`);
        assert(s.final === true, 'the stored htiam-14 screening is not final (the interviewer\'s judgement was given)');
        await page.waitForTimeout(300);
        await b.shot('htiam-saved');

        // the safety plan, on the case page
        await b.go(`#/case/${code}`);
        await page.locator('#page-title').waitFor();
        await openSection(page, 'safety-plans');
        const open = page.locator('[data-action="new-safety-plan"]');
        if (await open.count()) await open.first().click();
        const plan = page.locator('form', { has: page.locator('[name="if_threatened"]') }).first();
        await plan.waitFor().catch(() => {
            throw new Error('the case page has no safety-plan form (a field named if_threatened)');
        });
        await fillForm(plan, {
            review_on: today(60),
            current_risks: 'Made-up risk: contact from the recruiter by phone',
            prevention: 'Made-up strategy: new SIM card, walks with a trusted adult',
            if_threatened: 'Made-up step: call the case manager or 102',
            child_view: 'Made-up view: wants to stay at the shelter for now',
            'options.escaped': 'Made-up option: go to the police station nearby',
            'harm_channels.phone': 'Made-up channel: unknown numbers are blocked',
        }, ['review_on', 'current_risks', 'prevention', 'if_threatened', 'child_view']);
        await b.shot('safety-plan-form');
        await plan.locator('[data-action="save"]').first().click();
        await eventually(async () => {
            const r = await api.must('GET', `/api/v1/cases/${encodeURIComponent(code)}/safety-plans`);
            return (r.safety_plans ?? r.forms ?? r.items ?? []).length > 0;
        }, 'no safety plan was stored');
        await page.waitForTimeout(300);
        await b.shot('safety-plan-saved');

        // the referral to the shelter NGO
        await openSection(page, 'referrals');
        const send = page.locator('[data-action="send-referral"]');
        const newRef = page.locator('[data-action="new-referral"]');
        if (!(await send.count()) && (await newRef.count())) await newRef.first().click();
        await send.first().waitFor().catch(() => {
            throw new Error('the case page has no referral form (data-action="send-referral")');
        });
        const refForm = page.locator('form', { has: send }).first();
        await fillForm(refForm, { service: 'shelter_24h', to_org: String(ctx.orgB), parts: ['profile', 'identity'],
                                  note: 'Made-up note: arrives tomorrow morning' }, ['service', 'to_org', 'parts']);
        await b.shot('referral-form');
        await send.first().click();
        const ref = await eventually(async () => {
            const r = await api.must('GET', `/api/v1/cases/${encodeURIComponent(code)}/referrals`);
            return (r.referrals ?? [])[0];
        }, 'no referral was stored');
        assert(ref.status === 'sent', `the referral's status is "${ref.status}", not "sent"`);
        assert(String(ref.to_org?.id ?? ref.to_org) === String(ctx.orgB), 'the referral does not go to the shelter NGO');
        await page.waitForTimeout(300);
        await b.shot('referral-sent');
    },
};

// ---- 3. the NGO accepts the referral ------------------------------------------------------

const ngoAccepts = {
    id: 'ngo-accepts',
    title: 'the NGO accepts the referral',
    viewport: DESKTOP,
    pages: ['login', 'referrals'],
    async setup(s) {
        const orgA = await s.org('Made-up Family Support NGO', 'ngo', 'almaty');
        const orgB = await s.org('Made-up Shelter NGO', 'ngo', 'almaty');
        await s.user(orgA, 'sup.test', 'supervisor');
        await s.user(orgB, 'ngo.test', 'case_manager');
        return { orgA, orgB };
    },
    async seed(s, ctx) {
        const sup = await s.api('sup.test');
        const code = await seedCase(sup);
        await seedAgreement(sup, ctx.orgA, ctx.orgB);
        await seedSharingConsent(sup, code, ctx.orgB);
        const r = await sup.must('POST', `/api/v1/cases/${encodeURIComponent(code)}/referrals`, {
            service: 'shelter_24h', to_org: ctx.orgB, parts: ['profile', 'identity'],
            note: 'Made-up note: arrives tomorrow morning',
        }, 201);
        ctx.ref = r.ref ?? r.referral?.ref;
    },
    async run(b, ctx) {
        const page = b.page;
        await b.login('ngo.test');
        await b.shot('home');
        const nav = page.locator('#nav a[href^="#/referrals"]');
        if (await nav.count()) await nav.first().click();
        else await b.go('#/referrals');
        await page.locator('#page-title').waitFor();
        const row = page.locator(`[data-ref="${ctx.ref}"], tr:has-text("${ctx.ref}")`).first();
        await row.waitFor().catch(() => {
            throw new Error('the incoming referrals list has no row for the referral (data-ref or its reference)');
        });
        await b.shot('referrals-in');
        let accept = row.locator('[data-action="accept-referral"]');
        if (!(await accept.count())) {
            // the row may open the referral, which has the buttons
            const link = row.locator('a').first();
            if (await link.count()) await link.click();
            else await row.click();
            await page.waitForTimeout(300);
            await b.shot('referral');
            accept = page.locator('[data-action="accept-referral"]');
        }
        await accept.first().click();
        const api = await b.server.api('ngo.test');
        await eventually(async () => {
            const r = await api.must('GET', `/api/v1/referrals/${ctx.ref}`);
            return (r.status ?? r.referral?.status) === 'accepted';
        }, 'the referral is not "accepted" after the click');
        await page.waitForTimeout(300);
        await b.shot('accepted');
    },
};

// ---- 4. an analyst opens the exploitation report and downloads the XLSX ------------------

const analystReport = {
    id: 'analyst-report',
    title: 'analyst opens the exploitation report with suppressed cells and downloads the XLSX',
    viewport: DESKTOP,
    pages: ['login', 'reports'],
    async setup(s) {
        const org = await s.org('Made-up Statistics Office', 'ngo', 'astana');
        const ngo = await s.org('Made-up Regional NGO', 'ngo', 'almaty');
        await s.user(org, 'analyst.test', 'analyst');
        // 12 + 8 cases are shown; 2 of forced begging (fewer than k = 5) are withheld
        const year = new Date().getFullYear() - 1;
        const rows = ['external_ref,identified_on,sex,age,citizenship,region,exploitation_forms'];
        const add = (n, form, sex) => {
            for (let i = 0; i < n; i++) {
                rows.push(`BT-${rows.length},${year}-0${1 + (i % 9)}-1${i % 9},${sex},${12 + (i % 6)},KZ,almaty,${form}`);
            }
        };
        add(12, 'sexual_exploitation', 'female');
        add(8, 'forced_labour', 'male');
        add(2, 'forced_begging', 'male');
        const csv = path.join(s.dir, 'cases.csv');
        await writeFile(csv, rows.join('\n') + '\n');
        await s.cli(['import', 'cases', csv, '--org', String(ngo)]);
        return { year };
    },
    async run(b) {
        const page = b.page;
        await b.login('analyst.test');
        await b.shot('home');
        const nav = page.locator('#nav a[href^="#/reports"]');
        if (await nav.count()) await nav.first().click();
        else await b.go('#/reports');
        await page.locator('#page-title').waitFor();
        // choose the exploitation report (a select named like the API's report name, or a link)
        for (const name of ['report', 'name']) {
            if (await page.locator(`[name="${name}"]`).count()) {
                await setField(page, name, 'exploitation');
                break;
            }
        }
        const link = page.locator('a[href*="exploitation"], [data-report="exploitation"]');
        if (await link.count()) await link.first().click();
        const show = page.locator('[data-action="show-report"], [data-action="run-report"], [data-action="show"]');
        if (await show.count()) await show.first().click();
        const table = page.locator('table').first();
        await table.waitFor().catch(() => {
            throw new Error('the exploitation report shows no table');
        });
        await eventually(async () => /<\s*5/.test((await table.textContent()) || ''),
                         'no cell of the report table is shown suppressed ("<5")');
        await b.shot('exploitation');
        const chart = await page.locator('svg').count();
        assert(chart > 0, 'the report has no SVG chart');
        // wide tables scroll inside their own box and the chart fits: the page itself
        // never scrolls sideways, at 1024 px nor at 360 px
        for (const width of [DESKTOP.width, PHONE.width]) {
            await page.setViewportSize({ width, height: DESKTOP.height });
            await page.waitForTimeout(150);
            const [wide, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
            assert(wide <= inner, `the report page scrolls sideways at ${width} px (${wide} px wide)`);
        }
        await b.shot('exploitation-360');
        await page.setViewportSize(DESKTOP);
        const [download] = await Promise.all([
            page.waitForEvent('download', { timeout: 10000 }).catch(async () => {
                // say why: does the server give the report as XLSX at all?
                const api = await b.server.api('analyst.test');
                const r = await api.call('GET', '/api/v1/reports/exploitation?format=xlsx');
                const field = r.data && r.data.error ? `, field ${r.data.error.field}` : '';
                throw new Error(`"download XLSX" started no download (GET /api/v1/reports/exploitation?format=xlsx answers ${r.status}${field})`);
            }),
            page.click('[data-action="download-xlsx"]'),
        ]);
        const file = await download.path();
        const { readFile } = await import('node:fs/promises');
        const bytes = await readFile(file);
        assert(bytes.length > 100 && bytes.subarray(0, 2).toString('latin1') === 'PK',
               'the downloaded XLSX does not start with "PK"');
        assert(/\.xlsx$/i.test(download.suggestedFilename()), 'the download is not named *.xlsx');
        await b.shot('downloaded');
    },
};

// ---- 5. a user switches the language to Russian ------------------------------------------

const KAZAKH_ONLY = /[ӘәҒғҚқҢңӨөҰұҮүҺһІі]/;
const CYRILLIC = /[А-Яа-яЁё]/;

const languageRu = {
    id: 'language-ru',
    title: 'user switches the language to Russian',
    viewport: DESKTOP,
    langs: ['kk'], // starts in Kazakh by design
    pages: ['login', 'cases'],
    async setup(s) {
        const org = await s.org('Made-up Outreach Team', 'ngo', 'almaty');
        await s.user(org, 'cm.lang', 'case_manager');
        return {};
    },
    async run(b) {
        const page = b.page;
        await b.login('cm.lang');
        const lang0 = await page.getAttribute('html', 'lang');
        assert(lang0 === 'kk', `the interface does not start in Kazakh (lang="${lang0}")`);
        await b.shot('kazakh');
        await page.click('[data-action="set-lang-ru"]');
        await page.waitForFunction(() => document.documentElement.lang === 'ru').catch(() => {
            throw new Error('<html lang> is not "ru" after choosing Russian');
        });
        const title = async () => ((await page.locator('#page-title').textContent()) || '').trim();
        await eventually(async () => {
            const t = await title();
            return CYRILLIC.test(t) && !KAZAKH_ONLY.test(t);
        }, 'the page title is not in Russian after choosing Russian');
        // every text of the navigation but the language buttons (each language names itself)
        const nav = await page.locator('#nav').evaluate((el) => {
            const copy = el.cloneNode(true);
            copy.querySelectorAll('[data-action^="set-lang-"]').forEach((x) => x.remove());
            return copy.textContent || '';
        });
        assert(CYRILLIC.test(nav) && !KAZAKH_ONLY.test(nav), 'the navigation is not in Russian');
        await b.shot('russian');
        // the choice is kept: a reload stays in Russian
        await page.reload();
        await page.locator('#page-title').waitFor();
        await page.waitForFunction(() => document.documentElement.lang === 'ru').catch(() => {
            throw new Error('the language is not kept after a reload');
        });
        assert(CYRILLIC.test(await title()) && !KAZAKH_ONLY.test(await title()),
               'the page title is not in Russian after a reload');
        await b.shot('russian-reloaded');
    },
};

// ---- 6. a supervisor assigns a case manager and changes the coded fields ------------------

const supervisorCase = {
    id: 'supervisor-case',
    title: 'supervisor assigns a case manager, changes the coded fields (a stale version is refused) and the personal data, reads the stage notes',
    viewport: DESKTOP,
    pages: ['login', 'cases', 'case'],
    async setup(s) {
        const org = await s.org('Made-up Child Protection Unit', 'ngo', 'almaty');
        const cm = await s.user(org, 'cm.assign', 'case_manager');
        await s.user(org, 'sup.assign', 'supervisor');
        return { cm };
    },
    async seed(s, ctx) {
        const api = await s.api('sup.assign');
        ctx.code = await seedCase(api);
        ctx.note = personal('Made-up note: the family asked to wait for the hearing');
        const moved = await api.call('POST', `/api/v1/cases/${encodeURIComponent(ctx.code)}/stage`, { stage: 'recovery', note: ctx.note });
        assert(moved.status === 200 || moved.status === 201, `moving the stage with a note answered ${moved.status}`);
    },
    async run(b, ctx) {
        const page = b.page;
        const code = ctx.code;
        const url = `/api/v1/cases/${encodeURIComponent(code)}`;
        await b.login('sup.assign');
        await toCases(b);
        await openCaseFromList(b, code);
        const api = await b.server.api('sup.assign');
        await setField(page, 'user_id', String(ctx.cm));
        await page.click('[data-action="assign"]');
        await eventually(async () => ((await api.call('GET', url)).data.case_managers || []).some((m) => m.user_id === ctx.cm),
                         'the case manager is not assigned after "assign"');
        await page.locator('[data-action="unassign"]').first().waitFor();
        await b.shot('assigned');

        await openSection(page, 'edit');
        await page.locator('#form-edit-case').waitFor();
        await setField(page, 'region', 'astana');
        await setField(page, 'exploitation_forms', ['forced_labour']);
        await page.click('[data-action="save-case"]');
        await eventually(async () => {
            const c = (await api.call('GET', url)).data;
            return c.region === 'astana' && (c.exploitation_forms || []).includes('forced_labour');
        }, 'the coded fields are not changed after "save"');
        await b.shot('edited');

        // someone else changes the case meanwhile: saving the stale form says to reload
        await openSection(page, 'edit');
        await page.locator('#form-edit-case').waitFor();
        await api.must('PATCH', url, { age_at_identification: 14 }, 200);
        await setField(page, 'region', 'almaty');
        await page.click('[data-action="save-case"]');
        await page.locator('#form-edit-case [role="alert"]').waitFor().catch(() => {
            throw new Error('a stale save shows no message');
        });
        assert((await api.call('GET', url)).data.region === 'astana', 'a stale save changed the case');
        await b.shot('conflict');

        // the personal data: shown (audited), edited, saved, read back through the API
        await page.click('[data-action="show-personal"]');
        await page.locator('#personal-data dl').waitFor();
        await page.click('[data-action="edit-personal"]');
        await page.locator('#form-personal').waitFor();
        const newName = personal('Qyzgaldaq');
        await setField(page, 'personal.given_name', newName);
        await page.click('[data-action="save-personal"]');
        await eventually(async () => ((await api.call('GET', `${url}/personal`)).data.personal || {}).given_name === newName,
                         'the given name is not changed after saving the personal data');
        const after = (await api.call('GET', `${url}/personal`)).data.personal;
        assert(after.family_name === 'Oilanbaeva', 'saving the personal data lost the family name');
        await page.locator('#personal-data dl').waitFor();
        await b.shot('personal-edited');

        // the stage notes: shown on request (audited) under their entries
        await page.click('[data-action="show-notes"]');
        await page.locator('#stage-history .stage-note').first().waitFor();
        assert((await page.locator('#stage-history').textContent()).includes(ctx.note), 'the stage note is not shown after "show notes"');
        await b.shot('notes');
        page.once('dialog', (d) => d.accept());
        await page.click('[data-action="unassign"]');
        await eventually(async () => !((await api.call('GET', url)).data.case_managers || []).length,
                         'the case manager is still assigned after "unassign"');
    },
};

// ---- 7. a supervisor breaks the glass on another organisation's case; the auditor sees it --

const breakGlass = {
    id: 'break-glass',
    title: "supervisor takes temporary access to another organisation's case, ends it; the auditor lists the grant",
    viewport: DESKTOP,
    pages: ['login', 'cases', 'case', 'access-grants'],
    async setup(s) {
        const orgA = await s.org('Made-up Northern Shelter', 'ngo', 'almaty');
        const orgB = await s.org('Made-up Southern Shelter', 'ngo', 'almaty');
        await s.user(orgA, 'sup.north', 'supervisor');
        await s.user(orgB, 'sup.south', 'supervisor');
        await s.user(orgA, 'auditor.test', 'auditor');
        return {};
    },
    async seed(s, ctx) {
        ctx.code = await seedCase(await s.api('sup.south'));
    },
    async run(b, ctx) {
        const page = b.page;
        const code = ctx.code;
        await b.login('sup.north');
        await toCases(b);
        await page.locator('[data-action="find-case"]').waitFor();
        await setField(page, 'code', code);
        await page.click('[data-action="find-case"]');
        await page.locator('#form-break-glass').waitFor().catch(() => {
            throw new Error('a case outside the scope offers no break-the-glass form');
        });
        // an emergency access takes effect at once (the default way asks the holder first)
        await page.check('#f-glass-emergency');
        await setField(page, 'reason', 'Made-up emergency: the child was found at the railway station tonight');
        await setField(page, 'hours', '2');
        await page.click('[data-action="break-glass"]');
        await page.click('#glass-result [data-action="open-case"]');
        await page.waitForFunction((c) => location.hash.startsWith(`#/case/${c}`), code);
        await page.locator('#case-summary').waitFor();
        await b.shot('case-under-grant');
        await page.click('[data-action="end-access"]');
        await page.waitForFunction(() => location.hash.startsWith('#/grant-requests'));
        const api = await b.server.api('sup.north');
        const r = await api.call('GET', `/api/v1/cases/${encodeURIComponent(code)}`);
        assert(r.status === 404 || r.status === 403, `the case is still visible after "end access" (${r.status})`);
        await page.click('[data-action="logout"]');
        await b.login('auditor.test');
        const nav = page.locator('#nav a[href^="#/access-grants"]');
        await nav.first().click();
        await page.locator(`#grant-list [data-code="${code}"]`).waitFor().catch(() => {
            throw new Error('the access-grants page does not list the grant');
        });
        await b.shot('grants');
    },
};

export const journeys = [
    firstResponder('first-responder', 'first responder identifies a child and screens them with greenbaum-12', DESKTOP),
    caseManager,
    ngoAccepts,
    analystReport,
    languageRu,
    supervisorCase,
    breakGlass,
    firstResponder('first-responder-360', 'first responder journey at 360x740 (no sideways scroll)', PHONE),
];
