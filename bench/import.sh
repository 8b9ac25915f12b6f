#!/usr/bin/env bash
# import.sh — the case import benchmark, run by `make bench-import`. In one run on this
# machine it:
#   1. writes a CSV file of BENCH_IMPORT_ROWS (1,000,000) made-up cases with
#      build/release/bench/gen_csv (deterministic for BENCH_SEED, default 1);
#   2. times `qorgau import cases FILE --org ID` (release build) into a fresh database:
#      both passes, the one transaction, its fsync and the WAL checkpoint at exit;
#   3. times `sqlite3 plain.db ".mode csv" ".import FILE plain"`, the same file into a
#      plain table without any check, index or constraint — the reference;
#   4. checks that the database then holds exactly that many cases and the plain table
#      that many rows, and prints both times, the ratio and PASS/FAIL against 60 s.
# A missed target is printed as FAIL and the exit status stays 0; a count that does
# not match exits 1. Everything lives in a temporary directory removed on exit
# (BENCH_KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${BENCH_IMPORT_ROWS:-1000000}
SEED=${BENCH_SEED:-1}
TARGET_S=60

die() {
    echo "bench: $*" >&2
    exit 1
}

QORGAU=build/release/qorgau
GEN=build/release/bench/gen_csv

command -v sqlite3 >/dev/null || die "sqlite3 is missing: run scripts/deps.sh (make bench-import does)"
make --no-print-directory "$QORGAU" "$GEN" >/dev/null # errors still reach stderr

work=$(mktemp -d /tmp/qorgau-bench-import.XXXXXX)
cleanup() {
    if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }

echo "bench: writing $ROWS rows (seed $SEED)" >&2
"$GEN" --out "$work/cases.csv" --rows "$ROWS" --seed "$SEED"
bytes=$(wc -c <"$work/cases.csv")

"$QORGAU" init --db "$work/qorgau.db" >/dev/null
org=$("$QORGAU" org add --db "$work/qorgau.db" --name "Bench import NGO" --type ngo --region almaty)

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
sync
echo "bench: qorgau import cases" >&2
t0=$(now)
"$QORGAU" import cases "$work/cases.csv" --org "$org" --db "$work/qorgau.db" >"$work/import.out"
t1=$(now)
sync
echo "bench: sqlite3 .import into a plain table" >&2
t2=$(now)
sqlite3 "$work/plain.db" ".mode csv" ".import $work/cases.csv plain"
t3=$(now)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

imported=$(sqlite3 "$work/qorgau.db" "SELECT count(*) FROM cases WHERE org_id = $org")
plain=$(sqlite3 "$work/plain.db" "SELECT count(*) FROM plain")
[ "$imported" = "$ROWS" ] || die "the database holds $imported cases, not $ROWS"
[ "$plain" = "$ROWS" ] || die "the plain table holds $plain rows, not $ROWS"

q=$(seconds "$t0" "$t1")
s=$(seconds "$t2" "$t3")
ratio=$(awk -v a="$q" -v b="$s" 'BEGIN {printf "%.1f", (b > 0 ? a / b : 0)}')
rate=$(awk -v n="$ROWS" -v t="$q" 'BEGIN {printf "%.0f", (t > 0 ? n / t : 0)}')
result=$(awk -v t="$q" -v m="$TARGET_S" 'BEGIN {print (t < m ? "PASS" : "FAIL")}')
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
db_mb=$(du -m "$work/qorgau.db" | cut -f1)
plain_mb=$(du -m "$work/plain.db" | cut -f1)

echo
echo "Qorgau import benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($cpu)"
echo "$ROWS rows, $((bytes / 1048576)) MiB of CSV (seed $SEED); SQLite $(sqlite3 --version | cut -d' ' -f1)"
printf '%-44s %9s s  %s\n' "qorgau import cases (checks, 1 transaction)" "$q" "$rate rows/s, database $db_mb MB"
printf '%-44s %9s s  %s\n' "sqlite3 .import into a plain table" "$s" "table $plain_mb MB"
echo "ratio qorgau / sqlite3: $ratio"
echo "target: $ROWS rows in under $TARGET_S s: $result"
echo "load average before: $load_before; after: $load_after"
echo "check: $imported cases stored, $plain rows in the plain table"
