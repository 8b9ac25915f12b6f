/*
 * bb_pg_casework.c — black-box run of case work and referrals on PostgreSQL: one real
 * server on $QORGAU_TEST_PG drives every new module's SQL at least once — the profile
 * lists, stage moves, closing and reopening, forms with an overdue review, tasks and
 * the due list, the child's own record, consent and its withdrawal, the service
 * directory, an agreement, a referral from sending to completion, an off-platform
 * sheet answered with its reply code, break-the-glass access and its report, every
 * aggregate report (JSON, CSV, XLSX), the anonymised dataset and every role's home page's
 * summary — and ends
 * with an intact audit chain. The SQLite suites test the rules in depth; this one
 * checks that the PostgreSQL engine runs the same statements. Skipped without
 * $QORGAU_TEST_PG (failed instead when $QORGAU_TEST_PG_REQUIRED is set).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "pg-casework-password"
#define PATH_LEN 256

typedef struct {
    qgt_env env;
    qgt_session sup_a, cm_b, sup_b, admin, auditor, analyst;
    int64_t org_a, org_b;
    char code[32];
} fixture;

static fixture fx;

/* Sends a request and expects status; returns the parsed body (caller frees) or NULL. */
static json_t *expect(const qgt_session *s, const char *method, const char *path, const char *body, int status)
{
    httpc_response *r = qgt_call(&fx.env, s, method, path, body);
    assert_non_null(r);
    if (r->status != status)
        fail_msg("%s %s: want %d, got %d: %s", method, path, status, r->status, r->body ? r->body : "");
    json_t *o = r->body ? json_loads(r->body, 0, NULL) : NULL;
    httpc_response_free(r);
    return o;
}

static void ok(const qgt_session *s, const char *method, const char *path, const char *body, int status)
{
    json_decref(expect(s, method, path, body, status));
}

static void case_path(const char *suffix, char out[PATH_LEN])
{
    snprintf(out, PATH_LEN, "/api/v1/cases/%s%s", fx.code, suffix);
}

static void start(const char *url, char key[QGT_PATH])
{
    memset(&fx.env, 0, sizeof fx.env);
    snprintf(fx.env.dir, sizeof fx.env.dir, "/tmp/qgbbpgcw-XXXXXX");
    assert_non_null(mkdtemp(fx.env.dir));
    snprintf(fx.env.db, sizeof fx.env.db, "%s", url);
    snprintf(key, QGT_PATH, "%s/qorgau.key", fx.env.dir);
    snprintf(fx.env.key, sizeof fx.env.key, "%s", key);
    snprintf(fx.env.log, sizeof fx.env.log, "%s/server.log", fx.env.dir);
    setenv("QORGAU_KEY_FILE", key, 1);
    const char *init[] = {"init", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, NULL, NULL, init), 0);
    fx.org_a = qgt_org(&fx.env, "PG Casework NGO", "ngo", "almaty");
    fx.org_b = qgt_org(&fx.env, "PG Casework Shelter", "ngo", "astana");
    assert_true(fx.org_a > 0 && fx.org_b > 0);
    assert_true(qgt_user(&fx.env, fx.org_a, "pgw.sup.a", "supervisor", PASSWORD) > 0);
    assert_true(qgt_user(&fx.env, fx.org_b, "pgw.sup.b", "supervisor", PASSWORD) > 0);
    assert_true(qgt_user(&fx.env, fx.org_b, "pgw.cm.b", "case_manager", PASSWORD) > 0);
    assert_true(qgt_user(&fx.env, fx.org_a, "pgw.admin", "admin", PASSWORD) > 0);
    assert_true(qgt_user(&fx.env, fx.org_a, "pgw.auditor", "auditor", PASSWORD) > 0);
    assert_true(qgt_user(&fx.env, fx.org_a, "pgw.analyst", "analyst", PASSWORD) > 0);
    assert_true(qgt_server_start(&fx.env, NULL));
    assert_int_equal(qgt_login(&fx.env, "pgw.sup.a", PASSWORD, &fx.sup_a), 201);
    assert_int_equal(qgt_login(&fx.env, "pgw.sup.b", PASSWORD, &fx.sup_b), 201);
    assert_int_equal(qgt_login(&fx.env, "pgw.cm.b", PASSWORD, &fx.cm_b), 201);
    assert_int_equal(qgt_login(&fx.env, "pgw.admin", PASSWORD, &fx.admin), 201);
    assert_int_equal(qgt_login(&fx.env, "pgw.auditor", PASSWORD, &fx.auditor), 201);
    assert_int_equal(qgt_login(&fx.env, "pgw.analyst", PASSWORD, &fx.analyst), 201);
}

