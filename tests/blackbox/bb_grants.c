/*
 * bb_grants.c — black-box tests of break-the-glass with a second key through the real
 * server (docs/security.md "Break-the-glass"): a supervisor of another organisation asks
 * for access with a reason and sees nothing until a supervisor of the holding organisation
 * approves (scope emergency: only the emergency fields, the case's records hidden; scope
 * full: the whole file) or refuses; every grant only reads; the requester withdraws or
 * ends; another organisation's supervisor cannot decide and the requester cannot approve
 * their own; an emergency access takes effect at once, waits on the holder's home page and
 * task list until reviewed, and is limited per day (across two servers on PostgreSQL when
 * $QORGAU_TEST_PG is set); an undecided request expires (its deadline moved into the past
 * in the database); the auditor's report and the audit entries of every step.
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
#include <unistd.h>

#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "grant-test-password"
#define REASON "Night call from the border post: the child is in danger now"
#define PATH_LEN 256

typedef struct {
    qgt_env env;
    qgt_session sup_a, sup_a2, cm_a, sup_b, cm_b, sup_c, auditor, analyst;
    char code[32], code2[32], code3[32];
} fixture;

static fixture fx;

static int send(const qgt_session *s, const char *method, const char *path, const char *body,
                json_t **out)
{
    return qgt_send(&fx.env, s, method, path, body, out);
}

/* Sends and checks the status and the error's field and reason (either may be NULL). */
static void expect(const qgt_session *s, const char *method, const char *path, const char *body,
                   int status, const char *field, const char *reason)
{
    json_t *o = NULL;
    int got = send(s, method, path, body, &o);
    if (got != status)
        fail_msg("%s %s: want %d, got %d", method, path, status, got);
    json_t *e = json_object_get(o, "error");
    if (field)
        assert_string_equal(json_string_value(json_object_get(e, "field")), field);
    if (reason)
        assert_string_equal(json_string_value(json_object_get(e, "reason")), reason);
    json_decref(o);
}

static void path_of(const char *code, const char *suffix, char out[PATH_LEN])
{
    snprintf(out, PATH_LEN, "/api/v1/cases/%s%s", code, suffix);
}

static void decide_path(json_int_t id, const char *what, char out[PATH_LEN])
{
    snprintf(out, PATH_LEN, "/api/v1/grant-requests/%lld/%s", (long long)id, what);
}

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* Asks for access as s (emergency or not) with body extra ("" or ", \"hours\": 8");
 * returns the GRANT's id, having checked the status. */
static json_int_t ask(const qgt_session *s, const char *code, bool emergency, const char *extra)
{
    char path[PATH_LEN], body[512];
    path_of(code, "/break-glass", path);
    snprintf(body, sizeof body, "{\"reason\":\"%s\",\"emergency\":%s%s}", REASON,
             emergency ? "true" : "false", extra);
    json_t *o = NULL;
    assert_int_equal(send(s, "POST", path, body, &o), emergency ? 201 : 202);
    json_t *g = json_object_get(o, "grant");
    assert_string_equal(str(g, "case"), code);
    assert_string_equal(str(g, "state"), emergency ? "active" : "requested");
    if (emergency)
        assert_string_equal(str(g, "scope"), "emergency");
    else
        assert_true(json_is_null(json_object_get(g, "scope")));
    assert_string_equal(str(g, "reason"), REASON);
    json_int_t id = json_integer_value(json_object_get(g, "id"));
    json_decref(o);
    return id;
}

static const qgt_person people[] = {
    {"gr.sup.a", "supervisor", 0, &fx.sup_a, NULL},
    {"gr.sup.a2", "supervisor", 0, &fx.sup_a2, NULL},
    {"gr.cm.a", "case_manager", 0, &fx.cm_a, NULL},
    {"gr.sup.b", "supervisor", 1, &fx.sup_b, NULL},
    {"gr.cm.b", "case_manager", 1, &fx.cm_b, NULL},
    {"gr.sup.c", "supervisor", 2, &fx.sup_c, NULL},
    {"gr.auditor", "auditor", 0, &fx.auditor, NULL},
    {"gr.analyst", "analyst", 0, &fx.analyst, NULL},
};

