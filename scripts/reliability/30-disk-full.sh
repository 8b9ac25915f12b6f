#!/usr/bin/env bash
# 30-disk-full.sh — a real full disk, then a real read-only disk, under a running server
# (issue 15, item 5), on a small tmpfs of its own:
#   1. a server on the tmpfs; a supervisor opens cases with (made-up) personal data;
#   2. a filler file takes every free byte; cases are opened until the first refusal
#      (SQLite may still commit into WAL space it already holds): then a 503 with
#      storage.full, health "full", a login and a personal read refused (503), the case
#      list, the health answer and the web's files still answered (200);
#   3. `qorgau backup` while the disk is full: made, and recorded in the copy's trail;
#   4. the filler is deleted: how long until health says "ok" again, no restart; a login
#      and a new case work; every acknowledged case is there and no other (nothing
#      half-written), and `qorgau audit verify` finds the chain intact;
#   5. the server stopped, the tmpfs remounted read-only, the server started on it:
#      health "read_only", a login and a personal read refused (503 storage.read_only),
#      the case list still answered with the session opened before; `qorgau backup` and
#      `qorgau audit verify` work on the read-only database; remounted read-write and
#      restarted, a login works again.
# Prints its figures and exits non-zero on a failed check.
#
# Usage: scripts/reliability/30-disk-full.sh [QORGAU_BIN]
#   the binary: the argument, else $QORGAU_BIN, else build/release/qorgau, else
#   build/asan/qorgau. DISK_MB (default 8) sizes the tmpfs. Needs root (mount): prints
#   "SKIP" and exits 0 when not root or when the mount is refused (a container).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-${QORGAU_BIN:-}}
if [ -z "$bin" ]; then
    for b in build/release/qorgau build/asan/qorgau; do
        if [ -x "$root/$b" ]; then bin="$root/$b"; break; fi
    done
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "30-disk-full: no qorgau binary (give its path)"; exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "30-disk-full: SKIP (not root: a small tmpfs cannot be mounted)"; exit 0
fi
work=$(mktemp -d /tmp/qorgau-disk.XXXXXX)
mnt=$work/disk
mkdir "$mnt"
if ! mount -t tmpfs -o "size=${DISK_MB:-8}m,mode=0700" tmpfs "$mnt" 2>/dev/null; then
    echo "30-disk-full: SKIP (mount -t tmpfs was refused here)"; rm -rf "$work"; exit 0
fi
pid=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
export QORGAU_TEST_CHEAP_PWHASH=1 # test builds hash passwords cheaply; release ignores it
db=$mnt/qorgau.db
password='made-up-Disk-passw0rd'
failed=0
base=""

ok() { echo "  ok   $1"; }
bad() { echo "  FAIL $1"; failed=$((failed + 1)); }
# expect WHAT WANT GOT
expect() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got $3, want $2"; fi; }

