#!/usr/bin/env bash
# lint-layers.sh — fails when a source file reaches across the layers.
#
# The layers, from the top: cli → api → core → store, crypto, http → base.
#   1. src/api and src/cli never touch storage: they include nothing from store/, call no
#      db_* or writer_* function (db_is_url, a test of a name, excepted), and use neither
#      the pool (app->readers) nor the writer (app->writer). Reads go through core's
#      services, which use app_read; writes through core's writer jobs.
#   2. src/base includes only src/base (and the system's headers).
#   3. src/store, src/crypto and src/http include nothing from core/, api/ or cli/.
#   5. Nothing under src/ arms a fault (db_fault_enable, db_fault_arm, qg_alloc_fault_arm):
#      fault injection is for tests only; the hooks' own files are excepted.
#   4. The rooms of src/core include only the rooms below them (CORE_ROOMS below, the
#      table of docs/architecture.md), and nothing from http/, api/ or cli/. A new room
#      must be given its place in that table first.
# Each violation is printed as FILE:LINE: TEXT with the rule it breaks.
#
# Usage: scripts/lint-layers.sh              prove the rules work (a quiet self-test), then
#                                           check this checkout's src/
#        scripts/lint-layers.sh ROOT         check ROOT/src/ only (any directory)
#        scripts/lint-layers.sh --self-test  prove each rule catches what it should: one
#                                           tree per violation must fail, a clean one pass
set -euo pipefail

# Storage functions the upper layers may still call: they touch no connection.
ALLOWED_DB_CALLS='db_is_url'
# A call of any db_ or writer_ function, or a mention of the pool or the writer's calls.
CALLS_STORAGE='\b(db|writer)_[A-Za-z0-9_]+\s*\(|\b(db_pool_[A-Za-z0-9_]*|db_prepare|writer_run|writer_conn)\b'

# Each core room and the other core rooms it may include (besides itself; every room may
# include base/, crypto/ and store/). Keep in step with docs/architecture.md.
declare -A CORE_ROOMS=(
    [vocab]=''
    [common]='vocab'
    [account]='common vocab'
    [case]='account common vocab'
    [instrument]='case account common vocab'
    [referral]='case account common vocab'
    [report]='account common vocab'
    [instance]='account common vocab'
    [work]='report referral case account common vocab'
)

status=0
SEP=$'\001' # sed's delimiter: a byte no pattern holds

# Prints the lines of the files under dir (recursively, *.c and *.h) that match the
# extended regex pattern once what matches except is taken out of them, leaving out
# comment lines; returns 1 when there are none.
matches() {
    local dir=$1 pattern=$2 except=$3
    [ -d "$dir" ] || return 1
    find "$dir" -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z |
        xargs -0 -r grep -nHE "$pattern" |
        grep -vE '^[^:]+:[0-9]+:\s*(/\*|\*|//)' |
        sed -E "s${SEP}${except}${SEP} ${SEP}g" | grep -E "$pattern" || return 1
}

# Reports every line under dir matching pattern (once except, when given, is taken out)
# as breaking rule.
forbid() {
    local dir=$1 pattern=$2 rule=$3 except=${4:-'^\b$'} found
    if found=$(matches "$dir" "$pattern" "$except"); then
        printf '%s\n' "$found" >&2
        echo "lint-layers: $rule" >&2
        status=1
    fi
}

check_tree() {
    local src=$1/src
    for top in api cli; do
        forbid "$src/$top" '#\s*include\s*"store/' \
            "src/$top includes store/: call a core service instead"
        forbid "$src/$top" "$CALLS_STORAGE" \
            "src/$top calls the database or the writer: call a core service instead" \
            "\b($ALLOWED_DB_CALLS)\s*\("
        forbid "$src/$top" '(->|\.)(readers|writer)\b' \
            "src/$top uses the app's pool or writer: call a core service instead"
    done
    forbid "$src/base" '#\s*include\s*"' \
        "src/base includes a header outside base" '#\s*include\s*"base/[^"/]+"'
    for low in store crypto http; do
        forbid "$src/$low" '#\s*include\s*"(core|api|cli)/' \
            "src/$low includes core/, api/ or cli/: it sits below them"
    done
    check_core_rooms "$src/core"
    forbid_arming "$src"
}

# Rule 5: only tests arm faults; src/ holds the hooks (base/alloc.c, store/db_fault.c).
forbid_arming() {
    local src=$1 found
    [ -d "$src" ] || return 0
    if found=$(find "$src" -type f \( -name '*.c' -o -name '*.h' \) \
            -not -path "$src/base/alloc.*" -not -path "$src/store/db_fault.*" -print0 |
            xargs -0 -r grep -nHE '\b(db_fault_enable|db_fault_arm|qg_alloc_fault_arm)\s*\(' |
            grep -vE '^[^:]+:[0-9]+:\s*(/\*|\*|//)'); then
        printf '%s\n' "$found" >&2
        echo "lint-layers: src/ arms a fault: fault injection is for tests only" >&2
        status=1
    fi
}

