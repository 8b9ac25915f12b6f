/*
 * bb_accounts.c — black-box tests of who manages which account (docs/security.md "Who
 * manages which account", issues 13 and 15) over real HTTP against the real server:
 *   - every row of the table: an account made through the API cannot log in until the
 *     right second person confirms it (a supervisor their organisation's case-role
 *     accounts; another admin of the organisation or a system-wide admin its admin,
 *     auditor and analyst accounts; a system-wide admin the first supervisor of a new
 *     organisation; the command line the rest); nobody confirms their own making or
 *     reset; another organisation's accounts are absent to an admin of one organisation;
 *   - the outside test's reach across organisations, refused: resetting, making admins
 *     and auditors in, and disabling accounts of another organisation;
 *   - system-wide accounts: made only with `qorgau user add --system-wide`, never reset or
 *     disabled by an admin of one organisation, the last system-wide admin never disabled;
 *   - a reset: the old password stops at once, the new one works only once confirmed and
 *     is temporary: the login says it must change, every other request of that session is
 *     refused until it is changed;
 *   - the audit trail an auditor of one organisation reads holds only what concerns it; a
 *     referral between two organisations is in both auditors' trails; so is the access
 *     report of break-the-glass grants;
 *   - a wrong password says only that login and password do not match; only the right
 *     one may learn that the account waits for confirmation, or is disabled.
 *
 * One server on its own database. Logins and passwords are made up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "accounts-test-password"
#define WRONG "not-the-password-at-all"
#define TEMP "temporary-password-1"
#define OWN "my-own-password-2024"

enum { ORG_A, ORG_B, ORG_C, ORGS }; /* A and B have supervisors; C only a case manager */

enum {
    U_WIDE,   /* a system-wide admin (made with --system-wide) */
    U_WIDE2,  /* a second one */
    U_ADMIN,  /* an admin of A */
    U_ADMIN2, /* a second admin of A */
    U_SUP,
    U_CM,
    U_FR,
    U_ANALYST,
    U_AUDITOR,
    U_AUD_A,    /* the auditor of A whose trail test_audit_scoped reads */
    U_B_SUP,
    U_B_ADMIN,
    U_B_AUDITOR,
    U_AUD_WIDE, /* a system-wide auditor */
    U_C_CM,
    USERS
};

static const struct {
    const char *login, *role;
    int org;
    bool wide;
} defs[USERS] = {
    [U_WIDE] = {"acct.wide", "admin", ORG_A, true},
    [U_WIDE2] = {"acct.wide2", "admin", ORG_B, true},
    [U_ADMIN] = {"acct.admin", "admin", ORG_A, false},
    [U_ADMIN2] = {"acct.admin2", "admin", ORG_A, false},
    [U_SUP] = {"acct.sup", "supervisor", ORG_A, false},
    [U_CM] = {"acct.cm", "case_manager", ORG_A, false},
    [U_FR] = {"acct.fr", "first_responder", ORG_A, false},
    [U_ANALYST] = {"acct.analyst", "analyst", ORG_A, false},
    [U_AUDITOR] = {"acct.auditor", "auditor", ORG_A, false},
    [U_AUD_A] = {"acct.aud.a", "auditor", ORG_A, false},
    [U_B_SUP] = {"acct.b.sup", "supervisor", ORG_B, false},
    [U_B_ADMIN] = {"acct.b.admin", "admin", ORG_B, false},
    [U_B_AUDITOR] = {"acct.b.auditor", "auditor", ORG_B, false},
    [U_AUD_WIDE] = {"acct.aud.wide", "auditor", ORG_C, true},
    [U_C_CM] = {"acct.c.cm", "case_manager", ORG_C, false},
};

static struct {
    qgt_env env;
    int64_t org[ORGS];
    qgt_session s[USERS];
    char case_a[32]; /* a case of A (made by its case manager) */
    char case_c[32]; /* a case of C */
} fx;

static httpc_response *call(int user, const char *method, const char *path, const char *body)
{
    return qgt_call(&fx.env, user < 0 ? NULL : &fx.s[user], method, path, body);
}

/* The status of a call; frees the answer. */
static int status(httpc_response *r)
{
    return qgt_status(r);
}

static json_t *json_of(const httpc_response *r)
{
    assert_non_null(r);
    json_t *o = json_loadb(r->body, r->body_len, 0, NULL);
    if (!o)
        print_error("not JSON (status %d): %s\n", r->status, r->body);
    assert_non_null(o);
    return o;
}

/* One login attempt; the answer's JSON (caller frees), its status in *st. */
static json_t *login(const char *user, const char *password, int *st, qgt_session *s)
{
    json_t *b = json_pack("{s:s, s:s}", "login", user, "password", password);
    char *body = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    assert_non_null(body);
    httpc_response *r = httpc_do(fx.env.port, "POST", "/api/v1/session", NULL, body, strlen(body));
    free(body);
    assert_non_null(r);
    *st = r->status;
    json_t *o = json_of(r);
    if (s && r->status == 201) {
        char cookie[100];
        assert_true(httpc_cookie_value(r, "qg_session", cookie, sizeof cookie));
        snprintf(s->cookie, sizeof s->cookie, "qg_session=%s", cookie);
        snprintf(s->csrf, sizeof s->csrf, "%s", json_string_value(json_object_get(o, "csrf")));
    }
    httpc_response_free(r);
    return o;
}

