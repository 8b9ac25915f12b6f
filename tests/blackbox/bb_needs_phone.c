/*
 * bb_needs_phone.c — black-box tests, through the real binary and a real server, of two
 * things a case manager does on the web (issue 13): marking an urgent need that a
 * screening suggested as addressed (how, on which day, undone by reopening; every body
 * error naming its field; who may), and the sending organisation recording the answer a
 * recipient gave by phone (accepted or declined with a reason; refused with 409 "status"
 * once the recipient answered; hidden from everyone who may not act on the referral as
 * its sender; shown as recorded by the sender "by phone" to the sender and to a recipient
 * on Qorgau, in the referral, its history and both lists). Both are audited.
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
#include <unistd.h>

#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "needs-phone-test-password"
#define NOTE "Oydantap telefon habary"
#define PATH_LEN 256
#define BODY_LEN 1024

typedef struct {
    qgt_env env;
    qgt_session sup, cm, cm2, fr, admin, analyst, auditor, b_sup, b_cm;
    int64_t org_a, org_b;
    char code[32];
} fixture;

static fixture fx;

/* ---- helpers -------------------------------------------------------------------------- */

static int send(const qgt_session *s, const char *method, const char *path, const char *body,
                json_t **out)
{
    return qgt_send(&fx.env, s, method, path, body, out);
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void expect_error(const qgt_session *s, const char *method, const char *path,
                         const char *body, int status, const char *field)
{
    httpc_response *r = qgt_expect_error(&fx.env, s, method, path, body, status, field, NULL);
    httpc_response_free(r);
}

static void need_path(const char *need, char out[PATH_LEN])
{
    snprintf(out, PATH_LEN, "/api/v1/cases/%s/needs/%s/addressed", fx.code, need);
}

static void ref_path(const char *ref, const char *suffix, char out[PATH_LEN])
{
    snprintf(out, PATH_LEN, "/api/v1/referrals/%s%s", ref, suffix);
}

/* The need of the case's list with code need (borrowed from list), or NULL. */
static json_t *find_need(json_t *list, const char *need)
{
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(list, "needs"), i, n) {
        if (strcmp(str(n, "need"), need) == 0)
            return n;
    }
    return NULL;
}

/* Sends a referral of the fixture's case; its reference in ref. */
static void refer(const char *body, char ref[32])
{
    char path[PATH_LEN];
    json_t *o = NULL;
    qgt_case_path(fx.code, "/referrals", path, sizeof path);
    int status = send(&fx.cm, "POST", path, body, &o);
    if (status != 201)
        fail_msg("referral create: %d", status);
    snprintf(ref, 32, "%s", str(o, "ref"));
    json_decref(o);
}

/* The list item of direction ("in"/"out") as s sees it, with reference ref (a new
 * reference), or NULL. */
static json_t *listed(const qgt_session *s, const char *direction, const char *ref)
{
    char path[PATH_LEN];
    json_t *o = NULL, *found = NULL, *r;
    size_t i;
    snprintf(path, sizeof path, "/api/v1/referrals?direction=%s", direction);
    assert_int_equal(send(s, "GET", path, NULL, &o), 200);
    json_array_foreach(json_object_get(o, "referrals"), i, r) {
        if (strcmp(str(r, "ref"), ref) == 0)
            found = json_incref(r);
    }
    json_decref(o);
    return found;
}

static bool may_has(json_t *o, const char *action)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(o, "may"), i, a) {
        if (strcmp(json_string_value(a), action) == 0)
            return true;
    }
    return false;
}

/* ---- setup ------------------------------------------------------------------------------ */

static const qgt_person people[] = {
    {"np.a.sup", "supervisor", 0, &fx.sup, NULL},
    {"np.a.cm", "case_manager", 0, &fx.cm, NULL},
    {"np.a.cm2", "case_manager", 0, &fx.cm2, NULL},
    {"np.a.fr", "first_responder", 0, &fx.fr, NULL},
    {"np.admin", "admin", 0, &fx.admin, NULL},
    {"np.analyst", "analyst", 0, &fx.analyst, NULL},
    {"np.auditor", "auditor", 0, &fx.auditor, NULL},
    {"np.b.sup", "supervisor", 1, &fx.b_sup, NULL},
    {"np.b.cm", "case_manager", 1, &fx.b_cm, NULL},
};