# Rule 4: each room of src/core includes only itself and the rooms CORE_ROOMS gives it.
check_core_rooms() {
    local core=$1 dir room allowed
    [ -d "$core" ] || return 0
    for dir in "$core"/*/; do
        room=$(basename "$dir")
        if [ -z "${CORE_ROOMS[$room]+set}" ]; then
            echo "lint-layers: src/core/$room is not in the table of rooms (CORE_ROOMS in" \
                "scripts/lint-layers.sh, and docs/architecture.md): give it its place" >&2
            status=1
            continue
        fi
        allowed=$(echo "$room ${CORE_ROOMS[$room]}" | xargs | tr ' ' '|')
        forbid "$dir" '#\s*include\s*"core/' \
            "src/core/$room includes a core room above it or beside it (it may include: $allowed)" \
            "#\\s*include\\s*\"core/($allowed)/"
        forbid "$dir" '#\s*include\s*"(http|api|cli)/' \
            "src/core/$room includes http/, api/ or cli/: core knows nothing of HTTP or the front ends"
    done
}

# Builds a tree holding one violation per rule and a clean file, and checks that the
# lint fails on each violation alone and passes on the clean tree.
self_test() {
    tmp=$(mktemp -d) # global: the EXIT trap removes it
    trap 'rm -rf "$tmp"' EXIT
    local -a cases=(
        'api/a.c|#include "store/db.h"'
        'cli/a.c|    db *conn = db_pool_acquire(app->readers);'
        'api/a.c|    st = db_prepare(conn, "SELECT 1", err);'
        'cli/a.c|    c = writer_run(w, fn, arg, err);'
        'cli/a.c|    conn = writer_conn(w);'
        'api/a.c|    if (db_is_url(p) && db_backup(c, p, err)) return;'
        'base/a.h|#include "base/text.h" /* then */ #include "http/http.h"'
        'api/a.c|    run(app->writer);'
        'base/a.c|#include "core/common/app.h"'
        'base/a.h|#include "store/db.h"'
        'store/a.c|#include "core/account/audit.h"'
        'crypto/a.c|#include "api/api.h"'
        'http/a.c|#include "cli/cli.h"'
        'core/common/a.c|#include "core/account/audit.h"'
        'core/report/a.h|#include "core/case/case.h"'
        'core/vocab/a.c|#include "core/common/rows.h"'
        'core/case/a.c|#include "http/http.h"'
        'core/zzz/a.c|#include "base/err.h"'
        'api/a.c|    qg_alloc_fault_arm(3);'
        'store/a.c|    db_fault_enable();'
    )
    local failures=0 entry file line
    for entry in "${cases[@]}"; do
        file=${entry%%|*}
        line=${entry#*|}
        rm -rf "$tmp/src"
        mkdir -p "$tmp/src/$(dirname "$file")"
        printf '/* a.c — a test file. */\n%s\n' "$line" >"$tmp/src/$file"
        if "$0" "$tmp" 2>/dev/null; then
            echo "lint-layers self-test: not caught: src/$file: $line" >&2
            failures=$((failures + 1))
        fi
    done
    rm -rf "$tmp/src"
    mkdir -p "$tmp/src/api" "$tmp/src/cli" "$tmp/src/base" "$tmp/src/store"
    printf '/* ok. */\n#include "core/common/app.h"\n/* writer_run(x) in a comment */\n' \
        >"$tmp/src/api/ok.c"
    printf '/* ok. */\nif (db_is_url(db_path)) return;\nchar db_path[8];\n' >"$tmp/src/cli/ok.c"
    printf '/* ok. */\n#include "base/err.h"\n#include <stdio.h>\n' >"$tmp/src/base/ok.c"
    printf '/* ok. */\n#include "base/err.h"\n#include "store/db.h"\n' >"$tmp/src/store/ok.c"
    mkdir -p "$tmp/src/core/case"
    printf '/* ok. */\n#include "core/case/case.h"\n#include "core/account/audit.h"\n' \
        >"$tmp/src/core/case/ok.c"
    if ! "$0" "$tmp"; then
        echo "lint-layers self-test: a clean tree fails" >&2
        failures=$((failures + 1))
    fi
    if [ "$failures" -ne 0 ]; then
        echo "lint-layers self-test: $failures failure(s)" >&2
        return 1
    fi
    echo "lint-layers self-test: ${#cases[@]} violations caught, clean tree passes"
}

case "${1:-}" in
--self-test)
    self_test
    exit $?
    ;;
"")
    self_test >/dev/null || exit 1 # a rule that no longer catches anything fails too
    check_tree "$(cd "$(dirname "$0")/.." && pwd)"
    ;;
*)
    check_tree "$1"
    ;;
esac
exit $status
