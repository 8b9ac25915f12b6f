/*
 * bb_forms.c — black-box tests of a case's forms through the real server: assessments,
 * safety plans, action plans and interactions created, listed, read and replaced;
 * version conflicts; a closed case that takes no form; the overdue safety-plan review;
 * goal owners checked against the case's organisation; who may do what (403 for roles
 * that never may, 404 for a case out of sight); every error naming its field. A made-up
 * canary text is written into every kind: it comes back from GET of one record only,
 * never in a list, an error, the audit trail, the server log or the database file.
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
#include <time.h>

#include "base/text.h"
#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "forms-test-password"
#define CANARY "Oydantap Testgul"
#define UNKNOWN_LOGIN "nobody.oydantap"
#define PATH_LEN 256
#define BODY_LEN 4096

enum { SUP, CM, CM2, FR, ANALYST, AUDITOR, OTHER_SUP, OTHER_CM, SESSIONS };

static const struct {
    const char *login, *role;
    bool other_org;
} people[SESSIONS] = {
    [SUP] = {"fm.sup", "supervisor", false},        [CM] = {"fm.cm", "case_manager", false},
    [CM2] = {"fm.cm2", "case_manager", false},      [FR] = {"fm.fr", "first_responder", false},
    [ANALYST] = {"fm.analyst", "analyst", false},   [AUDITOR] = {"fm.auditor", "auditor", false},
    [OTHER_SUP] = {"fo.sup", "supervisor", true},   [OTHER_CM] = {"fo.cm", "case_manager", true},
};

typedef struct {
    qgt_env env;
    qgt_session s[SESSIONS];
    char code[32];     /* opened by fm.cm (so assigned to fm.cm) */
    char fr_code[32];  /* opened by fm.fr, never handed over */
} fixture;

static fixture fx;

/* ---- helpers ------------------------------------------------------------------------ */

/* Sends a request; returns the status, the parsed body in *out and the raw body in raw
 * (RAW_LEN bytes) when they are not NULL. */
#define RAW_LEN 65536
static int send_raw(int who, const char *method, const char *path, const char *body, json_t **out, char *raw)
{
    httpc_response *r = qgt_call(&fx.env, who < 0 ? NULL : &fx.s[who], method, path, body);
    int status = r ? r->status : -1;
    if (out)
        *out = r ? json_loads(r->body, 0, NULL) : NULL;
    if (raw)
        snprintf(raw, RAW_LEN, "%s", r && r->body ? r->body : "");
    httpc_response_free(r);
    return status;
}

static int send(int who, const char *method, const char *path, const char *body, json_t **out)
{
    return send_raw(who, method, path, body, out, NULL);
}

/* Expects an error of status naming field, whose answer never holds secret (when
 * given) nor the canary. */
static void expect_error(int who, const char *method, const char *path, const char *body, int status,
                         const char *field, const char *secret)
{
    httpc_response *r = qgt_expect_error(&fx.env, who < 0 ? NULL : &fx.s[who], method, path, body,
                                         status, field, secret);
    assert_null(strstr(r->body, CANARY));
    httpc_response_free(r);
}

static void path_of(const char *code, const char *segment, int64_t n, char out[PATH_LEN])
{
    if (n)
        snprintf(out, PATH_LEN, "/api/v1/cases/%s/%s/%lld", code, segment, (long long)n);
    else
        snprintf(out, PATH_LEN, "/api/v1/cases/%s/%s", code, segment);
}

/* Opens a case as who; writes its code. */
static bool open_case(int who, char code[32])
{
    json_t *o = NULL;
    int status = send(who, "POST", "/api/v1/cases", "{\"sex\":\"Masculine\",\"region\":\"almaty\"}", &o);
    const char *c = json_string_value(json_object_get(o, "code"));
    if (c)
        snprintf(code, 32, "%s", c);
    json_decref(o);
    return status == 201 && c;
}

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }
static json_int_t num(json_t *o, const char *key) { return json_integer_value(json_object_get(o, key)); }

/* The stamp every record answer carries. */
static void expect_stamp(json_t *o, const char *created_by, const char *updated_by, json_int_t version)
{
    assert_string_equal(str(o, "created_by"), created_by);
    assert_string_equal(str(o, "updated_by"), updated_by);
    assert_non_null(str(o, "created_at"));
    assert_non_null(str(o, "updated_at"));
    assert_int_equal(num(o, "version"), version);
}

