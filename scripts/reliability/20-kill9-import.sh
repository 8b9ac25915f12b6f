#!/usr/bin/env bash
# 20-kill9-import.sh — kill -9 during `qorgau import cases` (issue 15 item 10). A generated
# CSV of $RELIABILITY_IMPORT_ROWS rows (200,000; bench/gen_csv.c) is imported once into a
# scratch database to time it; then, on the database under test, the import is killed with
# SIGKILL at 10%, 35%, 60% and 85% of that time (during the check pass and during the
# storing pass). The import is all or nothing (docs/import.md: one transaction), so after
# each kill the organisation must hold no case at all and `qorgau audit verify` must be
# intact; finally the whole file imports and every row is there.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/reliability/lib.sh
GEN_CSV=${GEN_CSV:-build/release/bench/gen_csv}

rows=${RELIABILITY_IMPORT_ROWS:-200000}
csv="$work/cases.csv"
"$GEN_CSV" --out "$csv" --rows "$rows" --seed 15 >/dev/null 2>&1

cases_in_org() { # the rows of `qorgau export cases --org 1`, header not counted
    "$QORGAU" export cases --org 1 --db "$db" | awk 'END {print NR - 1}'
}

# a full import on a scratch database, for its duration
db_under_test=$db
db="$work/scratch.db"
rel_init_db
t0=$(date +%s%N)
"$QORGAU" import cases "$csv" --org 1 --db "$db" >/dev/null
full_ms=$((($(date +%s%N) - t0) / 1000000))
echo "a whole import of $rows rows: $full_ms ms"
db=$db_under_test
rel_init_db

for percent in 10 35 60 85; do
    delay_ms=$((full_ms * percent / 100))
    "$QORGAU" import cases "$csv" --org 1 --db "$db" >/dev/null 2>&1 &
    import_pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -9 "$import_pid" 2>/dev/null || true
    wait "$import_pid" 2>/dev/null || true
    n=$(cases_in_org)
    echo "SIGKILL at $percent% ($delay_ms ms): the organisation holds $n cases (0 or $rows allowed)"
    [ "$n" -eq 0 ] || [ "$n" -eq "$rows" ] || die "a killed import left $n of $rows cases: half-written"
    rel_audit_verify
    if [ "$n" -eq "$rows" ]; then # the import had ended whole before the kill: start again
        rm -f "$db" "$db-wal" "$db-shm" "$db.key"
        rel_init_db
    fi
done
"$QORGAU" import cases "$csv" --org 1 --db "$db" >/dev/null
n=$(cases_in_org)
echo "after the kills, the whole file imports: $n of $rows cases"
[ "$n" -eq "$rows" ] || die "the import after the kills stored $n of $rows"
rel_audit_verify
