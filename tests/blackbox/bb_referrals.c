/*
 * bb_referrals.c — black-box tests of referrals through the real binary and a real
 * server: three organisations (the sender, a receiver on Qorgau with an agreement, one
 * without); agreements and consents written into the database file with the sqlite3
 * tool while the server is stopped (their APIs are not part of this branch). Covers
 * the body checks (errors name the field and repeat nothing), the agreement rule and
 * the supervisor's emergency override, consent to sharing and its withdrawal, the full
 * state machine and the refused transitions, what the receiving organisation sees
 * (only what the referral carries, only while open), the overdue lists, the
 * off-platform sheet with its one-time reply codes (single use, replaced by a new
 * sheet, expiry, throttled guessing), the public reply page, and the audit trail.
 * Every response the receiving organisation or the public reply gets is checked for
 * canaries planted in every part of the case a referral must not carry.
 *
 * All names and texts are made up.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "referral-test-password"
#define GIVEN "Oydangul"
#define FAMILY "Tapqyzova"
#define PHONE "+7 701 555 0101"
#define NOTE "Oydantap habarlama alushyga"
#define VISIBLE_SUMMARY "Oydantap korinetin qorytyndy"
#define IF_THREATENED "Oydantap senim telefonyna qongyrau"
#define UNKNOWN_KEY "Oydantapkilt"
#define PATH_LEN 256
#define BODY_LEN 2048

/* Must never reach the receiving organisation or the public reply. */
static const char *const CANARIES[] = {
    "Mekenkanareyka",  "Kontaktkanareyka", "Tuyskanareyka",     "Eskertpekanareyka", "IS-KANAREYKA-5",
    "EXTKANAREYKA",    "Kezenkanareyka",   "Zhasyrkanareyka",   "Elementkanareyka",  "Qauipkanareyka",
    "Totenshekanareyka", "Triggerkanareyka", "\"cj_stage\"",     "convicted",         "\"traffickers\"",
    "friend_or_acquaintance", "\"route\"", "\"address\"",        "\"iin\"",           "\"contacts\"",
    "\"relatives\"",   "\"non_punishment\"", "\"external_ref\"", "\"events\"",        "rf.a.",
};

typedef struct {
    qgt_env env;
    qgt_session sup, cm, b_cm, b_sup, c_sup, b_analyst;
    int64_t org_a, org_b, org_c;
    char iin[13];
    char c1[32], c2[32]; /* c1: everything planted, consent for B; c2: no consent */
    char r_main[32], r_withdrawn[32], r_overdue[32];
} fixture;

static fixture fx;

/* ---- helpers -------------------------------------------------------------------------- */

static bool is_receiver(const qgt_session *s) { return s == NULL || s == &fx.b_cm || s == &fx.b_sup || s == &fx.c_sup; }

/* Fails when body holds a canary, the case codes or the IIN. */
static void no_canaries(const char *body, const char *what)
{
    for (size_t i = 0; i < sizeof CANARIES / sizeof *CANARIES; i++)
        if (strstr(body, CANARIES[i]))
            fail_msg("%s: canary %zu reached the recipient", what, i);
    if (strstr(body, fx.iin) || (fx.c1[0] && strstr(body, fx.c1)) || (fx.c2[0] && strstr(body, fx.c2)))
        fail_msg("%s: the IIN or a case code reached the recipient", what);
}

/* Sends a request; every answer to the receiving side is checked for canaries. */
static int send(const qgt_session *s, const char *method, const char *path, const char *body, json_t **out)
{
    httpc_response *r = qgt_call(&fx.env, s, method, path, body);
    int status = r ? r->status : -1;
    if (r && is_receiver(s))
        no_canaries(r->body, path);
    if (out)
        *out = r ? json_loads(r->body, 0, NULL) : NULL;
    httpc_response_free(r);
    return status;
}

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* Expects an error of status naming field, whose body repeats none of not_echoed. */
static void expect_error(const qgt_session *s, const char *method, const char *path, const char *body, int status,
                         const char *field, const char *not_echoed)
{
    httpc_response *r = qgt_expect_error(&fx.env, s, method, path, body, status, field, not_echoed);
    if (is_receiver(s))
        no_canaries(r->body, path);
    httpc_response_free(r);
}

static void case_path(const char *code, const char *suffix, char out[PATH_LEN])
{
    qgt_case_path(code, suffix, out, PATH_LEN);
}

static void ref_path(const char *ref, const char *suffix, char out[PATH_LEN])
{
    snprintf(out, PATH_LEN, "/api/v1/referrals/%s%s", ref, suffix);
}

/* Creates a referral of case code; returns its reference in ref (fails unless 201). */
static void refer(const qgt_session *s, const char *code, const char *body, char ref[32])
{
    char path[PATH_LEN];
    json_t *o = NULL;
    case_path(code, "/referrals", path);
    int status = send(s, "POST", path, body, &o);
    if (status != 201)
        fail_msg("referral create: %d", status);
    snprintf(ref, 32, "%s", str(o, "ref"));
    assert_int_equal(strncmp(ref, "RF-", 3), 0);
    assert_string_equal(str(o, "status"), "sent");
    json_decref(o);
}

/* Moves a referral; returns the new status's HTTP status and checks it when 200. */
static void act(const qgt_session *s, const char *ref, const char *action, const char *body, const char *want)
{
    char path[PATH_LEN], suffix[32];
    json_t *o = NULL;
    snprintf(suffix, sizeof suffix, "/%s", action);
    ref_path(ref, suffix, path);
    int status = send(s, "POST", path, body ? body : "{}", &o);
    if (status != 200)
        fail_msg("%s: want 200, got %d", action, status);
    assert_string_equal(str(o, "status"), want);
    json_decref(o);
}

static void sql(const char *statement)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"%s\"", fx.env.db, statement);
    assert_int_equal(system(cmd), 0);
}

static void restart(void) { assert_true(qgt_server_start(&fx.env, NULL)); }

/* ---- setup ------------------------------------------------------------------------------ */

static const qgt_person people[] = {
    {"rf.a.sup", "supervisor", 0, &fx.sup, NULL},
    {"rf.a.cm", "case_manager", 0, &fx.cm, NULL},
    {"rf.b.cm", "case_manager", 1, &fx.b_cm, NULL},
    {"rf.b.sup", "supervisor", 1, &fx.b_sup, NULL},
    {"rf.b.analyst", "analyst", 1, &fx.b_analyst, NULL},
    {"rf.c.sup", "supervisor", 2, &fx.c_sup, NULL},
};