/* An assessment body: every element "no_action" except housing (urgent, with notes
 * holding the canary); extra is spliced in before the closing brace (may be ""). */
static void assessment_body(const char *extra, char out[BODY_LEN])
{
    snprintf(out, BODY_LEN,
             "{\"elements\":{\"safety\":{\"level\":\"needs_attention\"},"
             "\"trafficking_circumstances\":{\"level\":\"no_action\"},\"migration\":{\"level\":\"not_assessed\"},"
             "\"basic_needs\":{\"level\":\"no_action\"},\"housing\":{\"level\":\"urgent\",\"notes\":\"" CANARY
             " sleeps at a station\"},\"strengths_resources\":{\"level\":\"no_action\"},"
             "\"health\":{\"level\":\"no_action\"},\"risks\":{\"level\":\"needs_attention\"}},"
             "\"summary\":\"" CANARY " summary\"%s}",
             extra);
}

static void safety_body(int made, int review, const char *extra, char out[BODY_LEN])
{
    char made_on[11], review_on[11];
    qgt_date_from_today(made, made_on);
    qgt_date_from_today(review, review_on);
    snprintf(out, BODY_LEN,
             "{\"made_on\":\"%s\",\"review_on\":\"%s\",\"current_risks\":\"" CANARY " risk\","
             "\"prevention\":\"stays in the centre\",\"if_threatened\":\"call the hotline\","
             "\"child_view\":\"wants to call home\",\"triggers\":\"loud voices\","
             "\"options\":{\"rescued\":\"the centre\",\"escaped\":\"the police\"},"
             "\"harm_channels\":{\"phone\":\"new number\"}%s}",
             made_on, review_on, extra);
}

static void goals_body(const char *owner0, const char *owner1, const char *status, char out[BODY_LEN])
{
    char due[11];
    qgt_date_from_today(90, due);
    snprintf(out, BODY_LEN,
             "{\"made_on\":\"2025-03-01\",\"goals\":[{\"term\":\"short\",\"goal\":\"" CANARY " back to school\","
             "\"owner\":\"%s\",\"due_on\":\"%s\",\"status\":\"%s\"},"
             "{\"term\":\"long\",\"goal\":\"vocational training\",\"owner\":\"%s\",\"owner_note\":\"the college\","
             "\"due_on\":\"2030-09-01\"}]}",
             owner0, due, status, owner1);
}

#define INTERACTION_BODY \
    "{\"channel\":\"phone\",\"participants\":[\"child\",\"case_manager\"],\"summary\":\"" CANARY " called\"}"

/* A valid body of kind i: assessment, safety plan, action plan, interaction. */
static void valid_body(size_t i, char out[BODY_LEN])
{
    if (i == 0)
        assessment_body("", out);
    else if (i == 1)
        safety_body(0, 30, "", out);
    else if (i == 2)
        goals_body("fm.cm", "fm.sup", "planned", out);
    else
        snprintf(out, BODY_LEN, "%s", INTERACTION_BODY);
}

