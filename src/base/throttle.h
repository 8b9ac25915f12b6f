/*
 * throttle.h — counting failed attempts per key (an account, a client address, a
 * one-time code) and blocking a key that fails too often within a window. Kept in
 * memory with a fixed number of slots, so an attacker cannot grow it. When full, a new
 * key takes the slot of the unblocked key idle the longest; a blocked key is never
 * forgotten to make room, so flooding the table with new keys cannot lift a block.
 * When every slot is blocked, new keys fail closed: they count as blocked until the
 * first block ends. Thread-safe.
 */
#ifndef QG_THROTTLE_H
#define QG_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct throttle throttle;

typedef struct {
    int max_failures; /* failures allowed within window_s before blocking */
    int window_s;
    int block_s;      /* how long a blocked key stays blocked */
} throttle_rule;

/* Returns a new, empty throttle with room for slots keys (at least 1; NULL when
 * slots < 1 or out of memory). Freed with throttle_free. */
throttle *throttle_new(int slots);

/* Frees a throttle. NULL is allowed. */
void throttle_free(throttle *t);

/* Returns the seconds key remains blocked at time now, or 0 when it may try. A key
 * not in the table while every slot is blocked counts as blocked until the first of
 * those blocks ends. */
int throttle_blocked(throttle *t, const char *key, int64_t now);

/* Records one failure of key at now under rule. Returns the seconds the key is now
 * blocked for (0 when it may still try). When key is new and every slot is blocked,
 * nothing is recorded and rule->block_s is returned, as if the key were blocked. */
int throttle_fail(throttle *t, const char *key, int64_t now, const throttle_rule *rule);

/* Forgets key's failures (after a success). */
void throttle_reset(throttle *t, const char *key);

/* Writes the throttle key of a numeric client address for counter kind ("addr" for
 * logins, "reply" for reply codes) into out: "kind:address" for IPv4 (also when written
 * IPv4-mapped), "kind:prefix/64" for IPv6, so one client cannot fail from a new
 * address of its /64 every time. */
void throttle_addr_key(const char *kind, const char *client_addr, char *out, size_t size);

#endif
