/* api_directory.c — the service directory and the agreements register over the API
 * (core/directory.h and core/agreement.h have the rules). */
#include <errno.h>
#include <stdlib.h>

#include "api/api_call.h"
#include "core/referral/agreement.h"
#include "core/referral/directory.h"

/* Parses path parameter i as an id (digits only, from 1). Returns false after answering
 * 404 naming field: a malformed id is one that does not exist. */
static bool path_id(api_call *call, int i, const char *field, const char *reason,
                    const char *message, int64_t *id)
{
    const char *s = call->params[i];
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *s < '0' || *s > '9' || *end || v < 1) {
        api_fail_new_at(call, QG_ENOTFOUND, field, reason, message);
        return false;
    }
    *id = v;
    return true;
}

static bool path_org(api_call *call, int64_t *org)
{
    return path_id(call, 0, "org", "org.not_found", "no such organisation", org);
}

/* PUT /orgs/{org}/services/{service}: 201 when the entry is new, else 200. */
void api_directory_put(api_call *call)
{
    int64_t org;
    if (!path_org(call, &org))
        return;
    json_t *body = api_body(call), *out = NULL;
    if (!body)
        return;
    qg_error err = {0};
    bool created = false;
    qg_code c = directory_put(call->api->app, &call->who.actor, org, call->params[1], body, &out,
                              &created, &err);
    json_decref(body);
    api_answer(call, c, &err, created ? 201 : 200, out);
}

void api_directory_remove(api_call *call)
{
    int64_t org;
    if (!path_org(call, &org))
        return;
    qg_error err = {0};
    qg_code c = directory_remove(call->api->app, &call->who.actor, org, call->params[1], &err);
    api_answer(call, c, &err, 204, NULL);
}

void api_directory_org(api_call *call)
{
    int64_t org;
    if (!path_org(call, &org))
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = directory_org_list(call->api->app, &call->who.actor, org, &out, &err);
    api_answer(call, c, &err, 200, out);
}

/* GET /services?service=&region=&age=&sex= */
void api_directory_search(api_call *call)
{
    directory_filter f = {.service = http_query(call->req, "service"),
                          .region = http_query(call->req, "region"),
                          .age = http_query(call->req, "age"),
                          .sex = http_query(call->req, "sex")};
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = directory_search(call->api->app, &call->who.actor, &f, &out, &err);
    api_answer(call, c, &err, 200, out);
}

void api_agreements_create(api_call *call)
{
    json_t *body = api_body(call), *out = NULL;
    if (!body)
        return;
    qg_error err = {0};
    qg_code c = agreement_create(call->api->app, &call->who.actor, body, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 201, out);
}

void api_agreements_end(api_call *call)
{
    int64_t id;
    if (!path_id(call, 0, "id", "agreement.not_found", "no such agreement", &id))
        return;
    /* the body is optional here: no body is {} */
    json_t *body = call->req->body_len ? api_body(call) : json_object(), *out = NULL;
    if (!body)
        return;
    qg_error err = {0};
    qg_code c = agreement_end(call->api->app, &call->who.actor, id, body, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 200, out);
}

/* GET /agreements[?org=ID][&valid_on=YYYY-MM-DD] */
void api_agreements_list(api_call *call)
{
    int64_t org;
    if (!api_query_int(call, "org", 0, 1, INT64_MAX, &org))
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = agreement_list(call->api->app, &call->who.actor, org,
                               http_query(call->req, "valid_on"), &out, &err);
    api_answer(call, c, &err, 200, out);
}

void api_agreements_show(api_call *call)
{
    int64_t id;
    if (!path_id(call, 0, "id", "agreement.not_found", "no such agreement", &id))
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = agreement_get(call->api->app, &call->who.actor, id, &out, &err);
    api_answer(call, c, &err, 200, out);
}
