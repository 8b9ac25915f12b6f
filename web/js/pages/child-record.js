// child-record.js — the child's own record (#/case/:code/child-record): the plain-language
// text GET /cases/{code}/child-record?lang= answers (what it holds and leaves out is
// decided on the server: core/case/child_record.h), shown in the language chosen here
// (the interface's language first), printed (the page's print rules leave out the
// navigation and the controls) or downloaded as a text file. Each reading is audited on
// the server, so the text is read once per language asked for.
import { api, errorText, clear, h, lang, messages, pageTitle, route, t } from '../core.js';

const ready = Promise.all([messages('casework'), messages('case')]);
const LANGS = ['kk', 'ru', 'en'];

function casePath(code) {
  return '/cases/' + encodeURIComponent(code);
}

// The record's text as headings and paragraphs: its first line is its title, a line
// "== X ==" a heading, an indented line belongs to the line before, a line "- x" a list
// item. Text nodes only.
function render(text, l) {
  const lines = String(text).replace(/\r/g, '').split('\n');
  const out = h('article', { class: 'child-record', lang: l, id: 'child-record-text' });
  let list = null;
  lines.forEach((line, i) => {
    if (!line.trim()) {
      list = null;
      return;
    }
    const head = /^== (.*) ==$/.exec(line);
    if (i === 0) out.append(h('h2', {}, line));
    else if (head) out.append(h('h3', {}, head[1]));
    else if (/^- /.test(line)) {
      if (!list) out.append((list = h('ul', {})));
      list.append(h('li', {}, line.slice(2)));
      return;
    } else out.append(h('p', { class: /^\s/.test(line) ? 'indent' : null }, line.trim()));
    list = null;
  });
  return out;
}

route('#/case/:code/child-record', async (el, params) => {
  await ready;
  const code = params.code;
  el.append(pageTitle('cw.record_title', { code }),
    h('p', { class: 'no-print' }, h('a', { href: '#/case/' + encodeURIComponent(code) }, t('cw.back_to_case', { code }))),
    h('p', { class: 'hint no-print' }, t('cw.record_intro')));
  const sel = h('select', { id: 'f-record-lang', name: 'lang' },
    LANGS.map((l) => h('option', { value: l, lang: l, selected: l === lang() }, t('core.lang.' + l))));
  const box = h('div', { id: 'child-record', 'aria-live': 'polite' });
  const printBtn = h('button', { type: 'button', class: 'primary', 'data-action': 'print-record', on: { click: () => window.print() } }, t('cw.print'));
  const download = h('button', { type: 'button', 'data-action': 'download-record' }, t('cw.download'));
  el.append(h('div', { class: 'field no-print' }, h('label', { for: sel.id }, t('cw.record_lang')), sel),
    h('div', { class: 'actions' }, printBtn, download), box);

  let blob = null;
  async function load() {
    const l = sel.value;
    clear(box).append(h('p', { class: 'loading' }, t('core.loading')));
    const r = await api('GET', casePath(code) + '/child-record?lang=' + encodeURIComponent(l));
    clear(box);
    if (r.status !== 200 || !(r.data instanceof Blob)) {
      blob = null;
      printBtn.disabled = download.disabled = true;
      box.append(h('p', { class: 'errors', role: 'alert' }, errorText(r.data)));
      return;
    }
    blob = r.data;
    printBtn.disabled = download.disabled = false;
    box.append(render(await blob.text(), l));
  }
  sel.addEventListener('change', load);
  download.addEventListener('click', () => {
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: 'child-record-' + code + '-' + sel.value + '.txt', class: 'hidden' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  await load();
});
