/* record.c — storing, changing, listing and reading the case forms (see record.h);
 * the shape of each form is record_forms.c's. */
#include "core/case/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/case/record_forms.h"
#include "core/common/rows.h"
#include "core/common/sealed.h"
#include "base/text.h"
#include "core/common/json_text.h"

#define RECORD_COLUMNS                                                                          \
    "r.n, r.on_date, r.due_on, r.withheld, cu.login, r.created_at, uu.login, r.updated_at," \
    " r.version, r.meta"
#define RECORD_FROM                                                                \
    " FROM case_records r LEFT JOIN users cu ON cu.id = r.created_by" \
    " LEFT JOIN users uu ON uu.id = r.updated_by"
#define COL_SEALED 10 /* after RECORD_COLUMNS, in the query of one record */

/* The content columns come first in both, so one binding serves both. */
static const char INSERT_SQL[] =
    "INSERT INTO case_records (on_date, due_on, meta, sealed, withheld, updated_by, updated_at,"
    " case_id, kind, n, created_by, created_at, version)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
static const char UPDATE_SQL[] =
    "UPDATE case_records SET on_date = ?, due_on = ?, meta = ?, sealed = ?, withheld = ?,"
    " updated_by = ?, updated_at = ?, version = version + 1"
    " WHERE case_id = ? AND kind = ? AND n = ?";

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const record_form *form;
    char code[QG_CODE_SIZE];
    int64_t n;
    int64_t version; /* update: the version the client saw; 0 when not given */
    record_parts parts;
    json_t *result; /* owned until handed to the caller */
} record_job;

static qg_code no_record(qg_error *err)
{
    return qg_fail(err, QG_ENOTFOUND, "n", "record.not_found", "no such record");
}

/* Asks the policy (before any lookup), checks the case code and finds the form. */
static qg_code prepare(record_job *j, qg_app *app, const qg_actor *actor, const char *kind,
                       const char *code_in, qg_action action, qg_error *err)
{
    memset(j, 0, sizeof *j);
    j->app = app;
    j->actor = actor;
    j->form = record_form_find(kind);
    qg_code c = case_precheck(actor, action, code_in, j->code, err);
    if (c == QG_OK && !j->form)
        c = qg_fail(err, QG_EINVAL, "kind", "value.not_in_list", "is not a kind of case record");
    return c;
}

static qg_code check_number(int64_t n, qg_error *err)
{
    return n >= 1 && n <= RECORD_NUMBER_MAX ? QG_OK : no_record(err);
}

static qg_code finish(qg_code c, record_job *j, json_t **out)
{
    if (c == QG_OK) {
        *out = j->result;
        j->result = NULL;
    }
    json_decref(j->result);
    record_parts_free(&j->parts);
    return c;
}

/* ---- reading rows ---------------------------------------------------------------------- */

