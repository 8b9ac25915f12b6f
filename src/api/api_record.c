/* api_record.c — the routes of a case's forms: assessments, safety plans, action plans
 * and interactions (core/record.h has the bodies and the rules). One handler per verb
 * serves all four kinds: the kind is the path segment after the case code. Record
 * numbers and case codes are the only identifiers in paths; text travels only in
 * bodies and answers. */
#include <stdio.h>
#include <string.h>

#include "api/api_call.h"
#include "core/case/record.h"

#define CASES_PREFIX "/api/v1/cases/"
#define SEGMENT_MAX 32

/* The kind of the path ("/api/v1/cases/{code}/safety-plans[/{n}]" is "safety_plan");
 * answers 404 and returns NULL when the path names none. */
static const char *path_kind(api_call *call)
{
    const char *path = call->req->path;
    size_t skip = strlen(CASES_PREFIX) + strlen(call->params[0]) + 1;
    const char *kind = NULL;
    if (strncmp(path, CASES_PREFIX, strlen(CASES_PREFIX)) == 0 && strlen(path) > skip) {
        char segment[SEGMENT_MAX];
        size_t len = strcspn(path + skip, "/");
        if (len < sizeof segment) {
            memcpy(segment, path + skip, len);
            segment[len] = '\0';
            kind = record_kind_for_segment(segment);
        }
    }
    if (!kind)
        api_fail_new(call, QG_ENOTFOUND, "path", "path.not_found", "no such resource");
    return kind;
}

void api_records_create(api_call *call)
{
    const char *kind = path_kind(call);
    json_t *body = kind ? api_body(call) : NULL;
    if (!body)
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c =
        record_create(call->api->app, &call->who.actor, kind, call->params[0], body, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 201, out);
}

void api_records_list(api_call *call)
{
    const char *kind = path_kind(call);
    if (!kind)
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = record_list(call->api->app, &call->who.actor, kind, call->params[0], &out, &err);
    api_answer(call, c, &err, 200, out);
}

void api_records_show(api_call *call)
{
    int64_t n;
    const char *kind = path_kind(call);
    if (!kind || !api_path_number(call, "n", "record.not_found", "no such record", &n))
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = record_get(call->api->app, &call->who.actor, kind, call->params[0], n, &out, &err);
    api_answer(call, c, &err, 200, out);
}

void api_records_update(api_call *call)
{
    int64_t n;
    const char *kind = path_kind(call);
    if (!kind || !api_path_number(call, "n", "record.not_found", "no such record", &n))
        return;
    json_t *body = api_body(call);
    if (!body)
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c =
        record_update(call->api->app, &call->who.actor, kind, call->params[0], n, body, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 200, out);
}
