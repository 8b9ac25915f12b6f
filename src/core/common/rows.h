/*
 * rows.h — turning the rows of a query into a JSON array, one object per row, where a
 * row that cannot be encoded (or a failed step) is an error rather than a shorter list.
 */
#ifndef QG_ROWS_H
#define QG_ROWS_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

/* Steps st to the end, appending row_fn(st) for each row. Returns a new array the
 * caller owns, or NULL with err filled (QG_EDB when a row could not be encoded or a step
 * failed). Gives the statement back (db_done) either way. */
json_t *rows_collect(db_stmt *st, json_t *(*row_fn)(db_stmt *), qg_error *err);

/* Runs sql, a literal query of one number such as "SELECT COALESCE(MAX(n), 0) + 1 FROM
 * tasks WHERE case_id = ?" (statements are cached by pointer), binding case_id first
 * and kind second when kind is not NULL, and sets *n: the next number of a record
 * numbered within its case. */
qg_code rows_next_number(db *conn, const char *sql, int64_t case_id, const char *kind, int64_t *n,
                         qg_error *err);

#endif
