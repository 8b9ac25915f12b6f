/*
 * test_consent.c — unit tests of consent (issue 5 §3). Without a database: the create
 * and withdrawal bodies, each field (purpose, the org_id rule — required for sharing
 * and only for sharing —, given_by codes, dates real, not future and not before 2000,
 * the note's length and UTF-8), unknown keys, and that no refusal repeats what was
 * sent. On a real app in a temporary directory (app_init_files + app_open, direct
 * writes, users seeded with SQL): recording each purpose, consent_active for each purpose
 * and organisation before and after withdrawal, one active consent per purpose,
 * unknown organisations, withdrawal dates, a second withdrawal, statistics withdrawn,
 * refused without a consent (opt-out) and consented to again
 * (consent_case_in_statistics), a closed case still taking consent, the policy (403 for
 * analysts, auditors and admins, 404 for another organisation), the note sealed, and an
 * audit chain that verifies and holds neither the note nor its canary. The database tests
 * run on SQLite, and again on PostgreSQL when $QORGAU_TEST_PG names one (scripts/pg-test.sh;
 * skipped visibly otherwise), each on an emptied database.
 *
 * All names and texts are made up.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/account/account.h"
#include "core/instance/app_open.h"
#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/referral/consent.h"
#include "core/common/sealed.h"
#include "core/case/stage.h"
#include "base/text.h"
#include "support/tmpdir.h"

#define NOTE_CANARY "Kelisimkanareyka Oydantap"
#define UNKNOWN_KEY "Oydantapkilt"

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    if (!v)
        fail_msg("bad test JSON: %s", e.text);
    return v;
}

/* got must be want naming field; the message must not hold not_echoed (may be NULL). */
static void expect(qg_code got, const qg_error *err, qg_code want, const char *field, const char *not_echoed)
{
    if (got != want)
        fail_msg("want code %d (%s), got %d (%s: %s)", want, field, got, err->field, err->message);
    if (strcmp(err->field, field) != 0)
        fail_msg("want field \"%s\", got \"%s\" (%s)", field, err->field, err->message);
    if (not_echoed && strstr(err->message, not_echoed))
        fail_msg("the error repeats what was sent");
}

/* ---- bodies, without a database ------------------------------------------------------ */

static void create_fails(const char *body, const char *field, const char *not_echoed)
{
    json_t *b = J(body);
    qg_error err = {0};
    qg_code c = consent_check_create(b, &err);
    json_decref(b);
    expect(c, &err, QG_EINVAL, field, not_echoed);
}

static void create_ok(const char *body)
{
    json_t *b = J(body);
    qg_error err = {0};
    qg_code c = consent_check_create(b, &err);
    json_decref(b);
    if (c != QG_OK)
        fail_msg("want OK, got %s: %s", err.field, err.message);
}

static void test_create_body_purpose_and_org(void **state)
{
    (void)state;
    create_ok("{\"purpose\":\"services\",\"given_by\":\"child\"}");
    create_ok("{\"purpose\":\"statistics\",\"given_by\":\"parent\"}");
    create_ok("{\"purpose\":\"sharing\",\"org_id\":2,\"given_by\":\"guardian\"}");
    create_fails("{\"given_by\":\"child\"}", "purpose", NULL);
    create_fails("{\"purpose\":\"Oydantapmaqsat\",\"given_by\":\"child\"}", "purpose", "Oydantapmaqsat");
    create_fails("{\"purpose\":7,\"given_by\":\"child\"}", "purpose", NULL);
    create_fails("{\"purpose\":\"SERVICES\",\"given_by\":\"child\"}", "purpose", NULL);
    /* org_id: required for sharing, and only for sharing */
    create_fails("{\"purpose\":\"sharing\",\"given_by\":\"child\"}", "org_id", NULL);
    create_fails("{\"purpose\":\"services\",\"org_id\":2,\"given_by\":\"child\"}", "org_id", NULL);
    create_fails("{\"purpose\":\"statistics\",\"org_id\":2,\"given_by\":\"child\"}", "org_id", NULL);
    create_fails("{\"purpose\":\"services\",\"org_id\":null,\"given_by\":\"child\"}", "org_id", NULL);
    create_fails("{\"purpose\":\"sharing\",\"org_id\":0,\"given_by\":\"child\"}", "org_id", NULL);
    create_fails("{\"purpose\":\"sharing\",\"org_id\":-3,\"given_by\":\"child\"}", "org_id", NULL);
    create_fails("{\"purpose\":\"sharing\",\"org_id\":\"2\",\"given_by\":\"child\"}", "org_id", NULL);
    create_fails("{\"purpose\":\"sharing\",\"org_id\":2.5,\"given_by\":\"child\"}", "org_id", NULL);
    create_fails("{\"purpose\":\"sharing\",\"org_id\":null,\"given_by\":\"child\"}", "org_id", NULL);
}

