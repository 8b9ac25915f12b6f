/*
 * bb_tasks.c — black-box tests of tasks and of the child's own record through the real
 * binary and a real server: creating, listing and changing a case's tasks; every
 * validation error naming its field without echoing what was sent; a closed case
 * refusing tasks; the due list across cases for each role (own tasks for a case
 * manager, the organisation's for a supervisor, 403 for analysts and auditors), a
 * case manager unassigned from a case no longer seeing its tasks; the safety-plan
 * reviews that are due (through the forms API, and for the finer cases of which plan
 * is the newest, plans written into the database file with the sqlite3 tool while the
 * server is stopped); the child's record as a text download with its policy, and with
 * real forms: withheld records, the workers' parts of a plan and goal owners left out;
 * and the title and contact canaries absent from the database files, the server log and
 * the audit trail.
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

#define PASSWORD "tasks-test-password"
#define TITLE_SECRET "Oydantap tapsyrma qupiyasy"
#define TITLE_SECRET2 "Qaytadan Oydantap jazbasy"
#define CONTACT_SECRET "Zhasyrynkontakt Belgisiz"
#define GIVEN_NAME "Testgul"
#define UNKNOWN_KEY "Oydantapkilt"
#define PATH_LEN 256

typedef struct {
    qgt_env env;
    qgt_session sup, cm1, cm2, fr, analyst, auditor, sup_b;
    int64_t cm1_id, cm2_id;
    char c1[32], c2[32], c3[32], cb[32]; /* cases: shared, cm1 only, to close, other org */
} fixture;

static fixture fx;

/* ---- helpers ------------------------------------------------------------------- */

/* Sends a request; returns the status and, when out is not NULL, the parsed body. */
static int send(const qgt_session *s, const char *method, const char *path, const char *body, json_t **out)
{
    return qgt_send(&fx.env, s, method, path, body, out);
}

static void case_path(const char *code, const char *suffix, char *out)
{
    qgt_case_path(code, suffix, out, PATH_LEN);
}

/* Expects an error of status naming field, whose body repeats none of the sent text
 * (not_echoed, may be NULL). */
static void expect_error(const qgt_session *s, const char *method, const char *path, const char *body,
                         int status, const char *field, const char *not_echoed)
{
    httpc_response_free(qgt_expect_error(&fx.env, s, method, path, body, status, field, not_echoed));
}

static void open_case(const qgt_session *s, const char *body, char out[32])
{
    json_t *o = NULL;
    assert_int_equal(send(s, "POST", "/api/v1/cases", body, &o), 201);
    snprintf(out, 32, "%s", json_string_value(json_object_get(o, "code")));
    json_decref(o);
}

static void assign(const char *code, int64_t user_id)
{
    char path[PATH_LEN], body[64];
    case_path(code, "/assignments", path);
    snprintf(body, sizeof body, "{\"user_id\":%lld}", (long long)user_id);
    assert_int_equal(send(&fx.sup, "POST", path, body, NULL), 201);
}

/* Creates a task; returns its number (fails the test unless 201). */
static int64_t make_task(const qgt_session *s, const char *code, const char *body)
{
    char path[PATH_LEN];
    json_t *o = NULL;
    case_path(code, "/tasks", path);
    int status = send(s, "POST", path, body, &o);
    if (status != 201)
        fail_msg("task create: %d", status);
    int64_t n = json_integer_value(json_object_get(o, "n"));
    json_decref(o);
    return n;
}

/* The due list of s with query (e.g. "?overdue=1"); status must be 200. */
static json_t *due_list(const qgt_session *s, const char *query)
{
    char path[PATH_LEN];
    json_t *o = NULL;
    snprintf(path, sizeof path, "/api/v1/tasks%s", query);
    assert_int_equal(send(s, "GET", path, NULL, &o), 200);
    assert_non_null(o);
    return o;
}

/* Does list (an array of items with "case" and key) hold an item of case with key = n? */
static bool holds(json_t *list, const char *code, const char *key, int64_t n)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        if (strcmp(json_string_value(json_object_get(item, "case")), code) == 0 &&
            json_integer_value(json_object_get(item, key)) == n)
            return true;
    }
    return false;
}

