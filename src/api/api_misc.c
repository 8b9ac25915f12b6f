/* api_misc.c — the audit trail for auditors, the code lists, and the health check. */
#include "api/api_call.h"
#include "core/instrument/qualify.h"
#include "core/account/audit.h"
#include "core/account/policy.h"
#include "core/vocab/vocab.h"

#define AUDIT_PAGE_DEFAULT 100
#define AUDIT_PAGE_MAX 500

static bool may_audit(api_call *call)
{
    if (policy_decide(&call->who.actor, ACT_AUDIT_READ, NULL) == POLICY_ALLOW)
        return true;
    api_fail_new(call, QG_EFORBIDDEN, NULL, "your role may not read the audit trail");
    return false;
}

void api_audit_list(api_call *call)
{
    int64_t after, limit;
    if (!may_audit(call) || !api_query_int(call, "after", 0, 0, INT64_MAX, &after) ||
        !api_query_int(call, "limit", AUDIT_PAGE_DEFAULT, 1, AUDIT_PAGE_MAX, &limit))
        return;
    qg_error err = {0};
    db *conn = db_pool_acquire(call->api->app->readers);
    json_t *list = audit_list(conn, after, (int)limit, &err);
    db_pool_release(call->api->app->readers, conn);
    if (!list)
        api_fail(call, &err, NULL);
    else
        api_reply(call, 200, json_pack("{s:o}", "entries", list));
}

void api_audit_verify(api_call *call)
{
    if (!may_audit(call))
        return;
    audit_report report;
    qg_error err = {0};
    db *conn = db_pool_acquire(call->api->app->readers);
    qg_code c = audit_verify_snapshot(conn, call->api->app->keys, &report, &err);
    db_pool_release(call->api->app->readers, conn);
    if (c != QG_OK) {
        api_fail(call, &err, NULL);
        return;
    }
    api_reply(call, 200, json_pack("{s:b, s:I, s:o, s:s}", "intact", report.first_bad == 0,
                                   "entries", (json_int_t)report.entries, "first_bad",
                                   report.first_bad ? json_integer(report.first_bad) : json_null(),
                                   "reason", report.reason));
}

static json_t *list_json(const vocab_list *list)
{
    json_t *entries = json_array();
    for (size_t i = 0; i < list->count; i++) {
        const vocab_entry *e = &list->entries[i];
        json_t *o = json_pack("{s:s, s:s}", "code", e->code, "en", e->en);
        if (e->ru)
            json_object_set_new(o, "ru", json_string(e->ru));
        if (e->kk)
            json_object_set_new(o, "kk", json_string(e->kk));
        if (e->extra)
            json_object_set_new(o, "extra", json_string(e->extra));
        json_array_append_new(entries, o);
    }
    return entries;
}

void api_vocab(api_call *call)
{
    json_t *all = json_object();
    for (const vocab_list *const *l = vocab_all(); *l; l++)
        json_object_set_new(all, (*l)->name, list_json(*l));
    for (const vocab_list *const *l = qualify_lists(); *l; l++)
        json_object_set_new(all, (*l)->name, list_json(*l));
    api_reply(call, 200, all);
}

void api_health(api_call *call) { api_reply(call, 200, json_pack("{s:s}", "status", "ok")); }
