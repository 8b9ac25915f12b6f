/*
 * bb_directory.c — black-box tests of the service directory and the agreements register
 * through the real server: entries created, replaced (with the version guard) and
 * removed; who may manage them (a supervisor their own organisation only, a system-wide
 * admin any, the other roles never); the search and its filters (service, region, age, sex, and
 * their combination), the order by free places, bad filters named; every role may
 * search, nobody without a session; agreements recorded, listed and read with their
 * visibility per role, ended once; the audit entries; and a key that must never be
 * repeated (a canary) in no answer, log or audit entry.
 *
 * Every organisation, login and text is made up.
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

#define PASSWORD "directory-test-password"
#define CANARY "Aigerim Canarykeyname"
#define PATH_LEN 256
#define BODY_LEN 2048

typedef struct {
    qgt_env env;
    int64_t org1, org2, org3;
    qgt_session admin, sup1, sup2, cm1, fr1, analyst, auditor, cm3;
    int64_t ag12, ag23; /* agreements: org1-org2 (by sup1), org2-org3 (by admin) */
} fixture;

static fixture fx;

/* ---- helpers ------------------------------------------------------------------- */

static int send(const qgt_session *s, const char *method, const char *path, const char *body, json_t **out)
{
    httpc_response *r = qgt_call(&fx.env, s, method, path, body);
    if (r && strstr(r->body, CANARY))
        fail_msg("%s %s: the answer repeats the canary", method, path);
    if (out)
        *out = qgt_json(r);
    return qgt_status(r);
}

static void expect_error(const qgt_session *s, const char *method, const char *path, const char *body, int status,
                         const char *field)
{
    httpc_response *r = qgt_expect_error(&fx.env, s, method, path, body, status, field, CANARY);
    httpc_response_free(r);
}

static void service_path(int64_t org, const char *service, char out[PATH_LEN])
{
    if (service)
        snprintf(out, PATH_LEN, "/api/v1/orgs/%lld/services/%s", (long long)org, service);
    else
        snprintf(out, PATH_LEN, "/api/v1/orgs/%lld/services", (long long)org);
}

/* PUTs an entry as s and expects status; returns the answer (caller frees) when 2xx. */
static json_t *put_entry(const qgt_session *s, int64_t org, const char *service, const char *body, int status)
{
    char path[PATH_LEN];
    service_path(org, service, path);
    json_t *o = NULL;
    int got = send(s, "PUT", path, body, &o);
    if (got != status)
        fail_msg("PUT %s: want %d, got %d", path, status, got);
    return o;
}

/* GETs path as s expecting 200; returns the array under key (the answer in *whole). */
static json_t *get_list(const qgt_session *s, const char *path, const char *key, json_t **whole)
{
    int got = send(s, "GET", path, NULL, whole);
    if (got != 200)
        fail_msg("GET %s: want 200, got %d", path, got);
    json_t *list = json_object_get(*whole, key);
    assert_true(json_is_array(list));
    return list;
}

/* The organisation ids of a search, in order, into ids; returns how many. */
static size_t search_orgs(const qgt_session *s, const char *query, int64_t ids[8])
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "/api/v1/services%s", query);
    json_t *whole = NULL, *list = get_list(s, path, "services", &whole);
    size_t n = json_array_size(list);
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++)
        ids[i] = json_integer_value(json_object_get(json_array_get(list, i), "org_id"));
    json_decref(whole);
    return n;
}

static void expect_orgs(const char *query, size_t n, int64_t a, int64_t b, int64_t c)
{
    int64_t ids[8], want[3] = {a, b, c};
    size_t got = search_orgs(&fx.cm1, query, ids);
    if (got != n)
        fail_msg("search %s: want %zu entries, got %zu", query, n, got);
    for (size_t i = 0; i < n && i < 3; i++) /* the first three are checked */
        if (ids[i] != want[i])
            fail_msg("search %s: entry %zu is org %lld, want %lld", query, i, (long long)ids[i], (long long)want[i]);
}

