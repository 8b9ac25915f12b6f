/* alloc.c — the allocator with its fault-injection hook (see alloc.h). */
#include "base/alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_bool armed;
static _Thread_local bool parsing;
static atomic_long countdown;
static atomic_bool fired;

/* Counts one allocation; true when it is the one that must fail. */
static bool fault_due(void)
{
    if (!atomic_load_explicit(&armed, memory_order_relaxed))
        return false;
    if (atomic_fetch_sub(&countdown, 1) != 1)
        return false;
    atomic_store(&fired, true);
    return true;
}

/* Inside jansson's parser an allocation never fails: see qg_alloc_parsing. */
static void *parser_block(void *p)
{
    if (!p)
        abort();
    return p;
}

void *qg_malloc(size_t size)
{
    if (parsing)
        return parser_block(malloc(size));
    return fault_due() ? NULL : malloc(size);
}

void *qg_calloc(size_t count, size_t size) { return fault_due() ? NULL : calloc(count, size); }

void *qg_realloc(void *p, size_t size) { return fault_due() ? NULL : realloc(p, size); }

char *qg_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = qg_malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

void qg_alloc_parsing(bool on) { parsing = on; }

void qg_alloc_fault_arm(long n)
{
    atomic_store(&armed, false);
    atomic_store(&fired, false);
    atomic_store(&countdown, n);
    atomic_store(&armed, true);
}

void qg_alloc_fault_disarm(void) { atomic_store(&armed, false); }

bool qg_alloc_fault_fired(void) { return atomic_load(&fired); }
