/*
 * case_input.h — validating what a user sends about a case, before anything is stored.
 *
 * Two parts, kept apart as in the data model: the non-identifying fields (readable for
 * analysis) and the personal part (encrypted). Unknown fields are refused, every
 * error names its field ("sex", "personal.iin", "personal.contacts[2].phone"), and no
 * error message ever repeats the value.
 */
#ifndef QG_CASE_INPUT_H
#define QG_CASE_INPUT_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"

#define CASE_AGE_MAX 120 /* adults are identified too (issue 6 counts men and women) */
#define CASE_BIRTH_YEAR_MIN 1900
#define CASE_DATE_MIN "2000-01-01"

/* Checks the non-identifying fields of obj (a create body or a PATCH): every value
 * given must be valid; what is absent is the caller's business (create fills defaults).
 * Refuses unknown fields (except those in also_allowed, a NULL-terminated list, e.g.
 * "personal", "version") naming the object that holds them, never the key itself.
 * Returns QG_OK or QG_EINVAL naming the field. */
qg_code case_input_check_fields(json_t *obj, const char *const *also_allowed, qg_error *err);

/* Checks one free text (personal data wherever it appears): a non-empty UTF-8
 * string of at most max bytes without control characters (newline and tab allowed
 * when multiline). Returns QG_OK or QG_EINVAL naming field, never echoing the text. */
qg_code case_input_text(json_t *v, size_t max, bool multiline, const char *field, qg_error *err);

/* Checks a personal-data object: known fields only, lengths, dates, the IIN. Returns
 * QG_OK or QG_EINVAL naming "personal.<field>". */
qg_code case_input_check_personal(json_t *personal, qg_error *err);

/* Checks that the personal part agrees with the non-identifying fields (IIN date vs
 * birth_date, IIN sex digit vs sex, birth date vs birth_year and age) and fills
 * birth_year and age_at_identification into fields when they are absent but can be
 * derived. fields is the merged view of the case (stored values plus changes). */
qg_code case_input_reconcile(json_t *fields, json_t *personal, qg_error *err);

/* Checks that a create body says something about the child, the least the manual asks
 * at identification (L2691-2693, "the victim's sex and age"): the sex, the age, the
 * birth year, or in the personal part a name, the birth date or the IIN. An empty case
 * cannot be found again nor counted. Returns QG_OK or QG_EINVAL naming "sex". */
qg_code case_input_check_not_empty(json_t *body, qg_error *err);

#endif
