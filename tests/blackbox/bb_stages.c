/*
 * bb_stages.c — black-box tests of a case's stages and profile through the real server:
 * the manual's stage rules (L2459–2501) move by move, including every refused kind of
 * move; closing with each reason and reopening; the history (who, when, from, to, why)
 * with sealed notes; roles; and the profile fields (L2683–2699) written at creation and
 * by PATCH, read back, cleared, and refused with the field named.
 *
 * The notes are made up. The canary below is searched for in the database file, the
 * server log and the audit trail at the end: it must be in none of them.
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

#define PASSWORD "stage-test-password"
#define CANARY "Oydantap qaytadan ashu sebebi"
#define PATH_LEN 256

typedef struct {
    qgt_env env;
    qgt_session sup, cm, fr, analyst, auditor, other_org;
} fixture;

static fixture fx;

/* ---- helpers ------------------------------------------------------------------- */

static int send(const qgt_session *s, const char *method, const char *path, const char *body,
                json_t **out)
{
    httpc_response *r = qgt_call(&fx.env, s, method, path, body);
    int status = r ? r->status : -1;
    if (out)
        *out = r ? json_loads(r->body, 0, NULL) : NULL;
    httpc_response_free(r);
    return status;
}

static void expect_error(const qgt_session *s, const char *method, const char *path,
                         const char *body, int status, const char *field)
{
    json_t *o = NULL;
    int got = send(s, method, path, body, &o);
    if (got != status)
        fail_msg("%s %s %s: want %d, got %d", method, path, body ? body : "", status, got);
    json_t *e = json_object_get(o, "error");
    assert_non_null(e);
    if (field)
        assert_string_equal(json_string_value(json_object_get(e, "field")), field);
    json_decref(o);
}

