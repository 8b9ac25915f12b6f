#!/usr/bin/env bash
# run.sh — `make reliability`: runs every executable scripts/reliability/NN-*.sh in the
# order of its number, each against the release build (build/release/qorgau, which the
# Makefile target builds first with the tools in build/release/bench), and reports each
# script's verdict: PASS when it exits 0, FAIL otherwise. Each script prints its own
# figures (docs/reliability.md gathers them); its output is also kept in
# build/reliability/NN-name.log. RELIABILITY_ONLY="10 50" runs only the scripts whose
# numbers it lists. Exit status: 0 when every script passed, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/../.."
export QORGAU=${QORGAU:-$PWD/build/release/qorgau}
export HAMMER=${HAMMER:-$PWD/build/release/bench/hammer}
export GEN_CSV=${GEN_CSV:-$PWD/build/release/bench/gen_csv}
logs=build/reliability
mkdir -p "$logs"

verdicts=()
failed=0
for script in scripts/reliability/[0-9][0-9]-*.sh; do
    [ -x "$script" ] || continue
    name=$(basename "$script" .sh)
    number=${name%%-*}
    if [ -n "${RELIABILITY_ONLY:-}" ] && [[ " $RELIABILITY_ONLY " != *" $number "* ]]; then
        continue
    fi
    echo "=== $name ($(date -u +%H:%M:%S) UTC)"
    start=$(date +%s)
    "$script" 2>&1 | tee "$logs/$name.log"
    status=${PIPESTATUS[0]}
    took=$(($(date +%s) - start))
    if [ "$status" -eq 0 ]; then
        verdicts+=("PASS  $name (${took} s)")
    else
        verdicts+=("FAIL  $name (${took} s, exit $status)")
        failed=1
    fi
done

echo "=== make reliability: verdicts"
for v in "${verdicts[@]}"; do echo "$v"; done
[ ${#verdicts[@]} -gt 0 ] || echo "(no script ran)"
exit $failed