static int setup(void **state)
{
    (void)state;
    if (!qgt_env_init(&fx.env))
        return -1;
    fx.org_a = qgt_org(&fx.env, "Needs Sender NGO", "ngo", "almaty");
    fx.org_b = qgt_org(&fx.env, "Needs Shelter", "ngo", "almaty");
    const int64_t orgs[] = {fx.org_a, fx.org_b};
    const size_t n = sizeof people / sizeof people[0];
    if (fx.org_a < 0 || fx.org_b < 0 || !qgt_people_add(&fx.env, orgs, people, n, PASSWORD) ||
        !qgt_server_start(&fx.env, NULL))
        return -1;
    return qgt_people_login(&fx.env, people, n, PASSWORD) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

/* ---- needs ------------------------------------------------------------------------------ */

/* The case manager opens a case and screens it: pregnancy suggests medical care and
 * nutrition, the language barrier an interpreter; all three are open. */
static void test_needs_suggested(void **state)
{
    (void)state;
    char path[PATH_LEN];
    json_t *o = NULL;
    assert_int_equal(send(&fx.cm, "POST", "/api/v1/cases", "{\"sex\":\"Feminine\",\"region\":\"almaty\"}", &o),
                     201);
    snprintf(fx.code, sizeof fx.code, "%s", str(o, "code"));
    json_decref(o);
    qgt_case_path(fx.code, "/screenings", path, sizeof path);
    assert_int_equal(send(&fx.cm, "POST", path,
                          "{\"instrument\":\"urgent-needs\",\"mode\":\"interviewer\",\"language\":\"kk\","
                          "\"answers\":{\"pregnancy\":\"yes\",\"language\":\"yes\"}}",
                          NULL),
                     201);
    qgt_case_path(fx.code, "/needs", path, sizeof path);
    assert_int_equal(send(&fx.cm, "GET", path, NULL, &o), 200);
    assert_int_equal(json_array_size(json_object_get(o, "needs")), 3);
    assert_int_equal(json_integer_value(json_object_get(o, "open")), 3);
    assert_int_equal(json_integer_value(json_object_get(o, "addressed")), 0);
    json_t *n = find_need(o, "interpreter");
    assert_non_null(n);
    assert_string_equal(str(n, "status"), "open");
    assert_true(json_is_null(json_object_get(n, "addressed")));
    json_decref(o);
    /* the case's "may" tells the page who may mark: whoever may update the case */
    qgt_case_path(fx.code, NULL, path, sizeof path);
    assert_int_equal(send(&fx.cm, "GET", path, NULL, &o), 200);
    assert_true(may_has(o, "case.update"));
    json_t *count = json_object_get(o, "needs_count");
    assert_int_equal(json_integer_value(json_object_get(count, "open")), 3);
    assert_int_equal(json_integer_value(json_object_get(count, "addressed")), 0);
    json_decref(o);
}

static void test_need_address_and_reopen(void **state)
{
    (void)state;
    char path[PATH_LEN], list[PATH_LEN], body[BODY_LEN], yesterday[11];
    json_t *o = NULL;
    qgt_date_from_today(-1, yesterday);
    need_path("medical_care", path);
    snprintf(body, sizeof body, "{\"how\":\"referral\",\"on\":\"%s\"}", yesterday);
    assert_int_equal(send(&fx.cm, "POST", path, body, &o), 200);
    assert_string_equal(str(o, "need"), "medical_care");
    assert_string_equal(str(o, "status"), "addressed");
    json_t *a = json_object_get(o, "addressed");
    assert_string_equal(str(a, "how"), "referral");
    assert_true(json_is_null(json_object_get(a, "reason")));
    assert_string_equal(str(a, "on"), yesterday);
    assert_string_equal(str(a, "by"), "np.a.cm");
    assert_non_null(str(a, "at"));
    json_decref(o);
    /* not needed after all, with its reason; today by default */
    need_path("nutrition", path);
    assert_int_equal(
        send(&fx.sup, "POST", path, "{\"how\":\"not_needed\",\"reason\":\"met_elsewhere\"}", &o), 200);
    assert_string_equal(str(json_object_get(o, "addressed"), "reason"), "met_elsewhere");
    assert_string_equal(str(json_object_get(o, "addressed"), "by"), "np.a.sup");
    json_decref(o);
    qgt_case_path(fx.code, "/needs", list, sizeof list);
    assert_int_equal(send(&fx.cm, "GET", list, NULL, &o), 200);
    assert_int_equal(json_integer_value(json_object_get(o, "open")), 1);
    assert_int_equal(json_integer_value(json_object_get(o, "addressed")), 2);
    assert_string_equal(str(find_need(o, "interpreter"), "status"), "open");
    assert_string_equal(str(find_need(o, "nutrition"), "status"), "addressed");
    json_decref(o);
    /* the case answer counts them too */
    char case_path[PATH_LEN];
    qgt_case_path(fx.code, NULL, case_path, sizeof case_path);
    assert_int_equal(send(&fx.cm, "GET", case_path, NULL, &o), 200);
    json_t *count = json_object_get(o, "needs_count");
    assert_int_equal(json_integer_value(json_object_get(count, "open")), 1);
    assert_int_equal(json_integer_value(json_object_get(count, "addressed")), 2);
    json_decref(o);
    /* marking again replaces how */
    need_path("medical_care", path);
    assert_int_equal(send(&fx.cm, "POST", path, "{\"how\":\"in_house\"}", &o), 200);
    assert_string_equal(str(json_object_get(o, "addressed"), "how"), "in_house");
    json_decref(o);
    /* undo: open again, twice is the same */
    assert_int_equal(send(&fx.cm, "DELETE", path, NULL, &o), 200);
    assert_string_equal(str(o, "status"), "open");
    assert_true(json_is_null(json_object_get(o, "addressed")));
    json_decref(o);
    assert_int_equal(send(&fx.cm, "DELETE", path, NULL, NULL), 200);
    assert_int_equal(send(&fx.cm, "GET", list, NULL, &o), 200);
    assert_int_equal(json_integer_value(json_object_get(o, "open")), 2);
    json_decref(o);
}

static void test_need_errors(void **state)
{
    (void)state;
    char path[PATH_LEN], body[BODY_LEN], tomorrow[11];
    need_path("medical_care", path);
    expect_error(&fx.cm, "POST", path, "{}", 400, "how");
    expect_error(&fx.cm, "POST", path, "{\"how\":\"magic\"}", 400, "how");
    expect_error(&fx.cm, "POST", path, "{\"how\":\"not_needed\"}", 400, "reason");
    expect_error(&fx.cm, "POST", path, "{\"how\":\"not_needed\",\"reason\":\"bored\"}", 400, "reason");
    expect_error(&fx.cm, "POST", path, "{\"how\":\"in_house\",\"reason\":\"met_elsewhere\"}", 400,
                 "reason");
    expect_error(&fx.cm, "POST", path, "{\"how\":\"in_house\",\"on\":\"31.12.2024\"}", 400, "on");
    qgt_date_from_today(1, tomorrow);
    snprintf(body, sizeof body, "{\"how\":\"in_house\",\"on\":\"%s\"}", tomorrow);
    expect_error(&fx.cm, "POST", path, body, 400, "on");
    expect_error(&fx.cm, "POST", path, "{\"how\":\"in_house\",\"who\":\"x\"}", 400, "body");
    expect_error(&fx.cm, "POST", path, "[1]", 400, "body");
    need_path("unicorns", path);
    expect_error(&fx.cm, "POST", path, "{\"how\":\"in_house\"}", 400, "need");
    need_path("food", path); /* a need no screening suggested for this case */
    expect_error(&fx.cm, "POST", path, "{\"how\":\"in_house\"}", 404, "need");
    expect_error(&fx.cm, "DELETE", path, NULL, 404, "need");
}

/* Every role: who may mark (and undo) and who gets 403, 404 or 401. */
static void test_need_access(void **state)
{
    (void)state;
    const struct {
        const qgt_session *s;
        int status;
    } who[] = {
        {&fx.sup, 200},     {&fx.cm, 200},      {&fx.cm2, 404},  {&fx.fr, 404},   {&fx.b_sup, 404},
        {&fx.b_cm, 404},    {&fx.admin, 403},   {&fx.analyst, 403}, {&fx.auditor, 403}, {NULL, 401},
    };
    char path[PATH_LEN];
    need_path("interpreter", path);
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        int got = send(who[i].s, "POST", path, "{\"how\":\"in_house\"}", NULL);
        if (got != who[i].status)
            fail_msg("POST as actor %zu: want %d, got %d", i, who[i].status, got);
        got = send(who[i].s, "DELETE", path, NULL, NULL);
        if (got != who[i].status)
            fail_msg("DELETE as actor %zu: want %d, got %d", i, who[i].status, got);
    }
}