static int setup(void **state)
{
    (void)state;
    if (system("command -v sqlite3 >/dev/null 2>&1") != 0 || !qgt_env_init(&fx.env))
        return -1;
    fx.org_a = qgt_org(&fx.env, "Referral Sender NGO", "ngo", "almaty");
    fx.org_b = qgt_org(&fx.env, "Referral Shelter", "ngo", "almaty");
    fx.org_c = qgt_org(&fx.env, "Referral Clinic Without Agreement", "ngo", "astana");
    const int64_t orgs[] = {fx.org_a, fx.org_b, fx.org_c};
    const size_t n = sizeof people / sizeof people[0];
    if (fx.org_a < 0 || fx.org_b < 0 || fx.org_c < 0 ||
        !qgt_people_add(&fx.env, orgs, people, n, PASSWORD) || !qgt_server_start(&fx.env, NULL))
        return -1;
    qgt_make_iin(2011, 6, 15, 'F', 7, fx.iin);
    return qgt_people_login(&fx.env, people, n, PASSWORD) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

/* c1 holds a canary in every place a referral must not carry; c2 is plain. */
static void test_cases(void **state)
{
    (void)state;
    char body[BODY_LEN], path[PATH_LEN];
    json_t *o = NULL;
    snprintf(body, sizeof body,
             "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"citizenship\":\"KZ\",\"cj_stage\":\"convicted\","
             "\"external_ref\":\"EXTKANAREYKA\",\"non_punishment\":true,\"services_needed\":[\"shelter_24h\"],"
             "\"exploitation_forms\":[\"sexual_exploitation\"],\"accompaniment\":\"unaccompanied\","
             "\"traffickers\":[{\"role\":\"sold\",\"relation\":\"friend_or_acquaintance\"}],"
             "\"route\":[{\"event\":\"transit\",\"place\":\"UZ\"}],"
             "\"personal\":{\"given_name\":\"" GIVEN "\",\"family_name\":\"" FAMILY "\",\"birth_date\":\"2011-06-15\","
             "\"iin\":\"%s\",\"address\":\"Mekenkanareyka 9\",\"phone\":\"" PHONE "\","
             "\"languages\":[\"kk\",\"ru\"],"
             "\"contacts\":[{\"name\":\"Kontaktkanareyka\",\"relation\":\"aunt\",\"phone\":\"+7 700 000 0001\"}],"
             "\"relatives\":[{\"name\":\"Tuyskanareyka\",\"relation\":\"brother\"}],"
             "\"notes\":\"Eskertpekanareyka\",\"criminal_case_number\":\"IS-KANAREYKA-5\"}}",
             fx.iin);
    assert_int_equal(send(&fx.cm, "POST", "/api/v1/cases", body, &o), 201);
    snprintf(fx.c1, sizeof fx.c1, "%s", str(o, "code"));
    json_decref(o);
    assert_int_equal(send(&fx.cm, "POST", "/api/v1/cases", "{\"sex\":\"Masculine\",\"region\":\"almaty\"}", &o), 201);
    snprintf(fx.c2, sizeof fx.c2, "%s", str(o, "code"));
    json_decref(o);
    case_path(fx.c1, "/stage", path);
    assert_int_equal(send(&fx.cm, "POST", path, "{\"stage\":\"assessment\",\"note\":\"Kezenkanareyka\"}", NULL), 200);
    /* the newest assessment is withheld: the older one goes */
    case_path(fx.c1, "/assessments", path);
    const char *elements = "\"elements\":{\"safety\":{\"level\":\"urgent\",\"notes\":\"Elementkanareyka\"},"
                           "\"trafficking_circumstances\":{\"level\":\"no_action\"},\"migration\":{\"level\":\"not_assessed\"},"
                           "\"basic_needs\":{\"level\":\"no_action\"},\"housing\":{\"level\":\"urgent\"},"
                           "\"strengths_resources\":{\"level\":\"no_action\"},\"health\":{\"level\":\"no_action\"},"
                           "\"risks\":{\"level\":\"needs_attention\"}}";
    snprintf(body, sizeof body, "{\"assessed_on\":\"2025-01-02\",%s,\"summary\":\"" VISIBLE_SUMMARY "\"}", elements);
    assert_int_equal(send(&fx.cm, "POST", path, body, NULL), 201);
    snprintf(body, sizeof body,
             "{\"assessed_on\":\"2025-02-02\",%s,\"summary\":\"Zhasyrkanareyka\",\"withheld_from_child\":true}",
             elements);
    assert_int_equal(send(&fx.cm, "POST", path, body, NULL), 201);
    char made[11], review[11];
    qgt_date_from_today(-3, made);
    qgt_date_from_today(30, review);
    snprintf(body, sizeof body,
             "{\"made_on\":\"%s\",\"review_on\":\"%s\",\"current_risks\":\"Qauipkanareyka\","
             "\"prevention\":\"Qauipkanareyka\",\"if_threatened\":\"" IF_THREATENED "\","
             "\"child_view\":\"Qauipkanareyka\",\"triggers\":\"Triggerkanareyka\","
             "\"options\":{\"escaped\":\"Qauipkanareyka\"},\"harm_channels\":{\"phone\":\"Qauipkanareyka\"}}",
             made, review);
    case_path(fx.c1, "/safety-plans", path);
    assert_int_equal(send(&fx.cm, "POST", path, body, NULL), 201);
    /* the agreement A-B covers every part; C has none; the child consents to sharing with B */
    assert_int_equal(qgt_server_stop(&fx.env), 0);
    snprintf(body, sizeof body,
             "INSERT INTO agreements (org_a, org_b, kind, purpose, data_shared, protections, permitted_users,"
             " complaints, valid_from, valid_to, created_at) VALUES (%lld, %lld, 'data_sharing', 'x',"
             " '[\\\"profile\\\",\\\"needs\\\",\\\"languages\\\",\\\"identity\\\",\\\"contact\\\",\\\"assessment\\\","
             "\\\"safety_plan\\\"]', 'x', 'x', 'x', '2000-01-01', '2099-12-31', '2024-01-01T00:00:00Z')",
             (long long)fx.org_b, (long long)fx.org_a);
    sql(body);
    snprintf(body, sizeof body,
             "INSERT INTO consents (case_id, n, purpose, org_id, given_by, given_on, recorded_at)"
             " SELECT id, 1, 'sharing', %lld, 'child', '2024-01-01', '2024-01-01T00:00:00Z' FROM cases"
             " WHERE code = '%s'",
             (long long)fx.org_b, fx.c1);
    sql(body);
    restart();
}

/* ---- creating ------------------------------------------------------------------------------ */

static void test_create_errors(void **state)
{
    (void)state;
    char path[PATH_LEN], body[BODY_LEN], past[11], far[11];
    case_path(fx.c1, "/referrals", path);
    qgt_date_from_today(-1, past);
    qgt_date_from_today(91, far);
    expect_error(&fx.cm, "POST", path, "{\"to_org\":2,\"parts\":[\"profile\"]}", 400, "service", NULL);
    expect_error(&fx.cm, "POST", path, "{\"service\":\"Oydantapqyzmet\",\"to_org\":2,\"parts\":[\"profile\"]}", 400,
                 "service", "Oydantapqyzmet");
    expect_error(&fx.cm, "POST", path, "{\"service\":\"legal\",\"parts\":[\"profile\"]}", 400, "to_org", NULL);
    expect_error(&fx.cm, "POST", path,
                 "{\"service\":\"legal\",\"to_org\":2,\"to_name\":\"School\",\"parts\":[\"profile\"]}", 400,
                 "to_name", NULL);
    expect_error(&fx.cm, "POST", path, "{\"service\":\"legal\",\"to_org\":\"two\",\"parts\":[\"profile\"]}", 400,
                 "to_org", "two");
    expect_error(&fx.cm, "POST", path, "{\"service\":\"legal\",\"to_org\":2,\"parts\":[]}", 400, "parts", NULL);
    expect_error(&fx.cm, "POST", path, "{\"service\":\"legal\",\"to_org\":2,\"parts\":[\"profile\",\"Oydanbolik\"]}",
                 400, "parts[1]", "Oydanbolik");
    expect_error(&fx.cm, "POST", path, "{\"service\":\"legal\",\"to_org\":2,\"parts\":[\"needs\",\"needs\"]}", 400,
                 "parts[1]", NULL);
    /* identity is not needed for food and clothing */
    expect_error(&fx.cm, "POST", path, "{\"service\":\"food_clothing\",\"to_org\":2,\"parts\":[\"needs\",\"identity\"]}",
                 400, "parts[1]", NULL);
    /* an off-platform sheet never carries personal data */
    expect_error(&fx.cm, "POST", path,
                 "{\"service\":\"education\",\"to_name\":\"School No. 12\",\"parts\":[\"profile\",\"contact\"]}", 400,
                 "parts[1]", NULL);
    expect_error(&fx.cm, "POST", path,
                 "{\"service\":\"education\",\"to_name\":\"School No. 12\",\"parts\":[\"assessment\"]}", 400,
                 "parts[0]", NULL);
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":2,\"parts\":[\"profile\"],\"respond_by\":\"%s\"}",
             past);
    expect_error(&fx.cm, "POST", path, body, 400, "respond_by", NULL);
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":2,\"parts\":[\"profile\"],\"respond_by\":\"%s\"}",
             far);
    expect_error(&fx.cm, "POST", path, body, 400, "respond_by", NULL);
    expect_error(&fx.cm, "POST", path,
                 "{\"service\":\"legal\",\"to_org\":2,\"parts\":[\"profile\"],\"" UNKNOWN_KEY "\":1}", 400, "body",
                 UNKNOWN_KEY);
    expect_error(&fx.cm, "POST", path, "{\"service\":\"legal\",\"to_org\":2,\"parts\":[\"profile\"],\"note\":\"\"}",
                 400, "note", NULL);
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":%lld,\"parts\":[\"profile\"]}", (long long)fx.org_a);
    expect_error(&fx.cm, "POST", path, body, 400, "to_org", NULL);
    expect_error(&fx.cm, "POST", path, "{\"service\":\"legal\",\"to_org\":999,\"parts\":[\"profile\"]}", 400,
                 "to_org", NULL);
    /* roles and cases */
    expect_error(&fx.b_analyst, "POST", path, "{\"service\":\"legal\",\"to_org\":2,\"parts\":[\"profile\"]}", 403,
                 "", NULL);
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":%lld,\"parts\":[\"profile\"]}", (long long)fx.org_c);
    expect_error(&fx.b_sup, "POST", path, body, 404, "code", NULL);
}

