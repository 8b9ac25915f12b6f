/* api_referral.c — the referral routes: creating and listing a case's referrals, the
 * lists across cases, reading one, moving it through its states, the printable sheet
 * for an organisation not on Qorgau, and the public JSON reply with a one-time code.
 * Paths carry case codes and referral references only. */
#include <stdio.h>
#include <string.h>

#include "api/api_call.h"
#include "api/api_lang.h"
#include "core/referral/referral.h"

void api_referrals_create(api_call *call) { api_with_case_body(call, referral_create, 201); }

void api_referrals_case_list(api_call *call) { api_with_case(call, referral_list_case); }

/* GET /referrals?direction=out|in[&overdue=1][&status=] */
void api_referrals_list(api_call *call)
{
    int64_t overdue;
    if (!api_query_int(call, "overdue", 0, 0, 1, &overdue))
        return;
    referral_query q = {.direction = http_query(call->req, "direction"), .overdue = overdue == 1,
                        .status = http_query(call->req, "status")};
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = referral_list(call->api->app, &call->who.actor, &q, &out, &err);
    api_answer(call, c, &err, 200, out);
}

void api_referrals_show(api_call *call)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = referral_get(call->api->app, &call->who.actor, call->params[0], &out, &err);
    api_answer(call, c, &err, 200, out);
}

/* POST /referrals/{ref}/{accept|decline|start|complete|not-complete|cancel}; an empty
 * body is the same as {}. */
void api_referrals_act(api_call *call)
{
    referral_action action;
    if (!referral_action_parse(call->params[1], &action)) {
        api_fail_new(call, QG_ENOTFOUND, "path", "path.not_found", "no such resource");
        return;
    }
    json_t *body = call->req->body_len == 0 ? json_object() : api_body(call);
    if (!body)
        return;
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c =
        referral_act(call->api->app, &call->who.actor, call->params[0], action, body, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 200, out);
}

/* POST /referrals/{ref}/phone-answer {"answer", "reason"?, "note"?, "version"?} */
void api_referrals_phone_answer(api_call *call)
{
    json_t *body = api_body(call), *out = NULL;
    if (!body)
        return;
    qg_error err = {0};
    qg_code c =
        referral_phone_answer(call->api->app, &call->who.actor, call->params[0], body, &out, &err);
    json_decref(body);
    api_answer(call, c, &err, 200, out);
}

/* The Host header when it looks like a host name or address with an optional port. */
static const char *plain_host(const http_request *req)
{
    const char *h = http_header(req, "Host");
    size_t n = h ? strlen(h) : 0;
    if (n == 0 || n > 100 ||
        strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != n)
        return NULL;
    return h;
}

/* GET /referrals/{ref}/sheet: a printable HTML page with a new one-time reply code. */
void api_referrals_sheet(api_call *call)
{
    char url[160], *html = NULL;
    size_t len = 0;
    qg_error err = {0};
    const char *host = plain_host(call->req), *lang = api_page_lang(call->req);
    if (host)
        snprintf(url, sizeof url, "%s://%s/reply?lang=%s",
                 call->api->secure_cookies ? "https" : "http", host, lang);
    else
        snprintf(url, sizeof url, "/reply?lang=%s", lang);
    qg_code c = referral_sheet(call->api->app, &call->who.actor, call->params[0], url, lang, &html,
                               &len, &err);
    if (c != QG_OK) {
        api_fail(call, &err, NULL);
        return;
    }
    api_reply_bytes(call, 200, "text/html; charset=utf-8", html, len, NULL);
}

void api_retry_after(api_call *call, int seconds)
{
    char v[16];
    snprintf(v, sizeof v, "%d", seconds > 0 ? seconds : 1);
    http_add_header(call->resp, "Retry-After", v);
}

/* POST /api/v1/reply {"code", "action", "reason"?}: no session; only ref and status
 * come back, never anything of the case. */
void api_reply_json(api_call *call)
{
    json_t *body = api_body(call), *out = NULL;
    if (!body)
        return;
    const char *code = NULL, *action = NULL, *reason = NULL;
    json_error_t jerr;
    if (api_unpack_strict(body, &jerr, "{s:s, s:s, s?s}", "code", &code, "action", &action,
                          "reason", &reason) != 0) {
        json_decref(body);
        api_fail_new(
            call, QG_EINVAL, "body", "body.shape",
            "must be {\"code\": text, \"action\": text, \"reason\"?: text} and nothing else");
        return;
    }
    int wait = 0;
    qg_error err = {0};
    qg_code c = referral_reply(call->api->app, call->req->client_addr, call->now, code, action,
                               reason, &out, &wait, &err);
    json_decref(body);
    api_answer(call, c, &err, 200, out);
    if (c == QG_ETHROTTLED)
        api_retry_after(call, wait);
}
