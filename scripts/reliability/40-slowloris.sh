#!/usr/bin/env bash
# 40-slowloris.sh — the long version of the flood test (issue 15 item 4): 2,000 slow
# connections that trickle their headers a byte every 400 ms from 8 addresses
# (127.0.0.2-9, 250 each, under the 256 per address), against the real `qorgau serve`
# with its production header deadline (5 s), while an office of 200 keep-alive
# connections behind one address (127.0.0.1) asks once a second each and a normal client
# opens a new connection every 100 ms. Prints the figures; fails when a slow connection
# outlives the deadline by more than 1.5 s or any office or normal request is not
# answered 200 within 2 s.
#
# The flood is test_slowloris of tests/blackbox/bb_http_defence.c, sized by environment
# (QG_FLOOD_SLOW, QG_FLOOD_ADDRS, QG_FLOOD_OFFICE, QG_FLOOD_DEADLINE; see that file).
#
# Usage: scripts/reliability/40-slowloris.sh [QORGAU_BINARY]
#   default binary: $QORGAU_BIN, else the first of build/rel/qorgau,
#   build/release/qorgau and build/asan/qorgau that exists.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-${QORGAU_BIN:-}}
if [ -z "$bin" ]; then
    for b in build/rel/qorgau build/release/qorgau build/asan/qorgau; do
        if [ -x "$b" ]; then bin=$b; break; fi
    done
fi
[ -n "$bin" ] && [ -x "$bin" ] || { echo "40-slowloris: no qorgau binary at $bin (make it first)" >&2; exit 1; }
test_bin=build/asan/tests/bb_http_defence
make -s "$test_bin" >/dev/null
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 3000 ]; then
    echo "40-slowloris: the open-file limit ($(ulimit -n)) is below 3000" >&2
    exit 1
fi
echo "== 40-slowloris: 2,000 slow connections against $bin"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
QORGAU_BIN=$(realpath "$bin") QG_FLOOD_ONLY=1 QG_FLOOD_SLOW=${QG_FLOOD_SLOW:-2000} \
    QG_FLOOD_ADDRS=${QG_FLOOD_ADDRS:-8} QG_FLOOD_OFFICE=${QG_FLOOD_OFFICE:-200} \
    QG_FLOOD_DEADLINE=${QG_FLOOD_DEADLINE:-5} "$test_bin" >"$out" 2>&1 || status=$?
grep -v '^\[' "$out" || true # cmocka's own lines hidden; failures still show their message
[ "$status" -eq 0 ] && echo "40-slowloris: ok" || echo "40-slowloris: FAILED"
exit "$status"
