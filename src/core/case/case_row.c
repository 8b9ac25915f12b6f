/* case_row.c — reading, binding and writing one stored case from the one column table
 * CASE_FIELDS (see case_row.h). */
#include "core/case/case_row.h"

#include <stdio.h>
#include <string.h>

typedef enum { TEXT, INT, FLAG } field_kind;

typedef struct {
    const char *name;
    field_kind kind;
} case_field;

#define CASE_ENTRY_(name, kind) {#name, kind},
static const case_field fields_table[] = {CASE_FIELDS(CASE_ENTRY_)};
_Static_assert(sizeof fields_table / sizeof *fields_table == CASE_FIELD_COUNT, "CASE_FIELDS");

/* The column at i of the current row as JSON of the field's kind (null when NULL). */
static json_t *column_json(db_stmt *st, int i, field_kind kind)
{
    if (db_col_null(st, i))
        return json_null();
    switch (kind) {
    case INT:
        return json_integer(db_col_int(st, i));
    case FLAG:
        return json_boolean(db_col_int(st, i) != 0);
    default:
        return json_string(db_col_text(st, i));
    }
}

/* The fields of the current row, from column first on, as a new object (NULL when out
 * of memory). */
static json_t *fields_json(db_stmt *st, int first)
{
    json_t *o = json_object();
    for (int i = 0; o && i < CASE_FIELD_COUNT; i++) {
        json_t *v = column_json(st, first + i, fields_table[i].kind);
        if (!v || json_object_set_new(o, fields_table[i].name, v) != 0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

void case_row_read(db_stmt *st, case_row *r)
{
    r->id = db_col_int(st, 0);
    snprintf(r->code, sizeof r->code, "%s", db_col_text(st, 1));
    r->org_id = db_col_int(st, 2);
    r->created_by = db_col_int(st, 3);
    r->fields = fields_json(st, 4);
    int col = 4 + CASE_FIELD_COUNT;
    snprintf(r->created_at, sizeof r->created_at, "%s", db_col_text(st, col++));
    snprintf(r->updated_at, sizeof r->updated_at, "%s", db_col_text(st, col++));
    r->version = db_col_int(st, col++);
    r->has_personal = db_col_int(st, col++) != 0;
    r->facts = (case_facts){.org_id = r->org_id, .created_by = r->created_by,
                            .assigned_count = (int)db_col_int(st, col),
                            .actor_assigned = db_col_int(st, col + 1) != 0,
                            .handed_over = db_col_int(st, col + 2) != 0};
    const char *status = json_string_value(json_object_get(r->fields, "status"));
    r->facts.withdrawn = status && strcmp(status, "withdrawn") == 0;
}

void case_row_free(case_row *r)
{
    json_decref(r->fields);
    r->fields = NULL;
}

void case_fields_bind(db_stmt *st, json_t *fields, int first)
{
    for (int i = 0; i < CASE_FIELD_COUNT; i++) {
        json_t *v = json_object_get(fields, fields_table[i].name);
        int col = first + i;
        switch (fields_table[i].kind) {
        case INT:
            db_bind_int_or_null(st, col, json_is_integer(v), json_integer_value(v));
            break;
        case FLAG:
            db_bind_int_or_null(st, col, json_is_boolean(v), json_is_true(v));
            break;
        default:
            db_bind_text(st, col, json_string_value(v));
        }
    }
}

qg_code case_fields_write(db *conn, int64_t id, json_t *fields, qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st = db_prepare(conn,
                             "UPDATE cases SET " CASE_FIELDS(CASE_SET_)
                             "updated_at = ?, version = version + 1 WHERE id = ?",
                             err);
    if (!st)
        return err->code;
    case_fields_bind(st, fields, 1);
    db_bind_text(st, CASE_FIELD_COUNT + 1, now);
    db_bind_int(st, CASE_FIELD_COUNT + 2, id);
    return db_run(st, err);
}
