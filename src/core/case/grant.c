/* grant.c — break-the-glass: asking for access to another organisation's case, taking
 * emergency access at once within the daily limit, withdrawing and ending, and the
 * auditor's report (see grant.h; deciding and reviewing are in grant_decide.c). */
#include "core/case/grant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/case/case_access.h"
#include "core/case/case_input.h"
#include "core/case/case_load.h"
#include "core/case/grant_row.h"
#include "core/common/input.h"
#include "core/common/rows.h"
#include "core/common/sealed.h"

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    char code[QG_CODE_SIZE];
    json_t *reason; /* borrowed from the body */
    int64_t hours, now;
    bool emergency, active_only;
    int limit;
    int64_t id, case_id, holder;
    json_t *result;
} grant_job;

/* ---- asking for access ---------------------------------------------------------------- */

static qg_code read_hours(json_t *body, grant_job *j, qg_error *err)
{
    json_t *hours = json_object_get(body, "hours");
    int max = j->emergency ? GRANT_EMERGENCY_HOURS_MAX : GRANT_HOURS_MAX;
    j->hours = GRANT_HOURS_DEFAULT;
    if (!hours)
        return QG_OK;
    if (!json_is_integer(hours) || json_integer_value(hours) < 1 ||
        json_integer_value(hours) > max)
        return qg_fail(err, QG_EINVAL, "hours", "number.out_of_range",
                       "must be a whole number from 1 to %d", max);
    j->hours = json_integer_value(hours);
    return QG_OK;
}

static qg_code read_body(json_t *body, grant_job *j, qg_error *err)
{
    static const char *const keys[] = {"reason", "hours", "emergency", NULL};
    qg_code c = input_check_keys(body, keys, err);
    if (c != QG_OK)
        return c;
    json_t *emergency = json_object_get(body, "emergency");
    if (emergency && !json_is_boolean(emergency))
        return qg_fail(err, QG_EINVAL, "emergency", "value.not_boolean", "must be true or false");
    j->emergency = json_is_true(emergency);
    j->reason = json_object_get(body, "reason");
    if (!j->reason)
        return qg_fail(err, QG_EINVAL, "reason", "grant.reason_required",
                       "is required: say why you need this case");
    c = case_input_text(j->reason, GRANT_REASON_MAX, true, "reason", err);
    if (c == QG_OK && strlen(json_string_value(j->reason)) < GRANT_REASON_MIN)
        c = qg_fail(err, QG_EINVAL, "reason", "grant.reason_too_short",
                    "must say why, in at least %d characters", GRANT_REASON_MIN);
    return c == QG_OK ? read_hours(body, j, err) : c;
}

/* The case exists (whoever's it is) and the actor does not see it without a grant:
 * sets j->case_id and j->holder. QG_ECONFLICT when no access is needed. */
static qg_code target_case(db *conn, grant_job *j, qg_error *err)
{
    case_row r = {0};
    qg_code c = case_load(conn, j->code, j->actor, &r, err);
    if (c != QG_OK)
        return c;
    j->case_id = r.id;
    j->holder = r.org_id;
    bool sees = policy_decide(j->actor, ACT_CASE_READ, &r.facts) == POLICY_ALLOW;
    case_row_free(&r);
    if (sees)
        return qg_fail(err, QG_ECONFLICT, "code", "grant.not_needed",
                       "you can already see this case; no access is needed");
    return QG_OK;
}

/* No second request while one waits, and no new access while one that reaches as far is
 * in effect. */
static qg_code nothing_pending(db *conn, grant_job *j, qg_error *err)
{
    grant_info g;
    qg_code c = grant_active(conn, j->actor->user_id, j->case_id, j->now, &g, err);
    if (c == QG_OK && (g.scope == GRANT_FULL || (g.scope == GRANT_EMERGENCY && j->emergency)))
        return qg_fail(err, QG_ECONFLICT, "code", "grant.not_needed",
                       "you can already see this case; no access is needed");
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "SELECT count(*) FROM access_grants WHERE user_id = ?"
                                          " AND case_id = ? AND state = 'requested'"
                                          " AND expires_at > ?",
                                          err)
                             : NULL;
    if (!st)
        return c == QG_OK ? err->code : c;
    db_bind_int(st, 1, j->actor->user_id);
    db_bind_int(st, 2, j->case_id);
    db_bind_int(st, 3, j->now);
    int rc = db_step(st, err);
    int64_t n = rc == 1 ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc < 0)
        return err->code;
    return n > 0 ? qg_fail(err, QG_ECONFLICT, "code", "grant.already_requested",
                           "you have already asked for this case; wait for the decision")
                 : QG_OK;
}

/* The daily limit of emergency access, counted in the database (so every server on it
 * counts the same rows; writers are serialised: store/db.h). */