static int setup(void **state)
{
    (void)state;
    const qgt_person people[] = {
        {"tk.cm1", "case_manager", 0, &fx.cm1, &fx.cm1_id},
        {"tk.sup", "supervisor", 0, &fx.sup, NULL},
        {"tk.cm2", "case_manager", 0, &fx.cm2, &fx.cm2_id},
        {"tk.fr", "first_responder", 0, &fx.fr, NULL},
        {"tk.analyst", "analyst", 0, &fx.analyst, NULL},
        {"tk.auditor", "auditor", 0, &fx.auditor, NULL},
        {"tk.sup.b", "supervisor", 1, &fx.sup_b, NULL},
    };
    const size_t n = sizeof people / sizeof people[0];
    if (!qgt_env_init(&fx.env))
        return -1;
    int64_t orgs[] = {qgt_org(&fx.env, "Tasks NGO", "ngo", "almaty"),
                      qgt_org(&fx.env, "Tasks Other NGO", "ngo", "astana")};
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

/* ---- a case's tasks ------------------------------------------------------------------ */

/* Opens the cases every later test uses: c1 (cm1 and cm2), c2 (cm1), c3 (to close), cb
 * (the other organisation). */
static void test_cases(void **state)
{
    (void)state;
    open_case(&fx.sup,
              "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"personal\":{\"given_name\":\"" GIVEN_NAME "\","
              "\"address\":\"Oydantap koshesi 7\",\"contacts\":[{\"name\":\"" CONTACT_SECRET "\","
              "\"relation\":\"aunt\",\"phone\":\"+7 700 000 0000\"}]}}",
              fx.c1);
    open_case(&fx.sup, "{\"sex\":\"Masculine\",\"region\":\"almaty\"}", fx.c2);
    open_case(&fx.sup, "{\"sex\":\"Masculine\",\"region\":\"almaty\"}", fx.c3);
    open_case(&fx.sup_b, "{\"sex\":\"Feminine\",\"region\":\"astana\"}", fx.cb);
    assign(fx.c1, fx.cm1_id);
    assign(fx.c1, fx.cm2_id);
    assign(fx.c2, fx.cm1_id);
    assign(fx.c3, fx.cm1_id);
}

static void test_create_and_read(void **state)
{
    (void)state;
    char path[PATH_LEN];
    json_t *o = NULL;
    case_path(fx.c1, "/tasks", path);
    assert_int_equal(send(&fx.cm1, "POST", path,
                          "{\"title\":\"" TITLE_SECRET "\",\"due_on\":\"2001-02-03\"}", &o),
                     201);
    assert_int_equal(json_integer_value(json_object_get(o, "n")), 1);
    assert_string_equal(json_string_value(json_object_get(o, "title")), TITLE_SECRET);
    assert_string_equal(json_string_value(json_object_get(o, "assignee")), "tk.cm1"); /* the creator */
    assert_string_equal(json_string_value(json_object_get(o, "stage")), "identification"); /* the case's */
    assert_string_equal(json_string_value(json_object_get(o, "status")), "open");
    assert_true(json_is_true(json_object_get(o, "overdue")));
    assert_int_equal(json_integer_value(json_object_get(o, "version")), 1);
    json_decref(o);
    assert_int_equal(send(&fx.sup, "POST", path,
                          "{\"title\":\"Oydantap second\",\"due_on\":\"2099-01-01\",\"assignee\":\"tk.cm2\","
                          "\"stage\":\"assessment\"}",
                          &o),
                     201);
    assert_int_equal(json_integer_value(json_object_get(o, "n")), 2);
    assert_string_equal(json_string_value(json_object_get(o, "assignee")), "tk.cm2");
    assert_string_equal(json_string_value(json_object_get(o, "stage")), "assessment");
    assert_true(json_is_false(json_object_get(o, "overdue")));
    json_decref(o);
    assert_int_equal(send(&fx.cm2, "GET", path, NULL, &o), 200);
    json_t *tasks = json_object_get(o, "tasks");
    assert_int_equal(json_array_size(tasks), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(tasks, 0), "title")), TITLE_SECRET);
    json_decref(o);
    /* another organisation's supervisor and a first responder who did not open it: 404 */
    expect_error(&fx.sup_b, "GET", path, NULL, 404, "code", NULL);
    expect_error(&fx.fr, "GET", path, NULL, 404, "code", NULL);
    expect_error(&fx.analyst, "GET", path, NULL, 403, "", NULL);
}

