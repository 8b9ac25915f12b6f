// lib.mjs — the browser tests' harness: a fresh Qorgau server per journey (a new database
// made with the real CLI, `qorgau serve --port 0`), a small JSON API client to seed data
// and to check real outcomes, and page helpers (log in, answer screening items, full-page
// screenshots, watch the console for Content-Security-Policy violations), and the guard
// that fails a journey when a page shows nonsense or the console has an error.
//
// Nothing here prints personal data: failure reasons go through redact(), which removes
// every made-up personal value a journey registered.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, mkdir, copyFile, access, readFile, appendFile } from 'node:fs/promises';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.QORGAU_BIN || path.join(ROOT, 'build/asan/qorgau');
export const WEB = process.env.QORGAU_WEB || path.join(ROOT, 'web');
export const OUT = path.join(ROOT, 'build/browser');
export const SHOTS = path.join(OUT, 'screenshots');
export const LOGS = path.join(OUT, 'logs');
export const CHROMIUM = process.env.QORGAU_CHROMIUM || '/usr/bin/chromium';
export const PASSWORD = 'made-up-Passw0rd-for-browser-tests';
// The qorgau run here hashes new passwords at the minimum argon2id cost (a switch only the
// test build has, src/crypto/crypto.c), as scripts/run-tests.sh asks of every test.
process.env.QORGAU_TEST_CHEAP_PWHASH ??= '1';

// ---- personal data never in the output ---------------------------------------------

const secrets = new Set();
export function personal(value) {
    secrets.add(String(value));
    return value;
}
export function redact(text) {
    let s = String(text);
    for (const v of secrets) if (v.length >= 3) s = s.split(v).join('[personal]');
    return s;
}

export async function exists(file) {
    try {
        await access(file);
        return true;
    } catch {
        return false;
    }
}

// ---- the qorgau binary --------------------------------------------------------------

function run(args, input, env) {
    return new Promise((resolve, reject) => {
        const child = spawn(BIN, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code: signal ? -1 : code, stdout, stderr }));
        child.stdin.end(input ?? '');
    });
}

export class Server {
    constructor(name) {
        this.name = name;
        this.proc = null;
        this.port = 0;
        this.exit = null;
    }

    static async create(name) {
        const s = new Server(name);
        s.dir = await mkdtemp(path.join(tmpdir(), 'qorgau-browser-'));
        s.db = path.join(s.dir, 'qorgau.db');
        s.log = path.join(s.dir, 'server.log');
        await s.cli(['init']);
        return s;
    }

    // Runs `qorgau ARGS --db DB`; throws (naming only the subcommand) when it fails.
    async cli(args, input) {
        const r = await run([...args, '--db', this.db], input);
        if (r.code !== 0) throw new Error(`qorgau ${args.slice(0, 2).join(' ')} exited ${r.code}`);
        return r.stdout;
    }

    async org(name, type = 'ngo', region = 'almaty') {
        const out = await this.cli(['org', 'add', '--name', name, '--type', type, '--region', region]);
        return parseInt(out, 10);
    }

    // opts.systemWide: `--system-wide` (an admin, auditor or analyst of every organisation)
    async user(org, login, role, opts = {}) {
        const out = await this.cli(['user', 'add', '--org', String(org), '--login', login, '--role', role,
                                    ...(opts.systemWide ? ['--system-wide'] : [])],
                                   PASSWORD + '\n');
        return parseInt(out, 10);
    }