static bool login_all(void)
{
    return qgt_people_login(&fx.env, people, sizeof people / sizeof people[0], PASSWORD);
}

static bool open_case(const char *body, char code[32])
{
    json_t *o = NULL;
    int status = send(&fx.sup_a, "POST", "/api/v1/cases", body, &o);
    if (status != 201) {
        char *text = json_dumps(o, JSON_COMPACT);
        fprintf(stderr, "opening a case: %d %s\n", status, text ? text : "");
        free(text);
        json_decref(o);
        return false;
    }
    snprintf(code, 32, "%s", str(o, "code"));
    json_decref(o);
    return true;
}

static int setup(void **state)
{
    (void)state;
    static const char *const limit[] = {"--emergency-grants-per-day", "2", NULL};
    if (!qgt_env_init(&fx.env))
        return -1;
    int64_t orgs[] = {qgt_org(&fx.env, "Grant NGO A", "ngo", "almaty"),
                      qgt_org(&fx.env, "Grant Police B", "police", "astana"),
                      qgt_org(&fx.env, "Grant School C", "education", "astana")};
    char iin[13], body[1024];
    qgt_make_iin(2012, 3, 4, 'F', 7, iin);
    snprintf(body, sizeof body,
             "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"personal\":{\"given_name\":\"Oydantap\","
             "\"family_name\":\"Serikova\",\"birth_date\":\"2012-03-04\",\"iin\":\"%s\","
             "\"languages\":[\"kk\"],\"address\":\"Testgulzz street 1\",\"phone\":\"+77010000000\","
             "\"relatives\":[{\"name\":\"Testgulzz Aunt\",\"relation\":\"aunt\"}],"
             "\"notes\":\"Testgulzz note\"}}",
             iin);
    if (orgs[0] < 0 || orgs[1] < 0 || orgs[2] < 0 ||
        !qgt_people_add(&fx.env, orgs, people, sizeof people / sizeof people[0], PASSWORD) ||
        !qgt_server_start(&fx.env, limit) || !login_all() || !open_case(body, fx.code) ||
        !open_case("{\"sex\":\"Masculine\"}", fx.code2) ||
        !open_case("{\"sex\":\"Masculine\"}", fx.code3))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

/* Who may ask, and the checks on the body. */
static void test_refusals(void **state)
{
    (void)state;
    char path[PATH_LEN], body[256];
    path_of(fx.code, "/break-glass", path);
    snprintf(body, sizeof body, "{\"reason\":\"%s\"}", REASON);
    expect(&fx.cm_b, "POST", path, body, 403, NULL, "role.not_allowed"); /* only supervisors */
    expect(&fx.analyst, "POST", path, body, 403, NULL, NULL);
    expect(&fx.auditor, "POST", path, body, 403, NULL, NULL);
    expect(&fx.sup_a, "POST", path, body, 409, "code", "grant.not_needed"); /* sees it */
    expect(&fx.sup_b, "POST", path, "{}", 400, "reason", "grant.reason_required");
    expect(&fx.sup_b, "POST", path, "{\"reason\":\"why\"}", 400, "reason", "grant.reason_too_short");
    expect(&fx.sup_b, "POST", path, "{\"reason\":\"because I must see it\",\"hours\":73}", 400,
           "hours", "number.out_of_range");
    expect(&fx.sup_b, "POST", path,
           "{\"reason\":\"because I must see it\",\"hours\":25,\"emergency\":true}", 400, "hours",
           "number.out_of_range");
    expect(&fx.sup_b, "POST", path, "{\"reason\":\"because I must see it\",\"emergency\":1}", 400,
           "emergency", "value.not_boolean");
    expect(&fx.sup_b, "POST", path, "{\"reason\":\"because I must see it\",\"Testgulzz\":1}", 400,
           "body", NULL);
    expect(&fx.sup_b, "POST", "/api/v1/cases/QG-0000-0000-0000-0/break-glass", body, 404, "code",
           NULL);
    expect(&fx.sup_b, "POST", "/api/v1/cases/nonsense/break-glass", body, 400, "code", NULL);
    expect(&fx.sup_b, "DELETE", path, NULL, 404, "code", "grant.not_found"); /* nothing to end */
    /* a code no case has answers as a hidden case does: withdrawing is no existence check */
    expect(&fx.sup_b, "DELETE", "/api/v1/cases/QG-0000-0000-0000-0/break-glass", NULL, 404, "code",
           "grant.not_found");
    expect(&fx.cm_a, "GET", "/api/v1/grant-requests", NULL, 403, NULL, "role.not_allowed");
    expect(&fx.sup_a, "POST", "/api/v1/grant-requests/x/approve", "{}", 404, "id", "grant.not_found");
    expect(&fx.sup_a, "POST", "/api/v1/grant-requests/999/approve", "{}", 404, "id",
           "grant.not_found");
    path_of(fx.code, "", path);
    expect(&fx.sup_b, "GET", path, NULL, 404, "code", NULL); /* none of that opened the case */
}

/* The emergency view of the case and of its personal part, and what stays hidden. */
static void assert_emergency_view(const qgt_session *s)
{
    char path[PATH_LEN];
    json_t *o = NULL;
    path_of(fx.code, "", path);
    assert_int_equal(send(s, "GET", path, NULL, &o), 200);
    assert_string_equal(str(o, "code"), fx.code);
    assert_string_equal(str(o, "sex"), "Feminine");
    assert_non_null(str(o, "stage"));
    assert_string_equal(str(json_object_get(o, "grant"), "scope"), "emergency");
    assert_string_equal(str(json_object_get(o, "case_org"), "name"), "Grant NGO A");
    assert_null(json_object_get(o, "region"));
    assert_null(json_object_get(o, "case_managers"));
    char *may = json_dumps(json_object_get(o, "may"), JSON_COMPACT);
    assert_string_equal(may, "[\"case.read\",\"personal.read\",\"case.break_glass_end\"]");
    free(may);
    json_decref(o);
    path_of(fx.code, "/personal", path);
    assert_int_equal(send(s, "GET", path, NULL, &o), 200);
    json_t *p = json_object_get(o, "personal");
    assert_string_equal(str(p, "given_name"), "Oydantap");
    assert_string_equal(str(p, "birth_date"), "2012-03-04");
    assert_non_null(json_object_get(p, "languages"));
    const char *hidden[] = {"iin", "address", "phone", "relatives", "notes"};
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
        if (json_object_get(p, hidden[i]))
            fail_msg("the emergency view shows %s", hidden[i]);
    json_decref(o);
    const char *parts[] = {"/stages", "/tasks", "/assessments", "/screenings", "/referrals",
                           "/interactions"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        path_of(fx.code, parts[i], path);
        expect(s, "GET", path, NULL, 404, NULL, NULL);
    }
    path_of(fx.code, "", path);
    expect(s, "PATCH", path, "{\"region\":\"astana\",\"version\":1}", 403, NULL,
           "grant.read_only");
    path_of(fx.code, "/personal", path);
    expect(s, "PUT", path, "{\"personal\":{\"given_name\":\"Other\"}}", 403, NULL, "grant.read_only");
}

/* Asked, nothing visible; approved with the default scope: only the emergency fields;
 * ended by the requester: hidden again. Who may decide. */
static void test_request_approve_emergency(void **state)
{
    (void)state;
    char path[PATH_LEN], grant[PATH_LEN], approve[PATH_LEN];
    path_of(fx.code, "", path);
    path_of(fx.code, "/break-glass", grant);
    json_int_t id = ask(&fx.sup_b, fx.code, false, "");
    expect(&fx.sup_b, "GET", path, NULL, 404, "code", NULL);
    char body[256];
    snprintf(body, sizeof body, "{\"reason\":\"%s\"}", REASON);
    expect(&fx.sup_b, "POST", grant, body, 409, "code", "grant.already_requested");
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup_a, "GET", "/api/v1/grant-requests", NULL, &o), 200);
    json_t *first = json_array_get(json_object_get(o, "to_decide"), 0);
    assert_int_equal(json_integer_value(json_object_get(first, "id")), id);
    assert_string_equal(str(json_object_get(first, "requested_by"), "login"), "gr.sup.b");
    assert_string_equal(str(json_object_get(json_object_get(first, "requested_by"), "org"), "name"),
                        "Grant Police B");
    json_decref(o);
    assert_int_equal(send(&fx.sup_a, "GET", "/api/v1/tasks", NULL, &o), 200);
    json_t *item = json_array_get(json_object_get(o, "grants"), 0);
    assert_string_equal(str(item, "kind"), "grant.decide");
    assert_int_equal(json_integer_value(json_object_get(item, "grant")), id);
    json_decref(o);
    decide_path(id, "approve", approve);
    expect(&fx.sup_c, "POST", approve, "{}", 404, "id", "grant.not_found"); /* another org */
    expect(&fx.cm_a, "POST", approve, "{}", 403, NULL, "role.not_allowed");
    expect(&fx.sup_b, "POST", approve, "{}", 403, NULL, "role.not_allowed"); /* their own */
    expect(&fx.sup_a, "POST", approve, "{\"scope\":\"all\"}", 400, "scope", "grant.scope");
    expect(&fx.sup_a, "POST", approve, "{\"hours\":25}", 400, "hours", "number.out_of_range");
    expect(&fx.sup_a, "POST", approve, "{\"Testgulzz\":1}", 400, "body", NULL);
    assert_int_equal(send(&fx.sup_a, "POST", approve, "{}", &o), 200);
    json_t *g = json_object_get(o, "grant");
    assert_string_equal(str(g, "state"), "active");
    assert_string_equal(str(g, "scope"), "emergency");
    assert_string_equal(str(json_object_get(g, "decided_by"), "login"), "gr.sup.a");
    json_decref(o);
    expect(&fx.sup_a2, "POST", approve, "{}", 409, "id", "grant.already_decided");
    assert_emergency_view(&fx.sup_b);
    expect(&fx.cm_b, "GET", path, NULL, 404, "code", NULL); /* the supervisor's alone */
    assert_int_equal(send(&fx.sup_b, "DELETE", grant, NULL, NULL), 204);
    expect(&fx.sup_b, "GET", path, NULL, 404, "code", NULL);
    expect(&fx.sup_b, "DELETE", grant, NULL, 404, "code", "grant.not_found");
}