static void test_create_errors(void **state)
{
    (void)state;
    char path[PATH_LEN], long_title[600], body[800];
    case_path(fx.c1, "/tasks", path);
    expect_error(&fx.cm1, "POST", path, "{\"due_on\":\"2030-01-01\"}", 400, "title", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"title\":\"\",\"due_on\":\"2030-01-01\"}", 400, "title", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"title\":7,\"due_on\":\"2030-01-01\"}", 400, "title", NULL);
    memset(long_title, 'q', 501);
    long_title[501] = '\0';
    snprintf(body, sizeof body, "{\"title\":\"%s\",\"due_on\":\"2030-01-01\"}", long_title);
    expect_error(&fx.cm1, "POST", path, body, 400, "title", long_title);
    long_title[500] = '\0'; /* exactly 500 bytes is allowed */
    snprintf(body, sizeof body, "{\"title\":\"%s\",\"due_on\":\"2030-01-01\"}", long_title);
    make_task(&fx.cm1, fx.c1, body);
    expect_error(&fx.cm1, "POST", path, "{\"title\":\"Oydantap\\nline two\",\"due_on\":\"2030-01-01\"}", 400,
                 "title", "Oydantap");
    expect_error(&fx.cm1, "POST", path, "{\"title\":\"" TITLE_SECRET "\"}", 400, "due_on", TITLE_SECRET);
    expect_error(&fx.cm1, "POST", path, "{\"title\":\"x\",\"due_on\":\"2030-02-30\"}", 400, "due_on", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"title\":\"x\",\"due_on\":\"1999-12-31\"}", 400, "due_on", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"title\":\"x\",\"due_on\":\"tomorrow\"}", 400, "due_on", "tomorrow");
    expect_error(&fx.cm1, "POST", path, "{\"title\":\"x\",\"due_on\":\"2030-01-01\",\"stage\":\"closure\"}", 400,
                 "stage", NULL);
    expect_error(&fx.cm1, "POST", path, "{\"title\":\"x\",\"due_on\":\"2030-01-01\",\"stage\":\"nowhere\"}", 400,
                 "stage", "nowhere");
    expect_error(&fx.cm1, "POST", path, "{\"title\":\"x\",\"due_on\":\"2030-01-01\",\"" UNKNOWN_KEY "\":1}", 400,
                 "body", UNKNOWN_KEY);
    /* an assignee who does not exist, works elsewhere, has no case role or does not
     * see the case: one answer, never the login */
    const char *logins[] = {"oydantap.nobody", "tk.sup.b", "tk.analyst", "tk.fr", "tk.auditor"};
    for (size_t i = 0; i < sizeof logins / sizeof *logins; i++) {
        snprintf(body, sizeof body, "{\"title\":\"x\",\"due_on\":\"2030-01-01\",\"assignee\":\"%s\"}", logins[i]);
        expect_error(&fx.cm1, "POST", path, body, 400, "assignee", logins[i]);
    }
    /* the other organisation's case: hidden, and a first responder may not write it */
    case_path(fx.cb, "/tasks", body);
    expect_error(&fx.cm1, "POST", body, "{\"title\":\"x\",\"due_on\":\"2030-01-01\"}", 404, "code", NULL);
    expect_error(&fx.analyst, "POST", path, "{\"title\":\"x\",\"due_on\":\"2030-01-01\"}", 403, "", NULL);
    expect_error(&fx.cm1, "POST", "/api/v1/cases/QG-NOT-A-CODE/tasks", "{\"title\":\"x\",\"due_on\":\"2030-01-01\"}",
                 400, "code", NULL);
}