/* §2: a referral needs a valid agreement; a supervisor may override in an emergency. */
static void test_agreement_and_override(void **state)
{
    (void)state;
    char path[PATH_LEN], body[BODY_LEN], ref[32];
    json_t *o = NULL;
    case_path(fx.c1, "/referrals", path);
    snprintf(body, sizeof body, "{\"service\":\"medical\",\"to_org\":%lld,\"parts\":[\"profile\"]}",
             (long long)fx.org_c);
    expect_error(&fx.cm, "POST", path, body, 409, "agreement", NULL);
    snprintf(body, sizeof body,
             "{\"service\":\"medical\",\"to_org\":%lld,\"parts\":[\"profile\",\"needs\"],"
             "\"emergency_reason\":\"Totenshekanareyka\"}",
             (long long)fx.org_c);
    expect_error(&fx.cm, "POST", path, body, 403, "emergency_reason", "Totenshekanareyka");
    refer(&fx.sup, fx.c1, body, ref);
    ref_path(ref, "", path);
    assert_int_equal(send(&fx.sup, "GET", path, NULL, &o), 200);
    assert_true(json_is_true(json_object_get(o, "emergency")));
    assert_true(json_is_null(json_object_get(o, "agreement_id")));
    json_t *first = json_array_get(json_object_get(o, "events"), 0);
    assert_string_equal(str(first, "note"), "Totenshekanareyka"); /* the sender's side sees why */
    json_decref(o);
    /* the clinic sees it without the reason (canaries checked in send) */
    assert_int_equal(send(&fx.c_sup, "GET", path, NULL, &o), 200);
    assert_string_equal(str(o, "status"), "sent");
    assert_non_null(json_object_get(json_object_get(o, "contents"), "profile"));
    json_decref(o);
    /* identity to the clinic: no consent to sharing with it */
    snprintf(body, sizeof body,
             "{\"service\":\"medical\",\"to_org\":%lld,\"parts\":[\"profile\",\"identity\"],"
             "\"emergency_reason\":\"Totenshekanareyka\"}",
             (long long)fx.org_c);
    case_path(fx.c1, "/referrals", path);
    expect_error(&fx.sup, "POST", path, body, 409, "parts[1]", NULL);
}