static qg_code within_limit(db *conn, grant_job *j, qg_error *err)
{
    if (!j->emergency)
        return QG_OK;
    db_stmt *st = db_prepare(conn,
                             "SELECT count(*) FROM access_grants WHERE user_id = ?"
                             " AND emergency = 1 AND requested_at > ?",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->actor->user_id);
    db_bind_int(st, 2, j->now - 24 * 3600);
    int rc = db_step(st, err);
    int64_t n = rc == 1 ? db_col_int(st, 0) : 0;
    db_done(st);
    if (rc < 0)
        return err->code;
    int limit = j->app->settings.emergency_grants_per_day;
    return n >= limit ? qg_fail(err, QG_ETHROTTLED, "emergency", "grant.emergency_limit",
                                "you have taken %d emergency accesses in 24 hours, the most"
                                " allowed; ask the organisation holding the case instead",
                                limit)
                      : QG_OK;
}

static qg_code insert_grant(db *conn, grant_job *j, qg_error *err)
{
    unsigned char *sealed = NULL;
    size_t len = 0;
    qg_code c =
        sealed_put(j->app->keys, j->case_id, GRANT_PLACE, j->id, j->reason, &sealed, &len, err);
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          "INSERT INTO access_grants (id, case_id, user_id,"
                                          " sealed, granted_at, expires_at, state, scope,"
                                          " emergency, hours, requested_at)"
                                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                          err)
                             : NULL;
    if (st) {
        int64_t until = j->now + (j->emergency ? j->hours : GRANT_REQUEST_HOURS) * 3600;
        db_bind_int(st, 1, j->id);
        db_bind_int(st, 2, j->case_id);
        db_bind_int(st, 3, j->actor->user_id);
        db_bind_blob(st, 4, sealed, len);
        db_bind_int(st, 5, j->now);
        db_bind_int(st, 6, until);
        db_bind_text(st, 7, j->emergency ? "active" : "requested");
        if (j->emergency)
            db_bind_text(st, 8, "emergency");
        else
            db_bind_null(st, 8);
        db_bind_int(st, 9, j->emergency);
        db_bind_int(st, 10, j->hours);
        db_bind_int(st, 11, j->now);
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
    qg_code c = grant_sweep(conn, j->app->keys, j->now, err);
    if (c == QG_OK)
        c = target_case(conn, j, err);
    if (c == QG_OK)
        c = nothing_pending(conn, j, err);
    if (c == QG_OK)
        c = within_limit(conn, j, err);
    /* The id seals the reason to its grant, so it is drawn here, inside the single
     * writer. Ids are global: the helper's case parameter is bound but matches all. */
    if (c == QG_OK)
        c = rows_next_number(conn,
                             "SELECT COALESCE(MAX(id), 0) + 1 FROM access_grants WHERE ? >= 0", 0,
                             NULL, &j->id, err);
    if (c == QG_OK)
        c = insert_grant(conn, j, err);
    json_t *extra = json_pack("{s:I, s:b}", "hours", (json_int_t)j->hours, "emergency",
                              j->emergency);
    if (c == QG_OK)
        c = grant_audit(conn, j->app->keys, j->actor,
                        j->emergency ? "case.break_glass" : "grant.request", j->code, j->id,
                        j->holder, j->actor->user_id, j->actor->org_id, extra, err);
    json_decref(extra);
    json_t *g = NULL;
    if (c == QG_OK)
        c = grant_row_load(conn, j->app->keys, j->id, j->now, &g, err);
    if (c == QG_OK && !(j->result = json_pack("{s:o}", "grant", g)))
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    return c;
}

static qg_code precheck(grant_job *j, qg_action action, const char *code_in, qg_error *err)
{
    j->now = (int64_t)time(NULL);
    return case_precheck(j->actor, action, code_in, j->code, err);
}