start_server() {
    : >"$work/server.log"
    "$bin" serve --db "$db" --port 0 2>>"$work/server.log" >/dev/null &
    pid=$!
    local port=""
    for _ in $(seq 1 100); do
        port=$(sed -n 's|.*serving http://[^:]*:\([0-9]*\)/.*|\1|p' "$work/server.log" | head -1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    if [ -z "$port" ]; then echo "30-disk-full: the server did not start:"; cat "$work/server.log"; exit 1; fi
    base="http://127.0.0.1:$port"
}

stop_server() {
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
}

# req JAR METHOD PATH [BODY]: the body in $work/body, the status on stdout.
req() {
    local jar=$1 method=$2 path=$3 body=${4:-}
    local args=(-s -o "$work/body" -w '%{http_code}' -X "$method" -b "$work/$jar" -c "$work/$jar")
    [ -f "$work/$jar.csrf" ] && args+=(-H "X-CSRF-Token: $(cat "$work/$jar.csrf")")
    [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data "$body")
    curl "${args[@]}" "$base$path"
}

reason() { sed -n 's/.*"reason":"\([^"]*\)".*/\1/p' "$work/body"; }
health() { curl -s "$base/api/v1/health" | sed -n 's/.*"storage":"\([^"]*\)".*/\1/p'; }

# login JAR: the status; keeps the CSRF token beside the jar.
login() {
    rm -f "$work/$1" "$work/$1.csrf"
    local s
    s=$(req "$1" POST /api/v1/session "{\"login\":\"sup.disk\",\"password\":\"$password\"}")
    [ "$s" = 201 ] && sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$work/body" >"$work/$1.csrf"
    echo "$s"
}

new_case() {
    req a POST /api/v1/cases \
        "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"personal\":{\"given_name\":\"Diskgul Madeupova $1\"}}"
}

count_cases() {
    req a GET '/api/v1/cases?limit=200' >/dev/null
    grep -o '"code":"QG-' "$work/body" | wc -l
}

audit_entries() { "$bin" audit verify --db "$1" 2>&1 | sed -n 's/^audit trail intact: \([0-9]*\) entries.*/\1/p'; }

echo "30-disk-full: $bin on a ${DISK_MB:-8} MiB tmpfs"
"$bin" init --db "$db" >/dev/null || { echo "init failed"; exit 1; }
org=$("$bin" org add --name 'Made-up Disk NGO' --type ngo --region almaty --db "$db")
printf '%s\n%s\n' "$password" "$password" |
    "$bin" user add --org "$org" --login sup.disk --role supervisor --db "$db" >/dev/null
start_server
expect "health before" ok "$(health)"
expect "login" 201 "$(login a)"
acked=0
for i in $(seq 1 20); do [ "$(new_case "$i")" = 201 ] && acked=$((acked + 1)); done
first=$(sed -n 's/.*"code":"\(QG-[^"]*\)".*/\1/p' "$work/body")
expect "20 cases opened" 20 "$acked"

# ---- the disk fills ----
dd if=/dev/zero of="$mnt/filler" bs=64k 2>/dev/null
filler_kib=$(( $(stat -c %s "$mnt/filler") / 1024 ))
after=0; refused=""; t0=$(date +%s%N)
for i in $(seq 21 2000); do
    s=$(new_case "$i")
    if [ "$s" = 201 ]; then acked=$((acked + 1)); after=$((after + 1)); continue; fi
    refused="$s $(reason)"; break
done
t_full_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "a new case refused once the disk is full" "503 storage.full" "$refused"
echo "  cases committed after the filler took the last $filler_kib KiB: $after (in $t_full_ms ms)"
expect "health" full "$(health)"
expect "a login" "503 storage.full" "$(login b) $(reason)"
expect "a personal read" "503 storage.full" "$(req a GET "/api/v1/cases/$first/personal") $(reason)"
expect "the case list" 200 "$(req a GET /api/v1/cases)"
expect "a case without personal data" 200 "$(req a GET "/api/v1/cases/$first")"
expect "a web file" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$base/js/core.js")"
if "$bin" backup "$work/full-copy.db" --db "$db" >/dev/null 2>"$work/backup.err" &&
   grep -q "copy's audit trail" "$work/backup.err"; then
    cp "$db.key" "$work/full-copy.db.key"
    copy_entries=$(audit_entries "$work/full-copy.db")
    if [ -n "$copy_entries" ]; then ok "backup on the full disk ($copy_entries entries, intact)"
    else bad "the backup's audit trail does not verify"; fi
else
    bad "backup on the full disk: $(cat "$work/backup.err")"
fi

# ---- space returns ----
rm -f "$mnt/filler"
t0=$(date +%s%N); state=""
for _ in $(seq 1 150); do state=$(health); [ "$state" = ok ] && break; sleep 0.1; done
t_back_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "health after the filler is deleted" ok "$state"
echo "  health ok again $t_back_ms ms after the filler was deleted (no restart)"
expect "a login after recovery" 201 "$(login b)"
s=$(new_case recovered); [ "$s" = 201 ] && acked=$((acked + 1))
expect "a new case after recovery" 201 "$s"
expect "every acknowledged case is there, no other" "$acked" "$(count_cases)"
stop_server
entries=$(audit_entries "$db")
if [ -n "$entries" ]; then ok "audit verify: intact, $entries entries"; else bad "audit verify"; fi

# ---- a read-only disk ----
if mount -o remount,ro "$mnt" 2>/dev/null; then
    start_server
    expect "health on a read-only disk" read_only "$(health)"
    expect "a login" "503 storage.read_only" "$(login b) $(reason)"
    expect "the case list (session opened before)" 200 "$(req a GET /api/v1/cases)"
    expect "a personal read" "503 storage.read_only" "$(req a GET "/api/v1/cases/$first/personal") $(reason)"
    if "$bin" backup "$work/ro-copy.db" --db "$db" >/dev/null 2>&1; then
        cp "$db.key" "$work/ro-copy.db.key"
        if [ -n "$(audit_entries "$work/ro-copy.db")" ]; then ok "backup of the read-only database"
        else bad "the read-only backup's audit trail does not verify"; fi
    else
        bad "backup of the read-only database"
    fi
    expect "audit verify on the read-only database" "$entries" "$(audit_entries "$db")"
    stop_server
    mount -o remount,rw "$mnt"
    start_server
    expect "health after remounting read-write and a restart" ok "$(health)"
    expect "a login" 201 "$(login b)"
    stop_server
else
    echo "  SKIP the read-only part (remount refused)"
fi
echo "30-disk-full: $acked cases acknowledged, $entries audit entries; $failed failed checks"
[ "$failed" = 0 ]
