#!/usr/bin/env bash
# run-tests.sh — runs every test binary (cmocka, TAP output) and prints one closing line
# "N passed, N failed". A binary that crashes or exits non-zero before reporting all the
# tests it planned counts the missing ones as failed. A skipped test ("# SKIP") is
# neither: it is counted apart, and ", N skipped" ends the line when there are any.
#
# The binaries run side by side, QORGAU_TEST_JOBS at a time (default: the number of
# processors plus two, since many tests wait on a server, a child process or the disk);
# each one's summary is printed as soon as it and every binary before it have finished,
# so the output keeps the order of the arguments. The longest binaries (by their time in
# the last run) start first. The browser journeys ("node:..." arguments) mostly wait on
# the browser, so they run in the pool too (started first); QORGAU_TEST_BROWSER_ALONE=1
# runs them last and alone instead. Every binary's output goes to
# BUILD_DIR/test-logs/NAME.log, its wall time in milliseconds into NAME.time.
#
# Beside a PostgreSQL of scripts/pg-test.sh (QORGAU_TEST_PG_HOST set), each binary gets a
# database of its own (created here, named after the binary) in QORGAU_TEST_PG, so two
# binaries running at once never touch each other's data. Servers bind port 0 and temporary
# directories come from mkdtemp, so they never collide either.
#
# The line before the closing one says how long the run took: from QORGAU_CHECK_START (a
# `date +%s` the Makefile exports, so `make check` is timed whole) as "<QORGAU_CHECK_LABEL>
# took M min S s", else from the start of this script as "tests took ...".
# Usage: run-tests.sh BUILD_DIR TEST_BIN...    ("RUNNER:TARGET" runs RUNNER with TARGET)
set -uo pipefail
build=$1; shift
started=${QORGAU_CHECK_START:-$(date +%s)}
label=${QORGAU_CHECK_LABEL:-tests}
jobs=${QORGAU_TEST_JOBS:-$(( $(nproc 2>/dev/null || echo 1) + 2 ))}
export QORGAU_BIN="$PWD/$build/qorgau"
export QORGAU_TEST_DATA="${QORGAU_TEST_DATA:-$PWD/tests/data}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export CMOCKA_MESSAGE_OUTPUT=TAP
# New password hashes in every test (the in-process unit tests, the qorgau the black-box
# tests and the browser journeys run) take libsodium's minimum argon2id cost instead of 64
# MiB: a switch only the test builds have (QG_TEST_HOOKS, src/crypto/crypto.c); the release
# build ignores it. test_crypto turns it off for itself and checks the real cost.
export QORGAU_TEST_CHEAP_PWHASH="${QORGAU_TEST_CHEAP_PWHASH-1}"
passed=0; failed=0; skipped=0
logdir="$build/test-logs"; mkdir -p "$logdir"
done_dir=$(mktemp -d /tmp/qorgau-run.XXXXXX) || exit 1
trap 'rm -rf "$done_dir"' EXIT

# The command words of argument $1 ("RUNNER:TARGET" or a binary) and its name.
split_item() {
    if [[ "$1" == *:* ]]; then cmd=("${1%%:*}" "${1#*:}"); else cmd=("$1"); fi
    name=$(basename "${cmd[-1]}")
}

# Makes the database of test binary $1 on the cluster of pg-test.sh and prints its URI;
# prints nothing (and says why on stderr) when it cannot.
own_database() {
    local db="t_${1//[^A-Za-z0-9_]/_}"
    if "$QORGAU_TEST_PG_BIN/createdb" -h "$QORGAU_TEST_PG_HOST" -U qorgau "$db" >&2; then
        echo "postgresql:///$db?host=$QORGAU_TEST_PG_HOST&user=qorgau"
    else
        echo "run-tests.sh: could not create the database $db" >&2
    fi
}

