/* api_session.c — log in (POST /session), who am I (GET), log out (DELETE), change one's
 * own password (PUT /session/password). The login and who-am-I answers also carry what the
 * policy lets the user do ("may" and the scopes of capabilities.h), so that the web pages
 * never compare roles, and "must_change_password" while the password is temporary. */
#include <stdio.h>
#include <string.h>

#include "api/api_call.h"
#include "core/account/account.h"
#include "core/account/capabilities.h"
#include "core/account/policy.h"

/* The user, the CSRF token, when the session ends if unused, the idle limit (the web
 * interface warns before it) and the user's capabilities; NULL when out of memory. */
static json_t *session_json(const api_call *call, const session_info *who)
{
    json_t *o = json_pack("{s:{s:I, s:s, s:s, s:I, s:b}, s:s, s:I, s:i}", "user", "id",
                          (json_int_t)who->actor.user_id, "login", who->login, "role",
                          role_code(who->actor.role), "org_id", (json_int_t)who->actor.org_id,
                          "system_wide", who->actor.system_wide,
                          "csrf", who->csrf, "expires_at", (json_int_t)who->expires_at,
                          "idle_seconds", call->api->app->settings.session_idle_s);
    /* the emergency accesses a supervisor may take in 24 hours, for the request form */
    int emergency = policy_decide(&who->actor, ACT_BREAK_GLASS, NULL) == POLICY_ALLOW
                        ? call->api->app->settings.emergency_grants_per_day
                        : 0;
    if (o && (json_object_set_new(o, "must_change_password", json_boolean(who->must_change)) ||
              (emergency > 0 && json_object_set_new(o, "emergency_grants_per_day",
                                                    json_integer(emergency)) != 0) ||
              capabilities_add(o, &who->actor) != 0)) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

static void set_cookie(api_call *call, const char *token, int max_age)
{
    char cookie[256];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
             API_COOKIE, token, max_age, call->api->secure_cookies ? "; Secure" : "");
    http_add_header(call->resp, "Set-Cookie", cookie);
}

static void retry_after(api_call *call, int seconds)
{
    char v[16];
    snprintf(v, sizeof v, "%d", seconds > 0 ? seconds : 1);
    http_add_header(call->resp, "Retry-After", v);
}

/* What a refused login may tell, only after the right password: {"reason":
 * "account.pending", "confirm_by": role code} or {"reason": "account.disabled"}; NULL for
 * every other refusal (a wrong password says only that login and password do not match). */
static json_t *login_refusal_json(const session_info *who)
{
    if (who->refusal == LOGIN_REFUSED_PENDING)
        return json_pack("{s:s, s:s}", "reason", "account.pending", "confirm_by",
                         who->confirm_by ? who->confirm_by : "system");
    if (who->refusal == LOGIN_REFUSED_DISABLED)
        return json_pack("{s:s}", "reason", "account.disabled");
    return NULL;
}

void api_session_create(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    const char *login = NULL, *password = NULL;
    json_error_t jerr;
    if (api_unpack_strict(body, &jerr, "{s:s, s:s}", "login", &login, "password", &password) != 0) {
        json_decref(body);
        api_fail_new(call, QG_EINVAL, "body", "body.shape",
                     "must be {\"login\": text, \"password\": text} and nothing else");
        return;
    }
    session_tokens tokens;
    session_info who = {0};
    int wait = 0;
    qg_error err = {0};
    qg_code c = session_login(call->api->app, login, password, call->req->client_addr, call->now,
                              &tokens, &who, &wait, &err);
    json_decref(body);
    if (c != QG_OK) {
        api_fail(call, &err, login_refusal_json(&who));
        if (c == QG_ETHROTTLED)
            retry_after(call, wait);
        return;
    }
    api_reply(call, 201, session_json(call, &who));
    /* the browser keeps the cookie as long as the session can live at most (the
     * server ends it earlier when it lies unused) */
    set_cookie(call, tokens.token, call->api->app->settings.session_absolute_s);
}

void api_session_show(api_call *call) { api_reply(call, 200, session_json(call, &call->who)); }

void api_session_delete(api_call *call)
{
    qg_error err = {0};
    if (session_logout(call->api->app, call->token, &err) != QG_OK) {
        api_fail(call, &err, NULL);
        return;
    }
    api_reply(call, 204, NULL);
    set_cookie(call, "", 0);
}

void api_session_password(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    const char *current = NULL, *password = NULL;
    json_error_t jerr;
    qg_error err = {0};
    int wait = 0;
    qg_code c = api_unpack_strict(body, &jerr, "{s:s, s:s}", "current_password", &current,
                                  "password", &password) == 0
                    ? user_change_own_password(call->api->app, &call->who.actor, call->token,
                                               current, password, &wait, &err)
                    : qg_fail(&err, QG_EINVAL, "body", "body.shape",
                              "must be {\"current_password\", \"password\"} as text, and"
                              " nothing else");
    json_decref(body);
    if (c != QG_OK) {
        api_fail(call, &err, NULL);
        if (c == QG_ETHROTTLED)
            retry_after(call, wait);
    } else {
        api_reply(call, 204, NULL);
    }
}
