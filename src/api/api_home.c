/* api_home.c — the home page's summary: GET /home[?counts=1] (core/work/home.h). */
#include "api/api_call.h"
#include "core/work/home.h"

/* GET /home[?counts=1]: counts=1 only the numbers the navigation shows. */
void api_home(api_call *call)
{
    int64_t counts;
    if (!api_query_int(call, "counts", 0, 0, 1, &counts))
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = home_summary(call->api->app, &call->who.actor, counts == 1, &out, &err);
    api_answer(call, c, &err, 200, out);
}
