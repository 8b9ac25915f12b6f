/*
 * org_shared.h — what the service directory and the agreements register share: strict
 * body keys, lists of codes and of languages, dates, and finding an organisation.
 * Errors name the field and never repeat a value.
 */
#ifndef QG_ORG_SHARED_H
#define QG_ORG_SHARED_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "core/vocab/vocab.h"
#include "store/db.h"

/* Checks that v is a list of at least one distinct code of list. Returns QG_OK or
 * QG_EINVAL naming field. */
qg_code org_check_codes(json_t *v, const vocab_list *list, const char *field, qg_error *err);

/* Checks that v is a list of 1..max distinct ISO 639 codes (2 or 3 lowercase letters).
 * Returns QG_OK or QG_EINVAL naming field. */
qg_code org_check_languages(json_t *v, size_t max, const char *field, qg_error *err);

/* Checks that v is a date "YYYY-MM-DD" that exists. Returns QG_OK or QG_EINVAL naming
 * field. */
qg_code org_check_date(json_t *v, const char *field, qg_error *err);

/* Inside a transaction or on a reader: sets *found to whether organisation id exists.
 * Returns QG_OK or a storage error. */
qg_code org_find(db *conn, int64_t id, bool *found, qg_error *err);

/* Inside a transaction or on a reader: organisation id as a new {"id", "name"}, or NULL
 * with err filled (a storage error, or no such organisation). Caller owns the result. */
json_t *org_ref_json(db *conn, int64_t id, qg_error *err);

/* As org_find, but an organisation that does not exist is QG_EINVAL naming field. */
qg_code org_require(db *conn, int64_t id, const char *field, qg_error *err);

#endif
