// journeys-reports.mjs — the reports page as an analyst sees it (issues 13 item 7 and 25):
// charts of at most 8 series with the rest grouped as "other" and named, bars labelled with
// names and values in text of 12 px or more at 1024 and 360 px, the flows table with place
// names (not codes) and shaded cells whose number is written, CSV downloads of one table in
// the chosen language (the first line Kazakh labels, the second the codes), the printed
// page without its controls, and the anonymised dataset page with its download. The pages
// are looked at in Kazakh, Russian and English, on a desktop, on a phone and in print.
// Every case here is made up.

import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DESKTOP, PHONE, openMenu, setField } from './lib.mjs';

const run = promisify(execFile);

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

const REGIONS = ['almaty', 'astana', 'shymkent', 'turkistan', 'karaganda', 'pavlodar', 'atyrau', 'aktobe', 'kostanay', 'jambyl'];
const CODES = ['turkistan', 'almaty', 'shymkent', 'astana', 'unknown', 'KG', 'RU', 'UZ'];
const FIRST_YEAR = new Date().getFullYear() - 10;

// 10 years × 10 regions of made-up cases (so the regions report has 10 series of years:
// 7 kept and 3 grouped as "other"), with routes for the flows report: recruited in
// Turkistan, Shymkent or Uzbekistan, exploited in Almaty, Astana or Russia.
async function setup(s) {
    const org = await s.org('Made-up Statistics Office', 'ngo', 'astana');
    const ngo = await s.org('Made-up Regional NGO', 'ngo', 'almaty');
    await s.user(org, 'analyst.rep', 'analyst');
    const rows = ['external_ref,identified_on,sex,age,citizenship,region,exploitation_forms,exploitation_place'];
    const places = ['almaty', 'astana', 'RU'];
    let n = 0;
    for (let y = 0; y < 10; y++) {
        REGIONS.forEach((region, r) => {
            const count = 1 + ((y * 3 + r * 7) % 9);
            for (let i = 0; i < count; i++) {
                n += 1;
                const form = ['sexual_exploitation', 'forced_labour', 'forced_begging'][n % 3];
                rows.push(`RP-${n},${FIRST_YEAR + y}-0${1 + (i % 9)}-1${i % 9},${n % 2 ? 'female' : 'male'},${10 + (n % 8)},KZ,${region},${form},${places[n % 3]}`);
            }
        });
    }
    const csv = path.join(s.dir, 'cases.csv');
    await writeFile(csv, rows.join('\n') + '\n');
    await s.cli(['import', 'cases', csv, '--org', String(ngo)]);
    await run('sqlite3', [s.db, "INSERT INTO case_route SELECT id, 1, 'recruitment', "
        + "CASE (id * 7 / 5) % 4 WHEN 0 THEN 'turkistan' WHEN 1 THEN 'shymkent' WHEN 2 THEN 'UZ' ELSE 'KG' END,"
        + " NULL FROM cases WHERE id % 11 <> 0"]);
    return {};
}

async function setLang(page, lang) {
    await openMenu(page);
    await page.click(`[data-action="set-lang-${lang}"]`);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await page.locator('#page-title').waitFor();
    await page.waitForTimeout(200);
}

// Chooses report name and shows it; waits for its first section.
async function show(page, name) {
    await setField(page, 'name', name);
    await page.click('[data-action="show-report"]');
    await page.locator('.report-out section.report-table').first().waitFor();
    await page.waitForTimeout(100);
}

// Every chart: at most 8 series (panels), every bar with a visible label and a written
// value, text of 12 px or more as drawn (an SVG is never scaled down), nothing cut off.
async function checkCharts(page, where) {
    const facts = await page.evaluate(() => [...document.querySelectorAll('figure.chart')].map((f) => {
        const svgs = [...f.querySelectorAll('svg.bars')];
        const texts = [...f.querySelectorAll('svg.bars text')];
        return {
            series: f.querySelectorAll('figure.panel').length,
            bars: svgs.reduce((n, s) => n + s.querySelectorAll('.bar, .bar-withheld').length + [...s.querySelectorAll('.bar-value')].filter((v) => v.textContent === '0').length, 0),
            values: f.querySelectorAll('.bar-value').length,
            labels: f.querySelectorAll('.bar-label').length,
            emptyLabels: [...f.querySelectorAll('.bar-label')].filter((t) => !t.textContent.trim()).length,
            smallest: Math.min(...texts.map((t) => t.getBoundingClientRect().height)),
            fontPx: Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize))),
            scaled: svgs.some((s) => Math.abs(s.getBoundingClientRect().width - Number(s.getAttribute('width'))) > 1),
            titles: [...f.querySelectorAll('.panel-title')].map((t) => t.textContent),
            note: f.querySelector('figcaption') ? f.querySelector(':scope > figcaption').textContent : '',
        };
    }));
    assert(facts.length > 0, `${where}: no chart`);
    for (const c of facts) {
        assert(c.series >= 1 && c.series <= 8, `${where}: a chart has ${c.series} series (at most 8)`);
        assert(c.values > 0 && c.values === c.bars, `${where}: ${c.bars} bars but ${c.values} written values`);
        assert(c.emptyLabels === 0 && c.labels >= c.values, `${where}: a bar has no label`);
        assert(c.fontPx >= 12 && c.smallest >= 12, `${where}: chart text drawn at ${Math.min(c.fontPx, c.smallest).toFixed(1)} px (at least 12)`);
        assert(!c.scaled, `${where}: a chart is scaled to fit (its text would shrink)`);
    }
    return facts;
}