/* The happy path, and what the receiving organisation sees on the way. */
static void test_full_path(void **state)
{
    (void)state;
    char path[PATH_LEN], body[BODY_LEN];
    json_t *o = NULL;
    snprintf(body, sizeof body,
             "{\"service\":\"shelter_24h\",\"to_org\":%lld,\"parts\":[\"profile\",\"needs\",\"languages\","
             "\"identity\",\"contact\",\"assessment\",\"safety_plan\"],\"note\":\"" NOTE "\"}",
             (long long)fx.org_b);
    refer(&fx.cm, fx.c1, body, fx.r_main);
    ref_path(fx.r_main, "", path);
    /* the receiver: exactly what it carries */
    assert_int_equal(send(&fx.b_cm, "GET", path, NULL, &o), 200);
    assert_string_equal(str(o, "from_org"), "Referral Sender NGO");
    assert_string_equal(str(o, "note"), NOTE);
    assert_null(json_object_get(o, "case"));
    json_t *c = json_object_get(o, "contents");
    assert_string_equal(str(json_object_get(c, "identity"), "given_name"), GIVEN);
    assert_string_equal(str(json_object_get(c, "identity"), "birth_date"), "2011-06-15");
    assert_string_equal(str(json_object_get(c, "contact"), "phone"), PHONE);
    assert_int_equal(json_object_size(json_object_get(c, "contact")), 1);
    assert_string_equal(str(json_object_get(c, "assessment"), "summary"), VISIBLE_SUMMARY);
    assert_string_equal(str(json_object_get(c, "safety_plan"), "if_threatened"), IF_THREATENED);
    assert_string_equal(str(json_object_get(c, "profile"), "accompaniment"), "unaccompanied");
    assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(c, "needs"),
                                                                          "services_needed"), 0)),
                        "shelter_24h");
    assert_int_equal(json_object_size(c), 7);
    json_decref(o);
    /* another organisation and wrong sides: as if it did not exist */
    expect_error(&fx.c_sup, "GET", path, NULL, 404, "referral", NULL);
    ref_path(fx.r_main, "/accept", path);
    expect_error(&fx.c_sup, "POST", path, "{}", 404, "referral", NULL);
    expect_error(&fx.cm, "POST", path, "{}", 404, "referral", NULL);
    expect_error(&fx.b_analyst, "POST", path, "{}", 403, "", NULL);
    ref_path(fx.r_main, "/cancel", path);
    expect_error(&fx.b_cm, "POST", path, "{}", 404, "referral", NULL);
    ref_path("RF-0000-0000-0000", "", path);
    expect_error(&fx.b_cm, "GET", path, NULL, 404, "referral", NULL);
    /* refused transitions */
    ref_path(fx.r_main, "/start", path);
    expect_error(&fx.b_cm, "POST", path, "{}", 409, "status", NULL);
    ref_path(fx.r_main, "/complete", path);
    expect_error(&fx.b_cm, "POST", path, "{}", 409, "status", NULL);
    ref_path(fx.r_main, "/accept", path);
    expect_error(&fx.b_cm, "POST", path, "{\"reason\":\"no_capacity\"}", 400, "reason", NULL);
    expect_error(&fx.b_cm, "POST", path, "{\"version\":7}", 409, "version", NULL);
    act(&fx.b_cm, fx.r_main, "accept", "{\"version\":1,\"note\":\"Oydantap qabyldadyq\"}", "accepted");
    expect_error(&fx.b_cm, "POST", path, "{}", 409, "status", NULL);
    act(&fx.b_sup, fx.r_main, "start", NULL, "in_service");
    /* still open: the receiver still sees the contents */
    ref_path(fx.r_main, "", path);
    assert_int_equal(send(&fx.b_sup, "GET", path, NULL, &o), 200);
    assert_non_null(json_object_get(json_object_get(o, "contents"), "identity"));
    json_decref(o);
    act(&fx.b_cm, fx.r_main, "complete", NULL, "completed");
    ref_path(fx.r_main, "/cancel", path);
    expect_error(&fx.cm, "POST", path, "{}", 409, "status", NULL);
    /* closed: ref, service and status only */
    ref_path(fx.r_main, "", path);
    assert_int_equal(send(&fx.b_cm, "GET", path, NULL, &o), 200);
    assert_string_equal(str(o, "status"), "completed");
    assert_int_equal(json_object_size(o), 3);
    json_decref(o);
    httpc_response *r = qgt_call(&fx.env, &fx.b_cm, "GET", path, NULL);
    assert_non_null(r);
    assert_null(strstr(r->body, GIVEN));
    assert_null(strstr(r->body, NOTE));
    httpc_response_free(r);
    /* the sender: all of it with its history */
    assert_int_equal(send(&fx.cm, "GET", path, NULL, &o), 200);
    assert_string_equal(str(o, "case"), fx.c1);
    assert_string_equal(str(o, "to_name"), "Referral Shelter");
    assert_int_equal(json_array_size(json_object_get(o, "events")), 4);
    assert_string_equal(str(json_array_get(json_object_get(o, "events"), 1), "note"), "Oydantap qabyldadyq");
    assert_string_equal(str(json_object_get(json_object_get(o, "contents"), "identity"), "given_name"), GIVEN);
    json_decref(o);
}

