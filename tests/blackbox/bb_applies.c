/*
 * bb_applies.c — black-box tests of the one rule engine as the web form uses it: the
 * score route answers which items apply ("applies") and, with "drop_inapplicable": true,
 * drops the answers to items that do not apply and lists them ("dropped") instead of
 * refusing them; without it the route refuses them as before. A stored screening's result
 * carries "applies" too. The child is made up.
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

#define PASSWORD "applies-password"
#define GB "/api/v1/instruments/greenbaum-12/score"
#define HT "/api/v1/instruments/htiam-14/score"

static struct {
    qgt_env env;
    qgt_session sup;
} fx;

static int post(const char *path, const char *body, json_t **out)
{
    httpc_response *r = qgt_call(&fx.env, &fx.sup, "POST", path, body);
    int status = r ? r->status : -1;
    *out = r && r->body_len ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    httpc_response_free(r);
    return status;
}

/* The ids of list key of o, comma-separated. */
static const char *ids(json_t *o, const char *key, char *buf, size_t size)
{
    json_t *list = json_object_get(o, key), *e;
    assert_true(json_is_array(list));
    size_t used = 0, i;
    buf[0] = '\0';
    json_array_foreach(list, i, e) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? "," : "", json_string_value(e));
        assert_true(n > 0 && (size_t)n < size - used);
        used += (size_t)n;
    }
    return buf;
}

static void expect_error(const char *path, const char *body, const char *field)
{
    json_t *o = NULL;
    assert_int_equal(post(path, body, &o), 400);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "error"), "field")), field);
    json_decref(o);
}

static void test_drop_and_list(void **state)
{
    (void)state;
    char buf[512];
    json_t *o = NULL;
    assert_int_equal(post(GB, "{\"answers\":{\"q7\":\"no\",\"q7_details\":\"made-up\",\"q8\":\"yes\"},"
                              "\"drop_inapplicable\":true}", &o), 200);
    assert_string_equal(ids(o, "applies", buf, sizeof buf),
                        "q1,q2,q3,q4,q5,q6,q7,q8,q8_details,q9,q10,q11,q12");
    assert_string_equal(ids(o, "dropped", buf, sizeof buf), "q7_details");
    json_decref(o);
    /* htiam-14: section B for a child who is not a citizen; E2 dropped while the age is unknown */
    assert_int_equal(post(HT, "{\"answers\":{\"A5\":\"UZ\",\"E1\":\"yes\",\"E2\":1},\"drop_inapplicable\":true}", &o),
                     200);
    assert_non_null(strstr(ids(o, "applies", buf, sizeof buf), "A6,B1,B2,B3,B4,C1"));
    assert_non_null(strstr(buf, "E1,E3,"));
    assert_null(strstr(buf, "E2"));
    assert_string_equal(ids(o, "dropped", buf, sizeof buf), "E2");
    json_decref(o);
    /* false: strict, as without the key */
    expect_error(GB, "{\"answers\":{\"q7\":\"no\",\"q7_details\":\"made-up\"},\"drop_inapplicable\":false}",
                 "answers.q7_details");
}

static void test_strict_as_before(void **state)
{
    (void)state;
    char buf[512];
    json_t *o = NULL;
    expect_error(GB, "{\"answers\":{\"q7\":\"no\",\"q7_details\":\"made-up\"}}", "answers.q7_details");
    assert_int_equal(post(GB, "{\"answers\":{\"q7\":\"yes\"}}", &o), 200);
    assert_non_null(strstr(ids(o, "applies", buf, sizeof buf), "q7,q7_details,q8"));
    assert_null(json_object_get(o, "dropped"));
    json_decref(o);
}

static void test_bad_bodies(void **state)
{
    (void)state;
    expect_error(GB, "{\"answers\":{},\"drop_inapplicable\":\"yes\"}", "drop_inapplicable");
    expect_error(GB, "{\"answers\":{},\"drop\":true}", "body");
    expect_error(GB, "{\"drop_inapplicable\":true}", "answers");
    /* dropping never excuses a wrong answer */
    expect_error(GB, "{\"answers\":{\"q1\":\"maybe\"},\"drop_inapplicable\":true}", "answers.q1");
}

static void test_stored_result_lists_applies(void **state)
{
    (void)state;
    json_t *o = NULL;
    assert_int_equal(post("/api/v1/cases", "{\"sex\":\"Feminine\",\"personal\":{\"given_name\":\"Oydantap\"}}", &o),
                     201);
    char path[160], buf[512];
    snprintf(path, sizeof path, "/api/v1/cases/%s/screenings", json_string_value(json_object_get(o, "code")));
    json_decref(o);
    assert_int_equal(post(path,
                          "{\"instrument\":\"urgent-needs\",\"mode\":\"interviewer\",\"language\":\"kk\","
                          "\"answers\":{\"pregnancy\":\"yes\",\"drug_use\":\"no\",\"injuries\":\"no\","
                          "\"malnutrition\":\"yes\",\"language\":\"no\"}}",
                          &o),
                     201);
    assert_non_null(strstr(ids(json_object_get(o, "result"), "applies", buf, sizeof buf), "pregnancy"));
    json_decref(o);
}

static int setup(void **state)
{
    (void)state;
    if (!qgt_env_init(&fx.env))
        return -1;
    int64_t org = qgt_org(&fx.env, "Applies NGO", "ngo", "almaty");
    if (qgt_user(&fx.env, org, "app.sup", "supervisor", PASSWORD) <= 0 || !qgt_server_start(&fx.env, NULL))
        return -1;
    return qgt_login(&fx.env, "app.sup", PASSWORD, &fx.sup) == 201 ? 0 : -1;
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
        cmocka_unit_test(test_drop_and_list),
        cmocka_unit_test(test_strict_as_before),
        cmocka_unit_test(test_bad_bodies),
        cmocka_unit_test(test_stored_result_lists_applies),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