/* Approved with scope full and fewer hours: the whole file, read-only. */
static void test_approve_full(void **state)
{
    (void)state;
    char path[PATH_LEN], approve[PATH_LEN];
    json_int_t id = ask(&fx.sup_b, fx.code, false, ",\"hours\":8");
    decide_path(id, "approve", approve);
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup_a2, "POST", approve,
                          "{\"scope\":\"full\",\"hours\":2,\"note\":\"Agreed by phone\"}", &o),
                     200);
    json_t *g = json_object_get(o, "grant");
    assert_string_equal(str(g, "scope"), "full");
    assert_int_equal(json_integer_value(json_object_get(g, "hours")), 2);
    assert_string_equal(str(g, "note"), "Agreed by phone");
    json_decref(o);
    path_of(fx.code, "", path);
    assert_int_equal(send(&fx.sup_b, "GET", path, NULL, &o), 200);
    assert_string_equal(str(o, "region"), "almaty");
    assert_string_equal(str(json_object_get(o, "grant"), "scope"), "full");
    json_decref(o);
    path_of(fx.code, "/personal", path);
    assert_int_equal(send(&fx.sup_b, "GET", path, NULL, &o), 200);
    assert_non_null(str(json_object_get(o, "personal"), "iin"));
    json_decref(o);
    path_of(fx.code, "/stages", path);
    assert_int_equal(send(&fx.sup_b, "GET", path, NULL, NULL), 200);
    path_of(fx.code, "/tasks", path);
    expect(&fx.sup_b, "POST", path, "{\"title\":\"Call\",\"due_on\":\"2030-01-01\"}", 403, NULL,
           "grant.read_only");
    path_of(fx.code, "/referrals", path);
    expect(&fx.sup_b, "POST", path,
           "{\"service\":\"education\",\"to_name\":\"Made-up school\",\"parts\":[\"profile\"]}",
           403, NULL, "grant.read_only");
    path_of(fx.code, "/withdraw", path);
    expect(&fx.sup_b, "POST", path, "{\"reason\":\"probe\"}", 404, NULL, NULL);
    path_of(fx.code, "/break-glass", path);
    assert_int_equal(send(&fx.sup_b, "DELETE", path, NULL, NULL), 204);
}