static void test_decline_not_complete_cancel(void **state)
{
    (void)state;
    char path[PATH_LEN], body[BODY_LEN], r1[32], r2[32], r3[32];
    json_t *o = NULL;
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":%lld,\"parts\":[\"profile\"]}",
             (long long)fx.org_b);
    refer(&fx.cm, fx.c1, body, r1);
    ref_path(r1, "/decline", path);
    expect_error(&fx.b_cm, "POST", path, "{}", 400, "reason", NULL);
    expect_error(&fx.b_cm, "POST", path, "{\"reason\":\"Oydansebep\"}", 400, "reason", "Oydansebep");
    act(&fx.b_cm, r1, "decline", "{\"reason\":\"no_capacity\"}", "declined");
    ref_path(r1, "", path);
    assert_int_equal(send(&fx.b_cm, "GET", path, NULL, &o), 200);
    assert_null(json_object_get(o, "contents"));
    json_decref(o);

    refer(&fx.cm, fx.c1, body, r2);
    act(&fx.b_cm, r2, "accept", NULL, "accepted");
    act(&fx.b_cm, r2, "start", "", "in_service");
    ref_path(r2, "/not-complete", path);
    expect_error(&fx.b_cm, "POST", path, "{}", 400, "reason", NULL);
    act(&fx.b_cm, r2, "not-complete", "{\"reason\":\"contact_lost\"}", "not_completed");

    refer(&fx.sup, fx.c1, body, r3);
    act(&fx.b_cm, r3, "accept", NULL, "accepted");
    act(&fx.cm, r3, "cancel", "{\"reason\":\"moved\"}", "cancelled");
    ref_path(r3, "/start", path);
    expect_error(&fx.b_cm, "POST", path, "{}", 409, "status", NULL);
    ref_path(r3, "/bogus", path);
    expect_error(&fx.cm, "POST", path, "{}", 404, "path", NULL);
    /* the case's list: every referral, no contents */
    case_path(fx.c1, "/referrals", path);
    assert_int_equal(send(&fx.cm, "GET", path, NULL, &o), 200);
    assert_true(json_array_size(json_object_get(o, "referrals")) >= 4);
    httpc_response *r = qgt_call(&fx.env, &fx.cm, "GET", path, NULL);
    assert_null(strstr(r->body, GIVEN));
    httpc_response_free(r);
    json_decref(o);
    expect_error(&fx.b_cm, "GET", path, NULL, 404, "code", NULL);
}

/* ---- consent withdrawn, overdue ------------------------------------------------------------ */

static bool listed(json_t *o, const char *ref)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(o, "referrals"), i, item) {
        if (strcmp(str(item, "ref"), ref) == 0)
            return true;
    }
    return false;
}

static void test_withdrawal_and_overdue(void **state)
{
    (void)state;
    char path[PATH_LEN], body[BODY_LEN];
    json_t *o = NULL;
    snprintf(body, sizeof body, "{\"service\":\"medical\",\"to_org\":%lld,\"parts\":[\"profile\",\"identity\"]}",
             (long long)fx.org_b);
    refer(&fx.cm, fx.c1, body, fx.r_withdrawn);
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":%lld,\"parts\":[\"needs\"]}", (long long)fx.org_b);
    refer(&fx.cm, fx.c1, body, fx.r_overdue);
    assert_int_equal(qgt_server_stop(&fx.env), 0);
    snprintf(body, sizeof body, "UPDATE consents SET withdrawn_on = '2025-01-01' WHERE org_id = %lld",
             (long long)fx.org_b);
    sql(body);
    snprintf(body, sizeof body, "UPDATE referrals SET respond_by = '2001-01-01' WHERE ref = '%s'", fx.r_overdue);
    sql(body);
    restart();
    /* §3: the open referral no longer shows personal data; no new one may carry it */
    ref_path(fx.r_withdrawn, "", path);
    assert_int_equal(send(&fx.b_cm, "GET", path, NULL, &o), 200);
    assert_true(json_is_true(json_object_get(json_object_get(o, "contents"), "withdrawn")));
    assert_null(json_object_get(json_object_get(o, "contents"), "identity"));
    json_decref(o);
    httpc_response *r = qgt_call(&fx.env, &fx.b_cm, "GET", path, NULL);
    assert_null(strstr(r->body, GIVEN));
    httpc_response_free(r);
    snprintf(body, sizeof body, "{\"service\":\"medical\",\"to_org\":%lld,\"parts\":[\"profile\",\"identity\"]}",
             (long long)fx.org_b);
    case_path(fx.c1, "/referrals", path);
    expect_error(&fx.cm, "POST", path, body, 409, "parts[1]", NULL);
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":%lld,\"parts\":[\"profile\"]}", (long long)fx.org_b);
    refer(&fx.cm, fx.c1, body, path);
    /* overdue, both ways */
    assert_int_equal(send(&fx.cm, "GET", "/api/v1/referrals?direction=out&overdue=1", NULL, &o), 200);
    assert_true(listed(o, fx.r_overdue));
    assert_false(listed(o, fx.r_withdrawn));
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(o, "referrals"), 0), "overdue")));
    json_decref(o);
    assert_int_equal(send(&fx.b_cm, "GET", "/api/v1/referrals?direction=in&overdue=1", NULL, &o), 200);
    assert_true(listed(o, fx.r_overdue));
    assert_false(listed(o, fx.r_main));
    json_decref(o);
    assert_int_equal(send(&fx.b_cm, "GET", "/api/v1/referrals?direction=in", NULL, &o), 200);
    assert_true(listed(o, fx.r_main)); /* closed: listed with ref, service, status only */
    json_decref(o);
    assert_int_equal(send(&fx.sup, "GET", "/api/v1/referrals?direction=out&status=completed", NULL, &o), 200);
    assert_true(listed(o, fx.r_main));
    assert_false(listed(o, fx.r_overdue));
    json_decref(o);
    assert_int_equal(send(&fx.c_sup, "GET", "/api/v1/referrals?direction=out", NULL, &o), 200);
    assert_int_equal(json_array_size(json_object_get(o, "referrals")), 0);
    json_decref(o);
    expect_error(&fx.cm, "GET", "/api/v1/referrals", NULL, 400, "direction", NULL);
    expect_error(&fx.cm, "GET", "/api/v1/referrals?direction=out&status=Oydan", NULL, 400, "status", "Oydan");
    expect_error(&fx.b_analyst, "GET", "/api/v1/referrals?direction=in", NULL, 403, "", NULL);
}

/* ---- the sheet and reply codes ------------------------------------------------------------------ */

/* Fetches a new sheet of ref and copies its reply code into code. */
static void sheet(const char *ref, char code[32])
{
    char path[PATH_LEN];
    ref_path(ref, "/sheet", path);
    httpc_response *r = qgt_call(&fx.env, &fx.cm, "GET", path, NULL);
    assert_non_null(r);
    if (r->status != 200)
        fail_msg("sheet: %d %s", r->status, r->body);
    assert_non_null(strstr(httpc_header(r, "Content-Type"), "text/html"));
    assert_string_equal(httpc_header(r, "Cache-Control"), "no-store");
    assert_null(strstr(r->body, "<script"));
    assert_non_null(strstr(r->body, ref));
    no_canaries(r->body, "sheet"); /* the sheet goes on paper to the recipient */
    assert_null(strstr(r->body, GIVEN));
    const char *p = strstr(r->body, "<strong>");
    assert_non_null(p);
    snprintf(code, 32, "%.19s", p + strlen("<strong>"));
    httpc_response_free(r);
}