# Runs item $2 (argument number $1) with its output in its log, then leaves its exit
# status in $done_dir/$1 (written last, so it appears only when everything is in place).
# Call it in a subshell (or with &): it redirects its own stderr.
run_item() {
    local i=$1 cmd name
    split_item "$2"
    local out="$logdir/$name.log" t0 t1 rc
    # What createdb and this shell say (e.g. "Segmentation fault") goes to the log too, after
    # the binary's own output, never into the middle of another binary's summary.
    exec 2>"$out.side"
    t0=$(date +%s%N)
    (
        if [ -n "${QORGAU_TEST_PG_HOST:-}" ]; then
            QORGAU_TEST_PG=$(own_database "$name")
            export QORGAU_TEST_PG
            [ -n "$QORGAU_TEST_PG" ] || unset QORGAU_TEST_PG
        fi
        exec "${cmd[@]}" 2>&1
    ) >"$out"
    rc=$?
    t1=$(date +%s%N)
    cat "$out.side" >>"$out"
    rm -f "$out.side"
    echo "$(( (t1 - t0) / 1000000 ))" >"$logdir/$name.time"
    echo "$rc" >"$done_dir/$i.tmp" && mv "$done_dir/$i.tmp" "$done_dir/$i"
}

# Counts and prints the outcome of finished item $2 (argument number $1).
report_item() {
    local i=$1 cmd name
    split_item "$2"
    local out="$logdir/$name.log" rc p s f plan missing ms
    rc=$(cat "$done_dir/$i")
    ms=$(cat "$logdir/$name.time" 2>/dev/null || echo 0)
    p=$(grep -cE '^ok [0-9]+' "$out")
    s=$(grep -cE '^not ok [0-9]+ # SKIP' "$out")
    f=$(( $(grep -cE '^not ok [0-9]+' "$out") - s ))
    plan=$(grep -oE '^1\.\.[0-9]+' "$out" | head -n1 | cut -d. -f3)
    plan=${plan:-0}
    missing=$(( plan - p - f - s ))
    [ $missing -lt 0 ] && missing=0
    if [ "$rc" -ne 0 ] && [ $f -eq 0 ] && [ $missing -eq 0 ]; then missing=1; fi
    f=$(( f + missing ))
    passed=$(( passed + p )); failed=$(( failed + f )); skipped=$(( skipped + s ))
    local took
    took=$(printf '%d.%d s' $(( ms / 1000 )) $(( ms % 1000 / 100 )))
    if [ $f -gt 0 ]; then
        echo "FAIL $name ($p passed, $f failed; exit $rc; $took) — log: $out"
        grep -vE '^ok [0-9]+' "$out" | tail -n 40 | sed 's/^/    /'
    else
        echo "ok   $name ($p passed$([ $s -gt 0 ] && echo ", $s SKIPPED"); $took)"
    fi
}

items=("$@")
pool=(); alone=()
for i in "${!items[@]}"; do
    if [[ "${items[$i]}" == node:* && -n "${QORGAU_TEST_BROWSER_ALONE:-}" ]]; then
        alone+=("$i")
    else
        pool+=("$i")
    fi
done

# The order in which pooled items start: the longest first (by the time each took last
# run, in its .time file; the browser journeys, when they never ran here), so that no long
# binary starts last. Printing keeps the argument order whatever the start order.
start_order() {
    local i cmd name ms
    for i in "${pool[@]}"; do
        split_item "${items[$i]}"
        ms=$(cat "$logdir/$name.time" 2>/dev/null) || ms=""
        if [ -z "$ms" ]; then [[ "${items[$i]}" == node:* ]] && ms=999999999 || ms=0; fi
        echo "$ms $i"
    done | sort -k1,1nr -k2,2n | cut -d' ' -f2
}

# Prints, in argument order, every pooled item whose predecessors have all been printed.
next=0
report_ready() {
    while [ $next -lt ${#pool[@]} ] && [ -e "$done_dir/${pool[$next]}" ]; do
        report_item "${pool[$next]}" "${items[${pool[$next]}]}"
        next=$(( next + 1 ))
    done
}

for i in $(start_order); do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n
        report_ready
    done
    run_item "$i" "${items[$i]}" &
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do
    wait -n
    report_ready
done
wait
for i in "${pool[@]}"; do   # a runner that was killed itself counts as failed
    [ -e "$done_dir/$i" ] || echo 1 >"$done_dir/$i"
done
report_ready

for i in "${alone[@]}"; do
    (run_item "$i" "${items[$i]}")   # a subshell: run_item redirects its stderr
    report_item "$i" "${items[$i]}"
done

elapsed=$(( $(date +%s) - started ))
echo "$label took $(( elapsed / 60 )) min $(( elapsed % 60 )) s"
echo "$passed passed, $failed failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