static int setup(void **state)
{
    (void)state;
    const qgt_person people[] = {
        {"dir.admin", "admin", 0, &fx.admin, NULL, true}, /* system-wide: any organisation */
        {"dir.sup1", "supervisor", 0, &fx.sup1, NULL},
        {"dir.sup2", "supervisor", 1, &fx.sup2, NULL},
        {"dir.cm1", "case_manager", 0, &fx.cm1, NULL},
        {"dir.fr1", "first_responder", 0, &fx.fr1, NULL},
        {"dir.analyst", "analyst", 0, &fx.analyst, NULL},
        {"dir.auditor", "auditor", 0, &fx.auditor, NULL},
        {"dir.cm3", "case_manager", 2, &fx.cm3, NULL},
    };
    const size_t n = sizeof people / sizeof people[0];
    if (!qgt_env_init(&fx.env))
        return -1;
    fx.org1 = qgt_org(&fx.env, "Aqqanat Shelter Test", "ngo", "almaty");
    fx.org2 = qgt_org(&fx.env, "Bereke Legal Aid Test", "justice", "astana");
    fx.org3 = qgt_org(&fx.env, "Shugyla Social Test", "social_protection", "shymkent");
    const int64_t orgs[] = {fx.org1, fx.org2, fx.org3};
    if (fx.org1 < 0 || fx.org2 < 0 || fx.org3 < 0 ||
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

/* ---- managing entries ---------------------------------------------------------------- */

#define SHELTER1                                                                                              \
    "{\"regions\": [\"almaty\", \"almaty_region\"], \"age_min\": 6, \"age_max\": 17, \"sexes\": [\"Feminine\"]," \
    " \"languages\": [\"kk\", \"ru\"], \"capacity\": 10, \"available\": 2,"                                     \
    " \"procedure\": \"Call the duty desk, then send the referral form.\", \"contact\": \"+7 700 000 0001\"}"

static void test_manage(void **state)
{
    (void)state;
    char path[PATH_LEN], body[BODY_LEN];
    json_t *o = put_entry(&fx.sup1, fx.org1, "shelter_24h", SHELTER1, 201);
    assert_string_equal(json_string_value(json_object_get(o, "service")), "shelter_24h");
    assert_int_equal(json_integer_value(json_object_get(o, "org_id")), fx.org1);
    assert_string_equal(json_string_value(json_object_get(o, "org_name")), "Aqqanat Shelter Test");
    assert_int_equal(json_integer_value(json_object_get(o, "available")), 2);
    assert_int_equal(json_integer_value(json_object_get(o, "version")), 1);
    assert_null(json_object_get(o, "address"));
    json_decref(o);
    /* replaced: 200 with the version seen; a stale version is 409 */
    snprintf(body, sizeof body, "%.*s, \"version\": 1}", (int)strlen(SHELTER1) - 1, SHELTER1);
    o = put_entry(&fx.sup1, fx.org1, "shelter_24h", body, 200);
    assert_int_equal(json_integer_value(json_object_get(o, "version")), 2);
    json_decref(o);
    service_path(fx.org1, "shelter_24h", path);
    expect_error(&fx.sup1, "PUT", path, body, 409, "version");
    /* a supervisor of another organisation, or none at all: 404 naming org */
    expect_error(&fx.sup2, "PUT", path, SHELTER1, 404, "org");
    service_path(99999, "shelter_24h", path);
    expect_error(&fx.admin, "PUT", path, SHELTER1, 404, "org");
    expect_error(&fx.sup1, "PUT", "/api/v1/orgs/abc/services/legal", SHELTER1, 404, "org");
    service_path(fx.org1, "massage", path);
    expect_error(&fx.sup1, "PUT", path, SHELTER1, 404, "service");
    /* the roles that never manage the directory */
    service_path(fx.org1, "legal", path);
    expect_error(&fx.cm1, "PUT", path, SHELTER1, 403, NULL);
    expect_error(&fx.fr1, "PUT", path, SHELTER1, 403, NULL);
    expect_error(&fx.analyst, "PUT", path, SHELTER1, 403, NULL);
    expect_error(&fx.auditor, "PUT", path, SHELTER1, 403, NULL);
    expect_error(NULL, "PUT", path, SHELTER1, 401, NULL);
    /* validation: an address, an unknown key (never repeated), a bad range */
    expect_error(&fx.sup1, "PUT", path,
                 "{\"regions\": [\"almaty\"], \"age_min\": 0, \"age_max\": 17, \"sexes\": [\"Masculine\"],"
                 " \"languages\": [\"ru\"], \"contact\": \"ул. Абая 1\"}",
                 400, "contact");
    expect_error(&fx.sup1, "PUT", path,
                 "{\"regions\": [\"almaty\"], \"age_min\": 0, \"age_max\": 17, \"sexes\": [\"Masculine\"],"
                 " \"languages\": [\"ru\"], \"" CANARY "\": \"x\"}",
                 400, "body");
    expect_error(&fx.sup1, "PUT", path,
                 "{\"regions\": [\"almaty\"], \"age_min\": 10, \"age_max\": 9, \"sexes\": [\"Masculine\"],"
                 " \"languages\": [\"ru\"]}",
                 400, "age_max");
    /* an admin manages any organisation; removal */
    o = put_entry(&fx.admin, fx.org2, "legal",
                  "{\"regions\": [\"astana\"], \"age_min\": 0, \"age_max\": 18, \"sexes\": [\"Feminine\", \"Masculine\"],"
                  " \"languages\": [\"kk\"]}",
                  201);
    json_decref(o);
    o = put_entry(&fx.sup1, fx.org1, "legal",
                  "{\"regions\": [\"almaty\"], \"age_min\": 0, \"age_max\": 17, \"sexes\": [\"Masculine\"],"
                  " \"languages\": [\"ru\"]}",
                  201);
    json_decref(o);
    expect_error(&fx.sup2, "DELETE", path, NULL, 404, "org");
    expect_error(&fx.cm1, "DELETE", path, NULL, 403, NULL);
    assert_int_equal(send(&fx.sup1, "DELETE", path, NULL, NULL), 204);
    expect_error(&fx.sup1, "DELETE", path, NULL, 404, "service");
}

/* ---- searching ---------------------------------------------------------------------- */

static void test_search(void **state)
{
    (void)state;
    json_t *o = put_entry(&fx.sup2, fx.org2, "shelter_24h",
                          "{\"regions\": [\"astana\"], \"age_min\": 0, \"age_max\": 17,"
                          " \"sexes\": [\"Feminine\", \"Masculine\"], \"languages\": [\"kk\"], \"capacity\": 20,"
                          " \"available\": 5}",
                          201);
    json_decref(o);
    o = put_entry(&fx.admin, fx.org3, "shelter_24h",
                  "{\"regions\": [\"shymkent\", \"almaty\"], \"age_min\": 12, \"age_max\": 18,"
                  " \"sexes\": [\"Masculine\"], \"languages\": [\"kk\", \"uz\"]}",
                  201);
    json_decref(o);
    /* most free places first, unknown last */
    expect_orgs("?service=shelter_24h", 3, fx.org2, fx.org1, fx.org3);
    expect_orgs("?service=shelter_24h&region=almaty", 2, fx.org1, fx.org3, 0);
    expect_orgs("?service=shelter_24h&age=5", 1, fx.org2, 0, 0);
    expect_orgs("?service=shelter_24h&age=18", 1, fx.org3, 0, 0);
    expect_orgs("?service=shelter_24h&sex=Masculine", 2, fx.org2, fx.org3, 0);
    expect_orgs("?region=almaty&age=15&sex=Feminine", 1, fx.org1, 0, 0);
    expect_orgs("?service=legal", 1, fx.org2, 0, 0);
    expect_orgs("?service=interpreter", 0, 0, 0, 0);
    expect_orgs("?service=&region=&age=&sex=", 4, fx.org2, fx.org1, fx.org2); /* then org2's legal aid, org3 */
    /* bad filters are named */
    expect_error(&fx.cm1, "GET", "/api/v1/services?service=massage", NULL, 400, "service");
    expect_error(&fx.cm1, "GET", "/api/v1/services?region=mars", NULL, 400, "region");
    expect_error(&fx.cm1, "GET", "/api/v1/services?age=121", NULL, 400, "age");
    expect_error(&fx.cm1, "GET", "/api/v1/services?age=ten", NULL, 400, "age");
    expect_error(&fx.cm1, "GET", "/api/v1/services?sex=F", NULL, 400, "sex");
    /* every role searches; nobody without a session */
    const qgt_session *roles[] = {&fx.admin, &fx.sup1, &fx.sup2, &fx.fr1, &fx.analyst, &fx.auditor, &fx.cm3};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        assert_int_equal(send(roles[i], "GET", "/api/v1/services?service=shelter_24h", NULL, NULL), 200);
    expect_error(NULL, "GET", "/api/v1/services", NULL, 401, NULL);
    /* one organisation's entries */
    char path[PATH_LEN];
    service_path(fx.org2, NULL, path);
    json_t *whole = NULL, *list = get_list(&fx.analyst, path, "services", &whole);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "service")), "legal");
    json_decref(whole);
    service_path(99999, NULL, path);
    expect_error(&fx.cm1, "GET", path, NULL, 404, "org");
    expect_error(NULL, "GET", "/api/v1/orgs/1/services", NULL, 401, NULL);
}