/* Opens a case as s with body; writes its code into code. */
static void new_case(const qgt_session *s, const char *body, char code[32])
{
    json_t *o = NULL;
    assert_int_equal(send(s, "POST", "/api/v1/cases", body, &o), 201);
    snprintf(code, 32, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
}

static void case_path(const char *code, const char *suffix, char out[PATH_LEN])
{
    qgt_case_path(code, suffix, out, PATH_LEN);
}

/* Moves the case to stage (with note, may be NULL); expects status. */
static void move(const qgt_session *s, const char *code, const char *stage, const char *note, int status,
                 const char *field)
{
    char path[PATH_LEN], body[512];
    case_path(code, "/stage", path);
    if (note)
        snprintf(body, sizeof body, "{\"stage\":\"%s\",\"note\":\"%s\"}", stage, note);
    else
        snprintf(body, sizeof body, "{\"stage\":\"%s\"}", stage);
    if (status == 200) {
        json_t *o = NULL;
        int got = send(s, "POST", path, body, &o);
        if (got != 200)
            fail_msg("move to %s: got %d", stage, got);
        assert_string_equal(json_string_value(json_object_get(o, "stage")), stage);
        json_decref(o);
    } else {
        expect_error(s, "POST", path, body, status, field);
    }
}

static json_t *history(const qgt_session *s, const char *code, bool notes)
{
    char path[PATH_LEN];
    case_path(code, notes ? "/stages?notes=1" : "/stages", path);
    json_t *o = NULL;
    assert_int_equal(send(s, "GET", path, NULL, &o), 200);
    return o;
}

static int setup(void **state)
{
    (void)state;
    const qgt_person people[] = {
        {"stg.sup", "supervisor", 0, &fx.sup, NULL},
        {"stg.cm", "case_manager", 0, &fx.cm, NULL},
        {"stg.fr", "first_responder", 0, &fx.fr, NULL},
        {"stg.analyst", "analyst", 0, &fx.analyst, NULL},
        {"stg.auditor", "auditor", 0, &fx.auditor, NULL},
        {"stg.other", "supervisor", 1, &fx.other_org, NULL},
    };
    const size_t n = sizeof people / sizeof people[0];
    if (!qgt_env_init(&fx.env))
        return -1;
    int64_t orgs[] = {qgt_org(&fx.env, "Stage NGO", "ngo", "almaty"),
                      qgt_org(&fx.env, "Stage Other NGO", "ngo", "astana")};
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

/* ---- stages -------------------------------------------------------------------- */

/* A case walks the stages forward, repeats 3-8 with a note, and is refused every
 * move the manual's order does not allow; refused moves leave no history entry. */
static void test_moves(void **state)
{
    (void)state;
    char code[32];
    new_case(&fx.cm, "{\"sex\":\"Feminine\"}", code);
    move(&fx.cm, code, "exit_assistance", NULL, 200, NULL);
    move(&fx.cm, code, "assessment", NULL, 200, NULL);
    move(&fx.cm, code, "safety_planning", "plan after the assessment", 200, NULL);
    move(&fx.cm, code, "monitoring", NULL, 200, NULL); /* skipping is allowed forward */
    /* refused: same stage, back to 1-2, closure by moving, unknown, repeat without why */
    move(&fx.cm, code, "monitoring", NULL, 409, "stage");
    move(&fx.cm, code, "identification", "try", 409, "stage");
    move(&fx.cm, code, "exit_assistance", "try", 409, "stage");
    move(&fx.cm, code, "closure", NULL, 400, "stage");
    move(&fx.cm, code, "Monitoring", NULL, 400, "stage");
    move(&fx.cm, code, "assessment", NULL, 400, "note");
    /* the repeat, with a why (L2493-2496) */
    move(&fx.cm, code, "assessment", "new risks after a phone call", 200, NULL);
    move(&fx.cm, code, "recovery", NULL, 200, NULL);
    move(&fx.cm, code, "referral", "a new service is needed", 200, NULL);
    /* bad bodies */
    char path[PATH_LEN];
    case_path(code, "/stage", path);
    expect_error(&fx.cm, "POST", path, "{}", 400, "stage");
    expect_error(&fx.cm, "POST", path, "{\"stage\":\"recovery\",\"Testgulzz\":1}", 400, "body");
    expect_error(&fx.cm, "POST", path, "{\"stage\":\"recovery\",\"note\":\"\"}", 400, "note");
    expect_error(&fx.cm, "POST", path, "{\"stage\":\"recovery\",\"note\":\"a\\u0001b\"}", 400, "note");
    expect_error(&fx.cm, "POST", path, "{\"stage\":\"recovery\",\"note\":7}", 400, "note");
    expect_error(&fx.cm, "POST", "/api/v1/cases/QG-0000/stage", "{\"stage\":\"recovery\"}", 400, "code");

    json_t *h = history(&fx.cm, code, false);
    assert_string_equal(json_string_value(json_object_get(h, "stage")), "referral");
    json_t *list = json_object_get(h, "history");
    const char *want_to[] = {"identification", "exit_assistance", "assessment", "safety_planning",
                             "monitoring", "assessment", "recovery", "referral"};
    assert_int_equal(json_array_size(list), 8);
    for (size_t i = 0; i < 8; i++) {
        json_t *e = json_array_get(list, i);
        assert_int_equal(json_integer_value(json_object_get(e, "n")), (json_int_t)i + 1);
        assert_string_equal(json_string_value(json_object_get(e, "to")), want_to[i]);
        assert_string_equal(json_string_value(json_object_get(e, "by")), "stg.cm");
        assert_non_null(json_string_value(json_object_get(e, "at")));
        assert_null(json_object_get(e, "note")); /* notes only when asked for */
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "event")), "open");
    assert_true(json_is_null(json_object_get(json_array_get(list, 0), "from")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 5), "from")), "monitoring");
    assert_true(json_is_true(json_object_get(json_array_get(list, 5), "has_note")));
    assert_false(json_is_true(json_object_get(json_array_get(list, 4), "has_note")));
    json_decref(h);
    /* with notes (personal data, audited) */
    h = history(&fx.cm, code, true);
    list = json_object_get(h, "history");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 5), "note")),
                        "new risks after a phone call");
    json_decref(h);
    /* the case itself shows the stage and its version moved on */
    char cpath[PATH_LEN];
    case_path(code, "", cpath);
    json_t *c = NULL;
    assert_int_equal(send(&fx.cm, "GET", cpath, NULL, &c), 200);
    assert_string_equal(json_string_value(json_object_get(c, "stage")), "referral");
    assert_int_equal(json_integer_value(json_object_get(c, "version")), 8);
    json_decref(c);
}

/* A case opened at a later stage starts its history there; never at closure. */
static void test_open_at_stage(void **state)
{
    (void)state;
    char code[32];
    new_case(&fx.sup, "{\"sex\":\"Feminine\",\"stage\":\"assessment\"}", code);
    json_t *h = history(&fx.sup, code, false);
    json_t *first = json_array_get(json_object_get(h, "history"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "to")), "assessment");
    assert_string_equal(json_string_value(json_object_get(first, "by")), "stg.sup");
    json_decref(h);
    expect_error(&fx.sup, "POST", "/api/v1/cases", "{\"stage\":\"closure\"}", 400, "stage");
}