/* A refusal needs a note; a withdrawn request is gone from the list. */
static void test_refuse_and_withdraw(void **state)
{
    (void)state;
    char path[PATH_LEN], refuse[PATH_LEN];
    json_int_t id = ask(&fx.sup_b, fx.code, false, "");
    decide_path(id, "refuse", refuse);
    expect(&fx.sup_a, "POST", refuse, "{}", 400, "note", "grant.note_required");
    expect(&fx.sup_a, "POST", refuse, "{\"note\":\"no\"}", 400, "note", "grant.note_too_short");
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup_a, "POST", refuse, "{\"note\":\"Ask the police liaison\"}", &o),
                     200);
    assert_string_equal(str(json_object_get(o, "grant"), "state"), "refused");
    json_decref(o);
    path_of(fx.code, "", path);
    expect(&fx.sup_b, "GET", path, NULL, 404, "code", NULL);
    path_of(fx.code, "/break-glass", path);
    expect(&fx.sup_b, "DELETE", path, NULL, 404, "code", "grant.not_found");
    id = ask(&fx.sup_b, fx.code, false, "");
    assert_int_equal(send(&fx.sup_b, "DELETE", path, NULL, NULL), 204);
    assert_int_equal(send(&fx.sup_b, "GET", "/api/v1/grant-requests", NULL, &o), 200);
    json_t *mine = json_array_get(json_object_get(o, "mine"), 0);
    assert_int_equal(json_integer_value(json_object_get(mine, "id")), id);
    assert_string_equal(str(mine, "state"), "withdrawn");
    assert_int_equal(json_array_size(json_object_get(o, "to_decide")), 0);
    json_decref(o);
}

