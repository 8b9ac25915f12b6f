/* case_withdraw.c — withdrawing a case (see case_withdraw.h). */
#include "core/case/case_withdraw.h"

#include <string.h>

#include "core/account/audit.h"
#include "core/case/case_access.h"
#include "core/case/case_load.h"
#include "core/case/case_view.h"
#include "core/common/input.h"

static const char *const WITHDRAW_REASONS[] = {"probe", "duplicate", "error", NULL};

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    const char *reason;
    json_t *result;
} withdraw_job;

static qg_code read_body(json_t *body, withdraw_job *j, qg_error *err)
{
    static const char *const keys[] = {"reason", NULL};
    qg_code c = input_check_keys(body, keys, err);
    j->reason = json_string_value(json_object_get(body, "reason"));
    if (c == QG_OK && !j->reason)
        c = qg_fail(err, QG_EINVAL, "reason", "value.required",
                    "is required: probe, duplicate or error");
    if (c == QG_OK && !input_listed(j->reason, WITHDRAW_REASONS))
        c = qg_fail(err, QG_EINVAL, "reason", "value.not_in_list",
                    "must be probe, duplicate or error");
    return c;
}

static qg_code mark_withdrawn(db *conn, int64_t id, qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st = db_prepare(conn,
                             "UPDATE cases SET status = 'withdrawn', stats_excluded = 1,"
                             " iin_hash = NULL, updated_at = ?, version = version + 1"
                             " WHERE id = ?",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, now);
    db_bind_int(st, 2, id);
    return db_run(st, err);
}

static qg_code withdraw_in_tx(db *conn, void *arg, qg_error *err)
{
    withdraw_job *j = arg;
    case_row r = {0};
    qg_code c = case_load_visible(conn, j->actor, ACT_CASE_WITHDRAW, j->code, &r, err);
    if (c == QG_OK)
        c = mark_withdrawn(conn, r.id, err);
    case_row_free(&r);
    if (c == QG_OK) {
        json_t *detail = json_pack("{s:s}", "reason", j->reason);
        c = detail ? audit_append(conn, j->app->keys, j->actor, "case.withdraw", j->code, detail,
                                  err)
                   : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        json_decref(detail);
    }
    return c == QG_OK ? case_view_load(conn, j->code, j->actor, &j->result, err) : c;
}

qg_code case_withdraw(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                      json_t **out, qg_error *err)
{
    withdraw_job j = {.app = app, .actor = actor};
    *out = NULL;
    qg_code c = case_precheck(actor, ACT_CASE_WITHDRAW, code, j.code, err);
    if (c == QG_OK)
        c = read_body(body, &j, err);
    if (c == QG_OK)
        c = writer_run(app->writer, withdraw_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}
