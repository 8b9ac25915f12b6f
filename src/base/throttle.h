/*
 * throttle.h — the shape of a failure limit (how many failures within which window block
 * a key for how long) and the key of a client address, for counting failed attempts per
 * account, client address or one-time code. The counting itself is kept in the database
 * so that it holds across every server process (core/account/limit.h).
 */
#ifndef QG_THROTTLE_H
#define QG_THROTTLE_H

#include <stddef.h>

typedef struct {
    int max_failures; /* failures allowed within window_s before blocking */
    int window_s;
    int block_s;      /* how long a blocked key stays blocked */
} throttle_rule;

/* Writes the throttle key of a numeric client address for counter kind ("addr" for
 * logins, "reply" for reply codes) into out: "kind:address" for IPv4 (also when written
 * IPv4-mapped), "kind:prefix/64" for IPv6, so one client cannot fail from a new
 * address of its /64 every time. */
void throttle_addr_key(const char *kind, const char *client_addr, char *out, size_t size);

#endif
