#!/usr/bin/env bash
# 50-hidden-timing.sh — a hidden case answers like a missing one (issue 15 item 9), in
# time. A supervisor of one organisation asks for a case of another organisation (hidden
# from them: 404) and for a code no case has (404), $RELIABILITY_TIMING_COUNT times each
# (2,000), alternately on one keep-alive connection, for GET /api/v1/cases/CODE and for
# GET /api/v1/cases/CODE/personal. Prints the medians and quartiles in microseconds and the
# difference of the medians. Checks: both answer the same status; the difference of the
# medians is under $RELIABILITY_TIMING_MAX_US (5 us) — the issue found 5-15 us before.
# (make check holds the structural twin: test_services counts the statements and
# decryptions of both paths.)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/reliability/lib.sh

count=${RELIABILITY_TIMING_COUNT:-2000}
max_us=${RELIABILITY_TIMING_MAX_US:-5}
rel_init_db
"$QORGAU" org add --name "Other NGO" --type ngo --region astana --db "$db" >/dev/null
printf '%s\n' "$REL_PASSWORD" | "$QORGAU" user add --org 2 --login other.sup \
    --role supervisor --db "$db" >/dev/null
rel_start --threads 2
# the other organisation's case, with personal data
REL_LOGIN=other.sup rel_login
hidden=$(curl -sS --max-time 10 -H "Cookie: qg_session=$token" -H "X-CSRF-Token: $csrf" \
    -H 'Content-Type: application/json' \
    --data '{"sex":"Feminine","region":"astana","personal":{"given_name":"Synaq","family_name":"Balasy"}}' \
    "http://127.0.0.1:$port/api/v1/cases" | sed -n 's/.*"code":"\(QG-[^"]*\)".*/\1/p')
[ -n "$hidden" ] || die "could not create the other organisation's case"
missing=$("$HAMMER" newcode)
[ "$missing" != "$hidden" ] || die "drew the hidden case's code"
rel_login # the supervisor of organisation 1, who may not see it

verdict=0
for part in "" /personal; do
    echo "GET /api/v1/cases/CODE$part, $count times each: a = hidden, b = missing"
    out=$(rel_hammer timing --a "/api/v1/cases/$hidden$part" --b "/api/v1/cases/$missing$part" \
        --count "$count") || { echo "$out"; die "the hidden and the missing code answered differently"; }
    echo "$out" | sed 's/^/  /'
    diff=$(echo "$out" | awk '/difference of medians/ {print $(NF - 1)}')
    if awk -v d="$diff" -v m="$max_us" 'BEGIN {exit !(d > m || d < -m)}'; then
        echo "  FAIL: the medians differ by more than $max_us us"
        verdict=1
    fi
done
rel_stop
exit $verdict
