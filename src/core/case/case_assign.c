/* case_assign.c — assigning and unassigning a case's case managers (see case_assign.h). */
#include "core/case/case_assign.h"

#include "core/account/audit.h"
#include "core/case/case_access.h"
#include "core/case/case_load.h"
#include "core/case/case_view.h"

qg_code case_assignment_insert(db *conn, int64_t case_id, int64_t user_id, int64_t by,
                               qg_error *err)
{
    char now[21];
    db_now_iso(now);
    db_stmt *st =
        db_prepare(conn,
                   "INSERT INTO case_assignments (case_id, user_id, assigned_by, assigned_at)"
                   " VALUES (?, ?, ?, ?)",
                   err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, user_id);
    db_bind_id_or_null(st, 3, by);
    db_bind_text(st, 4, now);
    qg_code c = db_run(st, err);
    if (c != QG_OK)
        return c;
    /* Handed over for good: the opener does not see it again (policy.c). */
    st = db_prepare(conn, "UPDATE cases SET handed_over = 1 WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    return db_run(st, err);
}

typedef struct {
    qg_app *app;
    const qg_actor *actor;
    const char *code;
    int64_t user_id;
    json_t *result;
} assign_job;

/* The assignee must be an enabled user of the case's organisation whose role the policy
 * lets take a case (a case manager). */
static qg_code check_assignee(db *conn, int64_t user_id, int64_t org_id, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT org_id, role, disabled FROM users WHERE id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, user_id);
    int rc = db_step(st, err);
    qg_code c = QG_OK;
    if (rc < 0)
        c = err->code;
    else if (rc == 0)
        c = qg_fail(err, QG_EINVAL, "user_id", "user.not_found", "no such user");
    else if (!policy_assignable_role(role_from_code(db_col_text(st, 1))))
        c = qg_fail(err, QG_EINVAL, "user_id", "user.not_case_manager", "is not a case manager");
    else if (db_col_int(st, 2))
        c = qg_fail(err, QG_EINVAL, "user_id", "user.disabled", "is disabled");
    else if (db_col_int(st, 0) != org_id)
        c = qg_fail(err, QG_EINVAL, "user_id", "user.other_org", "belongs to another organisation");
    db_done(st);
    return c;
}

static qg_code assigned_already(db *conn, int64_t case_id, int64_t user_id, bool *yes,
                                qg_error *err)
{
    db_stmt *st =
        db_prepare(conn, "SELECT 1 FROM case_assignments WHERE case_id = ? AND user_id = ?", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, user_id);
    int rc = db_step(st, err);
    db_done(st);
    *yes = rc == 1;
    return rc < 0 ? err->code : QG_OK;
}

static qg_code audit_assignment(db *conn, assign_job *j, const char *action, qg_error *err)
{
    json_t *detail = json_pack("{s:I}", "user_id", (json_int_t)j->user_id);
    qg_code c = audit_append(conn, j->app->keys, j->actor, action, j->code, detail, err);
    json_decref(detail);
    return c;
}

static qg_code assign_in_tx(db *conn, void *arg, qg_error *err)
{
    assign_job *j = arg;
    case_row r = {0};
    bool already = false;
    qg_code c = case_load_visible(conn, j->actor, ACT_CASE_ASSIGN, j->code, &r, err);
    if (c == QG_OK)
        c = check_assignee(conn, j->user_id, r.org_id, err);
    if (c == QG_OK)
        c = assigned_already(conn, r.id, j->user_id, &already, err);
    if (c == QG_OK && already)
        c = qg_fail(err, QG_ECONFLICT, "user_id", "assignment.exists",
                    "is already a case manager of this case");
    if (c == QG_OK && r.facts.assigned_count >= CASE_MANAGERS_MAX)
        c = qg_fail(err, QG_ECONFLICT, "user_id", "assignment.at_most_two",
                    "a child has at most two case managers (manual L1979); unassign one first");
    if (c == QG_OK)
        c = case_assignment_insert(conn, r.id, j->user_id, j->actor->user_id, err);
    if (c == QG_OK)
        c = audit_assignment(conn, j, "case.assign", err);
    if (c == QG_OK)
        c = case_view_load(conn, j->code, j->actor, &j->result, err);
    case_row_free(&r);
    return c;
}

static qg_code unassign_in_tx(db *conn, void *arg, qg_error *err)
{
    assign_job *j = arg;
    case_row r = {0};
    qg_code c = case_load_visible(conn, j->actor, ACT_CASE_ASSIGN, j->code, &r, err);
    db_stmt *st =
        c == QG_OK
            ? db_prepare(conn, "DELETE FROM case_assignments WHERE case_id = ? AND user_id = ?",
                         err)
            : NULL;
    if (c == QG_OK && !st)
        c = err->code;
    if (c == QG_OK) {
        db_bind_int(st, 1, r.id);
        db_bind_int(st, 2, j->user_id);
        c = db_run(st, err);
    }
    if (c == QG_OK && db_changes(conn) == 0)
        c = qg_fail(err, QG_ENOTFOUND, "user_id", "assignment.not_found",
                    "is not a case manager of this case");
    if (c == QG_OK)
        c = audit_assignment(conn, j, "case.unassign", err);
    case_row_free(&r);
    return c;
}

static qg_code run_assignment(qg_app *app, const qg_actor *actor, const char *code_in,
                              int64_t user_id, write_fn fn, qg_error *err)
{
    char code[QG_CODE_SIZE];
    qg_code c = case_precheck(actor, ACT_CASE_ASSIGN, code_in, code, err);
    if (c != QG_OK)
        return c;
    if (user_id <= 0)
        return qg_fail(err, QG_EINVAL, "user_id", "user.id_format", "must be a user id");
    assign_job j = {.app = app, .actor = actor, .code = code, .user_id = user_id};
    c = writer_run(app->writer, fn, &j, err);
    json_decref(j.result);
    return c;
}

qg_code case_assign(qg_app *app, const qg_actor *actor, const char *code, int64_t user_id,
                    qg_error *err)
{
    return run_assignment(app, actor, code, user_id, assign_in_tx, err);
}

qg_code case_unassign(qg_app *app, const qg_actor *actor, const char *code, int64_t user_id,
                      qg_error *err)
{
    return run_assignment(app, actor, code, user_id, unassign_in_tx, err);
}
