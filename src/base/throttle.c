/* throttle.c — fixed-size, in-memory failure counting (see throttle.h). */
#include "base/throttle.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 96

typedef struct {
    char key[KEY_MAX]; /* "" when the slot is free */
    int failures;
    int64_t window_start, blocked_until, last_seen;
} slot;

struct throttle {
    pthread_mutex_t lock;
    int count;
    slot *slots;
};

throttle *throttle_new(int slots)
{
    if (slots < 1)
        return NULL;
    throttle *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->slots = calloc((size_t)slots, sizeof *t->slots);
    if (!t->slots) {
        free(t);
        return NULL;
    }
    t->count = slots;
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

void throttle_free(throttle *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t->slots);
    free(t);
}

static slot *find(throttle *t, const char *key)
{
    for (int i = 0; i < t->count; i++)
        if (t->slots[i].key[0] && strncmp(t->slots[i].key, key, KEY_MAX - 1) == 0)
            return &t->slots[i];
    return NULL;
}

static bool is_blocked(const slot *s, int64_t now) { return s->blocked_until > now; }

/* A free slot, or else the unblocked one idle the longest (an attacker's one-failure
 * slots are cheap to lose), taken over for key. A blocked slot is never given up:
 * NULL when every slot is blocked. */
static slot *claim(throttle *t, const char *key, int64_t now)
{
    slot *best = NULL;
    for (int i = 0; i < t->count; i++) {
        slot *s = &t->slots[i];
        if (!s->key[0]) {
            best = s;
            break;
        }
        if (!is_blocked(s, now) && (!best || s->last_seen < best->last_seen))
            best = s;
    }
    if (!best)
        return NULL;
    memset(best, 0, sizeof *best);
    snprintf(best->key, sizeof best->key, "%s", key);
    return best;
}

/* When every slot is blocked (no key could be recorded), the seconds until the first
 * block ends; otherwise 0. */
static int table_full_for(const throttle *t, int64_t now)
{
    int64_t soonest = INT64_MAX;
    for (int i = 0; i < t->count; i++) {
        const slot *s = &t->slots[i];
        if (!s->key[0] || !is_blocked(s, now))
            return 0;
        if (s->blocked_until < soonest)
            soonest = s->blocked_until;
    }
    return (int)(soonest - now);
}

static int remaining(const slot *s, int64_t now)
{
    return s && s->blocked_until > now ? (int)(s->blocked_until - now) : 0;
}

int throttle_blocked(throttle *t, const char *key, int64_t now)
{
    pthread_mutex_lock(&t->lock);
    slot *s = find(t, key);
    int wait = s ? remaining(s, now) : table_full_for(t, now);
    pthread_mutex_unlock(&t->lock);
    return wait;
}

int throttle_fail(throttle *t, const char *key, int64_t now, const throttle_rule *rule)
{
    pthread_mutex_lock(&t->lock);
    slot *s = find(t, key);
    if (!s)
        s = claim(t, key, now);
    if (!s) { /* no room without forgetting a block: fail closed */
        pthread_mutex_unlock(&t->lock);
        return rule->block_s;
    }
    if (now - s->window_start >= rule->window_s) {
        s->window_start = now;
        s->failures = 0;
    }
    s->failures++;
    s->last_seen = now;
    if (s->failures >= rule->max_failures)
        s->blocked_until = now + rule->block_s;
    int wait = remaining(s, now);
    pthread_mutex_unlock(&t->lock);
    return wait;
}

void throttle_reset(throttle *t, const char *key)
{
    pthread_mutex_lock(&t->lock);
    slot *s = find(t, key);
    if (s)
        memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&t->lock);
}

/* IPv4 (also written IPv4-mapped, ::ffff:a.b.c.d) as it is, IPv6 as its /64 prefix,
 * since one client usually holds a whole /64 and could fail from a new address every
 * time; anything else (no address known) as it is. */
void throttle_addr_key(const char *kind, const char *client_addr, char *out, size_t size)
{
    struct in6_addr a6;
    char text[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET6, client_addr, &a6) != 1) {
        snprintf(out, size, "%s:%s", kind, client_addr);
        return;
    }
    if (IN6_IS_ADDR_V4MAPPED(&a6) && inet_ntop(AF_INET, &a6.s6_addr[12], text, sizeof text)) {
        snprintf(out, size, "%s:%s", kind, text);
        return;
    }
    memset(&a6.s6_addr[8], 0, 8);
    if (!inet_ntop(AF_INET6, &a6, text, sizeof text)) {
        snprintf(out, size, "%s:%s", kind, client_addr);
        return;
    }
    snprintf(out, size, "%s:%s/64", kind, text);
}