static int reply(const char *code, const char *action, const char *reason, json_t **out)
{
    char body[BODY_LEN];
    if (reason)
        snprintf(body, sizeof body, "{\"code\":\"%s\",\"action\":\"%s\",\"reason\":\"%s\"}", code, action, reason);
    else
        snprintf(body, sizeof body, "{\"code\":\"%s\",\"action\":\"%s\"}", code, action);
    return send(NULL, "POST", "/api/v1/reply", body, out);
}

#define OFF_PLATFORM                                                                                  \
    "{\"service\":\"education\",\"to_name\":\"School No. 12 <b>\",\"parts\":[\"profile\",\"needs\"],"   \
    "\"note\":\"" NOTE " & <i>\"}"

static void test_sheet_and_codes(void **state)
{
    (void)state;
    char ref[32], ref2[32], ref3[32], code[32], code2[32], next[32], path[PATH_LEN];
    json_t *o = NULL;
    refer(&fx.cm, fx.c1, OFF_PLATFORM, ref);
    sheet(ref, code);
    ref_path(ref, "/sheet", path);
    httpc_response *r = qgt_call(&fx.env, &fx.cm, "GET", path, NULL);
    assert_non_null(strstr(r->body, "School No. 12 &lt;b&gt;")); /* escaped */
    assert_non_null(strstr(r->body, NOTE " &amp; &lt;i&gt;"));
    httpc_response_free(r);
    sheet(ref, code); /* the latest sheet's code is the one that works */
    /* the sheet: sender side only, off-platform only */
    expect_error(&fx.b_cm, "GET", path, NULL, 404, "referral", NULL);
    ref_path(fx.r_overdue, "/sheet", path);
    expect_error(&fx.cm, "GET", path, NULL, 409, "to_org", NULL);
    /* bad requests */
    assert_int_equal(reply(code, "start", NULL, NULL), 400);
    assert_int_equal(reply(code, "decline", NULL, NULL), 400);
    assert_int_equal(reply(code, "complete", NULL, NULL), 409); /* the code stays good */
    /* accept: only the reference and the status come back, and a code for the outcome */
    assert_int_equal(reply(code, "accept", NULL, &o), 200);
    assert_string_equal(str(o, "ref"), ref);
    assert_string_equal(str(o, "status"), "accepted");
    snprintf(next, sizeof next, "%s", str(o, "next_code"));
    assert_int_equal(strlen(next), 19);
    assert_int_equal(json_object_size(o), 3);
    json_decref(o);
    assert_int_equal(reply(code, "accept", NULL, &o), 404); /* used */
    assert_string_equal(str(json_object_get(o, "error"), "field"), "code");
    json_decref(o);
    assert_int_equal(reply(next, "complete", NULL, &o), 200);
    assert_string_equal(str(o, "status"), "completed");
    assert_null(json_object_get(o, "next_code"));
    json_decref(o);
    ref_path(ref, "", path);
    assert_int_equal(send(&fx.cm, "GET", path, NULL, &o), 200);
    json_t *events = json_object_get(o, "events");
    assert_int_equal(json_array_size(events), 4); /* sent, accepted, in_service, completed */
    assert_true(json_is_true(json_object_get(json_array_get(events, 3), "via_code")));
    json_decref(o);

    /* a new sheet invalidates the old code; decline with a reason */
    refer(&fx.cm, fx.c1, OFF_PLATFORM, ref2);
    sheet(ref2, code);
    sheet(ref2, code2);
    assert_int_equal(reply(code, "accept", NULL, NULL), 404);
    assert_int_equal(reply(code2, "decline", "no_capacity", &o), 200);
    assert_string_equal(str(o, "status"), "declined");
    json_decref(o);

    /* expired */
    refer(&fx.cm, fx.c1, OFF_PLATFORM, ref3);
    sheet(ref3, code);
    assert_int_equal(qgt_server_stop(&fx.env), 0);
    char stmt[512];
    snprintf(stmt, sizeof stmt,
             "UPDATE reply_codes SET expires_at = 1 WHERE referral_id = (SELECT id FROM referrals WHERE ref = '%s')",
             ref3);
    sql(stmt);
    restart();
    assert_int_equal(reply(code, "accept", NULL, NULL), 404);
    /* the sender cancels: a fresh sheet's code stops working at once */
    sheet(ref3, code);
    act(&fx.cm, ref3, "cancel", NULL, "cancelled");
    assert_int_equal(reply(code, "accept", NULL, NULL), 404);
    ref_path(ref3, "/sheet", path);
    expect_error(&fx.cm, "GET", path, NULL, 409, "status", NULL);
}

static bool has_text(const httpc_response *r, const char *text) { return r && strstr(r->body, text) != NULL; }