qg_code grant_take(qg_app *app, const qg_actor *actor, const char *code, json_t *body,
                   bool *emergency, json_t **out, qg_error *err)
{
    grant_job j = {.app = app, .actor = actor};
    *out = NULL;
    *emergency = false;
    qg_code c = precheck(&j, ACT_BREAK_GLASS, code, err);
    if (c == QG_OK)
        c = read_body(body, &j, err);
    *emergency = j.emergency;
    if (c == QG_OK)
        c = writer_run(app->writer, take_in_tx, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}

/* ---- withdrawing and ending ----------------------------------------------------------- */

/* Sets the state of the actor's running requests (requested) or grants (active) on the
 * case to to, and audits each with action. *n how many. */
static qg_code stop_running(db *conn, grant_job *j, const char *from, const char *to,
                            const char *action, int *n, qg_error *err)
{
    int64_t ids[64];
    int count = 0, rc = 0;
    db_stmt *st = db_prepare(conn,
                             "SELECT id FROM access_grants WHERE user_id = ? AND case_id = ?"
                             " AND state = ? AND expires_at > ? AND ended_at IS NULL"
                             " ORDER BY id LIMIT 64",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->actor->user_id);
    db_bind_int(st, 2, j->case_id);
    db_bind_text(st, 3, from);
    db_bind_int(st, 4, j->now);
    while (count < 64 && (rc = db_step(st, err)) == 1)
        ids[count++] = db_col_int(st, 0);
    db_done(st);
    qg_code c = rc < 0 ? err->code : QG_OK;
    for (int i = 0; c == QG_OK && i < count; i++) {
        st = db_prepare(conn, "UPDATE access_grants SET state = ?, ended_at = ? WHERE id = ?",
                        err);
        if (!st)
            return err->code;
        db_bind_text(st, 1, to);
        db_bind_int(st, 2, j->now);
        db_bind_int(st, 3, ids[i]);
        c = db_run(st, err);
        if (c == QG_OK)
            c = grant_audit(conn, j->app->keys, j->actor, action, j->code, ids[i], j->holder,
                            j->actor->user_id, j->actor->org_id, NULL, err);
    }
    *n += count;
    return c;
}

static qg_code end_in_tx(db *conn, void *arg, qg_error *err)
{
    grant_job *j = arg;
    case_row r = {0};
    int n = 0;
    qg_code c = grant_sweep(conn, j->app->keys, j->now, err);
    if (c == QG_OK)
        c = case_load(conn, j->code, j->actor, &r, err);
    if (c == QG_ENOTFOUND) { /* a missing code answers as a hidden one: no grant, no request */
        *err = (qg_error){0};
        c = QG_OK;
    }
    j->case_id = r.id; /* 0 when no case has the code: no grant matches it */
    j->holder = r.org_id;
    case_row_free(&r);
    if (c == QG_OK)
        c = stop_running(conn, j, "requested", "withdrawn", "grant.withdraw", &n, err);
    if (c == QG_OK)
        c = stop_running(conn, j, "active", "ended", "case.break_glass_end", &n, err);
    if (c == QG_OK && n == 0)
        c = qg_fail(err, QG_ENOTFOUND, "code", "grant.not_found",
                    "you have no access to this case and no request for it");
    return c;
}

qg_code grant_end(qg_app *app, const qg_actor *actor, const char *code, qg_error *err)
{
    grant_job j = {.app = app, .actor = actor};
    qg_code c = precheck(&j, ACT_BREAK_GLASS, code, err);
    return c == QG_OK ? writer_run(app->writer, end_in_tx, &j, err) : c;
}

/* ---- the report ----------------------------------------------------------------------- */

/* The report's row: the GRANT object with the report's older keys beside it. */
static qg_code report_row(db_stmt *st, grant_job *j, json_t **row, qg_error *err)
{
    qg_code c = grant_row_json(st, j->app->keys, j->now, row, err);
    if (c != QG_OK)
        return c;
    const char *state = json_string_value(json_object_get(*row, "state"));
    json_t *old = json_pack("{s:I, s:s, s:I, s:b}", "case_org_id",
                            (json_int_t)db_col_int(st, GC_CASE_ORG), "user",
                            db_col_text(st, GC_LOGIN), "user_org_id",
                            (json_int_t)db_col_int(st, GC_USER_ORG), "active",
                            strcmp(state, "active") == 0);
    if (!old || json_object_update(*row, old) != 0)
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    json_decref(old);
    return c;
}

static qg_code report_in_tx(db *conn, void *arg, qg_error *err)
{
    grant_job *j = arg;
    qg_code c = grant_sweep(conn, j->app->keys, j->now, err);
    db_stmt *st = c == QG_OK ? db_prepare(conn,
                                          GRANT_SELECT
                                          " WHERE (? = 0 OR (g.state = 'active'"
                                          " AND g.ended_at IS NULL AND g.expires_at > ?))"
                                          " AND (? = 0 OR c.org_id = ? OR u.org_id = ?)"
                                          " ORDER BY g.id DESC LIMIT ?",
                                          err)
                             : NULL;
    if (!st)
        return c == QG_OK ? err->code : c;
    int64_t org = policy_audit_org(j->actor); /* an auditor of one organisation: its grants */
    db_bind_int(st, 1, j->active_only);
    db_bind_int(st, 2, j->now);
    for (int i = 3; i <= 5; i++)
        db_bind_int(st, i, org);
    db_bind_int(st, 6, j->limit);
    json_t *list = json_array();
    int rc = 0;
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        json_t *row = NULL;
        c = report_row(st, j, &row, err);
        if (c == QG_OK && json_array_append_new(list, row) != 0)
            c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
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
