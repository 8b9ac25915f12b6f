/* grant_lookup.c — whether a break-the-glass grant is in effect, and what waits for a
 * supervisor (see grant_lookup.h). */
#include "core/case/grant_lookup.h"

#include <string.h>
#include <time.h>

qg_code grant_active(db *conn, int64_t user_id, int64_t case_id, int64_t now, grant_info *g,
                     qg_error *err)
{
    memset(g, 0, sizeof *g);
    db_stmt *st = db_prepare(conn,
                             "SELECT id, expires_at, scope FROM access_grants"
                             " WHERE user_id = ? AND case_id = ? AND state = 'active'"
                             " AND expires_at > ? AND ended_at IS NULL"
                             " ORDER BY CASE WHEN scope = 'full' THEN 0 ELSE 1 END, id DESC"
                             " LIMIT 1",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, case_id);
    db_bind_int(st, 3, now);
    int rc = db_step(st, err);
    if (rc == 1) {
        const char *scope = db_col_text(st, 2);
        g->id = db_col_int(st, 0);
        g->expires_at = db_col_int(st, 1);
        g->scope = scope && strcmp(scope, "full") == 0 ? GRANT_FULL : GRANT_EMERGENCY;
    }
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

qg_code grant_count(db *conn, int64_t org_id, int64_t user_id, int64_t now, grant_counts *n,
                    qg_error *err)
{
    memset(n, 0, sizeof *n);
    db_stmt *st = db_prepare(
        conn,
        "SELECT"
        " COALESCE(SUM(CASE WHEN c.org_id = ? AND g.state = 'requested' AND g.expires_at > ?"
        "  THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN c.org_id = ? AND g.emergency = 1 AND g.reviewed_at IS NULL"
        "  THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN g.user_id = ? AND g.state = 'requested' AND g.expires_at > ?"
        "  THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN g.user_id = ? AND g.state = 'active' AND g.expires_at > ?"
        "  THEN 1 ELSE 0 END), 0)"
        " FROM access_grants g JOIN cases c ON c.id = g.case_id"
        " WHERE c.org_id = ? OR g.user_id = ?",
        err);
    if (!st)
        return err->code;
    int64_t args[] = {org_id, now, org_id, user_id, now, user_id, now, org_id, user_id};
    for (int i = 0; i < (int)(sizeof args / sizeof args[0]); i++)
        db_bind_int(st, i + 1, args[i]);
    int rc = db_step(st, err);
    if (rc == 1) {
        n->to_decide = db_col_int(st, 0);
        n->to_review = db_col_int(st, 1);
        n->requested = db_col_int(st, 2);
        n->active = db_col_int(st, 3);
    }
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

/* Unix seconds as "YYYY-MM-DDTHH:MM:SSZ". */
static void iso(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

qg_code grant_work_items(db *conn, int64_t org_id, int64_t now, json_t *list, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn,
        "SELECT g.id, c.code, g.emergency, g.requested_at, g.expires_at"
        " FROM access_grants g JOIN cases c ON c.id = g.case_id WHERE c.org_id = ?"
        " AND ((g.state = 'requested' AND g.expires_at > ?)"
        "  OR (g.emergency = 1 AND g.reviewed_at IS NULL AND ? >= 0))"
        " ORDER BY g.requested_at, g.id",
        err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, org_id);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, now);
    int rc = 0;
    qg_code c = QG_OK;
    while (c == QG_OK && (rc = db_step(st, err)) == 1) {
        char requested[21], expires[21];
        bool emergency = db_col_int(st, 2) != 0;
        iso(db_col_int(st, 3), requested);
        iso(db_col_int(st, 4), expires);
        json_t *item = json_pack("{s:s, s:I, s:s, s:b, s:s, s:s}", "kind",
                                 emergency ? "grant.review" : "grant.decide", "grant",
                                 (json_int_t)db_col_int(st, 0), "case", db_col_text(st, 1),
                                 "emergency", emergency, "requested_at", requested, "expires_at",
                                 expires);
        if (!item || json_array_append_new(list, item) != 0)
            c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    }
    if (c == QG_OK && rc < 0)
        c = err->code;
    db_done(st);
    return c;
}
