// storage.js — the banner on every page while the server's disk is full or read-only.
// The server then refuses with 503 (reason storage.full or storage.read_only) everything
// that must be recorded in the audit trail: saving, opening personal data, logging in.
// The banner (role=alert) says so, what still works and whom to tell. It appears when
// the health answer (GET /api/v1/health, asked on start and every minute) says so, or as
// soon as any call is refused for that reason (core.js sends the event 'qorgau:storage');
// while it shows, health is asked every few seconds, and the banner goes away by itself
// when the server reports "ok" again. Texts: web/i18n/storage.json.
import { h, messages, t } from './core.js';

const CALM_MS = 60000; // health asked this often while all is well
const DEGRADED_MS = 4000; // ... and this often while the disk is full or read-only
let state = 'ok';
let timer = null;

// The banner's texts; every drawing waits for them (a banner drawn before they arrive
// would show its keys for as long as the disk stays full).
const texts = messages('storage');

// Draws the banner for the current state in the current language, between the header
// and the page; while all is well there is no banner element at all (so no empty alert
// stands on every page, and a new one is announced when it appears).
async function draw() {
  await texts;
  const old = document.getElementById('storage-banner');
  if (old) old.remove();
  if (state === 'ok') return;
  const ro = state === 'read_only';
  const b = h('div', { id: 'storage-banner', class: 'storage-banner', role: 'alert' },
    h('p', { class: 'storage-title' }, ro ? t('storage.read_only_title') : t('storage.full_title')),
    h('p', {}, ro ? t('storage.read_only_text') : t('storage.full_text')),
    h('p', {}, t('storage.still_works')),
    h('p', {}, t('storage.tell')));
  const header = document.querySelector('header.top');
  if (header) header.after(b);
  else document.body.prepend(b);
}

function schedule() {
  if (timer) clearTimeout(timer);
  timer = setTimeout(check, state === 'ok' ? CALM_MS : DEGRADED_MS);
}

function show(next) {
  const known = next === 'full' || next === 'read_only' ? next : 'ok';
  if (known !== state) {
    state = known;
    draw();
  }
  schedule();
}

// Asks the health answer for the storage state; a failed ask changes nothing.
async function check() {
  try {
    const r = await fetch('/api/v1/health', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
    if (r.ok) {
      const body = await r.json();
      show(body.storage || 'ok');
      return;
    }
  } catch (e) {
    // the network failed: core.js tells the user where it matters
  }
  schedule();
}

window.addEventListener('qorgau:storage', (ev) => show(ev.detail === 'storage.read_only' ? 'read_only' : 'full'));
// A change of language (core.js's setLang sets <html lang>) draws the banner again.
new MutationObserver(() => {
  if (state !== 'ok') draw();
}).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
check();
