#!/usr/bin/env bash
# reasons.sh — tests scripts/lint-reasons.pl: a small tree with an error site and a
# catalogue passes when they agree, and fails, saying why, when a site's reason is not a
# literal, has the wrong shape, lacks a sentence in one language, or when the catalogue
# holds a reason that no site uses. Also checks that the compiler refuses a qg_fail
# without a reason or with a reason that is not a string literal.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
lint="$repo/scripts/lint-reasons.pl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# tree C_LINE KK_JSON: src/a.c holding C_LINE and web/i18n/errors.json whose "kk" is
# KK_JSON ("ru" and "en" translate iin.check_digit).
tree() {
    rm -rf "$work/t"
    mkdir -p "$work/t/src" "$work/t/web/i18n"
    printf '/* a.c — a sample. */\nint f(void *err) {\n    %s\n}\n' "$1" >"$work/t/src/a.c"
    printf '{"kk": %s, "ru": {"errors.iin.check_digit": "Контрольная цифра ИИН не совпадает."},
 "en": {"errors.iin.check_digit": "The check digit does not match."}}\n' "$2" \
        >"$work/t/web/i18n/errors.json"
}
ok_kk='{"errors.iin.check_digit": "ЖСН-ның бақылау саны сәйкес келмейді."}'

# expect NAME pass|fail [TEXT]
expect() {
    local name=$1 want=$2 text=${3:-} out rc=0
    out=$(cd "$work/t" && QUIET=1 perl "$lint" . src/a.c 2>&1) || rc=$?
    if [ "$want" = pass ] && [ $rc -eq 0 ]; then
        passed=$((passed + 1))
    elif [ "$want" = fail ] && [ $rc -ne 0 ] && grep -qF -- "$text" <<<"$out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL reasons test '$name': wanted $want${text:+ ($text)}, got rc=$rc:" >&2
        echo "$out" | sed 's/^/    /' >&2
    fi
}

site='return qg_fail(err, QG_EINVAL, "iin", "iin.check_digit", "check digit does not match");'
tree "$site" "$ok_kk"
expect "site and catalogue agree" pass

tree 'return qg_fail(err, QG_EINVAL, "iin",
                   "iin.check_digit", "check digit does not match");' "$ok_kk"
expect "a call over two lines" pass

tree "$site" '{}'
expect "no Kazakh sentence" fail 'reason iin.check_digit has no "kk" sentence'

tree "$site" '{"errors.iin.check_digit": "  "}'
expect "a blank sentence" fail 'reason iin.check_digit has no "kk" sentence'

tree "$site" '{"errors.iin.check_digit": "x", "errors.iin.length": "y"}'
expect "a sentence nobody uses" fail '"kk" has errors.iin.length, a reason no error site in src/ uses'

tree 'return qg_fail(err, QG_EINVAL, "iin", "IIN check digit", "check digit does not match");' "$ok_kk"
expect "a reason of the wrong shape" fail 'reason "IIN check digit" is not dotted lower-case words'

tree 'return qg_fail(err, QG_EINVAL, "iin", "iin", "check digit does not match");' "$ok_kk"
expect "a reason of one word" fail 'reason "iin" is not dotted lower-case words'

tree 'return qg_fail(err, QG_EINVAL, "iin", why, "check digit does not match");' "$ok_kk"
expect "a reason that is not a literal" fail 'must be a string literal'

tree 'return api_fail_new(call, QG_EINVAL, "iin", "check digit does not match");' "$ok_kk"
expect "a forwarder's call without a reason" fail 'reason "check digit does not match" is not dotted'

tree 'return qg_fail_at(err, QG_EINVAL, "iin", "iin.check_digit", "check digit");' "$ok_kk"
expect "qg_fail_at with a literal" fail 'qg_fail_at forwards a reason given to it'

# The compiler: qg_fail is a macro that accepts only a literal reason.
compiles() {
    printf '#include "base/err.h"\nint f(qg_error *err, const char *why);\nint f(qg_error *err, const char *why) {\n    (void)why;\n    return qg_fail(err, QG_EINVAL, "iin", %s);\n}\n' "$1" >"$work/c.c"
    ${CC:-cc} -std=c11 -Wall -Wextra -Werror -I"$repo/src" -c "$work/c.c" -o "$work/c.o" 2>/dev/null
}
if compiles '"iin.check_digit", "check digit does not match"'; then passed=$((passed + 1));
else failed=$((failed + 1)); echo "FAIL reasons test: a qg_fail with a reason does not compile" >&2; fi
if compiles '"check digit does not match"'; then failed=$((failed + 1)); echo "FAIL reasons test: a qg_fail without a reason compiles" >&2;
else passed=$((passed + 1)); fi
if compiles 'why, "check digit does not match"'; then failed=$((failed + 1)); echo "FAIL reasons test: a qg_fail with a variable reason compiles" >&2;
else passed=$((passed + 1)); fi

echo "reason lint tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