    // Starts `qorgau serve --port 0` and reads the port it prints on stderr.
    async start() {
        const logStream = createWriteStream(this.log);
        this.proc = spawn(BIN, ['serve', '--port', '0', '--db', this.db],
                          { env: { ...process.env, QORGAU_WEB: WEB }, stdio: ['ignore', 'pipe', 'pipe'] });
        this.exited = new Promise((resolve) => this.proc.on('close', (code, signal) => {
            this.exit = signal ? `signal ${signal}` : code;
            resolve(this.exit);
        }));
        this.proc.stdout.pipe(logStream);
        let seen = '';
        this.port = await new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('the server did not print its port in 20 s')), 20000);
            this.proc.stderr.on('data', (d) => {
                logStream.write(d);
                if (this.port) return;
                seen += d;
                const m = /serving http:\/\/[^:]+:(\d+)\//.exec(seen);
                if (m) {
                    clearTimeout(timer);
                    resolve(parseInt(m[1], 10));
                }
            });
            this.exited.then((code) => {
                clearTimeout(timer);
                reject(new Error(`the server exited (${code}) before it served`));
            });
        });
        this.base = `http://127.0.0.1:${this.port}`;
        return this.base;
    }

    // Stops the server with SIGTERM; returns its exit status (0 when it ended cleanly,
    // which for the ASan build also means no leak and no sanitizer report).
    async stop() {
        if (this.proc && this.exit === null) {
            this.proc.kill('SIGTERM');
            const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
            await this.exited;
            clearTimeout(timer);
        }
        return this.exit;
    }

    // Keeps the server's log under build/browser/logs and removes the temporary directory.
    async cleanup() {
        await mkdir(LOGS, { recursive: true });
        await copyFile(this.log, path.join(LOGS, `${this.name}-server.log`)).catch(() => {});
        await rm(this.dir, { recursive: true, force: true });
    }

    async api(login) {
        const a = new Api(this.base);
        await a.login(login);
        return a;
    }
}

// ---- the JSON API --------------------------------------------------------------------

export class Api {
    constructor(base) {
        this.base = base;
        this.cookie = '';
        this.csrf = '';
    }

    async login(login, password = PASSWORD) {
        const r = await fetch(`${this.base}/api/v1/session`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ login, password }),
        });
        if (r.status !== 201) throw new Error(`API login answered ${r.status}`);
        const set = typeof r.headers.getSetCookie === 'function' ? r.headers.getSetCookie() : [r.headers.get('set-cookie')];
        this.cookie = set.filter(Boolean).map((c) => c.split(';')[0]).join('; ');
        this.csrf = (await r.json()).csrf;
    }

    // Returns {status, data, bytes}; data is the parsed JSON (or null).
    async call(method, p, body) {
        const headers = { Cookie: this.cookie, 'X-CSRF-Token': this.csrf };
        if (body !== undefined) headers['Content-Type'] = 'application/json';
        const r = await fetch(`${this.base}${p}`, {
            method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        });
        const bytes = Buffer.from(await r.arrayBuffer());
        let data = null;
        try {
            data = JSON.parse(bytes.toString('utf8'));
        } catch {
            /* not JSON */
        }
        return { status: r.status, data, bytes };
    }

    // Like call, but throws unless the status is the expected one (the message names the
    // request path without any body and the API error's field).
    async must(method, p, body, expect) {
        const r = await this.call(method, p, body);
        const ok = expect ? r.status === expect : r.status >= 200 && r.status < 300;
        if (!ok) {
            const field = r.data && r.data.error ? ` (field ${r.data.error.field ?? r.data.field ?? '?'})` : '';
            throw new Error(`${method} ${p} answered ${r.status}${field}`);
        }
        return r.data;
    }
}

// ---- the guard: what the user sees must make sense (issue 13 item 11) ---------------

// Every message key of web/i18n/*.json, and their first segments ("ref", "case", ...): a
// key on the page is a message that was never translated.
function catalogueKeys() {
    const keys = new Set();
    const dir = path.join(WEB, 'i18n');
    let files = [];
    try {
        files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    } catch {
        return { keys: [], prefixes: [] };
    }
    for (const f of files) {
        const all = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
        for (const l of Object.values(all)) for (const k of Object.keys(l || {})) keys.add(k);
    }
    const prefixes = new Set([...keys].filter((k) => k.includes('.')).map((k) => k.split('.')[0]));
    return { keys: [...keys], prefixes: [...prefixes] };
}
export const CATALOGUE = catalogueKeys();

