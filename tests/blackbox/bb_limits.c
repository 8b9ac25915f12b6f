/*
 * bb_limits.c — black-box tests of the IIN check that cannot be farmed (issue 14 item 6)
 * through the real binary and a real server:
 *   - repeated IIN duplicate answers put the user on their supervisor's home page;
 *   - the 21st case with an IIN within the hour by one user is refused (429, field
 *     "personal.iin", reason "iin.limit_user", how long to wait) and nothing is stored;
 *     a change of IIN counts too; another user of the organisation still may, until the
 *     organisation's limit (set with `serve --iin-per-org-hour`), which survives a
 *     restart of the server;
 *   - a supervisor's operation lifts both limits for the organisation and its end
 *     restores them; only a supervisor starts or ends one; the list counts its attempts;
 *   - a supervisor withdraws a probe case: it drops out of the reports, becomes
 *     read-only and frees its IIN; a case manager may not withdraw, another
 *     organisation's supervisor does not see the case;
 *   - bad values of the two serve options stop the server with exit 2 naming the option.
 *
 * All IINs are made up (qgt_make_iin); no name is used.
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

#define PASSWORD "limits-test-password"
#define PATH_LEN 256
#define BODY_LEN 512
#define USER_LIMIT 20 /* the default */

typedef struct {
    qgt_env env;
    qgt_session sup, cm1, cm2, cm3, sup_b;
    int64_t org_a, org_b, cm3_id;
    int seed;
    int org_attempts; /* attempts org A has made within the hour */
} fixture;

static fixture fx;

static const qgt_person PEOPLE[] = {
    {"lim.sup", "supervisor", 0, &fx.sup, NULL},
    {"lim.cm1", "case_manager", 0, &fx.cm1, NULL},
    {"lim.cm2", "case_manager", 0, &fx.cm2, NULL},
    {"lim.cm3", "case_manager", 0, &fx.cm3, &fx.cm3_id},
    {"lim.sup.b", "supervisor", 1, &fx.sup_b, NULL},
};
#define N_PEOPLE (sizeof PEOPLE / sizeof PEOPLE[0])

static int setup(void **state)
{
    (void)state;
    if (!qgt_env_init(&fx.env))
        return -1;
    fx.org_a = qgt_org(&fx.env, "Limits NGO", "ngo", "almaty");
    fx.org_b = qgt_org(&fx.env, "Limits Other NGO", "ngo", "astana");
    int64_t orgs[] = {fx.org_a, fx.org_b};
    if (fx.org_a < 0 || fx.org_b < 0 ||
        !qgt_people_add(&fx.env, orgs, PEOPLE, N_PEOPLE, PASSWORD) ||
        !qgt_server_start(&fx.env, NULL) || !qgt_people_login(&fx.env, PEOPLE, N_PEOPLE, PASSWORD))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------- */

static int send(const qgt_session *s, const char *method, const char *path, const char *body,
                json_t **out)
{
    return qgt_send(&fx.env, s, method, path, body, out);
}

static void next_iin(char iin[13]) { qgt_make_iin(2012, 3, 14, 'M', 1000 + fx.seed++, iin); }

static void case_body(const char *iin, char body[BODY_LEN])
{
    snprintf(body, BODY_LEN,
             "{\"sex\":\"Masculine\",\"region\":\"almaty\",\"personal\":{\"iin\":\"%s\"}}", iin);
}

/* Creates a case with iin as s; returns the status; the code goes into code (when 201). */
static int create_with(const qgt_session *s, const char *iin, char code[32], json_t **error)
{
    char body[BODY_LEN];
    json_t *o = NULL;
    case_body(iin, body);
    int st = send(s, "POST", "/api/v1/cases", body, &o);
    if (st == 201 && code)
        snprintf(code, 32, "%s", json_string_value(json_object_get(o, "code")));
    if (error)
        *error = json_incref(json_object_get(o, "error"));
    json_decref(o);
    return st;
}

static int create_new(const qgt_session *s, char code[32])
{
    char iin[13];
    next_iin(iin);
    return create_with(s, iin, code, NULL);
}

/* The number of cases s sees in the list. */
static size_t count_cases(const qgt_session *s)
{
    json_t *o = NULL;
    assert_int_equal(send(s, "GET", "/api/v1/cases?limit=200", NULL, &o), 200);
    size_t n = json_array_size(json_object_get(o, "cases"));
    json_decref(o);
    return n;
}

static const char *reason_of(json_t *error)
{
    return json_string_value(json_object_get(error, "reason"));
}

/* A refusal for a reached limit: 429's error names the field, the reason and the wait. */
static void expect_limit(int status, json_t *error, const char *reason)
{
    assert_int_equal(status, 429);
    assert_non_null(error);
    assert_string_equal(json_string_value(json_object_get(error, "field")), "personal.iin");
    assert_string_equal(reason_of(error), reason);
    json_int_t wait = json_integer_value(json_object_get(error, "wait_minutes"));
    assert_true(wait >= 1 && wait <= 60);
    assert_non_null(strstr(json_string_value(json_object_get(error, "message")), "minutes"));
}

static void restart(const char *const *extra)
{
    qgt_server_stop(&fx.env);
    assert_true(qgt_server_start(&fx.env, extra));
    assert_true(qgt_people_login(&fx.env, PEOPLE, N_PEOPLE, PASSWORD));
}

/* Grand total of a report as the command line (the system) counts it. */
static long long report_grand(const char *name)
{
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *argv[] = {"report", name, NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, argv), 0);
    json_t *r = json_loads(out, 0, NULL);
    assert_non_null(r);
    json_t *g = json_object_get(json_object_get(json_object_get(r, "totals"), "grand"), "count");
    long long n = json_integer_value(g);
    json_decref(r);
    return n;
}