/* ---- agreements ------------------------------------------------------------------------ */

static void agreement_body(int64_t a, int64_t b, const char *from, const char *to, char out[BODY_LEN])
{
    snprintf(out, BODY_LEN,
             "{\"parties\": [%lld, %lld], \"kind\": \"data_sharing\", \"purpose\": \"Referring children to shelter.\","
             " \"data_shared\": [\"profile\", \"needs\"], \"protections\": \"Need to know; encrypted at rest.\","
             " \"permitted_users\": \"Case managers of the receiving organisation.\","
             " \"complaints\": \"Write to the data protection officer of either party.\","
             " \"valid_from\": \"%s\", \"valid_to\": \"%s\"}",
             (long long)a, (long long)b, from, to);
}

static int64_t create_agreement(const qgt_session *s, int64_t a, int64_t b)
{
    char body[BODY_LEN];
    agreement_body(a, b, "2020-01-01", "2099-12-31", body);
    json_t *o = NULL;
    int got = send(s, "POST", "/api/v1/agreements", body, &o);
    if (got != 201)
        fail_msg("POST agreement %lld-%lld: got %d", (long long)a, (long long)b, got);
    json_t *parties = json_object_get(o, "parties");
    assert_int_equal(json_integer_value(json_array_get(parties, 0)), a < b ? a : b);
    assert_int_equal(json_integer_value(json_array_get(parties, 1)), a < b ? b : a);
    assert_true(json_is_true(json_object_get(o, "valid_today")));
    int64_t id = json_integer_value(json_object_get(o, "id"));
    json_decref(o);
    return id;
}