static void test_update(void **state)
{
    (void)state;
    char path[PATH_LEN];
    json_t *o = NULL;
    int64_t n = make_task(&fx.cm1, fx.c1, "{\"title\":\"Oydantap to change\",\"due_on\":\"2030-03-03\"}");
    char suffix[32];
    snprintf(suffix, sizeof suffix, "/tasks/%lld", (long long)n);
    case_path(fx.c1, suffix, path);
    assert_int_equal(send(&fx.cm2, "PATCH", path,
                          "{\"title\":\"" TITLE_SECRET2 "\",\"due_on\":\"2030-04-04\",\"assignee\":\"tk.cm2\","
                          "\"stage\":\"referral\",\"version\":1}",
                          &o),
                     200);
    assert_string_equal(json_string_value(json_object_get(o, "title")), TITLE_SECRET2);
    assert_string_equal(json_string_value(json_object_get(o, "due_on")), "2030-04-04");
    assert_string_equal(json_string_value(json_object_get(o, "assignee")), "tk.cm2");
    assert_string_equal(json_string_value(json_object_get(o, "stage")), "referral");
    assert_int_equal(json_integer_value(json_object_get(o, "version")), 2);
    json_decref(o);
    expect_error(&fx.cm1, "PATCH", path, "{\"status\":\"done\",\"version\":1}", 409, "version", NULL);
    assert_int_equal(send(&fx.cm1, "PATCH", path, "{\"status\":\"done\",\"version\":2}", &o), 200);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "done");
    json_decref(o);
    expect_error(&fx.cm1, "PATCH", path, "{\"status\":\"finished\"}", 400, "status", "finished");
    expect_error(&fx.cm1, "PATCH", path, "{\"version\":3}", 400, "body", NULL);
    expect_error(&fx.cm1, "PATCH", path, "{}", 400, "body", NULL);
    expect_error(&fx.cm1, "PATCH", path, "{\"" UNKNOWN_KEY "\":\"x\"}", 400, "body", UNKNOWN_KEY);
    expect_error(&fx.cm1, "PATCH", path, "{\"stage\":\"closure\"}", 400, "stage", NULL);
    expect_error(&fx.cm1, "PATCH", path, "{\"assignee\":\"tk.sup.b\"}", 400, "assignee", "tk.sup.b");
    expect_error(&fx.cm1, "PATCH", path, "{\"title\":\"two\\nlines\"}", 400, "title", NULL);
    case_path(fx.c1, "/tasks/999", path);
    expect_error(&fx.cm1, "PATCH", path, "{\"status\":\"done\"}", 404, "task", NULL);
    case_path(fx.c1, "/tasks/abc", path);
    expect_error(&fx.cm1, "PATCH", path, "{\"status\":\"done\"}", 404, "task", NULL);
}

/* A closed case takes no new task and no change to one; its tasks leave the due list. */
static void test_closed_case(void **state)
{
    (void)state;
    char path[PATH_LEN], task[PATH_LEN];
    int64_t n = make_task(&fx.cm1, fx.c3, "{\"title\":\"Oydantap closing\",\"due_on\":\"2001-01-01\"}");
    json_t *o = due_list(&fx.cm1, "?overdue=1");
    assert_true(holds(json_object_get(o, "tasks"), fx.c3, "n", n));
    json_decref(o);
    case_path(fx.c3, "/close", path);
    assert_int_equal(send(&fx.sup, "POST", path, "{\"reason\":\"recovered\"}", NULL), 200);
    case_path(fx.c3, "/tasks", path);
    expect_error(&fx.cm1, "POST", path, "{\"title\":\"x\",\"due_on\":\"2030-01-01\"}", 409, "status", NULL);
    snprintf(task, sizeof task, "%s/%lld", path, (long long)n);
    expect_error(&fx.cm1, "PATCH", task, "{\"status\":\"done\"}", 409, "status", NULL);
    o = due_list(&fx.cm1, "?overdue=1");
    assert_false(holds(json_object_get(o, "tasks"), fx.c3, "n", n));
    json_decref(o);
    assert_int_equal(send(&fx.cm1, "GET", path, NULL, &o), 200); /* still readable */
    assert_int_equal(json_array_size(json_object_get(o, "tasks")), 1);
    json_decref(o);
}

/* ---- the due list across cases ------------------------------------------------------------ */