static json_int_t home_num(const qgt_session *s, const char *block, const char *key)
{
    json_t *o = NULL;
    assert_int_equal(send(s, "GET", "/api/v1/home", NULL, &o), 200);
    json_t *b = json_object_get(o, block);
    assert_non_null(b);
    json_int_t n = json_integer_value(json_object_get(b, key));
    json_decref(o);
    return n;
}

/* Emergency access at once; the holder's supervisors see it on the home page and in the
 * task list until one reviews it (and ends it). */
static void test_emergency_and_review(void **state)
{
    (void)state;
    char path[PATH_LEN], review[PATH_LEN];
    json_int_t id = ask(&fx.sup_b, fx.code, true, "");
    assert_emergency_view(&fx.sup_b);
    assert_int_equal(home_num(&fx.sup_a, "grant_requests", "to_review"), 1);
    assert_int_equal(home_num(&fx.sup_a2, "grant_requests", "to_review"), 1);
    assert_int_equal(home_num(&fx.sup_c, "grant_requests", "to_review"), 0);
    assert_int_equal(home_num(&fx.sup_b, "my_grants", "active"), 1);
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup_a2, "GET", "/api/v1/tasks", NULL, &o), 200);
    json_t *item = json_array_get(json_object_get(o, "grants"), 0);
    assert_string_equal(str(item, "kind"), "grant.review");
    assert_string_equal(str(item, "case"), fx.code);
    json_decref(o);
    path_of(fx.code, "/break-glass", path);
    expect(&fx.sup_b, "POST", path, "{\"reason\":\"because I must see it\",\"emergency\":true}",
           409, "code", "grant.not_needed");
    decide_path(id, "review", review);
    expect(&fx.sup_c, "POST", review, "{}", 404, "id", "grant.not_found");
    expect(&fx.sup_a, "POST", review, "{\"end\":\"yes\"}", 400, "end", "value.not_boolean");
    assert_int_equal(send(&fx.sup_a, "POST", review,
                          "{\"note\":\"Checked with the duty officer\",\"end\":true}", &o),
                     200);
    json_t *g = json_object_get(o, "grant");
    assert_string_equal(str(g, "state"), "ended");
    assert_string_equal(str(json_object_get(g, "reviewed_by"), "login"), "gr.sup.a");
    assert_string_equal(str(g, "review_note"), "Checked with the duty officer");
    json_decref(o);
    expect(&fx.sup_a2, "POST", review, "{}", 409, "id", "grant.already_reviewed");
    assert_int_equal(home_num(&fx.sup_a2, "grant_requests", "to_review"), 0);
    path_of(fx.code, "", path);
    expect(&fx.sup_b, "GET", path, NULL, 404, "code", NULL);
}