/* The "reason" of a refused login's error ("login.wrong_password", "account.pending", ...). */
static const char *reason_of(json_t *o)
{
    const char *r = json_string_value(json_object_get(json_object_get(o, "error"), "reason"));
    return r ? r : "";
}

/* Makes a user through the API as `by`; returns the status. */
static int makes(int by, const char *user, const char *role, int64_t org)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"org_id\":%lld,\"login\":\"%s\",\"role\":\"%s\",\"password\":\"%s\"}",
             (long long)org, user, role, PASSWORD);
    return status(call(by, "POST", "/api/v1/users", body));
}

/* Makes a user through the API as the admin of A; returns the status. */
static int admin_makes(const char *user, const char *role, int64_t org)
{
    return makes(U_ADMIN, user, role, org);
}

/* The status of `by` acting on user: "disable", "password" (a reset to TEMP), "name". */
static int change(int by, const char *user, const char *what)
{
    char path[128], body[128];
    snprintf(path, sizeof path, "/api/v1/users/%s/%s", user, what);
    if (strcmp(what, "disable") == 0)
        return status(call(by, "POST", path, NULL));
    if (strcmp(what, "password") == 0)
        snprintf(body, sizeof body, "{\"password\":\"%s\"}", TEMP);
    else
        snprintf(body, sizeof body, "{\"name\":\"Test Name\"}");
    return status(call(by, "PUT", path, body));
}

/* The login's answer: its status, and the error's reason into reason (may be NULL). */
static int try_login(const char *user, const char *password, char reason[64])
{
    int st;
    json_t *o = login(user, password, &st, NULL);
    if (reason)
        snprintf(reason, 64, "%s", reason_of(o));
    json_decref(o);
    return st;
}

/* Adds a user on the server's command line (with --system-wide when wide); exit status. */
static int cli_user(const char *user, const char *role, int64_t org, bool wide)
{
    char org_text[24];
    snprintf(org_text, sizeof org_text, "%lld", (long long)org);
    const char *argv[] = {"user", "add", "--org", org_text, "--login", user, "--role", role,
                          wide ? "--system-wide" : NULL, NULL};
    return qgt_cli(&fx.env, true, PASSWORD "\n", NULL, NULL, argv);
}

static int confirm(int by, const char *user)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/users/%s/confirm", user);
    return status(call(by, "POST", path, NULL));
}

/* The user list entry of login as seen by user `by` (a new reference), or NULL. */
static json_t *listed(int by, const char *user)
{
    httpc_response *r = call(by, "GET", "/api/v1/users", NULL);
    assert_int_equal(r->status, 200);
    json_t *o = json_of(r), *found = NULL, *u;
    httpc_response_free(r);
    size_t i;
    json_array_foreach(json_object_get(o, "users"), i, u) {
        if (strcmp(json_string_value(json_object_get(u, "login")), user) == 0)
            found = json_incref(u);
    }
    json_decref(o);
    return found;
}

/* Asserts how `by` sees the waiting account: who confirms it and whether `by` may. */
static void assert_waiting(int by, const char *user, const char *confirm_by, bool may)
{
    json_t *u = listed(by, user);
    assert_non_null(u);
    assert_true(json_is_true(json_object_get(u, "pending")));
    assert_string_equal(json_string_value(json_object_get(u, "confirm_by")), confirm_by);
    json_t *m = json_object_get(u, "may");
    assert_true(json_is_array(m));
    bool listed_may = false;
    size_t i;
    json_t *v;
    json_array_foreach(m, i, v) listed_may |= strcmp(json_string_value(v), "user.confirm") == 0;
    assert_int_equal(listed_may, may);
    json_decref(u);
}