// Runs in the page (an init script, so on every page of every journey): scans what the
// user sees — the rendered text (document.body.innerText), the title, the values of the
// form controls, placeholders, aria-labels and titles — after each change of the page,
// and reports nonsense through window.__qgReport: "[object", "undefined", "NaN", a bare
// "null", or a message key. window.__qgScan() scans at once and answers the findings.
function guardScript({ keys, prefixes }) {
    const keySet = new Set(keys);
    const prefixSet = new Set(prefixes);
    const seen = new Set();
    const words = [[/\[object [A-Za-z]*\]?/, '"[object"'], [/\bundefined\b/, '"undefined"'],
                   [/\bNaN\b/, '"NaN"'], [/(^|[^\w.-])null($|[^\w-])/, 'a bare "null"']];
    function visibleTexts() {
        const out = [];
        if (!document.body) return out;
        out.push(['text', document.body.innerText || '']);
        out.push(['title', document.title || '']);
        for (const el of document.querySelectorAll('input, textarea, select, [placeholder], [aria-label], [title]')) {
            if (!el.getClientRects().length && !el.closest('details:not([open])')) continue;
            if (el.matches('input[type="password"], input[type="hidden"]')) continue;
            if (el.tagName === 'SELECT') {
                for (const o of el.options) out.push(['option', o.textContent || '']);
            } else if (el.matches('input, textarea') && !['checkbox', 'radio'].includes(el.type)) {
                out.push(['value', el.value || '']);
            }
            for (const a of ['placeholder', 'aria-label', 'title']) if (el.getAttribute(a)) out.push([a, el.getAttribute(a)]);
        }
        return out;
    }
    // Codes a page shows as codes on purpose (marked translate="no", e.g. the audit trail's
    // action names such as case.create): not message keys.
    function codesShown() {
        return [...document.querySelectorAll('[translate="no"]')].map((el) => el.textContent || '');
    }
    function scan() {
        const found = [];
        const codes = codesShown();
        for (const [where, text] of visibleTexts()) {
            for (const [re, what] of words) {
                const m = re.exec(text);
                if (m) found.push(`${what} in the ${where}: "…${text.slice(Math.max(0, m.index - 30), m.index + 30).replace(/\s+/g, ' ')}…"`);
            }
            for (const m of text.matchAll(/\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b/g)) {
                if (codes.some((c) => c.includes(m[0]))) continue;
                if (keySet.has(m[0]) || prefixSet.has(m[0].split('.')[0])) found.push(`a message key in the ${where}: "${m[0]}"`);
            }
        }
        return found.map((f) => `${location.hash || '/'}: ${f}`);
    }
    function report() {
        for (const f of scan()) {
            if (seen.has(f)) continue;
            seen.add(f);
            if (window.__qgReport) window.__qgReport(f);
        }
    }
    window.__qgScan = scan;
    let timer = null;
    const later = () => {
        clearTimeout(timer);
        timer = setTimeout(report, 60);
    };
    const watch = () => new MutationObserver(later).observe(document.documentElement,
        { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['value', 'placeholder', 'aria-label', 'title', 'open', 'hidden'] });
    if (document.documentElement) watch();
    else document.addEventListener('DOMContentLoaded', watch);
    window.addEventListener('hashchange', later);
}

// The requests a journey made fail on purpose (abortRoute), per page: the browser's own
// console line for them is expected, not the page's fault.
const abortedByTest = new WeakMap();

// Makes every request of page matching pattern fail as a network failure, and remembers
// each such URL so that the browser's console line for it does not fail the journey.
// Undo with page.unroute(pattern).
export async function abortRoute(page, pattern) {
    if (!abortedByTest.has(page)) abortedByTest.set(page, new Set());
    await page.route(pattern, (r) => {
        abortedByTest.get(page).add(r.request().url());
        return r.abort();
    });
}

