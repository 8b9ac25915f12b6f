/* api_search.c — finding a child and following up a duplicate IIN (issue 14): the search
 * (its text travels in the body, never in the URL), the contact requests and a
 * supervisor's list of the duplicate IIN answers (core/case/case_search.h, contact.h). */
#include <errno.h>
#include <stdlib.h>

#include "api/api_call.h"
#include "core/case/case_search.h"
#include "core/case/contact.h"

/* POST /search {"q": "..."} */
void api_search(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    const char *q = NULL;
    json_error_t jerr;
    json_t *out = NULL;
    qg_error err = {0};
    if (api_unpack_strict(body, &jerr, "{s:s}", "q", &q) != 0) {
        json_decref(body);
        api_fail_new(call, QG_EINVAL, "q", "search.empty",
                     "the body must be {\"q\": text}: a name, a birth date, a year or an IIN");
        return;
    }
    qg_code c = case_search(call->api->app, &call->who.actor, q, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 200, out);
}

/* POST /contact-requests {"attempt": "..."} */
void api_contact_send(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    const char *attempt = NULL;
    json_error_t jerr;
    json_t *out = NULL;
    qg_error err = {0};
    if (api_unpack_strict(body, &jerr, "{s:s}", "attempt", &attempt) != 0) {
        json_decref(body);
        api_fail_new(call, QG_EINVAL, "attempt", "attempt.format",
                     "the body must be {\"attempt\": the handle of the duplicate IIN answer}");
        return;
    }
    qg_code c = contact_send(call->api->app, &call->who.actor, attempt, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 201, out);
}

/* GET /contact-requests */
void api_contact_list(api_call *call)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = contact_list(call->api->app, &call->who.actor, &out, &err);
    api_answer(call, c, &err, 200, out);
}

/* POST /contact-requests/:id/answer {"answer": "will_refer" | "will_call" | "declined"} */
void api_contact_answer(api_call *call)
{
    const char *s = call->params[0];
    char *end = NULL;
    errno = 0;
    long long id = strtoll(s, &end, 10);
    if (errno || *s < '0' || *s > '9' || *end || id < 1) {
        api_fail_new(call, QG_ENOTFOUND, "request", "contact.not_found",
                     "no such contact request");
        return;
    }
    json_t *body = api_body(call);
    if (!body)
        return;
    const char *answer = NULL;
    json_error_t jerr;
    json_t *out = NULL;
    qg_error err = {0};
    if (api_unpack_strict(body, &jerr, "{s:s}", "answer", &answer) != 0) {
        json_decref(body);
        api_fail_new(call, QG_EINVAL, "answer", "value.not_in_list",
                     "the body must be {\"answer\": will_refer, will_call or declined}");
        return;
    }
    qg_code c = contact_answer(call->api->app, &call->who.actor, id, answer, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 200, out);
}

/* GET /duplicate-attempts */
void api_contact_attempts(api_call *call)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = contact_attempts(call->api->app, &call->who.actor, &out, &err);
    api_answer(call, c, &err, 200, out);
}