static int setup(void **state)
{
    (void)state;
    if (!qgt_env_init(&fx.env))
        return -1;
    int64_t org = qgt_org(&fx.env, "Forms NGO", "ngo", "almaty");
    int64_t other = qgt_org(&fx.env, "Forms Other NGO", "ngo", "astana");
    if (org < 0 || other < 0)
        return -1;
    for (int i = 0; i < SESSIONS; i++)
        if (qgt_user(&fx.env, people[i].other_org ? other : org, people[i].login, people[i].role, PASSWORD) < 0)
            return -1;
    if (qgt_user(&fx.env, org, "fm.gone", "case_manager", PASSWORD) < 0)
        return -1;
    const char *const disable[] = {"user", "disable", "--login", "fm.gone", NULL};
    if (qgt_cli(&fx.env, true, NULL, NULL, NULL, disable) != 0 || !qgt_server_start(&fx.env, NULL))
        return -1;
    for (int i = 0; i < SESSIONS; i++)
        if (qgt_login(&fx.env, people[i].login, PASSWORD, &fx.s[i]) != 201)
            return -1;
    return open_case(CM, fx.code) && open_case(FR, fx.fr_code) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

/* ---- assessments --------------------------------------------------------------------- */

static void test_assessment_create_list_get_update(void **state)
{
    (void)state;
    static char raw[RAW_LEN];
    char path[PATH_LEN], one[PATH_LEN], body[BODY_LEN];
    path_of(fx.code, "assessments", 0, path);
    path_of(fx.code, "assessments", 1, one);
    assessment_body(",\"assessed_on\":\"2025-04-02\"", body);
    json_t *o = NULL;
    assert_int_equal(send(CM, "POST", path, body, &o), 201);
    assert_int_equal(num(o, "n"), 1);
    assert_string_equal(str(o, "kind"), "assessment");
    assert_string_equal(str(o, "assessed_on"), "2025-04-02");
    json_t *housing = json_object_get(json_object_get(o, "elements"), "housing");
    assert_string_equal(str(housing, "level"), "urgent");
    assert_non_null(strstr(str(housing, "notes"), CANARY));
    assert_null(json_object_get(json_object_get(json_object_get(o, "elements"), "health"), "notes"));
    assert_int_equal(json_object_size(json_object_get(o, "elements")), 8);
    assert_false(json_is_true(json_object_get(o, "withheld_from_child")));
    expect_stamp(o, "fm.cm", "fm.cm", 1);
    json_decref(o);

    /* the list: codes and dates only */
    assert_int_equal(send_raw(SUP, "GET", path, NULL, &o, raw), 200);
    assert_null(strstr(raw, CANARY));
    assert_null(strstr(raw, "notes"));
    assert_null(strstr(raw, "summary"));
    json_t *e = json_array_get(json_object_get(o, "assessments"), 0);
    assert_int_equal(json_array_size(json_object_get(o, "assessments")), 1);
    assert_int_equal(num(e, "n"), 1);
    assert_string_equal(str(e, "on"), "2025-04-02");
    assert_true(json_is_null(json_object_get(e, "due_on")));
    assert_string_equal(str(json_object_get(e, "levels"), "housing"), "urgent");
    assert_string_equal(str(json_object_get(e, "levels"), "migration"), "not_assessed");
    assert_false(json_is_true(json_object_get(e, "withheld_from_child")));
    expect_stamp(e, "fm.cm", "fm.cm", 1);
    json_decref(o);

    /* one record, with its text */
    assert_int_equal(send_raw(SUP, "GET", one, NULL, &o, raw), 200);
    assert_non_null(strstr(raw, CANARY));
    assert_non_null(strstr(str(o, "summary"), CANARY));
    json_decref(o);

    /* replace it (the supervisor), withholding it from the child's copy */
    assessment_body(",\"assessed_on\":\"2025-04-03\",\"withheld_from_child\":true,\"version\":1", body);
    assert_int_equal(send(SUP, "PUT", one, body, &o), 200);
    assert_true(json_is_true(json_object_get(o, "withheld_from_child")));
    assert_string_equal(str(o, "assessed_on"), "2025-04-03");
    expect_stamp(o, "fm.cm", "fm.sup", 2);
    json_decref(o);
    /* the same version again: someone changed it meanwhile */
    expect_error(CM, "PUT", one, body, 409, "version", NULL);
    assessment_body(",\"version\":0", body);
    expect_error(CM, "PUT", one, body, 400, "version", NULL);
    assessment_body(",\"version\":\"2\"", body);
    expect_error(CM, "PUT", one, body, 400, "version", NULL);
    /* without a version: replaced as it is */
    assessment_body("", body);
    assert_int_equal(send(CM, "PUT", one, body, &o), 200);
    expect_stamp(o, "fm.cm", "fm.cm", 3);
    assert_false(json_is_true(json_object_get(o, "withheld_from_child")));
    json_decref(o);
    assert_int_equal(send(CM, "GET", path, NULL, &o), 200);
    e = json_array_get(json_object_get(o, "assessments"), 0);
    assert_int_equal(num(e, "version"), 3);
    assert_string_equal(str(e, "updated_by"), "fm.cm");
    json_decref(o);
}

static void test_assessment_numbers_and_errors(void **state)
{
    (void)state;
    char path[PATH_LEN], p[PATH_LEN], body[BODY_LEN];
    path_of(fx.code, "assessments", 0, path);
    assessment_body("", body);
    json_t *o = NULL;
    assert_int_equal(send(CM, "POST", path, body, &o), 201);
    assert_int_equal(num(o, "n"), 2);
    json_decref(o);
    const char *missing[] = {"3", "0", "abc", "-1", "1x", "+1", "99999999999"};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", path, missing[i]);
        expect_error(CM, "GET", p, NULL, 404, "n", NULL);
        expect_error(CM, "PUT", p, body, 404, "n", NULL);
    }
    /* a field of an element, an element left out, an unknown key (never repeated) */
    expect_error(CM, "POST", path,
                 "{\"elements\":{\"safety\":{\"level\":\"urgent\"}}}", 400, "elements.trafficking_circumstances", NULL);
    assessment_body(",\"Oydantapname\":1", body);
    expect_error(CM, "POST", path, body, 400, "body", "Oydantapname");
    snprintf(body, sizeof body,
             "{\"elements\":{\"safety\":{\"level\":\"urgent\",\"Oydantapkey\":\"x\"}}}");
    expect_error(CM, "POST", path, body, 400, "elements.safety", "Oydantapkey");
    assessment_body(",\"assessed_on\":\"2999-01-01\"", body);
    expect_error(CM, "POST", path, body, 400, "assessed_on", NULL);
    expect_error(CM, "POST", path, "[1]", 400, "body", NULL);
    expect_error(CM, "POST", path, "{\"elements\":", 400, "body", NULL);
    /* the case code: malformed is 400, unknown is 404 */
    expect_error(CM, "GET", "/api/v1/cases/QG-0000/assessments", NULL, 400, "code", NULL);
    expect_error(CM, "GET", "/api/v1/cases/QG-0000-0000-0000-1/assessments", NULL, 400, "code", NULL);
    expect_error(CM, "GET", "/api/v1/cases/QG-0000-0000-0000-0/assessments", NULL, 404, "code", NULL);
    expect_error(CM, "DELETE", path, NULL, 405, "method", NULL);
    assert_int_equal(send(-1, "GET", path, NULL, NULL), 401);
    /* the refusals stored nothing */
    assert_int_equal(send(CM, "GET", path, NULL, &o), 200);
    assert_int_equal(json_array_size(json_object_get(o, "assessments")), 2);
    json_decref(o);
}

