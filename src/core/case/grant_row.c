/* grant_row.c — one grant as stored and as shown, its audit entry, and the sweep of
 * lapsed requests and grants (see grant_row.h). */
#include "core/case/grant_row.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/account/audit.h"
#include "core/common/sealed.h"

void grant_iso(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *grant_row_state(db_stmt *st, int64_t now)
{
    const char *state = db_col_text(st, GC_STATE);
    bool running = strcmp(state, "requested") == 0 || strcmp(state, "active") == 0;
    return running && db_col_int(st, GC_EXPIRES) <= now ? "expired" : state;
}

static json_t *time_or_null(db_stmt *st, int i)
{
    char t[21];
    if (db_col_null(st, i))
        return json_null();
    grant_iso(db_col_int(st, i), t);
    return json_string(t);
}

static json_t *text_or_null(db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

/* {"id", "login", "name"} of the user in columns i (id), i + 1 (login), i + 2 (name). */
static json_t *person(db_stmt *st, int i)
{
    if (db_col_null(st, i))
        return json_null();
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(st, i), "login",
                     db_col_text(st, i + 1), "name", db_col_text(st, i + 2));
}

/* The sealed text of column i at place what, or JSON null when there is none. */
static qg_code opened(db_stmt *st, const qg_keys *keys, int i, const char *what, json_t **out,
                      qg_error *err)
{
    size_t len = 0;
    const void *blob = db_col_null(st, i) ? NULL : db_col_blob(st, i, &len);
    if (!blob) {
        *out = json_null();
        return QG_OK;
    }
    return sealed_get(keys, db_col_int(st, GC_CASE_ID), what, db_col_int(st, GC_ID), blob, len,
                      out, err);
}

static json_t *requester(db_stmt *st)
{
    json_t *org = db_col_null(st, 8) ? json_null()
                                     : json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 8),
                                                 "name", db_col_text(st, 9));
    return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)db_col_int(st, GC_USER), "login",
                     db_col_text(st, GC_LOGIN), "name", db_col_text(st, 7), "org", org);
}