/* ---- the answer given by phone ---------------------------------------------------------- */

static const char OFF_PLATFORM[] =
    "{\"service\":\"legal\",\"to_name\":\"Oydan Legal Aid\",\"parts\":[\"profile\"]}";

static void agreement(void)
{
    char body[BODY_LEN];
    snprintf(body, sizeof body,
             "{\"parties\": [%lld, %lld], \"kind\": \"data_sharing\", \"purpose\": \"Referring children.\","
             " \"data_shared\": [\"profile\", \"needs\"], \"protections\": \"Need to know.\","
             " \"permitted_users\": \"Case managers.\", \"complaints\": \"Write to the officer.\","
             " \"valid_from\": \"2020-01-01\", \"valid_to\": \"2099-12-31\"}",
             (long long)fx.org_a, (long long)fx.org_b);
    assert_int_equal(send(&fx.sup, "POST", "/api/v1/agreements", body, NULL), 201);
}

/* Off Qorgau: the sender records "accepted" by phone; the referral, its history and the
 * sender's list say so; the recipient can still report the outcome with a new sheet. */
static void test_phone_accept_off_platform(void **state)
{
    (void)state;
    char ref[32], path[PATH_LEN];
    json_t *o = NULL;
    refer(OFF_PLATFORM, ref);
    ref_path(ref, "", path);
    assert_int_equal(send(&fx.cm, "GET", path, NULL, &o), 200);
    assert_true(may_has(o, "referral.phone_answer"));
    assert_false(json_is_true(json_object_get(o, "by_phone")));
    json_decref(o);
    ref_path(ref, "/phone-answer", path);
    assert_int_equal(send(&fx.cm, "POST", path, "{\"answer\":\"accepted\",\"note\":\"" NOTE "\"}", &o),
                     200);
    assert_string_equal(str(o, "status"), "accepted");
    assert_true(json_is_true(json_object_get(o, "by_phone")));
    json_decref(o);
    ref_path(ref, "", path);
    assert_int_equal(send(&fx.cm, "GET", path, NULL, &o), 200);
    assert_string_equal(str(o, "status"), "accepted");
    assert_true(json_is_true(json_object_get(o, "by_phone")));
    assert_false(may_has(o, "referral.phone_answer"));
    assert_true(may_has(o, "referral.cancel"));
    json_t *events = json_object_get(o, "events"), *last = json_array_get(events, 1);
    assert_int_equal(json_array_size(events), 2);
    assert_string_equal(str(last, "to"), "accepted");
    assert_string_equal(str(last, "by"), "np.a.cm");
    assert_true(json_is_true(json_object_get(last, "by_phone")));
    assert_false(json_is_true(json_object_get(last, "via_code")));
    assert_string_equal(str(last, "note"), NOTE);
    assert_false(json_is_true(json_object_get(json_array_get(events, 0), "by_phone")));
    json_decref(o);
    json_t *item = listed(&fx.cm, "out", ref);
    assert_non_null(item);
    assert_true(json_is_true(json_object_get(item, "by_phone")));
    json_decref(item);
    /* the recipient answered already: a second phone answer is refused */
    ref_path(ref, "/phone-answer", path);
    expect_error(&fx.cm, "POST", path, "{\"answer\":\"declined\",\"reason\":\"no_capacity\"}", 409,
                 "status");
}

