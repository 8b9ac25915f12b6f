/* audit_trail.c — the audit trail read as a service, behind the policy (see audit_trail.h). */
#include "core/account/audit_trail.h"

#include <string.h>

#include "core/account/policy.h"

qg_code audit_trail_check(const qg_actor *actor, qg_error *err)
{
    if (policy_decide(actor, ACT_AUDIT_READ, NULL) != POLICY_ALLOW)
        return qg_fail(err, QG_EFORBIDDEN, NULL, "role.not_allowed",
                       "your role may not read the audit trail");
    return QG_OK;
}

typedef struct {
    int64_t org_id; /* 0: every entry */
    int64_t after; /* -1: the newest first, below before */
    int64_t before;
    int limit;
    json_t *list; /* owned until handed to the caller */
} list_read;

/* One page of entries (an app_read_fn; arg: a list_read). */
static qg_code read_page(db *conn, void *arg, qg_error *err)
{
    list_read *r = arg;
    r->list = r->after < 0 ? audit_list_recent(conn, r->org_id, r->before, r->limit, err)
                           : audit_list(conn, r->org_id, r->after, r->limit, err);
    return r->list ? QG_OK : err->code;
}

/* Checks the policy and the page's bounds, then reads the page r asks for. */
static qg_code list_page(qg_app *app, const qg_actor *actor, list_read *r, json_t **out,
                         qg_error *err)
{
    *out = NULL;
    qg_code c = audit_trail_check(actor, err);
    if (c != QG_OK)
        return c;
    if (r->limit < 1 || r->limit > AUDIT_TRAIL_PAGE_MAX)
        return qg_fail(err, QG_EINVAL, "limit", "number.out_of_range",
                       "must be a whole number from 1 to %d", AUDIT_TRAIL_PAGE_MAX);
    r->org_id = policy_audit_org(actor);
    c = app_read(app, read_page, r, err);
    if (c == QG_OK)
        *out = r->list;
    return c;
}

qg_code audit_trail_list(qg_app *app, const qg_actor *actor, int64_t after, int limit, json_t **out,
                         qg_error *err)
{
    *out = NULL;
    if (audit_trail_check(actor, err) != QG_OK)
        return err->code;
    if (after < 0)
        return qg_fail(err, QG_EINVAL, "after", "number.out_of_range",
                       "must be a whole number from 0");
    list_read r = {.after = after, .limit = limit};
    return list_page(app, actor, &r, out, err);
}

qg_code audit_trail_recent(qg_app *app, const qg_actor *actor, int64_t before, int limit,
                           json_t **out, qg_error *err)
{
    *out = NULL;
    if (audit_trail_check(actor, err) != QG_OK)
        return err->code;
    if (before < 0)
        return qg_fail(err, QG_EINVAL, "before", "number.out_of_range",
                       "must be a whole number from 0");
    list_read r = {.after = -1, .before = before, .limit = limit};
    return list_page(app, actor, &r, out, err);
}

typedef struct {
    const qg_keys *keys;
    audit_report *report;
} verify_read;

/* The check of the whole chain in one snapshot (an app_read_fn; arg: a verify_read). */
static qg_code verify_chain(db *conn, void *arg, qg_error *err)
{
    verify_read *v = arg;
    return audit_verify_snapshot(conn, v->keys, v->report, err);
}

qg_code audit_trail_verify(qg_app *app, const qg_actor *actor, audit_report *report, qg_error *err)
{
    memset(report, 0, sizeof *report);
    qg_code c = audit_trail_check(actor, err);
    if (c != QG_OK)
        return c;
    verify_read v = {.keys = app->keys, .report = report};
    return app_read(app, verify_chain, &v, err);
}
