/* api_task.c — the task routes (a case's tasks, the due list across cases) and the
 * child's own record as a text download. Titles and the record travel only in bodies
 * and answers; paths carry case codes and task numbers only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_call.h"
#include "core/case/child_code.h"
#include "core/case/child_record.h"
#include "core/case/task.h"

void api_tasks_create(api_call *call) { api_with_case_body(call, task_create, 201); }

void api_tasks_case_list(api_call *call) { api_with_case(call, task_list_case); }

void api_tasks_update(api_call *call)
{
    api_with_case_record_body(call, "task", "task.not_found", "no such task", task_update);
}

/* GET /tasks[?overdue=1][&due_before=YYYY-MM-DD] */
void api_tasks_due(api_call *call)
{
    int64_t overdue;
    if (!api_query_int(call, "overdue", 0, 0, 1, &overdue))
        return;
    task_query q = {.overdue = overdue == 1, .due_before = http_query(call->req, "due_before")};
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = task_list_due(call->api->app, &call->who.actor, &q, &out, &err);
    api_answer(call, c, &err, 200, out);
}

/* GET /cases/{code}/child-record?lang=kk|ru|en: a text file to give to the child. */
void api_child_record(api_call *call)
{
    char *text = NULL, code[QG_CODE_SIZE] = "", name[64];
    size_t len = 0;
    qg_error err = {0};
    qg_code c = child_record_export(call->api->app, &call->who.actor, call->params[0],
                                    http_query(call->req, "lang"), &text, &len, &err);
    if (c != QG_OK) {
        api_fail(call, &err, NULL);
        return;
    }
    bool named = child_code_parse(call->params[0], "code", code, &err) == QG_OK;
    snprintf(name, sizeof name, "child-record-%s.txt", code);
    api_reply_bytes(call, 200, "text/plain; charset=utf-8", text, len, named ? name : NULL);
}
