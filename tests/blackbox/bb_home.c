/*
 * bb_home.c — black-box tests of the home page's summary (GET /api/v1/home, issue 13
 * item 3) through the real binary and a real server, on a known fixture: two
 * organisations, cases assigned to two case managers and one opened by a first
 * responder, tasks and safety plans due and not due, an agreement and a referral each
 * way, an account waiting for confirmation, a break-the-glass grant. Each role gets only
 * the blocks of the work the policy lets it do, with the right numbers; a case outside
 * the actor's reach (another case manager's, another organisation's, one seen only
 * through a break-the-glass grant) is never counted; ?counts=1 leaves out the lists; the
 * answer never carries a case code; no session is 401.
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

#define PASSWORD "home-test-password"
#define PATH_LEN 256
#define BODY_LEN 1024

typedef struct {
    qgt_env env;
    qgt_session sup, cm1, cm2, fr, analyst, auditor, admin, sup_b, cm_b;
    int64_t org_a, org_b, cm1_id, cm2_id, cm_b_id;
    char c1[32], c2[32], c3[32], cf[32], cb[32];
} fixture;

static fixture fx;

/* Every block the summary may hold; a role's answer must hold exactly its own. */
static const char *const BLOCKS[] = {"cases",  "tasks",  "reviews", "referrals_sent",
                                     "referrals_received", "workload", "accounts_waiting",
                                     "figures", "orgs", "users", "sensitive_reads", "grants",
                                     "iin_alerts", "grant_requests", "my_grants", NULL};

static int send(const qgt_session *s, const char *method, const char *path, const char *body,
                json_t **out)
{
    return qgt_send(&fx.env, s, method, path, body, out);
}

static void must(const qgt_session *s, const char *method, const char *path, const char *body,
                 int status)
{
    int got = send(s, method, path, body, NULL);
    if (got != status)
        fail_msg("%s %s: %d, want %d", method, path, got, status);
}

