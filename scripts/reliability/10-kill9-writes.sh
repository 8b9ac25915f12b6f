#!/usr/bin/env bash
# 10-kill9-writes.sh — kill -9 under write load (issue 15 item 10). Five rounds (or
# $RELIABILITY_KILL_ROUNDS) on one SQLite database: 8 connections create cases as fast as the
# server takes them (bench/hammer.c writes; each 201 is on record, flushed, before the next
# request), the server is killed with SIGKILL after a random 1-3 s, restarted, and every
# acknowledged case is read back. Checks: no acknowledged write lost (0), and
# `qorgau audit verify` intact after every round. Prints each round's figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/reliability/lib.sh

rounds=${RELIABILITY_KILL_ROUNDS:-5}
rel_init_db
total_acked=0
total_lost=0
for round in $(seq "$rounds"); do
    rel_start
    rel_login
    rel_hammer writes --threads 8 >"$work/acks.$round" &
    hammer_pid=$!
    delay_ms=$((1000 + RANDOM % 2000))
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    rel_stop -9
    wait "$hammer_pid" || true
    acked=$(grep -c '^ACK ' "$work/acks.$round" || true)
    [ "$acked" -gt 0 ] || die "round $round: no write was acknowledged before the kill"
    rel_start
    rel_login
    check=$(rel_hammer check <"$work/acks.$round") || true
    rel_stop
    lost=$(echo "$check" | awk '{print $4}')
    [ -n "$lost" ] || die "round $round: the check did not run: $check"
    total_acked=$((total_acked + acked))
    total_lost=$((total_lost + lost))
    echo "round $round: SIGKILL after $delay_ms ms; $acked acknowledged creates, $lost lost"
    rel_audit_verify
done
echo "kill -9 under writes: $rounds rounds, $total_acked acknowledged writes, $total_lost lost"
[ "$total_lost" -eq 0 ] || die "acknowledged writes were lost"
