#!/usr/bin/env bash
# run-tests.sh — runs every test binary (cmocka, TAP output) and prints one closing line
# "N passed, N failed". A binary that crashes or exits non-zero before reporting all the
# tests it planned counts the missing ones as failed. A skipped test ("# SKIP") is
# neither: it is counted apart, and ", N skipped" ends the line when there are any.
# Usage: run-tests.sh BUILD_DIR TEST_BIN...
set -uo pipefail
build=$1; shift
export QORGAU_BIN="$PWD/$build/qorgau"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export CMOCKA_MESSAGE_OUTPUT=TAP
passed=0; failed=0; skipped=0
logdir="$build/test-logs"; mkdir -p "$logdir"
for t in "$@"; do
    # "RUNNER:TARGET" runs RUNNER with TARGET (e.g. the fuzz driver and a fuzzer).
    if [[ "$t" == *:* ]]; then cmd=("${t%%:*}" "${t#*:}"); else cmd=("$t"); fi
    name=$(basename "${cmd[-1]}")
    out="$logdir/$name.log"
    "${cmd[@]}" >"$out" 2>&1
    rc=$?
    p=$(grep -cE '^ok [0-9]+' "$out")
    s=$(grep -cE '^not ok [0-9]+ # SKIP' "$out")
    f=$(( $(grep -cE '^not ok [0-9]+' "$out") - s ))
    plan=$(grep -oE '^1\.\.[0-9]+' "$out" | head -n1 | cut -d. -f3)
    plan=${plan:-0}
    missing=$(( plan - p - f - s ))
    [ $missing -lt 0 ] && missing=0
    if [ $rc -ne 0 ] && [ $f -eq 0 ] && [ $missing -eq 0 ]; then missing=1; fi
    f=$(( f + missing ))
    passed=$(( passed + p )); failed=$(( failed + f )); skipped=$(( skipped + s ))
    if [ $f -gt 0 ]; then
        echo "FAIL $name ($p passed, $f failed; exit $rc) — log: $out"
        grep -vE '^ok [0-9]+' "$out" | tail -n 40 | sed 's/^/    /'
    else
        echo "ok   $name ($p passed$([ $s -gt 0 ] && echo ", $s SKIPPED"))"
    fi
done
echo "$passed passed, $failed failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
