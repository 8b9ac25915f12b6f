/*
 * bb_screen.c — black-box tests of screening instruments and the legal-qualification
 * helper through the real binary and the real server: `qorgau screen ...` and `qorgau
 * qualify` (output and exit codes), GET/POST /api/v1/instruments, screenings stored in
 * a case (draft and final, rescoring, numbering, sealed answers, audit entries,
 * suggested needs) and every error path with the field it names.
 *
 * All answers are made up. The free-text answer below is searched for in the database
 * file, the audit trail and the server log at the end: it must be in none of them.
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

#define PASSWORD "screen-test-password"
#define SECRET_TEXT "Ойдан шығарылған оқиға сынағы"
#define PATH_LEN 256

typedef struct {
    qgt_env env;
    qgt_session sup, cm, other_org, analyst;
    char code[32];
} fixture;

static fixture fx;

/* ---- helpers ------------------------------------------------------------------- */

/* Sends a request; returns the status and, when out is not NULL, the parsed body. */
static int send(const qgt_session *s, const char *method, const char *path, const char *body,
                json_t **out)
{
    httpc_response *r = qgt_call(&fx.env, s, method, path, body);
    int status = r ? r->status : -1;
    if (out)
        *out = qgt_json(r);
    httpc_response_free(r);
    return status;
}

static void screenings_path(const char *suffix, char *out)
{
    snprintf(out, PATH_LEN, "/api/v1/cases/%s/screenings%s", fx.code, suffix);
}

/* Expects an error answer of status with exactly this field. */
static void expect_error(const qgt_session *s, const char *method, const char *path,
                         const char *body, int status, const char *field)
{
    json_t *o = NULL;
    assert_int_equal(send(s, method, path, body, &o), status);
    json_t *e = json_object_get(o, "error");
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "field")), field);
    json_decref(o);
}

/* Runs the CLI with stdin; returns the exit status and fills out/errout. */
static int cli(const char *input, char *out, char *errout, const char *const *argv)
{
    return qgt_cli(&fx.env, false, input, out, errout, argv);
}

