/* api_admin.c — organisations and users over the API (admins; supervisors may list
 * their organisation's users to choose case managers, and confirm accounts an admin made). */
#include <string.h>

#include "api/api_call.h"
#include "core/account/account.h"

static void answer_list(api_call *call, json_t *list, const qg_error *err, const char *key)
{
    if (!list) {
        api_fail(call, err, NULL);
        return;
    }
    api_reply(call, 200, json_pack("{s:o}", key, list));
}

void api_orgs_list(api_call *call)
{
    qg_error err = {0};
    answer_list(call, org_list(call->api->app, &call->who.actor, &err), &err, "orgs");
}

void api_orgs_create(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    const char *name = NULL, *type = NULL, *region = NULL;
    json_error_t jerr;
    qg_error err = {0};
    int64_t id = 0;
    qg_code c = api_unpack_strict(body, &jerr, "{s:s, s:s, s:s}", "name", &name, "type", &type,
                                  "region", &region) == 0
                    ? org_create(call->api->app, &call->who.actor, name, type, region, &id, &err)
                    : qg_fail(&err, QG_EINVAL, "body", "body.shape",
                              "must be {\"name\", \"type\", \"region\"} as text, and nothing else");
    json_decref(body);
    if (c != QG_OK)
        api_fail(call, &err, NULL);
    else
        api_reply(call, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

void api_users_list(api_call *call)
{
    qg_error err = {0};
    answer_list(call, user_list(call->api->app, &call->who.actor, &err), &err, "users");
}

void api_users_create(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    const char *login = NULL, *role = NULL, *password = NULL, *name = NULL;
    json_int_t org = 0;
    json_error_t jerr;
    qg_error err = {0};
    int64_t id = 0;
    qg_code c =
        json_object_get(body, "system_wide") /* the documented answer, not a shape error */
            ? qg_fail(&err, QG_EFORBIDDEN, "system_wide", "account.system_wide_cli",
                      "a system-wide account is made only on the server's command line")
        : api_unpack_strict(body, &jerr, "{s:I, s:s, s:s, s:s, s?s}", "org_id", &org, "login",
                          &login, "role", &role, "password", &password, "name", &name) == 0
            ? user_name_check(name, &err)
            : qg_fail(&err, QG_EINVAL, "body", "body.shape",
                      "must be {\"org_id\", \"login\", \"role\", \"password\"} and an optional"
                      " \"name\", and nothing else");
    if (c == QG_OK)
        c = user_create(call->api->app, &call->who.actor, org, login, role, password, &id, &err);
    if (c == QG_OK && name && *name)
        c = user_set_name(call->api->app, &call->who.actor, login, name, &err);
    json_decref(body);
    if (c != QG_OK)
        api_fail(call, &err, NULL);
    else
        api_reply(call, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* The account changes that take only the login from the path. */
static void login_change(api_call *call,
                           qg_code (*fn)(qg_app *, const qg_actor *, const char *, qg_error *))
{
    qg_error err = {0};
    if (fn(call->api->app, &call->who.actor, call->params[0], &err) != QG_OK)
        api_fail(call, &err, NULL);
    else
        api_reply(call, 204, NULL);
}

void api_users_disable(api_call *call) { login_change(call, user_disable); }

void api_users_name(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    const char *name = NULL;
    json_error_t jerr;
    qg_error err = {0};
    qg_code c = api_unpack_strict(body, &jerr, "{s:s}", "name", &name) == 0
                    ? user_set_name(call->api->app, &call->who.actor, call->params[0], name, &err)
                    : qg_fail(&err, QG_EINVAL, "name", "body.shape",
                              "must be {\"name\"} (\"\" removes it)");
    json_decref(body);
    if (c != QG_OK)
        api_fail(call, &err, NULL);
    else
        api_reply(call, 204, NULL);
}

void api_users_confirm(api_call *call) { login_change(call, user_confirm); }

void api_users_password(api_call *call)
{
    json_t *body = api_body(call);
    if (!body)
        return;
    const char *password = NULL;
    json_error_t jerr;
    qg_error err = {0};
    qg_code c =
        api_unpack_strict(body, &jerr, "{s:s}", "password", &password) == 0
            ? user_set_password(call->api->app, &call->who.actor, call->params[0], password, &err)
            : qg_fail(&err, QG_EINVAL, "password", "body.shape",
                      "must be given as text, and nothing else");
    json_decref(body);
    if (c != QG_OK)
        api_fail(call, &err, NULL);
    else
        api_reply(call, 204, NULL);
}