/* The case, its profile, its stages, forms, tasks and the child's record. */
static void case_work(void)
{
    json_t *o = expect(&fx.sup_a, "POST", "/api/v1/cases",
                       "{\"sex\":\"Feminine\",\"age_at_identification\":15,\"region\":\"almaty\","
                       "\"exploitation_forms\":[\"forced_labour\"],\"services_needed\":[\"legal\"],"
                       "\"traffickers\":[{\"role\":\"recruiter\"}],"
                       "\"route\":[{\"event\":\"recruitment\",\"place\":\"turkistan\",\"on\":\"2024\"}],"
                       "\"personal\":{\"given_name\":\"Oydantap\",\"phone\":\"+7 700 000 00 01\"}}",
                       201);
    snprintf(fx.code, sizeof fx.code, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
    char path[PATH_LEN];
    case_path("", path);
    o = expect(&fx.sup_a, "PATCH", path, "{\"exploitation_forms\":[\"forced_labour\",\"forced_begging\"]}", 200);
    assert_int_equal(json_array_size(json_object_get(o, "exploitation_forms")), 2);
    assert_int_equal(json_array_size(json_object_get(o, "services_needed")), 1);
    json_decref(o);
    case_path("/stage", path);
    ok(&fx.sup_a, "POST", path, "{\"stage\":\"assessment\"}", 200);
    case_path("/close", path);
    ok(&fx.sup_a, "POST", path, "{\"reason\":\"recovered\"}", 200);
    case_path("/reopen", path);
    ok(&fx.sup_a, "POST", path, "{\"note\":\"new risk reported\"}", 200);
    case_path("/stages?notes=1", path);
    o = expect(&fx.sup_a, "GET", path, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(o, "history")), 4);
    json_decref(o);
    case_path("/assessments", path);
    ok(&fx.sup_a, "POST", path,
       "{\"elements\":{\"safety\":{\"level\":\"urgent\",\"notes\":\"n\"},\"trafficking_circumstances\":"
       "{\"level\":\"not_assessed\"},\"migration\":{\"level\":\"not_assessed\"},\"basic_needs\":{\"level\":"
       "\"needs_attention\"},\"housing\":{\"level\":\"no_action\"},\"strengths_resources\":{\"level\":"
       "\"no_action\"},\"health\":{\"level\":\"no_action\"},\"risks\":{\"level\":\"urgent\"}}}",
       201);
    case_path("/safety-plans", path);
    ok(&fx.sup_a, "POST", path,
       "{\"made_on\":\"2024-01-10\",\"review_on\":\"2024-02-10\",\"current_risks\":\"r\",\"prevention\":\"p\","
       "\"if_threatened\":\"call 150\",\"child_view\":\"v\",\"options\":{\"escaped\":\"e\"},"
       "\"harm_channels\":{\"phone\":\"h\"}}",
       201);
    o = expect(&fx.sup_a, "GET", path, NULL, 200);
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(o, "safety_plans"), 0), "review_overdue")));
    json_decref(o);
    case_path("/interactions", path);
    ok(&fx.sup_a, "POST", path, "{\"channel\":\"phone\",\"participants\":[\"child\"],\"summary\":\"s\"}", 201);
    case_path("/tasks", path);
    ok(&fx.sup_a, "POST", path, "{\"title\":\"call the school\",\"due_on\":\"2024-03-01\"}", 201);
    o = expect(&fx.sup_a, "GET", "/api/v1/tasks?overdue=1", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(o, "tasks")), 1);
    assert_int_equal(json_array_size(json_object_get(o, "reviews")), 1);
    json_decref(o);
    case_path("/child-record?lang=kk", path);
    httpc_response *r = qgt_call(&fx.env, &fx.sup_a, "GET", path, NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "Oydantap"));
    httpc_response_free(r);
}