qg_code grant_row_json(db_stmt *st, const qg_keys *keys, int64_t now, json_t **out,
                       qg_error *err)
{
    json_t *reason = NULL, *note = NULL, *review = NULL;
    *out = NULL;
    qg_code c = opened(st, keys, 13, GRANT_PLACE, &reason, err);
    if (c == QG_OK)
        c = opened(st, keys, 20, GRANT_NOTE_PLACE, &note, err);
    if (c == QG_OK)
        c = opened(st, keys, 28, GRANT_REVIEW_PLACE, &review, err);
    if (c != QG_OK) {
        json_decref(reason);
        json_decref(note);
        return c;
    }
    bool was_granted = !db_col_null(st, GC_SCOPE);
    char requested[21];
    grant_iso(db_col_int(st, 15), requested);
    *out = json_pack(
        "{s:I, s:s, s:{s:I, s:s}, s:o, s:b, s:s, s:o, s:o, s:I, s:s, s:o, s:o, s:o,"
        " s:o, s:o, s:o, s:o, s:o, s:o}",
        "id", (json_int_t)db_col_int(st, GC_ID), "case", db_col_text(st, GC_CODE), "case_org",
        "id", (json_int_t)db_col_int(st, GC_CASE_ORG), "name", db_col_text(st, 4), "requested_by",
        requester(st), "emergency", db_col_int(st, GC_EMERGENCY) != 0, "state",
        grant_row_state(st, now), "scope", text_or_null(st, GC_SCOPE), "reason", reason, "hours",
        (json_int_t)db_col_int(st, GC_HOURS), "requested_at", requested, "decided_by",
        person(st, 16), "decided_at", time_or_null(st, 19), "note", note, "granted_at",
        was_granted ? time_or_null(st, GC_GRANTED) : json_null(), "expires_at",
        time_or_null(st, GC_EXPIRES), "ended_at", time_or_null(st, GC_ENDED), "reviewed_by",
        person(st, 24), "reviewed_at", time_or_null(st, GC_REVIEWED), "review_note", review);
    return *out ? QG_OK : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

qg_code grant_row_load(db *conn, const qg_keys *keys, int64_t id, int64_t now, json_t **out,
                       qg_error *err)
{
    db_stmt *st = db_prepare(conn, GRANT_SELECT " WHERE g.id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, id);
    int rc = db_step(st, err);
    qg_code c = rc == 1 ? grant_row_json(st, keys, now, out, err)
                : rc == 0 ? qg_fail(err, QG_ENOTFOUND, "id", "grant.not_found", "no such access")
                          : err->code;
    db_done(st);
    return c;
}

qg_code grant_audit(db *conn, const qg_keys *keys, const qg_actor *actor, const char *action,
                    const char *code, int64_t id, int64_t holder_org, int64_t requester,
                    int64_t requester_org, json_t *extra, qg_error *err)
{
    json_t *detail = json_pack("{s:I, s:[I, I], s:I}", "grant", (json_int_t)id, "orgs",
                               (json_int_t)holder_org, (json_int_t)requester_org,
                               "requested_by", (json_int_t)requester);
    if (!detail || (extra && json_object_update(detail, extra) != 0)) {
        json_decref(detail);
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    }
    qg_code c = audit_append(conn, keys, actor, action, code, detail, err);
    json_decref(detail);
    return c;
}

/* One lapsed request or grant of the sweep. */
typedef struct {
    int64_t id, holder, user, user_org;
    char code[32];
    bool requested;
} lapsed;

#define SWEEP_BATCH 64

/* Reads up to SWEEP_BATCH lapsed rows into *rows; *n how many. */
static qg_code read_lapsed(db *conn, int64_t now, lapsed rows[SWEEP_BATCH], int *n,
                           qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT g.id, c.org_id, g.user_id, u.org_id, c.code, g.state"
                             " FROM access_grants g JOIN cases c ON c.id = g.case_id"
                             " JOIN users u ON u.id = g.user_id"
                             " WHERE g.state IN ('requested', 'active') AND g.expires_at <= ?"
                             " ORDER BY g.id LIMIT 64",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, now);
    int rc = 0;
    *n = 0;
    while (*n < SWEEP_BATCH && (rc = db_step(st, err)) == 1) {
        lapsed *l = &rows[(*n)++];
        l->id = db_col_int(st, 0);
        l->holder = db_col_int(st, 1);
        l->user = db_col_int(st, 2);
        l->user_org = db_col_int(st, 3);
        snprintf(l->code, sizeof l->code, "%s", db_col_text(st, 4));
        l->requested = strcmp(db_col_text(st, 5), "requested") == 0;
    }
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

static qg_code expire_one(db *conn, const qg_keys *keys, const lapsed *l, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "UPDATE access_grants SET state = 'expired' WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, l->id);
    qg_code c = db_run(st, err);
    qg_actor sys = actor_system();
    json_t *extra = json_pack("{s:s}", "was", l->requested ? "requested" : "active");
    if (c == QG_OK)
        c = grant_audit(conn, keys, &sys, "grant.expire", l->code, l->id, l->holder, l->user,
                        l->user_org, extra, err);
    json_decref(extra);
    return c;
}

qg_code grant_sweep(db *conn, const qg_keys *keys, int64_t now, qg_error *err)
{
    lapsed rows[SWEEP_BATCH];
    int n = SWEEP_BATCH;
    qg_code c = QG_OK;
    while (c == QG_OK && n == SWEEP_BATCH) {
        c = read_lapsed(conn, now, rows, &n, err);
        for (int i = 0; c == QG_OK && i < n; i++)
            c = expire_one(conn, keys, &rows[i], err);
    }
    return c;
}