/* On Qorgau: a phone "declined" with its reason; the recipient sees that the sender
 * recorded it; a referral the recipient answered on Qorgau takes no phone answer. */
static void test_phone_decline_on_qorgau(void **state)
{
    (void)state;
    char ref[32], ref2[32], body[BODY_LEN], path[PATH_LEN];
    json_t *o = NULL;
    agreement();
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":%lld,\"parts\":[\"profile\"]}",
             (long long)fx.org_b);
    refer(body, ref);
    ref_path(ref, "/phone-answer", path);
    assert_int_equal(
        send(&fx.sup, "POST", path, "{\"answer\":\"declined\",\"reason\":\"no_capacity\",\"version\":1}", &o),
        200);
    assert_string_equal(str(o, "status"), "declined");
    json_decref(o);
    ref_path(ref, "", path);
    assert_int_equal(send(&fx.b_cm, "GET", path, NULL, &o), 200);
    assert_string_equal(str(o, "status"), "declined");
    assert_true(json_is_true(json_object_get(o, "by_phone")));
    assert_null(json_object_get(o, "events")); /* never the sender's users */
    json_decref(o);
    json_t *item = listed(&fx.b_sup, "in", ref);
    assert_non_null(item);
    assert_true(json_is_true(json_object_get(item, "by_phone")));
    json_decref(item);
    /* answered on Qorgau: the sender may not record another answer */
    refer(body, ref2);
    ref_path(ref2, "/accept", path);
    assert_int_equal(send(&fx.b_cm, "POST", path, "{}", NULL), 200);
    ref_path(ref2, "", path);
    assert_int_equal(send(&fx.cm, "GET", path, NULL, &o), 200);
    assert_false(json_is_true(json_object_get(o, "by_phone")));
    assert_false(may_has(o, "referral.phone_answer"));
    json_decref(o);
    item = listed(&fx.b_cm, "in", ref2);
    assert_false(json_is_true(json_object_get(item, "by_phone")));
    json_decref(item);
    ref_path(ref2, "/phone-answer", path);
    expect_error(&fx.cm, "POST", path, "{\"answer\":\"accepted\"}", 409, "status");
}

