// journeys-pickers.mjs — pickers instead of typed codes (issue 13 item 6): a supervisor
// opens a case choosing the citizenship by its Kazakh name with the keyboard ("Қыр" →
// Қырғызстан, ArrowDown, Enter; Kazakhstan first in the list), sees the name on the case
// page and the code KG stored; picks the child's languages by name (stored as uz, ru and
// shown as names); assigns a case manager picked by login and role label; the IIN box
// shows all 12 digits and takes only digits.
// Users are offered by the name an admin set, with their login and role. The same pickers in Russian and English, and
// at 360 px. Every name here is made up.

import { DESKTOP, PHONE, openMenu, setField, today } from './lib.mjs';

function assert(cond, message) {
    if (!cond) throw new Error(message);
}

async function eventually(fn, message, ms = 6000) {
    const end = Date.now() + ms;
    for (;;) {
        if (await fn()) return;
        if (Date.now() > end) throw new Error(message);
        await new Promise((r) => setTimeout(r, 100));
    }
}

// The visible texts of the options of the picker whose input is named name.
async function optionTexts(page, nameOrInput) {
    const input = typeof nameOrInput === 'string' ? page.locator(`[name="${nameOrInput}"]`) : nameOrInput;
    const list = page.locator(`#${await input.getAttribute('aria-controls')}`);
    await list.waitFor({ state: 'visible' });
    return list.locator('[role="option"] .picker-label').allInnerTexts();
}

// The text of the option the combobox named name points at (aria-activedescendant).
async function activeText(page, input) {
    const name = await input.getAttribute('name');
    const id = await input.getAttribute('aria-activedescendant');
    assert(id, `${name}: no option is active (aria-activedescendant)`);
    return page.locator(`[id="${id}"] .picker-label`).innerText();
}

// Types query into the picker named name, moves to the first match with the keyboard
// and chooses it with Enter; answers the text shown in the box after.
async function typeAndPick(page, nameOrInput, query, expect) {
    const input = typeof nameOrInput === 'string' ? page.locator(`[name="${nameOrInput}"]`) : nameOrInput;
    const name = await input.getAttribute('name');
    await input.click();
    await input.fill('');
    await input.pressSequentially(query, { delay: 20 });
    const texts = await optionTexts(page, input);
    assert(texts[0] === expect, `${name}: typing "${query}" lists "${texts[0]}" first, not "${expect}"`);
    await input.press('ArrowDown');
    const active = await activeText(page, input);
    assert(active === expect, `${name}: ArrowDown points at "${active}", not "${expect}"`);
    return input;
}

const NAME = 'Айгерім Тестова';

const FIRST = {
    kk: { query: 'Қыр', name: 'Қырғызстан', kz: 'Қазақстан' },
    ru: { query: 'Кирг', name: 'Киргизия', kz: 'Казахстан' },
    en: { query: 'Kyr', name: 'Kyrgyzstan', kz: 'Kazakhstan' },
};