/* ---- safety plans ----------------------------------------------------------------------- */

static void test_safety_plan_and_overdue_review(void **state)
{
    (void)state;
    static char raw[RAW_LEN];
    char code[32], path[PATH_LEN], one[PATH_LEN], body[BODY_LEN], made[11], review[11];
    assert_true(open_case(CM, code));
    path_of(code, "safety-plans", 0, path);
    path_of(code, "safety-plans", 1, one);
    /* made 40 days ago, to be reviewed 10 days ago: overdue */
    safety_body(-40, -10, "", body);
    qgt_date_from_today(-40, made);
    qgt_date_from_today(-10, review);
    json_t *o = NULL;
    assert_int_equal(send(CM, "POST", path, body, &o), 201);
    assert_string_equal(str(o, "kind"), "safety_plan");
    assert_string_equal(str(o, "made_on"), made);
    assert_string_equal(str(o, "review_on"), review);
    assert_non_null(strstr(str(o, "current_risks"), CANARY));
    assert_string_equal(str(json_object_get(o, "options"), "rescued"), "the centre");
    assert_string_equal(str(json_object_get(o, "harm_channels"), "phone"), "new number");
    assert_string_equal(str(o, "triggers"), "loud voices");
    json_decref(o);
    assert_int_equal(send_raw(CM, "GET", path, NULL, &o, raw), 200);
    assert_null(strstr(raw, CANARY));
    assert_null(strstr(raw, "the centre"));
    json_t *list = json_object_get(o, "safety_plans"), *e = json_array_get(list, 0);
    assert_string_equal(str(e, "on"), made);
    assert_string_equal(str(e, "due_on"), review);
    assert_true(json_is_true(json_object_get(e, "review_overdue")));
    assert_int_equal(json_array_size(json_object_get(e, "situations")), 2);
    assert_string_equal(json_string_value(json_array_get(json_object_get(e, "situations"), 0)), "escaped");
    assert_string_equal(json_string_value(json_array_get(json_object_get(e, "harm_channels"), 0)), "phone");
    json_decref(o);
    /* the plan is reviewed: a new plan, made today, to be reviewed in 30 days */
    safety_body(0, 30, "", body);
    assert_int_equal(send(CM, "POST", path, body, &o), 201);
    assert_int_equal(num(o, "n"), 2);
    json_decref(o);
    assert_int_equal(send(CM, "GET", path, NULL, &o), 200);
    list = json_object_get(o, "safety_plans");
    assert_int_equal(json_array_size(list), 2);
    assert_false(json_is_true(json_object_get(json_array_get(list, 0), "review_overdue")));
    assert_false(json_is_true(json_object_get(json_array_get(list, 1), "review_overdue")));
    assert_true(json_is_false(json_object_get(json_array_get(list, 1), "review_overdue")));
    json_decref(o);
    /* dates: review before the plan, more than 366 days after it, or missing; a plan
     * made in the future */
    safety_body(-5, -6, "", body);
    expect_error(CM, "POST", path, body, 400, "review_on", NULL);
    safety_body(-5, 362, "", body);
    expect_error(CM, "POST", path, body, 400, "review_on", NULL);
    safety_body(1, 30, "", body);
    expect_error(CM, "POST", path, body, 400, "made_on", NULL);
    expect_error(CM, "POST", path, "{\"current_risks\":\"x\"}", 400, "review_on", NULL);
    safety_body(0, 30, ",\"child_view\":\"\"", body);
    expect_error(CM, "POST", path, body, 400, "body", NULL); /* a key twice: the parser refuses */
    expect_error(CM, "PUT", one, "{\"review_on\":\"2025-01-01\",\"made_on\":\"2025-01-01\",\"current_risks\":\"a\","
                 "\"prevention\":\"b\",\"if_threatened\":\"c\",\"child_view\":\"\",\"options\":{\"escaped\":\"x\"},"
                 "\"harm_channels\":{\"online\":\"e\"}}", 400, "child_view", NULL);
    expect_error(CM, "PUT", one, "{\"review_on\":\"2025-01-01\",\"made_on\":\"2025-01-01\",\"current_risks\":\"a\","
                 "\"prevention\":\"b\",\"if_threatened\":\"c\",\"child_view\":\"d\",\"options\":{},"
                 "\"harm_channels\":{\"online\":\"e\"}}", 400, "options", NULL);
    expect_error(CM, "PUT", one, "{\"review_on\":\"2025-01-01\",\"made_on\":\"2025-01-01\",\"current_risks\":\"a\","
                 "\"prevention\":\"b\",\"if_threatened\":\"c\",\"options\":{\"escaped\":\"x\"},"
                 "\"harm_channels\":{\"online\":\"e\"}}", 400, "child_view", NULL);
    expect_error(CM, "PUT", one, "{\"review_on\":\"2025-01-01\",\"made_on\":\"2025-01-01\",\"current_risks\":\"a\","
                 "\"prevention\":\"b\",\"if_threatened\":\"c\",\"child_view\":\"d\",\"options\":{\"escaped\":\"x\"},"
                 "\"harm_channels\":{\"telepathy\":\"e\"}}", 400, "harm_channels", "telepathy");
    /* the update of the first plan moves its review into the future: no longer overdue */
    safety_body(-40, 20, ",\"version\":1", body);
    assert_int_equal(send(CM, "PUT", one, body, &o), 200);
    assert_int_equal(num(o, "version"), 2);
    json_decref(o);
}

