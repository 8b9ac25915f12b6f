/* need.c — a case's suggested urgent needs and marking them addressed (see need.h). */
#include "core/instrument/need.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/common/input.h"
#include "core/common/rows.h"
#include "core/vocab/vocab.h"

#define NEED_COLUMNS                                                              \
    "n.need, n.screening_n, n.suggested_at, n.addressed_how, n.addressed_reason," \
    " n.addressed_on, u.login, n.addressed_at"
#define NEED_FROM " FROM case_needs n LEFT JOIN users u ON u.id = n.addressed_by"

static qg_code oom(qg_error *err)
{
    return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

static json_t *text_or_null(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

/* One need as the API shows it: open, or addressed with how, why, on which day, by whom. */
static json_t *need_row(db_stmt *st)
{
    bool addressed = !db_col_null(st, 3);
    json_t *how = addressed ? json_pack("{s:s, s:o, s:o, s:o, s:o}", "how", db_col_text(st, 3),
                                        "reason", text_or_null(st, 4), "on", text_or_null(st, 5),
                                        "by", text_or_null(st, 6), "at", text_or_null(st, 7))
                            : json_null();
    if (!how)
        return NULL;
    return json_pack("{s:s, s:I, s:s, s:s, s:o}", "need", db_col_text(st, 0), "screening",
                     (json_int_t)db_col_int(st, 1), "suggested_at", db_col_text(st, 2), "status",
                     addressed ? "addressed" : "open", "addressed", how);
}

/* ---- the list -------------------------------------------------------------------------- */

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    const char *need; /* the need being marked or reopened */
    const char *how, *reason;
    char on[11];
    json_t *result; /* owned until handed to the caller */
} need_job;

static qg_code list_in(db *conn, void *arg, qg_error *err)
{
    need_job *j = arg;
    int64_t case_id;
    qg_code c = case_find_for(conn, j->actor, ACT_CASE_READ, j->code, &case_id, err);
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "SELECT " NEED_COLUMNS NEED_FROM
                                          " WHERE n.case_id = ? ORDER BY n.suggested_at, n.need",
                                          err)
                             : NULL;
    if (c == QG_OK && !st)
        return err->code;
    if (st) {
        db_bind_int(st, 1, case_id);
        if (!(j->result = rows_collect(st, need_row, err)))
            c = err->code;
    }
    return c;
}

/* {"needs": list, "open": n, "addressed": n} from the list (stolen). */
static json_t *with_counts(json_t *list)
{
    size_t i, open = 0;
    json_t *n;
    json_array_foreach(list, i, n)
    {
        if (strcmp(json_string_value(json_object_get(n, "status")), "open") == 0)
            open++;
    }
    size_t all = json_array_size(list);
    return json_pack("{s:o, s:I, s:I}", "needs", list, "open", (json_int_t)open, "addressed",
                     (json_int_t)(all - open));
}

qg_code need_list(qg_app *app, const qg_actor *actor, const char *code_in, json_t **out,
                  qg_error *err)
{
    need_job j = {.app = app, .actor = actor};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_CASE_READ, code_in, j.code, err);
    if (c == QG_OK)
        c = app_read(app, list_in, &j, err);
    if (c == QG_OK && !(*out = with_counts(j.result)))
        return oom(err);
    if (c != QG_OK)
        json_decref(j.result);
    return c;
}

/* ---- marking and reopening --------------------------------------------------------------- */

static qg_code check_need(const char *need, qg_error *err)
{
    return need && vocab_has(&VOCAB_NEED, need)
               ? QG_OK
               : qg_fail(err, QG_EINVAL, "need", "value.not_in_list", "is not a known need code");
}

static qg_code check_on(json_t *v, char out[11], qg_error *err)
{
    int y, m, d;
    if (!v || json_is_null(v)) {
        text_today(out);
        return QG_OK;
    }
    if (!json_is_string(v) || !text_parse_date(json_string_value(v), &y, &m, &d))
        return qg_fail(err, QG_EINVAL, "on", "date.format", "must be a date YYYY-MM-DD");
    if (text_date_in_future(y, m, d))
        return qg_fail(err, QG_EINVAL, "on", "date.in_future", "must not be in the future");
    snprintf(out, 11, "%s", json_string_value(v));
    return QG_OK;
}

