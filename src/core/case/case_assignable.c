/* case_assignable.c — who may take a case's work (see case_assignable.h). */
#include "core/case/case_assignable.h"

#include "core/account/policy.h"
#include "core/case/case_access.h"

typedef struct {
    const qg_actor *actor;
    const char *code;
    bool managers; /* case managers (else task assignees) */
    json_t *result;
} assignable_job;

typedef struct {
    int64_t id;
    const char *login, *role;
} candidate;

/* May c take the job's work? A case manager: an assignable role, not yet assigned.
 * A task: c may read the case's personal data. */
static qg_code fits(db *conn, assignable_job *j, const case_state *cs, const candidate *c,
                    bool *yes, qg_error *err)
{
    qg_actor who = {.user_id = c->id, .role = role_from_code(c->role)};
    *yes = false;
    if (j->managers) {
        if (!policy_assignable_role(who.role))
            return QG_OK;
        db_stmt *st = db_prepare(
            conn, "SELECT 1 FROM case_assignments WHERE case_id = ? AND user_id = ?", err);
        if (!st)
            return err->code;
        db_bind_int(st, 1, cs->id);
        db_bind_int(st, 2, c->id);
        int rc = db_step(st, err);
        db_done(st);
        *yes = rc == 0;
        return rc < 0 ? err->code : QG_OK;
    }
    who.org_id = cs->org_id;
    case_state seen;
    qg_code r = case_state_for(conn, &who, ACT_PERSONAL_READ, j->code, &seen, err);
    if (r == QG_ENOTFOUND || r == QG_EFORBIDDEN) { /* not for this one: no error */
        *err = (qg_error){0};
        return QG_OK;
    }
    *yes = r == QG_OK;
    return r;
}

/* The enabled, confirmed users of the case's organisation, when it is the actor's own
 * (the system actor sees every organisation's), that fit the job. */
static qg_code collect(db *conn, assignable_job *j, const case_state *cs, json_t *users,
                       qg_error *err)
{
    if (j->actor->role != ROLE_SYSTEM && j->actor->org_id != cs->org_id)
        return QG_OK;
    db_stmt *st = db_prepare(conn,
                             "SELECT id, login, role, name FROM users WHERE org_id = ?"
                             " AND disabled = 0 AND pending = 0 ORDER BY login",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, cs->org_id);
    /* first read the rows, then check each: a check runs statements of its own */
    json_t *rows = json_array();
    int rc;
    while (rows && (rc = db_step(st, err)) == 1)
        json_array_append_new(rows, json_pack("{s:I, s:s, s:s, s:s?}", "id",
                                              (json_int_t)db_col_int(st, 0), "login",
                                              db_col_text(st, 1), "role", db_col_text(st, 2),
                                              "name", db_col_text(st, 3)));
    db_done(st);
    if (!rows)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (rc < 0) {
        json_decref(rows);
        return err->code;
    }
    qg_code c = QG_OK;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        candidate one = {json_integer_value(json_object_get(row, "id")),
                         json_string_value(json_object_get(row, "login")),
                         json_string_value(json_object_get(row, "role"))};
        bool yes = false;
        c = fits(conn, j, cs, &one, &yes, err);
        if (c != QG_OK)
            break;
        if (yes)
            json_array_append(users, row);
    }
    json_decref(rows);
    return c;
}

static qg_code assignable_in_read(db *conn, void *arg, qg_error *err)
{
    assignable_job *j = arg;
    case_state cs;
    qg_code c = case_state_for(conn, j->actor, j->managers ? ACT_CASE_ASSIGN : ACT_PERSONAL_UPDATE,
                               j->code, &cs, err);
    json_t *users = c == QG_OK ? json_array() : NULL;
    if (c == QG_OK && !users)
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    if (c == QG_OK)
        c = collect(conn, j, &cs, users, err);
    if (c == QG_OK && !(j->result = json_pack("{s:o}", "users", users)))
        c = qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    else if (c != QG_OK)
        json_decref(users);
    return c;
}

static qg_code assignable(qg_app *app, const qg_actor *actor, const char *code_in,
                          bool managers, json_t **out, qg_error *err)
{
    char code[QG_CODE_SIZE];
    *out = NULL;
    qg_code c = case_precheck(actor, managers ? ACT_CASE_ASSIGN : ACT_PERSONAL_UPDATE, code_in,
                              code, err);
    if (c != QG_OK)
        return c;
    assignable_job j = {.actor = actor, .code = code, .managers = managers};
    c = app_read(app, assignable_in_read, &j, err);
    if (c == QG_OK)
        *out = j.result;
    return c;
}

qg_code case_assignable_managers(qg_app *app, const qg_actor *actor, const char *code,
                                 json_t **out, qg_error *err)
{
    return assignable(app, actor, code, true, out, err);
}

qg_code case_assignable_workers(qg_app *app, const qg_actor *actor, const char *code,
                                json_t **out, qg_error *err)
{
    return assignable(app, actor, code, false, out, err);
}
