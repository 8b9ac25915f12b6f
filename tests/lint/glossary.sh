#!/usr/bin/env bash
# glossary.sh — tests scripts/check-glossary.mjs itself: on a small tree with this
# repository's docs/glossary.md, a catalogue that says the glossary's words passes, and
# one that uses each forbidden variant (a bare "келісім" or "келісімшарт" for the agreement
# in Kazakh, "согласие" or "договор" for it in Russian, "соглашение" for the consent,
# "супервизор", "іс жүргізуші" for the case manager, "Примечание" for a case note, "дело"
# for the case) fails naming the message; a code list's label, a C source's kk/ru/en table
# (the referral sheet, the child's record) and an instrument's own label are checked as
# well, and an instrument's question (the manual's own sentence) is not.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
check="$here/../../scripts/check-glossary.mjs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

tree() {
    rm -rf "$work/t"
    mkdir -p "$work/t/docs" "$work/t/web/i18n" "$work/t/src/core/vocab"
    cp "$here/../../docs/glossary.md" "$work/t/docs/"
    printf '%s\n' "$1" >"$work/t/web/i18n/x.json"
    printf '/* v.c */\nstatic const vocab_entry k[] = {\n    {"cooperation", NULL, "Cooperation agreement",\n     "%s", "%s"},\n};\n' \
        "$2" "$3" >"$work/t/src/core/vocab/v.c"
}

# expect NAME pass|fail [TEXT]
expect() {
    local name=$1 want=$2 text=${3:-} out rc=0
    out=$(node "$check" "$work/t" 2>&1) || rc=$?
    if { [ "$want" = pass ] && [ $rc -eq 0 ]; } ||
       { [ "$want" = fail ] && [ $rc -ne 0 ] && grep -qF -- "$text" <<<"$out"; }; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL glossary check: $name (wanted $want${text:+ with \"$text\"}; got rc=$rc)"
        echo "$out" | head -5
    fi
}

good='{"kk":{"a":"Ұйымаралық келісім жоқ","c":"Баланың келісімі жоқ","s":"супервайзер"},
 "ru":{"a":"Нет соглашения","c":"Нет согласия ребёнка","s":"супервайзер"},
 "en":{"a":"No agreement","c":"No consent of the child","s":"supervisor"}}'
tree "$good" "Соглашение о сотрудничестве" "Ынтымақтастық туралы келісім"
expect "the glossary's words" pass

tree '{"kk":{"a":"Келісім жоқ"},"ru":{"a":"Нет соглашения"},"en":{"a":"No agreement"}}' \
    "Соглашение о сотрудничестве" "Ынтымақтастық туралы келісім"
expect "a bare келісім for the agreement" fail 'web/i18n/x.json: a (kk) uses "Келісім"'

tree '{"kk":{"a":"Ұйымаралық келісімшарт жоқ"},"ru":{"a":"Нет соглашения"},"en":{"a":"No agreement"}}' \
    "Соглашение о сотрудничестве" "Ынтымақтастық туралы келісім"
expect "келісімшарт" fail 'uses "келісімшарт"'

tree '{"kk":{"a":"Ұйымаралық келісім жоқ"},"ru":{"a":"Нет согласия и договора"},"en":{"a":"No agreement"}}' \
    "Соглашение о сотрудничестве" "Ынтымақтастық туралы келісім"
expect "согласие for the agreement" fail 'a (ru) uses "согласия"'
expect "договор for the agreement" fail 'a (ru) uses "договор"'

tree '{"kk":{"c":"Келісім жоқ"},"ru":{"c":"Нет соглашения"},"en":{"c":"No consent"}}' \
    "Соглашение о сотрудничестве" "Ынтымақтастық туралы келісім"
expect "соглашение for the consent" fail 'c (ru) uses "соглашени"'

tree '{"kk":{"s":"супервизор"},"ru":{"s":"Супервизор"},"en":{"s":"supervisor"}}' \
    "Соглашение о сотрудничестве" "Ынтымақтастық туралы келісім"
expect "супервизор" fail 's (ru) uses "Супервизор"'

tree "$good" "Соглашение о сотрудничестве" "Ынтымақтастық келісімі"
expect "a code list's label" fail 'src/core/vocab/v.c: cooperation (kk) uses "келісім"'

tree '{"kk":{"m":"Іс жүргізуші"},"ru":{"m":"Кейс-менеджер"},"en":{"m":"Case manager"}}' \
    "Соглашение о сотрудничестве" "Ынтымақтастық туралы келісім"
expect "іс жүргізуші for the case manager" fail 'm (kk) uses "Іс жүргізуш"'

tree '{"kk":{"n":"Ескертпе"},"ru":{"n":"Примечание к делу"},"en":{"n":"Note on the case"}}' \
    "Соглашение о сотрудничестве" "Ынтымақтастық туралы келісім"
expect "Примечание for a case note" fail 'n (ru) uses "Примечани"'
expect "дело for the case" fail 'n (ru) uses "делу"'

# a C source's table: the referral sheet's {kk, ru, en} and the child record's structs
tree "$good" "Соглашение о сотрудничестве" "Ынтымақтастық туралы келісім"
mkdir -p "$work/t/src/core/referral" "$work/t/src/core/case"
printf '/* s.c */\nstatic const tri T[] = {\n    [T_X] = {"Жолдама", "Направление в дело",\n             "Referral to the case"},\n};\n' \
    >"$work/t/src/core/referral/referral_sheet.c"
expect "a referral sheet's text" fail 'src/core/referral/referral_sheet.c: T_X (ru) uses "дело"'
rm "$work/t/src/core/referral/referral_sheet.c"
printf '/* c.c */\nstatic const messages M[] = {\n    [LANG_KK] = {\n        .title = "Алғашқы көмек көрсетуші",\n    },\n    [LANG_EN] = {\n        .title = "First responder",\n    },\n};\n' \
    >"$work/t/src/core/case/child_record.c"
expect "the child record's text" fail 'src/core/case/child_record.c: title (kk) uses "Алғашқы көмек көрсетуш"'
rm "$work/t/src/core/case/child_record.c"

# an instrument's own label is checked; its question (the manual's sentence) is not
mkdir -p "$work/t/instruments"
printf '{"items":[{"text":{"kk":"Трафикер","ru":"Торговец людьми","en":"Trafficker"}}]}\n' >"$work/t/instruments/i.json"
expect "an instrument's question" pass
printf '{"items":[{"options":[{"label":{"kk":"Трафикер","ru":"Торговец людьми","en":"Trafficker"}}]}]}\n' >"$work/t/instruments/i.json"
expect "an instrument's label" fail 'instruments/i.json: items[0].options[0].label (kk) uses "Трафикер"'

echo "glossary check tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
