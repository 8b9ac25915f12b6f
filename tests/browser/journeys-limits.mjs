// journeys-limits.mjs — the IIN check that cannot be farmed on the web (issue 14 item 6):
//   - limits-429: a case manager who has opened 20 cases with an IIN within the hour is
//     told on the new-case form, next to the IIN, how many minutes to wait (kk, ru), and
//     no case is made;
//   - limits-supervisor (1024 px and 360 px): the supervisor's home page shows the worker
//     with 3 duplicate IIN answers; on "Operations" (from the navigation) the supervisor
//     starts an operation, sees it active, ends it and sees it among the past ones (kk,
//     ru); on a probe case the supervisor withdraws it with a reason and a confirmation
//     step, and the case shows the read-only notice without the stage forms.
// Every IIN and name here is made up.

import { DESKTOP, PHONE, openMenu } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

// A valid made-up IIN of a boy born 14.03.2012 with the serial digits of serial.
function iin(serial) {
    const body = '1203145' + String(serial).padStart(4, '0');
    const w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    const sum = (w) => [...body].reduce((s, d, i) => s + Number(d) * w[i], 0) % 11;
    let check = sum(w1);
    if (check === 10) check = sum(w2);
    return check === 10 ? null : body + String(check);
}

// n valid made-up IINs from serial from on.
function iins(n, from) {
    const out = [];
    for (let s = from; out.length < n; s++) {
        const v = iin(s);
        if (v) out.push(v);
    }
    return out;
}

const caseWith = (v) => ({ sex: 'Masculine', region: 'almaty', personal: { iin: v } });

async function setLang(b, l) {
    if (b.narrow) await openMenu(b.page);
    await b.page.click(`[data-action="set-lang-${l}"]`);
    await b.page.waitForFunction((x) => document.documentElement.lang === x, l);
    if (b.narrow && (await b.page.locator('#nav.open').count())) await b.page.locator('#menu-toggle').click();
}

// ---- the 429 on the new-case form ------------------------------------------------------

const WAIT = {
    kk: /Бір сағат ішінде ЖСН-мен тым көп іс ашылды\. \d+ минуттан кейін қайталаңыз/,
    ru: /За час открыто слишком много случаев с ИИН\. Повторите через \d+ мин\./,
};

const limit429 = {
    id: 'limits-429',
    title: 'the 21st case with an IIN within the hour: the new-case form says how long to wait (kk, ru), nothing is stored',
    viewport: DESKTOP,
    pages: ['login', 'new-case'],
    async setup(s) {
        const org = await s.org('Made-up Limits NGO', 'ngo', 'almaty');
        await s.user(org, 'cm.lim', 'case_manager');
        return { org };
    },
    async seed(s) {
        const cm = await s.api('cm.lim');
        for (const v of iins(20, 100)) await cm.must('POST', '/api/v1/cases', caseWith(v), 201);
    },
    async run(b) {
        const page = b.page;
        const api = await b.server.api('cm.lim');
        const [fresh] = iins(1, 5000);
        await b.login('cm.lim');
        for (const l of ['kk', 'ru']) {
            await setLang(b, l);
            await b.go('#/new-case');
            await page.locator('form [data-action="save"]').waitFor();
            await page.selectOption('[name="sex"]', 'Masculine');
            await page.click('[data-action="add-personal"]');
            await page.fill('[name="iin"]', fresh);
            await page.click('form [data-action="save"]');
            await page.waitForFunction(() => {
                const m = document.querySelector('[data-field="iin"] .msg');
                return m && m.textContent.trim().length > 0;
            }).catch(() => { throw new Error(`${l}: no message next to the IIN`); });
            const msg = (await page.locator('[data-field="iin"] .msg').innerText()).trim();
            assert(WAIT[l].test(msg), `${l}: next to the IIN: "${msg.slice(0, 120)}", not the limit with its minutes`);
            assert(!msg.includes('{wait_minutes}'), `${l}: the minutes are not filled in`);
            const alert = (await page.locator('form [role="alert"]').first().innerText()).trim();
            assert(WAIT[l].test(alert) && !alert.includes(fresh), `${l}: the alert does not say it ("${alert.slice(0, 120)}")`);
            const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('name'));
            assert(focused === 'iin', `${l}: the focus is on ${focused}, not on the IIN`);
            await b.shot(`limit-429-${l}`);
        }
        const r = await api.must('GET', '/api/v1/cases?limit=200');
        assert((r.cases ?? []).length === 20, `${(r.cases ?? []).length} cases, want 20: the refused one was stored`);
    },
};

// ---- the supervisor: alerts, operations, withdrawal ------------------------------------

const TEXT = {
    kk: { alerts: 'ЖСН бойынша қайталанған жауаптар', count: '3 рет', nav: 'Операциялар', started: 'Операция басталды',
          active: 'Белсенді операциялар', ended: 'Операция аяқталды', none: 'Белсенді операция жоқ',
          wdTitle: 'Істі қайтарып алу', confirm: 'ісін қайтарып алу керек пе?', banner: 'Бұл іс қайтарып алынған',
          status: 'Қайтарып алынған' },
    ru: { alerts: 'Повторные ответы по ИИН', count: '3 раз(а)', nav: 'Операции', started: 'Операция начата',
          active: 'Действующие операции', ended: 'Операция завершена', none: 'Действующих операций нет',
          wdTitle: 'Отозвать случай', confirm: 'Отозвать случай', banner: 'Этот случай отозван', status: 'Отозван' },
};