static void test_phone_errors_and_access(void **state)
{
    (void)state;
    char ref[32], cancelled[32], path[PATH_LEN];
    refer(OFF_PLATFORM, ref);
    ref_path(ref, "/phone-answer", path);
    expect_error(&fx.cm, "POST", path, "{}", 400, "answer");
    expect_error(&fx.cm, "POST", path, "{\"answer\":\"maybe\"}", 400, "answer");
    expect_error(&fx.cm, "POST", path, "{\"answer\":\"declined\"}", 400, "reason");
    expect_error(&fx.cm, "POST", path, "{\"answer\":\"declined\",\"reason\":\"bored\"}", 400, "reason");
    expect_error(&fx.cm, "POST", path, "{\"answer\":\"accepted\",\"reason\":\"no_capacity\"}", 400,
                 "reason");
    expect_error(&fx.cm, "POST", path, "{\"answer\":\"accepted\",\"when\":\"now\"}", 400, "body");
    expect_error(&fx.cm, "POST", path, "{\"answer\":\"accepted\",\"version\":99}", 409, "version");
    ref_path("RF-0000-0000-0000", "/phone-answer", path);
    expect_error(&fx.cm, "POST", path, "{\"answer\":\"accepted\"}", 404, "referral");
    ref_path("not-a-ref", "/phone-answer", path);
    expect_error(&fx.cm, "POST", path, "{\"answer\":\"accepted\"}", 404, "referral");
    /* cancelled: no answer to record */
    refer(OFF_PLATFORM, cancelled);
    ref_path(cancelled, "/cancel", path);
    assert_int_equal(send(&fx.cm, "POST", path, "{}", NULL), 200);
    ref_path(cancelled, "/phone-answer", path);
    expect_error(&fx.cm, "POST", path, "{\"answer\":\"accepted\"}", 409, "status");
    /* every role but the sending side's who may read the case: refused (nothing changes) */
    const struct {
        const qgt_session *s;
        int status;
        const char *field;
    } who[] = {
        {&fx.cm2, 404, "referral"},   {&fx.fr, 404, "referral"},   {&fx.b_sup, 404, "referral"},
        {&fx.b_cm, 404, "referral"},  {&fx.admin, 403, NULL},      {&fx.analyst, 403, NULL},
        {&fx.auditor, 403, NULL},     {NULL, 401, NULL},
    };
    ref_path(ref, "/phone-answer", path);
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++)
        expect_error(who[i].s, "POST", path, "{\"answer\":\"accepted\"}", who[i].status, who[i].field);
    /* the supervisor of the sending organisation may */
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup, "POST", path, "{\"answer\":\"accepted\"}", &o), 200);
    assert_string_equal(str(o, "status"), "accepted");
    json_decref(o);
}

