/*
 * bb_assignable.c — black-box tests of who may take a case's work, the lists behind the
 * web's user pickers (GET /api/v1/cases/:code/assignable/case-managers and
 * .../assignable/workers) through the real binary and a real server: a supervisor sees
 * the case managers of the organisation not yet assigned, never another organisation's
 * users, a disabled or waiting account, or a role that may not take a case; a case
 * manager may not ask for case managers but sees who may take a task (those who may
 * read the case); another organisation's supervisor gets 404 for the case; the answer
 * carries logins, roles and the names an admin set (PUT /api/v1/users/:login/name) only.
 *
 * All names are made up.
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

#define PASSWORD "assignable-test-password"
#define PATH_LEN 256

typedef struct {
    qgt_env env;
    qgt_session admin, sup, cm1, cm2, fr, sup_b;
    int64_t cm1_id, org_a;
    char code[32];
} fixture;

static fixture fx;

static int send(const qgt_session *s, const char *method, const char *path, const char *body,
                json_t **out)
{
    return qgt_send(&fx.env, s, method, path, body, out);
}

/* The logins of the list s gets at suffix (status must be want; NULL when not 200),
 * as one string " a b c " for strstr. */
static char *logins(const qgt_session *s, const char *suffix, int want)
{
    char path[PATH_LEN];
    json_t *o = NULL;
    qgt_case_path(fx.code, suffix, path, sizeof path);
    assert_int_equal(send(s, "GET", path, NULL, &o), want);
    if (want != 200) {
        json_decref(o);
        return NULL;
    }
    static char out[1024];
    snprintf(out, sizeof out, " ");
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(o, "users"), i, u) {
        assert_non_null(json_object_get(u, "id"));
        assert_non_null(json_string_value(json_object_get(u, "role")));
        assert_int_equal(json_object_size(u), 4); /* id, login, role, name: nothing else */
        const char *name = json_string_value(json_object_get(u, "name"));
        size_t n = strlen(out);
        snprintf(out + n, sizeof out - n, "%s%s%s ", json_string_value(json_object_get(u, "login")),
                 name ? "=" : "", name ? name : "");
    }
    json_decref(o);
    return out;
}

static int setup(void **state)
{
    (void)state;
    const qgt_person people[] = {
        {"as.admin", "admin", 0, &fx.admin, NULL},
        {"as.sup", "supervisor", 0, &fx.sup, NULL},
        {"as.cm1", "case_manager", 0, &fx.cm1, &fx.cm1_id},
        {"as.cm2", "case_manager", 0, &fx.cm2, NULL},
        {"as.cm3", "case_manager", 0, NULL, NULL},
        {"as.fr", "first_responder", 0, &fx.fr, NULL},
        {"as.analyst", "analyst", 0, NULL, NULL},
        {"as.sup.b", "supervisor", 1, &fx.sup_b, NULL},
        {"as.cm.b", "case_manager", 1, NULL, NULL},
    };
    const size_t n = sizeof people / sizeof people[0];
    if (!qgt_env_init(&fx.env))
        return -1;
    int64_t orgs[] = {qgt_org(&fx.env, "Assign NGO", "ngo", "almaty"),
                      qgt_org(&fx.env, "Assign Other NGO", "ngo", "astana")};
    fx.org_a = orgs[0];
    if (orgs[0] < 0 || orgs[1] < 0 || !qgt_people_add(&fx.env, orgs, people, n, PASSWORD) ||
        !qgt_server_start(&fx.env, NULL) || !qgt_people_login(&fx.env, people, n, PASSWORD))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

static void test_case_managers(void **state)
{
    (void)state;
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup, "POST", "/api/v1/cases", "{\"sex\":\"Feminine\"}", &o), 201);
    snprintf(fx.code, sizeof fx.code, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
    /* a waiting account (made by the admin, not yet confirmed) and a disabled one */
    char body[256];
    snprintf(body, sizeof body,
             "{\"org_id\":%lld,\"login\":\"as.pending\",\"role\":\"case_manager\","
             "\"password\":\"" PASSWORD "\"}",
             (long long)fx.org_a);
    assert_int_equal(send(&fx.admin, "POST", "/api/v1/users", body, NULL), 201);
    assert_int_equal(send(&fx.admin, "POST", "/api/v1/users/as.cm3/disable", "{}", NULL), 204);

    char *l = logins(&fx.sup, "/assignable/case-managers", 200);
    assert_non_null(strstr(l, " as.cm1 "));
    assert_non_null(strstr(l, " as.cm2 "));
    assert_null(strstr(l, "as.cm3"));    /* disabled */
    assert_null(strstr(l, "as.pending")); /* not confirmed */
    assert_null(strstr(l, "as.sup"));     /* a supervisor does not take a case */
    assert_null(strstr(l, "as.fr"));
    assert_null(strstr(l, "as.analyst"));
    assert_null(strstr(l, "as.admin"));
    assert_null(strstr(l, "as.cm.b")); /* another organisation */

    /* once assigned, not offered again */
    char path[PATH_LEN];
    qgt_case_path(fx.code, "/assignments", path, sizeof path);
    snprintf(body, sizeof body, "{\"user_id\":%lld}", (long long)fx.cm1_id);
    assert_int_equal(send(&fx.sup, "POST", path, body, NULL), 201);
    l = logins(&fx.sup, "/assignable/case-managers", 200);
    assert_null(strstr(l, "as.cm1"));
    assert_non_null(strstr(l, " as.cm2 "));

    /* who may not assign: refused; another organisation: no such case */
    logins(&fx.cm1, "/assignable/case-managers", 403);
    logins(&fx.sup_b, "/assignable/case-managers", 404);
    logins(&fx.admin, "/assignable/case-managers", 403);
}