async function supervisor(b, ctx) {
    const page = b.page;
    const tag = b.narrow ? '360' : '1024';
    await b.login('sup.lim');
    // the home page's alert, in kk then ru
    for (const l of ['kk', 'ru']) {
        await setLang(b, l);
        await b.go('#/home');
        await page.locator('[data-block="iin_alerts"]').waitFor({ timeout: 5000 }).catch(() => {
            throw new Error(`${l}: the home page shows no alert of repeated IIN answers`);
        });
        const text = await b.visibleText('[data-block="iin_alerts"]');
        assert(text.includes(TEXT[l].alerts) && text.includes('cm.probe') && text.includes(TEXT[l].count),
               `${l}: the alert reads "${text.slice(0, 160)}"`);
        assert(await page.locator('[data-block="iin_alerts"] a[href="#/users"]').count() === 1, `${l}: the alert has no link`);
        await b.shot(`alert-${l}-${tag}`);
    }
    // operations, reached from the navigation
    for (const l of ['kk', 'ru']) {
        await setLang(b, l);
        await b.go('#/home');
        if (b.narrow) await openMenu(page);
        const link = page.locator('#nav-list a[href="#/operations"]');
        assert((await link.innerText()).trim() === TEXT[l].nav, `${l}: the navigation's entry reads "${await link.innerText()}"`);
        await link.click();
        await page.locator('#form-operation').waitFor();
        await page.locator('#operations #active-title').waitFor(); // the list loads after the form
        assert((await b.visibleText('#operations')).includes(TEXT[l].none), `${l}: the page does not say no operation is active`);
        await page.fill('#form-operation [name="name"]', `Made-up rescue ${l}`);
        await page.fill('#form-operation [name="hours"]', '4');
        await page.click('[data-action="start-operation"]');
        await page.waitForFunction((t) => (document.getElementById('operations-status') || {}).textContent.includes(t), TEXT[l].started);
        const active = await b.visibleText('#active-operations');
        assert(active.includes(`Made-up rescue ${l}`) && active.includes('sup.lim'), `${l}: the active list reads "${active.slice(0, 160)}"`);
        assert((await b.visibleText('main')).includes(TEXT[l].active), `${l}: no heading of the active operations`);
        await b.shot(`operation-active-${l}-${tag}`);
        await page.click('#active-operations [data-action="end-operation"]');
        await page.waitForFunction((t) => (document.getElementById('operations-status') || {}).textContent.includes(t), TEXT[l].ended);
        assert(await page.locator('#active-operations').count() === 0, `${l}: the ended operation is still listed as active`);
        assert((await b.visibleText('#past-operations')).includes(`Made-up rescue ${l}`), `${l}: the ended operation is not among the past`);
        await b.shot(`operation-ended-${l}-${tag}`);
    }
    // withdrawing the probe case (in ru, then the case read in kk)
    await b.go(`#/case/${ctx.probe}`);
    await page.locator('#sec-withdraw').waitFor();
    assert((await b.visibleText('#sec-withdraw')).includes(TEXT.ru.wdTitle), 'the withdraw section has no title (ru)');
    await page.click('[data-action="withdraw-case"]');
    assert(await page.locator('#withdraw-confirm').isHidden(), 'withdrawing without a reason goes on to the confirmation');
    await page.selectOption('#sec-withdraw select', 'probe');
    await page.click('[data-action="withdraw-case"]');
    await page.locator('#withdraw-confirm').waitFor();
    assert((await b.visibleText('#withdraw-confirm')).includes(TEXT.ru.confirm), 'no confirmation question (ru)');
    assert(await page.locator('[data-action="withdraw-case"]').isHidden(), 'the first button stays beside the confirmation');
    const focus = await page.evaluate(() => document.activeElement && document.activeElement.dataset.action);
    assert(focus === 'withdraw-yes', `the focus is on ${focus}, not on the confirmation`);
    await b.shot(`withdraw-confirm-ru-${tag}`);
    await page.click('[data-action="withdraw-yes"]');
    await page.locator('#withdrawn-notice').waitFor();
    for (const l of ['ru', 'kk']) {
        await setLang(b, l);
        await b.go(`#/case/${ctx.probe}`);
        await page.locator('#withdrawn-notice').waitFor();
        const notice = await b.visibleText('#withdrawn-notice');
        assert(notice.includes(TEXT[l].banner), `${l}: the notice reads "${notice}"`);
        assert(await page.locator('#sec-withdraw').count() === 0, `${l}: a withdrawn case still offers to withdraw it`);
        assert((await b.visibleText('#case-summary')).includes(TEXT[l].status), `${l}: the summary does not show the status`);
        await page.locator('#current-stage').waitFor();
        assert(await page.locator('#form-move, #form-close, #form-reopen').count() === 0, `${l}: a withdrawn case offers stage changes`);
        await b.shot(`withdrawn-${l}-${tag}`);
    }
}

function supervisorJourney(id, viewport) {
    return {
        id,
        title: `a supervisor sees repeated IIN answers, runs an operation and withdraws a probe case (kk, ru at ${viewport.width} px)`,
        viewport,
        pages: ['login', 'home', 'operations', 'case'],
        async setup(s) {
            const org = await s.org('Made-up Limits NGO', 'ngo', 'almaty');
            await s.user(org, 'sup.lim', 'supervisor');
            await s.user(org, 'cm.probe', 'case_manager');
            return { org };
        },
        async seed(s, ctx) {
            const sup = await s.api('sup.lim');
            const probe = await s.api('cm.probe');
            const [held, junk] = iins(2, 300);
            await sup.must('POST', '/api/v1/cases', caseWith(held), 201);
            for (let i = 0; i < 3; i++) await probe.must('POST', '/api/v1/cases', caseWith(held), 409);
            ctx.probe = (await sup.must('POST', '/api/v1/cases', caseWith(junk), 201)).code;
        },
        run: supervisor,
    };
}

export const journeys = [limit429, supervisorJourney('limits-supervisor', DESKTOP), supervisorJourney('limits-supervisor-360', PHONE)];
