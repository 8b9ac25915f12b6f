#!/usr/bin/env bash
# 60-soak.sh — ten minutes of mixed load (issue 15 item 10; $RELIABILITY_SOAK_SECONDS
# shortens it for trying): 4 connections each create a case with personal data, read it,
# read its personal part, change it and list cases, over and over (bench/hammer.c mixed).
# Prints the server's memory (VmRSS, VmHWM from /proc) at the start, every minute and at
# the end; the peak is reset after the login (argon2id takes 64 MiB once per login) where
# the kernel allows it. Checks: every answer 2xx, the audit trail intact afterwards, and
# resident memory at the end within $RELIABILITY_SOAK_GROWTH_MB (64 MB) of the start.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/reliability/lib.sh

seconds=${RELIABILITY_SOAK_SECONDS:-600}
growth_mb=${RELIABILITY_SOAK_GROWTH_MB:-64}
rel_init_db
rel_start --threads 8
rel_login
echo 5 >"/proc/$server_pid/clear_refs" 2>/dev/null || echo "(VmHWM could not be reset: it includes the login)"
start_rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")
echo "soak of $seconds s; server memory at the start: $(rel_memory)"
rel_hammer mixed --seconds "$seconds" --threads 4 >"$work/mixed.out" 2>"$work/mixed.err" &
hammer_pid=$!
elapsed=0
while kill -0 "$hammer_pid" 2>/dev/null; do
    sleep 1
    elapsed=$((elapsed + 1))
    if [ $((elapsed % 60)) -eq 0 ]; then echo "  after ${elapsed} s: $(rel_memory)"; fi
done
status=0
wait "$hammer_pid" || status=$?
end_rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")
echo "server memory at the end: $(rel_memory)"
echo "load: $(cat "$work/mixed.out")"
head -n 5 "$work/mixed.err"
rel_stop
rel_audit_verify
[ "$status" -eq 0 ] || die "some answers were not 2xx"
grown_kb=$((end_rss - start_rss))
echo "resident memory grew by $((grown_kb / 1024)) MB (limit $growth_mb MB)"
[ "$grown_kb" -le $((growth_mb * 1024)) ] || die "resident memory grew by more than $growth_mb MB"
