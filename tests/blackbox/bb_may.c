/*
 * bb_may.c — black-box tests of what the policy tells the web interface: the session
 * answer's capabilities ("may", "case_scope", "directory_scope",
 * "report_always_protected", "assignable_roles") for every role, and each case answer's
 * "may" for a supervisor, the case's case manager, its first responder, a first
 * responder of another organisation and a supervisor of another organisation under a
 * break-the-glass grant. Each list is then held against what the API does: one action
 * the list allows succeeds and one it leaves out is refused.
 *
 * Organisation A: a.admin, a.sup, a.cm, a.fr, a.analyst, a.auditor; organisation B: b.sup,
 * b.fr. a.fr opens A1 (kept) and A2 (handed over to a.cm by a.sup). The children are
 * made up.
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

#include "support/qgtest.h"

#define PASSWORD "may-lists-password"
#define REASON "Night call from the border post: the child is in danger now"

enum { ADMIN, A_SUP, A_CM, A_FR, A_ANALYST, A_AUDITOR, B_SUP, B_FR, ACTORS };

static const struct {
    const char *login, *role;
    int org; /* 0: A, 1: B */
} people[ACTORS] = {
    [ADMIN] = {"a.admin", "admin", 0},         [A_SUP] = {"a.sup", "supervisor", 0},
    [A_CM] = {"a.cm", "case_manager", 0},      [A_FR] = {"a.fr", "first_responder", 0},
    [A_ANALYST] = {"a.analyst", "analyst", 0}, [A_AUDITOR] = {"a.auditor", "auditor", 0},
    [B_SUP] = {"b.sup", "supervisor", 1},      [B_FR] = {"b.fr", "first_responder", 1},
};

static struct {
    qgt_env env;
    qgt_session s[ACTORS];
    int64_t id[ACTORS];
    char a1[32], a2[32]; /* case codes */
} fx;

/* ---- helpers ------------------------------------------------------------------- */

/* Sends a request as who; returns the status and, when out is not NULL, the parsed
 * body (caller owns; NULL when it is not JSON). */
static int send(int who, const char *method, const char *path, const char *body, json_t **out)
{
    httpc_response *r = qgt_call(&fx.env, &fx.s[who], method, path, body);
    int status = r ? r->status : -1;
    if (out)
        *out = r && r->body_len ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    httpc_response_free(r);
    return status;
}

/* Asserts that list (a JSON array of strings) is exactly the comma-separated want. */
#define assert_list(list, want) assert_list_at((list), (want), __FILE__, __LINE__)
static void assert_list_at(json_t *list, const char *want, const char *file, int line)
{
    char got[1024] = "";
    size_t used = 0, i;
    json_t *e;
    if (!json_is_array(list)) {
        print_error("no list where [%s] was expected\n", want);
        _fail(file, line);
    }
    json_array_foreach(list, i, e) {
        int n = snprintf(got + used, sizeof got - used, "%s%s", i ? "," : "", json_string_value(e));
        assert_true(n > 0 && (size_t)n < sizeof got - used);
        used += (size_t)n;
    }
    if (strcmp(got, want) != 0) {
        print_error("got  [%s]\nwant [%s]\n", got, want);
        _fail(file, line);
    }
}

static void case_path(const char *code, const char *rest, char *out, size_t size)
{
    snprintf(out, size, "/api/v1/cases/%s%s", code, rest ? rest : "");
}

/* The "may" list of a case answer as who (the GET must answer 200); caller owns. */
static json_t *case_may(int who, const char *code)
{
    char path[128];
    case_path(code, NULL, path, sizeof path);
    json_t *o = NULL;
    assert_int_equal(send(who, "GET", path, NULL, &o), 200);
    json_t *may = json_incref(json_object_get(o, "may"));
    json_decref(o);
    return may;
}

/* ---- the session lists ----------------------------------------------------------- */

static const struct {
    int who;
    const char *may, *case_scope, *directory_scope;
    bool protected_;
    /* one action of the list, and one left out, with the statuses the API gives */
    const char *allowed_method, *allowed_path;
    int allowed_status;
    const char *refused_method, *refused_path;
} sessions[] = {
    {ADMIN, /* of one organisation: makes none (a system-wide admin does: bb_accounts) */
     "org.list,user.list,user.manage,directory.manage,agreement.manage,user.confirm,"
     "agreement.list",
     "none", "own", false, "GET", "/api/v1/users", 200, "GET", "/api/v1/cases"},
    {A_SUP,
     "case.create,case.list,case.read,case.update,personal.read,personal.update,case.assign,org.list,"
     "user.list,report.read,case.close,case.child_record,task.list,directory.manage,agreement.manage,"
     "referral.send,referral.receive,referral.override,case.break_glass,user.confirm,contact.answer,"
     "operation.manage,case.withdraw,grant.decide,agreement.list",
     "org", "own", false, "GET", "/api/v1/reports/victims", 200, "GET", "/api/v1/audit"},
    {A_CM,
     "case.create,case.list,case.read,case.update,personal.read,personal.update,org.list,case.close,"
     "case.child_record,task.list,referral.send,referral.receive,agreement.list",
     "assigned", "none", false, "GET", "/api/v1/tasks", 200, "GET", "/api/v1/users"},
    {A_FR,
     "case.create,case.list,case.read,case.update,personal.read,personal.update,org.list,task.list,"
     "referral.send,referral.receive,agreement.list",
     "opened_unassigned", "none", false, "GET", "/api/v1/cases", 200, "GET", "/api/v1/reports/victims"},
    {A_ANALYST, "org.list,report.read", "none", "none", true, "GET", "/api/v1/reports/victims", 200, "GET",
     "/api/v1/cases"},
    {A_AUDITOR, "org.list,audit.read,grant.report,agreement.list", "none", "none", false, "GET",
     "/api/v1/audit", 200, "GET", "/api/v1/users"},
};

