/* grant.c — break-the-glass access grants (see grant.h). */
#include "core/case/grant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/case/case_access.h"
#include "core/case/case_input.h"
#include "core/common/rows.h"
#include "core/common/sealed.h"

#define GRANT_PLACE "grant"

/* Unix seconds as "YYYY-MM-DDTHH:MM:SSZ". */
static void iso_time(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    json_t *reason; /* borrowed from the body */
    int64_t hours, now;
    bool active_only;
    int limit;
    json_t *result;
} grant_job;

/* ---- taking access ------------------------------------------------------------------ */

static qg_code read_body(json_t *body, grant_job *j, qg_error *err)
{
    if (!json_is_object(body))
        return qg_fail(err, QG_EINVAL, "body", "body.not_object", "must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "reason") != 0 && strcmp(key, "hours") != 0)
            return qg_fail(err, QG_EINVAL, "body", "body.unknown_key",
                           "has a field that does not belong there");
    }
    j->reason = json_object_get(body, "reason");
    if (!j->reason)
        return qg_fail(err, QG_EINVAL, "reason", "grant.reason_required",
                       "is required: say why you need this case");
    qg_code c = case_input_text(j->reason, GRANT_REASON_MAX, true, "reason", err);
    if (c == QG_OK && strlen(json_string_value(j->reason)) < GRANT_REASON_MIN)
        c = qg_fail(err, QG_EINVAL, "reason", "grant.reason_too_short",
                    "must say why, in at least %d characters", GRANT_REASON_MIN);
    json_t *hours = json_object_get(body, "hours");
    j->hours = GRANT_HOURS_DEFAULT;
    if (c == QG_OK && hours) {
        if (!json_is_integer(hours) || json_integer_value(hours) < 1 ||
            json_integer_value(hours) > GRANT_HOURS_MAX)
            c = qg_fail(err, QG_EINVAL, "hours", "number.out_of_range",
                        "must be a whole number from 1 to %d", GRANT_HOURS_MAX);
        else
            j->hours = json_integer_value(hours);
    }
    return c;
}

/* The case's id when it exists, whoever's it is; QG_ECONFLICT when the actor already
 * sees it (no grant is needed, and none is recorded). */
static qg_code target_case(db *conn, grant_job *j, int64_t *case_id, qg_error *err)
{
    case_state state;
    qg_code c = case_state_for(conn, j->actor, ACT_CASE_READ, j->code, &state, err);
    if (c == QG_OK)
        return qg_fail(err, QG_ECONFLICT, "code", "grant.not_needed",
                       "you can already see this case; no access is needed");
    if (c != QG_ENOTFOUND)
        return c;
    qg_actor sys = actor_system();
    c = case_state_for(conn, &sys, ACT_CASE_READ, j->code, &state, err);
    *case_id = state.id;
    return c;
}

static qg_code insert_grant(db *conn, grant_job *j, int64_t case_id, int64_t id, qg_error *err)
{
    unsigned char *sealed = NULL;
    size_t len = 0;
    qg_code c = sealed_put(j->app->keys, case_id, GRANT_PLACE, id, j->reason, &sealed, &len, err);
    db_stmt *st =
        c == QG_OK
            ? db_prepare(conn,
                         "INSERT INTO access_grants (id, case_id, user_id, sealed, granted_at,"
                         " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                         err)
            : NULL;
    if (st) {
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, case_id);
        db_bind_int(st, 3, j->actor->user_id);
        db_bind_blob(st, 4, sealed, len);
        db_bind_int(st, 5, j->now);
        db_bind_int(st, 6, j->now + j->hours * 3600);
        c = db_run(st, err);
    } else if (c == QG_OK) {
        c = err->code;
    }
    free(sealed);
    return c;
}

static qg_code take_in_tx(db *conn, void *arg, qg_error *err)
{
    grant_job *j = arg;
    int64_t case_id = 0, id = 0;
    char granted[21], expires[21];
    qg_code c = target_case(conn, j, &case_id, err);
    /* The id seals the reason to its grant, so it is drawn here, inside the single
     * writer. Ids are global: the helper's case parameter is bound but matches all. */
    if (c == QG_OK)
        c = rows_next_number(conn,
                             "SELECT COALESCE(MAX(id), 0) + 1 FROM access_grants WHERE ? >= 0", 0,
                             NULL, &id, err);
    if (c == QG_OK)
        c = insert_grant(conn, j, case_id, id, err);
    iso_time(j->now, granted);
    iso_time(j->now + j->hours * 3600, expires);
    if (c == QG_OK) {
        json_t *detail = json_pack("{s:I, s:I, s:s}", "grant", (json_int_t)id, "hours",
                                   (json_int_t)j->hours, "expires_at", expires);
        c = audit_append(conn, j->app->keys, j->actor, "case.break_glass", j->code, detail, err);
        json_decref(detail);
    }
    if (c == QG_OK)
        j->result = json_pack("{s:s, s:s, s:s}", "case", j->code, "granted_at", granted,
                              "expires_at", expires);
    return c;
}

static qg_code precheck(grant_job *j, qg_action action, const char *code_in, qg_error *err)
{
    j->now = (int64_t)time(NULL);
    return case_precheck(j->actor, action, code_in, j->code, err);
}