/* The open cases the home page counts for s. */
static json_int_t home_open(const qgt_session *s)
{
    json_t *o = NULL;
    assert_int_equal(send(s, "GET", "/api/v1/home", NULL, &o), 200);
    json_int_t n = json_integer_value(json_object_get(json_object_get(o, "cases"), "open"));
    json_decref(o);
    return n;
}

/* ---- duplicate answers alert the supervisor ------------------------------------------- */

static json_t *alerts_of(const qgt_session *s)
{
    json_t *o = NULL;
    assert_int_equal(send(s, "GET", "/api/v1/home", NULL, &o), 200);
    json_t *a = json_incref(json_object_get(o, "iin_alerts"));
    json_decref(o);
    return a;
}

static void test_duplicate_alert(void **state)
{
    (void)state;
    char iin[13], code[32];
    next_iin(iin);
    assert_int_equal(create_with(&fx.sup, iin, code, NULL), 201);
    fx.org_attempts++;
    json_t *a = alerts_of(&fx.sup);
    assert_int_equal(json_array_size(a), 0);
    json_decref(a);
    for (int i = 0; i < 3; i++) {
        json_t *error = NULL;
        assert_int_equal(create_with(&fx.cm3, iin, NULL, &error), 409);
        assert_string_equal(reason_of(error), "iin.duplicate");
        json_decref(error);
        fx.org_attempts++;
        a = alerts_of(&fx.sup);
        /* two duplicate answers are a slip; the third is an alert */
        assert_int_equal(json_array_size(a), i < 2 ? 0 : 1);
        json_decref(a);
    }
    a = alerts_of(&fx.sup);
    json_t *row = json_array_get(a, 0);
    assert_int_equal(json_integer_value(json_object_get(row, "count")), 3);
    json_t *user = json_object_get(row, "user");
    assert_int_equal(json_integer_value(json_object_get(user, "id")), fx.cm3_id);
    assert_string_equal(json_string_value(json_object_get(user, "login")), "lim.cm3");
    assert_non_null(json_string_value(json_object_get(row, "last_at")));
    char *text = json_dumps(a, 0);
    assert_null(strstr(text, iin)); /* no IIN in the alert */
    free(text);
    json_decref(a);
    /* the other organisation's supervisor and a case manager see no alert */
    a = alerts_of(&fx.sup_b);
    assert_int_equal(json_array_size(a), 0);
    json_decref(a);
    a = alerts_of(&fx.cm1);
    assert_null(a);
}

/* ---- the limits -------------------------------------------------------------------------- */

