// run.mjs — runs the browser journeys (journeys.mjs) with playwright-core driving Debian's
// Chromium (/usr/bin/chromium; Playwright never downloads a browser), each against a
// fresh server, and prints TAP for scripts/run-tests.sh: "1..N", then "ok K - journey" or
// "not ok K - journey: reason" (never personal data). A journey whose page module
// (web/js/pages/<name>.js) does not exist yet is "not ok K # SKIP", which run-tests.sh
// counts as skipped; a page that exists but misbehaves is a failure.
// Screenshots: build/browser/screenshots/<journey>-<NN>-<step>.png; server logs:
// build/browser/logs/. Usage: node tests/browser/run.mjs [JOURNEY-ID...]
// Every screenshot is also an axe-core check (lib.mjs checkA11y); with QG_A11Y=full
// (`make a11y`) every journey runs in kk, ru and en.
// Exit status: 0 when every journey passed or was skipped, 1 otherwise.

import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { A11Y_FULL, A11Y_LANGS, BIN, CHROMIUM, SHOTS, WEB, Server, Session, exists, redact } from './lib.mjs';
import { journeys as mainJourneys } from './journeys.mjs';
import { journeys as referralView } from './journeys-referral-view.mjs';
import { journeys as newCase } from './journeys-new-case.mjs';
import { journeys as agreements } from './journeys-agreements.mjs';
import { journeys as accounts } from './journeys-accounts.mjs';
import { journeys as a11y } from './journeys-a11y.mjs';
import { journeys as sheet } from './journeys-sheet.mjs';
import { journeys as phone } from './journeys-phone.mjs';
import { journeys as print } from './journeys-print.mjs';
import { journeys as casepage } from './journeys-casepage.mjs';
import { journeys as needs } from './journeys-needs.mjs';
import { journeys as screening } from './journeys-screening.mjs';
import { journeys as errors } from './journeys-errors.mjs';
import { journeys as reports } from './journeys-reports.mjs';
import { journeys as home } from './journeys-home.mjs';
import { journeys as pickers } from './journeys-pickers.mjs';
import { journeys as sweep } from './journeys-sweep.mjs';
import { journeys as keys } from './journeys-keys.mjs';
import { journeys as limits } from './journeys-limits.mjs';

const journeys = [
    ...mainJourneys,
    ...referralView,
    ...newCase,
    ...agreements,
    ...accounts,
    ...a11y,
    ...sheet,
    ...phone,
    ...print,
    ...casepage,
    ...needs,
    ...screening,
    ...errors,
    ...reports,
    ...home,
    ...pickers,
    ...sweep,
    ...keys,
    ...(await import('./journeys-search.mjs')).journeys,
    ...limits,
    ...(await import('./journeys-disk.mjs')).journeys,
    ...(await import('./journeys-glass.mjs')).journeys,
];

const JOURNEY_MS = 120000;
// How many journeys run at once (QORGAU_BROWSER_JOBS; 1 runs them one after another).
const JOBS = Number(process.env.QORGAU_BROWSER_JOBS || 4);

function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
        promise.finally(() => clearTimeout(timer)),
        new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
        }),
    ]);
}

// The first line of an error, without personal data, call logs or ANSI colours.
function reason(err) {
    const text = String(err && err.message ? err.message : err).replace(/\x1b\[[0-9;]*m/g, '');
    return redact(text.split('\n')[0]).slice(0, 300);
}

async function missingPages(j) {
    const missing = [];
    for (const f of ['index.html', 'js/core.js', 'js/main.js']) {
        if (!(await exists(path.join(WEB, f)))) missing.push(f);
    }
    for (const p of j.pages) {
        if (!(await exists(path.join(WEB, 'js/pages', `${p}.js`)))) missing.push(`js/pages/${p}.js`);
    }
    return missing;
}

async function runOne(browser, j, lang) {
    const id = A11Y_FULL ? `${j.id}-${lang}` : j.id;
    const server = await Server.create(id);
    let b = null;
    let failure = null;
    const t0 = Date.now();
    try {
        const ctx = (await j.setup(server)) ?? {};
        await server.start();
        if (j.seed) await j.seed(server, ctx);
        b = new Session(browser, server, id, j.viewport, lang);
        await b.open();
        await withTimeout(j.run(b, ctx), j.ms || JOURNEY_MS, 'the journey');
        await b.checkConsole();
    } catch (err) {
        failure = err;
        if (b && b.page) await b.shot('failure').catch(() => {});
    } finally {
        if (b) await b.close();
        const code = await server.stop();
        if (!failure && code !== 0) failure = new Error(`the server exited with ${code} (see build/browser/logs/${j.id}-server.log)`);
        await server.cleanup();
    }
    return { failure, ms: Date.now() - t0 };
}

async function main() {
    const only = process.argv.slice(2);
    const chosen = only.length ? journeys.filter((j) => only.includes(j.id)) : journeys;
    // each journey in each language the accessibility checks want (QG_A11Y=full: kk, ru, en),
    // but a journey tied to one first language (j.langs) only in that
    const list = chosen.flatMap((j) => A11Y_LANGS.filter((l) => !j.langs || j.langs.includes(l))
        .map((lang) => ({ ...j, lang, title: A11Y_FULL ? `${j.title} [${lang}]` : j.title })));
    console.log(`1..${list.length}`);
    await rm(SHOTS, { recursive: true, force: true });
    await mkdir(SHOTS, { recursive: true });

    let browser = null;
    let launchError = null;
    if (!(await exists(BIN))) launchError = new Error(`no qorgau binary at ${BIN}`);
    else {
        try {
            browser = await chromium.launch({
                executablePath: CHROMIUM,
                headless: true,
                // root in a container has no user namespaces for Chromium's sandbox
                args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
            });
        } catch (err) {
            launchError = new Error(`Chromium did not start: ${reason(err)}`);
        }
    }

    // Journeys run JOBS (4) at a time (each has its own server and browser context), so the
    // two cores stay busy while one journey waits for a page; TAP lines come in order.
    let failed = 0;
    const lines = new Array(list.length);
    let printed = 0;
    const flush = () => {
        while (printed < list.length && lines[printed] !== undefined) console.log(lines[printed++]);
    };
    async function one(i) {
        const j = list[i];
        const k = i + 1;
        const missing = await missingPages(j);
        if (missing.length) return `not ok ${k} # SKIP ${j.title}: page missing (${missing.join(', ')})`;
        if (launchError) {
            failed += 1;
            return `not ok ${k} - ${j.title}: ${reason(launchError)}`;
        }
        const { failure, ms } = await runOne(browser, j, j.lang);
        if (failure) {
            failed += 1;
            return `not ok ${k} - ${j.title}: ${reason(failure)}`;
        }
        return `ok ${k} - ${j.title} (${(ms / 1000).toFixed(1)} s)`;
    }
    // the longest journeys start first, so that one does not finish alone at the end
    const order = list.map((j, i) => i).sort((x, y) => (list[y].ms || 0) - (list[x].ms || 0));
    let next = 0;
    async function worker() {
        while (next < order.length) {
            const i = order[next++];
            lines[i] = await one(i);
            flush();
        }
    }
    await Promise.all(Array.from({ length: Math.max(1, JOBS) }, worker));
    if (browser) await browser.close();
    console.log(`# screenshots in ${path.relative(process.cwd(), SHOTS) || SHOTS}`);
    process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
    console.log(`# the browser test runner failed: ${reason(err)}`);
    process.exitCode = 1;
});
