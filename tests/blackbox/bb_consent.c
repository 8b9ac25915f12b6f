/*
 * bb_consent.c — black-box tests of consent (issue 5 §3) through the real binary and a
 * real server: recording a consent for each purpose (services, sharing with a named
 * organisation, statistics) and listing them; every validation error naming its field
 * without echoing what was sent; one active consent per purpose; withdrawing, a second
 * withdrawal refused (409); withdrawing the statistics consent taking the case out of
 * statistics, the opt-out without a consent, and a new consent bringing the case back;
 * a closed case still taking consent; the policy (403 for analysts, auditors and
 * admins, 404 for another organisation or a worker without the case); and the note's
 * canary absent from the database files, the server log and the audit trail, with the
 * audit entries present and the chain intact.
 *
 * All names and texts are made up.
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

#define PASSWORD "consent-test-password"
#define NOTE_SECRET "Kelisimkanareyka Oydantap apasy"
#define UNKNOWN_KEY "Oydantapkilt"
#define PATH_LEN 256

typedef struct {
    qgt_env env;
    qgt_session sup, cm1, cm2, fr, analyst, auditor, admin, sup_b;
    int64_t cm1_id, org_c;
    char c1[32], c2[32], cf[32]; /* consents, opt-out and closing, a first responder's */
} fixture;

static fixture fx;

/* ---- helpers ------------------------------------------------------------------- */

/* Sends a request; returns the status and, when out is not NULL, the parsed body. */
static int send(const qgt_session *s, const char *method, const char *path, const char *body, json_t **out)
{
    return qgt_send(&fx.env, s, method, path, body, out);
}

static void case_path(const char *code, const char *suffix, char *out)
{
    qgt_case_path(code, suffix, out, PATH_LEN);
}

/* Expects an error of status naming field, whose body repeats none of not_echoed. */
static void expect_error(const qgt_session *s, const char *method, const char *path, const char *body,
                         int status, const char *field, const char *not_echoed)
{
    httpc_response_free(qgt_expect_error(&fx.env, s, method, path, body, status, field, not_echoed));
}

