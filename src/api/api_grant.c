/* api_grant.c — break-the-glass routes (docs/security.md "Break-the-glass"; core/grant.h):
 * a supervisor asks for access to a case outside their scope, or takes emergency access at
 * once; the holder's supervisors list, approve, refuse and review; the requester withdraws
 * or ends; the auditor reads the report of every grant with its reason. */
#include <errno.h>
#include <stdlib.h>

#include "api/api_call.h"
#include "core/case/grant.h"

/* POST /cases/{code}/break-glass {"reason", "hours", "emergency"}: 202 a request, 201 an
 * emergency access in effect. */
void api_grants_take(api_call *call)
{
    json_t *body = api_body(call), *out = NULL;
    if (!body)
        return;
    qg_error err = {0};
    bool emergency = false;
    qg_code c = grant_take(call->api->app, &call->who.actor, call->params[0], body, &emergency,
                           &out, &err);
    json_decref(body);
    api_answer(call, c, &err, emergency ? 201 : 202, out);
}

/* DELETE /cases/{code}/break-glass: withdraw the request or end the access. */
void api_grants_end(api_call *call)
{
    qg_error err = {0};
    qg_code c = grant_end(call->api->app, &call->who.actor, call->params[0], &err);
    api_answer(call, c, &err, 204, NULL);
}

/* GET /access-grants[?active=1][&limit=N] */
void api_grants_report(api_call *call)
{
    int64_t active, limit;
    if (!api_query_int(call, "active", 0, 0, 1, &active) ||
        !api_query_int(call, "limit", 100, 1, 500, &limit))
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = grant_report(call->api->app, &call->who.actor, active == 1, (int)limit, &out, &err);
    api_answer(call, c, &err, 200, out);
}

/* GET /grant-requests */
void api_grant_requests(api_call *call)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = grant_requests(call->api->app, &call->who.actor, &out, &err);
    api_answer(call, c, &err, 200, out);
}

/* POST /grant-requests/{id}/(approve|refuse|review) */
static void decide(api_call *call, grant_decision what)
{
    const char *s = call->params[0];
    char *end = NULL;
    errno = 0;
    long long id = strtoll(s, &end, 10);
    if (errno || *s < '0' || *s > '9' || *end || id < 1) {
        api_fail_new(call, QG_ENOTFOUND, "id", "grant.not_found", "no such access");
        return;
    }
    json_t *body = api_body(call), *out = NULL;
    if (!body)
        return;
    qg_error err = {0};
    qg_code c = grant_decide(call->api->app, &call->who.actor, id, what, body, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 200, out);
}

void api_grant_approve(api_call *call) { decide(call, GRANT_APPROVE); }
void api_grant_refuse(api_call *call) { decide(call, GRANT_REFUSE); }
void api_grant_review(api_call *call) { decide(call, GRANT_REVIEW); }