/* Consent, the directory, an agreement and a referral to completion. */
static void referral_work(void)
{
    char path[PATH_LEN], body[512];
    case_path("/consents", path);
    snprintf(body, sizeof body, "{\"purpose\":\"sharing\",\"org_id\":%lld,\"given_by\":\"child\"}",
             (long long)fx.org_b);
    ok(&fx.sup_a, "POST", path, body, 201);
    ok(&fx.sup_a, "POST", path, "{\"purpose\":\"statistics\",\"given_by\":\"parent\"}", 201);
    case_path("/consents/2/withdraw", path);
    ok(&fx.sup_a, "POST", path, "{}", 200);
    case_path("/consents", path);
    json_t *o = expect(&fx.sup_a, "GET", path, NULL, 200);
    assert_string_equal(json_string_value(json_object_get(o, "statistics")), "excluded");
    json_decref(o);
    snprintf(path, sizeof path, "/api/v1/orgs/%lld/services/shelter_24h", (long long)fx.org_b);
    ok(&fx.sup_b, "PUT", path,
       "{\"regions\":[\"astana\"],\"age_min\":6,\"age_max\":17,\"sexes\":[\"Feminine\"],\"languages\":[\"kk\",\"ru\"],"
       "\"capacity\":10,\"available\":3}",
       201);
    o = expect(&fx.sup_a, "GET", "/api/v1/services?service=shelter_24h&region=astana&age=15&sex=Feminine", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(o, "services")), 1);
    json_decref(o);
    snprintf(body, sizeof body,
             "{\"parties\":[%lld,%lld],\"kind\":\"data_sharing\",\"purpose\":\"shelter placements\","
             "\"data_shared\":[\"profile\",\"needs\",\"identity\",\"contact\"],\"protections\":\"sealed\","
             "\"permitted_users\":\"case managers\",\"complaints\":\"the director\",\"valid_from\":\"2024-01-01\","
             "\"valid_to\":\"2030-12-31\"}",
             (long long)fx.org_a, (long long)fx.org_b);
    ok(&fx.admin, "POST", "/api/v1/agreements", body, 201);
    case_path("/referrals", path);
    snprintf(body, sizeof body, "{\"service\":\"shelter_24h\",\"to_org\":%lld,\"parts\":[\"profile\",\"identity\"]}",
             (long long)fx.org_b);
    o = expect(&fx.sup_a, "POST", path, body, 201);
    char ref[32];
    snprintf(ref, sizeof ref, "%s", json_string_value(json_object_get(o, "ref")));
    json_decref(o);
    o = expect(&fx.cm_b, "GET", "/api/v1/referrals?direction=in", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(o, "referrals")), 1);
    json_decref(o);
    const char *steps[] = {"accept", "start", "complete"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "/api/v1/referrals/%s/%s", ref, steps[i]);
        ok(&fx.cm_b, "POST", path, "{}", 200);
    }
    snprintf(path, sizeof path, "/api/v1/referrals/%s", ref);
    o = expect(&fx.cm_b, "GET", path, NULL, 200);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "completed");
    assert_null(json_object_get(o, "contents"));
    json_decref(o);
    o = expect(&fx.sup_a, "GET", "/api/v1/referrals?direction=out&overdue=1", NULL, 200);
    json_decref(o);
}

/* An off-platform sheet answered with its one-time code. */
static void sheet_and_reply(void)
{
    char path[PATH_LEN], body[256];
    case_path("/referrals", path);
    json_t *o = expect(&fx.sup_a, "POST", path,
                       "{\"service\":\"education\",\"to_name\":\"School No. 7\",\"parts\":[\"profile\"]}", 201);
    char ref[32];
    snprintf(ref, sizeof ref, "%s", json_string_value(json_object_get(o, "ref")));
    json_decref(o);
    snprintf(path, sizeof path, "/api/v1/referrals/%s/sheet", ref);
    httpc_response *r = qgt_call(&fx.env, &fx.sup_a, "GET", path, NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    const char *p = strstr(r->body, "<strong>");
    assert_non_null(p);
    char code[32];
    snprintf(code, sizeof code, "%.19s", p + strlen("<strong>"));
    httpc_response_free(r);
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"action\":\"accept\"}", code);
    o = expect(NULL, "POST", "/api/v1/reply", body, 200);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "accepted");
    json_decref(o);
    ok(NULL, "POST", "/api/v1/reply", body, 404); /* single use */
}