static void test_create_body_giver_dates_note(void **state)
{
    (void)state;
    const char *givers[] = {"child", "parent", "guardian", "other"};
    char body[256], today[11];
    for (size_t i = 0; i < sizeof givers / sizeof *givers; i++) {
        snprintf(body, sizeof body, "{\"purpose\":\"services\",\"given_by\":\"%s\"}", givers[i]);
        create_ok(body);
    }
    create_fails("{\"purpose\":\"services\"}", "given_by", NULL);
    create_fails("{\"purpose\":\"services\",\"given_by\":\"Oydantapadam\"}", "given_by", "Oydantapadam");
    create_fails("{\"purpose\":\"services\",\"given_by\":\"Child\"}", "given_by", NULL);
    create_fails("{\"purpose\":\"services\",\"given_by\":[\"child\"]}", "given_by", NULL);
    /* dates: real, written YYYY-MM-DD, from 2000, never in the future; today is fine */
    text_today(today);
    snprintf(body, sizeof body, "{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":\"%s\"}", today);
    create_ok(body);
    create_ok("{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":\"2000-01-01\"}");
    create_ok("{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":\"2024-02-29\"}");
    create_fails("{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":\"2023-02-29\"}", "given_on", NULL);
    create_fails("{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":\"1999-12-31\"}", "given_on", NULL);
    create_fails("{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":\"2999-01-01\"}", "given_on", NULL);
    create_fails("{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":\"yesterday\"}", "given_on",
                 "yesterday");
    create_fails("{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":\"2020-1-5\"}", "given_on", NULL);
    create_fails("{\"purpose\":\"services\",\"given_by\":\"child\",\"given_on\":20200105}", "given_on", NULL);
    /* the note: text, at most 1000 bytes, UTF-8 without control characters (lines allowed) */
    create_ok("{\"purpose\":\"services\",\"given_by\":\"other\",\"note\":\"" NOTE_CANARY "\\nekinshi jol\"}");
    create_ok("{\"purpose\":\"services\",\"given_by\":\"other\",\"note\":\"Апайы, қызметкер\"}");
    create_fails("{\"purpose\":\"services\",\"given_by\":\"other\",\"note\":\"\"}", "note", NULL);
    create_fails("{\"purpose\":\"services\",\"given_by\":\"other\",\"note\":5}", "note", NULL);
    create_fails("{\"purpose\":\"services\",\"given_by\":\"other\",\"note\":\"" NOTE_CANARY "\\u0007\"}", "note",
                 NOTE_CANARY);
    char *note = malloc(CONSENT_NOTE_MAX + 2), *big = malloc(CONSENT_NOTE_MAX + 128);
    assert_non_null(note);
    assert_non_null(big);
    memset(note, 'q', CONSENT_NOTE_MAX);
    note[CONSENT_NOTE_MAX] = '\0';
    snprintf(big, CONSENT_NOTE_MAX + 128, "{\"purpose\":\"services\",\"given_by\":\"other\",\"note\":\"%s\"}", note);
    create_ok(big); /* exactly the limit */
    memcpy(note + CONSENT_NOTE_MAX - 1, "qq", 3);
    snprintf(big, CONSENT_NOTE_MAX + 128, "{\"purpose\":\"services\",\"given_by\":\"other\",\"note\":\"%s\"}", note);
    create_fails(big, "note", "qqqqqqqq");
    free(note);
    free(big);
}

