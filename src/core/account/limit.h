/*
 * limit.h — failure limits kept in the database, so they hold across every `qorgau
 * serve` process on one database: failed logins per account and per client address,
 * wrong current passwords, wrong reply codes per client address. Each counter is a row
 * of limit_failures keyed by a keyed hash (crypto_lookup_hash, domain "limit") of what
 * it counts ("login:<login>", "addr:<address>", "reply:<address>"), never the login or
 * the address itself. The rule of each counter is a throttle_rule: max_failures within
 * window_s block the key for block_s.
 *
 * The table holds at most qg_settings.limit_slots rows, so an attacker cannot grow it:
 * a new key takes the row of the unblocked key idle the longest; a blocked key is never
 * forgotten to make room, so a flood of new keys cannot lift a block. When every row is
 * blocked, new keys fail closed: they count as blocked until the first block ends.
 * Writes run inside the single writer's transaction, which on PostgreSQL holds the
 * database-wide write lock, so two servers never lose each other's failures.
 */
#ifndef QG_LIMIT_H
#define QG_LIMIT_H

#include <stdint.h>

#include "base/err.h"
#include "base/throttle.h"
#include "crypto/crypto.h"
#include "store/db.h"

/* Writes into out the counter key of value (e.g. a login) under kind ("login"). */
void limit_key(const qg_keys *keys, const char *kind, const char *value, char out[QG_HASH_HEX]);

/* Writes into out the counter key of a numeric client address under kind ("addr" for
 * logins, "reply" for reply codes): per IPv4 address, per /64 for IPv6
 * (throttle_addr_key). */
void limit_addr_key(const qg_keys *keys, const char *kind, const char *client_addr,
                    char out[QG_HASH_HEX]);

/* Sets *wait to the seconds key remains blocked at now (0 when it may try), on any
 * connection. A key without a row while slots or more rows are blocked counts as
 * blocked until the first of those blocks ends. */
qg_code limit_blocked(db *conn, const char *key, int64_t now, int slots, int *wait,
                      qg_error *err);

/* Records one failure of key at now under rule, inside the caller's write transaction,
 * and sets *wait to the seconds the key is now blocked (0 when it may still try). When
 * key is new and slots rows are all blocked, nothing is recorded and *wait is
 * rule->block_s, as if the key were blocked. */
qg_code limit_fail(db *conn, const char *key, int64_t now, const throttle_rule *rule, int slots,
                   int *wait, qg_error *err);

/* Forgets key's failures (after a success), inside the caller's write transaction. */
qg_code limit_reset(db *conn, const char *key, qg_error *err);

#endif