/* Break-the-glass with the second key and its report: a request approved in full, then an
 * emergency access reviewed and ended by the holder's supervisor. */
static void break_glass(void)
{
    char path[PATH_LEN], approve[PATH_LEN];
    case_path("/break-glass", path);
    json_t *o = expect(&fx.sup_b, "POST", path, "{\"reason\":\"emergency call at night\"}", 202);
    json_int_t id = json_integer_value(json_object_get(json_object_get(o, "grant"), "id"));
    json_decref(o);
    o = expect(&fx.sup_a, "GET", "/api/v1/grant-requests", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(o, "to_decide")), 1);
    json_decref(o);
    snprintf(approve, sizeof approve, "/api/v1/grant-requests/%lld/approve", (long long)id);
    ok(&fx.sup_a, "POST", approve, "{\"scope\":\"full\",\"hours\":2}", 200);
    case_path("", path);
    ok(&fx.sup_b, "GET", path, NULL, 200);
    o = expect(&fx.auditor, "GET", "/api/v1/access-grants?active=1", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(o, "grants")), 1);
    json_decref(o);
    case_path("/break-glass", path);
    ok(&fx.sup_b, "DELETE", path, NULL, 204);
    o = expect(&fx.sup_b, "POST", path,
               "{\"reason\":\"emergency call at night\",\"emergency\":true}", 201);
    id = json_integer_value(json_object_get(json_object_get(o, "grant"), "id"));
    json_decref(o);
    o = expect(&fx.sup_a, "GET", "/api/v1/tasks", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(o, "grants")), 1);
    json_decref(o);
    snprintf(approve, sizeof approve, "/api/v1/grant-requests/%lld/review", (long long)id);
    ok(&fx.sup_a, "POST", approve, "{\"end\":true}", 200);
    case_path("", path);
    ok(&fx.sup_b, "GET", path, NULL, 404);
}

/* Every report runs; the one case left statistics, so the analyst's victims are zero. */
static void reports(void)
{
    const char *names[] = {"victims", "exploitation", "regions", "age-bands", "flows", "process"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[PATH_LEN];
        snprintf(path, sizeof path, "/api/v1/reports/%s", names[i]);
        json_t *o = expect(&fx.analyst, "GET", path, NULL, 200);
        assert_true(json_is_true(json_object_get(o, "protected")));
        json_decref(o);
        snprintf(path, sizeof path, "/api/v1/reports/%s?format=csv", names[i]);
        ok(&fx.sup_a, "GET", path, NULL, 200);
    }
    ok(&fx.analyst, "GET", "/api/v1/reports/exploitation?format=xlsx&lang=ru", NULL, 200);
    json_t *o = expect(&fx.analyst, "GET", "/api/v1/datasets/anonymised?format=json", NULL, 200);
    assert_non_null(json_object_get(o, "summary"));
    json_decref(o);
}

/* The home page's summary of every role runs its counts on PostgreSQL (bb_home checks
 * the numbers on SQLite). */
static void home_pages(void)
{
    const qgt_session *who[] = {&fx.sup_a, &fx.cm_b, &fx.sup_b, &fx.admin, &fx.auditor,
                                &fx.analyst};
    const char *block[] = {"cases", "tasks", "workload", "orgs", "sensitive_reads", "figures"};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        json_t *o = expect(who[i], "GET", "/api/v1/home", NULL, 200);
        assert_non_null(json_object_get(o, block[i]));
        json_decref(o);
        o = expect(who[i], "GET", "/api/v1/home?counts=1", NULL, 200);
        json_decref(o);
    }
}

static void test_casework_on_postgres(void **state)
{
    (void)state;
    const char *url = qgt_pg_url();
    qgt_pg_reset(url);
    char key[QGT_PATH];
    start(url, key);
    case_work();
    referral_work();
    sheet_and_reply();
    break_glass();
    reports();
    home_pages();
    assert_int_equal(qgt_server_stop(&fx.env), 0);
    char out[QGT_OUT];
    const char *verify[] = {"audit", "verify", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, NULL, verify), 0);
    assert_non_null(strstr(out, "audit trail intact"));
    unsetenv("QORGAU_KEY_FILE");
    unlink(key);
    qgt_env_free(&fx.env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_casework_on_postgres)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
