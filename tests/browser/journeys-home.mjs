// journeys-home.mjs — the home page of every role (issue 13 item 3): each role logs in,
// lands on its home page and sees only the blocks of its own work with the numbers of a
// known fixture, in Kazakh (asserted word for word), then in Russian and English (the
// titles asserted); the navigation counts new incoming referrals and overdue work. One
// screenshot per role and language, at 1024 px and at 360 px. Every name here is made up.

import { DESKTOP, PHONE, openMenu, today } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

const TITLE = { kk: 'Басты бет', ru: 'Главная', en: 'Home' };

// What each role sees: the blocks (in order) and, in Kazakh, lines of text with their
// numbers (the block's data-block, the number's data-count, the number, a text the block
// shows).
const ROLES = [
    {
        login: 'hm.cm1', name: 'case-manager',
        blocks: ['referrals-received', 'tasks', 'reviews', 'referrals-sent', 'cases'],
        numbers: [['referrals-received', 'new', 1], ['tasks', 'overdue', 1], ['tasks', 'due_soon', 1],
                  ['reviews', 'overdue', 1], ['reviews', 'due_soon', 0], ['referrals-sent', 'waiting', 1],
                  ['cases', 'open', 2]],
        texts: ['Жаңа кіріс жолдамалар', 'Ұйымыңыздың жауабын күтуде: 1', 'Мерзімі өткен: 1',
                'Мерзімі алдағы 7 күнде: 1', 'Қауіпсіздік жоспарын қайта қарау', 'Жауап күтіп тұрған жолдамалар',
                'Барлық ашық істер: 2', 'Тапсырмаларға өту'],
        nav: { '#/tasks': 2, '#/referrals': 1 },
    },
    {
        login: 'hm.sup', name: 'supervisor',
        blocks: ['referrals-received', 'tasks', 'reviews', 'referrals-sent', 'my-grants', 'accounts', 'workload', 'cases', 'figures'],
        numbers: [['tasks', 'overdue', 2], ['tasks', 'due_soon', 1], ['accounts', 'waiting', 1], ['cases', 'open', 4], ['my-grants', 'active', 1]],
        texts: ['Кейс-менеджерлердің жүктемесі', 'hm.cm1', 'hm.cm2', 'Сіздің растауыңызды күтуде: 1',
                'Негізгі көрсеткіштер', 'Пайдаланушыларға өту'],
        nav: { '#/tasks': 3, '#/referrals': 1, '#/users': 1 },
    },
    {
        login: 'hm.fr', name: 'first-responder',
        blocks: ['referrals-received', 'tasks', 'reviews', 'referrals-sent', 'cases'],
        // the organisation's incoming referral: every case role of it may answer
        numbers: [['cases', 'open', 1], ['tasks', 'overdue', 0], ['referrals-received', 'new', 1]],
        texts: ['Барлық ашық істер: 1'],
        nav: { '#/referrals': 1 },
    },
    {
        login: 'hm.analyst', name: 'analyst',
        blocks: ['figures'],
        numbers: [['figures', 'victims', 5], ['figures', 'stages', 5]],
        texts: ['Негізгі көрсеткіштер', 'Барлық жылдары анықталған құрбандар: 5',
                'Мерзімі өткен тапсырмалар: жасырылған (жариялау үшін тым аз)', 'Есептерге өту'],
        nav: {},
    },
    {
        login: 'hm.admin', name: 'admin',
        blocks: ['accounts', 'users', 'orgs'], // an admin confirms other admins' accounts (issue 15)
        numbers: [['users', 'waiting', 1], ['users', 'active', 9], ['orgs', 'orgs', 2]],
        texts: ['Made-up Home NGO', 'Made-up Other NGO', 'Растауды күтуде: 1', 'Ұйымдарға өту'],
        nav: {},
    },
    {
        login: 'hm.auditor', name: 'auditor',
        blocks: ['reads', 'grants'],
        numbers: [['grants', 'active', 1], ['grants', 'week', 1]],
        texts: ['Жеке деректерді оқу', 'Уақытша қол жеткізу алынды', 'hm.sup', 'Қазір белсенді: 1',
                'Аудит журналына өту'],
        nav: {},
    },
];

