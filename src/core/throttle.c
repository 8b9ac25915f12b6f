/* throttle.c — fixed-size, in-memory failure counting (see throttle.h). */
#include "core/throttle.h"

#include <pthread.h>
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

/* A free slot, or else the one idle the longest. */
static slot *claim(throttle *t, const char *key)
{
    slot *best = &t->slots[0];
    for (int i = 0; i < t->count; i++) {
        slot *s = &t->slots[i];
        if (!s->key[0]) {
            best = s;
            break;
        }
        if (s->last_seen < best->last_seen)
            best = s;
    }
    memset(best, 0, sizeof *best);
    snprintf(best->key, sizeof best->key, "%s", key);
    return best;
}

static int remaining(const slot *s, int64_t now)
{
    return s && s->blocked_until > now ? (int)(s->blocked_until - now) : 0;
}

int throttle_blocked(throttle *t, const char *key, int64_t now)
{
    pthread_mutex_lock(&t->lock);
    int wait = remaining(find(t, key), now);
    pthread_mutex_unlock(&t->lock);
    return wait;
}

int throttle_fail(throttle *t, const char *key, int64_t now, const throttle_rule *rule)
{
    pthread_mutex_lock(&t->lock);
    slot *s = find(t, key);
    if (!s)
        s = claim(t, key);
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