static int setup(void **state)
{
    (void)state;
    const qgt_person people[] = {
        {"scr.sup", "supervisor", 0, &fx.sup, NULL},
        {"scr.cm", "case_manager", 0, &fx.cm, NULL},
        {"scr.analyst", "analyst", 0, &fx.analyst, NULL},
        {"scr.other", "supervisor", 1, &fx.other_org, NULL},
    };
    const size_t n = sizeof people / sizeof people[0];
    if (!qgt_env_init(&fx.env))
        return -1;
    int64_t orgs[] = {qgt_org(&fx.env, "Screen NGO", "ngo", "almaty"),
                      qgt_org(&fx.env, "Screen Other NGO", "ngo", "astana")};
    if (orgs[0] < 0 || orgs[1] < 0 || !qgt_people_add(&fx.env, orgs, people, n, PASSWORD) ||
        !qgt_server_start(&fx.env, NULL) || !qgt_people_login(&fx.env, people, n, PASSWORD))
        return -1;
    json_t *o = NULL;
    if (send(&fx.sup, "POST", "/api/v1/cases", "{\"sex\":\"Feminine\",\"region\":\"almaty\"}", &o) != 201)
        return -1;
    snprintf(fx.code, sizeof fx.code, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    qgt_env_free(&fx.env);
    return 0;
}

/* ---- the command line ------------------------------------------------------------ */

static void test_cli_list(void **state)
{
    (void)state;
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *const argv[] = {"screen", "list", NULL};
    assert_int_equal(cli(NULL, out, errout, argv), 0);
    const char *ids[] = {"greenbaum-12", "htiam-14", "health-6", "ilo-forced-labour",
                         "health-indicators", "police-indicators", "school-signs",
                         "home-visit-signs", "newborn-sale-signs", "urgent-needs"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        assert_non_null(strstr(out, ids[i]));
}

static void test_cli_score_greenbaum(void **state)
{
    (void)state;
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *const argv[] = {"screen", "score", "greenbaum-12", "-", NULL};
    /* two risk answers, nothing disclosed: positive (cut-off 2, Greenbaum 2018) */
    assert_int_equal(cli("{\"answers\":{\"q1\":\"yes\",\"q2\":\"no\",\"q3\":\"yes\",\"q4\":\"no\","
                         "\"q5\":\"1-5\",\"q6\":\"no\",\"q7\":\"no\",\"q8\":\"no\",\"q9\":\"no\","
                         "\"q10\":\"no\",\"q11\":\"no\",\"q12\":\"no\"}}",
                         out, errout, argv),
                     0);
    json_t *o = json_loads(out, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(o, "result")), "positive");
    assert_int_equal(json_integer_value(json_object_get(o, "risk_count")), 2);
    assert_int_equal(json_array_size(json_object_get(o, "unanswered")), 0);
    assert_string_equal(json_string_value(json_object_get(o, "instrument")), "greenbaum-12");
    assert_int_equal(json_integer_value(json_object_get(o, "version")), 1);
    json_decref(o);
}

static void test_cli_score_errors(void **state)
{
    (void)state;
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *const score[] = {"screen", "score", "htiam-14", NULL};
    /* a rating outside 0-3 names the item; exit 2 */
    assert_int_equal(cli("{\"answers\":{\"A5\":\"UZ\",\"B1\":4}}", out, errout, score), 2);
    assert_non_null(strstr(errout, "answers.B1"));
    /* section B answered for a citizen of Kazakhstan (L5566) */
    assert_int_equal(cli("{\"answers\":{\"A5\":\"KZ\",\"B2\":1}}", out, errout, score), 2);
    assert_non_null(strstr(errout, "answers.B2"));
    /* not JSON, not the expected shape, an extra key */
    assert_int_equal(cli("{\"answers\":", out, errout, score), 2);
    assert_non_null(strstr(errout, "input"));
    assert_int_equal(cli("[1,2]", out, errout, score), 2);
    assert_int_equal(cli("{\"answers\":{},\"name\":\"x\"}", out, errout, score), 2);
    assert_non_null(strstr(errout, "body"));
    /* an unknown instrument, a missing one, an unknown version */
    const char *const unknown[] = {"screen", "score", "no-such-tool", NULL};
    assert_int_equal(cli("{\"answers\":{}}", out, errout, unknown), 1);
    assert_non_null(strstr(errout, "instrument"));
    const char *const bad_version[] = {"screen", "score", "htiam-14", "--version", "x", NULL};
    assert_int_equal(cli("{\"answers\":{}}", out, errout, bad_version), 2);
    const char *const nothing[] = {"screen", "score", NULL};
    assert_int_equal(cli("{\"answers\":{}}", out, errout, nothing), 2);
    const char *const bad_sub[] = {"screen", "frobnicate", NULL};
    assert_int_equal(cli(NULL, out, errout, bad_sub), 2);
}

static void test_cli_check(void **state)
{
    (void)state;
    static char out[QGT_OUT], errout[QGT_OUT];
    char path[QGT_PATH + 32];
    snprintf(path, sizeof path, "%s/broken.v1.json", fx.env.dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"format\": 1, \"id\": \"broken\"}", f);
    fclose(f);
    const char *const argv[] = {"screen", "check", path, NULL};
    assert_int_equal(cli(NULL, out, errout, argv), 2);
    assert_non_null(strstr(errout, "file.version"));
    /* the server refuses to start with a broken instrument directory */
    const char *const extra[] = {"--instruments", fx.env.dir, NULL};
    qgt_env other;
    assert_true(qgt_env_init(&other));
    assert_false(qgt_server_start(&other, extra));
    assert_true(qgt_file_contains(other.log, "broken.v1.json"));
    qgt_env_free(&other);
}

/* `screen check` passes the shipped HTIAM-14 and refuses the same file with a manual line
 * reference in a question a person reads, naming the item and the language. */
static void test_cli_check_labels(void **state)
{
    (void)state;
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *const good[] = {"screen", "check", QG_INSTRUMENTS_DIR "/htiam-14.v1.json", NULL};
    assert_int_equal(cli(NULL, out, errout, good), 0);

    json_t *def = json_load_file(QG_INSTRUMENTS_DIR "/htiam-14.v1.json", 0, NULL);
    assert_non_null(def);
    json_t *b1 = json_array_get(json_object_get(def, "items"), 6);
    assert_string_equal(json_string_value(json_object_get(b1, "id")), "B1");
    json_t *text = json_object_get(b1, "text");
    char with_ref[2048];
    snprintf(with_ref, sizeof with_ref, "%s (L5586)", json_string_value(json_object_get(text, "ru")));
    json_object_set_new(text, "ru", json_string(with_ref));
    char path[QGT_PATH + 32];
    snprintf(path, sizeof path, "%s/htiam-14.v1.json", fx.env.dir);
    assert_int_equal(json_dump_file(def, path, JSON_INDENT(1)), 0);
    json_decref(def);
    const char *const bad[] = {"screen", "check", path, NULL};
    assert_int_equal(cli(NULL, out, errout, bad), 2);
    assert_non_null(strstr(errout, "items[6].text.ru"));
    assert_non_null(strstr(errout, "line reference"));
    remove(path);
}

/* Exercise 1 case 3 (L839-845): children recruited to sell tobacco, beaten if they
 * refuse; the means do not matter for a child. */
static void test_cli_qualify(void **state)
{
    (void)state;
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *const argv[] = {"qualify", NULL};
    assert_int_equal(cli("{\"acts\":[\"recruitment\"],\"purposes\":[\"forced_labour\","
                         "\"forced_criminal_activity\"],\"age\":14}",
                         out, errout, argv),
                     0);
    json_t *o = json_loads(out, 0, NULL);
    assert_true(json_is_true(json_object_get(o, "meets_definition")));
    assert_non_null(strstr(out, "\"135\""));
    assert_null(strstr(out, "\"128\""));
    json_decref(o);
    assert_int_equal(cli("{\"acts\":[\"recruitment\"],\"age\":-1}", out, errout, argv), 2);
    assert_non_null(strstr(errout, "age"));
    assert_int_equal(cli("{\"acts\":[\"teleportation\"]}", out, errout, argv), 2);
    assert_non_null(strstr(errout, "acts[0]"));
}

/* ---- the API without a case --------------------------------------------------------- */

static void test_api_instruments(void **state)
{
    (void)state;
    json_t *o = NULL;
    assert_int_equal(send(&fx.analyst, "GET", "/api/v1/instruments", NULL, &o), 200);
    json_t *list = json_object_get(o, "instruments");
    assert_int_equal(json_array_size(list), 10);
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        assert_true(json_is_integer(json_object_get(e, "version")));
        assert_true(json_array_size(json_object_get(e, "versions")) >= 1);
        assert_non_null(json_object_get(json_object_get(e, "title"), "kk"));
    }
    json_decref(o);
    assert_int_equal(send(&fx.analyst, "GET", "/api/v1/instruments/htiam-14", NULL, &o), 200);
    assert_int_equal(json_integer_value(json_object_get(o, "version")), 1);
    assert_true(json_array_size(json_object_get(o, "items")) > 15);
    json_decref(o);
    expect_error(&fx.analyst, "GET", "/api/v1/instruments/nothing-here", NULL, 404, "instrument");
    expect_error(&fx.analyst, "GET", "/api/v1/instruments/htiam-14?version=7", NULL, 404, "instrument");
    expect_error(&fx.analyst, "GET", "/api/v1/instruments/htiam-14?version=zero", NULL, 400, "version");
    assert_int_equal(send(NULL, "GET", "/api/v1/instruments", NULL, NULL), 401);
}

