#!/usr/bin/env bash
# run.sh — runs one libFuzzer target for a bounded number of inputs (fixed seed, so a
# run is repeatable) from its checked-in seed corpus (corpus/NAME for fuzz_NAME), and
# reports it as one TAP test.
# Usage: run.sh FUZZER_BINARY [RUNS]
set -uo pipefail
fuzzer=$1
runs=${2:-${QORGAU_FUZZ_RUNS:-300000}}
name=$(basename "$fuzzer")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=$(dirname "$0")/corpus/${name#fuzz_}   # each target has its own seed corpus
cp "$corpus/"* "$work/"
echo "1..1"
if "$fuzzer" -runs="$runs" -seed=1 -max_len=4096 -rss_limit_mb=1024 "$work" >"$work/log" 2>&1; then
    echo "ok 1 - $name survived $runs inputs"
else
    tail -n 40 "$work/log"
    echo "not ok 1 - $name found a crash (see above)"
    exit 1
fi
