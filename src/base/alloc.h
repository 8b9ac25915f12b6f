/*
 * alloc.h — the allocator of Qorgau's own heap blocks and of jansson's, with a
 * fault-injection hook for tests.
 *
 * qg_malloc, qg_calloc, qg_realloc and qg_strdup behave as the C library's and are
 * released with free(). jansson allocates through qg_malloc too (crypto_init sets it).
 * A test may arm the hook so that the nth allocation from then on (counted over all
 * threads) returns NULL, once, to prove each out-of-memory path ends cleanly. Nothing
 * in src/ arms it. See qg_alloc_parsing for the one exception.
 */
#ifndef QG_ALLOC_H
#define QG_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* As malloc, calloc, realloc and strdup; NULL on failure (or an armed fault). The
 * caller owns the block and frees it with free(). */
void *qg_malloc(size_t size);
void *qg_calloc(size_t count, size_t size);
void *qg_realloc(void *p, size_t size);
char *qg_strdup(const char *s);

/* Marks the calling thread as inside jansson's parser (on) or out of it. jansson 2.14's
 * parser mishandles a failed allocation: it can drop a character and return a wrong
 * value, or write past a buffer (akheron/jansson#362). So while parsing, a failed
 * allocation aborts the process instead of reaching it, and an armed fault skips those
 * allocations. Use qg_json_loads (core/common/json_text.h) rather than calling this. */
void qg_alloc_parsing(bool on);

/* Makes the nth (n >= 1) allocation from now on fail, once; re-arming resets the
 * count. For tests only. */
void qg_alloc_fault_arm(long n);

/* Stops an armed allocation fault. */
void qg_alloc_fault_disarm(void);

/* Returns true when the armed allocation fault has fired since qg_alloc_fault_arm. */
bool qg_alloc_fault_fired(void);

#endif