static void test_api_score_without_case(void **state)
{
    (void)state;
    json_t *o = NULL;
    const char *path = "/api/v1/instruments/htiam-14/score";
    /* a non-citizen child, labour coercion rated 2, E1 yes started at 15 */
    assert_int_equal(send(&fx.cm, "POST", path,
                          "{\"answers\":{\"A1\":16,\"A5\":\"UZ\",\"B1\":2,\"C2\":3,\"D1\":1,"
                          "\"E1\":\"yes\",\"E3\":15}}",
                          &o),
                     200);
    assert_string_equal(json_string_value(json_object_get(o, "result")), "indication");
    json_t *sections = json_object_get(o, "sections");
    assert_true(json_is_true(json_object_get(json_object_get(sections, "B"), "applicable")));
    assert_int_equal(json_integer_value(json_object_get(o, "max")), 39);
    assert_int_equal(json_integer_value(json_object_get(o, "total")), 2 + 3 + 1 + 3);
    json_t *sug = json_object_get(o, "suggested");
    assert_int_equal(json_array_size(sug), 2);
    assert_string_equal(json_string_value(json_array_get(sug, 0)), "sex_trafficking_child");
    assert_string_equal(json_string_value(json_array_get(sug, 1)), "labour_trafficking");
    assert_false(json_is_true(json_object_get(o, "final")));
    json_decref(o);
    /* errors name the item or the key */
    expect_error(&fx.cm, "POST", path, "{\"answers\":{\"C1\":-1}}", 400, "answers.C1");
    expect_error(&fx.cm, "POST", path, "{\"answers\":{\"Z9\":1}}", 400, "answers.Z9");
    expect_error(&fx.cm, "POST", path, "{\"answers\":{\"Lorem\":1}}", 400, "answers");
    expect_error(&fx.cm, "POST", path, "{\"answers\":{\"E1\":\"no\",\"E3\":15}}", 400, "answers.E3");
    expect_error(&fx.cm, "POST", path, "{\"answers\":[]}", 400, "answers");
    expect_error(&fx.cm, "POST", path, "{}", 400, "answers");
    expect_error(&fx.cm, "POST", path, "{\"answers\":{},\"x\":1}", 400, "body");
    expect_error(&fx.cm, "POST", path, "not json", 400, "body");
}

