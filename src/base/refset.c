/* refset.c — a set of short strings with a line each (see refset.h): open addressing
 * over FNV-1a hashes, the strings kept in one block. */
#include "base/refset.h"
#include "base/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS_FIRST 1024 /* a power of two */

typedef struct {
    uint64_t hash; /* 0 = empty slot */
    size_t off;    /* where the string starts in text */
    size_t len;
    size_t line;
} slot;

struct refset {
    slot *slots;
    size_t slot_count, used;
    char *text;
    size_t text_len, text_cap;
};

refset *refset_new(void)
{
    refset *s = qg_calloc(1, sizeof *s);
    if (s)
        s->slots = qg_calloc(SLOTS_FIRST, sizeof *s->slots);
    if (!s || !s->slots) {
        free(s);
        return NULL;
    }
    s->slot_count = SLOTS_FIRST;
    return s;
}

void refset_free(refset *s)
{
    if (!s)
        return;
    free(s->slots);
    free(s->text);
    free(s);
}

size_t refset_count(const refset *s) { return s->used; }

static uint64_t hash_of(const char *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
    return h | 1; /* never 0, which marks an empty slot */
}

/* The slot holding the string, or the empty slot where it belongs. */
static slot *find(const refset *s, uint64_t h, const char *p, size_t len)
{
    size_t mask = s->slot_count - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        slot *e = &s->slots[i];
        if (!e->hash || (e->hash == h && e->len == len && memcmp(s->text + e->off, p, len) == 0))
            return e;
    }
}

/* Doubles the slots once they are half full. */
static int grow_slots(refset *s)
{
    slot *old = s->slots;
    size_t old_count = s->slot_count;
    s->slots = qg_calloc(old_count * 2, sizeof *s->slots);
    if (!s->slots) {
        s->slots = old;
        return -1;
    }
    s->slot_count = old_count * 2;
    for (size_t i = 0; i < old_count; i++)
        if (old[i].hash)
            *find(s, old[i].hash, s->text + old[i].off, old[i].len) = old[i];
    free(old);
    return 0;
}

/* Copies the string to the end of text; returns its offset, or SIZE_MAX. */
static size_t keep_text(refset *s, const char *p, size_t len)
{
    if (s->text_len + len > s->text_cap) {
        size_t cap = s->text_cap ? s->text_cap : 65536;
        while (cap < s->text_len + len)
            cap *= 2;
        char *bigger = qg_realloc(s->text, cap);
        if (!bigger)
            return SIZE_MAX;
        s->text = bigger;
        s->text_cap = cap;
    }
    memcpy(s->text + s->text_len, p, len);
    s->text_len += len;
    return s->text_len - len;
}

int refset_add(refset *s, const char *ref, size_t len, size_t line, size_t *first_line)
{
    uint64_t h = hash_of(ref, len);
    slot *e = find(s, h, ref, len);
    if (e->hash) {
        *first_line = e->line;
        return 0;
    }
    size_t off = keep_text(s, ref, len);
    if (off == SIZE_MAX)
        return -1;
    *e = (slot){.hash = h, .off = off, .len = len, .line = line};
    s->used++;
    return s->used * 2 > s->slot_count && grow_slots(s) != 0 ? -1 : 1;
}