/* Closing needs a listed reason ("other" needs a text); a closed case takes no move and
 * is reopened only with a why; the history shows it all. */
static void test_close_and_reopen(void **state)
{
    (void)state;
    char code[32], path[PATH_LEN], reopen[PATH_LEN];
    new_case(&fx.cm, "{\"sex\":\"Masculine\",\"stage\":\"assessment\"}", code);
    case_path(code, "/close", path);
    case_path(code, "/reopen", reopen);
    expect_error(&fx.cm, "POST", path, "{}", 400, "reason");
    expect_error(&fx.cm, "POST", path, "{\"reason\":\"bored\"}", 400, "reason");
    expect_error(&fx.cm, "POST", path, "{\"reason\":\"other\"}", 400, "note");
    expect_error(&fx.cm, "POST", path, "{\"reason\":\"recovered\",\"extra\":1}", 400, "body");
    expect_error(&fx.cm, "POST", reopen, "{\"note\":\"x\"}", 409, "status");
    /* a first responder never closes a case; an analyst never; another org never sees it */
    expect_error(&fx.fr, "POST", path, "{\"reason\":\"recovered\"}", 403, NULL);
    expect_error(&fx.analyst, "POST", path, "{\"reason\":\"recovered\"}", 403, NULL);
    expect_error(&fx.other_org, "POST", path, "{\"reason\":\"recovered\"}", 404, "code");

    json_t *o = NULL;
    char body[256];
    snprintf(body, sizeof body, "{\"reason\":\"other\",\"note\":\"%s\"}", CANARY);
    assert_int_equal(send(&fx.cm, "POST", path, body, &o), 200);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "closed");
    assert_string_equal(json_string_value(json_object_get(o, "stage")), "closure");
    assert_string_equal(json_string_value(json_object_get(o, "close_reason")), "other");
    assert_non_null(json_string_value(json_object_get(o, "closed_on")));
    json_decref(o);
    /* closed: no second close, no move */
    expect_error(&fx.cm, "POST", path, "{\"reason\":\"recovered\"}", 409, "status");
    move(&fx.cm, code, "referral", NULL, 409, "status");
    /* reopening needs a why and a working stage */
    expect_error(&fx.cm, "POST", reopen, "{}", 400, "note");
    expect_error(&fx.cm, "POST", reopen, "{\"note\":\"again\",\"stage\":\"closure\"}", 400, "stage");
    expect_error(&fx.cm, "POST", reopen, "{\"note\":\"again\",\"stage\":\"identification\"}", 400, "stage");
    expect_error(&fx.fr, "POST", reopen, "{\"note\":\"again\"}", 403, NULL);
    snprintf(body, sizeof body, "{\"note\":\"%s\",\"stage\":\"monitoring\"}", CANARY);
    assert_int_equal(send(&fx.cm, "POST", reopen, body, &o), 200);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "open");
    assert_string_equal(json_string_value(json_object_get(o, "stage")), "monitoring");
    assert_true(json_is_null(json_object_get(o, "close_reason")));
    assert_true(json_is_null(json_object_get(o, "closed_on")));
    json_t *list = json_object_get(o, "history");
    assert_int_equal(json_array_size(list), 3);
    json_t *closing = json_array_get(list, 1), *reopening = json_array_get(list, 2);
    assert_string_equal(json_string_value(json_object_get(closing, "event")), "close");
    assert_string_equal(json_string_value(json_object_get(closing, "reason")), "other");
    assert_string_equal(json_string_value(json_object_get(closing, "from")), "assessment");
    assert_string_equal(json_string_value(json_object_get(reopening, "event")), "reopen");
    assert_string_equal(json_string_value(json_object_get(reopening, "from")), "closure");
    json_decref(o);
    /* every listed reason closes; each close/reopen pair leaves two entries */
    const char *reasons[] = {"recovered", "transferred", "moved_or_lost", "not_trafficking", "turned_18", "died"};
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
        snprintf(body, sizeof body, "{\"reason\":\"%s\"}", reasons[i]);
        assert_int_equal(send(&fx.cm, "POST", path, body, NULL), 200);
        assert_int_equal(send(&fx.cm, "POST", reopen, "{\"note\":\"mistake\"}", NULL), 200);
    }
    json_t *h = history(&fx.cm, code, false);
    assert_int_equal(json_array_size(json_object_get(h, "history")), 3 + 2 * 6);
    json_decref(h);
}

