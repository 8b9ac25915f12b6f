#!/usr/bin/env node
// check-glossary.mjs — fails when a message catalogue (web/i18n/*.json) or a code list's
// labels (src/core/vocab/*.c) use a word that docs/glossary.md forbids. The rules are the
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
  const texts = [...catalogueTexts(), ...vocabTexts()];
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
