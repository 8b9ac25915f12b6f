#!/usr/bin/env node
// check-glossary.mjs — fails when a message catalogue (web/i18n/*.json), a code list's
// labels (src/core/vocab/*.c), the user-visible texts of the C sources that print pages
// and files (the child's own record, the referral sheet, the public reply page, the XLSX
// report: their kk/ru/en tables) or the instruments' texts (instruments/*.json, every
// {"kk", "ru", "en"} object) use a word that docs/glossary.md forbids. The rules are the
// rows of the glossary's table "Checked rules": | Term | Language | English has | Unless
// English has | Must have | Must not have |, each pattern a JavaScript regular expression
// in backticks (matched ignoring case; `\|` is a | inside a cell). A rule applies to the
// text in Language of a message whose English text matches "English has" (an empty cell:
// every message) and not "Unless English has".
// Usage: node scripts/check-glossary.mjs [ROOT] (default: this repository). Prints one
// line per fault (file, key, language, rule) and exits 1 when there is any; never prints
// the texts themselves beyond the word that broke the rule.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(process.argv[2] || path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));

// The cells of a table row, split at | that is not escaped; `\|` becomes |.
function cells(line) {
  const out = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\' && line[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (line[i] === '|') {
      out.push(cur.trim());
      cur = '';
    } else cur += line[i];
  }
  out.push(cur.trim());
  return out.slice(1, -1);
}

function pattern(cell, where) {
  if (!cell) return null;
  const m = /^`(.*)`$/.exec(cell);
  if (!m) throw new Error(`${where}: a pattern must be written in backticks: ${cell}`);
  return new RegExp(m[1], 'iu');
}

// The rules of the "Checked rules" table of the glossary.
function readRules(file) {
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('## Checked rules');
  if (at < 0) throw new Error(`${file}: no "## Checked rules" section`);
  const rows = text.slice(at).split('\n').filter((l) => l.startsWith('|'));
  const rules = [];
  rows.slice(2).forEach((line, i) => {
    const c = cells(line);
    const where = `${path.relative(root, file)} rule ${i + 1}`;
    if (c.length !== 6) throw new Error(`${where}: a rule has 6 cells, this one ${c.length}`);
    rules.push({ term: c[0], lang: c[1], when: pattern(c[2], where), unless: pattern(c[3], where),
      must: pattern(c[4], where), never: pattern(c[5], where), where });
  });
  if (!rules.length) throw new Error(`${file}: the "Checked rules" table has no rules`);
  return rules;
}

// Every message: {file, key, en, kk, ru}.
function catalogueTexts() {
  const dir = path.join(root, 'web/i18n');
  const out = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const all = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    for (const key of Object.keys(all.en || {})) {
      out.push({ file: `web/i18n/${f}`, key, en: all.en[key], kk: (all.kk || {})[key], ru: (all.ru || {})[key] });
    }
  }
  return out;
}

// Every code-list label: entries {"code", extra, "en", "ru", "kk"} (adjacent literals joined).
function vocabTexts() {
  const dir = path.join(root, 'src/core/vocab');
  if (!existsSync(dir)) return [];
  const lit = '((?:"(?:[^"\\\\]|\\\\.)*"\\s*)+)';
  const entry = new RegExp(`\\{\\s*"([A-Za-z0-9_.-]+)",\\s*(?:NULL|"[^"]*"),\\s*${lit},\\s*${lit},\\s*${lit}\\}`, 'g');
  const join = (s) => [...s.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`)).join('');
  const out = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.c')).sort()) {
    const src = readFileSync(path.join(dir, f), 'utf8');
    for (const m of src.matchAll(entry)) {
      out.push({ file: `src/core/vocab/${f}`, key: m[1], en: join(m[2]), ru: join(m[3]), kk: join(m[4]) });
    }
  }
  return out;
}

const LIT = '((?:"(?:[^"\\\\]|\\\\.)*"\\s*)+)';
const joinLit = (s) => [...s.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`)).join('');

// The C sources whose kk/ru/en tables print what a user reads (besides the code lists).
const C_SOURCES = ['src/core/case/child_record.c', 'src/core/referral/referral_sheet.c',
                   'src/api/api_reply_page.c', 'src/core/report/report_xlsx.c'];

