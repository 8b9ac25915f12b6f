/* case_load.c — loading one stored case by its code and applying the policy to it,
 * break-the-glass grants included (see case_load.h). */
#include "core/case/case_load.h"

#include <string.h>
#include <time.h>

#include "core/case/grant_lookup.h"

/* The case with the code, or else a stand-in (the oldest case) that is read and thrown
 * away, so that a code no case has costs the same row, subqueries and parsing as a case
 * that is then hidden from the reader (issue 15 item 9). */
qg_code case_load(db *conn, const char *code, const qg_actor *actor, case_row *r, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "SELECT " CASE_COLUMNS " FROM cases c WHERE c.code = ? OR"
                             " (c.id = (SELECT min(id) FROM cases) AND NOT EXISTS"
                             " (SELECT 1 FROM cases d WHERE d.code = ?)) LIMIT 1",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, actor->user_id);
    db_bind_text(st, 2, code);
    db_bind_text(st, 3, code);
    int rc = db_step(st, err);
    if (rc == 1)
        case_row_read(st, r);
    db_done(st);
    if (rc < 0)
        return err->code;
    if (rc == 1 && strcmp(r->code, code) != 0) { /* the stand-in: nothing of it stays */
        case_row_free(r);
        *r = (case_row){0};
        rc = 0;
    }
    if (rc == 0)
        return qg_fail(err, QG_ENOTFOUND, "code", "case.not_found", "no such case");
    return r->fields ? QG_OK : qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
}

qg_code case_load_grant(db *conn, const qg_actor *actor, qg_action action, case_row *r,
                        qg_error *err)
{
    if (policy_decide(actor, action, &r->facts) != POLICY_HIDE ||
        policy_decide(actor, ACT_BREAK_GLASS, NULL) != POLICY_ALLOW)
        return QG_OK;
    grant_info g;
    qg_code c = grant_active(conn, actor->user_id, r->id, time(NULL), &g, err);
    r->facts.grant = g.scope;
    r->grant_id = g.id;
    r->grant_expires = g.expires_at;
    return c;
}

/* The policy's verdict on action for the loaded case; a supervisor it hides the case
 * from may still hold a break-the-glass grant that opens it. */
static qg_code verdict_for(db *conn, const qg_actor *actor, qg_action action, case_row *r,
                           policy_verdict *v, qg_error *err)
{
    qg_code c = case_load_grant(conn, actor, action, r, err);
    if (c == QG_OK)
        *v = policy_decide(actor, action, &r->facts);
    return c;
}

/* A missing case is answered like a hidden one (issue 15 item 9): where a hidden case makes
 * the policy look up a break-the-glass grant, a missing one looks one up too, for no case
 * (id 0 is never a case's), so both run the same statements. */
static qg_code missing_like_hidden(db *conn, const qg_actor *actor, qg_error *err)
{
    grant_info never;
    if (policy_decide(actor, ACT_BREAK_GLASS, NULL) != POLICY_ALLOW)
        return QG_OK;
    return grant_active(conn, actor->user_id, 0, time(NULL), &never, err);
}

/* case_load_visible and case_load_part: part says the caller reads or writes a record
 * hanging on the case rather than the case or its person (case_facts.part). */
static qg_code load_visible(db *conn, const qg_actor *actor, qg_action action, const char *code,
                            bool part, case_row *r, qg_error *err)
{
    policy_verdict v = POLICY_HIDE;
    qg_code c = case_load(conn, code, actor, r, err);
    if (c == QG_ENOTFOUND) {
        qg_error ignored = {0};
        if (missing_like_hidden(conn, actor, &ignored) != QG_OK)
            return qg_fail_copy(err, &ignored);
        return c;
    }
    if (c == QG_OK) {
        r->facts.part = part;
        c = verdict_for(conn, actor, action, r, &v, err);
    }
    if (c == QG_OK && v == POLICY_FORBID && policy_withdrawn_blocks(actor, action, &r->facts))
        c = qg_fail(err, QG_ECONFLICT, "status", "case.withdrawn",
                    "the case was withdrawn; it can only be read");
    else if (c == QG_OK && v == POLICY_FORBID && policy_grant_blocks(actor, action, &r->facts))
        c = qg_fail(err, QG_EFORBIDDEN, NULL, "grant.read_only",
                    "you see this case through a granted access, which only reads");
    else if (c == QG_OK && v != POLICY_ALLOW)
        c = v == POLICY_HIDE ? qg_fail(err, QG_ENOTFOUND, "code", "case.not_found", "no such case")
                             : qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                                       "your role may not do this");
    if (c != QG_OK)
        case_row_free(r);
    return c;
}

qg_code case_load_visible(db *conn, const qg_actor *actor, qg_action action, const char *code,
                          case_row *r, qg_error *err)
{
    return load_visible(conn, actor, action, code, false, r, err);
}

qg_code case_load_part(db *conn, const qg_actor *actor, qg_action action, const char *code,
                       case_row *r, qg_error *err)
{
    return load_visible(conn, actor, action, code, true, r, err);
}