static int setup(void **state)
{
    (void)state;
    memset(&fx, 0, sizeof fx);
    if (!qgt_env_init(&fx.env))
        return -1;
    fx.org[ORG_A] = qgt_org(&fx.env, "Acct NGO A", "ngo", "almaty");
    fx.org[ORG_B] = qgt_org(&fx.env, "Acct Police B", "police", "astana");
    fx.org[ORG_C] = qgt_org(&fx.env, "Acct Shelter C", "ngo", "almaty");
    for (int u = 0; u < USERS; u++)
        if (cli_user(defs[u].login, defs[u].role, fx.org[defs[u].org], defs[u].wide) != 0)
            return -1;
    if (!qgt_server_start(&fx.env, NULL))
        return -1;
    for (int u = 0; u < USERS; u++)
        if (qgt_login(&fx.env, defs[u].login, PASSWORD, &fx.s[u]) != 201)
            return -1;
    /* organisations A and C hold a case; C has no supervisor */
    const char *c = "{\"sex\":\"Masculine\",\"personal\":{\"given_name\":\"Oydantap\"}}";
    httpc_response *r = call(U_CM, "POST", "/api/v1/cases", c);
    json_t *o = r && r->status == 201 ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    httpc_response_free(r);
    if (!o)
        return -1;
    snprintf(fx.case_a, sizeof fx.case_a, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
    r = call(U_C_CM, "POST", "/api/v1/cases", c);
    o = r && r->status == 201 ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    httpc_response_free(r);
    if (!o)
        return -1;
    snprintf(fx.case_c, sizeof fx.case_c, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

/* The reason and field of a refused call; its status returned. Frees the answer. */
static int refused(int by, const char *method, const char *path, const char *body,
                   const char *reason, const char *field)
{
    httpc_response *r = call(by, method, path, body);
    int st = r->status;
    json_t *o = json_of(r), *e = json_object_get(o, "error");
    httpc_response_free(r);
    assert_string_equal(reason_of(o), reason);
    if (field)
        assert_string_equal(json_string_value(json_object_get(e, "field")), field);
    json_decref(o);
    return st;
}

/* Does the user list, as `by` sees it, offer action on user's row? */
static bool row_offers(int by, const char *user, const char *action)
{
    json_t *u = listed(by, user), *v;
    assert_non_null(u);
    bool found = false;
    size_t i;
    json_array_foreach(json_object_get(u, "may"), i, v) found |=
        strcmp(json_string_value(v), action) == 0;
    json_decref(u);
    return found;
}

/* Logs user in with PASSWORD, which must be temporary, and sets OWN; the session in *s. */
static void first_login(const char *user, qgt_session *s)
{
    int st;
    json_t *o = login(user, PASSWORD, &st, s);
    assert_int_equal(st, 201);
    assert_true(json_is_true(json_object_get(o, "must_change_password")));
    json_decref(o);
    char body[160];
    snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"password\":\"%s\"}", PASSWORD,
             OWN);
    assert_int_equal(status(qgt_call(&fx.env, s, "PUT", "/api/v1/session/password", body)), 204);
}

/* A supervisor confirms the case-role accounts of their organisation that an admin made;
 * no admin (not the one who made it, not another of the organisation, not a system-wide
 * one), no other role and no other organisation's supervisor may. */
static void test_supervisor_confirms_case_roles(void **state)
{
    (void)state;
    static const char *const roles[] = {"supervisor", "case_manager", "first_responder"};
    static const char *const logins[] = {"wait.sup", "wait.cm", "wait.fr"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(admin_makes(logins[i], roles[i], fx.org[ORG_A]), 201);
        if (i == 0) /* failed logins count against the address: a few only */
            assert_int_equal(try_login(logins[i], PASSWORD, NULL), 401);
        assert_waiting(U_ADMIN, logins[i], "supervisor", false);
        assert_waiting(U_SUP, logins[i], "supervisor", true);
        assert_int_equal(confirm(U_ADMIN, logins[i]), 403);
        assert_int_equal(confirm(U_ADMIN2, logins[i]), 403);
        assert_int_equal(confirm(U_WIDE, logins[i]), 403);
        assert_int_equal(confirm(U_CM, logins[i]), 403);
        assert_int_equal(confirm(U_FR, logins[i]), 403);
        assert_int_equal(confirm(U_ANALYST, logins[i]), 403);
        assert_int_equal(confirm(U_AUDITOR, logins[i]), 403);
        assert_int_equal(confirm(U_B_SUP, logins[i]), 404); /* as if absent */
        assert_int_equal(confirm(U_B_ADMIN, logins[i]), 404);
        assert_int_equal(confirm(U_SUP, logins[i]), 204);
        assert_int_equal(confirm(U_SUP, logins[i]), 409); /* not waiting any more */
        assert_int_equal(try_login(logins[i], PASSWORD, NULL), 201);
    }
    /* the supervisor's list: waiting accounts first */
    assert_int_equal(admin_makes("wait.later", "case_manager", fx.org[ORG_A]), 201);
    httpc_response *r = call(U_SUP, "GET", "/api/v1/users", NULL);
    json_t *o = json_of(r);
    httpc_response_free(r);
    json_t *first = json_array_get(json_object_get(o, "users"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "login")), "wait.later");
    json_decref(o);
    assert_int_equal(confirm(U_SUP, "wait.later"), 204);
}

/* Admin, auditor and analyst accounts an admin makes wait for a second admin: another
 * admin of the organisation or a system-wide admin; never the one who made them, a
 * supervisor, or an admin of another organisation. */
static void test_admin_roles_wait_for_second_admin(void **state)
{
    (void)state;
    static const char *const roles[] = {"admin", "analyst", "auditor"};
    static const char *const logins[] = {"wait.admin", "wait.analyst", "wait.auditor"};
    char reason[64];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(admin_makes(logins[i], roles[i], fx.org[ORG_A]), 201);
        if (i == 0) {
            assert_int_equal(try_login(logins[i], PASSWORD, reason), 401);
            assert_string_equal(reason, "account.pending");
        }
        assert_waiting(U_ADMIN, logins[i], "admin", false); /* the one who made it */
        assert_waiting(U_ADMIN2, logins[i], "admin", true);
        assert_waiting(U_WIDE, logins[i], "admin", true);
        assert_int_equal(confirm(U_ADMIN, logins[i]), 403);
        assert_int_equal(confirm(U_SUP, logins[i]), 403);
        assert_int_equal(confirm(U_B_ADMIN, logins[i]), 404);
        assert_int_equal(confirm(i == 0 ? U_WIDE : U_ADMIN2, logins[i]), 204);
        assert_int_equal(try_login(logins[i], PASSWORD, NULL), 201);
    }
    /* a system-wide admin makes an auditor in B: B's admin confirms it, not its maker */
    assert_int_equal(makes(U_WIDE, "wait.b.auditor", "auditor", fx.org[ORG_B]), 201);
    assert_int_equal(confirm(U_WIDE, "wait.b.auditor"), 403);
    assert_int_equal(confirm(U_ADMIN, "wait.b.auditor"), 404);
    assert_int_equal(confirm(U_B_ADMIN, "wait.b.auditor"), 204);
    assert_int_equal(try_login("wait.b.auditor", PASSWORD, NULL), 201);
}