static void open_case(const qgt_session *s, char out[32])
{
    json_t *o = NULL;
    assert_int_equal(send(s, "POST", "/api/v1/cases", "{\"sex\":\"Feminine\",\"region\":\"almaty\"}", &o), 201);
    snprintf(out, 32, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
}

/* Records a consent on code as s; returns the answer (status must be 201). */
static json_t *consent(const qgt_session *s, const char *code, const char *body)
{
    char path[PATH_LEN];
    json_t *o = NULL;
    case_path(code, "/consents", path);
    int status = send(s, "POST", path, body, &o);
    if (status != 201)
        fail_msg("consent: %d", status);
    return o;
}

static int64_t consent_n(const qgt_session *s, const char *code, const char *body)
{
    json_t *o = consent(s, code, body);
    int64_t n = json_integer_value(json_object_get(o, "n"));
    json_decref(o);
    return n;
}

static void withdraw_path(const char *code, int64_t n, char *out)
{
    char suffix[64];
    snprintf(suffix, sizeof suffix, "/consents/%lld/withdraw", (long long)n);
    case_path(code, suffix, out);
}

/* The "statistics" of a case's consent list, as s sees it. */
static const char *statistics_of(const qgt_session *s, const char *code, char out[16])
{
    char path[PATH_LEN];
    json_t *o = NULL;
    case_path(code, "/consents", path);
    assert_int_equal(send(s, "GET", path, NULL, &o), 200);
    snprintf(out, 16, "%s", json_string_value(json_object_get(o, "statistics")));
    json_decref(o);
    return out;
}

static int setup(void **state)
{
    (void)state;
    const qgt_person people[] = {
        {"ks.cm1", "case_manager", 0, &fx.cm1, &fx.cm1_id},
        {"ks.sup", "supervisor", 0, &fx.sup, NULL},
        {"ks.cm2", "case_manager", 0, &fx.cm2, NULL},
        {"ks.fr", "first_responder", 0, &fx.fr, NULL},
        {"ks.analyst", "analyst", 0, &fx.analyst, NULL},
        {"ks.auditor", "auditor", 0, &fx.auditor, NULL},
        {"ks.admin", "admin", 0, &fx.admin, NULL},
        {"ks.sup.b", "supervisor", 1, &fx.sup_b, NULL},
    };
    const size_t n = sizeof people / sizeof people[0];
    if (!qgt_env_init(&fx.env))
        return -1;
    int64_t orgs[] = {qgt_org(&fx.env, "Kelisim NGO", "ngo", "almaty"),
                      qgt_org(&fx.env, "Kelisim Other NGO", "ngo", "astana")};
    fx.org_c = qgt_org(&fx.env, "Kelisim Clinic", "health", "almaty");
    if (orgs[0] < 0 || orgs[1] < 0 || fx.org_c < 0 ||
        !qgt_people_add(&fx.env, orgs, people, n, PASSWORD) || !qgt_server_start(&fx.env, NULL) ||
        !qgt_people_login(&fx.env, people, n, PASSWORD))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

/* ---- recording and listing ------------------------------------------------------------ */

static void test_cases(void **state)
{
    (void)state;
    char path[PATH_LEN], body[64];
    open_case(&fx.sup, fx.c1);
    open_case(&fx.sup, fx.c2);
    open_case(&fx.fr, fx.cf);
    case_path(fx.c1, "/assignments", path);
    snprintf(body, sizeof body, "{\"user_id\":%lld}", (long long)fx.cm1_id);
    assert_int_equal(send(&fx.sup, "POST", path, body, NULL), 201);
}

static void test_each_purpose(void **state)
{
    (void)state;
    json_t *o = consent(&fx.cm1, fx.c1,
                        "{\"purpose\":\"services\",\"given_by\":\"other\",\"given_on\":\"2021-03-04\","
                        "\"note\":\"" NOTE_SECRET "\"}");
    assert_int_equal(json_integer_value(json_object_get(o, "n")), 1);
    assert_string_equal(json_string_value(json_object_get(o, "purpose")), "services");
    assert_true(json_is_null(json_object_get(o, "org_id")));
    assert_true(json_is_null(json_object_get(o, "org_name")));
    assert_string_equal(json_string_value(json_object_get(o, "given_by")), "other");
    assert_string_equal(json_string_value(json_object_get(o, "given_on")), "2021-03-04");
    assert_string_equal(json_string_value(json_object_get(o, "recorded_by")), "ks.cm1");
    assert_non_null(json_string_value(json_object_get(o, "recorded_at")));
    assert_true(json_is_null(json_object_get(o, "withdrawn_on")));
    assert_true(json_is_true(json_object_get(o, "active")));
    assert_true(json_is_true(json_object_get(o, "has_note")));
    assert_null(json_object_get(o, "note"));
    json_decref(o);

    char body[160];
    snprintf(body, sizeof body, "{\"purpose\":\"sharing\",\"org_id\":%lld,\"given_by\":\"parent\"}",
             (long long)fx.org_c);
    o = consent(&fx.sup, fx.c1, body);
    assert_int_equal(json_integer_value(json_object_get(o, "n")), 2);
    assert_int_equal(json_integer_value(json_object_get(o, "org_id")), fx.org_c);
    assert_string_equal(json_string_value(json_object_get(o, "org_name")), "Kelisim Clinic");
    assert_string_equal(json_string_value(json_object_get(o, "recorded_by")), "ks.sup");
    assert_true(json_is_false(json_object_get(o, "has_note")));
    json_decref(o);

    o = consent(&fx.cm1, fx.c1, "{\"purpose\":\"statistics\",\"given_by\":\"child\"}");
    assert_int_equal(json_integer_value(json_object_get(o, "n")), 3);
    json_decref(o);

    char path[PATH_LEN], stats[16];
    case_path(fx.c1, "/consents", path);
    assert_int_equal(send(&fx.cm1, "GET", path, NULL, &o), 200);
    json_t *list = json_object_get(o, "consents");
    assert_int_equal(json_array_size(list), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "purpose")), "services");
    assert_true(json_is_true(json_object_get(json_array_get(list, 0), "has_note")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "purpose")), "sharing");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 2), "purpose")), "statistics");
    assert_string_equal(json_string_value(json_object_get(o, "statistics")), "included");
    char *text = json_dumps(o, 0);
    assert_null(strstr(text, "Kelisimkanareyka"));
    free(text);
    json_decref(o);
    assert_string_equal(statistics_of(&fx.sup, fx.c2, stats), "included"); /* no consent yet: included */
}