/* ---- action plans ------------------------------------------------------------------------ */

static void test_action_plan_and_owners(void **state)
{
    (void)state;
    static char raw[RAW_LEN];
    char path[PATH_LEN], one[PATH_LEN], body[BODY_LEN];
    path_of(fx.code, "action-plans", 0, path);
    path_of(fx.code, "action-plans", 1, one);
    goals_body("fm.cm", "fm.cm2", "planned", body);
    json_t *o = NULL;
    assert_int_equal(send(CM, "POST", path, body, &o), 201);
    assert_string_equal(str(o, "made_on"), "2025-03-01");
    json_t *goals = json_object_get(o, "goals");
    assert_int_equal(json_array_size(goals), 2);
    assert_string_equal(str(json_array_get(goals, 0), "owner"), "fm.cm");
    assert_non_null(strstr(str(json_array_get(goals, 0), "goal"), CANARY));
    assert_string_equal(str(json_array_get(goals, 1), "owner_note"), "the college");
    assert_string_equal(str(json_array_get(goals, 1), "status"), "planned"); /* the default */
    assert_string_equal(str(json_array_get(goals, 1), "term"), "long");
    json_decref(o);
    assert_int_equal(send_raw(CM, "GET", path, NULL, &o, raw), 200);
    assert_null(strstr(raw, CANARY));
    assert_null(strstr(raw, "the college"));
    json_t *meta = json_object_get(json_array_get(json_object_get(o, "action_plans"), 0), "goals");
    assert_string_equal(str(json_array_get(meta, 0), "owner"), "fm.cm");
    assert_string_equal(str(json_array_get(meta, 1), "due_on"), "2030-09-01");
    assert_string_equal(str(json_array_get(meta, 1), "term"), "long");
    json_decref(o);
    assert_int_equal(send_raw(SUP, "GET", one, NULL, &o, raw), 200);
    assert_non_null(strstr(raw, CANARY));
    assert_string_equal(str(json_array_get(json_object_get(o, "goals"), 1), "owner_note"), "the college");
    json_decref(o);
    /* a goal achieved: the status changes through a replacement */
    goals_body("fm.cm", "fm.cm2", "done", body);
    assert_int_equal(send(CM, "PUT", one, body, &o), 200);
    assert_string_equal(str(json_array_get(json_object_get(o, "goals"), 0), "status"), "done");
    json_decref(o);
    /* owners: an unknown login, a user of another organisation, a disabled user; the
     * login is never repeated */
    goals_body(UNKNOWN_LOGIN, "fm.cm", "planned", body);
    expect_error(CM, "POST", path, body, 400, "goals[0].owner", UNKNOWN_LOGIN);
    goals_body("fm.cm", "fo.cm", "planned", body);
    expect_error(CM, "POST", path, body, 400, "goals[1].owner", "fo.cm");
    goals_body("fm.gone", "fm.cm", "planned", body);
    expect_error(CM, "PUT", one, body, 400, "goals[0].owner", "fm.gone");
    goals_body("fm.cm", "fm.cm", "stalled", body);
    expect_error(CM, "POST", path, body, 400, "goals[0].status", NULL);
    expect_error(CM, "POST", path, "{\"goals\":[]}", 400, "goals", NULL);
    expect_error(CM, "POST", path, "{\"goals\":[{\"term\":\"short\",\"goal\":\"x\",\"due_on\":\"2026-01-01\"}]}", 400,
                 "goals[0].owner", NULL);
    expect_error(CM, "POST", path, "{\"goals\":[{\"term\":\"short\",\"goal\":\"x\",\"owner_note\":\"y\"}]}", 400,
                 "goals[0].due_on", NULL);
    expect_error(CM, "POST", path, "{\"goals\":[{\"term\":\"short\",\"goal\":\"x\",\"owner_note\":\"y\","
                 "\"due_on\":\"2026-01-01\",\"Oydantapkey\":1}]}", 400, "goals[0]", "Oydantapkey");
    assert_int_equal(send(CM, "GET", path, NULL, &o), 200);
    assert_int_equal(json_array_size(json_object_get(o, "action_plans")), 1);
    json_decref(o);
}

