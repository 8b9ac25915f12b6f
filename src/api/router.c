/*
 * router.c — the route table of /api/v1 and api_handle: match method and path, check
 * the session and the CSRF header where the route needs them, call the route. A path
 * no route knows may be one of the web interface's files (api_static.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/router.h"
#include "crypto/crypto.h"

#define OPEN false
#define SESSION true

static const api_route routes[] = {
    {"GET", "/api/v1/health", OPEN, api_health},
    {"POST", "/api/v1/session", OPEN, api_session_create},
    {"GET", "/api/v1/session", SESSION, api_session_show},
    {"DELETE", "/api/v1/session", SESSION, api_session_delete},
    {"PUT", "/api/v1/session/password", SESSION, api_session_password},
    {"GET", "/api/v1/vocab", SESSION, api_vocab},
    {"GET", "/api/v1/cases", SESSION, api_cases_list},
    {"POST", "/api/v1/cases", SESSION, api_cases_create},
    {"GET", "/api/v1/cases/:code", SESSION, api_cases_show},
    {"POST", "/api/v1/search", SESSION, api_search},
    {"GET", "/api/v1/contact-requests", SESSION, api_contact_list},
    {"POST", "/api/v1/contact-requests", SESSION, api_contact_send},
    {"POST", "/api/v1/contact-requests/:id/answer", SESSION, api_contact_answer},
    {"GET", "/api/v1/duplicate-attempts", SESSION, api_contact_attempts},
    {"PATCH", "/api/v1/cases/:code", SESSION, api_cases_update},
    {"GET", "/api/v1/cases/:code/personal", SESSION, api_cases_personal_show},
    {"PUT", "/api/v1/cases/:code/personal", SESSION, api_cases_personal_put},
    {"POST", "/api/v1/cases/:code/assignments", SESSION, api_cases_assign},
    {"DELETE", "/api/v1/cases/:code/assignments/:user", SESSION, api_cases_unassign},
    {"GET", "/api/v1/cases/:code/assignable/case-managers", SESSION, api_cases_assignable},
    {"GET", "/api/v1/cases/:code/assignable/workers", SESSION, api_cases_workers},
    {"GET", "/api/v1/cases/:code/screenings", SESSION, api_screenings_list},
    {"POST", "/api/v1/cases/:code/screenings", SESSION, api_screenings_create},
    {"GET", "/api/v1/cases/:code/screenings/:n", SESSION, api_screenings_show},
    {"PUT", "/api/v1/cases/:code/screenings/:n", SESSION, api_screenings_update},
    {"GET", "/api/v1/cases/:code/needs", SESSION, api_case_needs},
    {"POST", "/api/v1/cases/:code/needs/:need/addressed", SESSION, api_case_need_address},
    {"DELETE", "/api/v1/cases/:code/needs/:need/addressed", SESSION, api_case_need_reopen},
    {"GET", "/api/v1/cases/:code/stages", SESSION, api_stages_show},
    {"POST", "/api/v1/cases/:code/stage", SESSION, api_stages_move},
    {"POST", "/api/v1/cases/:code/close", SESSION, api_cases_close},
    {"POST", "/api/v1/cases/:code/reopen", SESSION, api_cases_reopen},
    {"POST", "/api/v1/cases/:code/withdraw", SESSION, api_cases_withdraw},
    {"GET", "/api/v1/operations", SESSION, api_operations_list},
    {"POST", "/api/v1/operations", SESSION, api_operations_start},
    {"POST", "/api/v1/operations/:id/end", SESSION, api_operations_end},
    {"POST", "/api/v1/cases/:code/break-glass", SESSION, api_grants_take},
    {"DELETE", "/api/v1/cases/:code/break-glass", SESSION, api_grants_end},
    {"GET", "/api/v1/access-grants", SESSION, api_grants_report},
    {"GET", "/api/v1/grant-requests", SESSION, api_grant_requests},
    {"POST", "/api/v1/grant-requests/:id/approve", SESSION, api_grant_approve},
    {"POST", "/api/v1/grant-requests/:id/refuse", SESSION, api_grant_refuse},
    {"POST", "/api/v1/grant-requests/:id/review", SESSION, api_grant_review},
    {"GET", "/api/v1/reports/:name", SESSION, api_reports_show},
    {"GET", "/api/v1/datasets/anonymised", SESSION, api_datasets_anonymised},
    {"GET", "/api/v1/cases/:code/assessments", SESSION, api_records_list},
    {"POST", "/api/v1/cases/:code/assessments", SESSION, api_records_create},
    {"GET", "/api/v1/cases/:code/assessments/:n", SESSION, api_records_show},
    {"PUT", "/api/v1/cases/:code/assessments/:n", SESSION, api_records_update},
    {"GET", "/api/v1/cases/:code/safety-plans", SESSION, api_records_list},
    {"POST", "/api/v1/cases/:code/safety-plans", SESSION, api_records_create},
    {"GET", "/api/v1/cases/:code/safety-plans/:n", SESSION, api_records_show},
    {"PUT", "/api/v1/cases/:code/safety-plans/:n", SESSION, api_records_update},
    {"GET", "/api/v1/cases/:code/action-plans", SESSION, api_records_list},
    {"POST", "/api/v1/cases/:code/action-plans", SESSION, api_records_create},
    {"GET", "/api/v1/cases/:code/action-plans/:n", SESSION, api_records_show},
    {"PUT", "/api/v1/cases/:code/action-plans/:n", SESSION, api_records_update},
    {"GET", "/api/v1/cases/:code/interactions", SESSION, api_records_list},
    {"POST", "/api/v1/cases/:code/interactions", SESSION, api_records_create},
    {"GET", "/api/v1/cases/:code/interactions/:n", SESSION, api_records_show},
    {"PUT", "/api/v1/cases/:code/interactions/:n", SESSION, api_records_update},
    {"GET", "/api/v1/cases/:code/tasks", SESSION, api_tasks_case_list},
    {"POST", "/api/v1/cases/:code/tasks", SESSION, api_tasks_create},
    {"PATCH", "/api/v1/cases/:code/tasks/:n", SESSION, api_tasks_update},
    {"GET", "/api/v1/cases/:code/child-record", SESSION, api_child_record},
    {"GET", "/api/v1/cases/:code/consents", SESSION, api_consents_list},
    {"POST", "/api/v1/cases/:code/consents", SESSION, api_consents_create},
    {"POST", "/api/v1/cases/:code/consents/:n/withdraw", SESSION, api_consents_withdraw},
    {"POST", "/api/v1/cases/:code/statistics/opt-out", SESSION, api_statistics_opt_out},
    {"GET", "/api/v1/tasks", SESSION, api_tasks_due},
    {"GET", "/api/v1/home", SESSION, api_home},
    {"GET", "/api/v1/cases/:code/referrals", SESSION, api_referrals_case_list},
    {"POST", "/api/v1/cases/:code/referrals", SESSION, api_referrals_create},
    {"GET", "/api/v1/referrals", SESSION, api_referrals_list},
    {"GET", "/api/v1/referrals/:ref", SESSION, api_referrals_show},
    {"GET", "/api/v1/referrals/:ref/sheet", SESSION, api_referrals_sheet},
    /* before ":action": the sender records an answer the recipient gave by phone */
    {"POST", "/api/v1/referrals/:ref/phone-answer", SESSION, api_referrals_phone_answer},
    {"POST", "/api/v1/referrals/:ref/:action", SESSION, api_referrals_act},
    {"POST", "/api/v1/reply", OPEN, api_reply_json}, /* one-time codes: no account, no CSRF */
    {"GET", "/reply", OPEN, api_reply_page},
    {"POST", "/reply", OPEN, api_reply_form},
    {"GET", "/api/v1/instruments", SESSION, api_instruments_list},
    {"GET", "/api/v1/instruments/:id", SESSION, api_instruments_show},
    {"POST", "/api/v1/instruments/:id/score", SESSION, api_instruments_score},
    {"POST", "/api/v1/qualify", SESSION, api_qualify},
    {"GET", "/api/v1/orgs", SESSION, api_orgs_list},
    {"POST", "/api/v1/orgs", SESSION, api_orgs_create},
    {"GET", "/api/v1/orgs/:org/services", SESSION, api_directory_org},
    {"PUT", "/api/v1/orgs/:org/services/:service", SESSION, api_directory_put},
    {"DELETE", "/api/v1/orgs/:org/services/:service", SESSION, api_directory_remove},
    {"GET", "/api/v1/services", SESSION, api_directory_search},
    {"GET", "/api/v1/agreements", SESSION, api_agreements_list},
    {"POST", "/api/v1/agreements", SESSION, api_agreements_create},
    {"GET", "/api/v1/agreements/:id", SESSION, api_agreements_show},
    {"POST", "/api/v1/agreements/:id/end", SESSION, api_agreements_end},
    {"GET", "/api/v1/users", SESSION, api_users_list},
    {"POST", "/api/v1/users", SESSION, api_users_create},
    {"POST", "/api/v1/users/:login/disable", SESSION, api_users_disable},
    {"PUT", "/api/v1/users/:login/name", SESSION, api_users_name},
    {"POST", "/api/v1/users/:login/confirm", SESSION, api_users_confirm},
    {"PUT", "/api/v1/users/:login/password", SESSION, api_users_password},
    {"GET", "/api/v1/audit", SESSION, api_audit_list},
    {"GET", "/api/v1/audit/verify", SESSION, api_audit_verify},
};