static qg_code read_body(need_job *j, json_t *body, qg_error *err)
{
    static const char *const keys[] = {"how", "reason", "on", NULL};
    qg_code c = input_check_keys(body, keys, err);
    if (c != QG_OK)
        return c;
    json_t *reason = json_object_get(body, "reason");
    j->how = json_string_value(json_object_get(body, "how"));
    j->reason = json_string_value(reason);
    if (!j->how)
        return qg_fail(err, QG_EINVAL, "how", "value.required",
                       "is required: referral, in_house or not_needed");
    if (!vocab_has(&VOCAB_NEED_HOW, j->how))
        return qg_fail(err, QG_EINVAL, "how", "value.not_in_list",
                       "must be referral, in_house or not_needed");
    bool not_needed = strcmp(j->how, "not_needed") == 0;
    if (reason && !json_is_null(reason) &&
        (!j->reason || !vocab_has(&VOCAB_NEED_REASON, j->reason)))
        return qg_fail(err, QG_EINVAL, "reason", "value.not_in_list",
                       "is not a known need_reason code");
    if (not_needed && !j->reason)
        return qg_fail(err, QG_EINVAL, "reason", "need.reason_required",
                       "is required when the need was not needed");
    if (!not_needed && j->reason)
        return qg_fail(err, QG_EINVAL, "reason", "need.reason_not_for_how",
                       "is only for a need that was not needed");
    return check_on(json_object_get(body, "on"), j->on, err);
}

/* Sets the need's addressed columns (all NULL when j->how is NULL: reopened). */
static qg_code write_need(db *conn, need_job *j, int64_t case_id, qg_error *err)
{
    char now[21];
    db_stmt *st = db_prepare(conn,
                             "UPDATE case_needs SET addressed_how = ?, addressed_reason = ?,"
                             " addressed_on = ?, addressed_by = ?, addressed_at = ?"
                             " WHERE case_id = ? AND need = ?",
                             err);
    if (!st)
        return err->code;
    db_now_iso(now);
    db_bind_text(st, 1, j->how);
    db_bind_text(st, 2, j->reason);
    db_bind_text(st, 3, j->how ? j->on : NULL);
    db_bind_id_or_null(st, 4, j->how ? j->actor->user_id : 0);
    db_bind_text(st, 5, j->how ? now : NULL);
    db_bind_int(st, 6, case_id);
    db_bind_text(st, 7, j->need);
    qg_code c = db_run(st, err);
    if (c == QG_OK && db_changes(conn) == 0)
        c = qg_fail(err, QG_ENOTFOUND, "need", "need.not_suggested",
                    "no screening has suggested this need for the case");
    return c;
}

static qg_code load_need(db *conn, need_job *j, int64_t case_id, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn, "SELECT " NEED_COLUMNS NEED_FROM " WHERE n.case_id = ? AND n.need = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    db_bind_text(st, 2, j->need);
    json_t *list = rows_collect(st, need_row, err);
    if (!list)
        return err->code;
    j->result = json_incref(json_array_get(list, 0));
    json_decref(list);
    return j->result ? QG_OK : qg_fail(err, QG_ENOTFOUND, "need", "need.not_found", "no such need");
}

static qg_code audit_need(db *conn, need_job *j, qg_error *err)
{
    json_t *detail =
        j->how ? json_pack("{s:s, s:s, s:o, s:s}", "need", j->need, "how", j->how, "reason",
                           j->reason ? json_string(j->reason) : json_null(), "on", j->on)
               : json_pack("{s:s}", "need", j->need);
    qg_code c = detail ? audit_append(conn, j->app->keys, j->actor,
                                      j->how ? "need.address" : "need.reopen", j->code, detail, err)
                       : oom(err);
    json_decref(detail);
    return c;
}

static qg_code mark_in_tx(db *conn, void *arg, qg_error *err)
{
    need_job *j = arg;
    int64_t case_id;
    qg_code c = case_find_for(conn, j->actor, ACT_CASE_UPDATE, j->code, &case_id, err);
    if (c == QG_OK)
        c = write_need(conn, j, case_id, err);
    if (c == QG_OK)
        c = audit_need(conn, j, err);
    if (c == QG_OK)
        c = load_need(conn, j, case_id, err);
    return c;
}

/* Checks the role and the path, then runs the change (j->how NULL: reopen). */
static qg_code mark(need_job *j, const char *code_in, json_t *body, json_t **out, qg_error *err)
{
    *out = NULL;
    qg_code c = case_precheck(j->actor, ACT_CASE_UPDATE, code_in, j->code, err);
    if (c == QG_OK)
        c = check_need(j->need, err);
    if (c == QG_OK && body)
        c = read_body(j, body, err);
    if (c == QG_OK)
        c = writer_run(j->app->writer, mark_in_tx, j, err);
    if (c == QG_OK)
        *out = j->result;
    else
        json_decref(j->result);
    return c;
}

qg_code need_address(qg_app *app, const qg_actor *actor, const char *code_in, const char *need,
                     json_t *body, json_t **out, qg_error *err)
{
    need_job j = {.app = app, .actor = actor, .need = need};
    if (!body) {
        *out = NULL;
        return qg_fail(err, QG_EINVAL, "body", "body.not_object", "must be a JSON object");
    }
    return mark(&j, code_in, body, out, err);
}

qg_code need_reopen(qg_app *app, const qg_actor *actor, const char *code_in, const char *need,
                    json_t **out, qg_error *err)
{
    need_job j = {.app = app, .actor = actor, .need = need};
    return mark(&j, code_in, NULL, out, err);
}