/* ---- interactions ------------------------------------------------------------------------ */

static void test_interactions(void **state)
{
    (void)state;
    static char raw[RAW_LEN];
    char path[PATH_LEN], one[PATH_LEN];
    path_of(fx.code, "interactions", 0, path);
    path_of(fx.code, "interactions", 1, one);
    json_t *o = NULL;
    assert_int_equal(send(CM, "POST", path, INTERACTION_BODY, &o), 201);
    assert_string_equal(str(o, "recorded_by"), "fm.cm");
    assert_string_equal(str(o, "channel"), "phone");
    assert_int_equal(json_array_size(json_object_get(o, "participants")), 2);
    assert_non_null(strstr(str(o, "summary"), CANARY));
    char today[11];
    qgt_date_from_today(0, today);
    assert_string_equal(str(o, "on"), today); /* absent is today */
    json_decref(o);
    assert_int_equal(send_raw(SUP, "GET", path, NULL, &o, raw), 200);
    assert_null(strstr(raw, CANARY));
    json_t *e = json_array_get(json_object_get(o, "interactions"), 0);
    assert_string_equal(str(e, "channel"), "phone");
    assert_string_equal(str(e, "recorded_by"), "fm.cm");
    assert_string_equal(json_string_value(json_array_get(json_object_get(e, "participants"), 1)), "case_manager");
    assert_null(json_object_get(e, "summary"));
    json_decref(o);
    assert_int_equal(send_raw(SUP, "GET", one, NULL, &o, raw), 200);
    assert_non_null(strstr(raw, CANARY));
    json_decref(o);
    assert_int_equal(send(SUP, "PUT", one,
                          "{\"on\":\"2025-06-01\",\"channel\":\"in_person\",\"participants\":[\"child\",\"parent\"],"
                          "\"summary\":\"" CANARY " met at home\",\"version\":1}",
                          &o),
                     200);
    assert_string_equal(str(o, "recorded_by"), "fm.cm"); /* the recorder stays */
    expect_stamp(o, "fm.cm", "fm.sup", 2);
    json_decref(o);
    expect_error(CM, "POST", path, "{\"channel\":\"phone\",\"participants\":[\"child\",\"child\"],\"summary\":\"x\"}",
                 400, "participants[1]", NULL);
    expect_error(CM, "POST", path, "{\"channel\":\"fax\",\"participants\":[\"child\"],\"summary\":\"x\"}", 400,
                 "channel", NULL);
    expect_error(CM, "POST", path, "{\"channel\":\"phone\",\"participants\":[\"child\"]}", 400, "summary", NULL);
    expect_error(CM, "POST", path, "{\"channel\":\"phone\",\"participants\":[],\"summary\":\"x\"}", 400,
                 "participants", NULL);
}

