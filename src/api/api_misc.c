/* api_misc.c — the audit trail for auditors, the code lists, and the health check. */
#include <string.h>

#include "api/api_call.h"
#include "core/account/audit_trail.h"
#include "core/instrument/qualify.h"
#include "core/vocab/vocab.h"

#define AUDIT_PAGE_DEFAULT 100

/* The services decide who may read the trail; asking first only keeps a forbidden role's
 * answer 403 whatever its query holds. False after answering. */
static bool may_audit(api_call *call)
{
    qg_error err = {0};
    if (audit_trail_check(&call->who.actor, &err) == QG_OK)
        return true;
    api_fail(call, &err, NULL);
    return false;
}

/* GET /api/v1/audit: with after=N the entries after N, oldest first (the paging the CLI and
 * older callers use); without it the newest first, below the cursor before=N when given. */
void api_audit_list(api_call *call)
{
    int64_t after, before, limit;
    if (!may_audit(call) || !api_query_int(call, "after", -1, 0, INT64_MAX, &after) ||
        !api_query_int(call, "before", 0, 1, INT64_MAX, &before) ||
        !api_query_int(call, "limit", AUDIT_PAGE_DEFAULT, 1, AUDIT_TRAIL_PAGE_MAX, &limit))
        return;
    qg_error err = {0};
    json_t *list = NULL;
    qg_app *app = call->api->app;
    qg_code c = after >= 0 ? audit_trail_list(app, &call->who.actor, after, (int)limit, &list, &err)
                           : audit_trail_recent(app, &call->who.actor, before, (int)limit, &list,
                                                &err);
    if (c != QG_OK)
        api_fail(call, &err, NULL);
    else
        api_reply(call, 200, json_pack("{s:o}", "entries", list));
}

void api_audit_verify(api_call *call)
{
    audit_report report;
    qg_error err = {0};
    qg_code c = audit_trail_verify(call->api->app, &call->who.actor, &report, &err);
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

/* 200 while the server answers; "storage" says whether the disk takes writes ("ok",
 * "full", "read_only"): while it does not, logins, changes and audited reads answer 503
 * and "status" is "degraded". Asking is what lets a degraded server notice, within a few
 * seconds, that space has returned (app_storage_state). */
void api_health(api_call *call)
{
    const char *storage = app_storage_state(call->api->app);
    const char *status = strcmp(storage, "ok") == 0 ? "ok" : "degraded";
    api_reply(call, 200, json_pack("{s:s, s:s}", "status", status, "storage", storage));
}