/* Who may read the history, with and without notes. */
static void test_history_access(void **state)
{
    (void)state;
    char code[32], path[PATH_LEN];
    new_case(&fx.fr, "{\"sex\":\"Feminine\"}", code); /* opened by the first responder */
    case_path(code, "/stages", path);
    assert_int_equal(send(&fx.fr, "GET", path, NULL, NULL), 200);
    assert_int_equal(send(&fx.sup, "GET", path, NULL, NULL), 200);
    expect_error(&fx.cm, "GET", path, NULL, 404, "code"); /* not assigned */
    expect_error(&fx.other_org, "GET", path, NULL, 404, "code");
    expect_error(&fx.analyst, "GET", path, NULL, 403, NULL);
    expect_error(&fx.auditor, "GET", path, NULL, 403, NULL);
    case_path(code, "/stages?notes=2", path);
    expect_error(&fx.sup, "GET", path, NULL, 400, "notes");
    /* the first responder moves it forward but cannot close it */
    move(&fx.fr, code, "exit_assistance", NULL, 200, NULL);
}

/* ---- the profile ---------------------------------------------------------------- */

static void test_profile_round_trip(void **state)
{
    (void)state;
    char code[32], path[PATH_LEN];
    new_case(&fx.sup,
             "{\"sex\":\"Feminine\",\"age_at_identification\":15,\"external_ref\":\"NGO-17\","
             "\"exploitation_forms\":[\"forced_labour\",\"forced_criminality\"],\"exploitation_place\":\"RU\","
             "\"recruitment_method\":\"online_social_network\",\"exit_method\":\"law_enforcement\","
             "\"relation_to_trafficker\":\"friend_or_acquaintance\",\"cj_stage\":\"suspect\","
             "\"victim_status\":\"presumed\",\"status_decided_by\":\"police\",\"accompaniment\":\"unaccompanied\","
             "\"interpreter_needed\":true,\"interpreter_language\":\"uz\",\"non_punishment\":true,"
             "\"services_needed\":[\"shelter_24h\",\"legal\"],"
             "\"traffickers\":[{\"sex\":\"Masculine\",\"age_band\":\"30_44\",\"role\":\"recruiter\"}],"
             "\"route\":[{\"event\":\"recruitment\",\"place\":\"turkistan\",\"on\":\"2023-04\"},"
             "{\"event\":\"exploitation\",\"place\":\"RU\",\"on\":\"2023\"}]}",
             code);
    case_path(code, "", path);
    json_t *c = NULL;
    assert_int_equal(send(&fx.sup, "GET", path, NULL, &c), 200);
    assert_string_equal(json_string_value(json_object_get(c, "external_ref")), "NGO-17");
    assert_string_equal(json_string_value(json_object_get(c, "exploitation_place")), "RU");
    assert_string_equal(json_string_value(json_object_get(c, "cj_stage")), "suspect");
    assert_string_equal(json_string_value(json_object_get(c, "accompaniment")), "unaccompanied");
    assert_true(json_is_true(json_object_get(c, "non_punishment")));
    assert_true(json_is_true(json_object_get(c, "interpreter_needed")));
    json_t *forms = json_object_get(c, "exploitation_forms");
    assert_int_equal(json_array_size(forms), 2);
    assert_string_equal(json_string_value(json_array_get(forms, 0)), "forced_criminality");
    assert_int_equal(json_array_size(json_object_get(c, "services_needed")), 2);
    json_t *t = json_array_get(json_object_get(c, "traffickers"), 0);
    assert_string_equal(json_string_value(json_object_get(t, "role")), "recruiter");
    assert_null(json_object_get(t, "relation")); /* not given, not invented */
    json_t *route = json_object_get(c, "route");
    assert_int_equal(json_array_size(route), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(route, 0), "on")), "2023-04");
    json_decref(c);

    /* PATCH replaces a list, clears a field, leaves the rest */
    assert_int_equal(send(&fx.sup, "PATCH", path,
                          "{\"exploitation_forms\":[\"sexual_exploitation\"],\"cj_stage\":\"convicted\","
                          "\"traffickers\":[],\"interpreter_language\":null}",
                          &c),
                     200);
    assert_int_equal(json_array_size(json_object_get(c, "exploitation_forms")), 1);
    assert_int_equal(json_array_size(json_object_get(c, "traffickers")), 0);
    assert_int_equal(json_array_size(json_object_get(c, "route")), 2);
    assert_string_equal(json_string_value(json_object_get(c, "cj_stage")), "convicted");
    assert_true(json_is_null(json_object_get(c, "interpreter_language")));
    json_decref(c);
    /* the list of cases carries the coded fields but not the lists */
    assert_int_equal(send(&fx.sup, "GET", "/api/v1/cases?limit=1", NULL, &c), 200);
    json_t *row = json_array_get(json_object_get(c, "cases"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "cj_stage")), "convicted");
    assert_null(json_object_get(row, "traffickers"));
    json_decref(c);
    /* a closed case still takes corrections to its data (a conviction comes later) */
    char close[PATH_LEN];
    case_path(code, "/close", close);
    assert_int_equal(send(&fx.sup, "POST", close, "{\"reason\":\"recovered\"}", NULL), 200);
    assert_int_equal(send(&fx.sup, "PATCH", path, "{\"cj_stage\":\"acquitted\"}", NULL), 200);
}

