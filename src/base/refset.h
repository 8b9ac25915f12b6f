/*
 * refset.h — a set of short strings, each with the line it was first seen on: finds a
 * repeated external_ref among a million rows of an import without a query per row.
 * The strings are copied into one growing block, so a large set costs few allocations.
 */
#ifndef QG_REFSET_H
#define QG_REFSET_H

#include <stddef.h>

typedef struct refset refset;

/* Returns an empty set the caller frees with refset_free, or NULL when out of memory. */
refset *refset_new(void);

/* Frees the set and its strings. NULL is allowed. */
void refset_free(refset *s);

/* Adds the len bytes at ref with line, unless the set holds them already. Returns 1
 * when added, 0 when already there (with *first_line set to the line stored with
 * it), -1 when out of memory. */
int refset_add(refset *s, const char *ref, size_t len, size_t line, size_t *first_line);

/* Returns how many strings the set holds. */
size_t refset_count(const refset *s);

#endif