/* ---- audit -------------------------------------------------------------------------------- */

static void test_audit(void **state)
{
    (void)state;
    json_t *o = NULL;
    assert_int_equal(send(&fx.auditor, "GET", "/api/v1/audit?limit=500", NULL, &o), 200);
    json_t *entries = json_object_get(o, "entries");
    const char *actions[] = {"need.address", "need.reopen", "referral.phone_answer"};
    for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
        if (!qgt_audit_has(entries, actions[i]))
            fail_msg("audit lacks %s", actions[i]);
    char *text = json_dumps(entries, JSON_COMPACT);
    assert_non_null(text);
    assert_null(strstr(text, NOTE)); /* the note stays sealed */
    assert_non_null(strstr(text, "\"by_phone\":true"));
    assert_non_null(strstr(text, "\"how\":\"not_needed\""));
    free(text);
    json_decref(o);
}

/* ---- the same statements on PostgreSQL ------------------------------------------------- */

static qgt_env pg;

/* Sends on the PostgreSQL server and expects status; the parsed body (caller frees). */
static json_t *pg_expect(const qgt_session *s, const char *method, const char *path,
                         const char *body, int status)
{
    httpc_response *r = qgt_call(&pg, s, method, path, body);
    assert_non_null(r);
    if (r->status != status)
        fail_msg("%s %s: want %d, got %d", method, path, status, r->status);
    json_t *o = r->body ? json_loads(r->body, 0, NULL) : NULL;
    httpc_response_free(r);
    return o;
}

static void pg_start(const char *url, char key[QGT_PATH], qgt_session *sup, qgt_session *b_cm,
                     int64_t *org_b)
{
    memset(&pg, 0, sizeof pg);
    snprintf(pg.dir, sizeof pg.dir, "/tmp/qgbbneeds-XXXXXX");
    assert_non_null(mkdtemp(pg.dir));
    snprintf(pg.db, sizeof pg.db, "%s", url);
    snprintf(key, QGT_PATH, "%s/qorgau.key", pg.dir);
    snprintf(pg.key, sizeof pg.key, "%s", key);
    snprintf(pg.log, sizeof pg.log, "%s/server.log", pg.dir);
    setenv("QORGAU_KEY_FILE", key, 1);
    const char *init[] = {"init", NULL};
    assert_int_equal(qgt_cli(&pg, true, NULL, NULL, NULL, init), 0);
    int64_t org_a = qgt_org(&pg, "PG Needs NGO", "ngo", "almaty");
    *org_b = qgt_org(&pg, "PG Needs Shelter", "ngo", "almaty");
    assert_true(org_a > 0 && *org_b > 0);
    assert_true(qgt_user(&pg, org_a, "pgn.sup", "supervisor", PASSWORD) > 0);
    assert_true(qgt_user(&pg, *org_b, "pgn.b.cm", "case_manager", PASSWORD) > 0);
    assert_true(qgt_server_start(&pg, NULL));
    assert_int_equal(qgt_login(&pg, "pgn.sup", PASSWORD, sup), 201);
    assert_int_equal(qgt_login(&pg, "pgn.b.cm", PASSWORD, b_cm), 201);
    char body[BODY_LEN];
    snprintf(body, sizeof body,
             "{\"parties\": [%lld, %lld], \"kind\": \"cooperation\", \"purpose\": \"p\","
             " \"data_shared\": [\"profile\"], \"protections\": \"p\", \"permitted_users\": \"u\","
             " \"complaints\": \"c\", \"valid_from\": \"2020-01-01\", \"valid_to\": \"2099-12-31\"}",
             (long long)org_a, (long long)*org_b);
    json_decref(pg_expect(sup, "POST", "/api/v1/agreements", body, 201));
}