async function setup(s) {
    const a = await s.org('Made-up Home NGO', 'ngo', 'almaty');
    const b = await s.org('Made-up Other NGO', 'ngo', 'astana');
    const ids = {};
    for (const [org, login, role] of [[a, 'hm.sup', 'supervisor'], [a, 'hm.cm1', 'case_manager'],
        [a, 'hm.cm2', 'case_manager'], [a, 'hm.fr', 'first_responder'], [a, 'hm.analyst', 'analyst'],
        [a, 'hm.auditor', 'auditor'], [a, 'hm.admin', 'admin'], [b, 'hm.sup.b', 'supervisor'],
        [b, 'hm.cm.b', 'case_manager']]) {
        // the admin is system-wide: the home page counts every organisation's accounts
        ids[login] = await s.user(org, login, role, { systemWide: login === 'hm.admin' });
    }
    return { a, b, ids };
}

// The fixture of bb_home.c: three cases of A (two for hm.cm1, one for hm.cm2), one the
// first responder opened, one of B; tasks and plans due and not due; a referral each way;
// an account waiting; a break-the-glass grant.
async function seed(s, ctx) {
    const sup = await s.api('hm.sup'); const cm1 = await s.api('hm.cm1'); const cm2 = await s.api('hm.cm2');
    const fr = await s.api('hm.fr'); const supB = await s.api('hm.sup.b'); const cmB = await s.api('hm.cm.b');
    const admin = await s.api('hm.admin');
    const open = async (api) => (await api.must('POST', '/api/v1/cases',
        { sex: 'Feminine', region: 'almaty', identified_on: today(-60) }, 201)).code;
    const [c1, c2, c3] = [await open(sup), await open(sup), await open(sup)];
    await open(fr);
    const cb = await open(supB);
    const assign = (api, code, login) => api.must('POST', `/api/v1/cases/${code}/assignments`, { user_id: ctx.ids[login] }, 201);
    await assign(sup, c1, 'hm.cm1'); await assign(sup, c2, 'hm.cm1'); await assign(sup, c3, 'hm.cm2');
    await assign(supB, cb, 'hm.cm.b');
    const task = (api, code, due) => api.must('POST', `/api/v1/cases/${code}/tasks`, { title: 'Made-up task', due_on: today(due) }, 201);
    await task(cm1, c1, -2); await task(cm1, c1, 3); await task(cm1, c2, 30); await task(cm2, c3, -1); await task(cmB, cb, -5);
    const plan = (api, code, made, review) => api.must('POST', `/api/v1/cases/${code}/safety-plans`, {
        made_on: today(made), review_on: today(review), current_risks: 'Made-up risk', prevention: 'Made-up prevention',
        if_threatened: 'Made-up steps', child_view: 'Made-up view', options: { escaped: 'Made-up option' },
        harm_channels: { phone: 'Made-up channel' },
    }, 201);
    await plan(cm1, c2, -20, -1); await plan(cm1, c1, -5, 60);
    await sup.must('POST', '/api/v1/agreements', {
        parties: [ctx.a, ctx.b], kind: 'cooperation', purpose: 'Made-up purpose', protections: 'Made-up protections',
        permitted_users: 'Made-up users', complaints: 'Made-up complaints', data_shared: ['profile', 'needs'],
        valid_from: today(-10), valid_to: today(100),
    }, 201);
    await cm1.must('POST', `/api/v1/cases/${c1}/referrals`, { service: 'psychological', to_org: ctx.b, parts: ['profile'] }, 201);
    await supB.must('POST', `/api/v1/cases/${cb}/referrals`, { service: 'psychological', to_org: ctx.a, parts: ['profile'] }, 201);
    await admin.must('POST', '/api/v1/users', { org_id: ctx.a, login: 'hm.new', role: 'case_manager', password: 'made-up-Passw0rd-new-one' }, 201);
    await sup.must('POST', `/api/v1/cases/${cb}/break-glass`, { reason: 'Made-up emergency at the station', hours: 2, emergency: true }, 201);
}