/* The outside test's reach across organisations: an admin of A resets, makes admins and
 * auditors in, disables, renames and confirms nothing of B; makes no organisation; lists
 * only A's accounts. B's accounts keep working. */
static void test_cross_org_refused(void **state)
{
    (void)state;
    static const int others[] = {U_B_AUDITOR, U_B_ADMIN, U_B_SUP};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        const char *user = defs[others[i]].login;
        assert_int_equal(change(U_ADMIN, user, "password"), 404);
        assert_int_equal(change(U_ADMIN, user, "disable"), 404);
        assert_int_equal(change(U_ADMIN, user, "name"), 404);
        assert_int_equal(try_login(user, PASSWORD, NULL), 201); /* not reset, not disabled */
    }
    static const char *const roles[] = {"admin", "auditor", "analyst", "supervisor"};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"org_id\":%lld,\"login\":\"cross.%s\",\"role\":\"%s\",\"password\":"
                 "\"%s\"}",
                 (long long)fx.org[ORG_B], roles[i], roles[i], PASSWORD);
        httpc_response *r = qgt_expect_error(&fx.env, &fx.s[U_ADMIN], "POST", "/api/v1/users",
                                             body, 403, "org_id", NULL);
        json_t *o = json_of(r);
        assert_string_equal(reason_of(o), "account.other_org");
        json_decref(o);
        httpc_response_free(r);
    }
    json_t *none = listed(U_WIDE, "cross.admin");
    assert_null(none);
    /* making an organisation is for a system-wide admin */
    const char *org = "{\"name\":\"Acct Cross Org\",\"type\":\"ngo\",\"region\":\"almaty\"}";
    assert_int_equal(status(call(U_ADMIN, "POST", "/api/v1/orgs", org)), 403);
    /* the admin of A lists A's accounts only; the system-wide admin every one */
    json_t *u = listed(U_ADMIN, defs[U_B_ADMIN].login);
    assert_null(u);
    u = listed(U_WIDE, defs[U_B_ADMIN].login);
    assert_non_null(u);
    json_decref(u);
    /* a system-wide account is made only on the server */
    char body[256];
    snprintf(body, sizeof body,
             "{\"org_id\":%lld,\"login\":\"cross.wide\",\"role\":\"admin\",\"password\":"
             "\"%s\",\"system_wide\":true}",
             (long long)fx.org[ORG_A], PASSWORD);
    assert_int_equal(status(call(U_WIDE, "POST", "/api/v1/users", body)), 403);
}

/* The first supervisor of a new organisation: the organisation is made by a system-wide
 * admin, its supervisor confirmed by another system-wide admin (or on the server); then
 * that supervisor confirms the organisation's case workers. A supervisor of an
 * organisation that holds cases and has nobody left to confirm it: the server only. */
