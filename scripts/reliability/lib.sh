# lib.sh — shared by the scripts of `make reliability` (sourced, not run): a throw-away
# directory, a database with one organisation and one supervisor, starting and stopping
# `qorgau serve` on a free port, logging in, and the audit check. Uses $QORGAU (the
# release binary, build/release/qorgau) and $HAMMER (build/release/bench/hammer), which
# run.sh exports. Everything stays on 127.0.0.1 and in $work, removed on exit.

QORGAU=${QORGAU:-build/release/qorgau}
HAMMER=${HAMMER:-build/release/bench/hammer}
REL_LOGIN=rel.sup
REL_PASSWORD=reliability-password-not-secret

work=$(mktemp -d /tmp/qorgau-rel.XXXXXX)
server_pid=""
port=""
token=""
csrf=""
db="$work/qorgau.db"

rel_cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap rel_cleanup EXIT
trap 'exit 130' INT TERM

die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

# A new database with organisation 1 and the supervisor $REL_LOGIN.
rel_init_db() {
    "$QORGAU" init --db "$db" >/dev/null 2>&1 || die "init failed"
    "$QORGAU" org add --name "Reliability NGO" --type ngo --region almaty --db "$db" \
        >/dev/null || die "org add failed"
    printf '%s\n' "$REL_PASSWORD" | "$QORGAU" user add --org 1 --login "$REL_LOGIN" \
        --role supervisor --db "$db" >/dev/null || die "user add failed"
}

# Starts the server on the database (extra arguments are passed on) and waits for its port.
rel_start() {
    local log="$work/server.$(date +%s%N).log"
    : >"$log"
    "$QORGAU" serve --db "$db" --bind 127.0.0.1 --port 0 "$@" 2>"$log" &
    server_pid=$!
    port=""
    for _ in $(seq 200); do
        port=$(sed -n 's|.*serving http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$log")
        [ -n "$port" ] && return 0
        kill -0 "$server_pid" 2>/dev/null || die "server did not start: $(cat "$log")"
        sleep 0.05
    done
    die "server did not report its port"
}

# Stops the server: rel_stop (SIGTERM, waits) or rel_stop -9 (SIGKILL).
rel_stop() {
    [ -n "$server_pid" ] || return 0
    if [ "${1:-}" = -9 ]; then kill -9 "$server_pid" 2>/dev/null; else kill "$server_pid" 2>/dev/null; fi
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# Logs in as $REL_LOGIN: sets $token and $csrf.
rel_login() {
    curl -sS --max-time 20 -D "$work/login.h" -o "$work/login.json" \
        -H 'Content-Type: application/json' \
        --data "{\"login\":\"$REL_LOGIN\",\"password\":\"$REL_PASSWORD\"}" \
        "http://127.0.0.1:$port/api/v1/session" || die "login: no answer"
    token=$(sed -n 's/^[Ss]et-[Cc]ookie: *qg_session=\([0-9a-f]*\);.*/\1/p' "$work/login.h")
    csrf=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$work/login.json")
    [ -n "$token" ] && [ -n "$csrf" ] || die "login failed: $(head -n 1 "$work/login.h")"
}

# The hammer with this server's port and session.
rel_hammer() {
    local mode=$1
    shift
    "$HAMMER" "$mode" --port "$port" --cookie "$token" --csrf "$csrf" "$@"
}

# `qorgau audit verify`; prints its line and fails the script when the trail is broken.
rel_audit_verify() {
    local out
    out=$("$QORGAU" audit verify --db "$db" 2>&1) || die "audit verify failed: $out"
    echo "  $out"
}

# The server's memory from /proc: "VmRSS N kB, VmHWM M kB".
rel_memory() {
    awk '/^VmRSS:/ {r = $2} /^VmHWM:/ {h = $2} END {printf "VmRSS %d kB, VmHWM %d kB", r, h}' \
        "/proc/$server_pid/status"
}