// Console messages that are not the page's fault: the browser's own line for an API
// request, or the public reply page's answer, that was 4xx (a journey tries a refusal on
// purpose; the page shows it, e.g. a wrong reply code), or
// for a request the journey itself made fail (abortRoute).
function harmlessConsole(msg, page) {
    const url = (msg.location() && msg.location().url) || '';
    if (/Failed to load resource: net::ERR_FAILED/.test(msg.text()) &&
        abortedByTest.has(page) && abortedByTest.get(page).has(url)) return true;
    // 4xx, and 503: the API's answer on a full or read-only disk (journeys-disk.mjs)
    return /Failed to load resource: the server responded with a status of (4\d\d|503)/.test(msg.text()) && /\/api\/v1\/|\/reply(\?|$)/.test(url);
}

// ---- the browser ---------------------------------------------------------------------

// Opens the navigation with the menu button when the screen is narrow (below 40rem the
// navigation, the language buttons and logout are behind it); does nothing on a wide one.
export async function openMenu(page) {
    const btn = page.locator('#menu-toggle');
    if (await btn.isVisible() && (await btn.getAttribute('aria-expanded')) !== 'true') await btn.click();
}

export const DESKTOP = { width: 1024, height: 768 };
export const PHONE = { width: 360, height: 740 };

// One journey's browser context: a new context (no cookies, no storage), one page, a
// console watch and the screenshots.
export class Session {
    constructor(browser, server, journey, viewport, lang = 'kk') {
        this.browser = browser;
        this.lang = lang;
        this.server = server;
        this.journey = journey;
        this.viewport = viewport;
        this.cspErrors = [];
        this.pageErrors = [];
        this.consoleErrors = [];
        this.nonsense = [];
        this.shots = 0;
        this.narrow = viewport.width < 600;
    }

    async open() {
        // the browser keeps Kazakhstan's clock (UTC+5, as the server's "today": text.h), as
        // the users' browsers do; else from 19:00 UTC the page and the server disagree on
        // the date. Etc/GMT-5 is UTC+5 whatever the browser's own zone data says of Almaty.
        this.context = await this.browser.newContext({ viewport: this.viewport, acceptDownloads: true,
                                                        locale: 'en-US', timezoneId: 'Etc/GMT-5' });
        // the guard: nonsense on any page of the journey is reported here (checkPage)
        await this.context.exposeBinding('__qgReport', (_src, finding) => {
            if (this.nonsense.length < 20) this.nonsense.push(String(finding));
        });
        await this.context.addInitScript(guardScript, CATALOGUE);
        // the interface's first language (a choice made on the page is kept)
        await this.context.addInitScript((l) => {
            if (!localStorage.getItem('qorgau.lang')) localStorage.setItem('qorgau.lang', l);
        }, this.lang);
        this.page = await this.context.newPage();
        this.page.setDefaultTimeout(8000);
        this.page.setDefaultNavigationTimeout(15000);
        this.page.on('console', (msg) => {
            const text = msg.text();
            if (/Content Security Policy|Refused to (execute|apply|load|evaluate)/i.test(text)) this.cspErrors.push(text);
            else if (msg.type() === 'error' && !harmlessConsole(msg, this.page)) this.consoleErrors.push(text);
            else if (msg.type() === 'warning' && /^qorgau: no message/.test(text)) this.consoleErrors.push(text);
        });
        this.page.on('pageerror', (err) => this.pageErrors.push(String(err && err.message)));
        // static files the page asked for and did not get (a page module missing from web/)
        this.missingFiles = [];
        this.page.on('response', (r) => {
            const u = new URL(r.url());
            if (r.status() >= 400 && !u.pathname.startsWith('/api/')) this.missingFiles.push(`${u.pathname} (${r.status()})`);
        });
        return this.page;
    }

    async close() {
        await this.context?.close().catch(() => {});
    }