static void test_first_supervisor_of_new_org(void **state)
{
    (void)state;
    const char *org = "{\"name\":\"Acct New D\",\"type\":\"ngo\",\"region\":\"almaty\"}";
    httpc_response *r = call(U_WIDE, "POST", "/api/v1/orgs", org);
    assert_int_equal(r->status, 201);
    json_t *o = json_of(r);
    httpc_response_free(r);
    int64_t org_d = json_integer_value(json_object_get(o, "id"));
    json_decref(o);
    /* new.sup's maker (U_WIDE) may not make what new.sup confirms: U_WIDE2 makes them */
    assert_int_equal(makes(U_WIDE2, "new.cm", "case_manager", org_d), 201);
    assert_waiting(U_WIDE, "new.cm", "supervisor", false); /* the supervisor to come */
    assert_int_equal(makes(U_WIDE, "new.sup", "supervisor", org_d), 201);
    assert_waiting(U_WIDE, "new.sup", "system_admin", false); /* its maker */
    assert_waiting(U_WIDE2, "new.sup", "system_admin", true);
    int st;
    json_t *a = login("new.sup", PASSWORD, &st, NULL);
    assert_int_equal(st, 401);
    assert_string_equal(reason_of(a), "account.pending");
    assert_string_equal(json_string_value(json_object_get(json_object_get(a, "error"),
                                                          "confirm_by")), "system_admin");
    json_decref(a);
    assert_int_equal(confirm(U_SUP, "new.sup"), 404);
    assert_int_equal(confirm(U_ADMIN, "new.sup"), 404);
    assert_int_equal(confirm(U_WIDE, "new.sup"), 403);
    assert_int_equal(confirm(U_WIDE2, "new.cm"), 403); /* case workers: their supervisor */
    assert_int_equal(confirm(U_WIDE2, "new.sup"), 204);
    qgt_session sup_d;
    first_login("new.sup", &sup_d); /* the password its maker chose is temporary */
    /* a second supervisor there is no longer an admin's to confirm */
    assert_int_equal(makes(U_WIDE2, "new.sup2", "supervisor", org_d), 201);
    assert_int_equal(makes(U_WIDE, "new.cm3", "case_manager", org_d), 201);
    assert_int_equal(status(qgt_call(&fx.env, &sup_d, "POST", "/api/v1/users/new.cm3/confirm",
                                     NULL)), 403); /* made by new.sup's own maker */
    assert_waiting(U_WIDE2, "new.sup2", "supervisor", false);
    assert_int_equal(confirm(U_WIDE2, "new.sup2"), 403);
    assert_int_equal(status(qgt_call(&fx.env, &sup_d, "POST", "/api/v1/users/new.cm/confirm",
                                     NULL)), 204);
    assert_int_equal(status(qgt_call(&fx.env, &sup_d, "POST", "/api/v1/users/new.sup2/confirm",
                                     NULL)), 204);
    /* C holds a case and has no supervisor: not an admin's; the server confirms */
    assert_int_equal(makes(U_WIDE, "c.sup", "supervisor", fx.org[ORG_C]), 201);
    assert_waiting(U_WIDE2, "c.sup", "system", false);
    assert_int_equal(confirm(U_WIDE2, "c.sup"), 403);
    const char *argv[] = {"user", "confirm", "--login", "c.sup", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, NULL, NULL, argv), 0);
    assert_int_equal(try_login("c.sup", PASSWORD, NULL), 201);
}

/* A wrong password tells nothing; the right one learns that the account waits (and for
 * whom) or is disabled. Both refusals answer 401 and set no cookie. */
static void test_login_answers(void **state)
{
    (void)state;
    assert_int_equal(admin_makes("ans.wait", "case_manager", fx.org[ORG_A]), 201);
    int st;
    json_t *wrong_waiting = login("ans.wait", WRONG, &st, NULL);
    assert_int_equal(st, 401);
    json_t *wrong_other = login("acct.cm", WRONG, &st, NULL);
    json_t *unknown = login("no.such.login", WRONG, &st, NULL);
    assert_true(json_equal(wrong_waiting, wrong_other));
    assert_true(json_equal(wrong_waiting, unknown));
    assert_string_equal(reason_of(wrong_waiting), "login.wrong_password");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(wrong_waiting, "error"), "message")),
        "login and password do not match");
    json_decref(wrong_waiting);
    json_decref(wrong_other);
    json_decref(unknown);
    json_t *right = login("ans.wait", PASSWORD, &st, NULL);
    assert_int_equal(st, 401);
    assert_string_equal(reason_of(right), "account.pending");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(right, "error"), "confirm_by")),
        "supervisor");
    json_decref(right);
    assert_int_equal(status(call(U_ADMIN, "POST", "/api/v1/users/acct.auditor/disable", NULL)),
                     204);
    json_t *off = login("acct.auditor", PASSWORD, &st, NULL);
    assert_int_equal(st, 401);
    assert_string_equal(reason_of(off), "account.disabled");
    json_decref(off);
    off = login("acct.auditor", WRONG, &st, NULL);
    assert_string_equal(reason_of(off), "login.wrong_password");
    json_decref(off);
}

/* An admin's reset: the old password stops at once, the new one works once a second
 * admin confirms it, and must be changed at the login that uses it before anything else;
 * afterwards only the user's own password works. */