/* Two emergency accesses a day here (serve --emergency-grants-per-day 2): the third is
 * 429, while asking for approval still works. */
static void test_daily_limit(void **state)
{
    (void)state;
    char path[PATH_LEN], body[256];
    /* the session tells the request form the limit; a case manager, who may not ask, no */
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup_b, "GET", "/api/v1/session", NULL, &o), 200);
    assert_int_equal(json_integer_value(json_object_get(o, "emergency_grants_per_day")), 2);
    json_decref(o);
    assert_int_equal(send(&fx.cm_b, "GET", "/api/v1/session", NULL, &o), 200);
    assert_null(json_object_get(o, "emergency_grants_per_day"));
    json_decref(o);
    ask(&fx.sup_b, fx.code2, true, "");
    path_of(fx.code3, "/break-glass", path);
    snprintf(body, sizeof body, "{\"reason\":\"%s\",\"emergency\":true}", REASON);
    expect(&fx.sup_b, "POST", path, body, 429, "emergency", "grant.emergency_limit");
    ask(&fx.sup_b, fx.code3, false, "");
}

/* A request nobody decided within 72 hours expires (its deadline moved into the past). */
static void test_expiry(void **state)
{
    (void)state;
    qgt_sql(&fx.env,
            "UPDATE access_grants SET expires_at = expires_at - 73 * 3600 WHERE state = 'requested'");
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup_a, "GET", "/api/v1/grant-requests", NULL, &o), 200);
    assert_int_equal(json_array_size(json_object_get(o, "to_decide")), 0);
    json_decref(o);
    assert_int_equal(send(&fx.sup_b, "GET", "/api/v1/grant-requests", NULL, &o), 200);
    json_t *mine = json_array_get(json_object_get(o, "mine"), 0);
    assert_string_equal(str(mine, "case"), fx.code3);
    assert_string_equal(str(mine, "state"), "expired");
    char approve[PATH_LEN];
    decide_path(json_integer_value(json_object_get(mine, "id")), "approve", approve);
    json_decref(o);
    expect(&fx.sup_a, "POST", approve, "{}", 409, "id", "grant.already_decided");
    assert_int_equal(home_num(&fx.sup_a, "grant_requests", "to_decide"), 0);
}

static bool has_entry(json_t *entries, const char *action, const char *code)
{
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) {
        json_t *orgs = json_object_get(json_object_get(e, "detail"), "orgs");
        if (strcmp(str(e, "action"), action) == 0 && str(e, "object") &&
            strcmp(str(e, "object"), code) == 0 && json_array_size(orgs) == 2)
            return true;
    }
    return false;
}

/* The auditor's report and the audit entries of every step; nobody else reads it. */
static void test_report(void **state)
{
    (void)state;
    expect(&fx.sup_a, "GET", "/api/v1/access-grants", NULL, 403, NULL, "role.not_allowed");
    expect(&fx.analyst, "GET", "/api/v1/access-grants", NULL, 403, NULL, NULL);
    expect(&fx.auditor, "GET", "/api/v1/access-grants?limit=0", NULL, 400, "limit", NULL);
    json_t *o = NULL;
    assert_int_equal(send(&fx.auditor, "GET", "/api/v1/access-grants", NULL, &o), 200);
    json_t *grants = json_object_get(o, "grants"), *g;
    size_t i;
    bool full = false, reviewed = false;
    json_array_foreach(grants, i, g) {
        assert_string_equal(str(g, "user"), "gr.sup.b");
        assert_string_equal(str(g, "reason"), REASON);
        assert_non_null(str(g, "state"));
        assert_non_null(json_object_get(g, "emergency"));
        assert_non_null(json_object_get(g, "scope"));
        assert_non_null(json_object_get(g, "decided_by"));
        full |= str(g, "scope") && strcmp(str(g, "scope"), "full") == 0 &&
                strcmp(str(json_object_get(g, "decided_by"), "login"), "gr.sup.a2") == 0;
        reviewed |= json_is_object(json_object_get(g, "reviewed_by"));
    }
    assert_true(full && reviewed);
    json_decref(o);
    assert_int_equal(send(&fx.auditor, "GET", "/api/v1/audit?limit=500", NULL, &o), 200);
    json_t *entries = json_object_get(o, "entries");
    const char *steps[] = {"grant.request", "grant.approve", "grant.refuse", "grant.withdraw",
                           "case.break_glass", "grant.review", "case.break_glass_end"};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
        if (!has_entry(entries, steps[k], fx.code))
            fail_msg("no audit entry %s on the case with both organisations", steps[k]);
    if (!has_entry(entries, "grant.expire", fx.code3))
        fail_msg("no audit entry grant.expire");
    char *text = json_dumps(entries, JSON_COMPACT);
    assert_null(strstr(text, "Night call"));
    free(text);
    json_decref(o);
}