    // Saves a full-page screenshot build/browser/screenshots/<journey>-<NN>-<step>.png,
    // on a narrow screen checks the page does not scroll sideways, and checks the page's
    // accessibility (checkA11y, below).
    async shot(step) {
        // settled: no "loading" placeholder left, then a moment for the last paint
        await this.page.waitForFunction(() => !document.querySelector('.loading, [aria-busy="true"]'), null,
                                        { timeout: 5000 }).catch(() => {});
        await this.page.waitForTimeout(150);
        this.shots += 1;
        const file = path.join(SHOTS, `${this.journey}-${String(this.shots).padStart(2, '0')}-${step}.png`);
        await this.page.screenshot({ path: file, fullPage: true });
        await this.checkPage(step);
        if (step !== 'failure') await checkA11y(this, step);
        if (this.narrow) {
            const wide = await this.page.evaluate(() => document.documentElement.scrollWidth);
            if (wide > this.viewport.width + 1) throw new Error(`${step}: the page scrolls sideways at ${this.viewport.width} px (${wide} px wide)`);
        }
        return file;
    }

    // Loads the interface at a hash route; the page must come with the strict CSP.
    async go(hash) {
        const resp = await this.page.goto(`${this.server.base}/${hash}`);
        if (!resp) return; // only the hash changed: the same document
        const csp = (await resp.allHeaders())['content-security-policy'] || '';
        this.cspChecked = true;
        if (!/script-src 'self'/.test(csp) || /unsafe-inline|unsafe-eval/.test(csp)) {
            throw new Error(`the page is served without the strict Content-Security-Policy ("${csp.slice(0, 120)}")`);
        }
    }

    // Logs in through the login page and waits to leave it.
    async login(login) {
        await this.go('#/login');
        await this.page.locator('[name="login"]').waitFor().catch((err) => {
            throw new Error(this.startProblem() || `the login page shows no field named login (${err.message.split('\n')[0]})`);
        });
        await this.shot('login');
        await this.page.fill('[name="login"]', login);
        await this.page.fill('[name="password"]', PASSWORD);
        await this.page.click('[data-action="login"]');
        await this.page.waitForFunction(() => !location.hash.startsWith('#/login'), null, { timeout: 10000 });
        await this.page.locator('#page-title').waitFor();
    }

    // Why the interface may not have started: the static files it did not get.
    startProblem() {
        return this.missingFiles.length ? `the interface did not load: ${this.missingFiles.slice(0, 3).join(', ')}` : '';
    }

    // The guard on the page shown now (shot() calls it after each screenshot): fails when
    // the page showed nonsense ("[object", "undefined", "NaN", a bare "null", a message
    // key) at any moment since the journey began, or when the console had an error.
    async checkPage(step = 'page') {
        const now = await this.page.evaluate(() => (window.__qgScan ? window.__qgScan() : [])).catch(() => []);
        for (const f of now) if (!this.nonsense.includes(f)) this.nonsense.push(f);
        if (this.nonsense.length) throw new Error(`${step}: the page shows ${this.nonsense[0].slice(0, 220)}`);
        if (this.consoleErrors.length) throw new Error(`${step}: console error: ${this.consoleErrors[0].slice(0, 200)}`);
    }

    // The visible text of the page (or of the element matching selector), whitespace folded.
    async visibleText(selector = 'body') {
        const t = await this.page.locator(selector).first().innerText();
        return t.replace(/\s+/g, ' ').trim();
    }

    // The browser-side checks every journey ends with.
    async checkConsole() {
        await this.checkPage('the last page');
        if (!this.cspChecked) throw new Error('no page load was checked for its Content-Security-Policy header');
        if (this.cspErrors.length) throw new Error(`Content-Security-Policy violation: ${this.cspErrors[0].slice(0, 160)}`);
        if (this.pageErrors.length) throw new Error(`uncaught script error: ${this.pageErrors[0].slice(0, 160)}`);
    }
}