/* Every item has the documented fields, and in a case manager's list is their own. */
static void check_items(json_t *tasks, const char *only_assignee)
{
    size_t i;
    json_t *t;
    json_array_foreach(tasks, i, t) {
        const char *keys[] = {"case", "n", "stage", "title", "due_on", "overdue", "assignee", "status"};
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            assert_non_null(json_object_get(t, keys[k]));
        assert_string_equal(json_string_value(json_object_get(t, "status")), "open");
        if (only_assignee)
            assert_string_equal(json_string_value(json_object_get(t, "assignee")), only_assignee);
    }
}

static void test_due_lists(void **state)
{
    (void)state;
    int64_t a = make_task(&fx.cm1, fx.c1, "{\"title\":\"Oydantap A\",\"due_on\":\"2001-01-01\"}");
    int64_t b = make_task(&fx.cm1, fx.c1, "{\"title\":\"Oydantap B\",\"due_on\":\"2001-01-02\",\"assignee\":\"tk.cm2\"}");
    int64_t later = make_task(&fx.cm1, fx.c1, "{\"title\":\"Oydantap C\",\"due_on\":\"2099-01-01\"}");
    int64_t d = make_task(&fx.cm1, fx.c2, "{\"title\":\"Oydantap D\",\"due_on\":\"2001-01-03\"}");
    int64_t other = make_task(&fx.sup_b, fx.cb, "{\"title\":\"Oydantap other\",\"due_on\":\"2001-01-01\"}");

    json_t *o = due_list(&fx.cm1, "?overdue=1"); /* a case manager: their own, overdue */
    json_t *tasks = json_object_get(o, "tasks");
    check_items(tasks, "tk.cm1");
    assert_true(holds(tasks, fx.c1, "n", a) && holds(tasks, fx.c2, "n", d));
    assert_false(holds(tasks, fx.c1, "n", b) || holds(tasks, fx.c1, "n", later) || holds(tasks, fx.cb, "n", other));
    assert_string_equal(json_string_value(json_object_get(json_array_get(tasks, 0), "due_on")), "2001-01-01");
    assert_true(json_is_true(json_object_get(json_array_get(tasks, 0), "overdue")));
    json_decref(o);
    o = due_list(&fx.cm1, ""); /* everything open, the later one too */
    assert_true(holds(json_object_get(o, "tasks"), fx.c1, "n", later));
    json_decref(o);
    o = due_list(&fx.cm1, "?due_before=2050-01-01");
    assert_false(holds(json_object_get(o, "tasks"), fx.c1, "n", later));
    assert_true(holds(json_object_get(o, "tasks"), fx.c1, "n", a));
    json_decref(o);

    o = due_list(&fx.sup, "?overdue=1"); /* a supervisor: the organisation's */
    tasks = json_object_get(o, "tasks");
    check_items(tasks, NULL);
    assert_true(holds(tasks, fx.c1, "n", a) && holds(tasks, fx.c1, "n", b) && holds(tasks, fx.c2, "n", d));
    assert_false(holds(tasks, fx.cb, "n", other) || holds(tasks, fx.c1, "n", later));
    json_decref(o);
    o = due_list(&fx.sup_b, "?overdue=1");
    assert_true(holds(json_object_get(o, "tasks"), fx.cb, "n", other));
    assert_int_equal(json_array_size(json_object_get(o, "tasks")), 1);
    json_decref(o);

    expect_error(&fx.analyst, "GET", "/api/v1/tasks", NULL, 403, "", NULL);
    expect_error(&fx.auditor, "GET", "/api/v1/tasks?overdue=1", NULL, 403, "", NULL);
    expect_error(&fx.cm1, "GET", "/api/v1/tasks?due_before=2030-02-31", NULL, 400, "due_before", NULL);
    expect_error(&fx.cm1, "GET", "/api/v1/tasks?overdue=yes", NULL, 400, "overdue", NULL);

    /* unassigned from c2, cm1 no longer sees its task; the supervisor still does */
    char path[PATH_LEN], suffix[64];
    snprintf(suffix, sizeof suffix, "/assignments/%lld", (long long)fx.cm1_id);
    case_path(fx.c2, suffix, path);
    assert_int_equal(send(&fx.sup, "DELETE", path, NULL, NULL), 204);
    o = due_list(&fx.cm1, "?overdue=1");
    assert_false(holds(json_object_get(o, "tasks"), fx.c2, "n", d));
    assert_true(holds(json_object_get(o, "tasks"), fx.c1, "n", a));
    json_decref(o);
    o = due_list(&fx.sup, "?overdue=1");
    assert_true(holds(json_object_get(o, "tasks"), fx.c2, "n", d));
    json_decref(o);
}