static void test_create_body_keys(void **state)
{
    (void)state;
    create_fails("{\"purpose\":\"services\",\"given_by\":\"child\",\"" UNKNOWN_KEY "\":1}", "body", UNKNOWN_KEY);
    create_fails("{\"purpose\":\"services\",\"given_by\":\"child\",\"withdrawn_on\":\"2020-01-01\"}", "body", NULL);
    create_fails("{\"purpose\":\"services\",\"given_by\":\"child\",\"recorded_by\":\"x\"}", "body", NULL);
    json_t *arr = json_array();
    qg_error err = {0};
    expect(consent_check_create(arr, &err), &err, QG_EINVAL, "body", NULL);
    json_decref(arr);
}

static void withdraw_check(const char *body, qg_code want, const char *field, const char *not_echoed)
{
    json_t *b = J(body);
    qg_error err = {0};
    qg_code c = consent_check_withdraw(b, &err);
    json_decref(b);
    if (want == QG_OK)
        assert_int_equal(c, QG_OK);
    else
        expect(c, &err, want, field, not_echoed);
}

static void test_withdraw_body(void **state)
{
    (void)state;
    withdraw_check("{}", QG_OK, NULL, NULL);
    withdraw_check("{\"withdrawn_on\":\"2021-06-01\"}", QG_OK, NULL, NULL);
    withdraw_check("{\"withdrawn_on\":\"2021-06-31\"}", QG_EINVAL, "withdrawn_on", NULL);
    withdraw_check("{\"withdrawn_on\":\"2999-06-01\"}", QG_EINVAL, "withdrawn_on", NULL);
    withdraw_check("{\"withdrawn_on\":\"Oydantapkun\"}", QG_EINVAL, "withdrawn_on", "Oydantapkun");
    withdraw_check("{\"withdrawn_on\":null}", QG_EINVAL, "withdrawn_on", NULL);
    withdraw_check("{\"" UNKNOWN_KEY "\":true}", QG_EINVAL, "body", UNKNOWN_KEY);
    withdraw_check("{\"purpose\":\"sharing\"}", QG_EINVAL, "body", NULL);
}

/* ---- on a real app ----------------------------------------------------------------------- */

typedef struct {
    char dir[QGT_TMPDIR_MAX];
    char db_path[QGT_TMPDIR_MAX + 32];
    char key_path[QGT_TMPDIR_MAX + 32];
    qg_app *app;
    int64_t org_a, org_b, org_c;
    qg_actor sys, sup, cm, cm_other, fr, analyst, auditor, admin, sup_b;
    char code[QG_CODE_SIZE];
    int64_t case_id;
} fx;

typedef struct {
    int64_t org;
    const char *login, *role;
    int64_t id;
} seed_user;