// Sets a form control whatever kind the page made it: radio buttons (checks the one with
// the value), checkboxes (a list of values, or true/false for a single one), a <select>,
// or a text/number input.
export async function setField(scope, name, value) {
    // form controls only (a <fieldset> may carry the name of the group it holds)
    const controls = scope.locator(`:is(input, select, textarea)[name="${name}"]`);
    // a page that is still being drawn (e.g. just after a hash change) gets a moment
    await controls.first().waitFor({ state: 'attached', timeout: 5000 }).catch(() => {});
    const n = await controls.count();
    if (n === 0) throw new Error(`no control named ${name}`);
    const first = controls.first();
    // a field inside a closed disclosure (<details>) is opened as a person would
    if (!(await first.isVisible())) {
        const summary = first.locator('xpath=ancestor::details[not(@open)][1]/summary');
        if (await summary.count()) await summary.first().click();
    }
    const tag = await first.evaluate((el) => el.tagName.toLowerCase());
    const type = await first.evaluate((el) => (el.getAttribute('type') || '').toLowerCase());
    if ((await first.getAttribute('role')) === 'combobox') {
        await pick(first, value);
        return;
    }
    if (tag === 'select') {
        const values = Array.isArray(value) ? value.map(String) : String(value);
        await first.selectOption(values);
    } else if (type === 'radio') {
        await scope.locator(`[name="${name}"][value="${value}"]`).check();
    } else if (type === 'checkbox') {
        if (typeof value === 'boolean') {
            if (value) await first.check();
            else await first.uncheck();
        } else {
            const wanted = (Array.isArray(value) ? value : [value]).map(String);
            for (let i = 0; i < n; i++) {
                const c = controls.nth(i);
                const v = await c.getAttribute('value');
                if (wanted.includes(v)) await c.check();
            }
        }
    } else {
        let v = String(value);
        // the interface's date fields take dd.mm.yyyy, as people write dates here
        const isDate = await first.evaluate((el) => el.dataset.type === 'date');
        const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
        if (isDate && m) v = `${m[3]}.${m[2]}.${m[1]}`;
        await first.fill(v);
    }
}

// Chooses value(s) (codes) in a picker (web/js/picker.js) as a person would: opens its
// list and clicks each option not chosen yet; '' empties a single picker.
export async function pick(input, value) {
    const values = (Array.isArray(value) ? value : [value]).map(String);
    if (values.length === 1 && values[0] === '') {
        await input.fill('');
        await input.press('Tab');
        return;
    }
    const list = input.page().locator(`#${await input.getAttribute('aria-controls')}`);
    const name = await input.getAttribute('name');
    for (const v of values) {
        await input.click();
        const option = list.locator(`[role="option"][data-value="${v}"]`);
        await option.waitFor().catch(() => {
            throw new Error(`the picker ${name} offers no ${v}`);
        });
        if ((await option.getAttribute('aria-selected')) !== 'true') await option.click();
    }
    if (await list.isVisible()) await input.press('Escape');
}

// Fills the named fields that the form has; the names every form must have are listed in
// required (a missing one throws, naming it).
export async function fillForm(scope, values, required = Object.keys(values)) {
    for (const [name, value] of Object.entries(values)) {
        const n = await scope.locator(`:is(input, select, textarea)[name="${name}"]`).count();
        if (n === 0) {
            if (required.includes(name)) throw new Error(`the form has no field named ${name}`);
            continue;
        }
        await setField(scope, name, value);
    }
}

// Answers screening items: each item's container is [data-item=ID] and its control is
// named ID (contract). An item hidden by the branching is an error: the journey answers
// only items that must be visible.
export async function answerItems(page, answers) {
    for (const [item, value] of Object.entries(answers)) {
        const box = page.locator(`[data-item="${item}"]`);
        await box.first().waitFor({ state: 'visible' }).catch(() => {
            throw new Error(`screening item ${item} is not shown`);
        });
        await setField(box.first(), item, value);
    }
}