/* The public page: a plain form, and the answer through it. */
static void test_reply_page(void **state)
{
    (void)state;
    char ref[32], code[32], body[256];
    const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    httpc_response *r = httpc_do(fx.env.port, "GET", "/reply", NULL, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_true(has_text(r, "<form method=\"post\" action=\"/reply?lang=kk\">"));
    assert_false(has_text(r, "<script"));
    httpc_response_free(r);
    refer(&fx.sup, fx.c1, OFF_PLATFORM, ref);
    sheet(ref, code);
    snprintf(body, sizeof body, "code=%.4s+%.4s-%.4s%%2D%.4s&action=accept&reason=", code, code + 5, code + 10,
             code + 15);
    r = httpc_do(fx.env.port, "POST", "/reply", form, body, strlen(body));
    assert_non_null(r);
    if (r->status != 200)
        fail_msg("reply form: %d %s", r->status, r->body);
    assert_true(has_text(r, ref));
    assert_true(has_text(r, "Қабылданды")); /* no language asked: Kazakh */
    no_canaries(r->body, "reply page");
    assert_false(has_text(r, NOTE));
    httpc_response_free(r);
    r = httpc_do(fx.env.port, "POST", "/reply", form, body, strlen(body));
    assert_int_equal(r->status, 404);
    assert_false(has_text(r, code));
    httpc_response_free(r);
    r = httpc_do(fx.env.port, "POST", "/reply", NULL, "{\"code\":\"x\"}", 12);
    assert_int_equal(r->status, 400);
    httpc_response_free(r);
}

/* ---- the sheet and the reply page in Kazakh, Russian and English ------------------------------ */

/* What each language shows: <html lang>, a heading, labels of fields and codes. */
static const struct {
    const char *lang, *html, *sheet[8], *reply[4], *accepted;
} LANGS[] = {
    {"kk", "<html lang=\"kk\">",
     {"Жолдама парағы", "Жынысы", "Әйел", "Алматы", "Жыныстық қанау", "Қанау түрлері", "Білім беру",
      "Анықталған кездегі жасы"},
     {"Жолдамаға жауап", "Жолдама парағындағы код", "Қабылдау", "Жіберу"}, "Қабылданды"},
    {"ru", "<html lang=\"ru\">",
     {"Бланк направления", "Пол", "Женский", "Алматы", "Сексуальная эксплуатация", "Формы эксплуатации",
      "Образование", "Возраст при выявлении"},
     {"Ответ на направление", "Код с бланка направления", "Принять", "Отправить"}, "Принято"},
    {"en", "<html lang=\"en\">",
     {"Referral sheet", "Sex", "Female", "Almaty", "Sexual exploitation", "Forms of exploitation", "Education",
      "Age when identified"},
     {"Answer a referral", "Code from the referral sheet", "Accept", "Send"}, "Accepted"},
};

/* Field names and code values that must never show raw on the sheet. */
static const char *const RAW[] = {"age_at_identification", "interpreter_needed", "interpreter_language",
                                  "exploitation_forms", "services_needed", "urgent_needs", "accompaniment",
                                  "citizenship", ">sex<", ">region<", "Feminine", "almaty", ">KZ<",
                                  "sexual_exploitation", "unaccompanied", "shelter_24h", "education",
                                  ">profile<", ">needs<", "Case data (codes only) /"};

/* GETs path (with the session s, may be NULL) sending Accept-Language al (may be NULL). */
static httpc_response *get_lang(const qgt_session *s, const char *path, const char *al)
{
    char cookie[200], csrf[120], accept[120];
    const char *headers[4] = {NULL, NULL, NULL, NULL};
    int n = 0;
    if (s) {
        snprintf(cookie, sizeof cookie, "Cookie: %s", s->cookie);
        snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", s->csrf);
        headers[n++] = cookie;
        headers[n++] = csrf;
    }
    if (al) {
        snprintf(accept, sizeof accept, "Accept-Language: %s", al);
        headers[n++] = accept;
    }
    httpc_response *r = httpc_do(fx.env.port, "GET", path, headers, NULL, 0);
    assert_non_null(r);
    if (r->status != 200)
        fail_msg("GET %s: %d", path, r->status);
    return r;
}

/* True when body holds an ISO date (dddd-dd-dd). */
static bool has_iso_date(const char *body)
{
    for (const char *p = body; p[0]; p++)
        if (strlen(p) >= 10 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[3]) && p[4] == '-' &&
            isdigit((unsigned char)p[5]) && p[7] == '-' && isdigit((unsigned char)p[9]))
            return true;
    return false;
}

/* The sheet of ref in language i, asked for by ?lang= or by Accept-Language. */
static void check_sheet(const char *ref, size_t i, bool by_query, const char *respond_by)
{
    char path[PATH_LEN], suffix[32], al[64];
    snprintf(suffix, sizeof suffix, "/sheet?lang=%s", LANGS[i].lang);
    snprintf(al, sizeof al, "xx;q=1, %s;q=0.9, en;q=0.1", LANGS[i].lang);
    ref_path(ref, by_query ? suffix : "/sheet", path);
    httpc_response *r = get_lang(&fx.cm, path, by_query ? "ru, en" : al);
    if (!strstr(r->body, LANGS[i].html))
        fail_msg("sheet %s (%s): no %s", LANGS[i].lang, by_query ? "query" : "header", LANGS[i].html);
    for (size_t k = 0; k < 8; k++)
        if (!strstr(r->body, LANGS[i].sheet[k]))
            fail_msg("sheet %s: lacks label %zu", LANGS[i].lang, k);
    for (size_t k = 0; k < sizeof RAW / sizeof *RAW; k++)
        if (strstr(r->body, RAW[k]))
            fail_msg("sheet %s: shows raw %s", LANGS[i].lang, RAW[k]);
    assert_true(strstr(r->body, respond_by) != NULL); /* dd.mm.yyyy */
    assert_false(has_iso_date(r->body));
    assert_true(strstr(r->body, "href=\"/css/sheet.css\"") != NULL);
    assert_null(strstr(r->body, "style="));
    assert_null(strstr(r->body, "<script"));
    no_canaries(r->body, "sheet");
    assert_null(strstr(r->body, GIVEN));
    assert_null(strstr(r->body, PHONE));
    httpc_response_free(r);
}