/* Marking a need and reopening it, and a phone answer read back by both sides. */
static void test_on_postgres(void **state)
{
    (void)state;
    const char *url = qgt_pg_url();
    qgt_pg_reset(url);
    char key[QGT_PATH], path[PATH_LEN], body[BODY_LEN], code[32], ref[32];
    qgt_session sup, b_cm;
    int64_t org_b;
    pg_start(url, key, &sup, &b_cm, &org_b);
    json_t *o = pg_expect(&sup, "POST", "/api/v1/cases", "{\"sex\":\"Masculine\"}", 201);
    snprintf(code, sizeof code, "%s", str(o, "code"));
    json_decref(o);
    qgt_case_path(code, "/screenings", path, sizeof path);
    json_decref(pg_expect(&sup, "POST", path,
                          "{\"instrument\":\"urgent-needs\",\"mode\":\"interviewer\","
                          "\"language\":\"ru\",\"answers\":{\"language\":\"yes\"}}",
                          201));
    qgt_case_path(code, "/needs/interpreter/addressed", path, sizeof path);
    o = pg_expect(&sup, "POST", path, "{\"how\":\"not_needed\",\"reason\":\"child_declined\"}", 200);
    assert_string_equal(str(json_object_get(o, "addressed"), "by"), "pgn.sup");
    json_decref(o);
    qgt_case_path(code, NULL, path, sizeof path);
    o = pg_expect(&sup, "GET", path, NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "needs_count"), "addressed")), 1);
    json_decref(o);
    qgt_case_path(code, "/needs/interpreter/addressed", path, sizeof path);
    json_decref(pg_expect(&sup, "DELETE", path, NULL, 200));
    qgt_case_path(code, "/needs", path, sizeof path);
    o = pg_expect(&sup, "GET", path, NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(o, "open")), 1);
    json_decref(o);
    snprintf(body, sizeof body, "{\"service\":\"legal\",\"to_org\":%lld,\"parts\":[\"profile\"]}",
             (long long)org_b);
    qgt_case_path(code, "/referrals", path, sizeof path);
    o = pg_expect(&sup, "POST", path, body, 201);
    snprintf(ref, sizeof ref, "%s", str(o, "ref"));
    json_decref(o);
    snprintf(path, sizeof path, "/api/v1/referrals/%s/phone-answer", ref);
    json_decref(pg_expect(&sup, "POST", path, "{\"answer\":\"accepted\"}", 200));
    snprintf(path, sizeof path, "/api/v1/referrals/%s", ref);
    o = pg_expect(&sup, "GET", path, NULL, 200);
    assert_true(json_is_true(json_object_get(o, "by_phone")));
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(o, "events"), 1), "by_phone")));
    json_decref(o);
    o = pg_expect(&b_cm, "GET", path, NULL, 200);
    assert_true(json_is_true(json_object_get(o, "by_phone")));
    json_decref(o);
    o = pg_expect(&sup, "GET", "/api/v1/referrals?direction=out", NULL, 200);
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(o, "referrals"), 0), "by_phone")));
    json_decref(o);
    o = pg_expect(&b_cm, "GET", "/api/v1/referrals?direction=in", NULL, 200);
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(o, "referrals"), 0), "by_phone")));
    json_decref(o);
    assert_int_equal(qgt_server_stop(&pg), 0);
    unsetenv("QORGAU_KEY_FILE");
    unlink(key);
    qgt_env_free(&pg);
}

int main(void)
{
    qgt_main_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs_suggested),
        cmocka_unit_test(test_need_address_and_reopen),
        cmocka_unit_test(test_need_errors),
        cmocka_unit_test(test_need_access),
        cmocka_unit_test(test_phone_accept_off_platform),
        cmocka_unit_test(test_phone_decline_on_qorgau),
        cmocka_unit_test(test_phone_errors_and_access),
        cmocka_unit_test(test_audit),
        cmocka_unit_test(test_on_postgres),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