#define ROUTE_COUNT (sizeof routes / sizeof routes[0])

size_t api_route_count(void) { return ROUTE_COUNT; }

const api_route *api_route_at(size_t i) { return i < ROUTE_COUNT ? &routes[i] : NULL; }

bool api_route_match(const char *pattern, const char *path,
                     char params[API_PARAMS_MAX][API_SEGMENT_MAX])
{
    int n = 0;
    while (*pattern && *path) {
        if (*pattern != '/' || *path != '/')
            return false;
        pattern++, path++;
        size_t plen = strcspn(pattern, "/"), slen = strcspn(path, "/");
        if (*pattern == ':') {
            if (slen == 0 || slen >= API_SEGMENT_MAX || n == API_PARAMS_MAX)
                return false;
            memcpy(params[n], path, slen);
            params[n++][slen] = '\0';
        } else if (plen != slen || strncmp(pattern, path, plen) != 0) {
            return false;
        }
        pattern += plen, path += slen;
    }
    return *pattern == '\0' && *path == '\0';
}

const api_route *api_route_find(const char *method, const char *path,
                                char params[API_PARAMS_MAX][API_SEGMENT_MAX], char *allow,
                                size_t allow_size)
{
    if (allow_size)
        allow[0] = '\0';
    for (size_t i = 0; i < ROUTE_COUNT; i++) {
        if (!api_route_match(routes[i].pattern, path, params))
            continue;
        if (strcmp(routes[i].method, method) == 0)
            return &routes[i];
        size_t n = allow_size ? strlen(allow) : 0;
        if (n + 1 < allow_size)
            snprintf(allow + n, allow_size - n, "%s%s", n ? ", " : "", routes[i].method);
    }
    return NULL;
}