static size_t agreement_count(const qgt_session *s, const char *query)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "/api/v1/agreements%s", query);
    json_t *whole = NULL;
    size_t n = json_array_size(get_list(s, path, "agreements", &whole));
    json_decref(whole);
    return n;
}

static void test_agreements_create(void **state)
{
    (void)state;
    char body[BODY_LEN];
    fx.ag12 = create_agreement(&fx.sup1, fx.org2, fx.org1); /* either order; stored smaller first */
    agreement_body(fx.org2, fx.org3, "2020-01-01", "2099-12-31", body);
    expect_error(&fx.sup1, "POST", "/api/v1/agreements", body, 400, "parties"); /* not a party */
    expect_error(&fx.cm1, "POST", "/api/v1/agreements", body, 403, NULL);
    expect_error(&fx.analyst, "POST", "/api/v1/agreements", body, 403, NULL);
    expect_error(&fx.auditor, "POST", "/api/v1/agreements", body, 403, NULL);
    expect_error(NULL, "POST", "/api/v1/agreements", body, 401, NULL);
    fx.ag23 = create_agreement(&fx.admin, fx.org2, fx.org3);
    agreement_body(fx.org1, 99999, "2020-01-01", "2099-12-31", body);
    expect_error(&fx.admin, "POST", "/api/v1/agreements", body, 400, "parties");
    agreement_body(fx.org1, fx.org1, "2020-01-01", "2099-12-31", body);
    expect_error(&fx.admin, "POST", "/api/v1/agreements", body, 400, "parties");
    agreement_body(fx.org1, fx.org2, "2025-01-01", "2024-12-31", body);
    expect_error(&fx.sup1, "POST", "/api/v1/agreements", body, 400, "valid_to");
    expect_error(&fx.sup1, "POST", "/api/v1/agreements",
                 "{\"parties\": [1, 2], \"kind\": \"data_sharing\", \"" CANARY "\": 1}", 400, "body");
    expect_error(&fx.sup1, "POST", "/api/v1/agreements", "{\"parties\": [1, 2], \"kind\": \"pact\"}", 400, "kind");
}