static void test_errors(void **state)
{
    (void)state;
    char path[PATH_LEN], body[1200], note[1002];
    case_path(fx.c1, "/consents", path);
    expect_error(&fx.cm1, "POST", path, "{\"given_by\":\"child\"}", 400, "purpose", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"purpose\":\"Oydantapmaqsat\",\"given_by\":\"child\"}", 400, "purpose",
                 "Oydantapmaqsat");
    expect_error(&fx.cm1, "POST", path, "{\"purpose\":\"sharing\",\"given_by\":\"child\"}", 400, "org_id", NULL);
    snprintf(body, sizeof body, "{\"purpose\":\"services\",\"org_id\":%lld,\"given_by\":\"child\"}",
             (long long)fx.org_c);
    expect_error(&fx.cm1, "POST", path, body, 400, "org_id", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"purpose\":\"sharing\",\"org_id\":987654,\"given_by\":\"child\"}", 400,
                 "org_id", "987654");
    expect_error(&fx.cm1, "POST", path, "{\"purpose\":\"sharing\",\"org_id\":\"x\",\"given_by\":\"child\"}", 400,
                 "org_id", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"purpose\":\"services\"}", 400, "given_by", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"purpose\":\"services\",\"given_by\":\"Oydantapadam\"}", 400, "given_by",
                 "Oydantapadam");
    expect_error(&fx.cm1, "POST", path, "{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":\"2999-01-01\"}",
                 400, "given_on", "2999");
    expect_error(&fx.cm1, "POST", path, "{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":\"2021-02-30\"}",
                 400, "given_on", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":\"1999-12-31\"}",
                 400, "given_on", NULL);
    expect_error(&fx.cm1, "POST", path,
                 "{\"purpose\":\"services\",\"given_by\":\"child\",\"note\":\"" NOTE_SECRET "\\u0001\"}", 400, "note",
                 "Kelisimkanareyka");
    memset(note, 'q', 1001);
    note[1001] = '\0';
    snprintf(body, sizeof body, "{\"purpose\":\"services\",\"given_by\":\"child\",\"note\":\"%s\"}", note);
    expect_error(&fx.cm1, "POST", path, body, 400, "note", "qqqqqqqq");
    expect_error(&fx.cm1, "POST", path, "{\"purpose\":\"services\",\"given_by\":\"child\",\"" UNKNOWN_KEY "\":1}", 400,
                 "body", UNKNOWN_KEY);
    expect_error(&fx.cm1, "POST", path, "[1]", 400, "body", NULL);
    /* one active consent per purpose (and organisation) */
    expect_error(&fx.cm1, "POST", path, "{\"purpose\":\"services\",\"given_by\":\"parent\"}", 409, "purpose", NULL);
    snprintf(body, sizeof body, "{\"purpose\":\"sharing\",\"org_id\":%lld,\"given_by\":\"child\"}",
             (long long)fx.org_c);
    expect_error(&fx.cm1, "POST", path, body, 409, "purpose", NULL);
    /* paths */
    case_path(fx.c1, "/consents/abc/withdraw", path);
    expect_error(&fx.cm1, "POST", path, "{}", 404, "consent", NULL);
    case_path(fx.c1, "/consents/99/withdraw", path);
    expect_error(&fx.cm1, "POST", path, "{}", 404, "consent", NULL);
    expect_error(&fx.cm1, "GET", path, NULL, 405, "method", NULL);
    withdraw_path(fx.c1, 1, path);
    expect_error(&fx.cm1, "POST", path, "{\"withdrawn_on\":\"2021-03-03\"}", 400, "withdrawn_on", NULL); /* before */
    expect_error(&fx.cm1, "POST", path, "{\"withdrawn_on\":\"2999-03-03\"}", 400, "withdrawn_on", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"" UNKNOWN_KEY "\":1}", 400, "body", UNKNOWN_KEY);
    expect_error(&fx.cm1, "POST", "/api/v1/cases/QG-NOT-A-CODE/consents",
                 "{\"purpose\":\"services\",\"given_by\":\"child\"}", 400, "code", NULL);
}