static qg_code insert_seed_user(db *conn, void *arg, qg_error *err)
{
    seed_user *u = arg;
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO users (org_id, login, role, pw_hash, disabled, created_at,"
                             " pw_changed_at) VALUES (?, ?, ?, 'seeded-without-password', 0,"
                             " '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, u->org);
    db_bind_text(st, 2, u->login);
    db_bind_text(st, 3, u->role);
    int rc = db_step(st, err);
    if (rc == 1)
        u->id = db_col_int(st, 0);
    db_done(st);
    return rc == 1 ? QG_OK : err->code;
}

static qg_actor seed(fx *f, int64_t org, const char *login, const char *role)
{
    seed_user u = {.org = org, .login = login, .role = role};
    qg_error err = {0};
    if (writer_run(f->app->writer, insert_seed_user, &u, &err) != QG_OK)
        fail_msg("seeding a user: %s", err.message);
    return (qg_actor){.user_id = u.id, .org_id = org, .role = role_from_code(role)};
}

/* Opens a case of org A as its supervisor and assigns the case manager. */
static void open_case(fx *f)
{
    json_t *body = J("{\"sex\":\"Feminine\",\"region\":\"almaty\"}"), *out = NULL;
    qg_error err = {0};
    if (case_create(f->app, &f->sup, body, &out, &err) != QG_OK)
        fail_msg("case_create: %s %s", err.field, err.message);
    json_decref(body);
    snprintf(f->code, sizeof f->code, "%s", json_string_value(json_object_get(out, "code")));
    json_decref(out);
    assert_int_equal(case_assign(f->app, &f->sup, f->code, f->cm.user_id, &err), QG_OK);
    db *conn = db_pool_acquire(f->app->readers);
    assert_int_equal(case_find_for(conn, &f->sys, ACT_CASE_READ, f->code, &f->case_id, &err), QG_OK);
    db_pool_release(f->app->readers, conn);
}

/* Empties the PostgreSQL test database at url: its public schema is dropped and made again. */
static void reset_pg(const char *url)
{
    db *conn = NULL;
    qg_error err = {0};
    if (db_open(url, true, &conn, &err) == QG_ECONFLICT)
        assert_int_equal(db_open(url, false, &conn, &err), QG_OK);
    assert_non_null(conn);
    assert_int_equal(db_exec(conn, "DROP SCHEMA public CASCADE; CREATE SCHEMA public", &err), QG_OK);
    db_close(conn);
}

/* Opens a fresh app on url (a PostgreSQL URI) or, when NULL, on a new SQLite file. */
static int setup_on(void **state, const char *url)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_true(qgt_tmpdir_make("consent", f->dir, sizeof f->dir));
    if (url) {
        reset_pg(url);
        snprintf(f->db_path, sizeof f->db_path, "%s", url);
    } else {
        assert_true(qgt_tmpdir_path(f->dir, "qorgau.db", f->db_path, sizeof f->db_path));
    }
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db.key", f->key_path, sizeof f->key_path));
    qg_error err = {0};
    assert_int_equal(app_init_files(f->db_path, f->key_path, &err), QG_OK);
    assert_int_equal(app_open(f->db_path, f->key_path, 2, false, &f->app, &err), QG_OK);
    f->sys = actor_system();
    assert_int_equal(org_create(f->app, &f->sys, "Kelisim NGO (test)", "ngo", "almaty", &f->org_a, &err), QG_OK);
    assert_int_equal(org_create(f->app, &f->sys, "Kelisim Police (test)", "police", "astana", &f->org_b, &err),
                     QG_OK);
    assert_int_equal(org_create(f->app, &f->sys, "Kelisim Clinic (test)", "health", "almaty", &f->org_c, &err),
                     QG_OK);
    f->sup = seed(f, f->org_a, "ks.sup", "supervisor");
    f->cm = seed(f, f->org_a, "ks.cm", "case_manager");
    f->cm_other = seed(f, f->org_a, "ks.cm2", "case_manager");
    f->fr = seed(f, f->org_a, "ks.fr", "first_responder");
    f->analyst = seed(f, f->org_a, "ks.analyst", "analyst");
    f->auditor = seed(f, f->org_a, "ks.auditor", "auditor");
    f->admin = seed(f, f->org_a, "ks.admin", "admin");
    f->sup_b = seed(f, f->org_b, "ks.sup.b", "supervisor");
    open_case(f);
    *state = f;
    return 0;
}

static int setup(void **state) { return setup_on(state, NULL); }

/* As setup on the PostgreSQL of $QORGAU_TEST_PG; without one *state is NULL (skipped). */
static int setup_pg(void **state)
{
    const char *url = getenv("QORGAU_TEST_PG");
    if (url && *url && strlen(url) < QGT_TMPDIR_MAX)
        return setup_on(state, url);
    *state = NULL;
    return 0;
}

/* The fixture, or a skipped test when there is none (no PostgreSQL). */
static fx *F(void **state)
{
    if (!*state)
        skip();
    return *state;
}

