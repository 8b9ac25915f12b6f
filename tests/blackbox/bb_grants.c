/*
 * bb_grants.c — black-box tests of break-the-glass access through the real server: a
 * supervisor of another organisation takes temporary access to a case with a reason,
 * reads it, ends it early; a grant expires by itself (its expiry moved into the past
 * with the sqlite3 tool while the server is stopped); who may take access and who may
 * read the report; the report lists every grant with its reason and nobody else sees
 * the reason; every step is audited.
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

#define PASSWORD "grant-test-password"
#define REASON "Night call from the border post: the child is in danger now"
#define PATH_LEN 256

typedef struct {
    qgt_env env;
    qgt_session sup_a, cm_a, sup_b, cm_b, auditor, analyst;
    char code[32];
} fixture;

static fixture fx;

static int send(const qgt_session *s, const char *method, const char *path, const char *body, json_t **out)
{
    return qgt_send(&fx.env, s, method, path, body, out);
}

static void expect_field(const qgt_session *s, const char *method, const char *path, const char *body,
                         int status, const char *field)
{
    json_t *o = NULL;
    int got = send(s, method, path, body, &o);
    if (got != status)
        fail_msg("%s %s: want %d, got %d", method, path, status, got);
    if (field)
        assert_string_equal(json_string_value(json_object_get(json_object_get(o, "error"), "field")), field);
    json_decref(o);
}

static void path_of(const char *suffix, char out[PATH_LEN])
{
    snprintf(out, PATH_LEN, "/api/v1/cases/%s%s", fx.code, suffix);
}

static const qgt_person people[] = {
    {"gr.sup.a", "supervisor", 0, &fx.sup_a, NULL},
    {"gr.cm.a", "case_manager", 0, &fx.cm_a, NULL},
    {"gr.sup.b", "supervisor", 1, &fx.sup_b, NULL},
    {"gr.cm.b", "case_manager", 1, &fx.cm_b, NULL},
    {"gr.auditor", "auditor", 0, &fx.auditor, NULL},
    {"gr.analyst", "analyst", 0, &fx.analyst, NULL},
};

static bool login_all(void)
{
    return qgt_people_login(&fx.env, people, sizeof people / sizeof people[0], PASSWORD);
}

static int setup(void **state)
{
    (void)state;
    if (!qgt_env_init(&fx.env))
        return -1;
    int64_t orgs[] = {qgt_org(&fx.env, "Grant NGO A", "ngo", "almaty"),
                      qgt_org(&fx.env, "Grant Police B", "police", "astana")};
    if (orgs[0] < 0 || orgs[1] < 0 ||
        !qgt_people_add(&fx.env, orgs, people, sizeof people / sizeof people[0], PASSWORD) ||
        !qgt_server_start(&fx.env, NULL) || !login_all())
        return -1;
    json_t *o = NULL;
    if (send(&fx.sup_a, "POST", "/api/v1/cases",
             "{\"sex\":\"Feminine\",\"personal\":{\"given_name\":\"Oydantap\"}}", &o) != 201)
        return -1;
    snprintf(fx.code, sizeof fx.code, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

/* Who may take access, and the checks on the body. */
static void test_refusals(void **state)
{
    (void)state;
    char path[PATH_LEN];
    path_of("/break-glass", path);
    char body[256];
    snprintf(body, sizeof body, "{\"reason\":\"%s\"}", REASON);
    expect_field(&fx.cm_b, "POST", path, body, 403, NULL);      /* only supervisors */
    expect_field(&fx.analyst, "POST", path, body, 403, NULL);
    expect_field(&fx.auditor, "POST", path, body, 403, NULL);
    expect_field(&fx.sup_a, "POST", path, body, 409, "code");   /* already sees it */
    expect_field(&fx.sup_b, "POST", path, "{}", 400, "reason");
    expect_field(&fx.sup_b, "POST", path, "{\"reason\":\"why\"}", 400, "reason");
    expect_field(&fx.sup_b, "POST", path, "{\"reason\":\"because I must see it\",\"hours\":25}", 400, "hours");
    expect_field(&fx.sup_b, "POST", path, "{\"reason\":\"because I must see it\",\"hours\":0}", 400, "hours");
    expect_field(&fx.sup_b, "POST", path, "{\"reason\":\"because I must see it\",\"Testgulzz\":1}", 400, "body");
    expect_field(&fx.sup_b, "POST", "/api/v1/cases/QG-0000-0000-0000-0/break-glass", body, 404, "code");
    expect_field(&fx.sup_b, "POST", "/api/v1/cases/nonsense/break-glass", body, 400, "code");
    expect_field(&fx.sup_b, "DELETE", path, NULL, 404, "code"); /* nothing to end */
    /* none of that opened the case */
    path_of("", path);
    expect_field(&fx.sup_b, "GET", path, NULL, 404, "code");
}