static json_t *nullable_text(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

/* Who made and changed the row, when, and its version. */
static json_t *row_stamp(db_stmt *st)
{
    return json_pack("{s:o, s:s, s:o, s:s, s:I}", "created_by", nullable_text(st, 4), "created_at",
                     db_col_text(st, 5), "updated_by", nullable_text(st, 6), "updated_at",
                     db_col_text(st, 7), "version", (json_int_t)db_col_int(st, 8));
}

/* A list entry: number, dates, flag, stamp and the codes stored in clear. */
static json_t *list_row(db_stmt *st)
{
    json_t *meta = qg_json_loads(db_col_text(st, 9), JSON_REJECT_DUPLICATES, NULL),
           *stamp = row_stamp(st);
    json_t *row = json_pack("{s:I, s:s, s:o, s:b}", "n", (json_int_t)db_col_int(st, 0), "on",
                            db_col_text(st, 1), "due_on", nullable_text(st, 2),
                            "withheld_from_child", db_col_int(st, 3) != 0);
    bool ok = meta && stamp && row && json_object_update(row, stamp) == 0 &&
              json_object_update(row, meta) == 0;
    json_decref(meta);
    json_decref(stamp);
    if (ok)
        return row;
    json_decref(row);
    return NULL;
}

/* The parts of the current row, its text opened from the place it was sealed to. */
static qg_code row_parts(db_stmt *st, record_job *j, int64_t case_id, record_parts *p,
                         qg_error *err)
{
    size_t len = 0;
    snprintf(p->on, sizeof p->on, "%s", db_col_text(st, 1));
    snprintf(p->due, sizeof p->due, "%s", db_col_null(st, 2) ? "" : db_col_text(st, 2));
    p->withheld = db_col_int(st, 3) != 0;
    p->meta = qg_json_loads(db_col_text(st, 9), JSON_REJECT_DUPLICATES, NULL);
    if (!p->meta)
        return qg_fail(err, QG_EDB, NULL, "storage.damaged", "a stored record could not be read");
    const void *blob = db_col_blob(st, COL_SEALED, &len);
    return sealed_get(j->app->keys, case_id, j->form->kind, j->n, blob, len, &p->sealed, err);
}

/* The whole record of the current row: {"n", "kind", ...body, ...stamp}. */
static qg_code full_record(db_stmt *st, record_job *j, int64_t case_id, qg_error *err)
{
    record_parts p = {0};
    qg_code c = row_parts(st, j, case_id, &p, err);
    json_t *body = c == QG_OK ? record_form_body(j->form, &p) : NULL, *stamp = row_stamp(st);
    json_t *result = json_pack("{s:I, s:s}", "n", (json_int_t)j->n, "kind", j->form->kind);
    if (c == QG_OK && !(body && stamp && result && json_object_update(result, body) == 0 &&
                        json_object_update(result, stamp) == 0))
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (c == QG_OK && j->form->recorded_by)
        json_object_set(result, "recorded_by", json_object_get(stamp, "created_by"));
    if (c == QG_OK) {
        json_decref(j->result);
        j->result = result;
        result = NULL;
    }
    json_decref(result);
    json_decref(stamp);
    json_decref(body);
    record_parts_free(&p);
    return c;
}

/* Reads record j->n of the case, decrypted, into j->result. */
static qg_code load_one(db *conn, record_job *j, int64_t case_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT " RECORD_COLUMNS ", r.sealed" RECORD_FROM
                             " WHERE r.case_id = ? AND r.kind = ? AND r.n = ?",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    db_bind_text(st, 2, j->form->kind);
    db_bind_int(st, 3, j->n);
    int rc = db_step(st, err);
    qg_code c = rc == 1 ? full_record(st, j, case_id, err) : rc == 0 ? no_record(err) : err->code;
    db_done(st);
    return c;
}

/* ---- writing --------------------------------------------------------------------------- */


/* Binds the content columns 1-7 and the place 8-10 shared by INSERT_SQL and UPDATE_SQL. */
static void bind_content(db_stmt *st, const record_job *j, int64_t case_id, const char *meta,
                         const unsigned char *sealed, size_t len, const char *now)
{
    db_bind_text(st, 1, j->parts.on);
    db_bind_text(st, 2, j->parts.due[0] ? j->parts.due : NULL);
    db_bind_text(st, 3, meta);
    db_bind_blob(st, 4, sealed, len);
    db_bind_int(st, 5, j->parts.withheld);
    db_bind_id_or_null(st, 6, j->actor->user_id);
    db_bind_text(st, 7, now);
    db_bind_int(st, 8, case_id);
    db_bind_text(st, 9, j->form->kind);
    db_bind_int(st, 10, j->n);
}

/* Seals the text to its place and writes the record with sql (INSERT_SQL or UPDATE_SQL). */
static qg_code write_record(db *conn, record_job *j, int64_t case_id, const char *sql,
                            qg_error *err)
{
    unsigned char *sealed = NULL;
    size_t len = 0;
    char now[21], *meta = qg_json_dumps(j->parts.meta, JSON_COMPACT);
    qg_code c = meta ? sealed_put(j->app->keys, case_id, j->form->kind, j->n, j->parts.sealed,
                                  &sealed, &len, err)
                     : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    db_stmt *st = c == QG_OK ? db_prepare(conn, sql, err) : NULL;
    if (st) {
        db_now_iso(now);
        bind_content(st, j, case_id, meta, sealed, len, now);
        if (sql == INSERT_SQL) {
            db_bind_id_or_null(st, 11, j->actor->user_id);
            db_bind_text(st, 12, now);
        }
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(sealed);
    free(meta);
    return c;
}

/* The stored record must exist and, when the client said which version it changes,
 * still be that version. */
static qg_code check_version(db *conn, record_job *j, int64_t case_id, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn, "SELECT version FROM case_records WHERE case_id = ? AND kind = ? AND n = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    db_bind_text(st, 2, j->form->kind);
    db_bind_int(st, 3, j->n);
    int rc = db_step(st, err);
    int64_t stored = rc == 1 ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc != 1)
        return rc < 0 ? err->code : no_record(err);
    if (j->version && j->version != stored)
        return qg_fail(err, QG_ECONFLICT, "version", "version.stale",
                       "the record was changed meanwhile; read it again");
    return QG_OK;
}

static qg_code check_stored(db *conn, record_job *j, int64_t case_id, qg_error *err)
{
    return j->form->check_stored ? j->form->check_stored(conn, case_id, &j->parts, err) : QG_OK;
}

/* Appends "<kind>.<verb>" with the record's number only: no text, no codes. */
static qg_code audit_record(db *conn, record_job *j, const char *verb, qg_error *err)
{
    char action[48];
    snprintf(action, sizeof action, "%s.%s", j->form->kind, verb);
    json_t *detail = json_pack("{s:I}", "n", (json_int_t)j->n);
    qg_code c = detail ? audit_append(conn, j->app->keys, j->actor, action, j->code, detail, err)
                       : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(detail);
    return c;
}

/* ---- create and update ------------------------------------------------------------------- */

static qg_code create_in_tx(db *conn, void *arg, qg_error *err)
{
    record_job *j = arg;
    int64_t case_id;
    qg_code c = case_find_open(conn, j->actor, ACT_PERSONAL_UPDATE, j->code, &case_id, err);
    if (c == QG_OK)
        c = check_stored(conn, j, case_id, err);
    if (c == QG_OK)
        c = rows_next_number(
            conn, "SELECT COALESCE(MAX(n), 0) + 1 FROM case_records WHERE case_id = ? AND kind = ?",
            case_id, j->form->kind, &j->n, err);
    if (c == QG_OK)
        c = write_record(conn, j, case_id, INSERT_SQL, err);
    if (c == QG_OK)
        c = audit_record(conn, j, "create", err);
    if (c == QG_OK)
        c = load_one(conn, j, case_id, err);
    return c;
}

qg_code record_create(qg_app *app, const qg_actor *actor, const char *kind, const char *code,
                      json_t *body, json_t **out, qg_error *err)
{
    record_job j;
    *out = NULL;
    qg_code c = prepare(&j, app, actor, kind, code, ACT_PERSONAL_UPDATE, err);
    if (c == QG_OK)
        c = record_form_read(j.form, body, &j.parts, err);
    if (c == QG_OK)
        c = writer_run(app->writer, create_in_tx, &j, err);
    return finish(c, &j, out);
}

static qg_code update_in_tx(db *conn, void *arg, qg_error *err)
{
    record_job *j = arg;
    int64_t case_id;
    qg_code c = case_find_open(conn, j->actor, ACT_PERSONAL_UPDATE, j->code, &case_id, err);
    if (c == QG_OK)
        c = check_version(conn, j, case_id, err);
    if (c == QG_OK)
        c = check_stored(conn, j, case_id, err);
    if (c == QG_OK)
        c = write_record(conn, j, case_id, UPDATE_SQL, err);
    if (c == QG_OK)
        c = audit_record(conn, j, "update", err);
    if (c == QG_OK)
        c = load_one(conn, j, case_id, err);
    return c;
}

/* An update body is a create body plus an optional "version". */
static qg_code read_update_body(record_job *j, json_t *body, qg_error *err)
{
    json_t *version = json_object_get(body, "version");
    if (version && (!json_is_integer(version) || json_integer_value(version) < 1))
        return qg_fail(err, QG_EINVAL, "version", "version.format",
                       "must be the record's version, a whole number from 1");
    j->version = version ? json_integer_value(version) : 0;
    json_t *rest = json_is_object(body) ? json_copy(body) : json_incref(body);
    json_object_del(rest, "version");
    qg_code c = record_form_read(j->form, rest, &j->parts, err);
    json_decref(rest);
    return c;
}

qg_code record_update(qg_app *app, const qg_actor *actor, const char *kind, const char *code,
                      int64_t n, json_t *body, json_t **out, qg_error *err)
{
    record_job j;
    *out = NULL;
    qg_code c = prepare(&j, app, actor, kind, code, ACT_PERSONAL_UPDATE, err);
    j.n = n;
    if (c == QG_OK)
        c = check_number(n, err);
    if (c == QG_OK)
        c = read_update_body(&j, body, err);
    if (c == QG_OK)
        c = writer_run(app->writer, update_in_tx, &j, err);
    return finish(c, &j, out);
}

/* ---- reads --------------------------------------------------------------------------------- */

/* Is entry a of the list newer than entry b: a later date, or the same date and made
 * later? */
static bool newer(json_t *a, json_t *b)
{
    int by_date = strcmp(json_string_value(json_object_get(a, "on")),
                         json_string_value(json_object_get(b, "on")));
    return by_date > 0 || (by_date == 0 && json_integer_value(json_object_get(a, "n")) >
                                               json_integer_value(json_object_get(b, "n")));
}

/* Marks the newest record of an open case whose due date has passed: an overdue
 * safety-plan review is shown (L2453: re-assess safety plans regularly). */
static void mark_overdue(json_t *list, bool closed)
{
    char today[11];
    text_today(today);
    json_t *newest = NULL, *e;
    size_t i;
    json_array_foreach(list, i, e) {
        json_object_set_new(e, "review_overdue", json_false());
        if (!newest || newer(e, newest))
            newest = e;
    }
    const char *due = json_string_value(json_object_get(newest, "due_on"));
    if (newest && !closed && due && strcmp(due, today) < 0)
        json_object_set_new(newest, "review_overdue", json_true());
}

static void decorate_list(json_t *list, const record_form *form, bool closed)
{
    size_t i;
    json_t *e;
    if (form->recorded_by) {
        json_array_foreach(list, i, e)
            json_object_set(e, "recorded_by", json_object_get(e, "created_by"));
    }
    if (form->due_key)
        mark_overdue(list, closed);
}

static json_t *select_list(db *conn, const record_job *j, int64_t case_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT " RECORD_COLUMNS RECORD_FROM
                             " WHERE r.case_id = ? AND r.kind = ? ORDER BY r.n",
                             err);
    if (!st)
        return NULL;
    db_bind_int(st, 1, case_id);
    db_bind_text(st, 2, j->form->kind);
    return rows_collect(st, list_row, err);
}