static void test_names(void **state)
{
    (void)state;
    /* an admin names a person; the pickers show the name beside the login */
    assert_int_equal(send(&fx.admin, "PUT", "/api/v1/users/as.cm2/name",
                          "{\"name\":\"Айгерім Тестова\"}", NULL), 204);
    char *l = logins(&fx.sup, "/assignable/case-managers", 200);
    assert_non_null(strstr(l, " as.cm2=Айгерім Тестова "));
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup, "GET", "/api/v1/users", NULL, &o), 200);
    size_t i;
    json_t *u;
    int named = 0;
    json_array_foreach(json_object_get(o, "users"), i, u) {
        if (json_is_string(json_object_get(u, "name")))
            named++;
        else
            assert_true(json_is_null(json_object_get(u, "name")));
    }
    json_decref(o);
    assert_int_equal(named, 1);
    /* only an admin names people; a bad name or an unknown login names the field */
    assert_int_equal(send(&fx.sup, "PUT", "/api/v1/users/as.cm2/name", "{\"name\":\"X\"}", NULL),
                     403);
    httpc_response_free(qgt_expect_error(&fx.env, &fx.admin, "PUT", "/api/v1/users/as.cm2/name",
                                         "{\"name\":\"Bad\\u0001name\"}", 400, "name", NULL));
    httpc_response_free(qgt_expect_error(&fx.env, &fx.admin, "PUT",
                                         "/api/v1/users/as.nobody/name", "{\"name\":\"Zhok\"}",
                                         404, "login", NULL));
    /* a name given when the account is made; "" removes it */
    char body[256];
    snprintf(body, sizeof body,
             "{\"org_id\":%lld,\"login\":\"as.named\",\"role\":\"analyst\","
             "\"password\":\"" PASSWORD "\",\"name\":\"Test Named\"}",
             (long long)fx.org_a);
    assert_int_equal(send(&fx.admin, "POST", "/api/v1/users", body, NULL), 201);
    assert_int_equal(send(&fx.admin, "PUT", "/api/v1/users/as.cm2/name", "{\"name\":\"\"}", NULL),
                     204);
    l = logins(&fx.sup, "/assignable/case-managers", 200);
    assert_non_null(strstr(l, " as.cm2 "));
}

static void test_workers(void **state)
{
    (void)state;
    /* a case manager of the case: themself and the supervisor, who may read the case */
    char *l = logins(&fx.cm1, "/assignable/workers", 200);
    assert_non_null(strstr(l, " as.cm1 "));
    assert_non_null(strstr(l, " as.sup "));
    assert_null(strstr(l, "as.cm2 ")); /* not assigned: may not read it */
    assert_null(strstr(l, "as.fr"));   /* handed over: no longer sees it */
    assert_null(strstr(l, "as.cm3"));
    assert_null(strstr(l, "as.pending"));
    assert_null(strstr(l, "as.cm.b"));
    assert_null(strstr(l, "as.sup.b"));
    l = logins(&fx.sup, "/assignable/workers", 200);
    assert_non_null(strstr(l, " as.cm1 "));
    assert_null(strstr(l, "as.cm2 "));
    logins(&fx.cm2, "/assignable/workers", 404);  /* cannot see the case */
    logins(&fx.sup_b, "/assignable/workers", 404);
    logins(&fx.admin, "/assignable/workers", 403);
    /* a malformed code names it */
    assert_int_equal(send(&fx.sup, "GET", "/api/v1/cases/nope/assignable/workers", NULL, NULL),
                     400);
}

int main(void)
{
    qgt_main_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_managers),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_workers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