static void open_case(const qgt_session *s, char out[32])
{
    char body[BODY_LEN], day[11];
    json_t *o = NULL;
    qgt_date_from_today(-60, day);
    snprintf(body, sizeof body,
             "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"identified_on\":\"%s\"}", day);
    assert_int_equal(send(s, "POST", "/api/v1/cases", body, &o), 201);
    snprintf(out, 32, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
}

static void assign(const qgt_session *sup, const char *code, int64_t user_id)
{
    char path[PATH_LEN], body[64];
    qgt_case_path(code, "/assignments", path, sizeof path);
    snprintf(body, sizeof body, "{\"user_id\":%lld}", (long long)user_id);
    must(sup, "POST", path, body, 201);
}

static void task(const qgt_session *s, const char *code, int due_in)
{
    char path[PATH_LEN], body[BODY_LEN], due[11];
    qgt_date_from_today(due_in, due);
    qgt_case_path(code, "/tasks", path, sizeof path);
    snprintf(body, sizeof body, "{\"title\":\"Made-up task\",\"due_on\":\"%s\"}", due);
    must(s, "POST", path, body, 201);
}

static void plan(const qgt_session *s, const char *code, int made, int review)
{
    char path[PATH_LEN], body[BODY_LEN], made_on[11], review_on[11];
    qgt_date_from_today(made, made_on);
    qgt_date_from_today(review, review_on);
    qgt_case_path(code, "/safety-plans", path, sizeof path);
    snprintf(body, sizeof body,
             "{\"made_on\":\"%s\",\"review_on\":\"%s\",\"current_risks\":\"Made-up risk\","
             "\"prevention\":\"Made-up prevention\",\"if_threatened\":\"Made-up steps\","
             "\"child_view\":\"Made-up view\",\"options\":{\"escaped\":\"Made-up option\"},"
             "\"harm_channels\":{\"phone\":\"Made-up channel\"}}",
             made_on, review_on);
    must(s, "POST", path, body, 201);
}

static void refer(const qgt_session *s, const char *code, int64_t to)
{
    char path[PATH_LEN], body[BODY_LEN];
    qgt_case_path(code, "/referrals", path, sizeof path);
    snprintf(body, sizeof body,
             "{\"service\":\"psychological\",\"to_org\":%lld,\"parts\":[\"profile\"]}",
             (long long)to);
    must(s, "POST", path, body, 201);
}

static void agreement(void)
{
    char body[BODY_LEN], from[11], to[11];
    qgt_date_from_today(-10, from);
    qgt_date_from_today(100, to);
    snprintf(body, sizeof body,
             "{\"parties\":[%lld,%lld],\"kind\":\"cooperation\",\"purpose\":\"Made-up purpose\","
             "\"protections\":\"Made-up protections\",\"permitted_users\":\"Made-up users\","
             "\"complaints\":\"Made-up complaints\",\"data_shared\":[\"profile\",\"needs\"],"
             "\"valid_from\":\"%s\",\"valid_to\":\"%s\"}",
             (long long)fx.org_a, (long long)fx.org_b, from, to);
    must(&fx.sup, "POST", "/api/v1/agreements", body, 201);
}

/* The work of the fixture (see the file's comment). */
static void seed(void)
{
    open_case(&fx.sup, fx.c1);
    open_case(&fx.sup, fx.c2);
    open_case(&fx.sup, fx.c3);
    open_case(&fx.fr, fx.cf);
    open_case(&fx.sup_b, fx.cb);
    assign(&fx.sup, fx.c1, fx.cm1_id);
    assign(&fx.sup, fx.c2, fx.cm1_id);
    assign(&fx.sup, fx.c3, fx.cm2_id);
    assign(&fx.sup_b, fx.cb, fx.cm_b_id);
    task(&fx.cm1, fx.c1, -2); /* overdue */
    task(&fx.cm1, fx.c1, 3);  /* due this week */
    task(&fx.cm1, fx.c2, 30); /* later: not counted */
    task(&fx.cm2, fx.c3, -1); /* cm2's: overdue */
    task(&fx.cm_b, fx.cb, -5); /* the other organisation's */
    plan(&fx.cm1, fx.c2, -20, -1); /* review overdue */
    plan(&fx.cm1, fx.c1, -5, 60);  /* review later */
    plan(&fx.cm_b, fx.cb, -10, -3);
    agreement();
    refer(&fx.cm1, fx.c1, fx.org_b);
    refer(&fx.sup_b, fx.cb, fx.org_a);
    char body[BODY_LEN];
    snprintf(body, sizeof body,
             "{\"org_id\":%lld,\"login\":\"hm.new\",\"role\":\"case_manager\",\"password\":\"%s\"}",
             (long long)fx.org_a, PASSWORD);
    must(&fx.admin, "POST", "/api/v1/users", body, 201);
    char path[PATH_LEN];
    qgt_case_path(fx.cb, "/break-glass", path, sizeof path);
    must(&fx.sup, "POST", path,
         "{\"reason\":\"Made-up emergency at the station\",\"hours\":2,\"emergency\":true}", 201);
}

static int setup(void **state)
{
    (void)state;
    const qgt_person people[] = {
        {"hm.sup", "supervisor", 0, &fx.sup, NULL},
        {"hm.cm1", "case_manager", 0, &fx.cm1, &fx.cm1_id},
        {"hm.cm2", "case_manager", 0, &fx.cm2, &fx.cm2_id},
        {"hm.fr", "first_responder", 0, &fx.fr, NULL},
        {"hm.analyst", "analyst", 0, &fx.analyst, NULL},
        {"hm.auditor", "auditor", 0, &fx.auditor, NULL},
        {"hm.admin", "admin", 0, &fx.admin, NULL},
        {"hm.sup.b", "supervisor", 1, &fx.sup_b, NULL},
        {"hm.cm.b", "case_manager", 1, &fx.cm_b, &fx.cm_b_id},
    };
    const size_t n = sizeof people / sizeof people[0];
    if (!qgt_env_init(&fx.env))
        return -1;
    fx.org_a = qgt_org(&fx.env, "Home NGO", "ngo", "almaty");
    fx.org_b = qgt_org(&fx.env, "Home Other NGO", "ngo", "astana");
    int64_t orgs[] = {fx.org_a, fx.org_b};
    if (fx.org_a < 0 || fx.org_b < 0 || !qgt_people_add(&fx.env, orgs, people, n, PASSWORD) ||
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

/* ---- helpers on the answer ------------------------------------------------------------ */

static json_t *home(const qgt_session *s, const char *query)
{
    char path[PATH_LEN];
    json_t *o = NULL;
    snprintf(path, sizeof path, "/api/v1/home%s", query);
    assert_int_equal(send(s, "GET", path, NULL, &o), 200);
    assert_non_null(o);
    return o;
}

/* The answer holds exactly the blocks named in want (a space-separated list). */
static void blocks_are(json_t *o, const char *want, const char *who)
{
    for (size_t i = 0; BLOCKS[i]; i++) {
        char word[40];
        snprintf(word, sizeof word, " %s ", BLOCKS[i]);
        char padded[300];
        snprintf(padded, sizeof padded, " %s ", want);
        bool wanted = strstr(padded, word) != NULL;
        if (wanted != (json_object_get(o, BLOCKS[i]) != NULL))
            fail_msg("%s: block %s is %s", who, BLOCKS[i], wanted ? "missing" : "there");
    }
}

static json_int_t num(json_t *o, const char *block, const char *key)
{
    json_t *b = json_object_get(o, block);
    json_t *v = key ? json_object_get(b, key) : b;
    if (!json_is_integer(v))
        fail_msg("%s.%s is not a number", block, key ? key : "");
    return json_integer_value(v);
}

/* The answer names none of the fixture's case codes. */
static void no_case_codes(json_t *o)
{
    char *text = json_dumps(o, 0);
    assert_non_null(text);
    const char *codes[] = {fx.c1, fx.c2, fx.c3, fx.cf, fx.cb};
    for (size_t i = 0; i < 5; i++)
        if (strstr(text, codes[i]))
            fail_msg("the summary carries a case code");
    free(text);
}

static json_int_t stage_count(json_t *o)
{
    json_int_t sum = 0;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(json_object_get(o, "cases"), "by_stage"), i, s)
        sum += json_integer_value(json_object_get(s, "count"));
    return sum;
}

/* ---- the tests -------------------------------------------------------------------------- */

static void test_case_manager(void **state)
{
    (void)state;
    seed();
    json_t *o = home(&fx.cm1, "");
    blocks_are(o, "cases tasks reviews referrals_sent referrals_received", "case manager");
    assert_int_equal(num(o, "cases", "open"), 2); /* C1, C2: never C3 (cm2's) */
    assert_int_equal(stage_count(o), 2);
    assert_int_equal(num(o, "tasks", "due"), 2);
    assert_int_equal(num(o, "tasks", "overdue"), 1);
    assert_int_equal(num(o, "reviews", "due"), 1); /* C2's; C1's is later */
    assert_int_equal(num(o, "reviews", "overdue"), 1);
    assert_int_equal(num(o, "referrals_sent", "waiting"), 1);
    assert_int_equal(num(o, "referrals_sent", "overdue"), 0);
    assert_int_equal(num(o, "referrals_received", "new"), 1);
    assert_int_equal(num(o, "referrals_received", "overdue"), 0);
    assert_int_equal(json_integer_value(json_object_get(o, "due_days")), 7);
    no_case_codes(o);
    json_decref(o);

    /* the other case manager: only C3 and its task; C1's referral is not theirs */
    o = home(&fx.cm2, "");
    assert_int_equal(num(o, "cases", "open"), 1);
    assert_int_equal(num(o, "tasks", "due"), 1);
    assert_int_equal(num(o, "tasks", "overdue"), 1);
    assert_int_equal(num(o, "reviews", "due"), 0);
    assert_int_equal(num(o, "referrals_sent", "waiting"), 0);
    json_decref(o);
}

static void test_supervisor(void **state)
{
    (void)state;
    json_t *o = home(&fx.sup, "");
    blocks_are(o,
               "cases tasks reviews referrals_sent referrals_received workload accounts_waiting "
               "figures iin_alerts grant_requests my_grants",
               "supervisor");
    assert_int_equal(num(o, "my_grants", "active"), 1); /* the emergency access to CB */
    /* C1, C2, C3 and the first responder's CF; never CB, seen only through the grant */
    assert_int_equal(num(o, "cases", "open"), 4);
    assert_int_equal(num(o, "tasks", "due"), 3);
    assert_int_equal(num(o, "tasks", "overdue"), 2);
    assert_int_equal(num(o, "reviews", "overdue"), 1);
    assert_int_equal(num(o, "referrals_sent", "waiting"), 1);
    assert_int_equal(num(o, "referrals_received", "new"), 1);
    assert_int_equal(num(o, "accounts_waiting", NULL), 1);
    json_t *w = json_object_get(o, "workload");
    assert_int_equal(json_array_size(w), 2); /* the waiting hm.new is not on it yet */
    assert_string_equal(json_string_value(json_object_get(json_array_get(w, 0), "login")),
                        "hm.cm1");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(w, 0), "open_cases")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(w, 0), "overdue_tasks")),
                     1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(w, 1), "open_cases")), 1);
    assert_true(json_array_size(json_object_get(o, "figures")) > 0);
    no_case_codes(o);
    json_decref(o);

    /* the navigation's counts: no lists, no figures */
    o = home(&fx.sup, "?counts=1");
    blocks_are(o,
               "tasks reviews referrals_sent referrals_received accounts_waiting grant_requests"
               " my_grants",
               "supervisor, counts only");
    assert_int_equal(num(o, "tasks", "overdue"), 2);
    json_decref(o);

    /* the other organisation's supervisor: only B's case, task and referrals */
    o = home(&fx.sup_b, "");
    assert_int_equal(num(o, "cases", "open"), 1);
    assert_int_equal(num(o, "tasks", "overdue"), 1);
    assert_int_equal(num(o, "reviews", "overdue"), 1);
    assert_int_equal(num(o, "referrals_received", "new"), 1);
    assert_int_equal(num(o, "referrals_sent", "waiting"), 1);
    assert_int_equal(num(o, "accounts_waiting", NULL), 0);
    assert_int_equal(num(o, "grant_requests", "to_review"), 1); /* the emergency access to CB */
    json_decref(o);
}