/* ---- withdrawal ---------------------------------------------------------------------- */

static void test_withdraw(void **state)
{
    (void)state;
    char path[PATH_LEN], stats[16];
    json_t *o = NULL;
    withdraw_path(fx.c1, 2, path); /* sharing: no further sharing */
    assert_int_equal(send(&fx.cm1, "POST", path, "{}", &o), 200);
    assert_int_equal(json_integer_value(json_object_get(o, "n")), 2);
    assert_true(json_is_false(json_object_get(o, "active")));
    assert_non_null(json_string_value(json_object_get(o, "withdrawn_on")));
    assert_string_equal(json_string_value(json_object_get(o, "withdrawn_by")), "ks.cm1");
    json_decref(o);
    expect_error(&fx.cm1, "POST", path, "{}", 409, "consent", NULL);
    expect_error(&fx.sup, "POST", path, "{\"withdrawn_on\":\"2022-01-01\"}", 409, "consent", NULL);
    assert_string_equal(statistics_of(&fx.cm1, fx.c1, stats), "included");

    withdraw_path(fx.c1, 3, path); /* statistics: the case leaves every aggregate */
    assert_int_equal(send(&fx.sup, "POST", path, "{}", &o), 200);
    assert_string_equal(json_string_value(json_object_get(o, "purpose")), "statistics");
    json_decref(o);
    assert_string_equal(statistics_of(&fx.cm1, fx.c1, stats), "excluded");
    /* the child agrees again: back in */
    int64_t n = consent_n(&fx.cm1, fx.c1, "{\"purpose\":\"statistics\",\"given_by\":\"child\"}");
    assert_int_equal(n, 4);
    assert_string_equal(statistics_of(&fx.cm1, fx.c1, stats), "included");
    /* the opt-out withdraws the active consent too */
    case_path(fx.c1, "/statistics/opt-out", path);
    assert_int_equal(send(&fx.cm1, "POST", path, "{}", &o), 200);
    assert_string_equal(json_string_value(json_object_get(o, "statistics")), "excluded");
    assert_int_equal(json_integer_value(json_object_get(o, "withdrawn")), 4);
    json_decref(o);
    expect_error(&fx.cm1, "POST", path, "{}", 409, "statistics", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"" UNKNOWN_KEY "\":1}", 400, "body", UNKNOWN_KEY);
    withdraw_path(fx.c1, 4, path);
    expect_error(&fx.cm1, "POST", path, "{}", 409, "consent", NULL);
    assert_string_equal(statistics_of(&fx.cm1, fx.c1, stats), "excluded");
    consent_n(&fx.cm1, fx.c1, "{\"purpose\":\"statistics\",\"given_by\":\"guardian\"}");
    assert_string_equal(statistics_of(&fx.cm1, fx.c1, stats), "included");
}

/* A child may refuse statistics without having consented first; a closed case still
 * takes consent and its withdrawal. */
static void test_opt_out_and_closed(void **state)
{
    (void)state;
    char path[PATH_LEN], stats[16];
    json_t *o = NULL;
    case_path(fx.c2, "/statistics/opt-out", path);
    assert_int_equal(send(&fx.sup, "POST", path, "{}", &o), 200);
    assert_true(json_is_null(json_object_get(o, "withdrawn")));
    json_decref(o);
    assert_string_equal(statistics_of(&fx.sup, fx.c2, stats), "excluded");
    case_path(fx.c2, "/close", path);
    assert_int_equal(send(&fx.sup, "POST", path, "{\"reason\":\"recovered\"}", NULL), 200);
    int64_t n = consent_n(&fx.sup, fx.c2, "{\"purpose\":\"statistics\",\"given_by\":\"parent\"}");
    assert_string_equal(statistics_of(&fx.sup, fx.c2, stats), "included");
    withdraw_path(fx.c2, n, path);
    assert_int_equal(send(&fx.sup, "POST", path, "{}", NULL), 200);
    assert_string_equal(statistics_of(&fx.sup, fx.c2, stats), "excluded");
}