static void test_profile_errors(void **state)
{
    (void)state;
    char code[32], path[PATH_LEN];
    new_case(&fx.sup, "{\"sex\":\"Feminine\",\"external_ref\":\"DUP-1\"}", code);
    case_path(code, "", path);
    const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"exploitation_forms\":[\"forced_labour\",\"forced_labour\"]}", "exploitation_forms[1]"},
        {"{\"exploitation_place\":\"Mars\"}", "exploitation_place"},
        {"{\"interpreter_language\":\"uz\"}", "interpreter_language"}, /* needs interpreter_needed */
        {"{\"status_decided_by\":\"police\"}", "status_decided_by"},   /* needs a victim_status */
        {"{\"traffickers\":[{\"role\":\"boss\"}]}", "traffickers[0].role"},
        {"{\"route\":[{\"event\":\"transit\"}]}", "route[0].place"},
        {"{\"close_reason\":\"recovered\"}", "close_reason"},
        {"{\"age_at_identification\":121}", "age_at_identification"},
        {"{\"non_punishment\":\"yes\"}", "non_punishment"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_error(&fx.sup, "PATCH", path, bad[i].body, 400, bad[i].field);
        expect_error(&fx.sup, "POST", "/api/v1/cases", bad[i].body, 400, bad[i].field);
    }
    /* an external reference is unique within an organisation */
    expect_error(&fx.sup, "POST", "/api/v1/cases", "{\"sex\":\"Feminine\",\"external_ref\":\"DUP-1\"}", 409, NULL);
    char other[32];
    new_case(&fx.other_org, "{\"sex\":\"Feminine\",\"external_ref\":\"DUP-1\"}", other); /* another organisation: fine */
    /* nothing changed by the refusals */
    json_t *c = NULL;
    assert_int_equal(send(&fx.sup, "GET", path, NULL, &c), 200);
    assert_int_equal(json_integer_value(json_object_get(c, "version")), 1);
    assert_int_equal(json_array_size(json_object_get(c, "exploitation_forms")), 0);
    json_decref(c);
}

/* ---- audit and privacy -------------------------------------------------------------- */

static void test_audit_and_canary(void **state)
{
    (void)state;
    httpc_response *r = qgt_call(&fx.env, &fx.auditor, "GET", "/api/v1/audit?limit=500", NULL);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_null(strstr(r->body, CANARY));
    json_t *o = json_loads(r->body, 0, NULL);
    httpc_response_free(r);
    json_t *entries = json_object_get(o, "entries");
    const char *actions[] = {"case.stage", "case.close", "case.reopen", "case.history_read", NULL};
    for (const char *const *a = actions; *a; a++) {
        if (!qgt_audit_has(entries, *a))
            fail_msg("no audit entry %s", *a);
    }
    json_decref(o);
    assert_int_equal(qgt_server_stop(&fx.env), 0);
    char wal[QGT_PATH + 8];
    snprintf(wal, sizeof wal, "%s-wal", fx.env.db);
    assert_false(qgt_file_contains(fx.env.db, CANARY));
    assert_false(qgt_file_contains(wal, CANARY));
    assert_false(qgt_file_contains(fx.env.log, CANARY));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moves),
        cmocka_unit_test(test_open_at_stage),
        cmocka_unit_test(test_close_and_reopen),
        cmocka_unit_test(test_history_access),
        cmocka_unit_test(test_profile_round_trip),
        cmocka_unit_test(test_profile_errors),
        cmocka_unit_test(test_audit_and_canary), /* last: stops the server */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
