#!/usr/bin/env bash
# report.sh — the report benchmark, run by `make bench-report`. For each size in
# BENCH_REPORT_SIZES (10000 100000 1000000) it:
#   1. writes that many made-up cases with build/release/bench/gen_csv (seed BENCH_SEED,
#      default 1) and imports them with `qorgau import cases` into a fresh database;
#   2. times `qorgau report victims --format json` and `qorgau report exploitation
#      --format json` (release build; the whole command: start, open, query, JSON, the
#      audit entry), best of BENCH_ROUNDS (3);
#   3. times the same aggregate as one SQL query (GROUP BY) run by the sqlite3
#      command-line tool on the same database, best of 3 — the reference. The program
#      reads the same rows with the same filters (src/core/report/report.c) but counts in C;
#      the SQL below has its open filters written in: every organisation, year and
#      region. Before timing, the script checks that both give the same counts;
#   4. prints the times, the ratios, PASS/FAIL against 1 s and 1.5x, and the growth
#      from one size to the next (PASS when 10x the cases costs at most 12x the time).
# The targets apply at 1,000,000 cases; smaller sizes show theirs in parentheses (there
# the fixed cost of a command, about 30 ms, dominates). A missed target is printed as
# FAIL and the exit status stays 0. Everything lives in a
# temporary directory removed on exit (BENCH_KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${BENCH_REPORT_SIZES:-"10000 100000 1000000"}
SEED=${BENCH_SEED:-1}
ROUNDS=${BENCH_ROUNDS:-3}

die() {
    echo "bench: $*" >&2
    exit 1
}

QORGAU=build/release/qorgau
GEN=build/release/bench/gen_csv

command -v sqlite3 >/dev/null || die "sqlite3 is missing: run scripts/deps.sh"
make --no-print-directory "$QORGAU" "$GEN" >/dev/null

work=$(mktemp -d /tmp/qorgau-bench-report.XXXXXX)
cleanup() {
    if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FILTER="c.stats_excluded = 0 AND (0 = 0 OR c.org_id = 0)
 AND c.identified_on >= '0000' AND c.identified_on < '9999'
 AND (CAST(NULL AS TEXT) IS NULL OR COALESCE(c.region, 'unknown') = NULL)"
SQL_VICTIMS="SELECT substr(c.identified_on, 1, 4),
 CASE WHEN c.age_at_identification IS NULL THEN 'unknown'
 WHEN c.sex = 'Masculine' THEN
  (CASE WHEN c.age_at_identification >= 18 THEN 'men' ELSE 'boys' END)
 WHEN c.sex = 'Feminine' THEN
  (CASE WHEN c.age_at_identification >= 18 THEN 'women' ELSE 'girls' END)
 ELSE 'unknown' END,
 COUNT(*) FROM cases c WHERE $FILTER GROUP BY 1, 2"
SQL_EXPLOITATION="SELECT substr(c.identified_on, 1, 4), COALESCE(e.form, 'unknown'), COUNT(*)
 FROM cases c LEFT JOIN case_exploitation e ON e.case_id = c.id
 WHERE $FILTER GROUP BY 1, 2"

now() { date +%s.%N; }

# best_of CMD...: the shortest wall time of ROUNDS runs, in seconds.
best_of() {
    local best="" t0 t1 t
    for _ in $(seq "$ROUNDS"); do
        t0=$(now)
        "$@" >/dev/null
        t1=$(now)
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", b - a}')
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$t; fi
    done
    echo "$best"
}

declare -A T
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
echo "Qorgau report benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) CPUs ($cpu), SQLite $(sqlite3 --version | cut -d' ' -f1)"
printf '%-9s %-13s %10s %10s %7s %-14s %-10s\n' cases report qorgau sqlite3 ratio "< 1 s" "<= 1.5x"
for n in $SIZES; do
    db="$work/r$n.db"
    "$GEN" --out "$work/c$n.csv" --rows "$n" --seed "$SEED" 2>/dev/null
    "$QORGAU" init --db "$db" >/dev/null
    org=$("$QORGAU" org add --db "$db" --name "Bench report NGO" --type ngo --region almaty)
    echo "bench: importing $n cases" >&2
    "$QORGAU" import cases "$work/c$n.csv" --org "$org" --db "$db" >/dev/null
    rm -f "$work/c$n.csv"
    for r in victims exploitation; do
        if [ "$r" = victims ]; then q=$SQL_VICTIMS; else q=$SQL_EXPLOITATION; fi
        # the program and the tool must agree on every count
        a=$("$QORGAU" report "$r" --db "$db" --format csv | tr -d '\r' | awk -F, 'NR == 2 {for (i = 3; i < NF; i++) h[i] = $i; next} NR > 2 && $2 != "total" {for (i = 3; i < NF; i++) if ($i != "0" && $i != "") print $2 "," h[i] "," $i}' | sort)
        b=$(sqlite3 -csv "$db" "$q" | sort)
        [ "$a" = "$b" ] || die "$r at $n cases: the report and sqlite3 disagree"
        tq=$(best_of "$QORGAU" report "$r" --db "$db" --format json)
        ts=$(best_of sqlite3 "$db" "$q")
        T[$r.$n]=$tq
        ratio=$(awk -v a="$tq" -v b="$ts" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
        abs=$(awk -v t="$tq" 'BEGIN {print (t < 1 ? "PASS" : "FAIL")}')
        rel=$(awk -v x="$ratio" 'BEGIN {print (x <= 1.5 ? "PASS" : "FAIL")}')
        if [ "$n" -lt 1000000 ]; then abs="($abs)"; rel="($rel)"; fi
        printf '%-9s %-13s %9.3fs %9.3fs %7s %-14s %-10s\n' "$n" "$r" "$tq" "$ts" "$ratio" "$abs" "$rel"
    done
    rm -f "$db" "$db-wal" "$db-shm"
done
echo
echo "growth of the report time (10x the cases; linear is 10, PASS at most 12):"
prev=""
for n in $SIZES; do
    if [ -n "$prev" ]; then
        for r in victims exploitation; do
            g=$(awk -v a="${T[$r.$prev]}" -v b="${T[$r.$n]}" 'BEGIN {printf "%.1f", (a > 0 ? b / a : 0)}')
            res=$(awk -v x="$g" 'BEGIN {print (x <= 12 ? "PASS" : "FAIL")}')
            printf '  %-13s %8s -> %-8s x%-6s %s\n' "$r" "$prev" "$n" "$g" "$res"
        done
    fi
    prev=$n
done