/* ---- screenings in a case -------------------------------------------------------- */

static void test_screening_checklist_with_needs(void **state)
{
    (void)state;
    char path[PATH_LEN];
    screenings_path("", path);
    json_t *o = NULL;
    assert_int_equal(send(&fx.cm, "POST", path,
                          "{\"instrument\":\"urgent-needs\",\"mode\":\"interviewer\",\"language\":\"kk\","
                          "\"answers\":{\"pregnancy\":\"yes\",\"drug_use\":\"no\",\"injuries\":\"no\","
                          "\"malnutrition\":\"yes\",\"language\":\"no\"}}",
                          &o),
                     404); /* the case manager is not assigned to this case */
    json_decref(o);
    assert_int_equal(send(&fx.sup, "POST", path,
                          "{\"instrument\":\"urgent-needs\",\"mode\":\"interviewer\",\"language\":\"kk\","
                          "\"administered_on\":\"2026-01-15\","
                          "\"answers\":{\"pregnancy\":\"yes\",\"drug_use\":\"no\",\"injuries\":\"no\","
                          "\"malnutrition\":\"yes\",\"language\":\"no\"}}",
                          &o),
                     201);
    assert_int_equal(json_integer_value(json_object_get(o, "n")), 1);
    assert_true(json_is_true(json_object_get(o, "final")));
    assert_string_equal(json_string_value(json_object_get(o, "administered_by")), "scr.sup");
    assert_string_equal(json_string_value(json_object_get(o, "administered_on")), "2026-01-15");
    assert_null(json_object_get(o, "answers"));
    json_t *needs = json_object_get(json_object_get(o, "result"), "needs");
    assert_int_equal(json_array_size(needs), 3); /* L3119-3126 */
    json_decref(o);
    char npath[PATH_LEN];
    snprintf(npath, sizeof npath, "/api/v1/cases/%s/needs", fx.code);
    assert_int_equal(send(&fx.sup, "GET", npath, NULL, &o), 200);
    json_t *list = json_object_get(o, "needs");
    assert_int_equal(json_array_size(list), 3);
    bool food = false, care = false, nutrition = false;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        const char *need = json_string_value(json_object_get(e, "need"));
        food = food || !strcmp(need, "food");
        care = care || !strcmp(need, "medical_care");
        nutrition = nutrition || !strcmp(need, "nutrition");
        assert_int_equal(json_integer_value(json_object_get(e, "screening")), 1);
    }
    assert_true(food && care && nutrition);
    json_decref(o);
    expect_error(&fx.other_org, "GET", npath, NULL, 404, "code");
}