/* Taking access opens the case (and its personal part) until ended. */
static void test_take_and_end(void **state)
{
    (void)state;
    char path[PATH_LEN], grant[PATH_LEN], personal[PATH_LEN];
    path_of("", path);
    path_of("/break-glass", grant);
    path_of("/personal", personal);
    char body[256];
    snprintf(body, sizeof body, "{\"reason\":\"%s\",\"hours\":2}", REASON);
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup_b, "POST", grant, body, &o), 201);
    assert_string_equal(json_string_value(json_object_get(o, "case")), fx.code);
    assert_non_null(json_string_value(json_object_get(o, "expires_at")));
    json_decref(o);
    assert_int_equal(send(&fx.sup_b, "GET", path, NULL, NULL), 200);
    assert_int_equal(send(&fx.sup_b, "GET", personal, NULL, &o), 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "personal"), "given_name")), "Oydantap");
    json_decref(o);
    /* the grant is the supervisor's alone: their case manager still sees nothing */
    expect_field(&fx.cm_b, "GET", path, NULL, 404, "code");
    /* a second grant while one is active: the case is visible, so 409 */
    expect_field(&fx.sup_b, "POST", grant, body, 409, "code");
    /* ended early: hidden again */
    assert_int_equal(send(&fx.sup_b, "DELETE", grant, NULL, NULL), 204);
    expect_field(&fx.sup_b, "GET", path, NULL, 404, "code");
    expect_field(&fx.sup_b, "DELETE", grant, NULL, 404, "code");
}

/* A grant expires by itself: its expiry is moved into the past while the server is
 * stopped, and the case is hidden again when it is back. */
static void test_expiry(void **state)
{
    (void)state;
    char path[PATH_LEN], grant[PATH_LEN], body[256];
    path_of("", path);
    path_of("/break-glass", grant);
    snprintf(body, sizeof body, "{\"reason\":\"%s\"}", REASON);
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup_b, "POST", grant, body, &o), 201);
    json_decref(o);
    assert_int_equal(send(&fx.sup_b, "GET", path, NULL, NULL), 200);
    assert_int_equal(qgt_server_stop(&fx.env), 0);
    char cmd[QGT_PATH * 2];
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' \"UPDATE access_grants SET expires_at = strftime('%%s','now') - 1"
             " WHERE ended_at IS NULL\"",
             fx.env.db);
    assert_int_equal(system(cmd), 0);
    assert_true(qgt_server_start(&fx.env, NULL));
    assert_true(login_all());
    expect_field(&fx.sup_b, "GET", path, NULL, 404, "code");
    /* a new grant can be taken after the old one expired */
    assert_int_equal(send(&fx.sup_b, "POST", grant, body, NULL), 201);
    assert_int_equal(send(&fx.sup_b, "DELETE", grant, NULL, NULL), 204);
}

/* The auditor's report: every grant with its reason; nobody else reads it. */
static void test_report(void **state)
{
    (void)state;
    expect_field(&fx.sup_a, "GET", "/api/v1/access-grants", NULL, 403, NULL);
    expect_field(&fx.sup_b, "GET", "/api/v1/access-grants", NULL, 403, NULL);
    expect_field(&fx.analyst, "GET", "/api/v1/access-grants", NULL, 403, NULL);
    expect_field(&fx.auditor, "GET", "/api/v1/access-grants?limit=0", NULL, 400, "limit");
    json_t *o = NULL;
    assert_int_equal(send(&fx.auditor, "GET", "/api/v1/access-grants", NULL, &o), 200);
    json_t *grants = json_object_get(o, "grants");
    assert_int_equal(json_array_size(grants), 3);
    size_t i;
    json_t *g;
    json_array_foreach(grants, i, g) {
        assert_string_equal(json_string_value(json_object_get(g, "case")), fx.code);
        assert_string_equal(json_string_value(json_object_get(g, "user")), "gr.sup.b");
        assert_string_equal(json_string_value(json_object_get(g, "reason")), REASON);
        assert_false(json_is_true(json_object_get(g, "active")));
    }
    json_decref(o);
    assert_int_equal(send(&fx.auditor, "GET", "/api/v1/access-grants?active=1", NULL, &o), 200);
    assert_int_equal(json_array_size(json_object_get(o, "grants")), 0);
    json_decref(o);
    /* audited, without the reason */
    httpc_response *r = qgt_call(&fx.env, &fx.auditor, "GET", "/api/v1/audit?limit=500", NULL);
    assert_non_null(r);
    assert_null(strstr(r->body, "Night call"));
    const char *actions[] = {"\"case.break_glass\"", "\"case.break_glass_end\"", "\"grant.report\"",
                             "\"personal.read\""};
    for (size_t k = 0; k < sizeof actions / sizeof actions[0]; k++)
        if (!strstr(r->body, actions[k]))
            fail_msg("no audit entry %s", actions[k]);
    httpc_response_free(r);
    /* the reason is sealed: not in the database file or the log */
    assert_int_equal(qgt_server_stop(&fx.env), 0);
    char wal[QGT_PATH + 8];
    snprintf(wal, sizeof wal, "%s-wal", fx.env.db);
    assert_false(qgt_file_contains(fx.env.db, "Night call"));
    assert_false(qgt_file_contains(wal, "Night call"));
    assert_false(qgt_file_contains(fx.env.log, "Night call"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_take_and_end),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_report), /* last: stops the server */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
