/* case_may.c — the actions the acting user may take on one case (see case_may.h). It
 * reads the case's facts itself, so that case.c need not change; once the case's loading
 * lives in its own file, the case answer can take the list from the facts it already read. */
#include "core/case/case_may.h"

#include <time.h>

#include "core/account/capabilities.h"
#include "core/case/grant.h"

typedef struct {
    const qg_actor *actor;
    const char *code;
    json_t *may;
} may_job;

static qg_code load_facts(db *conn, const may_job *j, int64_t *case_id, case_facts *f,
                          qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT c.id, c.org_id, c.created_by, c.handed_over,"
                             " (SELECT count(*) FROM case_assignments a WHERE a.case_id = c.id),"
                             " EXISTS (SELECT 1 FROM case_assignments a"
                             "  WHERE a.case_id = c.id AND a.user_id = ?)"
                             " FROM cases c WHERE c.code = ?",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, j->actor->user_id);
    db_bind_text(st, 2, j->code);
    int rc = db_step(st, err);
    if (rc == 1) {
        *case_id = db_col_int(st, 0);
        *f = (case_facts){.org_id = db_col_int(st, 1),
                          .created_by = db_col_int(st, 2),
                          .handed_over = db_col_int(st, 3) != 0,
                          .assigned_count = (int)db_col_int(st, 4),
                          .actor_assigned = db_col_int(st, 5) != 0};
    }
    db_done(st);
    if (rc < 0)
        return err->code;
    return rc == 1 ? QG_OK : qg_fail(err, QG_ENOTFOUND, "code", "no such case");
}

static qg_code may_read(db *conn, void *arg, qg_error *err)
{
    may_job *j = arg;
    int64_t case_id = 0;
    case_facts f = {0};
    qg_code c = load_facts(conn, j, &case_id, &f, err);
    if (c == QG_OK && policy_decide(j->actor, ACT_BREAK_GLASS, NULL) == POLICY_ALLOW)
        c = grant_active(conn, j->actor->user_id, case_id, time(NULL), &f.granted, err);
    if (c == QG_OK && !(j->may = capabilities_case_may(j->actor, &f)))
        c = qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    return c;
}

qg_code case_may(qg_app *app, const qg_actor *actor, const char *code, json_t **out, qg_error *err)
{
    may_job j = {.actor = actor, .code = code};
    qg_code c = app_read(app, may_read, &j, err);
    *out = c == QG_OK ? j.may : NULL;
    if (c != QG_OK)
        json_decref(j.may);
    return c;
}
