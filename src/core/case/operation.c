/* operation.c — starting, listing and ending the operations that lift the IIN limits
 * (see operation.h). */
#include "core/case/operation.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/account/policy.h"
#include "core/case/case_input.h"
#include "core/common/input.h"
#include "core/common/rows.h"

#define OPERATION_LIST_MAX 100

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const char *name;
    int64_t id, hours, now;
    json_t *result;
} operation_job;

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

/* Unix seconds as "YYYY-MM-DDTHH:MM:SSZ", or null for a NULL column i of st. */
static json_t *time_at(db_stmt *st, int i)
{
    if (db_col_null(st, i))
        return json_null();
    time_t t = (time_t)db_col_int(st, i);
    struct tm tm;
    char out[21];
    gmtime_r(&t, &tm);
    strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(out);
}

/* {"id", "login", "name"} of the user in columns i.., or null when there is none. */
static json_t *person_at(db_stmt *st, int i)
{
    if (db_col_null(st, i))
        return json_null();
    const char *name = db_col_text(st, i + 2);
    return json_pack("{s:I, s:s, s:o}", "id", (json_int_t)db_col_int(st, i), "login",
                     db_col_text(st, i + 1), "name", name ? json_string(name) : json_null());
}

#define OPERATION_SELECT                                                                    \
    "SELECT o.id, o.name, o.started_at, o.ends_at, o.ended_at,"                             \
    " s.id, s.login, s.name, e.id, e.login, e.name,"                                        \
    " (SELECT count(*) FROM iin_quota_log a WHERE a.operation_id = o.id), CAST(? AS BIGINT)" \
    " FROM operations o LEFT JOIN users s ON s.id = o.started_by"                           \
    " LEFT JOIN users e ON e.id = o.ended_by WHERE o.org_id = ?"

static json_t *operation_row(db_stmt *st)
{
    int64_t now = db_col_int(st, 12);
    bool active = db_col_null(st, 4) && db_col_int(st, 3) > now;
    return json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:I}", "id",
                     (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "started_by",
                     person_at(st, 5), "started_at", time_at(st, 2), "ends_at", time_at(st, 3),
                     "ended_at", time_at(st, 4), "ended_by", person_at(st, 8), "active", active,
                     "attempts", (json_int_t)db_col_int(st, 11));
}

/* j->result gets operation j->id of the actor's organisation, or QG_ENOTFOUND. */
static qg_code load_one(db *conn, operation_job *j, qg_error *err)
{
    db_stmt *st = db_prepare(conn, OPERATION_SELECT " AND o.id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->now);
    db_bind_int(st, 2, j->actor->org_id);
    db_bind_int(st, 3, j->id);
    json_t *rows = rows_collect(st, operation_row, err);
    if (!rows)
        return err->code;
    json_decref(j->result);
    j->result = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return j->result ? QG_OK
                     : qg_fail(err, QG_ENOTFOUND, "id", "operation.not_found",
                               "your organisation has no such operation");
}

static qg_code audit_operation(db *conn, operation_job *j, const char *action, qg_error *err)
{
    json_t *detail = json_pack("{s:I, s:I}", "operation", (json_int_t)j->id, "hours",
                               (json_int_t)j->hours);
    qg_code c = detail ? audit_append(conn, j->app->keys, j->actor, action, NULL, detail, err)
                       : oom(err);
    json_decref(detail);
    return c;
}

static qg_code may_manage(const qg_actor *actor, qg_error *err)
{
    if (policy_decide(actor, ACT_OPERATION_MANAGE, NULL) != POLICY_ALLOW || actor->org_id <= 0)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "only a supervisor manages the operations of their organisation");
    return QG_OK;
}

/* ---- starting ------------------------------------------------------------------------- */

static qg_code read_body(json_t *body, operation_job *j, qg_error *err)
{
    static const char *const keys[] = {"name", "hours", NULL};
    qg_code c = input_check_keys(body, keys, err);
    json_t *name = json_object_get(body, "name"), *hours = json_object_get(body, "hours");
    if (c == QG_OK && (!json_is_string(name) || !json_string_length(name)))
        c = qg_fail(err, QG_EINVAL, "name", "value.required",
                    "is required: say what the operation is");
    if (c == QG_OK)
        c = case_input_text(name, OPERATION_NAME_MAX, false, "name", err);
    if (c == QG_OK && (!json_is_integer(hours) || json_integer_value(hours) < 1 ||
                       json_integer_value(hours) > OPERATION_HOURS_MAX))
        c = qg_fail(err, QG_EINVAL, "hours", "number.out_of_range",
                    "must be a whole number from 1 to %d", OPERATION_HOURS_MAX);
    if (c == QG_OK) {
        j->name = json_string_value(name);
        j->hours = json_integer_value(hours);
    }
    return c;
}