/* ---- the child's own record ---------------------------------------------------------------- */

static httpc_response *child_record(const qgt_session *s, const char *code, const char *query)
{
    char path[PATH_LEN], suffix[64];
    snprintf(suffix, sizeof suffix, "/child-record%s", query);
    case_path(code, suffix, path);
    return qgt_call(&fx.env, s, "GET", path, NULL);
}

static void test_child_record(void **state)
{
    (void)state;
    httpc_response *kk = child_record(&fx.cm1, fx.c1, "");
    httpc_response *ru = child_record(&fx.sup, fx.c1, "?lang=ru");
    httpc_response *en = child_record(&fx.cm1, fx.c1, "?lang=en");
    assert_non_null(kk);
    assert_non_null(ru);
    assert_non_null(en);
    assert_int_equal(kk->status, 200);
    assert_int_equal(ru->status, 200);
    assert_int_equal(en->status, 200);
    assert_non_null(strstr(httpc_header(kk, "Content-Type"), "text/plain"));
    char disposition[96];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"child-record-%s.txt\"", fx.c1);
    assert_string_equal(httpc_header(kk, "Content-Disposition"), disposition);
    for (httpc_response *r = kk; r; r = r == kk ? ru : r == ru ? en : NULL) {
        assert_non_null(strstr(r->body, GIVEN_NAME));
        assert_non_null(strstr(r->body, fx.c1));
        assert_null(strstr(r->body, CONTACT_SECRET));
        assert_null(strstr(r->body, "Oydantap koshesi")); /* the address: never */
        assert_null(strstr(r->body, "tk.")); /* no worker's login */
        assert_null(strstr(r->body, TITLE_SECRET)); /* tasks are the workers' */
    }
    assert_non_null(strstr(kk->body, "Сен туралы"));
    assert_non_null(strstr(ru->body, "О тебе"));
    assert_non_null(strstr(en->body, "About you"));
    assert_null(strstr(kk->body, "О тебе"));
    httpc_response_free(kk);
    httpc_response_free(ru);
    httpc_response_free(en);

    char path[PATH_LEN];
    case_path(fx.c1, "/child-record?lang=xx", path);
    expect_error(&fx.cm1, "GET", path, NULL, 400, "lang", "xx");
    case_path(fx.c1, "/child-record", path);
    expect_error(&fx.fr, "GET", path, NULL, 403, "", NULL);
    expect_error(&fx.analyst, "GET", path, NULL, 403, "", NULL);
    expect_error(&fx.sup_b, "GET", path, NULL, 404, "code", NULL);
    case_path(fx.c2, "/child-record", path); /* cm1 was unassigned from c2 */
    expect_error(&fx.cm1, "GET", path, NULL, 404, "code", NULL);
}

/* ---- the forms, through their own API, in the due list and the child's record ---------- */

static void add_form(const char *code, const char *kind, const char *body)
{
    char path[PATH_LEN], suffix[64];
    snprintf(suffix, sizeof suffix, "/%s", kind);
    case_path(code, suffix, path);
    int status = send(&fx.cm1, "POST", path, body, NULL);
    if (status != 201)
        fail_msg("POST %s: %d", kind, status);
}