/* Every test leaves a verifiable audit chain without the note canary. */
static int teardown(void **state)
{
    fx *f = *state;
    if (!f)
        return 0;
    db *conn = db_pool_acquire(f->app->readers);
    audit_report r;
    qg_error err = {0};
    qg_code c = audit_verify(conn, f->app->keys, &r, &err);
    bool leak = false;
    db_stmt *st = db_prepare(conn, "SELECT action, coalesce(object, ''), detail FROM audit", &err);
    while (st && db_step(st, &err) == 1)
        for (int col = 0; col < 3; col++)
            leak = leak || strstr(db_col_text(st, col), "Kelisimkanareyka") != NULL;
    db_done(st);
    db_pool_release(f->app->readers, conn);
    app_close(f->app);
    qgt_tmpdir_remove(f->dir);
    free(f);
    assert_int_equal(c, QG_OK);
    assert_int_equal(r.first_bad, 0);
    assert_false(leak);
    return 0;
}

/* Records a consent (body text) as actor; returns the result's n, or fails. */
static int64_t record(fx *f, const qg_actor *a, const char *body)
{
    json_t *b = J(body), *out = NULL;
    qg_error err = {0};
    qg_code c = consent_create(f->app, a, f->code, b, &out, &err);
    json_decref(b);
    if (c != QG_OK)
        fail_msg("consent_create: %d %s: %s", c, err.field, err.message);
    int64_t n = json_integer_value(json_object_get(out, "n"));
    json_decref(out);
    return n;
}

static qg_code record_as(fx *f, const qg_actor *a, const char *code, const char *body, qg_error *err)
{
    json_t *b = J(body), *out = NULL;
    qg_code c = consent_create(f->app, a, code, b, &out, err);
    json_decref(b);
    json_decref(out);
    return c;
}

static qg_code withdraw(fx *f, const qg_actor *a, int64_t n, const char *body, json_t **out, qg_error *err)
{
    json_t *b = J(body), *o = NULL;
    qg_code c = consent_withdraw(f->app, a, f->code, n, b, &o, err);
    json_decref(b);
    if (out)
        *out = o;
    else
        json_decref(o);
    return c;
}

static bool active(fx *f, const char *purpose, int64_t org)
{
    db *conn = db_pool_acquire(f->app->readers);
    qg_error err = {0};
    bool yes = true;
    assert_int_equal(consent_active(conn, f->case_id, purpose, org, &yes, &err), QG_OK);
    db_pool_release(f->app->readers, conn);
    return yes;
}

static bool in_statistics(fx *f)
{
    db *conn = db_pool_acquire(f->app->readers);
    qg_error err = {0};
    bool yes = false;
    assert_int_equal(consent_case_in_statistics(conn, f->case_id, &yes, &err), QG_OK);
    db_pool_release(f->app->readers, conn);
    return yes;
}

static int64_t audit_count(fx *f, const char *action)
{
    db *conn = db_pool_acquire(f->app->readers);
    qg_error err = {0};
    db_stmt *st = db_prepare(conn, "SELECT count(*) FROM audit WHERE action = ?", &err);
    assert_non_null(st);
    db_bind_text(st, 1, action);
    assert_int_equal(db_step(st, &err), 1);
    int64_t n = db_col_int(st, 0);
    db_done(st);
    db_pool_release(f->app->readers, conn);
    return n;
}

