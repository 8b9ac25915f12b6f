/* case_view.c — the views of a case the API shows (see case_view.h). */
#include "core/case/case_view.h"

#include "core/account/capabilities.h"
#include "core/case/case_load.h"
#include "core/case/case_profile.h"

#include <time.h>

/* The case managers of a case as a new array, or NULL with err filled (a failed step
 * or a row that cannot be encoded is an error, never a silently shorter list). */
static json_t *managers_json(db *conn, int64_t case_id, qg_error *err)
{
    db_stmt *st =
        db_prepare(conn,
                   "SELECT u.id, u.login, a.assigned_at FROM case_assignments a"
                   " JOIN users u ON u.id = a.user_id WHERE a.case_id = ? ORDER BY a.user_id",
                   err);
    if (!st)
        return NULL;
    db_bind_int(st, 1, case_id);
    json_t *list = json_array();
    int rc;
    while (list && (rc = db_step(st, err)) == 1) {
        json_t *m = json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)db_col_int(st, 0),
                              "login", db_col_text(st, 1), "assigned_at", db_col_text(st, 2));
        if (!m || json_array_append_new(list, m) != 0) {
            qg_fail(err, QG_EDB, NULL, "storage.failure", "a case manager could not be encoded");
            rc = -1;
            break;
        }
    }
    db_done(st);
    if (!list || rc < 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* How many of the urgent needs the screenings suggested are open and how many addressed:
 * {"open", "addressed"} as a new object, or NULL with err filled. */
static json_t *needs_count(db *conn, int64_t case_id, qg_error *err)
{
    db_stmt *st = db_prepare(
        conn, "SELECT count(*), count(addressed_how) FROM case_needs WHERE case_id = ?", err);
    if (!st)
        return NULL;
    db_bind_int(st, 1, case_id);
    int rc = db_step(st, err);
    json_t *o = rc == 1 ? json_pack("{s:I, s:I}", "open",
                                    (json_int_t)(db_col_int(st, 0) - db_col_int(st, 1)),
                                    "addressed", (json_int_t)db_col_int(st, 1))
                        : NULL;
    db_done(st);
    if (!o && rc == 1)
        qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    else if (rc == 0)
        qg_fail(err, QG_EDB, NULL, "storage.failure", "the needs could not be counted");
    return o;
}

json_t *case_view_short(const case_row *r)
{
    json_t *o = json_deep_copy(r->fields);
    json_object_set_new(o, "code", json_string(r->code));
    json_object_set_new(o, "org_id", json_integer(r->org_id));
    json_object_set_new(o, "has_personal", json_boolean(r->has_personal));
    json_object_set_new(o, "created_at", json_string(r->created_at));
    json_object_set_new(o, "updated_at", json_string(r->updated_at));
    json_object_set_new(o, "version", json_integer(r->version));
    return o;
}

/* Sets key of o to v (taken, also on failure); false when out of memory. */
static bool put_new(json_t *o, const char *key, json_t *v)
{
    return v && json_object_set_new(o, key, v) == 0;
}

/* The case's own fields an emergency-scope grant shows (docs/security.md
 * "Break-the-glass": what someone who must act for the child at once needs to find and
 * recognise the child and reach the holder; nothing of the child's story). */
static const char *const EMERGENCY_FIELDS[] = {"sex", "age_at_identification", "birth_year",
                                               "stage", NULL};

/* {"id", "name"} of organisation id as a new object, or NULL with err filled. */
static json_t *org_json(db *conn, int64_t id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT name FROM orgs WHERE id = ?", err);
    if (!st)
        return NULL;
    db_bind_int(st, 1, id);
    int rc = db_step(st, err);
    json_t *o = rc == 1 ? json_pack("{s:I, s:s}", "id", (json_int_t)id, "name",
                                    db_col_text(st, 0))
                        : NULL;
    db_done(st);
    if (!o && rc >= 0)
        qg_fail(err, QG_EDB, NULL, "storage.failure", "the organisation could not be read");
    return o;
}

/* What a reader through a grant is told besides: "grant" {"id", "scope", "expires_at"}
 * and "case_org" {"id", "name"} (whom to reach). */
static bool add_grant(db *conn, const case_row *r, grant_scope scope, json_t *o, qg_error *err)
{
    char expires[21];
    time_t t = (time_t)r->grant_expires;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(expires, sizeof expires, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *g = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->grant_id, "scope",
                          scope == GRANT_FULL ? "full" : "emergency", "expires_at", expires);
    json_t *org = org_json(conn, r->org_id, err);
    if (!org) {
        json_decref(g);
        return false;
    }
    return put_new(o, "grant", g) && put_new(o, "case_org", org);
}

/* The emergency view: the code, the holding organisation, the EMERGENCY_FIELDS, whether
 * there is a personal part, the grant and the "may" list; no lists, no case managers. */
static json_t *emergency_view(db *conn, const case_row *r, const qg_actor *actor, qg_error *err)
{
    json_t *o = json_pack("{s:s, s:I, s:b}", "code", r->code, "org_id", (json_int_t)r->org_id,
                          "has_personal", r->has_personal);
    for (int i = 0; o && EMERGENCY_FIELDS[i]; i++) {
        json_t *v = json_object_get(r->fields, EMERGENCY_FIELDS[i]);
        if (v && json_object_set(o, EMERGENCY_FIELDS[i], v) != 0) {
            json_decref(o);
            o = NULL;
        }
    }
    if (!o || !put_new(o, "may", capabilities_case_may(actor, &r->facts))) {
        json_decref(o);
        qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        return NULL;
    }
    if (!add_grant(conn, r, GRANT_EMERGENCY, o, err)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *case_view_full(db *conn, const case_row *r, const qg_actor *actor, qg_error *err)
{
    grant_scope via = policy_grant_view(actor, &r->facts);
    if (via == GRANT_EMERGENCY)
        return emergency_view(conn, r, actor, err);
    json_t *managers = managers_json(conn, r->id, err);
    if (!managers)
        return NULL;
    json_t *o = case_view_short(r);
    if (!o)
        json_decref(managers);
    if (!o || !put_new(o, "case_managers", managers) ||
        !put_new(o, "may", capabilities_case_may(actor, &r->facts))) {
        json_decref(o);
        qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        return NULL;
    }
    json_t *needs = NULL;
    if (profile_read_lists(conn, r->id, o, err) != QG_OK ||
        !(needs = needs_count(conn, r->id, err)) || !put_new(o, "needs_count", needs)) {
        if (needs)
            qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
        json_decref(o);
        return NULL;
    }
    if (via == GRANT_FULL && !add_grant(conn, r, via, o, err)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

qg_code case_view_load(db *conn, const char *code, const qg_actor *actor, json_t **out,
                       qg_error *err)
{
    case_row r = {0};
    qg_code c = case_load(conn, code, actor, &r, err);
    if (c == QG_OK)
        c = case_load_grant(conn, actor, ACT_CASE_READ, &r, err);
    if (c == QG_OK && !(*out = case_view_full(conn, &r, actor, err)))
        c = err->code;
    case_row_free(&r);
    return c;
}