static void test_temporary_password(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body, "{\"password\":\"%s\"}", TEMP);
    assert_int_equal(status(call(U_ADMIN, "PUT", "/api/v1/users/acct.analyst/password", body)),
                     204);
    json_t *u = listed(U_ADMIN, "acct.analyst");
    assert_true(json_is_true(json_object_get(u, "must_change")));
    json_decref(u);
    /* the old password stops at once; the new one waits for a second admin */
    char reason[64];
    assert_int_equal(try_login("acct.analyst", PASSWORD, reason), 401);
    assert_string_equal(reason, "login.wrong_password");
    assert_int_equal(try_login("acct.analyst", TEMP, reason), 401);
    assert_string_equal(reason, "account.pending");
    assert_waiting(U_ADMIN, "acct.analyst", "admin", false);
    assert_int_equal(confirm(U_ADMIN, "acct.analyst"), 403); /* never one's own reset */
    assert_int_equal(confirm(U_ADMIN2, "acct.analyst"), 204);
    int st;
    qgt_session s;
    json_t *o = login("acct.analyst", TEMP, &st, &s);
    assert_int_equal(st, 201);
    assert_true(json_is_true(json_object_get(o, "must_change_password")));
    json_decref(o);
    httpc_response *r = qgt_call(&fx.env, &s, "GET", "/api/v1/orgs", NULL);
    assert_int_equal(r->status, 403);
    o = json_of(r);
    assert_string_equal(reason_of(o), "password.must_change");
    json_decref(o);
    httpc_response_free(r);
    assert_int_equal(status(qgt_call(&fx.env, &s, "GET", "/api/v1/reports/victims", NULL)), 403);
    assert_int_equal(status(qgt_call(&fx.env, &s, "GET", "/api/v1/session", NULL)), 200);
    /* the current password must be the temporary one, the new one another */
    snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"password\":\"%s\"}", WRONG, OWN);
    r = qgt_call(&fx.env, &s, "PUT", "/api/v1/session/password", body);
    assert_int_equal(r->status, 400);
    o = json_of(r);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(o, "error"), "field")),
        "current_password");
    json_decref(o);
    httpc_response_free(r);
    snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"password\":\"%s\"}", TEMP, TEMP);
    assert_int_equal(status(qgt_call(&fx.env, &s, "PUT", "/api/v1/session/password", body)), 400);
    snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"password\":\"short\"}", TEMP);
    assert_int_equal(status(qgt_call(&fx.env, &s, "PUT", "/api/v1/session/password", body)), 400);
    snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"password\":\"%s\"}", TEMP, OWN);
    assert_int_equal(status(qgt_call(&fx.env, &s, "PUT", "/api/v1/session/password", body)), 204);
    /* the same session now works */
    assert_int_equal(status(qgt_call(&fx.env, &s, "GET", "/api/v1/orgs", NULL)), 200);
    json_decref(login("acct.analyst", TEMP, &st, NULL));
    assert_int_equal(st, 401);
    o = login("acct.analyst", OWN, &st, NULL);
    assert_int_equal(st, 201);
    assert_false(json_is_true(json_object_get(o, "must_change_password")));
    json_decref(o);
    assert_int_equal(status(qgt_call(&fx.env, &s, "DELETE", "/api/v1/session", NULL)), 204);
    /* a case-role account reset by an admin waits again, then must change */
    snprintf(body, sizeof body, "{\"password\":\"%s\"}", TEMP);
    assert_int_equal(status(call(U_ADMIN, "PUT", "/api/v1/users/acct.fr/password", body)), 204);
    assert_waiting(U_SUP, "acct.fr", "supervisor", true);
    assert_int_equal(confirm(U_ADMIN2, "acct.fr"), 403);
    assert_int_equal(confirm(U_SUP, "acct.fr"), 204);
    o = login("acct.fr", TEMP, &st, &s);
    assert_int_equal(st, 201);
    assert_true(json_is_true(json_object_get(o, "must_change_password")));
    json_decref(o);
    assert_int_equal(status(qgt_call(&fx.env, &s, "GET", "/api/v1/cases", NULL)), 403);
    assert_int_equal(status(qgt_call(&fx.env, &s, "DELETE", "/api/v1/session", NULL)), 204);
}

/* Every change above is in the audit trail, never a password. */
static void test_audited(void **state)
{
    (void)state;
    char org[24];
    snprintf(org, sizeof org, "%lld", (long long)fx.org[ORG_A]);
    const char *argv[] = {"user", "add", "--org", org, "--login", "acct.aud2", "--role",
                          "auditor", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, PASSWORD "\n", NULL, NULL, argv), 0);
    qgt_session aud;
    assert_int_equal(qgt_login(&fx.env, "acct.aud2", PASSWORD, &aud), 201);
    httpc_response *r = qgt_call(&fx.env, &aud, "GET", "/api/v1/audit?limit=500", NULL);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"user.confirm\""));
    assert_non_null(strstr(r->body, "\"user.passwd\""));
    assert_non_null(strstr(r->body, "\"user.passwd_own\""));
    assert_non_null(strstr(r->body, "\"temporary\":true"));
    assert_null(strstr(r->body, TEMP));
    assert_null(strstr(r->body, OWN));
    httpc_response_free(r);
}

/* Wrong current passwords count against the account like failed logins: once it is
 * blocked, the change answers 429 with Retry-After, like the login. */
static void test_password_change_throttled(void **state)
{
    (void)state;
    char org[24];
    snprintf(org, sizeof org, "%lld", (long long)fx.org[ORG_A]);
    const char *argv[] = {"user", "add", "--org", org, "--login", "acct.thr", "--role",
                          "analyst", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, PASSWORD "\n", NULL, NULL, argv), 0);
    qgt_session s;
    assert_int_equal(qgt_login(&fx.env, "acct.thr", PASSWORD, &s), 201);
    char body[256];
    snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"password\":\"%s\"}", WRONG,
             OWN);
    httpc_response *r = NULL;
    int tries = 0;
    do {
        httpc_response_free(r);
        r = qgt_call(&fx.env, &s, "PUT", "/api/v1/session/password", body);
        assert_non_null(r);
    } while (r->status == 400 && ++tries < 20);
    assert_int_equal(r->status, 429);
    assert_true(tries >= 5); /* the login's limit per account */
    const char *after = httpc_header(r, "Retry-After");
    assert_non_null(after);
    assert_true(strtol(after, NULL, 10) > 0);
    httpc_response_free(r);
}