static void test_screening_draft_to_final(void **state)
{
    (void)state;
    char path[PATH_LEN], one[PATH_LEN];
    screenings_path("", path);
    json_t *o = NULL;
    char body[1024];
    snprintf(body, sizeof body,
             "{\"instrument\":\"htiam-14\",\"version\":1,\"mode\":\"self\",\"language\":\"ru\","
             "\"answers\":{\"A1\":17,\"A5\":\"KZ\",\"C1\":2,\"A3\":\"%s\"}}",
             SECRET_TEXT);
    assert_int_equal(send(&fx.sup, "POST", path, body, &o), 201);
    int64_t n = json_integer_value(json_object_get(o, "n"));
    assert_int_equal(n, 2);
    assert_false(json_is_true(json_object_get(o, "final")));
    char *text = json_dumps(o, 0);
    assert_non_null(text);
    assert_null(strstr(text, SECRET_TEXT)); /* answers never come back with the score */
    free(text);
    json_decref(o);
    char suffix[32];
    snprintf(suffix, sizeof suffix, "/%lld", (long long)n);
    screenings_path(suffix, one);
    /* the draft is rescored with the interviewer's judgement: now final */
    assert_int_equal(send(&fx.sup, "PUT", one,
                          "{\"answers\":{\"A1\":17,\"A5\":\"KZ\",\"C1\":2,\"interviewer_rating\":2,"
                          "\"trafficking_types\":[\"labour\"]}}",
                          &o),
                     200);
    assert_true(json_is_true(json_object_get(o, "final")));
    json_t *result = json_object_get(o, "result");
    assert_int_equal(json_integer_value(json_object_get(result, "max")), 27); /* no section B */
    assert_non_null(json_object_get(result, "reading"));
    json_decref(o);
    /* a final screening never changes */
    expect_error(&fx.sup, "PUT", one, "{\"answers\":{\"A1\":17}}", 409, "screening");
    /* reading it back gives the answers (the draft's text was replaced) */
    assert_int_equal(send(&fx.sup, "GET", one, NULL, &o), 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "answers"), "C1")), 2);
    assert_null(json_object_get(json_object_get(o, "answers"), "A3"));
    json_decref(o);
    /* the list has both, without answers */
    assert_int_equal(send(&fx.sup, "GET", path, NULL, &o), 200);
    json_t *list = json_object_get(o, "screenings");
    assert_int_equal(json_array_size(list), 2);
    assert_null(json_object_get(json_array_get(list, 1), "answers"));
    json_decref(o);
}

static void test_screening_errors(void **state)
{
    (void)state;
    char path[PATH_LEN], missing[PATH_LEN], bad[PATH_LEN];
    screenings_path("", path);
    screenings_path("/99", missing);
    screenings_path("/abc", bad);
    const char *ok_tail = "\"answers\":{\"h1\":\"no\"}}";
    char body[512];
    snprintf(body, sizeof body, "{\"instrument\":\"health-6\",\"mode\":\"robot\",\"language\":\"kk\",%s", ok_tail);
    expect_error(&fx.sup, "POST", path, body, 400, "mode");
    snprintf(body, sizeof body, "{\"instrument\":\"health-6\",\"mode\":\"self\",\"language\":\"de\",%s", ok_tail);
    expect_error(&fx.sup, "POST", path, body, 400, "language");
    snprintf(body, sizeof body, "{\"instrument\":\"health-6\",\"mode\":\"self\",\"language\":\"kk\","
             "\"administered_on\":\"2999-01-01\",%s", ok_tail);
    expect_error(&fx.sup, "POST", path, body, 400, "administered_on");
    snprintf(body, sizeof body, "{\"instrument\":\"nothing\",\"mode\":\"self\",\"language\":\"kk\",%s", ok_tail);
    expect_error(&fx.sup, "POST", path, body, 400, "instrument");
    snprintf(body, sizeof body, "{\"instrument\":\"health-6\",\"version\":42,\"mode\":\"self\",\"language\":\"kk\",%s", ok_tail);
    expect_error(&fx.sup, "POST", path, body, 400, "instrument");
    expect_error(&fx.sup, "POST", path, "{\"instrument\":\"health-6\",\"mode\":\"self\",\"language\":\"kk\"}", 400, "answers");
    expect_error(&fx.sup, "POST", path, "{\"instrument\":\"health-6\",\"mode\":\"self\",\"language\":\"kk\","
                 "\"answers\":{\"h1\":\"maybe\"}}", 400, "answers.h1");
    expect_error(&fx.sup, "POST", path, "{\"instrument\":\"health-6\",\"mode\":\"self\",\"language\":\"kk\","
                 "\"answers\":{},\"child_name\":\"x\"}", 400, "body");
    expect_error(&fx.sup, "GET", missing, NULL, 404, "screening");
    expect_error(&fx.sup, "GET", bad, NULL, 404, "screening");
    expect_error(&fx.sup, "PUT", missing, "{\"answers\":{}}", 404, "screening");
    expect_error(&fx.sup, "PUT", missing, "{\"answers\":{},\"mode\":\"self\"}", 400, "body");
    expect_error(&fx.other_org, "GET", path, NULL, 404, "code");
    expect_error(&fx.analyst, "GET", path, NULL, 403, "");
    expect_error(&fx.sup, "GET", "/api/v1/cases/QG-0000/screenings", NULL, 400, "code");
    /* nothing was stored by the refusals: still two screenings */
    json_t *o = NULL;
    assert_int_equal(send(&fx.sup, "GET", path, NULL, &o), 200);
    assert_int_equal(json_array_size(json_object_get(o, "screenings")), 2);
    json_decref(o);
}