async function setLang(page, lang) {
    await openMenu(page);
    await page.click(`[data-action="set-lang-${lang}"]`);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await page.waitForFunction((t) => (document.querySelector('#page-title') || {}).textContent === t, TITLE[lang]);
    await page.locator('.home-blocks').waitFor();
}

async function logout(page) {
    await openMenu(page);
    await page.click('#nav [data-action="logout"]');
    await page.locator('[name="login"]').waitFor();
}

// The number shown next to a navigation entry (0 when none).
async function navCount(page, hash) {
    const link = page.locator(`#nav-list a[href="${hash}"]`);
    if (!(await link.count())) return null;
    const n = link.locator('.nav-count');
    return (await n.count()) ? Number(await n.innerText()) : 0;
}

async function checkRole(b, role, tag) {
    const page = b.page;
    await b.login(role.login);
    await page.waitForFunction(() => location.hash === '#/home', null, { timeout: 5000 }).catch(() => {
        throw new Error(`${role.name}: the login does not land on the home page`);
    });
    await page.locator('.home-blocks [data-block]').first().waitFor();
    const title = (await page.locator('#page-title').textContent()).trim();
    assert(title === TITLE.kk, `${role.name}: the home page's title is "${title}"`);
    const blocks = await page.locator('.home-blocks [data-block]').evaluateAll((els) => els.map((e) => e.dataset.block));
    assert(JSON.stringify(blocks) === JSON.stringify(role.blocks),
           `${role.name}: the blocks are ${blocks.join(', ')}, want ${role.blocks.join(', ')}`);
    for (const [block, count, want] of role.numbers) {
        const shown = await page.locator(`[data-block="${block}"] [data-count="${count}"]`).first().innerText();
        assert(shown === String(want), `${role.name}: ${block} ${count} shows "${shown}", want ${want}`);
    }
    const text = (await page.locator('.home-blocks').innerText()).replace(/\s+/g, ' ');
    for (const want of role.texts) assert(text.includes(want), `${role.name}: the home page does not show "${want}" (kk)`);
    // every block leads somewhere
    for (const blk of role.blocks) {
        assert(await page.locator(`[data-block="${blk}"] a[href^="#/"]`).count() >= 1, `${role.name}: block ${blk} has no link`);
    }
    await openMenu(page);
    for (const [hash, n] of Object.entries(role.nav)) {
        const shown = await page.waitForFunction(([h, want]) => {
            const a = document.querySelector(`#nav-list a[href="${h}"]`);
            if (!a) return false;
            const c = a.querySelector('.nav-count');
            return (c ? Number(c.textContent) : 0) === want;
        }, [hash, n], { timeout: 5000 }).then(() => true, () => false);
        assert(shown, `${role.name}: the navigation's ${hash} shows ${await navCount(page, hash)}, want ${n}`);
    }
    if (b.narrow) await page.locator('#menu-toggle').click();
    await b.shot(`${role.name}-kk-${tag}`);
    for (const l of ['ru', 'en']) {
        await setLang(page, l);
        const again = await page.locator('.home-blocks [data-block]').evaluateAll((els) => els.map((e) => e.dataset.block));
        assert(JSON.stringify(again) === JSON.stringify(role.blocks), `${role.name}: the blocks change in ${l}`);
        await b.shot(`${role.name}-${l}-${tag}`);
    }
    await setLang(page, 'kk');
    if (role.name === 'auditor') await checkAuditPage(b, tag);
    await logout(page);
}

// The audit trail as the auditor reads it (issue 15): the newest first, who by login, each
// action in words (never its bare code), the detail as key: value lines (never JSON), local
// dates like the home page; and the access report says whose grants it shows.
const AUDIT = {
    kk: { title: 'Аудит журналы', login: 'Жүйеге кіру', scope: 'өз ұйымыңыздың' },
    ru: { title: 'Журнал аудита', login: 'Вход в систему', scope: 'вашей организации' },
    en: { title: 'Audit trail', login: 'Logged in', scope: "your organisation's" },
};