static void test_active_semantics(void **state)
{
    fx *f = F(state);
    assert_false(active(f, "services", 0));
    assert_false(active(f, "sharing", f->org_b));
    assert_false(active(f, "statistics", 0));
    int64_t s = record(f, &f->cm, "{\"purpose\":\"services\",\"given_by\":\"child\"}");
    char body[128];
    snprintf(body, sizeof body, "{\"purpose\":\"sharing\",\"org_id\":%lld,\"given_by\":\"parent\"}",
             (long long)f->org_b);
    int64_t sh = record(f, &f->sup, body);
    assert_int_equal(s, 1);
    assert_int_equal(sh, 2);
    assert_true(active(f, "services", 0));
    assert_true(active(f, "services", f->org_c)); /* the organisation is ignored but for sharing */
    assert_true(active(f, "sharing", f->org_b));
    assert_false(active(f, "sharing", f->org_c)); /* sharing names its organisation */
    assert_false(active(f, "statistics", 0));
    assert_int_equal(audit_count(f, "consent.create"), 2);

    qg_error err = {0};
    json_t *out = NULL;
    assert_int_equal(withdraw(f, &f->cm, sh, "{}", &out, &err), QG_OK);
    assert_false(json_is_true(json_object_get(out, "active")));
    assert_string_equal(json_string_value(json_object_get(out, "withdrawn_by")), "ks.cm");
    json_decref(out);
    assert_false(active(f, "sharing", f->org_b)); /* no further sharing */
    assert_true(active(f, "services", 0));
    expect(withdraw(f, &f->cm, sh, "{}", NULL, &err), &err, QG_ECONFLICT, "consent", NULL);
    expect(withdraw(f, &f->cm, 99, "{}", NULL, &err), &err, QG_ENOTFOUND, "consent", NULL);
    expect(withdraw(f, &f->cm, 0, "{}", NULL, &err), &err, QG_ENOTFOUND, "consent", NULL);
    assert_int_equal(audit_count(f, "consent.withdraw"), 1);
    /* sharing with the same organisation may be consented to again */
    int64_t again = record(f, &f->cm, body);
    assert_true(active(f, "sharing", f->org_b));
    assert_int_equal(again, 3);
}

static void test_create_rules(void **state)
{
    fx *f = F(state);
    qg_error err = {0};
    json_t *b = J("{\"purpose\":\"sharing\",\"org_id\":999999,\"given_by\":\"guardian\"}"), *out = NULL;
    expect(consent_create(f->app, &f->cm, f->code, b, &out, &err), &err, QG_EINVAL, "org_id", "999999");
    json_decref(b);
    assert_null(out);
    char body[160];
    snprintf(body, sizeof body, "{\"purpose\":\"sharing\",\"org_id\":%lld,\"given_by\":\"guardian\","
             "\"given_on\":\"2020-05-05\"}", (long long)f->org_a); /* any existing organisation */
    b = J(body);
    assert_int_equal(consent_create(f->app, &f->cm, f->code, b, &out, &err), QG_OK);
    json_decref(b);
    assert_string_equal(json_string_value(json_object_get(out, "org_name")), "Kelisim NGO (test)");
    assert_int_equal(json_integer_value(json_object_get(out, "org_id")), f->org_a);
    assert_string_equal(json_string_value(json_object_get(out, "given_on")), "2020-05-05");
    assert_string_equal(json_string_value(json_object_get(out, "given_by")), "guardian");
    assert_string_equal(json_string_value(json_object_get(out, "recorded_by")), "ks.cm");
    assert_true(json_is_null(json_object_get(out, "withdrawn_on")));
    assert_true(json_is_true(json_object_get(out, "active")));
    assert_true(json_is_false(json_object_get(out, "has_note")));
    json_decref(out);
    /* one active consent per purpose (and organisation) */
    expect(record_as(f, &f->cm, f->code, body, &err), &err, QG_ECONFLICT, "purpose", NULL);
    record(f, &f->cm, "{\"purpose\":\"services\",\"given_by\":\"child\"}");
    expect(record_as(f, &f->cm, f->code, "{\"purpose\":\"services\",\"given_by\":\"parent\"}", &err), &err,
           QG_ECONFLICT, "purpose", NULL);
    /* a withdrawal before the day of the consent is refused; on that day it is fine */
    expect(withdraw(f, &f->cm, 1, "{\"withdrawn_on\":\"2020-05-04\"}", NULL, &err), &err, QG_EINVAL,
           "withdrawn_on", NULL);
    json_t *w = NULL;
    assert_int_equal(withdraw(f, &f->cm, 1, "{\"withdrawn_on\":\"2020-05-05\"}", &w, &err), QG_OK);
    assert_string_equal(json_string_value(json_object_get(w, "withdrawn_on")), "2020-05-05");
    json_decref(w);
    /* given today when not said */
    char today[11];
    text_today(today);
    b = J("{\"purpose\":\"statistics\",\"given_by\":\"child\"}");
    assert_int_equal(consent_create(f->app, &f->cm, f->code, b, &out, &err), QG_OK);
    assert_string_equal(json_string_value(json_object_get(out, "given_on")), today);
    assert_true(json_is_null(json_object_get(out, "org_id")));
    json_decref(b);
    json_decref(out);
}