// The visible text of the report's output: no codes where a name belongs.
async function checkNames(page, where) {
    const text = await page.locator('.report-out').innerText();
    for (const code of CODES) assert(!new RegExp(`(^|[^\\w-])${code}([^\\w-]|$)`).test(text), `${where}: the report shows the code "${code}"`);
    for (const bad of ['[object', 'undefined', 'NaN']) assert(!text.includes(bad), `${where}: the report shows "${bad}"`);
}

async function download(b, action) {
    const [dl] = await Promise.all([b.page.waitForEvent('download', { timeout: 10000 }), b.page.click(`[data-action="${action}"]`)]);
    return { name: dl.suggestedFilename(), text: await readFile(await dl.path(), 'utf8') };
}

const analystReports = {
    id: 'reports-analyst',
    title: 'analyst: readable charts (at most 8 series), the flows table by name, per-table CSV in Kazakh and Russian, print, the dataset page',
    viewport: DESKTOP,
    pages: ['login', 'reports', 'dataset'],
    setup,
    async run(b) {
        const page = b.page;
        await b.login('analyst.rep');
        await b.go('#/reports');
        await page.locator('#page-title').waitFor();

        // regions: 10 years → 7 panels and "other", which names the years it holds
        await show(page, 'regions');
        let facts = await checkCharts(page, 'regions (kk)');
        assert(facts[0].series === 8, `regions: ${facts[0].series} panels (want 7 years and "other")`);
        assert(facts[0].titles.includes('Басқалары'), 'regions: no "Басқалары" (other) panel');
        assert(facts[0].note.includes(`Басқалары» тақтасына ең ерте 3 жыл біріктірілген: ${FIRST_YEAR}, ${FIRST_YEAR + 1}, ${FIRST_YEAR + 2}.`),
               `regions: the note does not name the grouped years: ${facts[0].note}`);
        assert(!facts[0].titles.includes(String(FIRST_YEAR)) && facts[0].titles.includes(String(FIRST_YEAR + 9)), 'regions: the earliest years are not the ones grouped');
        await checkNames(page, 'regions (kk)');
        assert((await page.locator('.report-out').innerText()).includes('Түркістан облысы'), 'regions: no Kazakh region name');
        await b.shot('regions-kk');

        // flows: names, shaded cells whose number is written, the largest routes
        await show(page, 'flows');
        const flows = page.locator('table.flows');
        await flows.waitFor();
        const head = await flows.innerText();
        for (const name of ['Түркістан облысы', 'Шымкент', 'Өзбекстан', 'Қырғызстан', 'Белгісіз', 'Алматы', 'Астана', 'Ресей']) assert(head.includes(name), `flows: the table does not name "${name}"`);
        const shaded = await page.$$eval('table.flows td[class*="shade-"]', (tds) => tds.map((td) => [td.className, td.textContent.trim()]));
        assert(shaded.some(([c]) => /shade-[1-4]/.test(c)), 'flows: no shaded cell');
        assert(shaded.every(([, v]) => /^(\d+|<\d+)$/.test(v)), 'flows: a shaded cell has no number written');
        await checkCharts(page, 'flows (kk)');
        await checkNames(page, 'flows (kk)');
        await b.shot('flows-kk');

        // CSV: regions in Kazakh (the page's language), one table, labels then codes
        await show(page, 'regions');
        let file = await download(b, 'download-csv');
        let lines = file.text.split('\r\n');
        assert(lines[0].startsWith('Өңір \\ Жыл,Код,'), `the CSV's first line is not Kazakh labels: ${lines[0].slice(0, 60)}`);
        assert(lines[1].startsWith('region\\year,code,'), `the CSV's second line is not the codes: ${lines[1].slice(0, 60)}`);
        assert(lines.some((l) => l.startsWith('Түркістан облысы,turkistan,')), 'the CSV has no row "Түркістан облысы,turkistan"');
        assert(!/(^|\r\n)table,/.test(file.text), 'the CSV stacks tables');
        assert(/report-regions-regions-kk\.csv$/.test(file.name), `the CSV is named ${file.name}`);
        await eventually(async () => (await page.locator('.downloads [role="status"]').innerText()).includes('Жүктелді'), 'no "downloaded" message');

        // process: the table picker offers its four tables; overdue tasks in Russian
        await setField(page, 'name', 'process');
        const options = await page.$$eval('[name="file_table"] option', (o) => o.map((x) => x.textContent));
        assert(options.length === 4, `the table picker offers ${options.length} tables for process`);
        await setField(page, 'file_table', 'overdue_tasks');
        await setField(page, 'file_lang', 'ru');
        file = await download(b, 'download-csv');
        lines = file.text.split('\r\n');
        assert(lines[0] === 'Этап,Код,Число' && lines[1] === 'stage,code,count', `the Russian CSV begins ${lines[0]} / ${lines[1]}`);
        await b.shot('downloads');

        // the other languages
        for (const lang of ['ru', 'en']) {
            await setLang(page, lang);
            await show(page, 'regions');
            await checkCharts(page, `regions (${lang})`);
            await checkNames(page, `regions (${lang})`);
            const other = lang === 'ru' ? 'Прочие' : 'Other';
            assert((await page.locator('figure.chart').first().innerText()).includes(other), `regions (${lang}): no "${other}" panel`);
            await b.shot(`regions-${lang}`);
            await show(page, 'flows');
            await checkNames(page, `flows (${lang})`);
            await b.shot(`flows-${lang}`);
        }
        await setLang(page, 'kk');

        // print: no controls, the charts and tables stay
        await show(page, 'victims');
        await page.emulateMedia({ media: 'print' });
        const printed = await page.evaluate(() => ({
            form: getComputedStyle(document.querySelector('form.report-form')).display,
            downloads: getComputedStyle(document.querySelector('.downloads')).display,
            charts: [...document.querySelectorAll('figure.chart')].filter((f) => f.getClientRects().length).length,
            tables: [...document.querySelectorAll('table.report')].filter((f) => f.getClientRects().length).length,
        }));
        assert(printed.form === 'none' && printed.downloads === 'none', 'the printed page shows its controls');
        assert(printed.charts > 0 && printed.tables > 0, 'the printed page lost its chart or table');
        await b.shot('victims-print');
        await page.emulateMedia({ media: 'screen' });

        // the anonymised dataset: its page, the rules, the download and what was removed
        await page.click('a[href="#/dataset"]');
        await page.locator('#page-title').waitFor();
        const title = (await page.locator('#page-title').innerText()).trim();
        assert(title === 'Иесіздендірілген деректер жиынтығы', `the dataset page is titled "${title}"`);
        const body = await b.visibleText('#app');
        for (const want of ['квази-идентификатор', 'k = 11', 'Іс коды']) assert(body.includes(want), `the dataset page does not say "${want}"`);
        await b.shot('dataset-kk');
        await setField(page, 'k', '5');
        await page.click('[data-action="download-dataset"]');
        await eventually(async () => (await page.locator('[name="k"][aria-invalid="true"]').count()) > 0,
                         'the dataset page does not mark k = 5 (below 11 for an analyst) as wrong');
        const said = await page.locator('form.dataset-form .errors').innerText();
        assert(said.includes('11-ден 100-ге дейінгі бүтін сан'), `the dataset page says "${said}" about k = 5`);
        await b.shot('dataset-k-refused');
        await setField(page, 'k', '11');
        file = await download(b, 'download-dataset');
        assert(file.text.startsWith('prs_Gender,qg_AgeBroadAtIdentification,'), `the dataset CSV begins ${file.text.slice(0, 40)}`);
        assert(/qorgau-dataset-k11\.csv$/.test(file.name), `the dataset file is named ${file.name}`);
        await eventually(async () => /k = 11: \d+ іс оқылды, файлда \d+ жазба/.test(await page.locator('[role="status"]').last().innerText()),
                         'the dataset page does not say how many records were read and released');
        assert(await page.locator('form.dataset-form .errors').count() === 0, 'the k error stays after a good download');
        await b.shot('dataset-downloaded-kk');
        for (const lang of ['ru', 'en']) {
            await setLang(page, lang);
            await b.shot(`dataset-${lang}`);
        }
        await b.checkConsole();
    },
};

// The same pages on a phone from the start: chart text 12 px or more and never scaled; each
// shot checks that the page does not scroll sideways at 360 px, and axe.
const phoneReports = {
    id: 'reports-phone',
    title: 'analyst on a phone: the regions chart and the flows table fit 360 px; the dataset page',
    viewport: PHONE,
    pages: ['login', 'reports', 'dataset'],
    setup,
    async run(b) {
        const page = b.page;
        await b.login('analyst.rep');
        await b.go('#/reports');
        await page.locator('#page-title').waitFor();
        await show(page, 'regions');
        await checkCharts(page, 'regions (360 px)');
        await b.shot('regions');
        await show(page, 'flows');
        await checkNames(page, 'flows (360 px)');
        await b.shot('flows');
        await show(page, 'process');
        await checkCharts(page, 'process (360 px)');
        await b.shot('process');
        await b.go('#/dataset');
        await page.locator('#page-title').waitFor();
        await b.shot('dataset');
        await b.checkConsole();
    },
};

export const journeys = [analystReports, phoneReports];