async function auditIn(b, lang, tag) {
    const page = b.page;
    const want = AUDIT[lang];
    if (lang !== 'kk') {
        await openMenu(page);
        await page.click(`[data-action="set-lang-${lang}"]`);
        await page.waitForFunction((l) => document.documentElement.lang === l, lang);
        await closeMenu(page);
    }
    await page.waitForFunction((t) => (document.querySelector('#page-title') || {}).textContent === t, want.title);
    await page.locator('table.audit tbody tr').first().waitFor();
    const rows = await page.locator('table.audit tbody tr').evaluateAll((trs) => trs.map((tr) => {
        const cell = (f) => tr.querySelector(`[data-field="${f}"]`);
        const action = cell('action');
        return {
            seq: Number(tr.dataset.seq), at: cell('at').innerText.trim(), who: cell('actor').innerText.trim(),
            words: action.firstChild.textContent.trim(), code: action.querySelector('.aud-code').textContent.trim(),
            detail: cell('detail').innerText,
        };
    }));
    assert(rows.length >= 5, `audit ${lang}: ${rows.length} entries shown`);
    for (let i = 1; i < rows.length; i++) assert(rows[i].seq < rows[i - 1].seq, `audit ${lang}: not the newest first`);
    for (const r of rows) {
        assert(r.words && r.words !== r.code, `audit ${lang}: the action ${r.code} is shown as its code ("${r.words}")`);
        assert(!r.detail.includes('{'), `audit ${lang}: entry ${r.seq} shows JSON in its detail: ${r.detail}`);
        assert(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/.test(r.at), `audit ${lang}: entry ${r.seq}'s time is "${r.at}"`);
    }
    // the auditor's own login, by login and in words
    assert(rows.some((r) => r.code === 'login' && r.words === want.login && r.who.includes('hm.auditor')),
           `audit ${lang}: no "${want.login}" by hm.auditor`);
    assert(rows.some((r) => /hm\.(sup|cm1|admin)/.test(r.who)), `audit ${lang}: no other account named in the who column`);
    const text = await page.locator('main').innerText();
    assert(!/\buser:\d|\borg:\d/.test(text), `audit ${lang}: an object is shown as its number`);
    await b.shot(`auditor-audit-${lang}-${tag}`);
}

// Closes the navigation a narrow screen opened (the shots show the page, not the menu).
async function closeMenu(page) {
    const btn = page.locator('#menu-toggle');
    if (await btn.isVisible() && (await btn.getAttribute('aria-expanded')) === 'true') await btn.click();
}

async function checkAuditPage(b, tag) {
    const page = b.page;
    await b.go('#/audit');
    for (const lang of ['kk', 'ru', 'en']) await auditIn(b, lang, tag);
    await b.go('#/access-grants');
    await page.locator('[data-field="grants-scope"]').waitFor();
    const scope = await page.locator('[data-field="grants-scope"]').innerText();
    assert(scope.includes(AUDIT.en.scope), `the access report says "${scope}"`);
    await b.shot(`auditor-access-grants-en-${tag}`);
    await openMenu(page);
    await page.click('[data-action="set-lang-kk"]');
    await page.waitForFunction(() => document.documentElement.lang === 'kk');
    await closeMenu(page);
    const kk = await page.locator('[data-field="grants-scope"]').innerText();
    assert(kk.includes(AUDIT.kk.scope), `the access report says "${kk}" (kk)`);
    await b.go('#/home');
    await page.locator('.home-blocks').waitFor();
}

function journey(id, viewport, tag) {
    return {
        id,
        title: `every role lands on its home page with its own work (kk, ru, en at ${viewport.width} px)`,
        viewport,
        pages: ['login', 'home', 'audit'],
        setup,
        seed,
        async run(b) {
            for (const role of ROLES) await checkRole(b, role, tag);
        },
    };
}

export const journeys = [journey('home', DESKTOP, '1024'), journey('home-360', PHONE, '360')];