static void test_statistics(void **state)
{
    fx *f = F(state);
    qg_error err = {0};
    json_t *out = NULL;
    assert_true(in_statistics(f)); /* included until the child refuses */
    int64_t n = record(f, &f->cm, "{\"purpose\":\"statistics\",\"given_by\":\"child\"}");
    assert_true(in_statistics(f));
    assert_int_equal(withdraw(f, &f->cm, n, "{}", NULL, &err), QG_OK);
    assert_false(in_statistics(f));
    assert_int_equal(consent_list(f->app, &f->cm, f->code, &out, &err), QG_OK);
    assert_string_equal(json_string_value(json_object_get(out, "statistics")), "excluded");
    json_decref(out);
    /* consented again: back in */
    int64_t n2 = record(f, &f->cm, "{\"purpose\":\"statistics\",\"given_by\":\"parent\"}");
    assert_true(in_statistics(f));
    assert_true(active(f, "statistics", 0));
    /* the opt-out withdraws the active consent too */
    json_t *empty = json_object();
    assert_int_equal(consent_statistics_opt_out(f->app, &f->cm, f->code, empty, &out, &err), QG_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "withdrawn")), n2);
    assert_string_equal(json_string_value(json_object_get(out, "statistics")), "excluded");
    json_decref(out);
    assert_false(in_statistics(f));
    assert_false(active(f, "statistics", 0));
    expect(consent_statistics_opt_out(f->app, &f->cm, f->code, empty, &out, &err), &err, QG_ECONFLICT,
           "statistics", NULL);
    json_t *extra = J("{\"" UNKNOWN_KEY "\":1}");
    expect(consent_statistics_opt_out(f->app, &f->cm, f->code, extra, &out, &err), &err, QG_EINVAL, "body",
           UNKNOWN_KEY);
    json_decref(extra);
    record(f, &f->cm, "{\"purpose\":\"statistics\",\"given_by\":\"child\"}");
    assert_true(in_statistics(f));
    assert_int_equal(audit_count(f, "consent.opt_out"), 1);
    json_decref(empty);
}

/* A child who refuses statistics without having consented first. */
static void test_opt_out_without_consent(void **state)
{
    fx *f = F(state);
    qg_error err = {0};
    json_t *out = NULL, *empty = json_object();
    assert_int_equal(consent_statistics_opt_out(f->app, &f->cm, f->code, empty, &out, &err), QG_OK);
    assert_true(json_is_null(json_object_get(out, "withdrawn")));
    json_decref(out);
    json_decref(empty);
    assert_false(in_statistics(f));
    db *conn = db_pool_acquire(f->app->readers);
    bool yes = true;
    expect(consent_case_in_statistics(conn, 424242, &yes, &err), &err, QG_ENOTFOUND, "case", NULL);
    db_pool_release(f->app->readers, conn);
}