const pickersJourney = {
    id: 'pickers',
    title: 'pickers: a country by its Kazakh name with the keyboard, languages by name, a case manager by login and role; the IIN shows 12 digits',
    viewport: DESKTOP,
    langs: ['kk'],
    pages: ['login', 'new-case', 'case'],
    async setup(s) {
        const org = await s.org('Made-up Pickers NGO', 'ngo', 'almaty');
        const other = await s.org('Made-up Other NGO', 'ngo', 'astana');
        await s.user(org, 'pk.sup', 'supervisor');
        await s.user(org, 'pk.admin', 'admin');
        const cm = await s.user(org, 'pk.cm.aigerim', 'case_manager');
        await s.user(org, 'pk.fr', 'first_responder');
        await s.user(other, 'pk.cm.other', 'case_manager');
        return { cm };
    },
    async run(b, ctx) {
        const page = b.page;
        const api = await b.server.api('pk.sup');
        // an admin gives the case manager a (made-up) name shown beside the login
        const admin = await b.server.api('pk.admin');
        await admin.must('PUT', '/api/v1/users/pk.cm.aigerim/name', { name: NAME }, 204);
        await b.login('pk.sup');
        await b.go('#/new-case');
        const country = page.locator('[name="citizenship"]');
        await country.waitFor();
        // Kazakhstan first, its neighbours after it, when the list opens
        await country.click();
        const all = await optionTexts(page, 'citizenship');
        assert(all[0] === 'Қазақстан', `the country list starts with "${all[0]}", not Қазақстан`);
        assert(all.slice(1, 6).includes('Қырғызстан') && all.slice(1, 6).includes('Өзбекстан'),
               `the neighbours do not follow Kazakhstan (${all.slice(0, 6).join(', ')})`);
        assert(all.length === 250, `the country list has ${all.length} entries, not 249 and "unknown"`);
        await b.shot('country-list-open-kk');
        await page.keyboard.press('Escape');
        assert(!(await page.locator('.picker-list').first().isVisible()), 'Esc does not close the list');
        // "Қыр", ArrowDown, Enter: Қырғызстан
        const input = await typeAndPick(page, 'citizenship', FIRST.kk.query, FIRST.kk.name);
        await b.shot('country-typed-kk');
        await input.press('Enter');
        assert((await input.inputValue()) === 'Қырғызстан', `the box shows "${await input.inputValue()}" after Enter`);
        assert((await input.getAttribute('data-code')) === 'KG', 'the chosen country does not carry the code KG');
        assert((await input.getAttribute('aria-expanded')) === 'false', 'the list stays open after Enter');
        await page.selectOption('[name="sex"]', 'Feminine');
        // the IIN: only digits, all 12 shown
        await page.click('[data-action="add-personal"]');
        const iin = page.locator('[name="iin"]');
        await iin.fill('');
        await iin.pressSequentially('12a34-5678 9012345', { delay: 5 });
        const typed = await iin.inputValue();
        assert(typed === '123456789012', `the IIN box holds "${typed.replace(/\d/g, '#')}", not the first 12 digits`);
        const fits = await iin.evaluate((el) => el.scrollWidth <= el.clientWidth);
        assert(fits, 'the IIN box does not show all 12 digits');
        assert((await iin.getAttribute('inputmode')) === 'numeric', 'the IIN box does not ask for a numeric keyboard');
        await b.shot('iin-12-digits');
        await iin.fill('');
        await page.click('form [data-action="save"]');
        await page.waitForFunction(() => location.hash.startsWith('#/case/'));
        await page.locator('#case-summary').waitFor();
        const code = decodeURIComponent((await page.evaluate(() => location.hash)).slice('#/case/'.length));
        const c = await api.must('GET', `/api/v1/cases/${encodeURIComponent(code)}`);
        assert(c.citizenship === 'KG', `the case stores citizenship ${c.citizenship}, not KG`);
        const summary = await b.visibleText('#case-summary');
        assert(summary.includes('Қырғызстан'), 'the case page does not show the citizenship by its Kazakh name');

        // a case manager by login and role label, never another organisation's
        const voc = await api.must('GET', '/api/v1/vocab');
        const roleKk = voc.role.find((r) => r.code === 'case_manager').kk;
        const who = page.locator('[name="user_id"]');
        await who.waitFor();
        await who.click();
        await who.pressSequentially('Айг', { delay: 20 });
        const list = page.locator(`#${await who.getAttribute('aria-controls')}`);
        const offered = (await list.innerText()).replace(/\s+/g, ' ');
        assert(offered.includes(NAME) && offered.includes('pk.cm.aigerim') && offered.includes(roleKk),
               `the assignee list shows "${offered.slice(0, 80)}", not the case manager's name, login and role "${roleKk}"`);
        const everyone = (await (async () => { await who.fill(''); return list.innerText(); })()).replace(/\s+/g, ' ');
        assert(!everyone.includes('pk.cm.other') && !everyone.includes('pk.fr') && !everyone.includes('pk.sup'),
               'the assignee list offers someone who may not take the case');
        await who.pressSequentially('aig', { delay: 20 }); // the login finds the person too
        await who.press('ArrowDown');
        assert((await activeText(page, who)) === NAME, 'the login typed does not find the person by name');
        await b.shot('assignee-list');
        await who.press('Enter');
        await page.click('[data-action="assign"]');
        await eventually(async () => ((await api.call('GET', `/api/v1/cases/${encodeURIComponent(code)}`)).data.case_managers || [])
            .some((m) => m.user_id === ctx.cm), 'the case manager picked was not assigned');
        await eventually(async () => (await b.visibleText('#sec-managers')).includes('pk.cm.aigerim'),
                         'the assigned case manager is not shown');

        // the child's languages by name: "өзб" and "орыс", chosen with the keyboard
        await page.click('[data-action="show-personal"]');
        await page.click('[data-action="edit-personal"]');
        const langs = page.locator('[name="personal.languages"]');
        await langs.waitFor();
        await typeAndPick(page, 'personal.languages', 'өзб', 'өзбек тілі');
        await langs.press('Enter');
        await typeAndPick(page, 'personal.languages', 'орыс', 'орыс тілі');
        await langs.press('Enter');
        await langs.press('Escape');
        const chips = (await page.locator('#form-personal .chips').innerText()).replace(/\s+/g, ' ');
        assert(chips.includes('өзбек тілі') && chips.includes('орыс тілі'), `the chosen languages show as "${chips}"`);
        await b.shot('languages-chosen');
        await page.click('[data-action="save-personal"]');
        await eventually(async () => (await b.visibleText('#personal-data')).includes('өзбек тілі, орыс тілі'),
                         'the case page does not show the languages by name');
        const p = await api.must('GET', `/api/v1/cases/${encodeURIComponent(code)}/personal`);
        assert(JSON.stringify(p.personal.languages) === JSON.stringify(['uz', 'ru']),
               `the languages are stored as ${JSON.stringify(p.personal.languages)}, not ["uz","ru"]`);
        await b.shot('languages-shown');

        // a task and an action-plan goal given to the case manager picked by login
        await page.click('[data-action="open-tasks"]');
        const tform = page.locator('#form-task');
        await tform.waitFor();
        await tform.locator('[name="title"]').fill('Made-up home visit');
        await setField(tform, 'due_on', today(3));
        const assignee = await typeAndPick(page, 'assignee', 'Айг', NAME);
        await assignee.press('Enter');
        await tform.locator('[data-action="add-task"]').click();
        await eventually(async () => ((await api.call('GET', `/api/v1/cases/${encodeURIComponent(code)}/tasks`)).data.tasks || [])
            .some((x) => x.assignee === 'pk.cm.aigerim'), 'the task was not given to the case manager picked');
        await eventually(async () => (await b.visibleText('#task-list')).includes('pk.cm.aigerim'),
                         'the task list does not show the task given to the case manager');
        await page.click('[data-action="open-action-plans"]');
        const plan = page.locator('form[data-kind="action-plans"]');
        await plan.waitFor();
        await setField(plan, 'made_on', today());
        await plan.locator('[name="goals.0.term"]').selectOption('short');
        await plan.locator('[name="goals.0.goal"]').fill('Made-up goal');
        await setField(plan, 'goals.0.due_on', today(30));
        const owner = await typeAndPick(page, 'goals.0.owner', 'Айг', NAME);
        await owner.press('Enter');
        await b.shot('goal-owner');
        await plan.locator('[data-action="save"]').click();
        await eventually(async () => {
            const r = await api.call('GET', `/api/v1/cases/${encodeURIComponent(code)}/action-plans/1`);
            const goals = (r.data && (r.data.goals || (r.data.action_plan && r.data.action_plan.goals))) || [];
            return goals.length === 1 && goals[0].owner === 'pk.cm.aigerim';
        }, 'the goal was not given to the case manager picked');
        // the page has taken the answer (the form is saved) before the next page opens
        await page.locator('#sec-action-plans .saved-note').waitFor();

        // the service directory: the languages a service works in, by name
        await b.go('#/services');
        const svc = page.locator('form.service-entry').last();
        await svc.waitFor();
        await setField(svc, 'service', 'shelter_24h');
        await setField(svc, 'regions', ['almaty']);
        await setField(svc, 'sexes', ['Feminine', 'Masculine']);
        const svcLangs = svc.locator('[name="languages"]');
        const had = (await svc.locator('.chips').innerText()).replace(/\s+/g, ' ');
        assert(had.includes('қазақ тілі') && had.includes('орыс тілі'), `a new service's languages show as "${had}"`);
        await typeAndPick(page, svcLangs, 'ұйғ', 'ұйғыр тілі');
        await svcLangs.press('Enter');
        await svcLangs.press('Escape');
        await svc.locator('[data-action="save-service"]').click();
        await eventually(async () => {
            const r = await api.call('GET', `/api/v1/services?service=shelter_24h`);
            const mine = ((r.data && r.data.services) || [])[0];
            return mine && JSON.stringify(mine.languages) === JSON.stringify(['kk', 'ru', 'ug']);
        }, 'the service does not keep the languages picked (kk, ru, ug)');
        await eventually(async () => (await b.visibleText('table.list')).includes('қазақ тілі, орыс тілі, ұйғыр тілі'),
                         'the directory does not show the languages by name');
        await b.shot('service-languages');

        // the same country picker in Russian and English
        for (const l of ['ru', 'en']) {
            await page.click(`[data-action="set-lang-${l}"]`);
            await b.go('#/new-case');
            await page.locator('[name="citizenship"]').waitFor();
            await page.locator('[name="citizenship"]').click();
            const first = (await optionTexts(page, 'citizenship'))[0];
            assert(first === FIRST[l].kz, `${l}: the country list starts with "${first}"`);
            if (l === 'ru') {
                await typeAndPick(page, 'citizenship', 'Турц', 'Турция'); // not in iso-codes' ru
                await typeAndPick(page, 'citizenship', 'Кыргыз', 'Киргизия'); // as Kazakhstan writes it
            }
            await typeAndPick(page, 'citizenship', FIRST[l].query, FIRST[l].name);
            await b.shot(`country-typed-${l}`);
            await page.keyboard.press('Enter');
            await page.click('[data-action="add-personal"]');
            await b.shot(`new-case-${l}`);
        }
    },
};