static void test_session_lists(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sessions / sizeof sessions[0]; i++) {
        int who = sessions[i].who;
        json_t *o = NULL;
        assert_int_equal(send(who, "GET", "/api/v1/session", NULL, &o), 200);
        assert_list(json_object_get(o, "may"), sessions[i].may);
        assert_string_equal(json_string_value(json_object_get(o, "case_scope")), sessions[i].case_scope);
        assert_string_equal(json_string_value(json_object_get(o, "directory_scope")),
                            sessions[i].directory_scope);
        assert_true(json_is_boolean(json_object_get(o, "report_always_protected")));
        assert_int_equal(json_is_true(json_object_get(o, "report_always_protected")), sessions[i].protected_);
        assert_list(json_object_get(o, "assignable_roles"), "case_manager");
        /* the older fields are still there */
        assert_string_equal(json_string_value(json_object_get(json_object_get(o, "user"), "role")),
                            people[who].role);
        assert_non_null(json_object_get(o, "csrf"));
        json_decref(o);
        assert_int_equal(send(who, sessions[i].allowed_method, sessions[i].allowed_path, NULL, NULL),
                         sessions[i].allowed_status);
        assert_int_equal(send(who, sessions[i].refused_method, sessions[i].refused_path, NULL, NULL), 403);
    }
}

/* The login answer carries the same list as GET /session. */
static void test_login_answer_lists(void **state)
{
    (void)state;
    json_t *o = NULL;
    httpc_response *r = qgt_call(&fx.env, NULL, "POST", "/api/v1/session",
                                 "{\"login\":\"a.auditor\",\"password\":\"" PASSWORD "\"}");
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    o = json_loadb(r->body, r->body_len, 0, NULL);
    httpc_response_free(r);
    assert_list(json_object_get(o, "may"), "org.list,audit.read,grant.report,agreement.list");
    json_decref(o);
}

/* ---- the case lists ---------------------------------------------------------------- */

#define SUP_CASE "case.read,case.update,personal.read,personal.update,case.assign,case.close,case.child_record,referral.send"
/* a case of the supervisor's own organisation: also withdrawn by them (issue 14 item 6) */
#define SUP_OWN_CASE SUP_CASE ",case.withdraw"

static void test_case_lists_supervisor(void **state)
{
    (void)state;
    json_t *may = case_may(A_SUP, fx.a2);
    assert_list(may, SUP_OWN_CASE);
    json_decref(may);
    char path[128];
    /* allowed: personal.read; left out: case.break_glass_end (no grant to end) */
    case_path(fx.a2, "/personal", path, sizeof path);
    assert_int_equal(send(A_SUP, "GET", path, NULL, NULL), 200);
    case_path(fx.a2, "/break-glass", path, sizeof path);
    assert_int_equal(send(A_SUP, "DELETE", path, NULL, NULL), 404);
}

static void test_case_lists_case_manager(void **state)
{
    (void)state;
    json_t *may = case_may(A_CM, fx.a2);
    assert_list(may, "case.read,case.update,personal.read,personal.update,case.close,case.child_record,referral.send");
    json_decref(may);
    char path[128], body[64];
    case_path(fx.a2, "/personal", path, sizeof path);
    assert_int_equal(send(A_CM, "GET", path, NULL, NULL), 200);
    /* case.assign is left out: the API refuses it */
    case_path(fx.a2, "/assignments", path, sizeof path);
    snprintf(body, sizeof body, "{\"user_id\":%lld}", (long long)fx.id[A_CM]);
    assert_int_equal(send(A_CM, "POST", path, body, NULL), 403);
}

static void test_case_lists_first_responder(void **state)
{
    (void)state;
    json_t *may = case_may(A_FR, fx.a1);
    assert_list(may, "case.read,case.update,personal.read,personal.update,referral.send");
    json_decref(may);
    char path[128];
    case_path(fx.a1, "/personal", path, sizeof path);
    assert_int_equal(send(A_FR, "GET", path, NULL, NULL), 200);
    /* case.close is left out: the API refuses it */
    case_path(fx.a1, "/close", path, sizeof path);
    assert_int_equal(send(A_FR, "POST", path, "{\"reason\":\"recovered\"}", NULL), 403);
    /* the handed-over case is gone for its opener: no answer, so no list */
    case_path(fx.a2, NULL, path, sizeof path);
    json_t *o = NULL;
    assert_int_equal(send(A_FR, "GET", path, NULL, &o), 404);
    assert_null(json_object_get(o, "may"));
    json_decref(o);
}

