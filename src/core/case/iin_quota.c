/* iin_quota.c — the hourly limits on creating cases with an IIN, the record of every
 * attempt and the alerts of repeated duplicate answers (see iin_quota.h). */
#include "core/case/iin_quota.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/account/policy.h"
#include "core/common/rows.h"

/* Unix seconds as "YYYY-MM-DDTHH:MM:SSZ". */
static void iso_time(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Runs st (its parameters bound) and reads one integer: *v, 0 when there is no row. */
static qg_code one_int(db_stmt *st, int64_t *v, qg_error *err)
{
    int rc = db_step(st, err);
    *v = rc == 1 && !db_col_null(st, 0) ? db_col_int(st, 0) : 0;
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

/* The id of the active operation of organisation org_id at now, 0 when none. */
static qg_code active_operation(db *conn, int64_t org_id, int64_t now, int64_t *id, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT id FROM operations WHERE org_id = ? AND ended_at IS NULL"
                             " AND ends_at > ? ORDER BY id DESC LIMIT 1",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, org_id);
    db_bind_int(st, 2, now);
    return one_int(st, id, err);
}

/* The statements of one limit: its count in the window and, when over it, the time of
 * the attempt whose leaving the window brings the count under the limit. */
typedef struct {
    const char *count_sql, *nth_sql;
} limit_sql;

static const limit_sql USER_LIMIT = {
    "SELECT count(*) FROM iin_quota_log WHERE user_id = ? AND at > ?",
    "SELECT at FROM iin_quota_log WHERE user_id = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?",
};
static const limit_sql ORG_LIMIT = {
    "SELECT count(*) FROM iin_quota_log WHERE org_id = ? AND at > ?",
    "SELECT at FROM iin_quota_log WHERE org_id = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?",
};

/* *wait gets the seconds until who (a user's or an organisation's id) is under limit
 * again: 0 when under it now. */
static qg_code limit_wait(db *conn, const limit_sql *q, int64_t who, int limit, int64_t now,
                          int64_t *wait, qg_error *err)
{
    int64_t n = 0, at = 0;
    *wait = 0;
    db_stmt *st = db_prepare(conn, q->count_sql, err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, who);
    db_bind_int(st, 2, now - IIN_QUOTA_WINDOW_S);
    qg_code c = one_int(st, &n, err);
    if (c != QG_OK || n < limit)
        return c;
    if (!(st = db_prepare(conn, q->nth_sql, err)))
        return err->code;
    db_bind_int(st, 1, who);
    db_bind_int(st, 2, now - IIN_QUOTA_WINDOW_S);
    db_bind_int(st, 3, n - limit);
    c = one_int(st, &at, err);
    *wait = at + IIN_QUOTA_WINDOW_S - now;
    if (*wait < 1)
        *wait = 1;
    return c;
}

static int minutes(int64_t seconds) { return (int)((seconds + 59) / 60); }

/* The refusal when a limit is reached, or QG_OK. */
static qg_code check_limits(db *conn, const qg_app *app, const qg_actor *actor, int64_t now,
                            qg_error *err)
{
    int64_t wait = 0;
    qg_code c = limit_wait(conn, &USER_LIMIT, actor->user_id, app->settings.iin_per_user_hour,
                           now, &wait, err);
    if (c == QG_OK && wait > 0)
        return qg_fail(err, QG_ETHROTTLED, "personal.iin", "iin.limit_user",
                       "you have created %d cases with an IIN within the hour, the limit;"
                       " try again in %d minutes or ask your supervisor",
                       app->settings.iin_per_user_hour, minutes(wait));
    if (c == QG_OK)
        c = limit_wait(conn, &ORG_LIMIT, actor->org_id, app->settings.iin_per_org_hour, now,
                       &wait, err);
    if (c == QG_OK && wait > 0)
        return qg_fail(err, QG_ETHROTTLED, "personal.iin", "iin.limit_org",
                       "your organisation has created %d cases with an IIN within the hour,"
                       " the limit; try again in %d minutes or ask your supervisor",
                       app->settings.iin_per_org_hour, minutes(wait));
    return c;
}

/* *same is true when case case_id already holds the IIN of hash (no change). */
static qg_code same_iin(db *conn, int64_t case_id, const char *hash, bool *same, qg_error *err)
{
    *same = false;
    if (case_id <= 0)
        return QG_OK;
    db_stmt *st = db_prepare(conn, "SELECT iin_hash FROM cases WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    int rc = db_step(st, err);
    if (rc == 1 && !db_col_null(st, 0))
        *same = strcmp(db_col_text(st, 0), hash) == 0;
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

static qg_code record_attempt(db *conn, const qg_actor *actor, int64_t case_id, const char *hash,
                              int64_t now, int64_t operation, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO iin_quota_log (user_id, org_id, at, duplicate,"
                             " operation_id) VALUES (?, ?, ?, CASE WHEN EXISTS (SELECT 1"
                             " FROM cases WHERE iin_hash = ? AND id <> ?) THEN 1 ELSE 0 END, ?)",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, actor->user_id);
    db_bind_int(st, 2, actor->org_id);
    db_bind_int(st, 3, now);
    db_bind_text(st, 4, hash);
    db_bind_int(st, 5, case_id);
    db_bind_id_or_null(st, 6, operation);
    return db_run(st, err);
}

qg_code iin_quota_take(db *conn, const qg_app *app, const qg_actor *actor, int64_t case_id,
                       const char *hash, qg_error *err)
{
    if (!policy_iin_limited(actor) || actor->org_id <= 0)
        return QG_OK;
    bool same = false;
    int64_t now = (int64_t)time(NULL), operation = 0;
    qg_code c = same_iin(conn, case_id, hash, &same, err);
    if (c != QG_OK || same)
        return c;
    c = active_operation(conn, actor->org_id, now, &operation, err);
    if (c == QG_OK && !operation)
        c = check_limits(conn, app, actor, now, err);
    return c == QG_OK ? record_attempt(conn, actor, case_id, hash, now, operation, err) : c;
}

/* ---- the wait, for the answer ------------------------------------------------------------ */

typedef struct {
    const qg_app *app;
    const qg_actor *actor;
    int64_t wait;
    json_t *result;
} quota_job;

static qg_code wait_in_read(db *conn, void *arg, qg_error *err)
{
    quota_job *j = arg;
    int64_t now = (int64_t)time(NULL), operation = 0, user = 0, org = 0;
    qg_code c = active_operation(conn, j->actor->org_id, now, &operation, err);
    if (c != QG_OK || operation)
        return c;
    c = limit_wait(conn, &USER_LIMIT, j->actor->user_id, j->app->settings.iin_per_user_hour, now,
                   &user, err);
    if (c == QG_OK)
        c = limit_wait(conn, &ORG_LIMIT, j->actor->org_id, j->app->settings.iin_per_org_hour,
                       now, &org, err);
    j->wait = user > org ? user : org;
    return c;
}

qg_code iin_quota_wait(qg_app *app, const qg_actor *actor, int *seconds, qg_error *err)
{
    quota_job j = {.app = app, .actor = actor};
    *seconds = 0;
    if (!policy_iin_limited(actor) || actor->org_id <= 0)
        return QG_OK;
    qg_code c = app_read(app, wait_in_read, &j, err);
    if (c == QG_OK)
        *seconds = (int)j.wait;
    return c;
}

/* ---- the alerts --------------------------------------------------------------------------- */

static json_t *alert_row(db_stmt *st)
{
    char last[21];
    iso_time(db_col_int(st, 4), last);
    const char *name = db_col_text(st, 2);
    return json_pack("{s:{s:I, s:s, s:o}, s:I, s:s}", "user", "id", (json_int_t)db_col_int(st, 0),
                     "login", db_col_text(st, 1), "name", name ? json_string(name) : json_null(),
                     "count", (json_int_t)db_col_int(st, 3), "last_at", last);
}

static qg_code alerts_in_read(db *conn, void *arg, qg_error *err)
{
    quota_job *j = arg;
    db_stmt *st = db_prepare(conn,
                             "SELECT u.id, u.login, u.name, count(*), max(a.at)"
                             " FROM iin_quota_log a JOIN users u ON u.id = a.user_id"
                             " WHERE a.org_id = ? AND a.duplicate = 1 AND a.at > ?"
                             " GROUP BY u.id, u.login, u.name HAVING count(*) >= ?"
                             " ORDER BY max(a.at) DESC, u.id",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->actor->org_id);
    db_bind_int(st, 2, (int64_t)time(NULL) - IIN_ALERT_WINDOW_S);
    db_bind_int(st, 3, IIN_ALERT_MIN);
    j->result = rows_collect(st, alert_row, err);
    return j->result ? QG_OK : err->code;
}

qg_code iin_quota_alerts(qg_app *app, const qg_actor *actor, json_t **out, qg_error *err)
{
    *out = NULL;
    if (policy_decide(actor, ACT_OPERATION_MANAGE, NULL) != POLICY_ALLOW || actor->org_id <= 0)
        return QG_OK;
    quota_job j = {.app = app, .actor = actor};
    qg_code c = app_read(app, alerts_in_read, &j, err);
    if (c == QG_OK)
        *out = j.result;
    else
        json_decref(j.result);
    return c;
}