// Today in Kazakhstan (UTC+5, the server's "today": src/base/text.h) plus offsetDays, as
// YYYY-MM-DD: the UTC date is a day behind from 19:00 UTC.
export const KZ_OFFSET_MS = 5 * 3600000;
export function today(offsetDays = 0) {
    const d = new Date(Date.now() + KZ_OFFSET_MS + offsetDays * 86400000);
    return d.toISOString().slice(0, 10);
}

// ---- accessibility: axe-core on every page kind ---------------------------------------
//
// Each screenshot (Session.shot) is also an accessibility check of the page as it is:
// axe-core (node_modules, pinned in package-lock.json; evaluated through the DevTools
// protocol, never served from web/ and never loosening the page's CSP) with the WCAG
// 2.0/2.1 A and AA rules, at the desktop size and at 360 px. Any violation, and any
// colour contrast axe could not decide, fails the journey naming the rule, the element
// and the page (docs/accessibility.md). A page kind (pageKind) is checked once per
// language and size in a run. `make a11y` (QG_A11Y=full) runs every journey in kk, ru
// and en; `make check` in Kazakh only. QG_A11Y_LOG=FILE writes every problem to FILE
// instead of failing (a survey).
export const A11Y_FULL = process.env.QG_A11Y === 'full';
export const A11Y_LANGS = A11Y_FULL ? ['kk', 'ru', 'en'] : ['kk'];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_FILE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
let axeSource = null;
const checkedKinds = new Set();

// The kind of page shown: the path and hash route with codes and numbers replaced; in
// `make a11y` each step (a form opened, a result shown) of a route is a kind of its own,
// in `make check` the first state of each route stands for it (a few seconds in all).
async function pageKind(page, step) {
    const hash = await page.evaluate(() => location.pathname + (location.hash || '#/'));
    const route = hash.split('?')[0].split('/').map((seg) => (/\d/.test(seg) ? ':id' : seg)).join('/');
    return A11Y_FULL ? `${route} (${step})` : route;
}

// Runs axe on the page as it is; returns a list of problems (strings).
async function axeProblems(page) {
    if (!axeSource) axeSource = await readFile(AXE_FILE, 'utf8');
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
    return page.evaluate(async (tags) => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags },
                                                   resultTypes: ['violations', 'incomplete'] });
        const out = [];
        const name = (n) => n.target.join(' ').slice(0, 120);
        for (const v of r.violations) {
            for (const n of v.nodes.slice(0, 3)) out.push(`${v.id} (${v.help}): ${name(n)}`);
        }
        // Colour contrast axe left undecided (text in a scrolling box, SVG text): the ratio
        // of the text's colour to the first solid background behind it, computed here.
        const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map((x) => {
            const s = x / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        }).reduce((a, x, i) => a + x * [0.2126, 0.7152, 0.0722][i], 0);
        const decide = (el) => {
            const cs = getComputedStyle(el);
            const fg = rgb(el instanceof SVGElement && cs.fill && cs.fill !== 'none' ? cs.fill : cs.color);
            if (fg.length === 4 && fg[3] < 1) return 'text colour not solid';
            let bg = null;
            for (let e = el; e; e = e.parentElement) {
                const c = rgb(getComputedStyle(e).backgroundColor);
                if (c.length === 3 || (c.length === 4 && c[3] === 1)) { bg = c; break; }
                if (c.length === 4 && c[3] > 0) return 'background not solid';
                if (getComputedStyle(e).backgroundImage !== 'none') return 'background image';
            }
            bg = bg || [255, 255, 255];
            const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
            const ratio = (a + 0.05) / (b + 0.05);
            const px = parseFloat(cs.fontSize);
            const large = px >= 24 || (px >= 18.66 && parseInt(cs.fontWeight, 10) >= 700);
            return ratio >= (large ? 3 : 4.5) ? null : `ratio ${ratio.toFixed(2)}`;
        };
        for (const v of r.incomplete.filter((x) => x.id === 'color-contrast')) {
            for (const n of v.nodes) {
                const el = document.querySelector(n.target[0]);
                const why = el ? decide(el) : 'element not found';
                if (why) out.push(`color-contrast (${why}): ${name(n)}`);
            }
        }
        return out;
    }, AXE_TAGS);
}