// The texts of one C source, in every table layout these files use: {"code", NULL|"x", en,
// ru, kk} (a code list), {"key", en, ru, kk} (the XLSX's labels), [T_X] = {kk, ru, en} or
// {kk, ru, en} (the sheet's and reply page's texts), and per-language structs
// [LANG_KK] = { .field = "..." } (the child's record), paired by field name.
function cTexts(rel, src) {
    const out = [];
    const vocab = new RegExp(`\\{\\s*"([A-Za-z0-9_.-]+)",\\s*(?:NULL|"[^"]*"),\\s*${LIT},\\s*${LIT},\\s*${LIT}\\}`, 'g');
    for (const m of src.matchAll(vocab)) out.push({ file: rel, key: m[1], en: joinLit(m[2]), ru: joinLit(m[3]), kk: joinLit(m[4]) });
    const keyed = new RegExp(`\\{\\s*"([A-Za-z0-9_.-]+)",\\s*${LIT},\\s*${LIT},\\s*${LIT}\\}`, 'g');
    for (const m of src.matchAll(keyed)) out.push({ file: rel, key: m[1], en: joinLit(m[2]), ru: joinLit(m[3]), kk: joinLit(m[4]) });
    const tri = new RegExp(`(?:\\[(\\w+)\\]\\s*=\\s*)?\\{\\s*${LIT},\\s*${LIT},\\s*${LIT}\\}`, 'g');
    for (const m of src.matchAll(tri)) {
        const [kk, ru, en] = [joinLit(m[2]), joinLit(m[3]), joinLit(m[4])];
        // a {kk, ru, en} triple: the English one has no Cyrillic letter
        if (/\p{Script=Cyrillic}/u.test(en) || !/\p{Script=Cyrillic}/u.test(kk + ru)) continue;
        out.push({ file: rel, key: m[1] || en.slice(0, 30), en, ru, kk });
    }
    const blocks = {};
    for (const b of src.matchAll(/\[LANG_(KK|RU|EN)\]\s*=\s*\{([\s\S]*?)\n\s*\},/g)) {
        const fields = {};
        for (const f of b[2].matchAll(new RegExp(`\\.(\\w+)\\s*=\\s*${LIT}`, 'g'))) fields[f[1]] = joinLit(f[2]);
        blocks[b[1].toLowerCase()] = fields;
    }
    for (const k of Object.keys(blocks.en || {})) {
        out.push({ file: rel, key: k, en: blocks.en[k], ru: (blocks.ru || {})[k], kk: (blocks.kk || {})[k] });
    }
    return out;
}

function sourceTexts() {
    const out = [];
    for (const rel of C_SOURCES) {
        const file = path.join(root, rel);
        if (existsSync(file)) out.push(...cTexts(rel, readFileSync(file, 'utf8')));
    }
    return out;
}

// Every {"kk", "ru", "en"} object of the instruments that is Qorgau's own (titles, options,
// readings, hints), not the manual's own sentences: an item's question and its notes for
// the interviewer (items[N].text, items[N].note) and the introduction read to the child
// keep the manual's words.
const MANUAL_OWN = /^(items\[\d+\]\.(text|note)|intro)$/;
function instrumentTexts() {
    const dir = path.join(root, 'instruments');
    if (!existsSync(dir)) return [];
    const out = [];
    const walk = (o, at, rel) => {
        if (Array.isArray(o)) o.forEach((v, i) => walk(v, `${at}[${i}]`, rel));
        else if (o && typeof o === 'object') {
            if (typeof o.en === 'string' && (typeof o.kk === 'string' || typeof o.ru === 'string')) {
                if (!MANUAL_OWN.test(at.slice(1))) out.push({ file: rel, key: at.slice(1), en: o.en, ru: o.ru, kk: o.kk });
            } else for (const [k, v] of Object.entries(o)) walk(v, `${at}.${k}`, rel);
        }
    };
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
        walk(JSON.parse(readFileSync(path.join(dir, f), 'utf8')), '', `instruments/${f}`);
    }
    return out;
}

function check(rules, texts) {
  const faults = [];
  for (const x of texts) {
    for (const r of rules) {
      const text = x[r.lang];
      if (typeof text !== 'string' || typeof x.en !== 'string') continue;
      if (r.when && !r.when.test(x.en)) continue;
      if (r.unless && r.unless.test(x.en)) continue;
      if (r.must && !r.must.test(text)) {
        faults.push(`${x.file}: ${x.key} (${r.lang}) does not use the glossary's word for "${r.term}" (${r.where}: must match ${r.must.source})`);
      }
      const bad = r.never && r.never.exec(text);
      if (bad) faults.push(`${x.file}: ${x.key} (${r.lang}) uses "${bad[0]}", which the glossary forbids for "${r.term}" (${r.where})`);
    }
  }
  return faults;
}

try {
  const rules = readRules(path.join(root, 'docs/glossary.md'));
  const texts = [...catalogueTexts(), ...vocabTexts(), ...sourceTexts(), ...instrumentTexts()];
  if (process.env.QG_GLOSSARY_DUMP) for (const x of texts) console.log(JSON.stringify(x));
  const faults = check(rules, texts);
  for (const f of faults) console.log(f);
  if (faults.length) {
    console.log(`check-glossary: ${faults.length} text(s) break docs/glossary.md`);
    process.exitCode = 1;
  }
} catch (err) {
  console.log(`check-glossary: ${err.message}`);
  process.exitCode = 1;
}