typedef struct {
    const record_job *job;
    case_state state;
    json_t *list; /* owned until handed to the caller */
} list_read;

/* Finds the case the actor may read and selects its records (an app_read_fn). */
static qg_code read_list(db *conn, void *arg, qg_error *err)
{
    list_read *r = arg;
    qg_code c = case_state_for(conn, r->job->actor, ACT_CASE_READ, r->job->code, &r->state, err);
    if (c == QG_OK && !(r->list = select_list(conn, r->job, r->state.id, err)))
        c = err->code;
    return c;
}

qg_code record_list(qg_app *app, const qg_actor *actor, const char *kind, const char *code,
                    json_t **out, qg_error *err)
{
    record_job j;
    *out = NULL;
    qg_code c = prepare(&j, app, actor, kind, code, ACT_CASE_READ, err);
    if (c != QG_OK)
        return c;
    list_read r = {.job = &j};
    c = app_read(app, read_list, &r, err);
    if (c == QG_OK) {
        decorate_list(r.list, j.form, r.state.closed);
        *out = json_pack("{s:o}", j.form->plural, r.list);
        if (!*out)
            c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    }
    return c;
}

/* A write job: the audit entry and the read of the text happen together or not at all. */
static qg_code read_in_tx(db *conn, void *arg, qg_error *err)
{
    record_job *j = arg;
    int64_t case_id;
    qg_code c = case_find_for(conn, j->actor, ACT_PERSONAL_READ, j->code, &case_id, err);
    if (c == QG_OK)
        c = load_one(conn, j, case_id, err);
    if (c == QG_OK)
        c = audit_record(conn, j, "read", err);
    return c;
}

qg_code record_get(qg_app *app, const qg_actor *actor, const char *kind, const char *code,
                   int64_t n, json_t **out, qg_error *err)
{
    record_job j;
    *out = NULL;
    qg_code c = prepare(&j, app, actor, kind, code, ACT_PERSONAL_READ, err);
    j.n = n;
    if (c == QG_OK)
        c = check_number(n, err);
    if (c == QG_OK)
        c = writer_run(app->writer, read_in_tx, &j, err);
    return finish(c, &j, out);
}