// The controls smaller than 24x24 px (WCAG 2.2's 2.5.8, the interface's own rule at
// 360 px); a link inside a sentence is exempt, as in 2.5.8.
async function smallTargets(page) {
    return page.evaluate(() => {
        const out = [];
        const sel = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex="0"]';
        for (const el of document.querySelectorAll(sel)) {
            const r = el.getBoundingClientRect();
            if (!r.width || !r.height || r.right <= 0 || getComputedStyle(el).visibility === 'hidden') continue;
            const parent = el.parentElement;
            const inline = el.tagName === 'A' && getComputedStyle(el).display === 'inline'
                && parent && parent.textContent.trim() !== el.textContent.trim();
            if (inline) continue;
            if (r.width < 23.5 || r.height < 23.5) {
                const id = el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '')
                    + (el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : '')
                    + (el.getAttribute('data-action') ? `[data-action=${el.getAttribute('data-action')}]` : '')
                    + (el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : '');
                out.push(`target-size ${Math.round(r.width)}x${Math.round(r.height)}: ${id}`);
            }
        }
        return out;
    });
}

// Checks the page at both sizes (once per page kind, language and size in a run), and at
// 360 px that it does not scroll sideways. Throws naming the page, size and language.
export async function checkA11y(b, step) {
    const page = b.page;
    const kind = await pageKind(page, step);
    const lang = await page.evaluate(() => document.documentElement.lang);
    const own = b.viewport;
    const sizes = own.width < 600 ? [own, DESKTOP] : [own, PHONE];
    try {
        for (const size of sizes) {
            const key = `${kind} ${lang} ${size.width}`;
            if (checkedKinds.has(key)) continue;
            checkedKinds.add(key);
            if (size !== own) {
                await page.setViewportSize(size);
                await page.waitForTimeout(50);
            }
            // make a11y keeps a screenshot of the other size too, to look at
            if (size !== own && A11Y_FULL) {
                const file = path.join(SHOTS, `${b.journey}-${String(b.shots).padStart(2, '0')}-${step}-${size.width}.png`);
                await page.screenshot({ path: file, fullPage: true });
            }
            const problems = await axeProblems(page);
            if (problems.length && process.env.QG_A11Y_LOG) {
                // a survey: every problem written down, the journey goes on
                await appendFile(process.env.QG_A11Y_LOG, problems.map((p) => `${key}: ${p}\n`).join(''));
            } else if (problems.length) {
                throw new Error(`accessibility on ${kind} at ${size.width} px in ${lang}: ${problems.length} `
                                + `problem(s), first: ${problems[0]}${problems[1] ? '; ' + problems[1] : ''}`);
            }
            if (size.width < 600) {
                const small = await smallTargets(page);
                if (small.length && process.env.QG_A11Y_LOG) {
                    await appendFile(process.env.QG_A11Y_LOG, small.map((p) => `${key}: ${p}\n`).join(''));
                } else if (small.length) {
                    throw new Error(`tap targets on ${kind} at ${size.width} px in ${lang}: ${small.length} under 24x24 px, `
                                    + `first: ${small.slice(0, 2).join('; ')}`);
                }
                const wide = await page.evaluate(() => document.documentElement.scrollWidth);
                if (wide > size.width + 1) throw new Error(`${kind}: the page scrolls sideways at ${size.width} px (${wide} px wide) in ${lang}`);
            }
        }
    } finally {
        if (page.viewportSize().width !== own.width) await page.setViewportSize(own);
    }
}
