/* api_grant.c — break-the-glass routes: a supervisor takes or ends temporary access to
 * a case outside their scope; the auditor reads the report of every grant with its
 * reason (core/grant.h). */
#include "api/api_call.h"
#include "core/case/grant.h"

void api_grants_take(api_call *call) { api_with_case_body(call, grant_take, 201); }

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