static void test_closed_case_and_policy(void **state)
{
    fx *f = F(state);
    qg_error err = {0};
    json_t *out = NULL, *close = J("{\"reason\":\"recovered\"}");
    assert_int_equal(stage_close(f->app, &f->sup, f->code, close, &out, &err), QG_OK);
    json_decref(close);
    json_decref(out);
    int64_t n = record(f, &f->cm, "{\"purpose\":\"services\",\"given_by\":\"child\"}"); /* closed: still */
    assert_int_equal(withdraw(f, &f->cm, n, "{}", NULL, &err), QG_OK);
    const char *body = "{\"purpose\":\"services\",\"given_by\":\"child\"}";
    const qg_actor *forbidden[] = {&f->analyst, &f->auditor, &f->admin};
    for (size_t i = 0; i < 3; i++) {
        expect(record_as(f, forbidden[i], f->code, body, &err), &err, QG_EFORBIDDEN, "", NULL);
        expect(consent_list(f->app, forbidden[i], f->code, &out, &err), &err, QG_EFORBIDDEN, "", NULL);
        assert_null(out);
        expect(withdraw(f, forbidden[i], n, "{}", NULL, &err), &err, QG_EFORBIDDEN, "", NULL);
    }
    const qg_actor *hidden[] = {&f->sup_b, &f->cm_other, &f->fr}; /* elsewhere, unassigned, never opened it */
    for (size_t i = 0; i < 3; i++) {
        expect(record_as(f, hidden[i], f->code, body, &err), &err, QG_ENOTFOUND, "code", NULL);
        expect(consent_list(f->app, hidden[i], f->code, &out, &err), &err, QG_ENOTFOUND, "code", NULL);
        expect(withdraw(f, hidden[i], n, "{}", NULL, &err), &err, QG_ENOTFOUND, "code", NULL);
    }
    expect(record_as(f, &f->cm, "QG-0000-0000", body, &err), &err, QG_EINVAL, "code", NULL);
    assert_int_equal(consent_list(f->app, &f->sup, f->code, &out, &err), QG_OK);
    assert_int_equal(json_array_size(json_object_get(out, "consents")), 1);
    json_decref(out);
}

/* The note is sealed in the row, never shown by a view, and opens only at its place. */
static void test_note_sealed(void **state)
{
    fx *f = F(state);
    qg_error err = {0};
    int64_t n = record(f, &f->cm, "{\"purpose\":\"services\",\"given_by\":\"other\",\"note\":\"" NOTE_CANARY "\"}");
    json_t *out = NULL;
    assert_int_equal(consent_list(f->app, &f->cm, f->code, &out, &err), QG_OK);
    json_t *c = json_array_get(json_object_get(out, "consents"), 0);
    assert_true(json_is_true(json_object_get(c, "has_note")));
    assert_null(json_object_get(c, "note"));
    char *text = json_dumps(out, 0);
    assert_null(strstr(text, "Kelisimkanareyka"));
    free(text);
    json_decref(out);
    db *conn = db_pool_acquire(f->app->readers);
    db_stmt *st = db_prepare(conn, "SELECT sealed FROM consents WHERE case_id = ? AND n = ?", &err);
    assert_non_null(st);
    db_bind_int(st, 1, f->case_id);
    db_bind_int(st, 2, n);
    assert_int_equal(db_step(st, &err), 1);
    size_t len = 0;
    const unsigned char *blob = db_col_blob(st, 0, &len);
    assert_true(len > strlen(NOTE_CANARY));
    for (size_t i = 0; i + 16 <= len; i++)
        assert_false(memcmp(blob + i, "Kelisimkanareyka", 16) == 0);
    json_t *note = NULL;
    assert_int_equal(sealed_get(f->app->keys, f->case_id, "consent", n, blob, len, &note, &err), QG_OK);
    assert_string_equal(json_string_value(note), NOTE_CANARY);
    json_decref(note);
    assert_int_equal(sealed_get(f->app->keys, f->case_id, "consent", n + 1, blob, len, &note, &err), QG_ECRYPTO);
    db_done(st);
    db_pool_release(f->app->readers, conn);
}

#define APP(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown), \
                {#fn " (postgresql)", fn, setup_pg, teardown, NULL}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_body_purpose_and_org),
        cmocka_unit_test(test_create_body_giver_dates_note),
        cmocka_unit_test(test_create_body_keys),
        cmocka_unit_test(test_withdraw_body),
        APP(test_active_semantics),
        APP(test_create_rules),
        APP(test_statistics),
        APP(test_opt_out_without_consent),
        APP(test_closed_case_and_policy),
        APP(test_note_sealed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