static bool changes_state(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* A session whose password is temporary may only say who it is, change the password
 * and log out (policy_password_temporary); everything else is refused until then. */
static bool allowed_before_change(route_fn fn)
{
    return fn == api_session_show || fn == api_session_delete || fn == api_session_password;
}

/* Answers 403 "password.must_change" and returns false. */
static bool refuse_temporary(api_call *call)
{
    qg_error err = {0};
    qg_fail(&err, QG_EFORBIDDEN, "password", "password.must_change", "set your own password first");
    api_fail(call, &err, NULL);
    return false;
}

/* Finds the session; on a state-changing request also checks the CSRF token; a session
 * with a temporary password reaches only allowed_before_change. */
static bool authenticate(api_call *call, route_fn fn)
{
    qg_error err = {0};
    call->token = http_cookie(call->req, API_COOKIE);
    if (session_lookup(call->api->app, call->token, call->now, &call->who, &err) != QG_OK) {
        api_fail(call, &err, NULL);
        return false;
    }
    if (!changes_state(call->req->method))
        return !call->who.must_change || allowed_before_change(fn) || refuse_temporary(call);
    const char *csrf = http_header(call->req, API_CSRF_HEADER);
    if (!csrf || strlen(csrf) != QG_TOKEN_HEX - 1 ||
        !crypto_equal(csrf, call->who.csrf, QG_TOKEN_HEX - 1)) {
        api_fail_new(call, QG_EFORBIDDEN, API_CSRF_HEADER, "csrf.token",
                     "missing or wrong CSRF token; send the token from the session");
        return false;
    }
    return !call->who.must_change || allowed_before_change(fn) || refuse_temporary(call);
}

void api_handle(void *ctx, const http_request *req, http_response *resp)
{
    api_call call = {.api = ctx, .req = req, .resp = resp, .now = (int64_t)time(NULL)};
    char allow[64]; /* the methods of a known path, for a 405's Allow header */
    const api_route *r = api_route_find(req->method, req->path, call.params, allow, sizeof allow);
    if (r) {
        if (r->session && !authenticate(&call, r->fn))
            return;
        r->fn(&call);
        return;
    }
    if (!allow[0] && api_static(&call))
        return;
    if (allow[0]) {
        api_fail_new(&call, QG_EINVAL, "method", "request.method",
                     "method not allowed on this resource");
        resp->status = 405;
        http_add_header(resp, "Allow", allow);
        return;
    }
    api_fail_new(&call, QG_ENOTFOUND, "path", "path.not_found", "no such resource");
}