/* A first responder of another organisation gets no case, so no list, and cannot act. */
static void test_case_lists_other_org(void **state)
{
    (void)state;
    char path[128];
    json_t *o = NULL;
    case_path(fx.a1, NULL, path, sizeof path);
    assert_int_equal(send(B_FR, "GET", path, NULL, &o), 404);
    assert_null(json_object_get(o, "may"));
    json_decref(o);
    case_path(fx.a1, "/personal", path, sizeof path);
    assert_int_equal(send(B_FR, "GET", path, NULL, NULL), 404);
}

/* A supervisor of another organisation under an emergency grant: reading the case and its
 * person (shaped to the emergency fields) and case.break_glass_end, which ends the access;
 * then the case is hidden again. */
static void test_case_lists_under_grant(void **state)
{
    (void)state;
    char path[128];
    case_path(fx.a1, "/break-glass", path, sizeof path);
    assert_int_equal(
        send(B_SUP, "POST", path, "{\"reason\":\"" REASON "\",\"emergency\":true}", NULL), 201);
    json_t *may = case_may(B_SUP, fx.a1);
    assert_list(may, "case.read,personal.read,case.break_glass_end");
    json_decref(may);
    assert_int_equal(send(B_SUP, "DELETE", path, NULL, NULL), 204);
    case_path(fx.a1, NULL, path, sizeof path);
    assert_int_equal(send(B_SUP, "GET", path, NULL, NULL), 404);
}

/* The answers of create, update and assignment carry the list too. */
static void test_case_writes_list(void **state)
{
    (void)state;
    json_t *o = NULL;
    assert_int_equal(send(A_SUP, "POST", "/api/v1/cases",
                          "{\"sex\":\"Masculine\",\"personal\":{\"given_name\":\"Oydantap\"}}", &o),
                     201);
    assert_list(json_object_get(o, "may"), SUP_OWN_CASE);
    char code[32], path[128], body[96];
    snprintf(code, sizeof code, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
    case_path(code, NULL, path, sizeof path);
    assert_int_equal(send(A_SUP, "PATCH", path, "{\"region\":\"almaty\"}", &o), 200);
    assert_list(json_object_get(o, "may"), SUP_OWN_CASE);
    json_decref(o);
    case_path(code, "/assignments", path, sizeof path);
    snprintf(body, sizeof body, "{\"user_id\":%lld}", (long long)fx.id[A_CM]);
    assert_int_equal(send(A_SUP, "POST", path, body, &o), 201);
    assert_list(json_object_get(o, "may"), SUP_OWN_CASE);
    json_decref(o);
    /* and the case manager now assigned sees it with their own list */
    json_t *may = case_may(A_CM, code);
    assert_list(may, "case.read,case.update,personal.read,personal.update,case.close,case.child_record,referral.send");
    json_decref(may);
}

/* ---- setup ----------------------------------------------------------------------- */

static bool open_case(char *code, size_t size)
{
    json_t *o = NULL;
    int status = send(A_FR, "POST", "/api/v1/cases",
                      "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"personal\":{\"given_name\":\"Testbala\"}}", &o);
    const char *c = json_string_value(json_object_get(o, "code"));
    bool ok = status == 201 && c && strlen(c) < size;
    if (ok)
        snprintf(code, size, "%s", c);
    json_decref(o);
    return ok;
}

static int setup(void **state)
{
    (void)state;
    if (!qgt_env_init(&fx.env))
        return -1;
    int64_t org[2] = {qgt_org(&fx.env, "May Org A", "ngo", "almaty"),
                      qgt_org(&fx.env, "May Org B", "ngo", "astana")};
    for (int i = 0; i < ACTORS; i++)
        if ((fx.id[i] = qgt_user(&fx.env, org[people[i].org], people[i].login, people[i].role, PASSWORD)) <= 0)
            return -1;
    if (!qgt_server_start(&fx.env, NULL))
        return -1;
    for (int i = 0; i < ACTORS; i++)
        if (qgt_login(&fx.env, people[i].login, PASSWORD, &fx.s[i]) != 201)
            return -1;
    if (!open_case(fx.a1, sizeof fx.a1) || !open_case(fx.a2, sizeof fx.a2))
        return -1;
    char path[128], body[64];
    case_path(fx.a2, "/assignments", path, sizeof path);
    snprintf(body, sizeof body, "{\"user_id\":%lld}", (long long)fx.id[A_CM]);
    return send(A_SUP, "POST", path, body, NULL) == 201 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_lists),          cmocka_unit_test(test_login_answer_lists),
        cmocka_unit_test(test_case_lists_supervisor),  cmocka_unit_test(test_case_lists_case_manager),
        cmocka_unit_test(test_case_lists_first_responder), cmocka_unit_test(test_case_lists_other_org),
        cmocka_unit_test(test_case_lists_under_grant), cmocka_unit_test(test_case_writes_list),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