/* System-wide accounts: made on the server with --system-wide (never a case role), shown
 * as such; an admin of one organisation neither resets nor disables one, even of their own
 * organisation; a system-wide admin may disable another, but never the last one. */
static void test_system_wide(void **state)
{
    (void)state;
    static char out[QGT_OUT];
    const char *list[] = {"user", "list", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, NULL, list), 0);
    assert_non_null(strstr(out, "acct.wide\tadmin\tactive\tconfirmed\tsystem-wide"));
    assert_non_null(strstr(out, "acct.admin\tadmin\tactive\tconfirmed\torganisation"));
    assert_int_not_equal(cli_user("wide.sup", "supervisor", fx.org[ORG_A], true), 0);
    json_t *u = listed(U_WIDE2, "acct.wide");
    assert_true(json_is_true(json_object_get(u, "system_wide")));
    json_decref(u);
    assert_int_equal(change(U_ADMIN, "acct.wide", "password"), 403);
    assert_int_equal(change(U_ADMIN, "acct.wide", "disable"), 403);
    assert_int_equal(change(U_WIDE2, "acct.wide", "password"), 403); /* the server's */
    assert_int_equal(try_login("acct.wide", PASSWORD, NULL), 201);
    /* the session says so */
    httpc_response *r = call(U_WIDE, "GET", "/api/v1/session", NULL);
    json_t *o = json_of(r);
    httpc_response_free(r);
    assert_true(json_is_true(json_object_get(json_object_get(o, "user"), "system_wide")));
    json_decref(o);
    /* disabling: one person may, within reach; never the last system-wide admin */
    assert_int_equal(change(U_WIDE, "acct.wide2", "disable"), 204);
    assert_int_equal(change(U_WIDE, "acct.wide", "disable"), 409);
    const char *off[] = {"user", "disable", "--login", "acct.wide", NULL};
    assert_int_not_equal(qgt_cli(&fx.env, true, NULL, NULL, NULL, off), 0);
    assert_int_equal(try_login("acct.wide", PASSWORD, NULL), 201);
    assert_int_equal(change(U_ADMIN, "acct.fr", "disable"), 204); /* own organisation */
    assert_int_equal(try_login("acct.fr", OWN, NULL), 401);
}

/* The trail an auditor of one organisation reads holds only entries that concern it: B's
 * auditor sees nothing of A's case but the referral from A to B, which A's auditor sees
 * too; a system-wide auditor reads all. */
static void test_audit_scoped(void **state)
{
    (void)state;
    char path[128], body[256];
    qgt_case_path(fx.case_a, "/referrals", path, sizeof path);
    snprintf(body, sizeof body,
             "{\"service\":\"medical\",\"to_org\":%lld,\"parts\":[\"profile\"],"
             "\"emergency_reason\":\"Acct test emergency\"}",
             (long long)fx.org[ORG_B]);
    assert_int_equal(status(call(U_SUP, "POST", path, body)), 201);
    int who[] = {U_AUD_A, U_B_AUDITOR, U_AUD_WIDE};
    json_t *trail[3];
    size_t seen[3] = {0, 0, 0}, creates[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        httpc_response *r = call(who[k], "GET", "/api/v1/audit?limit=500", NULL);
        assert_int_equal(r->status, 200);
        trail[k] = json_of(r);
        httpc_response_free(r);
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(trail[k], "entries"), i, e) {
            const char *object = json_string_value(json_object_get(e, "object"));
            const char *action = json_string_value(json_object_get(e, "action"));
            seen[k] += object && strcmp(object, fx.case_a) == 0;
            creates[k] += strcmp(action, "case.create") == 0;
            if (k == 1 && object && strcmp(object, fx.case_a) == 0) /* create, override */
                assert_int_equal(strncmp(action, "referral.", 9), 0);
        }
        json_decref(trail[k]);
    }
    assert_int_equal(seen[1], 2);  /* B: the referral only (made in an emergency) */
    assert_true(seen[0] >= 3);     /* A: the case's making and the referral */
    assert_int_equal(seen[2], seen[0]);
    assert_int_equal(creates[0], 1); /* A's case, not C's */
    assert_int_equal(creates[1], 0);
    assert_int_equal(creates[2], 2);
}

/* The access report of break-the-glass grants: A's supervisor takes one on C's case; A's
 * auditor and the system-wide one see it, B's does not. */