static void test_sheet_languages(void **state)
{
    (void)state;
    char ref[32], path[PATH_LEN], want[16];
    json_t *o = NULL;
    refer(&fx.cm, fx.c1, OFF_PLATFORM, ref);
    ref_path(ref, "", path);
    assert_int_equal(send(&fx.cm, "GET", path, NULL, &o), 200);
    const char *iso = str(o, "respond_by");
    snprintf(want, sizeof want, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
    json_decref(o);
    for (size_t i = 0; i < sizeof LANGS / sizeof *LANGS; i++) {
        check_sheet(ref, i, true, want);
        check_sheet(ref, i, false, want);
    }
    /* no language asked, or an unknown one: Kazakh */
    ref_path(ref, "/sheet?lang=xx", path);
    httpc_response *r = get_lang(&fx.cm, path, NULL);
    assert_non_null(strstr(r->body, "<html lang=\"kk\">"));
    httpc_response_free(r);
    ref_path(ref, "/sheet", path);
    r = get_lang(&fx.cm, path, "de-DE, fr;q=0.8");
    assert_non_null(strstr(r->body, "<html lang=\"kk\">"));
    httpc_response_free(r);
    /* q-values decide, not the order: Russian 0.8 before English 0.5 */
    r = get_lang(&fx.cm, path, "en;q=0.5, ru-RU;q=0.8");
    assert_non_null(strstr(r->body, "<html lang=\"ru\">"));
    assert_non_null(strstr(r->body, "/reply?lang=ru")); /* the answer page in the sheet's language */
    httpc_response_free(r);
}

/* POSTs the reply form in language lang with body; returns the response. */
static httpc_response *post_reply(const char *lang, const char *body)
{
    char path[64];
    const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    snprintf(path, sizeof path, "/reply?lang=%s", lang);
    httpc_response *r = httpc_do(fx.env.port, "POST", path, form, body, strlen(body));
    assert_non_null(r);
    return r;
}

static void test_reply_page_languages(void **state)
{
    (void)state;
    char ref[32], code[32], body[256], path[64];
    for (size_t i = 0; i < sizeof LANGS / sizeof *LANGS; i++) {
        snprintf(path, sizeof path, "/reply?lang=%s", LANGS[i].lang);
        for (int by_query = 0; by_query < 2; by_query++) {
            httpc_response *r = get_lang(NULL, by_query ? path : "/reply", by_query ? "de" : LANGS[i].lang);
            assert_non_null(strstr(r->body, LANGS[i].html));
            for (size_t k = 0; k < 4; k++)
                if (!strstr(r->body, LANGS[i].reply[k]))
                    fail_msg("reply page %s: lacks text %zu", LANGS[i].lang, k);
            /* the three languages as links, the form answering in the page's language */
            assert_non_null(strstr(r->body, "href=\"/reply?lang=kk\""));
            assert_non_null(strstr(r->body, "href=\"/reply?lang=ru\""));
            assert_non_null(strstr(r->body, "href=\"/reply?lang=en\""));
            assert_non_null(strstr(r->body, "aria-current=\"page\""));
            char action[64];
            snprintf(action, sizeof action, "action=\"/reply?lang=%s\"", LANGS[i].lang);
            assert_non_null(strstr(r->body, action));
            assert_null(strstr(r->body, "style="));
            httpc_response_free(r);
        }
        /* an error page: a made-up code */
        httpc_response *r = post_reply(LANGS[i].lang, "code=ZZZZ-ZZZZ-ZZZZ-ZZZ1&action=accept&reason=");
        assert_int_equal(r->status, 404);
        assert_non_null(strstr(r->body, LANGS[i].html));
        assert_non_null(strstr(r->body, "role=\"alert\""));
        assert_null(strstr(r->body, "this code is not valid")); /* the core's English is not shown */
        httpc_response_free(r);
        /* a missing reason */
        r = post_reply(LANGS[i].lang, "code=ZZZZ-ZZZZ-ZZZZ-ZZZ1&action=decline&reason=");
        assert_int_equal(r->status, 400);
        assert_non_null(strstr(r->body, LANGS[i].html));
        httpc_response_free(r);
        /* accepted: the status's label in the page's language */
        refer(&fx.cm, fx.c1, OFF_PLATFORM, ref);
        sheet(ref, code);
        snprintf(body, sizeof body, "code=%s&action=accept&reason=", code);
        r = post_reply(LANGS[i].lang, body);
        if (r->status != 200)
            fail_msg("reply %s: %d", LANGS[i].lang, r->status);
        assert_non_null(strstr(r->body, LANGS[i].html));
        assert_non_null(strstr(r->body, LANGS[i].accepted));
        assert_non_null(strstr(r->body, ref));
        assert_null(strstr(r->body, ">accepted<"));
        no_canaries(r->body, "reply page");
        httpc_response_free(r);
    }
    httpc_response *r = get_lang(NULL, "/reply?lang=xx", NULL);
    assert_non_null(strstr(r->body, "<html lang=\"kk\">"));
    httpc_response_free(r);
}

/* Guessing codes is throttled per client address (10 failures within 15 minutes). */
static void test_guessing_throttled(void **state)
{
    (void)state;
    char ref[32], code[32];
    int status = 0, tries = 0;
    refer(&fx.cm, fx.c1, OFF_PLATFORM, ref);
    sheet(ref, code);
    while (tries++ < 20 && (status = reply("ZZZZ-ZZZZ-ZZZZ-ZZZZ", "accept", NULL, NULL)) == 404)
        ;
    assert_int_equal(status, 429);
    assert_true(tries <= 11);
    httpc_response *r = qgt_call(&fx.env, NULL, "POST", "/api/v1/reply", "{\"code\":\"ZZZZ-ZZZZ\",\"action\":\"accept\"}");
    assert_int_equal(r->status, 429);
    assert_non_null(httpc_header(r, "Retry-After"));
    httpc_response_free(r);
    /* even the right code waits */
    assert_int_equal(reply(code, "accept", NULL, NULL), 429);
}

/* ---- audit --------------------------------------------------------------------------------------- */

static void test_audit(void **state)
{
    (void)state;
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *const argv[] = {"audit", "list", "--limit", "500", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, argv), 0);
    const char *actions[] = {"\"referral.create\"", "\"referral.override\"", "\"referral.read\"",
                             "\"referral.accept\"", "\"referral.start\"",    "\"referral.complete\"",
                             "\"referral.decline\"", "\"referral.not_complete\"", "\"referral.cancel\"",
                             "\"referral.sheet\"",  "\"referral.reply\"",    "\"referral.reply_failed\"",
                             "\"referral.list\"",   "\"via_code\":true"};
    for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
        if (!strstr(out, actions[i]))
            fail_msg("audit lacks %s", actions[i]);
    const char *secrets[] = {GIVEN, NOTE, "Totenshekanareyka", "Oydantap qabyldadyq", PHONE};
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        if (strstr(out, secrets[i]))
            fail_msg("audit holds text %zu", i);
    const char *const verify[] = {"audit", "verify", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, verify), 0);
    assert_int_equal(qgt_server_stop(&fx.env), 0);
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
        assert_false(qgt_file_contains(fx.env.db, secrets[i]));
        assert_false(qgt_file_contains(fx.env.log, secrets[i]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_agreement_and_override),
        cmocka_unit_test(test_full_path),
        cmocka_unit_test(test_decline_not_complete_cancel),
        cmocka_unit_test(test_withdrawal_and_overdue),
        cmocka_unit_test(test_sheet_and_codes),
        cmocka_unit_test(test_reply_page),
        cmocka_unit_test(test_sheet_languages),
        cmocka_unit_test(test_reply_page_languages),
        cmocka_unit_test(test_guessing_throttled),
        cmocka_unit_test(test_audit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