qg_code grant_take(qg_app *app, const qg_actor *actor, const char *code, json_t *body, json_t **out,
                   qg_error *err)
{
    grant_job j = {.app = app, .actor = actor};
    *out = NULL;
    qg_code c = precheck(&j, ACT_BREAK_GLASS, code, err);
    if (c == QG_OK)
        c = read_body(body, &j, err);
    if (c == QG_OK)
        c = writer_run(app->writer, take_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}

/* ---- ending it early ---------------------------------------------------------------- */

static qg_code end_in_tx(db *conn, void *arg, qg_error *err)
{
    grant_job *j = arg;
    qg_actor sys = actor_system();
    case_state state;
    qg_code c = case_state_for(conn, &sys, ACT_CASE_READ, j->code, &state, err);
    db_stmt *st =
        c == QG_OK
            ? db_prepare(conn,
                         "UPDATE access_grants SET ended_at = ? WHERE user_id = ? AND case_id = ?"
                         " AND ended_at IS NULL AND expires_at > ?",
                         err)
            : NULL;
    if (c == QG_OK && !st)
        c = err->code;
    if (c == QG_OK) {
        db_bind_int(st, 1, j->now);
        db_bind_int(st, 2, j->actor->user_id);
        db_bind_int(st, 3, state.id);
        db_bind_int(st, 4, j->now);
        c = db_run(st, err);
    }
    if (c == QG_OK && db_changes(conn) == 0)
        c = qg_fail(err, QG_ENOTFOUND, "code", "grant.not_found",
                    "you hold no access to this case");
    if (c == QG_OK)
        c = audit_append(conn, j->app->keys, j->actor, "case.break_glass_end", j->code, NULL, err);
    return c;
}

qg_code grant_end(qg_app *app, const qg_actor *actor, const char *code, qg_error *err)
{
    grant_job j = {.app = app, .actor = actor};
    qg_code c = precheck(&j, ACT_BREAK_GLASS, code, err);
    return c == QG_OK ? writer_run(app->writer, end_in_tx, &j, err) : c;
}

/* ---- the report --------------------------------------------------------------------- */

static json_t *nullable_time(db_stmt *st, int i)
{
    char t[21];
    if (db_col_null(st, i))
        return json_null();
    iso_time(db_col_int(st, i), t);
    return json_string(t);
}

static qg_code report_row(db_stmt *st, grant_job *j, json_t **row, qg_error *err)
{
    char granted[21], expires[21];
    int64_t id = db_col_int(st, 0), case_id = db_col_int(st, 1);
    size_t len = 0;
    const void *blob = db_col_blob(st, 9, &len);
    json_t *reason = NULL;
    qg_code c = sealed_get(j->app->keys, case_id, GRANT_PLACE, id, blob, len, &reason, err);
    if (c != QG_OK)
        return c;
    iso_time(db_col_int(st, 6), granted);
    iso_time(db_col_int(st, 7), expires);
    bool active = db_col_null(st, 8) && db_col_int(st, 7) > j->now;
    *row = json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:s, s:o, s:b, s:o}", "id", (json_int_t)id,
                     "case", db_col_text(st, 2), "case_org_id", (json_int_t)db_col_int(st, 3),
                     "user", db_col_text(st, 4), "user_org_id", (json_int_t)db_col_int(st, 5),
                     "granted_at", granted, "expires_at", expires, "ended_at", nullable_time(st, 8),
                     "active", active, "reason", reason);
    return *row ? QG_OK : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

static qg_code report_in_tx(db *conn, void *arg, qg_error *err)
{
    grant_job *j = arg;
    db_stmt *st =
        db_prepare(conn,
                   "SELECT g.id, g.case_id, c.code, c.org_id, u.login, u.org_id, g.granted_at,"
                   " g.expires_at, g.ended_at, g.sealed FROM access_grants g"
                   " JOIN cases c ON c.id = g.case_id JOIN users u ON u.id = g.user_id"
                   " WHERE (? = 0 OR (g.ended_at IS NULL AND g.expires_at > ?))"
                   " AND (? = 0 OR c.org_id = ? OR u.org_id = ?)" /* policy_audit_org */
                   " ORDER BY g.id DESC LIMIT ?",
                   err);
    if (!st)
        return err->code;
    int64_t org = policy_audit_org(j->actor); /* an auditor of one organisation: its grants */
    db_bind_int(st, 1, j->active_only);
    db_bind_int(st, 2, j->now);
    for (int i = 3; i <= 5; i++)
        db_bind_int(st, i, org);
    db_bind_int(st, 6, j->limit);
    json_t *list = json_array();
    qg_code c = QG_OK;
    int rc;
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        json_t *row = NULL;
        c = report_row(st, j, &row, err);
        if (c == QG_OK)
            json_array_append_new(list, row);
    }
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(st);
    if (c == QG_OK) {
        json_t *detail = json_pack("{s:I}", "count", (json_int_t)json_array_size(list));
        c = audit_append(conn, j->app->keys, j->actor, "grant.report", NULL, detail, err);
        json_decref(detail);
    }
    if (c == QG_OK)
        j->result = json_pack("{s:o}", "grants", list);
    else
        json_decref(list);
    return c;
}

qg_code grant_report(qg_app *app, const qg_actor *actor, bool active_only, int limit, json_t **out,
                     qg_error *err)
{
    grant_job j = {.app = app, .actor = actor, .active_only = active_only, .limit = limit,
                   .now = (int64_t)time(NULL)};
    *out = NULL;
    if (policy_decide(actor, ACT_GRANT_REPORT, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not read the access report");
    if (limit < 1 || limit > 500)
        return qg_fail(err, QG_EINVAL, "limit", "number.out_of_range", "must be from 1 to 500");
    qg_code c = writer_run(app->writer, report_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    return c;
}