/* The daily limit holds across two servers on one PostgreSQL database. */
static void test_limit_two_servers(void **state)
{
    (void)state;
    const char *url = qgt_pg_url(); /* skips without $QORGAU_TEST_PG */
    qgt_pg_reset(url);
    qgt_env a, b;
    memset(&a, 0, sizeof a);
    snprintf(a.dir, sizeof a.dir, "/tmp/qgbbgr-XXXXXX");
    assert_non_null(mkdtemp(a.dir));
    snprintf(a.db, sizeof a.db, "%s", url);
    snprintf(a.key, sizeof a.key, "%s/qorgau.key", a.dir);
    snprintf(a.log, sizeof a.log, "%s/a.log", a.dir);
    b = a;
    snprintf(b.log, sizeof b.log, "%s/b.log", a.dir);
    setenv("QORGAU_KEY_FILE", a.key, 1);
    const char *init[] = {"init", NULL};
    assert_int_equal(qgt_cli(&a, true, NULL, NULL, NULL, init), 0);
    int64_t holder = qgt_org(&a, "PG Holder", "ngo", "almaty");
    int64_t asker = qgt_org(&a, "PG Asker", "police", "astana");
    assert_true(qgt_user(&a, holder, "pg.holder", "supervisor", PASSWORD) > 0);
    assert_true(qgt_user(&a, asker, "pg.asker", "supervisor", PASSWORD) > 0);
    assert_true(qgt_server_start(&a, NULL) && qgt_server_start(&b, NULL));
    qgt_session h, sa, sb;
    assert_int_equal(qgt_login(&a, "pg.holder", PASSWORD, &h), 201);
    assert_int_equal(qgt_login(&a, "pg.asker", PASSWORD, &sa), 201);
    assert_int_equal(qgt_login(&b, "pg.asker", PASSWORD, &sb), 201);
    char body[256], path[PATH_LEN];
    snprintf(body, sizeof body, "{\"reason\":\"%s\",\"emergency\":true}", REASON);
    for (int i = 0; i < 4; i++) { /* the default limit, 3: one through a, two through b */
        qgt_env *e = i == 1 || i == 2 ? &b : &a;
        const qgt_session *s = e == &b ? &sb : &sa;
        httpc_response *r = qgt_call(&a, &h, "POST", "/api/v1/cases", "{\"sex\":\"Masculine\"}");
        assert_int_equal(r->status, 201);
        json_t *o = json_loads(r->body, 0, NULL);
        snprintf(path, sizeof path, "/api/v1/cases/%s/break-glass", str(o, "code"));
        json_decref(o);
        httpc_response_free(r);
        r = qgt_call(e, s, "POST", path, body);
        assert_int_equal(r->status, i < 3 ? 201 : 429);
        httpc_response_free(r);
    }
    assert_int_equal(qgt_server_stop(&a), 0);
    assert_int_equal(qgt_server_stop(&b), 0);
    unlink(a.key);
    unsetenv("QORGAU_KEY_FILE");
    b.dir[0] = '\0';
    qgt_env_free(&a);
}

int main(void)
{
    qgt_main_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_request_approve_emergency),
        cmocka_unit_test(test_approve_full),
        cmocka_unit_test(test_refuse_and_withdraw),
        cmocka_unit_test(test_emergency_and_review),
        cmocka_unit_test(test_daily_limit),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_limit_two_servers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