/* ---- who may ------------------------------------------------------------------------------ */

static void test_roles(void **state)
{
    (void)state;
    char path[PATH_LEN], one[PATH_LEN], body[BODY_LEN];
    const char *segments[] = {"assessments", "safety-plans", "action-plans", "interactions"};
    for (size_t i = 0; i < 4; i++) {
        valid_body(i, body);
        path_of(fx.code, segments[i], 0, path);
        path_of(fx.code, segments[i], 1, one);
        /* roles that never may: before any case is looked up */
        for (int who = ANALYST; who <= AUDITOR; who++) {
            expect_error(who, "GET", path, NULL, 403, "", NULL);
            expect_error(who, "GET", one, NULL, 403, "", NULL);
            expect_error(who, "POST", path, body, 403, "", NULL);
            expect_error(who, "PUT", one, body, 403, "", NULL);
        }
        /* a case out of sight is answered as absent */
        const int hidden[] = {CM2, FR, OTHER_SUP, OTHER_CM};
        for (size_t k = 0; k < 4; k++) {
            expect_error(hidden[k], "GET", path, NULL, 404, "code", NULL);
            expect_error(hidden[k], "GET", one, NULL, 404, "code", NULL);
            expect_error(hidden[k], "POST", path, body, 404, "code", NULL);
            expect_error(hidden[k], "PUT", one, body, 404, "code", NULL);
        }
    }
    /* the first responder who opened a case, not yet handed over, records in it */
    path_of(fx.fr_code, "interactions", 0, path);
    json_t *o = NULL;
    assert_int_equal(send(FR, "POST", path, INTERACTION_BODY, &o), 201);
    assert_string_equal(str(o, "recorded_by"), "fm.fr");
    json_decref(o);
    path_of(fx.fr_code, "interactions", 1, one);
    assert_int_equal(send(FR, "GET", one, NULL, NULL), 200);
    assert_int_equal(send(FR, "GET", path, NULL, &o), 200);
    assert_int_equal(json_array_size(json_object_get(o, "interactions")), 1);
    json_decref(o);
    expect_error(CM, "GET", path, NULL, 404, "code", NULL);
    /* the first responder makes an action plan there, with owners of the organisation */
    path_of(fx.fr_code, "action-plans", 0, path);
    goals_body("fm.cm", "fm.fr", "planned", body);
    assert_int_equal(send(FR, "POST", path, body, NULL), 201);
}

/* ---- a closed case ---------------------------------------------------------------------- */

