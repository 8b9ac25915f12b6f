/*
 * bb_reasons.c — black-box tests of the error reasons (issue 13 item 2) over real HTTP
 * against the real server: each error answer carries the exact, stable "reason" that
 * says what is wrong, beside "code", "field" and "message", and never the input:
 *   - an IIN whose check digit does not match: iin.check_digit on personal.iin;
 *   - an age at identification that does not match the date of birth:
 *     age.birth_date_mismatch on age_at_identification;
 *   - a new password that is too short: password.too_short on password;
 *   - a language the interface does not have: lang.unknown on lang (the child's record)
 *     and on language (a screening);
 *   - a referral to an organisation without an agreement: referral.no_agreement;
 *   - an error of the server itself (an unknown path) and of the HTTP layer (a body over
 *     the limit) carry one too.
 *
 * One server on its own database. Every name, number and password is made up.
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

#define PASSWORD "reasons-test-password"

static struct {
    qgt_env env;
    int64_t org_a, org_b;
    qgt_session cm;
    char code[32]; /* a case of organisation A */
} fx;

/* Sends one request as the case manager and asserts the error answer: status, code,
 * field and reason exactly, and that the answer does not repeat not_echoed. */
static void expect_reason(const char *method, const char *path, const char *body, int status,
                          const char *code, const char *field, const char *reason,
                          const char *not_echoed)
{
    httpc_response *r =
        qgt_expect_error(&fx.env, &fx.cm, method, path, body, status, field, not_echoed);
    json_t *o = qgt_json(r);
    json_t *e = json_object_get(o, "error");
    const char *got = json_string_value(json_object_get(e, "reason"));
    if (!got || strcmp(got, reason) != 0)
        fail_msg("%s %s: want reason %s, got %s", method, path, reason, r->body);
    assert_string_equal(json_string_value(json_object_get(e, "code")), code);
    assert_true(json_is_string(json_object_get(e, "message")));
    json_decref(o);
    httpc_response_free(r);
}

static void test_iin_check_digit(void **state)
{
    (void)state;
    char iin[13], body[256];
    qgt_make_iin(2012, 3, 14, 'M', 7, iin);
    iin[11] = (char)('0' + (iin[11] - '0' + 1) % 10); /* the check digit, one off */
    snprintf(body, sizeof body, "{\"sex\":\"Masculine\",\"personal\":{\"iin\":\"%s\"}}", iin);
    expect_reason("POST", "/api/v1/cases", body, 400, "invalid", "personal.iin",
                  "iin.check_digit", iin);
    /* the other IIN faults say what they are */
    expect_reason("POST", "/api/v1/cases", "{\"sex\":\"Masculine\",\"personal\":{\"iin\":\"12345\"}}",
                  400, "invalid", "personal.iin", "iin.length", NULL);
}

static void test_age_birth_date_mismatch(void **state)
{
    (void)state;
    const char *body = "{\"sex\":\"Feminine\",\"identified_on\":\"2024-05-01\","
                       "\"age_at_identification\":3,\"personal\":{\"birth_date\":\"2010-02-03\"}}";
    expect_reason("POST", "/api/v1/cases", body, 400, "invalid", "age_at_identification",
                  "age.birth_date_mismatch", "2010-02-03");
}

static void test_password_too_short(void **state)
{
    (void)state;
    char body[128];
    snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"password\":\"Short-1\"}",
             PASSWORD);
    expect_reason("PUT", "/api/v1/session/password", body, 400, "invalid", "password",
                  "password.too_short", "Short-1");
    expect_reason("PUT", "/api/v1/session/password",
                  "{\"current_password\":\"not-my-password-at-all\",\"password\":\"long-enough-1234\"}",
                  400, "invalid", "current_password", "password.wrong_current", "long-enough");
}

static void test_unknown_language(void **state)
{
    (void)state;
    char path[160];
    qgt_case_path(fx.code, "/child-record?lang=de", path, sizeof path);
    expect_reason("GET", path, NULL, 400, "invalid", "lang", "lang.unknown", NULL);
    char body[256];
    char today[11];
    qgt_date_from_today(0, today);
    snprintf(body, sizeof body,
             "{\"instrument\":\"htiam-14\",\"administered_on\":\"%s\","
             "\"mode\":\"interviewer\",\"language\":\"de\",\"answers\":{}}",
             today);
    qgt_case_path(fx.code, "/screenings", path, sizeof path);
    expect_reason("POST", path, body, 400, "invalid", "language", "lang.unknown", NULL);
}

static void test_referral_without_agreement(void **state)
{
    (void)state;
    char path[160], body[160];
    qgt_case_path(fx.code, "/referrals", path, sizeof path);
    snprintf(body, sizeof body, "{\"service\":\"medical\",\"to_org\":%lld,\"parts\":[\"profile\"]}",
             (long long)fx.org_b);
    expect_reason("POST", path, body, 409, "conflict", "agreement", "referral.no_agreement", NULL);
}

static void test_server_and_http_errors(void **state)
{
    (void)state;
    expect_reason("GET", "/api/v1/no-such-thing", NULL, 404, "not_found", "path",
                  "path.not_found", NULL);
    expect_reason("POST", "/api/v1/cases", "[1]", 400, "invalid", "body", "body.not_object",
                  NULL);
}

static int setup(void **state)
{
    (void)state;
    memset(&fx, 0, sizeof fx);
    if (!qgt_env_init(&fx.env))
        return -1;
    fx.org_a = qgt_org(&fx.env, "Reasons NGO A", "ngo", "almaty");
    fx.org_b = qgt_org(&fx.env, "Reasons Shelter B", "ngo", "astana");
    if (qgt_user(&fx.env, fx.org_a, "reasons.cm", "case_manager", PASSWORD) <= 0)
        return -1;
    if (!qgt_server_start(&fx.env, NULL))
        return -1;
    if (qgt_login(&fx.env, "reasons.cm", PASSWORD, &fx.cm) != 201)
        return -1;
    httpc_response *r = qgt_call(&fx.env, &fx.cm, "POST", "/api/v1/cases",
                                 "{\"sex\":\"Masculine\",\"region\":\"almaty\"}");
    if (!r || r->status != 201)
        return -1;
    json_t *o = qgt_json(r);
    snprintf(fx.code, sizeof fx.code, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
    httpc_response_free(r);
    return fx.code[0] ? 0 : -1;
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
        cmocka_unit_test(test_iin_check_digit),
        cmocka_unit_test(test_age_birth_date_mismatch),
        cmocka_unit_test(test_password_too_short),
        cmocka_unit_test(test_unknown_language),
        cmocka_unit_test(test_referral_without_agreement),
        cmocka_unit_test(test_server_and_http_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
