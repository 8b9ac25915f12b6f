#!/usr/bin/env bash
# pg-test.sh — runs a command next to a throw-away PostgreSQL server, so the tests of the
# PostgreSQL engine run against a real one. It installs the server when missing
# (deps.sh pg), makes a cluster in a new temporary directory (initdb run as the postgres
# system user when we are root), listening only on a unix socket inside that directory
# (no TCP), creates an empty database, exports QORGAU_TEST_PG=<its connection URI> and
# QORGAU_TEST_PG_REQUIRED=1, and runs the command. It also exports QORGAU_TEST_PG_HOST (the
# socket directory) and QORGAU_TEST_PG_BIN (the server's bin directory) so that
# scripts/run-tests.sh can give each test binary a database of its own (createdb -h HOST
# -U qorgau NAME). The cluster is stopped and removed when
# the command ends, however it ends. If no server can be started the command still runs,
# without QORGAU_TEST_PG: the PostgreSQL tests then fail (they are required) and say why.
# Its own messages go to stderr; the command's output is left as it is.
# Usage: pg-test.sh COMMAND [ARGS...]    Exit status: the command's.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export QORGAU_TEST_PG_REQUIRED=1
unset QORGAU_TEST_PG QORGAU_TEST_PG_HOST QORGAU_TEST_PG_BIN

dir=""
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)

cleanup() {
    if [ -n "$dir" ] && [ -d "$dir" ]; then
        if [ -f "$dir/data/postmaster.pid" ]; then
            "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
        fi
        rm -rf "$dir"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts the cluster and exports QORGAU_TEST_PG; returns non-zero (with a message) on failure.
start_cluster() {
    "$here/deps.sh" pg >&2 || return 1
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$bindir" ] && [ -x "$bindir/initdb" ] || { echo "pg-test.sh: no PostgreSQL server binaries" >&2; return 1; }
    dir=$(mktemp -d /tmp/qorgau-pg.XXXXXX) || return 1
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    if ! "${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U qorgau -A trust -E UTF8 --locale=C \
            --no-sync >"$dir/initdb.log" 2>&1; then
        echo "pg-test.sh: initdb failed:" >&2; tail -n 20 "$dir/initdb.log" >&2; return 1
    fi
    if ! "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
            -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c max_connections=200" \
            start >/dev/null 2>&1; then
        echo "pg-test.sh: the server did not start:" >&2; tail -n 20 "$dir/data/server.log" >&2; return 1
    fi
    if ! "$bindir/createdb" -h "$dir" -U qorgau qorgau_test >&2; then
        echo "pg-test.sh: createdb failed" >&2; return 1
    fi
    export QORGAU_TEST_PG="postgresql:///qorgau_test?host=$dir&user=qorgau"
    export QORGAU_TEST_PG_HOST="$dir" QORGAU_TEST_PG_BIN="$bindir"
}

start_cluster || echo "pg-test.sh: no PostgreSQL for the tests; they will fail" >&2
"$@"
