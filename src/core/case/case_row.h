/*
 * case_row.h — one stored case as the case services read and write it (internal to
 * src/core/case): the one table of the case's own columns (CASE_FIELDS), the SQL
 * pieces made from it at compile time, and reading, binding and writing a row.
 *
 * db_prepare caches statements by the SQL pointer, so every statement built from
 * CASE_FIELDS is string-literal concatenation, never text assembled at run time.
 */
#ifndef QG_CASE_ROW_H
#define QG_CASE_ROW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "core/account/policy.h"
#include "core/case/child_code.h"
#include "store/db.h"

/* The case's own columns, in table order: X(name, kind), kind TEXT, INT or FLAG (an
 * integer 0/1 shown as a JSON boolean). The first six are the case's own, then its
 * profile (case_profile.h) and how it was closed; every one may be NULL. */
#define CASE_FIELDS(X)                                                               \
    X(sex, TEXT) X(citizenship, TEXT) X(region, TEXT) X(identified_on, TEXT)         \
    X(stage, TEXT) X(status, TEXT) X(external_ref, TEXT) X(exploitation_place, TEXT) \
    X(recruitment_method, TEXT) X(exit_method, TEXT) X(relation_to_trafficker, TEXT) \
    X(cj_stage, TEXT) X(victim_status, TEXT) X(status_decided_by, TEXT)              \
    X(accompaniment, TEXT) X(interpreter_language, TEXT) X(close_reason, TEXT)       \
    X(closed_on, TEXT) X(age_at_identification, INT) X(birth_year, INT)              \
    X(interpreter_needed, FLAG) X(non_punishment, FLAG)

#define CASE_COUNT_(name, kind) +1
enum { CASE_FIELD_COUNT = 0 CASE_FIELDS(CASE_COUNT_) };

/* "c.sex, c.citizenship, ..., c.non_punishment, " (each followed by ", "). */
#define CASE_SELECT_(name, kind) "c." #name ", "
/* "sex, citizenship, ..., non_punishment, " */
#define CASE_NAME_(name, kind) #name ", "
/* "?, ?, ..., ?, " (one per field) */
#define CASE_QMARK_(name, kind) "?, "
/* "sex = ?, citizenship = ?, ..., non_punishment = ?, " */
#define CASE_SET_(name, kind) #name " = ?, "

/* The columns of a case row (read with case_row_read); one parameter, the reader's
 * user id (whether they are assigned), comes first. */
#define CASE_COLUMNS                                                                           \
    "c.id, c.code, c.org_id, c.created_by, " CASE_FIELDS(CASE_SELECT_) "c.created_at,"         \
    " c.updated_at, c.version, EXISTS (SELECT 1 FROM case_personal p WHERE p.case_id = c.id)," \
    " (SELECT count(*) FROM case_assignments a WHERE a.case_id = c.id),"                       \
    " EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id AND a.user_id = ?),"     \
    " c.handed_over"

/* One stored case. */
typedef struct {
    int64_t id, org_id, created_by, version;
    char code[QG_CODE_SIZE];
    json_t *fields; /* the CASE_FIELDS as JSON (null when NULL), owned */
    char created_at[21], updated_at[21];
    bool has_personal;
    case_facts facts;
    int64_t grant_id, grant_expires; /* the reader's grant in effect (case_load_grant), or 0 */
} case_row;

/* Fills *r from the current row of a statement that selected CASE_COLUMNS. r->fields
 * is NULL when out of memory. Free with case_row_free. */
void case_row_read(db_stmt *st, case_row *r);

/* Frees what r owns and sets r->fields to NULL; may be called twice. */
void case_row_free(case_row *r);

/* Binds the CASE_FIELD_COUNT field columns, in CASE_FIELDS order, from parameter first
 * on, from fields (missing or mistyped values bind NULL). */
void case_fields_bind(db_stmt *st, json_t *fields, int first);

/* Writes fields (every CASE_FIELDS column) into case id, sets updated_at and bumps the
 * version. */
qg_code case_fields_write(db *conn, int64_t id, json_t *fields, qg_error *err);

#endif
