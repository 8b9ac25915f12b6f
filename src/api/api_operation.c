/* api_operation.c — the IIN check that cannot be farmed (issue 14 item 6): a supervisor's
 * operations that lift the hourly IIN limits (core/case/operation.h), withdrawing a case
 * made only to probe (core/case/case_withdraw.h), and the answer when a limit is reached
 * (core/case/iin_quota.h). */
#include <errno.h>
#include <stdlib.h>

#include "api/api_call.h"
#include "core/case/case_withdraw.h"
#include "core/case/iin_quota.h"
#include "core/case/operation.h"

void api_fail_iin_limit(api_call *call, const qg_error *err)
{
    int wait = 0;
    qg_error werr = {0};
    if (iin_quota_wait(call->api->app, &call->who.actor, &wait, &werr) != QG_OK || wait < 1)
        wait = 60; /* the limit was reached a moment ago: at least a minute */
    api_fail(call, err, json_pack("{s:i}", "wait_minutes", (wait + 59) / 60));
    api_retry_after(call, wait);
}

/* GET /operations */
void api_operations_list(api_call *call)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = operation_list(call->api->app, &call->who.actor, &out, &err);
    api_answer(call, c, &err, 200, out);
}

/* POST /operations {"name", "hours"} */
void api_operations_start(api_call *call)
{
    json_t *body = api_body(call), *out = NULL;
    if (!body)
        return;
    qg_error err = {0};
    qg_code c = operation_start(call->api->app, &call->who.actor, body, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 201, out);
}

/* POST /operations/{id}/end */
void api_operations_end(api_call *call)
{
    const char *s = call->params[0];
    char *end = NULL;
    errno = 0;
    long long id = strtoll(s, &end, 10);
    if (errno || *s < '0' || *s > '9' || *end || id < 1) {
        api_fail_new(call, QG_ENOTFOUND, "id", "operation.not_found", "no such operation");
        return;
    }
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = operation_end(call->api->app, &call->who.actor, id, &out, &err);
    api_answer(call, c, &err, 200, out);
}

/* POST /cases/{code}/withdraw {"reason"} */
void api_cases_withdraw(api_call *call) { api_with_case_body(call, case_withdraw, 200); }