static void test_forms_end_to_end(void **state)
{
    (void)state;
    char c4[32];
    open_case(&fx.sup,
              "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"personal\":{\"given_name\":\"" GIVEN_NAME "\","
              "\"relatives\":[{\"name\":\"Tuystykkanareyka\",\"relation\":\"brother\"}]}}",
              c4);
    assign(c4, fx.cm1_id);
    add_form(c4, "assessments",
             "{\"assessed_on\":\"2020-01-01\",\"elements\":{\"safety\":{\"level\":\"urgent\","
             "\"notes\":\"Oydantap korinetin bagalau\"},\"trafficking_circumstances\":{\"level\":\"not_assessed\"},"
             "\"migration\":{\"level\":\"no_action\"},\"basic_needs\":{\"level\":\"no_action\"},"
             "\"housing\":{\"level\":\"needs_attention\"},\"strengths_resources\":{\"level\":\"no_action\"},"
             "\"health\":{\"level\":\"no_action\"},\"risks\":{\"level\":\"no_action\"}},"
             "\"summary\":\"Oydantap qysqasha\"}");
    add_form(c4, "safety-plans",
             "{\"made_on\":\"2020-01-01\",\"review_on\":\"2020-06-01\",\"current_risks\":\"Qauipkanareyka\","
             "\"prevention\":\"Qauipkanareyka\",\"if_threatened\":\"Oydantap qongyrau\","
             "\"child_view\":\"Menin oyym Oydantap\",\"triggers\":\"Triggerkanareyka\","
             "\"options\":{\"escaped\":\"Oydantap qashu\"},\"harm_channels\":{\"online\":\"Qauipkanareyka\"}}");
    add_form(c4, "action-plans",
             "{\"made_on\":\"2020-01-02\",\"goals\":[{\"term\":\"short\",\"goal\":\"Oydantap maqsat\","
             "\"owner\":\"tk.cm1\",\"owner_note\":\"Iesikanareyka\",\"due_on\":\"2020-12-01\"}]}");
    add_form(c4, "interactions",
             "{\"on\":\"2020-01-03\",\"channel\":\"phone\",\"participants\":[\"child\"],"
             "\"summary\":\"Oydantap korinetin angime\"}");
    add_form(c4, "interactions",
             "{\"on\":\"2020-01-04\",\"channel\":\"online\",\"participants\":[\"child\"],"
             "\"summary\":\"Zhasyrylgankanareyka\",\"withheld_from_child\":true}");

    json_t *o = due_list(&fx.cm1, "?overdue=1");
    assert_true(holds(json_object_get(o, "reviews"), c4, "plan", 1));
    json_decref(o);

    httpc_response *r = child_record(&fx.cm1, c4, "?lang=en");
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    const char *shown[] = {GIVEN_NAME, "Oydantap korinetin bagalau", "Oydantap qysqasha", "Menin oyym Oydantap",
                           "Oydantap qongyrau", "Oydantap qashu", "01.06.2020", "Oydantap maqsat", "01.12.2020",
                           "03.01.2020, Phone: Oydantap korinetin angime", "Some records are not included here."};
    const char *never[] = {"Tuystykkanareyka", "Qauipkanareyka", "Triggerkanareyka", "Iesikanareyka",
                           "Zhasyrylgankanareyka", "tk.", "04.01.2020"};
    for (size_t i = 0; i < sizeof shown / sizeof *shown; i++)
        if (!strstr(r->body, shown[i]))
            fail_msg("the child's record lacks expected part %zu", i);
    for (size_t i = 0; i < sizeof never / sizeof *never; i++)
        if (strstr(r->body, never[i]))
            fail_msg("the child's record holds forbidden part %zu", i);
    httpc_response_free(r);
}

/* ---- safety-plan reviews ------------------------------------------------------------------- */

/* Writes a safety plan row of case code straight into the database file (the server
 * must be stopped), with dates the forms API would refuse (a review long past, several
 * plans on one day). The row is marked withheld so nothing tries to open its
 * placeholder sealed text. */
static void add_plan(const char *code, int n, const char *review_on)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' \"INSERT INTO case_records (case_id, kind, n, on_date, due_on, meta, sealed,"
             " withheld, created_at, updated_at) SELECT id, 'safety_plan', %d, '2001-01-01', '%s', '{}',"
             " X'00', 1, '2001-01-01T00:00:00Z', '2001-01-01T00:00:00Z' FROM cases WHERE code = '%s'\"",
             fx.env.db, n, review_on, code);
    assert_int_equal(system(cmd), 0);
}