const pickersPhone = {
    id: 'pickers-360',
    title: 'pickers at 360 px: the country list opens under its box, fits the screen and takes a tap',
    viewport: PHONE,
    langs: ['kk'],
    pages: ['login', 'new-case'],
    async setup(s) {
        const org = await s.org('Made-up Phone NGO', 'ngo', 'almaty');
        await s.user(org, 'pk.phone', 'first_responder');
        return {};
    },
    async run(b) {
        const page = b.page;
        await b.login('pk.phone');
        await b.go('#/new-case');
        const input = page.locator('[name="citizenship"]');
        await input.waitFor();
        await input.click();
        await input.pressSequentially('Қыр', { delay: 20 });
        const list = page.locator(`#${await input.getAttribute('aria-controls')}`);
        await list.waitFor();
        const box = await list.boundingBox();
        assert(box && box.x >= 0 && box.x + box.width <= 361, 'the country list does not fit a 360 px screen');
        await b.shot('country-list-360');
        await list.locator('[role="option"][data-value="KG"]').click();
        assert((await input.inputValue()) === 'Қырғызстан', 'a tap on Қырғызстан does not choose it');
        await page.click('[data-action="add-personal"]');
        const iin = page.locator('[name="iin"]');
        await iin.fill('987654321098');
        assert(await iin.evaluate((el) => el.scrollWidth <= el.clientWidth), 'the IIN box does not show 12 digits at 360 px');
        await b.shot('new-case-360');
        // the same in Russian and English at 360 px
        for (const l of ['ru', 'en']) {
            await openMenu(page);
            await page.click(`[data-action="set-lang-${l}"]`);
            const box = page.locator('[name="citizenship"]');
            await box.waitFor();
            await box.click();
            await box.fill('');
            await box.pressSequentially(FIRST[l].query, { delay: 20 });
            const texts = await optionTexts(page, 'citizenship');
            assert(texts[0] === FIRST[l].name, `${l}: typing "${FIRST[l].query}" lists "${texts[0]}" first at 360 px`);
            await b.shot(`country-list-360-${l}`);
            await box.press('Escape');
        }
    },
};

export const journeys = [pickersJourney, pickersPhone];
