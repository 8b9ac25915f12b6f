/* case_view.c — the views of a case the API shows (see case_view.h). */
#include "core/case/case_view.h"

#include "core/account/capabilities.h"
#include "core/case/case_load.h"
#include "core/case/case_profile.h"

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

json_t *case_view_full(db *conn, const case_row *r, const qg_actor *actor, qg_error *err)
{
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
