/* api_stage.c — a case's stage routes: the stage view and history, moving between
 * stages, closing with a reason and reopening (core/stage.h has the rules). Notes
 * travel only in bodies and answers, never in paths. */
#include "api/api_call.h"
#include "core/case/stage.h"

/* GET /cases/{code}/stages[?notes=1]: with notes=1 the notes are decrypted (personal
 * data, audited). */
void api_stages_show(api_call *call)
{
    int64_t notes;
    if (!api_query_int(call, "notes", 0, 0, 1, &notes))
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c =
        stage_history(call->api->app, &call->who.actor, call->params[0], notes == 1, &out, &err);
    api_answer(call, c, &err, 200, out);
}

void api_stages_move(api_call *call) { api_with_case_body(call, stage_move, 200); }

void api_cases_close(api_call *call) { api_with_case_body(call, stage_close, 200); }

void api_cases_reopen(api_call *call) { api_with_case_body(call, stage_reopen, 200); }