/* The free text never reaches the database in clear, the audit trail or the log; the
 * audit trail records every screening action. */
static void test_screening_privacy_and_audit(void **state)
{
    (void)state;
    assert_false(qgt_file_contains(fx.env.db, SECRET_TEXT));
    assert_false(qgt_file_contains(fx.env.log, SECRET_TEXT));
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *const argv[] = {"audit", "list", "--limit", "500", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, argv), 0);
    assert_null(strstr(out, SECRET_TEXT));
    assert_non_null(strstr(out, "\"screening.create\""));
    assert_non_null(strstr(out, "\"screening.update\""));
    assert_non_null(strstr(out, "\"screening.read\""));
    const char *const verify[] = {"audit", "verify", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, verify), 0);
}

static void test_api_qualify(void **state)
{
    (void)state;
    json_t *o = NULL;
    /* Exercise 1 case 1 (L819-821): an adult man transported and harboured by
     * deception and coercion for forced labour: all three elements, Art. 128 */
    assert_int_equal(send(&fx.analyst, "POST", "/api/v1/qualify",
                          "{\"acts\":[\"transportation\",\"harbouring\"],\"means\":[\"deception\","
                          "\"coercion\"],\"purposes\":[\"forced_labour\"],\"age\":30}",
                          &o),
                     200);
    assert_true(json_is_true(json_object_get(o, "meets_definition")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(o, "articles"), 0),
                                                          "article")),
                        "128");
    json_decref(o);
    expect_error(&fx.analyst, "POST", "/api/v1/qualify", "{\"means\":[\"force\",\"force\"]}", 400, "means[1]");
    expect_error(&fx.analyst, "POST", "/api/v1/qualify", "{\"victim\":\"x\"}", 400, "body");
    assert_int_equal(send(&fx.analyst, "GET", "/api/v1/vocab", NULL, &o), 200);
    assert_non_null(json_object_get(o, "purpose"));
    assert_non_null(json_object_get(o, "need"));
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_list),
        cmocka_unit_test(test_cli_score_greenbaum),
        cmocka_unit_test(test_cli_score_errors),
        cmocka_unit_test(test_cli_check),
        cmocka_unit_test(test_cli_check_labels),
        cmocka_unit_test(test_cli_qualify),
        cmocka_unit_test(test_api_instruments),
        cmocka_unit_test(test_api_score_without_case),
        cmocka_unit_test(test_screening_checklist_with_needs),
        cmocka_unit_test(test_screening_draft_to_final),
        cmocka_unit_test(test_screening_errors),
        cmocka_unit_test(test_screening_privacy_and_audit),
        cmocka_unit_test(test_api_qualify),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