static void test_user_limit(void **state)
{
    (void)state;
    size_t before = count_cases(&fx.cm1);
    for (int i = 0; i < USER_LIMIT; i++) {
        assert_int_equal(create_new(&fx.cm1, NULL), 201);
        fx.org_attempts++;
    }
    assert_int_equal(count_cases(&fx.cm1), before + USER_LIMIT);
    /* the 21st: refused, nothing stored */
    json_t *error = NULL;
    char iin[13];
    next_iin(iin);
    int st = create_with(&fx.cm1, iin, NULL, &error);
    expect_limit(st, error, "iin.limit_user");
    json_decref(error);
    assert_int_equal(count_cases(&fx.cm1), before + USER_LIMIT);
    /* not stored at all: the supervisor can register that IIN, it is no duplicate */
    assert_int_equal(create_with(&fx.sup, iin, NULL, NULL), 201);
    fx.org_attempts++;
    /* a case without an IIN is never limited */
    assert_int_equal(send(&fx.cm1, "POST", "/api/v1/cases", "{\"sex\":\"Masculine\"}", NULL), 201);
    /* putting a new IIN into a case counts too: refused, the case keeps no IIN */
    char code[32], path[PATH_LEN], body[BODY_LEN];
    json_t *o = NULL;
    assert_int_equal(send(&fx.cm1, "POST", "/api/v1/cases", "{\"sex\":\"Masculine\"}", &o), 201);
    snprintf(code, sizeof code, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
    qgt_case_path(code, "/personal", path, sizeof path);
    next_iin(iin);
    snprintf(body, sizeof body, "{\"personal\":{\"iin\":\"%s\"}}", iin);
    httpc_response *r = qgt_expect_error(&fx.env, &fx.cm1, "PUT", path, body, 429,
                                         "personal.iin", iin);
    httpc_response_free(r);
    assert_int_equal(send(&fx.cm1, "GET", path, NULL, &o), 200);
    assert_null(json_object_get(json_object_get(o, "personal"), "iin"));
    json_decref(o);
    /* another user of the organisation still may */
    assert_int_equal(create_new(&fx.cm2, NULL), 201);
    fx.org_attempts++;
}

static void test_org_limit_survives_restart(void **state)
{
    (void)state;
    /* the organisation may make two more within the hour */
    char limit[16];
    snprintf(limit, sizeof limit, "%d", fx.org_attempts + 2);
    const char *const extra[] = {"--iin-per-org-hour", limit, NULL};
    restart(extra);
    /* what was counted before the restart still counts */
    json_t *error = NULL;
    char iin[13];
    next_iin(iin);
    int st = create_with(&fx.cm1, iin, NULL, &error);
    expect_limit(st, error, "iin.limit_user");
    json_decref(error);
    assert_int_equal(create_new(&fx.cm2, NULL), 201);
    assert_int_equal(create_new(&fx.cm2, NULL), 201);
    fx.org_attempts += 2;
    size_t before = count_cases(&fx.sup);
    st = create_with(&fx.cm2, iin, NULL, &error);
    expect_limit(st, error, "iin.limit_org");
    json_decref(error);
    st = create_with(&fx.sup, iin, NULL, &error);
    expect_limit(st, error, "iin.limit_org");
    json_decref(error);
    assert_int_equal(count_cases(&fx.sup), before);
    /* the other organisation is not touched by A's limit */
    assert_int_equal(create_new(&fx.sup_b, NULL), 201);
}

/* ---- operations ---------------------------------------------------------------------------- */

static void test_operation(void **state)
{
    (void)state;
    json_t *o = NULL;
    /* only a supervisor starts one, with a name and 1..72 hours */
    assert_int_equal(send(&fx.cm1, "POST", "/api/v1/operations",
                          "{\"name\":\"Rescue\",\"hours\":2}", NULL), 403);
    assert_int_equal(send(&fx.cm1, "GET", "/api/v1/operations", NULL, NULL), 403);
    httpc_response *r = qgt_expect_error(&fx.env, &fx.sup, "POST", "/api/v1/operations",
                                         "{\"name\":\"Rescue\",\"hours\":73}", 400, "hours", NULL);
    httpc_response_free(r);
    r = qgt_expect_error(&fx.env, &fx.sup, "POST", "/api/v1/operations", "{\"hours\":3}", 400,
                         "name", NULL);
    httpc_response_free(r);
    assert_int_equal(send(&fx.sup, "POST", "/api/v1/operations",
                          "{\"name\":\"Rescue at the market\",\"hours\":3}", &o),
                     201);
    json_int_t id = json_integer_value(json_object_get(o, "id"));
    assert_true(id > 0);
    assert_true(json_is_true(json_object_get(o, "active")));
    assert_string_equal(json_string_value(json_object_get(o, "name")), "Rescue at the market");
    json_decref(o);
    /* now both the user over their limit and the organisation over its own may */
    assert_int_equal(create_new(&fx.cm1, NULL), 201);
    assert_int_equal(create_new(&fx.cm2, NULL), 201);
    assert_int_equal(create_new(&fx.cm1, NULL), 201);
    /* the list shows it with the attempts made under it; the other organisation's not */
    assert_int_equal(send(&fx.sup, "GET", "/api/v1/operations", NULL, &o), 200);
    json_t *op = json_array_get(json_object_get(o, "operations"), 0);
    assert_int_equal(json_integer_value(json_object_get(op, "id")), id);
    assert_int_equal(json_integer_value(json_object_get(op, "attempts")), 3);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(op, "started_by"), "login")), "lim.sup");
    json_decref(o);
    assert_int_equal(send(&fx.sup_b, "GET", "/api/v1/operations", NULL, &o), 200);
    assert_int_equal(json_array_size(json_object_get(o, "operations")), 0);
    json_decref(o);
    char path[PATH_LEN];
    snprintf(path, sizeof path, "/api/v1/operations/%lld/end", (long long)id);
    assert_int_equal(send(&fx.sup_b, "POST", path, NULL, NULL), 404);
    /* its end restores the limits */
    assert_int_equal(send(&fx.sup, "POST", path, NULL, &o), 200);
    assert_false(json_is_true(json_object_get(o, "active")));
    assert_false(json_is_null(json_object_get(o, "ended_at")));
    json_decref(o);
    json_t *error = NULL;
    char iin[13];
    next_iin(iin);
    int st = create_with(&fx.cm1, iin, NULL, &error);
    expect_limit(st, error, "iin.limit_user");
    json_decref(error);
    r = qgt_expect_error(&fx.env, &fx.sup, "POST", path, NULL, 409, "id", NULL);
    httpc_response_free(r);
    /* audited */
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *argv[] = {"audit", "list", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, argv), 0);
    assert_non_null(strstr(out, "operation.start"));
    assert_non_null(strstr(out, "operation.end"));
}