/* ---- policy ------------------------------------------------------------------------------ */

static void test_roles(void **state)
{
    (void)state;
    char list[PATH_LEN], wd[PATH_LEN], opt[PATH_LEN];
    const char *body = "{\"purpose\":\"services\",\"given_by\":\"child\"}";
    case_path(fx.c1, "/consents", list);
    withdraw_path(fx.c1, 1, wd);
    case_path(fx.c1, "/statistics/opt-out", opt);
    const qgt_session *forbidden[] = {&fx.analyst, &fx.auditor, &fx.admin};
    for (size_t i = 0; i < 3; i++) {
        expect_error(forbidden[i], "GET", list, NULL, 403, "", NULL);
        expect_error(forbidden[i], "POST", list, body, 403, "", NULL);
        expect_error(forbidden[i], "POST", wd, "{}", 403, "", NULL);
        expect_error(forbidden[i], "POST", opt, "{}", 403, "", NULL);
    }
    /* another organisation, a case manager without the case, a first responder who did
     * not open it: as if it did not exist */
    const qgt_session *hidden[] = {&fx.sup_b, &fx.cm2, &fx.fr};
    for (size_t i = 0; i < 3; i++) {
        expect_error(hidden[i], "GET", list, NULL, 404, "code", NULL);
        expect_error(hidden[i], "POST", list, body, 404, "code", NULL);
        expect_error(hidden[i], "POST", wd, "{}", 404, "code", NULL);
        expect_error(hidden[i], "POST", opt, "{}", 404, "code", NULL);
    }
    /* a first responder on the case they opened, before it is handed over */
    int64_t n = consent_n(&fx.fr, fx.cf, "{\"purpose\":\"services\",\"given_by\":\"child\"}");
    withdraw_path(fx.cf, n, wd);
    assert_int_equal(send(&fx.fr, "POST", wd, "{}", NULL), 200);
    /* the consent list is untouched by all of it */
    json_t *o = NULL;
    assert_int_equal(send(&fx.cm1, "GET", list, NULL, &o), 200);
    assert_int_equal(json_array_size(json_object_get(o, "consents")), 5);
    json_decref(o);
}

/* ---- privacy and audit ------------------------------------------------------------------- */

static void test_privacy_and_audit(void **state)
{
    (void)state;
    char wal[QGT_PATH + 8];
    snprintf(wal, sizeof wal, "%s-wal", fx.env.db);
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *const argv[] = {"audit", "list", "--limit", "500", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, argv), 0);
    assert_false(qgt_file_contains(fx.env.db, "Kelisimkanareyka"));
    assert_false(qgt_file_contains(wal, "Kelisimkanareyka")); /* false too when there is none */
    assert_false(qgt_file_contains(fx.env.log, "Kelisimkanareyka"));
    assert_null(strstr(out, "Kelisimkanareyka"));
    const char *present[] = {"\"consent.create\"", "\"consent.withdraw\"", "\"consent.opt_out\"",
                             "\"stats_included\":true", "\"stats_excluded\":true", "\"purpose\":\"sharing\""};
    for (size_t i = 0; i < sizeof present / sizeof *present; i++)
        if (!strstr(out, present[i]))
            fail_msg("the audit trail lacks %s", present[i]);
    const char *const verify[] = {"audit", "verify", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, verify), 0);
    assert_int_equal(qgt_server_stop(&fx.env), 0); /* everything checkpointed into the file */
    assert_false(qgt_file_contains(fx.env.db, "Kelisimkanareyka"));
    assert_false(qgt_file_contains(wal, "Kelisimkanareyka"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_each_purpose),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_withdraw),
        cmocka_unit_test(test_opt_out_and_closed),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_privacy_and_audit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