static void test_grant_report_scoped(void **state)
{
    (void)state;
    char path[128];
    qgt_case_path(fx.case_c, "/break-glass", path, sizeof path);
    assert_int_equal(status(call(U_SUP, "POST", path,
                                 "{\"reason\":\"Made-up emergency at the station\",\"hours\":1,"
                                 "\"emergency\":true}")),
                     201);
    const int who[] = {U_AUD_A, U_B_AUDITOR, U_AUD_WIDE};
    const size_t want[] = {1, 0, 1};
    for (int k = 0; k < 3; k++) {
        httpc_response *r = call(who[k], "GET", "/api/v1/access-grants", NULL);
        assert_int_equal(r->status, 200);
        json_t *o = json_of(r);
        httpc_response_free(r);
        assert_int_equal(json_array_size(json_object_get(o, "grants")), want[k]);
        json_decref(o);
    }
}

/* The second outside test: (1) the password the maker chose is temporary; (2) an admin's
 * own making confirms nothing its maker made or reset; (3) nobody resets their own password
 * through /users (the own password page asks for the current one); (4) "system_wide" in
 * POST /users answers as documented. */
static void test_outside_review_2(void **state)
{
    (void)state;
    /* (1) made by an admin, confirmed by a second: the first login must change it */
    assert_int_equal(admin_makes("chain.cm", "case_manager", fx.org[ORG_A]), 201);
    assert_int_equal(confirm(U_SUP, "chain.cm"), 204);
    json_t *u = listed(U_ADMIN, "chain.cm");
    assert_true(json_is_true(json_object_get(u, "must_change")));
    json_decref(u);
    qgt_session cm;
    first_login("chain.cm", &cm);
    assert_int_equal(status(qgt_call(&fx.env, &cm, "GET", "/api/v1/cases", NULL)), 200);
    /* (2) the admin's own admin, confirmed once, confirms nothing more of the admin's */
    assert_int_equal(admin_makes("chain.adm", "admin", fx.org[ORG_A]), 201);
    assert_int_equal(confirm(U_ADMIN2, "chain.adm"), 204);
    qgt_session adm;
    first_login("chain.adm", &adm);
    assert_int_equal(admin_makes("chain.aud", "auditor", fx.org[ORG_A]), 201);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/users/%s/confirm", "chain.aud");
    assert_int_equal(status(qgt_call(&fx.env, &adm, "POST", path, NULL)), 403);
    assert_int_equal(confirm(U_ADMIN2, "chain.aud"), 204);
    assert_int_equal(change(U_ADMIN, "acct.admin2", "password"), 204); /* a reset */
    snprintf(path, sizeof path, "/api/v1/users/%s/confirm", "acct.admin2");
    assert_int_equal(status(qgt_call(&fx.env, &adm, "POST", path, NULL)), 403);
    assert_int_equal(confirm(U_WIDE, "acct.admin2"), 204);
    /* but what another made, it confirms */
    assert_int_equal(makes(U_WIDE, "chain.aud2", "auditor", fx.org[ORG_A]), 201);
    snprintf(path, sizeof path, "/api/v1/users/%s/confirm", "chain.aud2");
    assert_int_equal(status(qgt_call(&fx.env, &adm, "POST", path, NULL)), 204);
    /* (3) one's own password: only on the own page, and the users page offers no reset */
    char body[160];
    snprintf(body, sizeof body, "{\"password\":\"%s\"}", TEMP);
    assert_int_equal(refused(U_ADMIN, "PUT", "/api/v1/users/acct.admin/password", body,
                             "account.own_password", "login"),
                     403);
    assert_int_equal(try_login("acct.admin", TEMP, NULL), 401); /* unchanged */
    assert_false(row_offers(U_ADMIN, "acct.admin", "user.password"));
    assert_true(row_offers(U_ADMIN, "acct.admin", "user.manage")); /* the name */
    assert_true(row_offers(U_ADMIN, "chain.cm", "user.password"));
    /* (4) a system-wide account through the API: 403 naming the field */
    snprintf(body, sizeof body,
             "{\"org_id\":%lld,\"login\":\"chain.wide\",\"role\":\"admin\",\"password\":\"%s\","
             "\"system_wide\":true}",
             (long long)fx.org[ORG_A], PASSWORD);
    assert_int_equal(
        refused(U_WIDE, "POST", "/api/v1/users", body, "account.system_wide_cli", "system_wide"),
        403);
    assert_int_equal(status(qgt_call(&fx.env, &cm, "DELETE", "/api/v1/session", NULL)), 204);
    assert_int_equal(status(qgt_call(&fx.env, &adm, "DELETE", "/api/v1/session", NULL)), 204);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_supervisor_confirms_case_roles),
        cmocka_unit_test(test_admin_roles_wait_for_second_admin),
        cmocka_unit_test(test_cross_org_refused),
        cmocka_unit_test(test_first_supervisor_of_new_org),
        cmocka_unit_test(test_login_answers),
        cmocka_unit_test(test_temporary_password),
        cmocka_unit_test(test_audited),
        cmocka_unit_test(test_password_change_throttled),
        cmocka_unit_test(test_system_wide),
        cmocka_unit_test(test_audit_scoped),
        cmocka_unit_test(test_grant_report_scoped),
        cmocka_unit_test(test_outside_review_2),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