/* ---- withdrawal ------------------------------------------------------------------------------ */

static void test_withdraw(void **state)
{
    (void)state;
    /* a generous limit again, so the supervisor can register */
    const char *const extra[] = {"--iin-per-org-hour", "1000", NULL};
    restart(extra);
    char iin[13], code[32], path[PATH_LEN];
    next_iin(iin);
    assert_int_equal(create_with(&fx.sup, iin, code, NULL), 201);
    long long victims = report_grand("victims");
    json_int_t open_before = home_open(&fx.sup);
    qgt_case_path(code, "/withdraw", path, sizeof path);
    /* a case manager may not; another organisation's supervisor does not see the case */
    assert_int_equal(send(&fx.cm1, "POST", path, "{\"reason\":\"probe\"}", NULL), 403);
    assert_int_equal(send(&fx.sup_b, "POST", path, "{\"reason\":\"probe\"}", NULL), 404);
    httpc_response *r =
        qgt_expect_error(&fx.env, &fx.sup, "POST", path, "{\"reason\":\"bored\"}", 400, "reason",
                         NULL);
    httpc_response_free(r);
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup, "POST", path, "{\"reason\":\"probe\"}", &o), 200);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "withdrawn");
    json_t *may = json_object_get(o, "may");
    size_t i;
    json_t *v;
    json_array_foreach(may, i, v) {
        const char *a = json_string_value(v);
        assert_true(strcmp(a, "case.read") == 0 || strcmp(a, "personal.read") == 0 ||
                    strcmp(a, "case.child_record") == 0);
    }
    json_decref(o);
    /* statistics drop: the reports and the home page's count of open cases */
    assert_int_equal(report_grand("victims"), victims - 1);
    assert_int_equal(home_open(&fx.sup), open_before - 1);
    /* read-only: no second withdrawal, no stage change, no task, no change of a field */
    r = qgt_expect_error(&fx.env, &fx.sup, "POST", path, "{\"reason\":\"probe\"}", 409, "status",
                         NULL);
    httpc_response_free(r);
    qgt_case_path(code, "/stage", path, sizeof path);
    r = qgt_expect_error(&fx.env, &fx.sup, "POST", path, "{\"stage\":\"assessment\"}", 409,
                         "status", NULL);
    httpc_response_free(r);
    qgt_case_path(code, "/tasks", path, sizeof path);
    r = qgt_expect_error(&fx.env, &fx.sup, "POST", path,
                         "{\"title\":\"Call\",\"due_on\":\"2030-01-01\"}", 409, "status", NULL);
    httpc_response_free(r);
    qgt_case_path(code, NULL, path, sizeof path);
    r = qgt_expect_error(&fx.env, &fx.sup, "PATCH", path, "{\"region\":\"astana\"}", 409,
                         "status", NULL);
    httpc_response_free(r);
    /* no referral either: refused for the withdrawal, not as "closed, reopen it" */
    qgt_case_path(code, "/referrals", path, sizeof path);
    char ref[BODY_LEN];
    snprintf(ref, sizeof ref, "{\"service\":\"psychological\",\"to_org\":%lld,"
             "\"parts\":[\"profile\"]}", (long long)fx.org_b);
    json_t *refused = NULL;
    assert_int_equal(send(&fx.sup, "POST", path, ref, &refused), 409);
    assert_string_equal(reason_of(json_object_get(refused, "error")), "case.withdrawn");
    json_decref(refused);
    qgt_case_path(code, NULL, path, sizeof path);
    assert_int_equal(send(&fx.sup, "GET", path, NULL, &o), 200);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "withdrawn");
    json_decref(o);
    /* the IIN is free again: the real child can be registered */
    assert_int_equal(create_with(&fx.sup, iin, NULL, NULL), 201);
    /* the list's filter knows the status */
    assert_int_equal(send(&fx.sup, "GET", "/api/v1/cases?status=withdrawn", NULL, &o), 200);
    assert_int_equal(json_array_size(json_object_get(o, "cases")), 1);
    json_decref(o);
    /* audited with its reason */
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *argv[] = {"audit", "list", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, argv), 0);
    assert_non_null(strstr(out, "case.withdraw"));
    /* a withdrawn second case of a child is no likely duplicate of the next registration */
    const char *named = "{\"sex\":\"Feminine\",\"personal\":{\"given_name\":\"Madeupa\","
                        "\"family_name\":\"Testova\",\"birth_date\":\"2013-04-05\"}}";
    assert_int_equal(send(&fx.sup, "POST", "/api/v1/cases", named, &o), 201);
    qgt_case_path(json_string_value(json_object_get(o, "code")), "/withdraw", path, sizeof path);
    json_decref(o);
    assert_int_equal(send(&fx.sup, "POST", "/api/v1/cases", named, &o), 409);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "error"), "reason")),
                        "case.likely_duplicate");
    json_decref(o);
    assert_int_equal(send(&fx.sup, "POST", path, "{\"reason\":\"duplicate\"}", NULL), 200);
    assert_int_equal(send(&fx.sup, "POST", "/api/v1/cases", named, NULL), 201);
}

/* ---- the serve options ------------------------------------------------------------------------ */

static void test_bad_options(void **state)
{
    (void)state;
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *const bad[][2] = {{"--iin-per-user-hour", "0"}, {"--iin-per-org-hour", "many"}};
    for (size_t i = 0; i < 2; i++) {
        const char *argv[] = {"serve", "--port", "0", bad[i][0], bad[i][1], NULL};
        assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, argv), 2);
        assert_non_null(strstr(errout, bad[i][0] + 2));
    }
}

int main(void)
{
    qgt_main_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duplicate_alert),
        cmocka_unit_test(test_user_limit),
        cmocka_unit_test(test_org_limit_survives_restart),
        cmocka_unit_test(test_operation),
        cmocka_unit_test(test_withdraw),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