static void test_closed_case(void **state)
{
    (void)state;
    char code[32], path[PATH_LEN], one[PATH_LEN], close[PATH_LEN], body[BODY_LEN];
    assert_true(open_case(CM, code));
    path_of(code, "safety-plans", 0, path);
    path_of(code, "safety-plans", 1, one);
    safety_body(-60, -1, "", body);
    assert_int_equal(send(CM, "POST", path, body, NULL), 201);
    json_t *o = NULL;
    assert_int_equal(send(CM, "GET", path, NULL, &o), 200);
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(o, "safety_plans"), 0), "review_overdue")));
    json_decref(o);
    snprintf(close, sizeof close, "/api/v1/cases/%s/close", code);
    assert_int_equal(send(CM, "POST", close, "{\"reason\":\"recovered\"}", NULL), 200);
    /* nothing new, nothing changed; the records stay readable */
    expect_error(CM, "POST", path, body, 409, "status", NULL);
    expect_error(CM, "PUT", one, body, 409, "status", NULL);
    path_of(code, "interactions", 0, path);
    expect_error(CM, "POST", path, INTERACTION_BODY, 409, "status", NULL);
    path_of(code, "safety-plans", 0, path);
    assert_int_equal(send(CM, "GET", one, NULL, NULL), 200);
    assert_int_equal(send(CM, "GET", path, NULL, &o), 200);
    json_t *e = json_array_get(json_object_get(o, "safety_plans"), 0);
    assert_true(json_is_false(json_object_get(e, "review_overdue"))); /* a closed case needs no review */
    assert_int_equal(num(e, "version"), 1);
    json_decref(o);
}

/* ---- the canary stays sealed; the audit trail records every action ----------------------- */

/* Appends every audit entry (all pages) to entries. */
static void all_audit(json_t *entries, char *raw_all, size_t raw_size)
{
    static char raw[RAW_LEN];
    long long after = 0;
    raw_all[0] = '\0';
    for (;;) {
        char path[PATH_LEN];
        json_t *o = NULL;
        snprintf(path, sizeof path, "/api/v1/audit?after=%lld&limit=500", after);
        assert_int_equal(send_raw(AUDITOR, "GET", path, NULL, &o, raw), 200);
        assert_true(strlen(raw_all) + strlen(raw) < raw_size);
        memcpy(raw_all + strlen(raw_all), raw, strlen(raw) + 1);
        json_t *page = json_object_get(o, "entries");
        size_t n = json_array_size(page);
        if (n)
            after = num(json_array_get(page, n - 1), "seq");
        json_array_extend(entries, page);
        json_decref(o);
        if (n < 500)
            return;
    }
}

static void test_privacy_and_audit(void **state)
{
    (void)state;
    static char raw[RAW_LEN * 4];
    json_t *entries = json_array();
    all_audit(entries, raw, sizeof raw);
    assert_null(strstr(raw, CANARY));
    assert_null(strstr(raw, UNKNOWN_LOGIN));
    const char *kinds[] = {"assessment", "safety_plan", "action_plan", "interaction"};
    const char *verbs[] = {"create", "read", "update"};
    for (size_t k = 0; k < 4; k++)
        for (size_t v = 0; v < 3; v++) {
            char action[48];
            bool found = false;
            snprintf(action, sizeof action, "%s.%s", kinds[k], verbs[v]);
            size_t i;
            json_t *e;
            json_array_foreach(entries, i, e) {
                if (strcmp(str(e, "action"), action) != 0)
                    continue;
                found = true;
                /* the record's number only: no text, no codes */
                json_t *detail = json_object_get(e, "detail");
                assert_int_equal(json_object_size(detail), 1);
                assert_true(json_integer_value(json_object_get(detail, "n")) >= 1);
                assert_non_null(strstr(str(e, "object"), "QG-"));
            }
            if (!found)
                fail_msg("no audit entry %s", action);
        }
    json_decref(entries);
    assert_false(qgt_file_contains(fx.env.log, CANARY));
    /* the database file and its write-ahead log, with the server stopped */
    assert_int_equal(qgt_server_stop(&fx.env), 0);
    char wal[QGT_PATH + 8];
    snprintf(wal, sizeof wal, "%s-wal", fx.env.db);
    assert_false(qgt_file_contains(fx.env.db, CANARY));
    assert_false(qgt_file_contains(wal, CANARY));
    assert_false(qgt_file_contains(fx.env.db, "the college"));
    /* the codes are there in clear: the search itself works */
    assert_true(qgt_file_contains(fx.env.db, "needs_attention") || qgt_file_contains(wal, "needs_attention"));
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *const verify[] = {"audit", "verify", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, verify), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assessment_create_list_get_update),
        cmocka_unit_test(test_assessment_numbers_and_errors),
        cmocka_unit_test(test_safety_plan_and_overdue_review),
        cmocka_unit_test(test_action_plan_and_owners),
        cmocka_unit_test(test_interactions),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_closed_case),
        cmocka_unit_test(test_privacy_and_audit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