static void test_reviews(void **state)
{
    (void)state;
    if (system("command -v sqlite3 >/dev/null 2>&1") != 0)
        skip(); /* scripts/deps.sh installs it */
    assert_int_equal(qgt_server_stop(&fx.env), 0);
    add_plan(fx.c1, 1, "2001-05-05");
    add_plan(fx.c1, 2, "2002-02-02"); /* the newest: only this one counts */
    add_plan(fx.c2, 1, "2003-03-03");
    add_plan(fx.c2, 2, "2099-09-09"); /* newest, not yet due */
    add_plan(fx.c3, 1, "2001-01-01"); /* a closed case: never listed */
    add_plan(fx.cb, 1, "2001-01-01");
    assert_true(qgt_server_start(&fx.env, NULL));

    json_t *o = due_list(&fx.cm2, "?overdue=1");
    json_t *reviews = json_object_get(o, "reviews");
    assert_true(holds(reviews, fx.c1, "plan", 2));
    assert_false(holds(reviews, fx.c1, "plan", 1) || holds(reviews, fx.c2, "plan", 2) ||
                 holds(reviews, fx.c3, "plan", 1) || holds(reviews, fx.cb, "plan", 1));
    json_t *first = json_array_get(reviews, 0);
    assert_string_equal(json_string_value(json_object_get(first, "review_on")), "2002-02-02");
    assert_true(json_is_true(json_object_get(first, "overdue")));
    json_decref(o);
    o = due_list(&fx.cm1, ""); /* unassigned from c2: not its plan either */
    assert_true(holds(json_object_get(o, "reviews"), fx.c1, "plan", 2));
    assert_false(holds(json_object_get(o, "reviews"), fx.c2, "plan", 2));
    json_decref(o);
    o = due_list(&fx.sup, "?overdue=1");
    assert_true(holds(json_object_get(o, "reviews"), fx.c1, "plan", 2));
    assert_false(holds(json_object_get(o, "reviews"), fx.c2, "plan", 2));
    assert_false(holds(json_object_get(o, "reviews"), fx.cb, "plan", 1));
    json_decref(o);
    o = due_list(&fx.sup, "");
    assert_true(holds(json_object_get(o, "reviews"), fx.c2, "plan", 2));
    assert_false(holds(json_object_get(o, "reviews"), fx.c3, "plan", 1));
    json_decref(o);
    o = due_list(&fx.sup, "?due_before=2050-01-01");
    assert_false(holds(json_object_get(o, "reviews"), fx.c2, "plan", 2));
    json_decref(o);
    o = due_list(&fx.sup_b, "?overdue=1");
    assert_true(holds(json_object_get(o, "reviews"), fx.cb, "plan", 1));
    assert_int_equal(json_array_size(json_object_get(o, "reviews")), 1);
    json_decref(o);
}

/* ---- privacy and audit ------------------------------------------------------------------- */

static void test_privacy_and_audit(void **state)
{
    (void)state;
    char wal[QGT_PATH + 8];
    snprintf(wal, sizeof wal, "%s-wal", fx.env.db);
    const char *secrets[] = {TITLE_SECRET, TITLE_SECRET2, CONTACT_SECRET, GIVEN_NAME};
    static char out[QGT_OUT], errout[QGT_OUT];
    const char *const argv[] = {"audit", "list", "--limit", "500", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, argv), 0);
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
        assert_false(qgt_file_contains(fx.env.db, secrets[i]));
        assert_false(qgt_file_contains(wal, secrets[i])); /* false too when there is none */
        assert_false(qgt_file_contains(fx.env.log, secrets[i]));
        assert_null(strstr(out, secrets[i]));
    }
    const char *actions[] = {"\"task.create\"", "\"task.read\"", "\"task.update\"", "\"task.list\"",
                             "\"case.child_record\""};
    for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
        assert_non_null(strstr(out, actions[i]));
    assert_non_null(strstr(out, "\"lang\":\"ru\""));
    const char *const verify[] = {"audit", "verify", NULL};
    assert_int_equal(qgt_cli(&fx.env, true, NULL, out, errout, verify), 0);
    assert_int_equal(qgt_server_stop(&fx.env), 0); /* everything checkpointed into the file */
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        assert_false(qgt_file_contains(fx.env.db, secrets[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_create_and_read),
        cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_update),
        cmocka_unit_test(test_closed_case),
        cmocka_unit_test(test_due_lists),
        cmocka_unit_test(test_child_record),
        cmocka_unit_test(test_forms_end_to_end),
        cmocka_unit_test(test_reviews),
        cmocka_unit_test(test_privacy_and_audit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