static qg_code start_in_tx(db *conn, void *arg, qg_error *err)
{
    operation_job *j = arg;
    qg_code c = rows_next_number(conn, "SELECT COALESCE(MAX(id), 0) + 1 FROM operations"
                                       " WHERE ? >= 0", 0, NULL, &j->id, err);
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "INSERT INTO operations (id, org_id, name, started_by,"
                                          " started_at, ends_at) VALUES (?, ?, ?, ?, ?, ?)",
                                          err)
                             : NULL;
    if (c == QG_OK && !st)
        c = err->code;
    if (c == QG_OK) {
        db_bind_int(st, 1, j->id);
        db_bind_int(st, 2, j->actor->org_id);
        db_bind_text(st, 3, j->name);
        db_bind_int(st, 4, j->actor->user_id);
        db_bind_int(st, 5, j->now);
        db_bind_int(st, 6, j->now + j->hours * 3600);
        c = db_run(st, err);
    }
    if (c == QG_OK)
        c = audit_operation(conn, j, "operation.start", err);
    return c == QG_OK ? load_one(conn, j, err) : c;
}

static qg_code finish(qg_code c, operation_job *j, json_t **out)
{
    if (c == QG_OK)
        *out = j->result;
    else
        json_decref(j->result);
    return c;
}

qg_code operation_start(qg_app *app, const qg_actor *actor, json_t *body, json_t **out,
                        qg_error *err)
{
    operation_job j = {.app = app, .actor = actor, .now = (int64_t)time(NULL)};
    *out = NULL;
    qg_code c = may_manage(actor, err);
    if (c == QG_OK)
        c = read_body(body, &j, err);
    if (c == QG_OK)
        c = writer_run(app->writer, start_in_tx, &j, err);
    return finish(c, &j, out);
}

/* ---- listing -------------------------------------------------------------------------- */

static qg_code list_in_read(db *conn, void *arg, qg_error *err)
{
    operation_job *j = arg;
    db_stmt *st = db_prepare(conn, OPERATION_SELECT " ORDER BY o.id DESC LIMIT ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->now);
    db_bind_int(st, 2, j->actor->org_id);
    db_bind_int(st, 3, OPERATION_LIST_MAX);
    json_t *rows = rows_collect(st, operation_row, err);
    if (!rows)
        return err->code;
    j->result = json_pack("{s:o}", "operations", rows);
    return j->result ? QG_OK : oom(err);
}

qg_code operation_list(qg_app *app, const qg_actor *actor, json_t **out, qg_error *err)
{
    operation_job j = {.app = app, .actor = actor, .now = (int64_t)time(NULL)};
    *out = NULL;
    qg_code c = may_manage(actor, err);
    if (c == QG_OK)
        c = app_read(app, list_in_read, &j, err);
    return finish(c, &j, out);
}

/* ---- ending early --------------------------------------------------------------------- */

static qg_code end_in_tx(db *conn, void *arg, qg_error *err)
{
    operation_job *j = arg;
    qg_code c = load_one(conn, j, err);
    if (c == QG_OK && !json_is_true(json_object_get(j->result, "active")))
        c = qg_fail(err, QG_ECONFLICT, "id", "operation.ended", "the operation has already ended");
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "UPDATE operations SET ended_at = ?, ended_by = ?"
                                          " WHERE id = ? AND org_id = ?",
                                          err)
                             : NULL;
    if (c == QG_OK && !st)
        c = err->code;
    if (c == QG_OK) {
        db_bind_int(st, 1, j->now);
        db_bind_int(st, 2, j->actor->user_id);
        db_bind_int(st, 3, j->id);
        db_bind_int(st, 4, j->actor->org_id);
        c = db_run(st, err);
    }
    if (c == QG_OK)
        c = audit_operation(conn, j, "operation.end", err);
    return c == QG_OK ? load_one(conn, j, err) : c;
}

qg_code operation_end(qg_app *app, const qg_actor *actor, int64_t id, json_t **out,
                      qg_error *err)
{
    operation_job j = {.app = app, .actor = actor, .id = id, .now = (int64_t)time(NULL)};
    *out = NULL;
    qg_code c = may_manage(actor, err);
    if (c == QG_OK)
        c = writer_run(app->writer, end_in_tx, &j, err);
    return finish(c, &j, out);
}