static void test_other_roles(void **state)
{
    (void)state;
    json_t *o = home(&fx.fr, "");
    blocks_are(o, "cases tasks reviews referrals_sent referrals_received", "first responder");
    assert_int_equal(num(o, "cases", "open"), 1); /* CF, opened and not handed over */
    assert_int_equal(num(o, "tasks", "due"), 0);
    json_decref(o);

    o = home(&fx.analyst, "");
    blocks_are(o, "figures", "analyst");
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(o, "figures"), i, f) {
        const char *table = json_string_value(json_object_get(f, "table"));
        json_t *count = json_object_get(f, "count");
        /* every organisation's: the five cases, all identified this year; protected, so
         * the three overdue tasks are too few to publish */
        if (strcmp(table, "victims") == 0)
            assert_int_equal(json_integer_value(count), 5);
        if (strcmp(table, "overdue_tasks") == 0)
            assert_true(json_is_null(count));
    }
    json_decref(o);

    o = home(&fx.admin, "");
    blocks_are(o, "orgs users accounts_waiting", "admin"); /* made by them: not theirs */
    assert_int_equal(num(o, "accounts_waiting", NULL), 0);
    assert_int_equal(json_array_size(json_object_get(o, "orgs")), 1); /* their own */
    assert_int_equal(num(o, "users", "waiting"), 1);
    assert_int_equal(num(o, "users", "active"), 7); /* of their organisation */
    json_t *a = json_array_get(json_object_get(o, "orgs"), 0);
    assert_string_equal(json_string_value(json_object_get(a, "name")), "Home NGO");
    assert_int_equal(json_integer_value(json_object_get(a, "waiting")), 1);
    json_decref(o);

    o = home(&fx.auditor, "");
    blocks_are(o, "sensitive_reads grants", "auditor");
    assert_int_equal(num(o, "grants", "active"), 1);
    assert_int_equal(num(o, "grants", "last_7_days"), 1);
    assert_true(num(o, "sensitive_reads", "last_7_days") >= 1); /* the break-the-glass */
    json_t *recent = json_object_get(json_object_get(o, "sensitive_reads"), "recent");
    assert_true(json_array_size(recent) >= 1 && json_array_size(recent) <= 5);
    assert_string_equal(json_string_value(json_object_get(json_array_get(recent, 0), "action")),
                        "case.break_glass");
    assert_string_equal(json_string_value(json_object_get(json_array_get(recent, 0), "login")),
                        "hm.sup");
    json_decref(o);
}

static void test_refusals(void **state)
{
    (void)state;
    qgt_session nobody = {0};
    assert_int_equal(send(&nobody, "GET", "/api/v1/home", NULL, NULL), 401);
    httpc_response_free(qgt_expect_error(&fx.env, &fx.cm1, "GET", "/api/v1/home?counts=2", NULL,
                                         400, "counts", NULL));
}

int main(void)
{
    qgt_main_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_manager),
        cmocka_unit_test(test_supervisor),
        cmocka_unit_test(test_other_roles),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
