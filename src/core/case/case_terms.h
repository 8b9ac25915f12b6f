/*
 * case_terms.h — the blind index of a case's personal data (issue 14): keyed terms that let
 * a worker find a child by name, birth date or both without anything readable in the
 * database. docs/security.md "Finding a child" explains the design and what a thief of the
 * database file learns.
 *
 * A term is crypto_search_term (BLAKE2b keyed with the search subkey, 63 bits) over the
 * case's organisation, a kind and a value:
 *   "p3", "p4", "p5"  the first 3, 4 and 5 letters of each folded word of the given name,
 *                     family name and patronymic (base/namefold.h). A word shorter than the
 *                     prefix gives its whole self with "$" after it, a value no prefix query
 *                     asks for: every word has its three terms, so their number tells nothing
 *                     of its length.
 *   "bd"              the birth date (its own, else the IIN's), YYYY-MM-DD;
 *   "who"             the folded given and family names, in either order, with the birth
 *                     date: a likely duplicate at registration;
 *   "nm"              the folded given and family names, in either order: whether the names
 *                     sent with a duplicate IIN are the registered child's.
 * Internal to src/core/case.
 */
#ifndef QG_CASE_TERMS_H
#define QG_CASE_TERMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/namefold.h"
#include "crypto/crypto.h"
#include "store/db.h"

#define CASE_TERMS_VERSION 1 /* raise when the terms change: cases are indexed again */
#define CASE_TERMS_PREFIX_MIN 3
#define CASE_TERMS_PREFIX_MAX 5

/* Replaces the terms of case_id (of organisation org_id) with those of personal (NULL or
 * {} = none) and marks the case indexed at CASE_TERMS_VERSION. personal stays the
 * caller's. */
qg_code case_terms_write(db *conn, const qg_keys *keys, int64_t case_id, int64_t org_id,
                         json_t *personal, qg_error *err);

/* Returns the term a prefix query asks for: the first min(strlen(folded),
 * CASE_TERMS_PREFIX_MAX) letters of a folded word of at least CASE_TERMS_PREFIX_MIN. */
int64_t case_terms_prefix(const qg_keys *keys, int64_t org_id, const char *folded);

/* Returns the birth-date term of date (YYYY-MM-DD). */
int64_t case_terms_birth_date(const qg_keys *keys, int64_t org_id, const char *date);

/* Writes personal's birth date (its own, else the one inside its IIN) as YYYY-MM-DD into
 * out and returns true, or returns false when it has none. */
bool case_terms_date_of(json_t *personal, char out[11]);

/* Sets *who to the "who" term (names and birth date) of personal and returns true, or
 * returns false when personal lacks a given name, a family name or a birth date. */
bool case_terms_who(const qg_keys *keys, int64_t org_id, json_t *personal, int64_t *who);

/* Sets *names to the "nm" term (given and family names) of personal and returns true, or
 * returns false when personal lacks either name. */
bool case_terms_names(const qg_keys *keys, int64_t org_id, json_t *personal, int64_t *names);

/* Returns true when some folded word of personal's given name, family name or patronymic
 * begins with folded (the check after a prefix query of more than CASE_TERMS_PREFIX_MAX
 * letters, on personal data decrypted in memory). */
bool case_terms_word_starts(json_t *personal, const char *folded);

#endif