static void test_agreements_visibility(void **state)
{
    (void)state;
    char path[PATH_LEN], query[64];
    /* all for admins and auditors; a case role's organisation's only; analysts none */
    assert_int_equal(agreement_count(&fx.admin, ""), 2);
    assert_int_equal(agreement_count(&fx.auditor, ""), 2);
    assert_int_equal(agreement_count(&fx.sup1, ""), 1);
    assert_int_equal(agreement_count(&fx.cm1, ""), 1);
    assert_int_equal(agreement_count(&fx.fr1, ""), 1);
    assert_int_equal(agreement_count(&fx.sup2, ""), 2);
    assert_int_equal(agreement_count(&fx.cm3, ""), 1);
    expect_error(&fx.analyst, "GET", "/api/v1/agreements", NULL, 403, NULL);
    expect_error(NULL, "GET", "/api/v1/agreements", NULL, 401, NULL);
    /* filters */
    snprintf(query, sizeof query, "?org=%lld", (long long)fx.org3);
    assert_int_equal(agreement_count(&fx.admin, query), 1);
    assert_int_equal(agreement_count(&fx.sup1, query), 0);
    assert_int_equal(agreement_count(&fx.admin, "?valid_on=2019-12-31"), 0);
    assert_int_equal(agreement_count(&fx.admin, "?valid_on=2020-01-01"), 2);
    expect_error(&fx.admin, "GET", "/api/v1/agreements?valid_on=tomorrow", NULL, 400, "valid_on");
    expect_error(&fx.admin, "GET", "/api/v1/agreements?org=abc", NULL, 400, "org");
    /* one agreement: the same visibility, hidden is 404 */
    snprintf(path, sizeof path, "/api/v1/agreements/%lld", (long long)fx.ag12);
    json_t *o = NULL;
    assert_int_equal(send(&fx.cm1, "GET", path, NULL, &o), 200);
    assert_string_equal(json_string_value(json_object_get(o, "complaints")),
                        "Write to the data protection officer of either party.");
    assert_int_equal(json_array_size(json_object_get(o, "data_shared")), 2);
    json_decref(o);
    expect_error(&fx.cm3, "GET", path, NULL, 404, "id");
    expect_error(&fx.analyst, "GET", path, NULL, 403, NULL);
    expect_error(&fx.admin, "GET", "/api/v1/agreements/99999", NULL, 404, "id");
    expect_error(&fx.admin, "GET", "/api/v1/agreements/x1", NULL, 404, "id");
}

static void test_agreements_end(void **state)
{
    (void)state;
    char path12[PATH_LEN], path23[PATH_LEN];
    snprintf(path12, sizeof path12, "/api/v1/agreements/%lld/end", (long long)fx.ag12);
    snprintf(path23, sizeof path23, "/api/v1/agreements/%lld/end", (long long)fx.ag23);
    expect_error(&fx.cm1, "POST", path12, "{}", 403, NULL);
    expect_error(&fx.sup1, "POST", path23, "{}", 404, "id"); /* not a party: not visible */
    expect_error(&fx.sup1, "POST", path12, "{\"ended_on\": \"2019-01-01\"}", 400, "ended_on");
    expect_error(&fx.sup1, "POST", path12, "{\"reason\": \"x\"}", 400, "body");
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup1, "POST", path12, "{}", &o), 200); /* today */
    assert_true(json_is_string(json_object_get(o, "ended_on")));
    assert_true(json_is_false(json_object_get(o, "valid_today")));
    json_decref(o);
    expect_error(&fx.sup2, "POST", path12, "{}", 409, "ended_on");
    /* no body at all: today as well */
    assert_int_equal(send(&fx.sup2, "POST", path23, NULL, &o), 200);
    assert_true(json_is_false(json_object_get(o, "valid_today")));
    json_decref(o);
    assert_int_equal(agreement_count(&fx.admin, "?valid_on=2020-06-01"), 2);
    assert_int_equal(agreement_count(&fx.admin, "?valid_on=2098-01-01"), 0);
}

/* ---- audit ------------------------------------------------------------------------------ */

/* The oldest entry with the action (the trail lists the newest first). */
static json_t *audit_find(json_t *entries, const char *action)
{
    size_t i;
    json_t *e, *found = NULL;
    json_array_foreach(entries, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "action")), action) == 0)
            found = e;
    }
    return found;
}

static void test_audit(void **state)
{
    (void)state;
    json_t *o = NULL;
    assert_int_equal(send(&fx.auditor, "GET", "/api/v1/audit?limit=500", NULL, &o), 200);
    json_t *entries = json_object_get(o, "entries");
    const char *actions[] = {"directory.update", "directory.remove", "agreement.create", "agreement.end", NULL};
    for (const char *const *a = actions; *a; a++)
        if (!audit_find(entries, *a))
            fail_msg("no audit entry %s", *a);
    json_t *detail = json_object_get(audit_find(entries, "directory.update"), "detail");
    assert_int_equal(json_integer_value(json_object_get(detail, "org_id")), fx.org1);
    assert_string_equal(json_string_value(json_object_get(detail, "service")), "shelter_24h");
    detail = json_object_get(audit_find(entries, "agreement.create"), "detail");
    assert_int_equal(json_integer_value(json_object_get(detail, "id")), fx.ag12);
    assert_string_equal(json_string_value(json_object_get(detail, "kind")), "data_sharing");
    assert_int_equal(json_array_size(json_object_get(detail, "parties")), 2);
    json_decref(o);
    assert_int_equal(qgt_server_stop(&fx.env), 0);
    assert_false(qgt_file_contains(fx.env.log, CANARY));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manage),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_agreements_create),
        cmocka_unit_test(test_agreements_visibility),
        cmocka_unit_test(test_agreements_end),
        cmocka_unit_test(test_audit), /* last: stops the server */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
