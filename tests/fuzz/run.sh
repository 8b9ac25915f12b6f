#!/usr/bin/env bash
# run.sh — runs one libFuzzer target from its checked-in seed corpus (corpus/NAME for
# fuzz_NAME) and reports it as one TAP test.
#
# Usage: run.sh FUZZER_BINARY [RUNS]
#   The short run of `make check`: a fixed seed (so a run is repeatable) and a bounded
#   number of inputs: RUNS, else $QORGAU_FUZZ_RUNS, else the target's own count below
#   (the targets differ a lot in cost per input), and never longer than
#   $QORGAU_FUZZ_SECONDS (default 6) seconds of wall time on a busy machine.
# Usage: run.sh --time SECONDS FUZZER_BINARY
#   The long run of `make fuzz` (FUZZ_SECONDS=N to change its length): a fresh seed
#   each time, for SECONDS, growing a corpus kept in corpus/ beside the binary.
# Either way a crashing input is kept in crashes/ beside the binary (build/fuzz/crashes/):
# add it to the corpus as regress-* once the bug is fixed.
set -uo pipefail
long=
if [ "${1:-}" = "--time" ]; then
    long=$2; shift 2
fi
fuzzer=$1
name=$(basename "$fuzzer")
case $name in
    fuzz_csv) own_runs=6000 ;;      # up to a 64 KiB file and a case import per input
    fuzz_api) own_runs=200000 ;;    # a route, a web file or a service body check
    *) own_runs=300000 ;;           # fuzz_input, fuzz_answers, fuzz_urlform: cheap inputs
esac
runs=${2:-${QORGAU_FUZZ_RUNS:-$own_runs}}
seconds=${QORGAU_FUZZ_SECONDS:-6}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=$(dirname "$0")/corpus/${name#fuzz_}   # each target has its own seed corpus
grown=$work/corpus
[ -n "$long" ] && grown=$(dirname "$fuzzer")/corpus/$name  # kept from one `make fuzz` to the next
mkdir -p "$grown"
cp -n "$corpus/"* "$grown/"
crashes=$(dirname "$fuzzer")/crashes
mkdir -p "$crashes"
common=(-max_len=4096 -rss_limit_mb=1024 -artifact_prefix="$crashes/$name-")
if [ -n "$long" ]; then
    args=(-max_total_time="$long" -print_final_stats=1)
    what="ran for $long s"
else
    args=(-runs="$runs" -seed=1 -max_total_time="$seconds")
    what="survived its inputs (at most $runs, $seconds s)"
fi
echo "1..1"
if "$fuzzer" "${args[@]}" "${common[@]}" "$grown" >"$work/log" 2>&1; then
    done_line=$(grep -E '^Done [0-9]+ runs' "$work/log" | tail -n 1)
    echo "ok 1 - $name $what${done_line:+: $done_line}"
else
    tail -n 40 "$work/log"
    echo "not ok 1 - $name found a crash (see above)"
    exit 1
fi
