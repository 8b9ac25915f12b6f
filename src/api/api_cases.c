/* api_cases.c — the case routes: list, create, read, update, personal data, and case
 * manager assignments. Case codes in paths are pseudonymous; no personal data ever
 * appears in a URL. Every answer that returns one case also lists the actions the user
 * may take on it ("may", made by the case's view in core). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_call.h"
#include "core/case/case.h"

#define LIST_DEFAULT 50

static void answer(api_call *call, qg_code c, const qg_error *err, int status, json_t *out)
{
    if (c == QG_OK)
        api_reply(call, status, out);
    else if (c == QG_ETHROTTLED) /* an IIN limit (issue 14 item 6) */
        api_fail_iin_limit(call, err);
    else
        api_fail(call, err, c == QG_ECONFLICT ? out : (json_decref(out), NULL));
}

void api_cases_list(api_call *call)
{
    int64_t limit;
    if (!api_query_int(call, "limit", LIST_DEFAULT, 1, CASE_LIST_MAX, &limit))
        return;
    case_query q = {.limit = (int)limit,
                    .before = http_query(call->req, "before"),
                    .stage = http_query(call->req, "stage"),
                    .status = http_query(call->req, "status")};
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = case_list(call->api->app, &call->who.actor, &q, &out, &err);
    answer(call, c, &err, 200, out);
}

void api_cases_create(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = case_create(call->api->app, &call->who.actor, body, &out, &err);
    json_decref(body);
    answer(call, c, &err, 201, out);
}

void api_cases_show(api_call *call)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = case_get(call->api->app, &call->who.actor, call->params[0], &out, &err);
    answer(call, c, &err, 200, out);
}

void api_cases_update(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = case_update(call->api->app, &call->who.actor, call->params[0], body, &out, &err);
    json_decref(body);
    answer(call, c, &err, 200, out);
}

void api_cases_personal_show(api_call *call)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = case_personal_get(call->api->app, &call->who.actor, call->params[0], &out, &err);
    answer(call, c, &err, 200, c == QG_OK ? json_pack("{s:o}", "personal", out) : out);
}

void api_cases_personal_put(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    qg_error err = {0};
    json_t *personal = NULL, *out = NULL;
    json_int_t version = 0;
    json_error_t jerr;
    qg_code c =
        api_unpack_strict(body, &jerr, "{s:o, s?I}", "personal", &personal, "version", &version) ==
                    0 &&
                version >= 0
            ? case_personal_put(call->api->app, &call->who.actor, call->params[0], personal,
                                version, &out, &err)
            : qg_fail(
                  &err, QG_EINVAL, "body", "body.shape",
                  "must be {\"personal\": {...}} with an optional \"version\", and nothing else");
    json_decref(body);
    answer(call, c, &err, 204, out); /* out: the registered child of a duplicate IIN */
}

static bool parse_user_id(const char *s, int64_t *id)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    *id = v;
    return !errno && *s && !*end && v > 0;
}

void api_cases_assign(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    json_int_t user_id = 0;
    json_error_t jerr;
    qg_error err = {0};
    qg_code c;
    if (api_unpack_strict(body, &jerr, "{s:I}", "user_id", &user_id) != 0)
        c = qg_fail(&err, QG_EINVAL, "user_id", "body.shape",
                    "must be given as a whole number, and nothing else");
    else
        c = case_assign(call->api->app, &call->who.actor, call->params[0], user_id, &err);
    json_decref(body);
    if (c != QG_OK) {
        api_fail(call, &err, NULL);
        return;
    }
    api_cases_show(call);
    call->resp->status = 201;
}

void api_cases_unassign(api_call *call)
{
    int64_t user_id = 0;
    qg_error err = {0};
    qg_code c =
        parse_user_id(call->params[1], &user_id)
            ? case_unassign(call->api->app, &call->who.actor, call->params[0], user_id, &err)
            : qg_fail(&err, QG_EINVAL, "user_id", "user.id_format", "must be a user id");
    answer(call, c, &err, 204, NULL);
}

void api_cases_assignable(api_call *call) { api_with_case(call, case_assignable_managers); }

void api_cases_workers(api_call *call) { api_with_case(call, case_assignable_workers); }
