/*
 * test_services.c — the service level on a real app in a temporary directory
 * (app_init_files + app_open with two readers), run twice: with direct writes (the
 * command line) and with the group-commit writer thread (the server).
 *
 * Covered: creating and opening the files (wrong key, existing files), organisations
 * and users with their errors, login (success, wrong password, unknown login, disabled
 * user, throttling per account and per address, IPv6 addresses per /64), session
 * lookup with idle and absolute expiry, deletion of ended sessions at login, logout,
 * and the case service: create, get, update, list, the personal part
 * (sealed at rest), duplicate IINs, assignment with its limit of two, the first
 * responder losing sight after the handover, and the audit entries each call writes.
 * After every test the audit chain must verify and must hold none of the personal
 * values the test used.
 *
 * Password hashing (argon2id) is slow under ASan, so only the account and session
 * tests create users through user_create; the case tests seed users with SQL.
 * All names, logins, passwords and IINs are made up.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/account/account.h"
#include "core/instance/app_open.h"
#include "core/account/audit.h"
#include "core/case/case.h"
#include "core/case/case_input.h"
#include "base/text.h"
#include "core/case/child_code.h"
#include "core/case/iin.h"
#include "core/case/case_assignable.h"
#include "core/case/child_record.h"
#include "core/case/record.h"
#include "core/case/stage.h"
#include "core/case/task.h"
#include "core/account/session.h"
#include "core/referral/consent.h"
#include "core/referral/referral.h"
#include "support/qgtest.h"
#include "support/tmpdir.h"

#define SECRETS_MAX 32
#define PASSWORD "correct-horse-battery-7"
#define PASSWORD2 "another-long-passphrase-9"
#define ADDR "192.0.2.10"
#define ADDR2 "198.51.100.20"

typedef struct {
    bool threaded;
    char dir[QGT_TMPDIR_MAX];
    char db_path[QGT_TMPDIR_MAX + 32];
    char key_path[QGT_TMPDIR_MAX + 32];
    qg_app *app;
    int64_t org_a, org_b;
    qg_actor sys, admin, sup_a, sup_b, cm1, cm2, cm3, cm_b, cm_off, fr_a, fr_b, analyst, auditor,
        none;
    const char *secrets[SECRETS_MAX]; /* must never appear in the audit trail */
    int nsecrets;
    char iin_girl[13], iin_boy[13];
} fx;

static bool DIRECT = false, THREADED = true;

/* ---- helpers ----------------------------------------------------------------------- */

static void secret(fx *f, const char *s)
{
    assert_true(f->nsecrets < SECRETS_MAX);
    f->secrets[f->nsecrets++] = s;
}

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    if (!v)
        fail_msg("bad test JSON: %s", e.text);
    return v;
}

/* err must hold want and name field (NULL: any field). */
static void expect(qg_code got, const qg_error *err, qg_code want, const char *field)
{
    if (got != want)
        fail_msg("want code %d (%s), got %d (%s: %s)", want, field ? field : "-", got, err->field,
                 err->message);
    assert_int_equal(err->code, want);
    if (field && strcmp(err->field, field) != 0)
        fail_msg("want field \"%s\", got \"%s\" (%s)", field, err->field, err->message);
}

/* Runs a SELECT returning one integer on a reader; text param bound when not NULL. */
static int64_t sql_int(fx *f, const char *sql, const char *param)
{
    db *conn = db_pool_acquire(f->app->readers);
    qg_error err = {0};
    db_stmt *st = db_prepare(conn, sql, &err);
    int64_t v = -1;
    if (st) {
        if (param)
            db_bind_text(st, 1, param);
        if (db_step(st, &err) == 1)
            v = db_col_int(st, 0);
        db_done(st);
    }
    db_pool_release(f->app->readers, conn);
    if (!st)
        fail_msg("%s: %s", sql, err.message);
    return v;
}

static int64_t audit_count(fx *f, const char *action)
{
    return sql_int(f, "SELECT count(*) FROM audit WHERE action = ?", action);
}

static int64_t case_count(fx *f) { return sql_int(f, "SELECT count(*) FROM cases", NULL); }

typedef struct {
    int64_t org;
    const char *login, *role;
    int disabled;
    int64_t id;
} seed_user;

static qg_code insert_seed_user(db *conn, void *arg, qg_error *err)
{
    seed_user *u = arg;
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO users (org_id, login, role, pw_hash, disabled, created_at,"
                             " pw_changed_at) VALUES (?, ?, ?, 'seeded-without-password', ?,"
                             " '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
                             err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, u->org);
    db_bind_text(st, 2, u->login);
    db_bind_text(st, 3, u->role);
    db_bind_int(st, 4, u->disabled);
    int rc = db_step(st, err);
    if (rc == 1)
        u->id = db_col_int(st, 0);
    db_done(st);
    return rc == 1 ? QG_OK : err->code;
}

static qg_actor seed(fx *f, int64_t org, const char *login, const char *role, int disabled)
{
    seed_user u = {.org = org, .login = login, .role = role, .disabled = disabled};
    qg_error err = {0};
    if (writer_run(f->app->writer, insert_seed_user, &u, &err) != QG_OK)
        fail_msg("seeding %s: %s", login, err.message);
    return (qg_actor){.user_id = u.id, .org_id = org, .role = role_from_code(role)};
}

static void make_iin(int year, int month, int day, char sex, int serial, char out[13])
{
    int century = year >= 2000 ? 5 : 3;
    for (;; serial++) {
        char first11[12];
        snprintf(first11, sizeof first11, "%02d%02d%02d%d%04d", year % 100, month, day,
                 century + (sex == 'F'), serial % 10000);
        int check = iin_check_digit(first11);
        if (check >= 0) {
            snprintf(out, 13, "%s%d", first11, check);
            return;
        }
    }
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->threaded = *(bool *)*state;
    assert_true(qgt_tmpdir_make("services", f->dir, sizeof f->dir));
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db", f->db_path, sizeof f->db_path));
    assert_true(qgt_tmpdir_path(f->dir, "qorgau.db.key", f->key_path, sizeof f->key_path));
    qg_error err = {0};
    assert_int_equal(app_init_files(f->db_path, f->key_path, &err), QG_OK);
    assert_int_equal(app_open(f->db_path, f->key_path, 2, f->threaded, &f->app, &err), QG_OK);
    f->sys = actor_system();
    assert_int_equal(org_create(f->app, &f->sys, "Org Alpha (test)", "ngo", "almaty", &f->org_a, &err),
                     QG_OK);
    assert_int_equal(org_create(f->app, &f->sys, "Org Beta (test)", "police", "astana", &f->org_b, &err),
                     QG_OK);
    f->admin = seed(f, f->org_a, "adm.alpha", "admin", 0);
    f->admin.system_wide = true; /* acts in every organisation (an org's own: bb_accounts) */
    f->sup_a = seed(f, f->org_a, "sup.alpha", "supervisor", 0);
    f->sup_b = seed(f, f->org_b, "sup.beta", "supervisor", 0);
    f->cm1 = seed(f, f->org_a, "cm1.alpha", "case_manager", 0);
    f->cm2 = seed(f, f->org_a, "cm2.alpha", "case_manager", 0);
    f->cm3 = seed(f, f->org_a, "cm3.alpha", "case_manager", 0);
    f->cm_b = seed(f, f->org_b, "cm.beta", "case_manager", 0);
    f->cm_off = seed(f, f->org_a, "cm.off.alpha", "case_manager", 1);
    f->fr_a = seed(f, f->org_a, "fr.alpha", "first_responder", 0);
    f->fr_b = seed(f, f->org_b, "fr.beta", "first_responder", 0);
    f->analyst = seed(f, f->org_a, "an.alpha", "analyst", 0);
    f->auditor = seed(f, f->org_a, "aud.alpha", "auditor", 0);
    f->none = (qg_actor){.user_id = f->analyst.user_id, .org_id = f->org_a, .role = ROLE_NONE};
    make_iin(2011, 3, 14, 'F', 1234, f->iin_girl);
    make_iin(2009, 8, 1, 'M', 2345, f->iin_boy);
    secret(f, f->iin_girl);
    secret(f, f->iin_boy);
    secret(f, PASSWORD);
    secret(f, PASSWORD2);
    *state = f;
    return 0;
}

/* Every test leaves a verifiable audit chain free of personal values. */
static int teardown(void **state)
{
    fx *f = *state;
    db *conn = db_pool_acquire(f->app->readers);
    audit_report r;
    qg_error err = {0};
    qg_code c = audit_verify(conn, f->app->keys, &r, &err);
    db_stmt *st = db_prepare(conn, "SELECT seq, action, coalesce(object, ''), detail FROM audit", &err);
    const char *leak = NULL;
    int64_t leak_seq = 0;
    while (st && !leak && db_step(st, &err) == 1)
        for (int i = 0; i < f->nsecrets && !leak; i++)
            for (int col = 1; col <= 3 && !leak; col++)
                if (strstr(db_col_text(st, col), f->secrets[i])) {
                    leak = f->secrets[i];
                    leak_seq = db_col_int(st, 0);
                }
    db_done(st);
    db_pool_release(f->app->readers, conn);
    app_close(f->app);
    qgt_tmpdir_remove(f->dir);
    bool threaded = f->threaded;
    free(f);
    *state = threaded ? &THREADED : &DIRECT;
    assert_int_equal(c, QG_OK);
    if (r.first_bad)
        fail_msg("audit chain broken at %lld: %s", (long long)r.first_bad, r.reason);
    if (leak)
        fail_msg("audit entry %lld holds a personal value", (long long)leak_seq);
    return 0;
}

/* Creates a case (body taken) and returns it; fails the test on error. A body that says
 * nothing about the child gets a sex: a case needs one fact about the child at least. */
static json_t *create_ok(fx *f, const qg_actor *a, json_t *body)
{
    json_t *out = NULL;
    qg_error err = {0};
    if (!json_object_get(body, "sex") && !json_object_get(body, "personal") &&
        !json_object_get(body, "age_at_identification"))
        json_object_set_new(body, "sex", json_string("NonSpecifiedUnknown"));
    qg_code c = case_create(f->app, a, body, &out, &err);
    if (c != QG_OK)
        fail_msg("case_create: %d %s: %s", c, err.field, err.message);
    json_decref(body);
    assert_non_null(out);
    return out;
}

static const char *code_of(json_t *c) { return json_string_value(json_object_get(c, "code")); }

/* Copies the code of a case (then frees the case object). */
static void take_code(json_t *c, char out[QG_CODE_SIZE])
{
    snprintf(out, QG_CODE_SIZE, "%s", code_of(c));
    json_decref(c);
}

static qg_code get_code(fx *f, const qg_actor *a, const char *code, qg_error *err)
{
    json_t *out = NULL;
    qg_code c = case_get(f->app, a, code, &out, err);
    if (c == QG_OK)
        assert_non_null(out);
    else
        assert_null(out);
    json_decref(out);
    return c;
}

static bool sees(fx *f, const qg_actor *a, const char *code)
{
    qg_error err = {0};
    qg_code c = get_code(f, a, code, &err);
    if (c != QG_OK && c != QG_ENOTFOUND)
        fail_msg("case_get: unexpected %d (%s)", c, err.message);
    return c == QG_OK;
}

/* ---- app files ---------------------------------------------------------------------- */

static void test_app_files(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    struct stat sb;
    assert_int_equal(stat(f->key_path, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
    assert_int_equal(stat(f->db_path, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
    /* the trail starts at init, by the system */
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE seq = 1 AND action = ?"
                                " AND actor IS NULL", "database.init"), 1);
    /* existing files are never overwritten */
    memset(&err, 0, sizeof err);
    expect(app_init_files(f->db_path, f->key_path, &err), &err, QG_ECONFLICT, "db");
    char db2[QGT_TMPDIR_MAX + 32], key2[QGT_TMPDIR_MAX + 32], other[QGT_TMPDIR_MAX + 32];
    assert_true(qgt_tmpdir_path(f->dir, "second.db", db2, sizeof db2));
    assert_true(qgt_tmpdir_path(f->dir, "second.key", key2, sizeof key2));
    assert_true(qgt_tmpdir_path(f->dir, "other.key", other, sizeof other));
    expect(app_init_files(db2, f->key_path, &err), &err, QG_ECONFLICT, "key");
    assert_int_not_equal(access(db2, F_OK), 0);
    /* a failure half-way leaves nothing behind */
    char bad_db[QGT_TMPDIR_MAX + 32], bad_key[QGT_TMPDIR_MAX + 32];
    assert_true(qgt_tmpdir_path(f->dir, "missing/x.db", bad_db, sizeof bad_db));
    assert_true(qgt_tmpdir_path(f->dir, "missing/x.key", bad_key, sizeof bad_key));
    assert_int_not_equal(app_init_files(db2, bad_key, &err), QG_OK);
    assert_int_not_equal(access(db2, F_OK), 0);
    assert_int_not_equal(app_init_files(bad_db, key2, &err), QG_OK);
    assert_int_not_equal(access(key2, F_OK), 0);
    /* another database's key is refused */
    assert_int_equal(keyfile_create(other, &err), QG_OK);
    qg_app *app = (qg_app *)&err;
    memset(&err, 0, sizeof err);
    expect(app_open(f->db_path, other, 2, f->threaded, &app, &err), &err, QG_EKEY, "key");
    assert_null(app);
    /* a missing key file, a key file others can read, a missing database */
    app = (qg_app *)&err;
    expect(app_open(f->db_path, key2, 2, f->threaded, &app, &err), &err, QG_EKEY, NULL);
    assert_null(app);
    assert_int_equal(chmod(other, 0644), 0);
    expect(app_open(f->db_path, other, 2, f->threaded, &app, &err), &err, QG_EKEY, NULL);
    assert_null(app);
    expect(app_open(db2, f->key_path, 2, f->threaded, &app, &err), &err, QG_EIO, NULL);
    assert_null(app);
    /* the right key opens a second app on the same files */
    assert_int_equal(app_open(f->db_path, f->key_path, 1, f->threaded, &app, &err), QG_OK);
    app_close(app);
    app_close(NULL);
}

/* ---- organisations ------------------------------------------------------------------- */

static void test_orgs(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    int64_t id = 0;
    assert_int_equal(org_create(f->app, &f->admin, "Children's Shelter Network", "ngo", "shymkent",
                                &id, &err), QG_OK);
    assert_true(id > f->org_b);
    /* roles that may not */
    const qg_actor *refused[] = {&f->sup_a, &f->cm1, &f->fr_a, &f->analyst, &f->auditor, &f->none};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        expect(org_create(f->app, refused[i], "Refused Org", "ngo", "almaty", &id, &err), &err,
               QG_EFORBIDDEN, NULL);
    /* bad values, each naming its field */
    expect(org_create(f->app, &f->sys, "", "ngo", "almaty", &id, &err), &err, QG_EINVAL, "name");
    expect(org_create(f->app, &f->sys, NULL, "ngo", "almaty", &id, &err), &err, QG_EINVAL, "name");
    expect(org_create(f->app, &f->sys, "Line\nbreak", "ngo", "almaty", &id, &err), &err, QG_EINVAL,
           "name");
    char name[QG_ORG_NAME_MAX + 2];
    memset(name, 'n', sizeof name);
    name[QG_ORG_NAME_MAX + 1] = '\0';
    expect(org_create(f->app, &f->sys, name, "ngo", "almaty", &id, &err), &err, QG_EINVAL, "name");
    name[QG_ORG_NAME_MAX] = '\0';
    assert_int_equal(org_create(f->app, &f->sys, name, "ngo", "almaty", &id, &err), QG_OK);
    expect(org_create(f->app, &f->sys, "Typeless", "charity", "almaty", &id, &err), &err, QG_EINVAL,
           "type");
    expect(org_create(f->app, &f->sys, "Typeless", NULL, "almaty", &id, &err), &err, QG_EINVAL,
           "type");
    expect(org_create(f->app, &f->sys, "Nowhere", "ngo", "Almaty", &id, &err), &err, QG_EINVAL,
           "region");
    expect(org_create(f->app, &f->sys, "Nowhere", "ngo", NULL, &id, &err), &err, QG_EINVAL,
           "region");
    /* a name in use */
    expect(org_create(f->app, &f->sys, "Org Alpha (test)", "health", "aktobe", &id, &err), &err,
           QG_ECONFLICT, "name");
    /* two from setup, two here */
    assert_int_equal(audit_count(f, "org.create"), 4);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM orgs", NULL), 4);
    /* listing: any real role, never ROLE_NONE */
    json_t *list = org_list(f->app, &f->analyst, &err);
    assert_non_null(list);
    assert_int_equal(json_array_size(list), 4);
    json_t *first = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(first, "name")), "Org Alpha (test)");
    assert_string_equal(json_string_value(json_object_get(first, "type")), "ngo");
    assert_string_equal(json_string_value(json_object_get(first, "region")), "almaty");
    json_decref(list);
    memset(&err, 0, sizeof err);
    assert_null(org_list(f->app, &f->none, &err));
    assert_int_equal(err.code, QG_EFORBIDDEN);
}

/* ---- users ---------------------------------------------------------------------------- */

static void test_user_create_and_list(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    int64_t id = 0, users_before = sql_int(f, "SELECT count(*) FROM users", NULL);
    /* refusals decided before any hashing */
    const qg_actor *refused[] = {&f->sup_a, &f->cm1, &f->fr_a, &f->analyst, &f->auditor, &f->none};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        expect(user_create(f->app, refused[i], f->org_a, "new.user", "case_manager", PASSWORD, &id,
                           &err), &err, QG_EFORBIDDEN, NULL);
    char too_long[QG_LOGIN_MAX + 2], longest[QG_LOGIN_MAX + 1];
    memset(too_long, 'l', QG_LOGIN_MAX + 1);
    too_long[QG_LOGIN_MAX + 1] = '\0';
    memset(longest, 'm', QG_LOGIN_MAX);
    longest[QG_LOGIN_MAX] = '\0';
    const char *bad_logins[] = {"ab", "Aidar.K", "aidar k", "aidar@k", "", NULL, too_long,
                                "aidar\nk", "айдар"};
    for (size_t i = 0; i < sizeof bad_logins / sizeof bad_logins[0]; i++) {
        expect(user_create(f->app, &f->admin, f->org_a, bad_logins[i], "case_manager", PASSWORD, &id,
                           &err), &err, QG_EINVAL, "login");
        if (bad_logins[i] && *bad_logins[i])
            assert_null(strstr(err.message, bad_logins[i]));
    }
    const char *bad_roles[] = {"system", "none", "Admin", "boss", "", NULL};
    for (size_t i = 0; i < sizeof bad_roles / sizeof bad_roles[0]; i++)
        expect(user_create(f->app, &f->admin, f->org_a, "new.user", bad_roles[i], PASSWORD, &id, &err),
               &err, QG_EINVAL, "role");
    expect(user_create(f->app, &f->admin, 0, "new.user", "analyst", PASSWORD, &id, &err), &err,
           QG_EINVAL, "org");
    expect(user_create(f->app, &f->admin, -3, "new.user", "analyst", PASSWORD, &id, &err), &err,
           QG_EINVAL, "org");
    expect(user_create(f->app, &f->admin, f->org_a, "new.user", "analyst", "short-pw", &id, &err),
           &err, QG_EINVAL, "password");
    assert_null(strstr(err.message, "short-pw"));
    expect(user_create(f->app, &f->admin, f->org_a, "new.user", "analyst", NULL, &id, &err), &err,
           QG_EINVAL, "password");
    assert_int_equal(sql_int(f, "SELECT count(*) FROM users", NULL), users_before);
    /* a missing organisation (hashes once) */
    expect(user_create(f->app, &f->admin, 999, "new.user", "analyst", PASSWORD, &id, &err), &err,
           QG_EINVAL, "org");
    /* success with the longest login (hashes once) */
    assert_int_equal(user_create(f->app, &f->admin, f->org_b, longest, "case_manager", PASSWORD,
                                 &id, &err), QG_OK);
    assert_true(id > 0);
    /* the password is stored only as an argon2id hash */
    assert_int_equal(sql_int(f, "SELECT count(*) FROM users WHERE pw_hash LIKE '$argon2id$%'"
                                " AND instr(pw_hash, ?) = 0", PASSWORD), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM users WHERE login = ?", longest), 1);
    /* a case-role account of an admin's making waits for a supervisor (four eyes) */
    assert_int_equal(sql_int(f, "SELECT pending FROM users WHERE login = ?", longest), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM users WHERE pending = 1", NULL), 1);
    /* a login in use (hashes once) */
    expect(user_create(f->app, &f->admin, f->org_a, "sup.alpha", "analyst", PASSWORD, &id, &err),
           &err, QG_ECONFLICT, "login");
    assert_int_equal(sql_int(f, "SELECT count(*) FROM users", NULL), users_before + 1);
    assert_int_equal(audit_count(f, "user.create"), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'user.create'"
                                " AND detail LIKE '%case_manager%' AND detail NOT LIKE '%argon%'", NULL), 1);

    /* listing: everyone for the admin and the system, the own org for a supervisor */
    json_t *all = user_list(f->app, &f->admin, &err);
    assert_non_null(all);
    assert_int_equal((int64_t)json_array_size(all), users_before + 1);
    char *dump = json_dumps(all, 0);
    assert_null(strstr(dump, "argon2"));
    assert_null(strstr(dump, "pw_hash"));
    assert_null(strstr(dump, "seeded-without-password"));
    free(dump);
    json_decref(all);
    all = user_list(f->app, &f->sys, &err);
    assert_int_equal((int64_t)json_array_size(all), users_before + 1);
    json_decref(all);
    json_t *mine = user_list(f->app, &f->sup_b, &err);
    assert_non_null(mine);
    size_t i;
    json_t *u;
    json_array_foreach(mine, i, u) {
        assert_int_equal(json_integer_value(json_object_get(u, "org_id")), f->org_b);
        const char *login_of = json_string_value(json_object_get(u, "login"));
        assert_int_equal(json_is_true(json_object_get(u, "pending")), strcmp(login_of, longest) == 0);
    }
    assert_int_equal(json_array_size(mine), 4); /* sup.beta, cm.beta, fr.beta, the new one */
    json_decref(mine);
    const qg_actor *no_list[] = {&f->cm1, &f->fr_a, &f->analyst, &f->auditor, &f->none};
    for (size_t k = 0; k < sizeof no_list / sizeof no_list[0]; k++) {
        memset(&err, 0, sizeof err);
        assert_null(user_list(f->app, no_list[k], &err));
        assert_int_equal(err.code, QG_EFORBIDDEN);
    }
}

/* Creates a user with PASSWORD through the service (one hash). */
static qg_actor real_user(fx *f, int64_t org, const char *login, const char *role)
{
    qg_error err = {0};
    int64_t id = 0;
    if (user_create(f->app, &f->sys, org, login, role, PASSWORD, &id, &err) != QG_OK)
        fail_msg("user_create %s: %s", login, err.message);
    return (qg_actor){.user_id = id, .org_id = org, .role = role_from_code(role)};
}

static qg_code login(fx *f, const char *name, const char *password, const char *addr, int64_t now,
                     session_tokens *tok, session_info *who, int *retry, qg_error *err)
{
    memset(err, 0, sizeof *err);
    *retry = -1;
    return session_login(f->app, name, password, addr, now, tok, who, retry, err);
}

static void test_user_disable_and_password(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    qg_actor u = real_user(f, f->org_a, "dana.s", "case_manager");
    int64_t now = (int64_t)time(NULL);
    session_tokens tok;
    session_info who;
    int retry;
    assert_int_equal(login(f, "dana.s", PASSWORD, ADDR, now, &tok, &who, &retry, &err), QG_OK);
    /* refusals */
    expect(user_disable(f->app, &f->sup_a, "dana.s", &err), &err, QG_EFORBIDDEN, NULL);
    expect(user_disable(f->app, &f->admin, "Dana S", &err), &err, QG_EINVAL, "login");
    expect(user_disable(f->app, &f->admin, "nobody.here", &err), &err, QG_ENOTFOUND, "login");
    expect(user_set_password(f->app, &f->cm1, "dana.s", PASSWORD2, &err), &err, QG_EFORBIDDEN, NULL);
    expect(user_set_password(f->app, &f->admin, "dana.s", "too-short", &err), &err, QG_EINVAL,
           "password");
    expect(user_set_password(f->app, &f->admin, "DANA", PASSWORD2, &err), &err, QG_EINVAL, "login");
    expect(user_set_password(f->app, &f->admin, "nobody.here", PASSWORD2, &err), &err, QG_ENOTFOUND,
           "login");
    assert_int_equal(audit_count(f, "user.passwd"), 0);
    assert_int_equal(audit_count(f, "user.disable"), 0);
    assert_int_equal(session_lookup(f->app, tok.token, now + 1, &who, &err), QG_OK);
    /* a new password ends the sessions; only the new one works */
    assert_int_equal(user_set_password(f->app, &f->admin, "dana.s", PASSWORD2, &err), QG_OK);
    expect(session_lookup(f->app, tok.token, now + 2, &who, &err), &err, QG_EUNAUTH, NULL);
    expect(login(f, "dana.s", PASSWORD, ADDR, now + 3, &tok, &who, &retry, &err), &err, QG_EUNAUTH,
           NULL);
    /* four eyes: a case worker's password reset by an admin waits for a supervisor of
     * the worker's organisation before it opens anything */
    expect(login(f, "dana.s", PASSWORD2, ADDR, now + 4, &tok, &who, &retry, &err), &err, QG_EUNAUTH,
           NULL);
    expect(user_confirm(f->app, &f->admin, "dana.s", &err), &err, QG_EFORBIDDEN, NULL);
    expect(user_confirm(f->app, &f->cm1, "dana.s", &err), &err, QG_EFORBIDDEN, NULL);
    expect(user_confirm(f->app, &f->sup_b, "dana.s", &err), &err, QG_ENOTFOUND, "login");
    expect(user_confirm(f->app, &f->sup_a, "nobody.here", &err), &err, QG_ENOTFOUND, "login");
    assert_int_equal(user_confirm(f->app, &f->sup_a, "dana.s", &err), QG_OK);
    expect(user_confirm(f->app, &f->sup_a, "dana.s", &err), &err, QG_ECONFLICT, "login");
    assert_int_equal(audit_count(f, "user.confirm"), 1);
    assert_int_equal(login(f, "dana.s", PASSWORD2, ADDR, now + 4, &tok, &who, &retry, &err), QG_OK);
    assert_int_equal(who.actor.user_id, u.user_id);
    assert_int_equal(audit_count(f, "user.passwd"), 1);
    /* disabling ends the sessions too */
    assert_int_equal(user_disable(f->app, &f->admin, "dana.s", &err), QG_OK);
    expect(session_lookup(f->app, tok.token, now + 5, &who, &err), &err, QG_EUNAUTH, NULL);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions", NULL), 0);
    assert_int_equal(sql_int(f, "SELECT disabled FROM users WHERE login = ?", "dana.s"), 1);
    assert_int_equal(audit_count(f, "user.disable"), 1);
    char object[32];
    snprintf(object, sizeof object, "user:%lld", (long long)u.user_id);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'user.disable' AND object = ?",
                             object), 1);
    json_t *list = user_list(f->app, &f->admin, &err);
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
        if (json_integer_value(json_object_get(e, "id")) == u.user_id)
            assert_true(json_is_true(json_object_get(e, "disabled")));
    json_decref(list);
}

/* ---- sessions --------------------------------------------------------------------------- */

static bool is_hex(const char *s, size_t len)
{
    return strlen(s) == len && strspn(s, "0123456789abcdef") == len;
}

static void test_login_lookup_logout(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    qg_actor u = real_user(f, f->org_b, "marat.t", "supervisor");
    f->app->settings.session_idle_s = 100;
    f->app->settings.session_absolute_s = 250;
    int64_t now = (int64_t)time(NULL);
    session_tokens tok;
    session_info who;
    int retry;
    assert_int_equal(login(f, "marat.t", PASSWORD, ADDR, now, &tok, &who, &retry, &err), QG_OK);
    assert_true(is_hex(tok.token, QG_TOKEN_HEX - 1));
    assert_true(is_hex(tok.csrf, QG_TOKEN_HEX - 1));
    assert_string_not_equal(tok.token, tok.csrf);
    assert_int_equal(who.actor.user_id, u.user_id);
    assert_int_equal(who.actor.org_id, f->org_b);
    assert_int_equal(who.actor.role, ROLE_SUPERVISOR);
    assert_string_equal(who.login, "marat.t");
    assert_string_equal(who.csrf, tok.csrf);
    assert_int_equal(who.expires_at, now + 100);
    assert_int_equal(audit_count(f, "login"), 1);
    /* the database keeps only the token's hash */
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions WHERE token_hash = ?", tok.token), 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions", NULL), 1);

    session_info seen;
    assert_int_equal(session_lookup(f->app, tok.token, now + 10, &seen, &err), QG_OK);
    assert_int_equal(seen.actor.user_id, u.user_id);
    assert_int_equal(seen.actor.role, ROLE_SUPERVISOR);
    assert_string_equal(seen.csrf, tok.csrf);
    assert_string_equal(seen.login, "marat.t");
    /* within a quarter of the idle limit last use is not rewritten: the end stays put */
    assert_int_equal(seen.expires_at, now + 100);
    /* idle: unused (as recorded) for the whole limit */
    expect(session_lookup(f->app, tok.token, now + 100, &seen, &err), &err, QG_EUNAUTH, "session");
    /* unknown, malformed and missing tokens */
    char forged[QG_TOKEN_HEX];
    crypto_random_token(forged);
    expect(session_lookup(f->app, forged, now + 1, &seen, &err), &err, QG_EUNAUTH, "session");
    expect(session_lookup(f->app, "abc", now + 1, &seen, &err), &err, QG_EUNAUTH, "session");
    expect(session_lookup(f->app, NULL, now + 1, &seen, &err), &err, QG_EUNAUTH, "session");

    /* absolute: used every 99 s it stays alive, until 250 s after login */
    session_tokens tok2;
    assert_int_equal(login(f, "marat.t", PASSWORD, ADDR, now, &tok2, &who, &retry, &err), QG_OK);
    assert_int_equal(session_lookup(f->app, tok2.token, now + 99, &seen, &err), QG_OK);
    assert_int_equal(session_lookup(f->app, tok2.token, now + 198, &seen, &err), QG_OK);
    assert_int_equal(session_lookup(f->app, tok2.token, now + 249, &seen, &err), QG_OK);
    assert_int_equal(seen.expires_at, now + 250); /* the absolute end comes first */
    expect(session_lookup(f->app, tok2.token, now + 250, &seen, &err), &err, QG_EUNAUTH, "session");

    /* logout ends exactly that session */
    session_tokens tok3;
    assert_int_equal(login(f, "marat.t", PASSWORD, ADDR, now, &tok3, &who, &retry, &err), QG_OK);
    assert_int_equal(session_logout(f->app, tok3.token, &err), QG_OK);
    expect(session_lookup(f->app, tok3.token, now + 1, &seen, &err), &err, QG_EUNAUTH, NULL);
    expect(session_logout(f->app, tok3.token, &err), &err, QG_EUNAUTH, NULL);
    expect(session_logout(f->app, forged, &err), &err, QG_EUNAUTH, NULL);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions", NULL), 2); /* tok, tok2 rows */
    assert_int_equal(audit_count(f, "logout"), 1);
    assert_int_equal(audit_count(f, "login"), 3);
    assert_int_equal(audit_count(f, "login_failed"), 0);
}

static void test_login_failures(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    qg_actor u = real_user(f, f->org_a, "gulnara.b", "first_responder");
    int64_t now = (int64_t)time(NULL);
    session_tokens tok;
    session_info who;
    int retry;
    expect(login(f, "gulnara.b", PASSWORD2, ADDR, now, &tok, &who, &retry, &err), &err, QG_EUNAUTH,
           "login");
    assert_int_equal(retry, 0);
    qg_error wrong = err;
    /* an unknown login gets the very same answer */
    expect(login(f, "ghost.user", PASSWORD, ADDR, now, &tok, &who, &retry, &err), &err, QG_EUNAUTH,
           "login");
    assert_string_equal(err.message, wrong.message);
    assert_null(strstr(err.message, "ghost"));
    assert_int_equal(who.refusal, LOGIN_REFUSED_NONE);
    /* a disabled user is refused too; only the right password learns why */
    assert_int_equal(user_disable(f->app, &f->sys, "gulnara.b", &err), QG_OK);
    expect(login(f, "gulnara.b", PASSWORD2, ADDR, now, &tok, &who, &retry, &err), &err,
           QG_EUNAUTH, "login");
    assert_string_equal(err.message, wrong.message);
    assert_int_equal(who.refusal, LOGIN_REFUSED_NONE);
    expect(login(f, "gulnara.b", PASSWORD, ADDR, now, &tok, &who, &retry, &err), &err, QG_EUNAUTH,
           "login");
    assert_string_equal(err.message, "the account is disabled");
    assert_int_equal(who.refusal, LOGIN_REFUSED_DISABLED);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions", NULL), 0);
    /* four failures audited: three name the user, one says the login was unknown, none
     * holds the login name or a password */
    assert_int_equal(audit_count(f, "login_failed"), 4);
    assert_int_equal(audit_count(f, "login"), 0);
    char uid[64];
    snprintf(uid, sizeof uid, "%%\"user_id\":%lld%%", (long long)u.user_id);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'login_failed' AND detail LIKE ?",
                             uid), 3);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'login_failed'"
                                " AND detail LIKE '%unknown_login%'", NULL), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE instr(detail, 'ghost') > 0"
                                " OR instr(detail, 'gulnara') > 0 OR instr(coalesce(object, ''), 'ghost') > 0",
                             NULL), 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'login_failed'"
                                " AND actor IS NOT NULL", NULL), 0);
}

static void test_login_throttled(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    real_user(f, f->org_a, "yerlan.m", "analyst");
    f->app->settings.login_per_account = (throttle_rule){.max_failures = 2, .window_s = 60, .block_s = 120};
    f->app->settings.login_per_address = (throttle_rule){.max_failures = 3, .window_s = 60, .block_s = 600};
    int64_t now = (int64_t)time(NULL);
    session_tokens tok;
    session_info who;
    int retry;
    expect(login(f, "yerlan.m", PASSWORD2, ADDR, now, &tok, &who, &retry, &err), &err, QG_EUNAUTH, NULL);
    assert_int_equal(retry, 0);
    expect(login(f, "yerlan.m", PASSWORD2, ADDR, now, &tok, &who, &retry, &err), &err, QG_EUNAUTH, NULL);
    assert_int_equal(retry, 120); /* the account is blocked from now on */
    /* even the right password, from another address, is refused while blocked */
    expect(login(f, "yerlan.m", PASSWORD, ADDR2, now + 1, &tok, &who, &retry, &err), &err,
           QG_ETHROTTLED, "login");
    assert_int_equal(retry, 119);
    /* the address: a third failure from it (another login) blocks it for everyone */
    expect(login(f, "ghost.one", PASSWORD, ADDR, now + 1, &tok, &who, &retry, &err), &err, QG_EUNAUTH,
           NULL);
    assert_int_equal(retry, 600);
    expect(login(f, "ghost.two", PASSWORD, ADDR, now + 2, &tok, &who, &retry, &err), &err,
           QG_ETHROTTLED, "login");
    assert_int_equal(retry, 599);
    /* after the account's block, the right password works from a clean address */
    assert_int_equal(login(f, "yerlan.m", PASSWORD, ADDR2, now + 121, &tok, &who, &retry, &err), QG_OK);
    /* the blocked address stays blocked */
    expect(login(f, "yerlan.m", PASSWORD, ADDR, now + 122, &tok, &who, &retry, &err), &err,
           QG_ETHROTTLED, "login");
    assert_int_equal(retry, 600 - 121);
    assert_int_equal(audit_count(f, "login"), 1);
    assert_int_equal(audit_count(f, "login_failed"), 6);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'login_failed'"
                                " AND detail LIKE '%\"throttled\":true%'", NULL), 3);
}

/* The per-address key: IPv6 clients count per /64 prefix (rotating addresses inside
 * it does not help), IPv4 clients per address, an IPv4-mapped address as its IPv4
 * address. */
static void test_login_throttled_per_prefix(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    f->app->settings.login_per_account = (throttle_rule){.max_failures = 100, .window_s = 60, .block_s = 60};
    f->app->settings.login_per_address = (throttle_rule){.max_failures = 3, .window_s = 60, .block_s = 600};
    int64_t now = (int64_t)time(NULL);
    session_tokens tok;
    session_info who;
    int retry;
    /* three addresses of one /64, written in different ways */
    const char *same64[] = {"2001:db8:1:2::10", "2001:DB8:1:2:aaaa:0:0:1",
                            "2001:0db8:0001:0002:ffff:ffff:ffff:ffff"};
    for (int i = 0; i < 3; i++)
        expect(login(f, "ghost.six", PASSWORD, same64[i], now, &tok, &who, &retry, &err), &err,
               QG_EUNAUTH, "login");
    assert_int_equal(retry, 600);
    expect(login(f, "ghost.six", PASSWORD, "2001:db8:1:2::99", now + 1, &tok, &who, &retry, &err),
           &err, QG_ETHROTTLED, "login");
    assert_int_equal(retry, 599);
    /* the next /64 is another client */
    expect(login(f, "ghost.six", PASSWORD, "2001:db8:1:3::10", now + 1, &tok, &who, &retry, &err),
           &err, QG_EUNAUTH, "login");
    assert_int_equal(retry, 0);
    /* IPv4: one address is one client, whether written plain or IPv4-mapped */
    expect(login(f, "ghost.four", PASSWORD, "192.0.2.77", now, &tok, &who, &retry, &err), &err,
           QG_EUNAUTH, "login");
    expect(login(f, "ghost.four", PASSWORD, "::ffff:192.0.2.77", now, &tok, &who, &retry, &err),
           &err, QG_EUNAUTH, "login");
    expect(login(f, "ghost.four", PASSWORD, "192.0.2.77", now, &tok, &who, &retry, &err), &err,
           QG_EUNAUTH, "login");
    assert_int_equal(retry, 600);
    expect(login(f, "ghost.four", PASSWORD, "::ffff:192.0.2.77", now + 1, &tok, &who, &retry, &err),
           &err, QG_ETHROTTLED, "login");
    expect(login(f, "ghost.four", PASSWORD, "192.0.2.78", now + 1, &tok, &who, &retry, &err), &err,
           QG_EUNAUTH, "login");
    assert_int_equal(retry, 0);
}

static int64_t session_rows(fx *f, const char *token)
{
    char hash[QG_HASH_HEX];
    crypto_token_hash(token, hash);
    return sql_int(f, "SELECT count(*) FROM sessions WHERE token_hash = ?", hash);
}

/* A login deletes the sessions that have ended by time (idle or absolute), and only
 * those. */
static void test_login_deletes_expired_sessions(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    real_user(f, f->org_a, "saule.k", "case_manager");
    f->app->settings.session_idle_s = 100;
    f->app->settings.session_absolute_s = 250;
    int64_t now = (int64_t)time(NULL);
    session_tokens idle, capped, fresh, last;
    session_info who;
    int retry;
    assert_int_equal(login(f, "saule.k", PASSWORD, ADDR, now, &idle, &who, &retry, &err), QG_OK);
    assert_int_equal(login(f, "saule.k", PASSWORD, ADDR, now, &capped, &who, &retry, &err), QG_OK);
    assert_int_equal(session_lookup(f->app, capped.token, now + 90, &who, &err), QG_OK);
    /* at 150 s "idle" has been unused for more than 100 s; "capped" was used at 90 s */
    assert_int_equal(login(f, "saule.k", PASSWORD, ADDR, now + 150, &fresh, &who, &retry, &err), QG_OK);
    assert_int_equal(session_rows(f, idle.token), 0);
    assert_int_equal(session_rows(f, capped.token), 1);
    assert_int_equal(session_rows(f, fresh.token), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions", NULL), 2);
    /* at 260 s "capped" is past its absolute limit however recently it was used */
    assert_int_equal(session_lookup(f->app, capped.token, now + 180, &who, &err), QG_OK);
    assert_int_equal(session_lookup(f->app, fresh.token, now + 240, &who, &err), QG_OK);
    assert_int_equal(login(f, "saule.k", PASSWORD, ADDR, now + 260, &last, &who, &retry, &err), QG_OK);
    assert_int_equal(session_rows(f, capped.token), 0);
    assert_int_equal(session_rows(f, fresh.token), 1);
    assert_int_equal(session_rows(f, last.token), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions", NULL), 2);
    assert_int_equal(session_lookup(f->app, fresh.token, now + 261, &who, &err), QG_OK);
}

/* ---- cases: create --------------------------------------------------------------------- */

static void today(char out[11]) { text_today(out); }

static void test_case_create_by_role(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    char day[11];
    today(day);
    json_t *c = create_ok(f, &f->fr_a, J("{}"));
    char canon[QG_CODE_SIZE];
    assert_int_equal(child_code_parse(code_of(c), "code", canon, &err), QG_OK);
    assert_string_equal(canon, code_of(c));
    assert_int_equal(json_integer_value(json_object_get(c, "org_id")), f->org_a);
    assert_string_equal(json_string_value(json_object_get(c, "status")), "open");
    assert_string_equal(json_string_value(json_object_get(c, "stage")), "identification");
    assert_string_equal(json_string_value(json_object_get(c, "identified_on")), day);
    assert_int_equal(json_integer_value(json_object_get(c, "version")), 1);
    assert_true(json_is_false(json_object_get(c, "has_personal")));
    assert_int_equal(json_array_size(json_object_get(c, "case_managers")), 0);
    assert_null(json_object_get(c, "personal"));
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'case.create' AND object = ?",
                             code_of(c)), 1);
    json_decref(c);
    /* a case manager who opens a case manages it */
    c = create_ok(f, &f->cm1, J("{\"sex\": \"Masculine\", \"region\": \"turkistan\","
                                " \"citizenship\": \"UZ\", \"stage\": \"assessment\","
                                " \"identified_on\": \"2023-05-10\", \"age_at_identification\": 15,"
                                " \"birth_year\": 2008}"));
    json_t *managers = json_object_get(c, "case_managers");
    assert_int_equal(json_array_size(managers), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(managers, 0), "user_id")),
                     f->cm1.user_id);
    assert_string_equal(json_string_value(json_object_get(json_array_get(managers, 0), "login")),
                        "cm1.alpha");
    assert_string_equal(json_string_value(json_object_get(c, "stage")), "assessment");
    assert_string_equal(json_string_value(json_object_get(c, "citizenship")), "UZ");
    assert_int_equal(json_integer_value(json_object_get(c, "age_at_identification")), 15);
    char cm_code[QG_CODE_SIZE];
    take_code(c, cm_code);
    assert_true(sees(f, &f->cm1, cm_code));
    assert_false(sees(f, &f->cm2, cm_code));
    /* a supervisor's case is not assigned to the supervisor */
    c = create_ok(f, &f->sup_a, J("{}"));
    assert_int_equal(json_array_size(json_object_get(c, "case_managers")), 0);
    json_decref(c);
    /* the system names the organisation; nobody else may */
    json_t *body = json_pack("{s:I}", "org_id", (json_int_t)f->org_b);
    c = create_ok(f, &f->sys, body);
    assert_int_equal(json_integer_value(json_object_get(c, "org_id")), f->org_b);
    json_decref(c);
    json_t *out = NULL;
    body = json_pack("{s:I}", "org_id", (json_int_t)f->org_b);
    expect(case_create(f->app, &f->sup_a, body, &out, &err), &err, QG_EINVAL, "org_id");
    assert_null(out);
    json_decref(body);
    body = J("{\"org_id\": 0}");
    expect(case_create(f->app, &f->sys, body, &out, &err), &err, QG_EINVAL, "org_id");
    json_decref(body);
    body = J("{\"org_id\": \"1\"}");
    expect(case_create(f->app, &f->sys, body, &out, &err), &err, QG_EINVAL, "org_id");
    json_decref(body);
    body = J("{}");
    expect(case_create(f->app, &f->sys, body, &out, &err), &err, QG_EINVAL, "org_id");
    json_decref(body);
    /* roles that never open cases */
    const qg_actor *refused[] = {&f->admin, &f->analyst, &f->auditor, &f->none};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        body = J("{}");
        expect(case_create(f->app, refused[i], body, &out, &err), &err, QG_EFORBIDDEN, NULL);
        assert_null(out);
        json_decref(body);
    }
    assert_int_equal(case_count(f), 4);
    assert_int_equal(audit_count(f, "case.create"), 4);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM case_assignments", NULL), 1);
}

static void test_case_create_invalid(void **state)
{
    fx *f = *state;
    const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"sex\": \"female\"}", "sex"},
        {"{\"status\": \"open\"}", "status"},
        {"{\"colour\": \"red\"}", "body"},
        {"{\"stage\": null}", "stage"},
        {"{\"identified_on\": \"2999-01-01\"}", "identified_on"},
        {"{\"age_at_identification\": 121}", "age_at_identification"},
        {"{\"personal\": {\"phone\": \"call me\"}}", "personal.phone"},
        {"{\"personal\": {\"contacts\": [{\"name\": \"Asel\"}, {\"phone\": \"1\"}]}}",
         "personal.contacts[1].phone"},
        {"{\"personal\": {\"nickname\": \"Zhaniko\"}}", "personal"},
        {"{\"personal\": [1]}", "personal"},
        {"{\"birth_year\": 2010, \"personal\": {\"birth_date\": \"2011-03-14\"}}", "birth_year"},
        {"{\"identified_on\": \"2010-01-01\", \"personal\": {\"birth_date\": \"2011-03-14\"}}",
         "identified_on"},
        {"[]", "body"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *body = J(bad[i].body), *out = NULL;
        qg_error err = {0};
        qg_code c = case_create(f->app, &f->cm1, body, &out, &err);
        if (c != QG_EINVAL || strcmp(err.field, bad[i].field) != 0)
            fail_msg("%s: want invalid %s, got %d %s", bad[i].body, bad[i].field, c, err.field);
        assert_null(out);
        json_decref(body);
    }
    /* an IIN whose sex digit contradicts the sex */
    json_t *body = json_pack("{s:s, s:{s:s}}", "sex", "Masculine", "personal", "iin", f->iin_girl);
    json_t *out = NULL;
    qg_error err = {0};
    expect(case_create(f->app, &f->cm1, body, &out, &err), &err, QG_EINVAL, "sex");
    assert_null(strstr(err.message, f->iin_girl));
    json_decref(body);
    assert_int_equal(case_count(f), 0);
    assert_int_equal(audit_count(f, "case.create"), 0);
}

/* True when needle's bytes occur in the len bytes at hay. */
static bool bytes_hold(const unsigned char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

static bool file_holds(const char *path, const char *needle)
{
    return qgt_file_contains(path, needle);
}

static void test_case_personal_sealed(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    const char *name = "Testgul", *family = "Oydanova-Testova", *street = "Abai avenue 10";
    secret(f, name);
    secret(f, family);
    secret(f, street);
    json_t *personal = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s, s]}", "given_name", name,
                                 "family_name", family, "iin", f->iin_girl, "birth_date",
                                 "2011-03-14", "address", "Abai avenue 10\nflat 5", "languages",
                                 "kk", "ru");
    json_t *body = json_pack("{s:s, s:s, s:O}", "sex", "Feminine", "identified_on", "2023-05-10",
                             "personal", personal);
    json_t *c = create_ok(f, &f->cm1, body);
    assert_true(json_is_true(json_object_get(c, "has_personal")));
    assert_int_equal(json_integer_value(json_object_get(c, "birth_year")), 2011);
    assert_int_equal(json_integer_value(json_object_get(c, "age_at_identification")), 12);
    char *dump = json_dumps(c, 0);
    assert_null(strstr(dump, name));
    assert_null(strstr(dump, f->iin_girl));
    assert_null(strstr(dump, "given_name"));
    free(dump);
    char code[QG_CODE_SIZE];
    take_code(c, code);
    /* the creator reads back exactly what was sent, and the read is audited */
    json_t *got = NULL;
    assert_int_equal(case_personal_get(f->app, &f->cm1, code, &got, &err), QG_OK);
    assert_true(json_equal(got, personal));
    json_decref(got);
    assert_int_equal(audit_count(f, "personal.read"), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'personal.read' AND object = ?",
                             code), 1);
    /* at rest: one sealed blob, none of the plaintext in it, the IIN only as a keyed hash */
    db *conn = db_pool_acquire(f->app->readers);
    db_stmt *st = db_prepare(conn, "SELECT sealed FROM case_personal", &err);
    assert_non_null(st);
    assert_int_equal(db_step(st, &err), 1);
    size_t len = 0;
    const unsigned char *blob = db_col_blob(st, 0, &len);
    char *plain = json_dumps(personal, JSON_COMPACT);
    assert_true(len >= strlen(plain) + QG_SEAL_OVERHEAD);
    const char *needles[] = {name, family, f->iin_girl, "given_name", "Abai", "2011-03-14"};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        assert_false(bytes_hold(blob, len, needles[i]));
    assert_int_equal(db_step(st, &err), 0);
    db_done(st);
    db_pool_release(f->app->readers, conn);
    free(plain);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM cases WHERE iin_hash = ?", f->iin_girl), 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM cases WHERE iin_hash IS NOT NULL"
                                " AND length(iin_hash) = 64", NULL), 1);
    /* nor anywhere in the database files */
    char wal[QGT_TMPDIR_MAX + 48];
    snprintf(wal, sizeof wal, "%s-wal", f->db_path);
    const char *files[] = {f->db_path, wal};
    for (size_t i = 0; i < 2; i++) {
        assert_false(file_holds(files[i], name));
        assert_false(file_holds(files[i], family));
        assert_false(file_holds(files[i], f->iin_girl));
    }
    /* others may not read it: hidden as if absent, and nothing audited for them */
    got = NULL;
    expect(case_personal_get(f->app, &f->cm2, code, &got, &err), &err, QG_ENOTFOUND, "code");
    assert_null(got);
    expect(case_personal_get(f->app, &f->analyst, code, &got, &err), &err, QG_EFORBIDDEN, NULL);
    expect(case_personal_get(f->app, &f->admin, code, &got, &err), &err, QG_EFORBIDDEN, NULL);
    assert_int_equal(audit_count(f, "personal.read"), 1);
    json_decref(personal);
}

/* case_personal_put, dropping the description of a duplicate (test_duplicate_iin_on_put
 * reads it). */
static qg_code personal_put(qg_app *app, const qg_actor *a, const char *code, json_t *p,
                            int64_t version, qg_error *err)
{
    json_t *dup = NULL;
    qg_code c = case_personal_put(app, a, code, p, version, &dup, err);
    json_decref(dup);
    return c;
}

static json_t *with_iin(const char *iin, const char *given)
{
    return json_pack("{s:{s:s, s:s}}", "personal", "iin", iin, "given_name", given);
}

static void expect_duplicate(fx *f, const qg_actor *a, const char *iin, const char *want_code,
                             int64_t want_org)
{
    json_t *body = with_iin(iin, "Second-Registration"), *out = NULL;
    if (a->role == ROLE_SYSTEM) /* the system names the organisation */
        json_object_set_new(body, "org_id", json_integer(f->org_b));
    qg_error err = {0};
    expect(case_create(f->app, a, body, &out, &err), &err, QG_ECONFLICT, "personal.iin");
    assert_null(strstr(err.message, iin));
    assert_non_null(out);
    json_t *existing = json_object_get(out, "existing");
    if (want_code) {
        assert_int_equal(json_object_size(out), 1);
        assert_int_equal(json_object_size(existing), 1);
        assert_string_equal(json_string_value(json_object_get(existing, "code")), want_code);
    } else {
        /* the given name alone is not the registered child's names: neither the code nor
         * the organisation, only the handle of the recorded answer (issue 14) */
        (void)want_org;
        assert_int_equal(json_object_size(out), 2);
        assert_int_equal(json_object_size(existing), 0);
        assert_int_equal(strlen(json_string_value(json_object_get(out, "attempt"))), 32);
    }
    json_decref(out);
    json_decref(body);
}

static void test_duplicate_iin_on_create(void **state)
{
    fx *f = *state;
    secret(f, "Second-Registration");
    char code[QG_CODE_SIZE];
    take_code(create_ok(f, &f->cm1, with_iin(f->iin_girl, "First")), code);
    /* who may see the registered case learns its code; anyone else only its owner */
    expect_duplicate(f, &f->cm2, f->iin_girl, NULL, f->org_a);
    expect_duplicate(f, &f->fr_a, f->iin_girl, NULL, f->org_a);
    expect_duplicate(f, &f->cm_b, f->iin_girl, NULL, f->org_a);
    expect_duplicate(f, &f->sup_b, f->iin_girl, NULL, f->org_a);
    expect_duplicate(f, &f->sup_a, f->iin_girl, code, 0);
    expect_duplicate(f, &f->cm1, f->iin_girl, code, 0);
    expect_duplicate(f, &f->sys, f->iin_girl, code, 0);
    assert_int_equal(case_count(f), 1);
    assert_int_equal(audit_count(f, "case.create"), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'case.duplicate_iin'"
                                " AND object = ?", code), 7);
    /* another IIN is fine */
    json_decref(create_ok(f, &f->cm2, with_iin(f->iin_boy, "Other")));
    assert_int_equal(case_count(f), 2);
}

static void test_duplicate_iin_on_put(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    char first[QG_CODE_SIZE], second[QG_CODE_SIZE];
    take_code(create_ok(f, &f->cm1, with_iin(f->iin_girl, "First")), first);
    take_code(create_ok(f, &f->cm1, J("{}")), second);
    json_t *p = json_pack("{s:s, s:s}", "iin", f->iin_girl, "given_name", "Second");
    json_t *dup = NULL;
    expect(case_personal_put(f->app, &f->cm1, second, p, 0, &dup, &err), &err, QG_ECONFLICT,
           "personal.iin");
    /* the answer names the registered case to whoever may see it, as at registration */
    assert_string_equal(json_string_value(json_object_get(json_object_get(dup, "existing"), "code")),
                        first);
    json_decref(dup);
    json_decref(p);
    json_t *got = NULL;
    assert_int_equal(case_personal_get(f->app, &f->cm1, second, &got, &err), QG_OK);
    assert_int_equal(json_object_size(got), 0); /* nothing was stored */
    json_decref(got);
    assert_int_equal(audit_count(f, "case.duplicate_iin"), 1);
    /* the entry names the case the attempt came from, and the case holding the IIN */
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'case.duplicate_iin'"
                                " AND detail LIKE '%\"from\":\"' || ? || '\"%'", second), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'case.duplicate_iin'"
                                " AND object = ?", first), 1);
    assert_int_equal(audit_count(f, "personal.update"), 0);
    /* the same case may keep its own IIN */
    p = json_pack("{s:s, s:s}", "iin", f->iin_girl, "given_name", "Renamed");
    assert_int_equal(personal_put(f->app, &f->cm1, first, p, 0, &err), QG_OK);
    json_decref(p);
    /* moving the IIN: removed from the first case, it is free for the second */
    p = json_pack("{s:s}", "given_name", "Renamed");
    assert_int_equal(personal_put(f->app, &f->cm1, first, p, 0, &err), QG_OK);
    json_decref(p);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM cases WHERE iin_hash IS NOT NULL", NULL), 0);
    p = json_pack("{s:s}", "iin", f->iin_girl);
    assert_int_equal(personal_put(f->app, &f->cm1, second, p, 0, &err), QG_OK);
    json_decref(p);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM cases WHERE iin_hash IS NOT NULL", NULL), 1);
    assert_int_equal(audit_count(f, "personal.update"), 3);
}

/* Two workers: the second writes with the version she read before the first saved. */
static void test_personal_put_version(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    char code[QG_CODE_SIZE];
    take_code(create_ok(f, &f->cm1, J("{}")), code);
    json_t *c = NULL;
    assert_int_equal(case_get(f->app, &f->cm1, code, &c, &err), QG_OK);
    int64_t read_version = json_integer_value(json_object_get(c, "version"));
    json_decref(c);
    json_t *p = json_pack("{s:s}", "notes", "first worker's note");
    assert_int_equal(personal_put(f->app, &f->cm1, code, p, read_version, &err), QG_OK);
    json_decref(p);
    p = json_pack("{s:s}", "notes", "second worker's note");
    expect(personal_put(f->app, &f->cm1, code, p, read_version, &err), &err, QG_ECONFLICT, "version");
    json_decref(p);
    json_t *got = NULL;
    assert_int_equal(case_personal_get(f->app, &f->cm1, code, &got, &err), QG_OK);
    assert_string_equal(json_string_value(json_object_get(got, "notes")), "first worker's note");
    json_decref(got);
}

/* A PATCH that had to decrypt the birth date says so in the audit trail. */
static void test_patch_audits_personal_use(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    char code[QG_CODE_SIZE];
    take_code(create_ok(f, &f->cm1, with_iin(f->iin_girl, "Dated")), code);
    json_t *patch = J("{\"identified_on\": \"2024-01-15\"}"), *out = NULL;
    assert_int_equal(case_update(f->app, &f->cm1, code, patch, &out, &err), QG_OK);
    json_decref(patch);
    json_decref(out);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'case.update' AND object = ?"
                                " AND detail LIKE '%\"personal_used\":true%'", code), 1);
}

/* ---- cases: read, update, list ------------------------------------------------------- */

static void test_case_visibility(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    char code[QG_CODE_SIZE];
    take_code(create_ok(f, &f->fr_a, J("{}")), code);
    assert_true(sees(f, &f->fr_a, code));
    assert_true(sees(f, &f->sup_a, code));
    assert_true(sees(f, &f->sys, code));
    assert_false(sees(f, &f->sup_b, code));
    assert_false(sees(f, &f->cm1, code));
    assert_false(sees(f, &f->cm_b, code));
    assert_false(sees(f, &f->fr_b, code));
    expect(get_code(f, &f->analyst, code, &err), &err, QG_EFORBIDDEN, NULL);
    expect(get_code(f, &f->admin, code, &err), &err, QG_EFORBIDDEN, NULL);
    expect(get_code(f, &f->auditor, code, &err), &err, QG_EFORBIDDEN, NULL);
    expect(get_code(f, &f->none, code, &err), &err, QG_EFORBIDDEN, NULL);
    /* a hidden case and a case that does not exist get the same answer */
    qg_error hidden = {0}, absent = {0};
    expect(get_code(f, &f->sup_b, code, &hidden), &hidden, QG_ENOTFOUND, "code");
    char other[QG_CODE_SIZE];
    do
        child_code_new(other);
    while (strcmp(other, code) == 0);
    expect(get_code(f, &f->sup_b, other, &absent), &absent, QG_ENOTFOUND, "code");
    assert_string_equal(hidden.message, absent.message);
    expect(get_code(f, &f->sup_a, "QG-1234", &err), &err, QG_EINVAL, "code");
    expect(get_code(f, &f->sup_a, NULL, &err), &err, QG_EINVAL, "code");
    /* codes are read as typed by people */
    char lower[QG_CODE_SIZE];
    for (size_t i = 0; i < QG_CODE_SIZE; i++)
        lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
    assert_true(sees(f, &f->sup_a, lower));
    /* the handover: once a case manager is assigned the first responder loses sight */
    assert_int_equal(case_assign(f->app, &f->sup_a, code, f->cm1.user_id, &err), QG_OK);
    assert_false(sees(f, &f->fr_a, code));
    assert_true(sees(f, &f->cm1, code));
    json_t *out = NULL;
    json_t *patch = J("{\"region\": \"astana\"}");
    expect(case_update(f->app, &f->fr_a, code, patch, &out, &err), &err, QG_ENOTFOUND, "code");
    json_decref(patch);
    expect(case_personal_get(f->app, &f->fr_a, code, &out, &err), &err, QG_ENOTFOUND, "code");
    json_t *p = J("{\"given_name\": \"Later\"}");
    expect(personal_put(f->app, &f->fr_a, code, p, 0, &err), &err, QG_ENOTFOUND, "code");
    json_decref(p);
    case_query q = {.limit = 50};
    assert_int_equal(case_list(f->app, &f->fr_a, &q, &out, &err), QG_OK);
    assert_int_equal(json_array_size(json_object_get(out, "cases")), 0);
    json_decref(out);
    /* handed over for good: with no case manager left it does not come back to the
     * opener (only the supervisor sees it until someone is assigned again) */
    assert_int_equal(case_unassign(f->app, &f->sup_a, code, f->cm1.user_id, &err), QG_OK);
    assert_false(sees(f, &f->fr_a, code));
    assert_true(sees(f, &f->sup_a, code));
    assert_int_equal(case_list(f->app, &f->fr_a, &q, &out, &err), QG_OK);
    assert_int_equal(json_array_size(json_object_get(out, "cases")), 0);
    json_decref(out);
    assert_false(sees(f, &f->cm1, code));
    assert_int_equal(audit_count(f, "case.read"), 0); /* plain reads are not audited */
}

static void test_case_update(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    char code[QG_CODE_SIZE];
    take_code(create_ok(f, &f->cm1, J("{\"sex\": \"Masculine\"}")), code);
    json_t *out = NULL, *patch = J("{\"region\": \"almaty\", \"version\": 1}");
    assert_int_equal(case_update(f->app, &f->cm1, code, patch, &out, &err), QG_OK);
    json_decref(patch);
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(out, "region")), "almaty");
    assert_string_equal(json_string_value(json_object_get(out, "sex")), "Masculine");
    assert_int_equal(json_array_size(json_object_get(out, "case_managers")), 1);
    json_decref(out);
    /* a stale version is a conflict and changes nothing */
    patch = J("{\"region\": \"astana\", \"version\": 1}");
    expect(case_update(f->app, &f->cm1, code, patch, &out, &err), &err, QG_ECONFLICT, "version");
    assert_null(out);
    json_decref(patch);
    patch = J("{\"version\": \"2\"}");
    expect(case_update(f->app, &f->cm1, code, patch, &out, &err), &err, QG_EINVAL, "version");
    json_decref(patch);
    /* null clears an optional field; a required one cannot be cleared */
    patch = J("{\"sex\": null}");
    assert_int_equal(case_update(f->app, &f->cm1, code, patch, &out, &err), QG_OK);
    json_decref(patch);
    assert_true(json_is_null(json_object_get(out, "sex")));
    assert_string_equal(json_string_value(json_object_get(out, "region")), "almaty");
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 3);
    json_decref(out);
    const struct {
        const char *patch, *field;
    } bad[] = {
        {"{\"stage\": null}", "stage"},
        {"{\"stage\": \"referral\"}", "stage"}, /* only with its history (stage.c) */
        {"{\"identified_on\": null}", "identified_on"},
        {"{\"status\": null}", "status"},
        {"{\"status\": \"closed\"}", "status"},
        {"{\"region\": \"mars\"}", "region"},
        {"{\"code\": \"QG-0000-0000-0000-0\"}", "body"},
        {"{\"Testgul Oydanova\": null}", "body"}, /* never named back */
        {"{\"personal\": {\"given_name\": \"Testgul\"}}", "body"},
    };
    secret(f, "Testgul Oydanova");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        patch = J(bad[i].patch);
        out = NULL;
        memset(&err, 0, sizeof err);
        qg_code c = case_update(f->app, &f->cm1, code, patch, &out, &err);
        if (c != QG_EINVAL || strcmp(err.field, bad[i].field) != 0)
            fail_msg("%s: want invalid %s, got %d %s (%s)", bad[i].patch, bad[i].field, c, err.field,
                     err.message);
        assert_null(out);
        json_decref(patch);
    }
    /* who may not */
    patch = J("{\"region\": \"astana\"}");
    expect(case_update(f->app, &f->cm2, code, patch, &out, &err), &err, QG_ENOTFOUND, "code");
    expect(case_update(f->app, &f->sup_b, code, patch, &out, &err), &err, QG_ENOTFOUND, "code");
    expect(case_update(f->app, &f->analyst, code, patch, &out, &err), &err, QG_EFORBIDDEN, NULL);
    expect(case_update(f->app, &f->cm1, "not-a-code", patch, &out, &err), &err, QG_EINVAL, "code");
    /* the supervisor of the organisation may */
    assert_int_equal(case_update(f->app, &f->sup_a, code, patch, &out, &err), QG_OK);
    json_decref(out);
    json_decref(patch);
    /* the audit names the changed fields, never their values */
    assert_int_equal(audit_count(f, "case.update"), 3);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'case.update' AND object = ?"
                                " AND detail = '{\"fields\":[\"region\"],\"personal_used\":false}'", code), 2);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'case.update' AND (detail"
                                " LIKE '%almaty%' OR detail LIKE '%astana%' OR detail LIKE '%Masculine%')",
                             NULL), 0);
    json_t *got = NULL;
    assert_int_equal(case_get(f->app, &f->cm1, code, &got, &err), QG_OK);
    assert_int_equal(json_integer_value(json_object_get(got, "version")), 4);
    assert_string_equal(json_string_value(json_object_get(got, "region")), "astana");
    assert_string_equal(json_string_value(json_object_get(got, "stage")), "identification");
    assert_string_equal(json_string_value(json_object_get(got, "status")), "open");
    json_decref(got);
}

static void test_case_update_reconciles_personal(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    json_t *body = json_pack("{s:s, s:{s:s}}", "identified_on", "2023-05-10", "personal",
                             "birth_date", "2011-03-14");
    char code[QG_CODE_SIZE];
    take_code(create_ok(f, &f->cm1, body), code);
    json_t *out = NULL;
    const struct {
        const char *patch, *field;
    } bad[] = {
        {"{\"birth_year\": 2012}", "birth_year"},
        {"{\"identified_on\": \"2010-01-01\", \"age_at_identification\": null}", "identified_on"},
        {"{\"age_at_identification\": 5}", "age_at_identification"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *patch = J(bad[i].patch);
        memset(&err, 0, sizeof err);
        qg_code c = case_update(f->app, &f->cm1, code, patch, &out, &err);
        if (c != QG_EINVAL || strcmp(err.field, bad[i].field) != 0)
            fail_msg("%s: want invalid %s, got %d %s", bad[i].patch, bad[i].field, c, err.field);
        json_decref(patch);
    }
    /* a new identification date with the derived age cleared: derived again */
    json_t *patch = J("{\"identified_on\": \"2020-01-01\", \"age_at_identification\": null}");
    assert_int_equal(case_update(f->app, &f->cm1, code, patch, &out, &err), QG_OK);
    json_decref(patch);
    assert_int_equal(json_integer_value(json_object_get(out, "age_at_identification")), 8);
    assert_int_equal(json_integer_value(json_object_get(out, "birth_year")), 2011);
    json_decref(out);
}

/* Codes of a list result, newest first, into codes (n entries); returns n. */
static size_t list_codes(fx *f, const qg_actor *a, case_query q, char codes[][QG_CODE_SIZE], size_t max,
                         json_t **next)
{
    json_t *out = NULL;
    qg_error err = {0};
    qg_code c = case_list(f->app, a, &q, &out, &err);
    if (c != QG_OK)
        fail_msg("case_list: %d %s %s", c, err.field, err.message);
    json_t *cases = json_object_get(out, "cases");
    size_t n = json_array_size(cases);
    assert_true(n <= max);
    for (size_t i = 0; i < n; i++)
        snprintf(codes[i], QG_CODE_SIZE, "%s", code_of(json_array_get(cases, i)));
    if (next)
        *next = json_incref(json_object_get(out, "next_before"));
    json_decref(out);
    return n;
}

static void test_case_list(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    enum { N = 7 };
    char c[N][QG_CODE_SIZE];
    take_code(create_ok(f, &f->fr_a, J("{}")), c[0]);
    take_code(create_ok(f, &f->fr_a, J("{\"stage\": \"exit_assistance\"}")), c[1]);
    take_code(create_ok(f, &f->cm1, J("{\"stage\": \"assessment\"}")), c[2]);
    take_code(create_ok(f, &f->sup_a, J("{}")), c[3]);
    take_code(create_ok(f, &f->cm_b, J("{}")), c[4]);
    json_t *body = json_pack("{s:I, s:s}", "org_id", (json_int_t)f->org_a, "stage", "assessment");
    take_code(create_ok(f, &f->sys, body), c[5]);
    secret(f, "Baurzhan");
    take_code(create_ok(f, &f->fr_b, J("{\"personal\": {\"given_name\": \"Baurzhan\"}}")), c[6]);
    char got[16][QG_CODE_SIZE];
    case_query q = {.limit = 50};
    /* each role's scope, newest first */
    assert_int_equal(list_codes(f, &f->fr_a, q, got, 16, NULL), 2);
    assert_string_equal(got[0], c[1]);
    assert_string_equal(got[1], c[0]);
    assert_int_equal(list_codes(f, &f->cm1, q, got, 16, NULL), 1);
    assert_string_equal(got[0], c[2]);
    assert_int_equal(list_codes(f, &f->cm2, q, got, 16, NULL), 0);
    assert_int_equal(list_codes(f, &f->sup_a, q, got, 16, NULL), 5);
    const int org_a_order[] = {5, 3, 2, 1, 0};
    for (int i = 0; i < 5; i++)
        assert_string_equal(got[i], c[org_a_order[i]]);
    assert_int_equal(list_codes(f, &f->sup_b, q, got, 16, NULL), 2);
    assert_string_equal(got[0], c[6]);
    assert_string_equal(got[1], c[4]);
    assert_int_equal(list_codes(f, &f->sys, q, got, 16, NULL), N);
    /* pages of two, following next_before to the end */
    q.limit = 2;
    size_t seen = 0;
    char cursor[QG_CODE_SIZE];
    for (int page = 0; page < 10; page++) {
        json_t *next = NULL;
        size_t n = list_codes(f, &f->sup_a, q, got, 16, &next);
        for (size_t i = 0; i < n; i++)
            assert_string_equal(got[i], c[org_a_order[seen + i]]);
        seen += n;
        if (json_is_null(next)) {
            json_decref(next);
            break;
        }
        assert_true(json_is_string(next)); /* a case code, never an internal id */
        snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
        q.before = cursor;
        json_decref(next);
    }
    assert_int_equal(seen, 5);
    /* filters */
    q = (case_query){.limit = 50, .stage = "assessment"};
    assert_int_equal(list_codes(f, &f->sup_a, q, got, 16, NULL), 2);
    assert_string_equal(got[0], c[5]);
    assert_string_equal(got[1], c[2]);
    q = (case_query){.limit = 50, .status = "open"};
    assert_int_equal(list_codes(f, &f->sup_a, q, got, 16, NULL), 5);
    q = (case_query){.limit = 50, .status = "closed"};
    assert_int_equal(list_codes(f, &f->sup_a, q, got, 16, NULL), 0);
    /* lists never carry personal data */
    json_t *out = NULL;
    q = (case_query){.limit = 50};
    assert_int_equal(case_list(f->app, &f->sys, &q, &out, &err), QG_OK);
    char *dump = json_dumps(out, 0);
    assert_null(strstr(dump, "Baurzhan"));
    assert_null(strstr(dump, "given_name"));
    free(dump);
    json_decref(out);
    /* bad queries */
    const struct {
        case_query q;
        const char *field;
    } bad[] = {
        {{.limit = 0}, "limit"},
        {{.limit = CASE_LIST_MAX + 1}, "limit"},
        {{.limit = -5}, "limit"},
        {{.limit = 10, .before = "not-a-code"}, "before"},
        {{.limit = 10, .stage = "bogus"}, "stage"},
        {{.limit = 10, .status = "archived"}, "status"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out = NULL;
        expect(case_list(f->app, &f->sup_a, &bad[i].q, &out, &err), &err, QG_EINVAL, bad[i].field);
        assert_null(out);
    }
    q = (case_query){.limit = CASE_LIST_MAX};
    assert_int_equal(case_list(f->app, &f->sup_a, &q, &out, &err), QG_OK);
    json_decref(out);
    /* roles without case work may not list */
    const qg_actor *refused[] = {&f->admin, &f->analyst, &f->auditor, &f->none};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        out = NULL;
        expect(case_list(f->app, refused[i], &q, &out, &err), &err, QG_EFORBIDDEN, NULL);
        assert_null(out);
    }
}

/* ---- personal part ------------------------------------------------------------------ */

static void test_personal_get_put(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    secret(f, "Dana");
    secret(f, "Seitkali");
    char code[QG_CODE_SIZE];
    take_code(create_ok(f, &f->cm1, J("{\"sex\": \"Masculine\"}")), code);
    json_t *got = NULL;
    assert_int_equal(case_personal_get(f->app, &f->cm1, code, &got, &err), QG_OK);
    assert_true(json_is_object(got));
    assert_int_equal(json_object_size(got), 0);
    json_decref(got);
    json_t *p = J("{\"given_name\": \"Dana\", \"phone\": \"+7 701 555 0123\", \"birth_date\": \"2012-02-02\"}");
    assert_int_equal(personal_put(f->app, &f->cm1, code, p, 0, &err), QG_OK);
    assert_int_equal(case_personal_get(f->app, &f->cm1, code, &got, &err), QG_OK);
    assert_true(json_equal(got, p));
    json_decref(got);
    json_decref(p);
    /* the case's fields follow the personal data */
    json_t *c = NULL;
    assert_int_equal(case_get(f->app, &f->cm1, code, &c, &err), QG_OK);
    assert_int_equal(json_integer_value(json_object_get(c, "birth_year")), 2012);
    assert_true(json_is_true(json_object_get(c, "has_personal")));
    json_decref(c);
    /* a put replaces the whole personal part */
    p = J("{\"family_name\": \"Seitkali\"}");
    assert_int_equal(personal_put(f->app, &f->sup_a, code, p, 0, &err), QG_OK);
    assert_int_equal(case_personal_get(f->app, &f->sup_a, code, &got, &err), QG_OK);
    assert_true(json_equal(got, p));
    json_decref(got);
    json_decref(p);
    /* refusals change nothing */
    const struct {
        const char *personal, *field;
    } bad[] = {
        {"{\"phone\": \"call me\"}", "personal.phone"},
        {"{\"relatives\": [{\"name\": \"A\"}, {\"name\": \"\"}]}", "personal.relatives[1].name"},
        {"{\"birth_date\": \"2999-01-01\"}", "personal.birth_date"},
        {"{\"shelter\": \"Dana's place\"}", "personal"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = J(bad[i].personal);
        expect(personal_put(f->app, &f->cm1, code, p, 0, &err), &err, QG_EINVAL, bad[i].field);
        assert_null(strstr(err.message, "Dana"));
        json_decref(p);
    }
    p = json_pack("{s:s}", "iin", f->iin_girl); /* a girl's IIN on a case recorded Masculine */
    expect(personal_put(f->app, &f->cm1, code, p, 0, &err), &err, QG_EINVAL, "sex");
    expect(personal_put(f->app, &f->cm2, code, p, 0, &err), &err, QG_ENOTFOUND, "code");
    expect(personal_put(f->app, &f->sup_b, code, p, 0, &err), &err, QG_ENOTFOUND, "code");
    expect(personal_put(f->app, &f->analyst, code, p, 0, &err), &err, QG_EFORBIDDEN, NULL);
    json_decref(p);
    p = J("{\"family_name\": \"Seitkali\"}");
    assert_int_equal(case_personal_get(f->app, &f->cm1, code, &got, &err), QG_OK);
    assert_true(json_equal(got, p));
    json_decref(got);
    json_decref(p);
    /* audited with field names only */
    assert_int_equal(audit_count(f, "personal.update"), 2);
    assert_int_equal(audit_count(f, "personal.read"), 4);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'personal.update'"
                                " AND detail = '{\"fields\":[\"family_name\"]}'", NULL), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'personal.update'"
                                " AND detail LIKE '%given_name%' AND detail LIKE '%phone%'"
                                " AND detail LIKE '%birth_date%' AND detail NOT LIKE '%2012%'", NULL), 1);
    char actor[32];
    snprintf(actor, sizeof actor, "%lld", (long long)f->sup_a.user_id);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'personal.read'"
                                " AND actor = CAST(? AS INTEGER)", actor), 1);
}

/* ---- assignment ---------------------------------------------------------------------- */

static int managers_of(fx *f, const char *code)
{
    json_t *c = NULL;
    qg_error err = {0};
    assert_int_equal(case_get(f->app, &f->sys, code, &c, &err), QG_OK);
    int n = (int)json_array_size(json_object_get(c, "case_managers"));
    json_decref(c);
    return n;
}

static void test_assign_unassign(void **state)
{
    fx *f = *state;
    qg_error err = {0};
    char code[QG_CODE_SIZE], own[QG_CODE_SIZE];
    take_code(create_ok(f, &f->fr_a, J("{}")), code);
    assert_int_equal(case_assign(f->app, &f->sup_a, code, f->cm1.user_id, &err), QG_OK);
    assert_int_equal(managers_of(f, code), 1);
    expect(case_assign(f->app, &f->sup_a, code, f->cm1.user_id, &err), &err, QG_ECONFLICT, "user_id");
    assert_int_equal(case_assign(f->app, &f->sup_a, code, f->cm2.user_id, &err), QG_OK);
    assert_int_equal(managers_of(f, code), 2);
    /* at most two case managers per child */
    expect(case_assign(f->app, &f->sup_a, code, f->cm3.user_id, &err), &err, QG_ECONFLICT, "user_id");
    expect(case_assign(f->app, &f->sys, code, f->cm3.user_id, &err), &err, QG_ECONFLICT, "user_id");
    assert_int_equal(managers_of(f, code), 2);
    /* only enabled case managers of the case's organisation */
    expect(case_assign(f->app, &f->sup_a, code, f->sup_a.user_id, &err), &err, QG_EINVAL, "user_id");
    expect(case_assign(f->app, &f->sup_a, code, f->fr_a.user_id, &err), &err, QG_EINVAL, "user_id");
    expect(case_assign(f->app, &f->sup_a, code, f->cm_b.user_id, &err), &err, QG_EINVAL, "user_id");
    expect(case_assign(f->app, &f->sup_a, code, f->cm_off.user_id, &err), &err, QG_EINVAL, "user_id");
    expect(case_assign(f->app, &f->sup_a, code, 99999, &err), &err, QG_EINVAL, "user_id");
    expect(case_assign(f->app, &f->sup_a, code, 0, &err), &err, QG_EINVAL, "user_id");
    expect(case_assign(f->app, &f->sup_a, code, -2, &err), &err, QG_EINVAL, "user_id");
    /* who may assign */
    expect(case_assign(f->app, &f->cm1, code, f->cm3.user_id, &err), &err, QG_EFORBIDDEN, NULL);
    expect(case_assign(f->app, &f->fr_a, code, f->cm3.user_id, &err), &err, QG_EFORBIDDEN, NULL);
    expect(case_assign(f->app, &f->admin, code, f->cm3.user_id, &err), &err, QG_EFORBIDDEN, NULL);
    expect(case_assign(f->app, &f->sup_b, code, f->cm_b.user_id, &err), &err, QG_ENOTFOUND, "code");
    expect(case_unassign(f->app, &f->sup_b, code, f->cm1.user_id, &err), &err, QG_ENOTFOUND, "code");
    expect(case_unassign(f->app, &f->cm1, code, f->cm1.user_id, &err), &err, QG_EFORBIDDEN, NULL);
    expect(case_assign(f->app, &f->sup_a, "QG-BAD", f->cm3.user_id, &err), &err, QG_EINVAL, "code");
    /* unassigning frees a place */
    assert_int_equal(case_unassign(f->app, &f->sup_a, code, f->cm2.user_id, &err), QG_OK);
    expect(case_unassign(f->app, &f->sup_a, code, f->cm2.user_id, &err), &err, QG_ENOTFOUND, "user_id");
    assert_false(sees(f, &f->cm2, code));
    assert_int_equal(case_assign(f->app, &f->sys, code, f->cm3.user_id, &err), QG_OK);
    assert_true(sees(f, &f->cm3, code));
    assert_false(sees(f, &f->fr_a, code));
    assert_int_equal(case_unassign(f->app, &f->sup_a, code, f->cm1.user_id, &err), QG_OK);
    assert_false(sees(f, &f->fr_a, code)); /* cm3 still manages it */
    assert_int_equal(case_unassign(f->app, &f->sup_a, code, f->cm3.user_id, &err), QG_OK);
    assert_false(sees(f, &f->fr_a, code)); /* handed over once, handed over for good */
    assert_int_equal(managers_of(f, code), 0);
    /* the case manager who opened a case counts towards the two */
    take_code(create_ok(f, &f->cm1, J("{}")), own);
    assert_int_equal(case_assign(f->app, &f->sup_a, own, f->cm2.user_id, &err), QG_OK);
    expect(case_assign(f->app, &f->sup_a, own, f->cm3.user_id, &err), &err, QG_ECONFLICT, "user_id");
    assert_int_equal(audit_count(f, "case.assign"), 4);
    assert_int_equal(audit_count(f, "case.unassign"), 3);
    char who[32];
    snprintf(who, sizeof who, "{\"user_id\":%lld}", (long long)f->cm3.user_id);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE action = 'case.assign' AND detail = ?",
                             who), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM case_assignments", NULL), 2);
}


/* ---- a hidden case answers like a missing one (issue 15 item 9) ----------------------- */

typedef struct {
    long prepares, steps, rows, opens;
    qg_code code;
    char reason[64], field[32];
} work_seen;

typedef enum {
    W_GET, W_PERSONAL, W_HISTORY, W_NOTES, W_TASKS, W_UPDATE, W_PERSONAL_PUT, W_RECORDS,
    W_CONSENTS, W_REFERRALS, W_ASSIGNABLE, W_CHILD_RECORD, W_LAST = W_CHILD_RECORD
} work;

/* Runs one service on code as a and counts the statements and decryptions it made on this
 * thread (direct writes: the writer's jobs run here too). */
static work_seen run_counted(fx *f, const qg_actor *a, work w, const char *code)
{
    qg_error err = {0};
    json_t *out = NULL;
    db_counts before = db_thread_counts();
    long opens = crypto_thread_opens();
    work_seen seen = {0};
    switch (w) {
    case W_GET: seen.code = case_get(f->app, a, code, &out, &err); break;
    case W_PERSONAL: seen.code = case_personal_get(f->app, a, code, &out, &err); break;
    case W_HISTORY: seen.code = stage_history(f->app, a, code, false, &out, &err); break;
    case W_NOTES: seen.code = stage_history(f->app, a, code, true, &out, &err); break;
    case W_TASKS: seen.code = task_list_case(f->app, a, code, &out, &err); break;
    case W_UPDATE: {
        json_t *patch = J("{\"region\":\"astana\"}");
        seen.code = case_update(f->app, a, code, patch, &out, &err);
        json_decref(patch);
        break;
    }
    case W_RECORDS: seen.code = record_list(f->app, a, "safety_plan", code, &out, &err); break;
    case W_CONSENTS: seen.code = consent_list(f->app, a, code, &out, &err); break;
    case W_REFERRALS: seen.code = referral_list_case(f->app, a, code, &out, &err); break;
    case W_ASSIGNABLE: seen.code = case_assignable_managers(f->app, a, code, &out, &err); break;
    case W_CHILD_RECORD: {
        char *text = NULL;
        size_t len = 0;
        seen.code = child_record_export(f->app, a, code, "kk", &text, &len, &err);
        free(text);
        break;
    }
    case W_PERSONAL_PUT: {
        json_t *personal = J("{\"given_name\":\"Hidden\"}");
        seen.code = case_personal_put(f->app, a, code, personal, 1, &out, &err);
        json_decref(personal);
        break;
    }
    }
    db_counts after = db_thread_counts();
    seen.prepares = after.prepares - before.prepares;
    seen.steps = after.steps - before.steps;
    seen.rows = after.rows - before.rows;
    seen.opens = crypto_thread_opens() - opens;
    snprintf(seen.reason, sizeof seen.reason, "%s", err.reason ? err.reason : "");
    snprintf(seen.field, sizeof seen.field, "%s", err.field);
    json_decref(out);
    return seen;
}

/* A case of another organisation (with personal data, so a read would decrypt) and a code
 * no case has: each service that takes a case code answers both with the same error after
 * the same statements and the same decryptions, for a case manager, a supervisor (who may
 * break the glass, so the policy looks up a grant) and a first responder: the case, its
 * personal part, stage history (with and without notes), tasks, a change, a new personal
 * part, records, consents, referrals, assignable case managers and the child's record. Timing: `make reliability`
 * (scripts/reliability/50-hidden-timing.sh). */
static void test_hidden_answers_like_missing(void **state)
{
    fx *f = *state;
    char hidden[QG_CODE_SIZE], missing[QG_CODE_SIZE];
    json_t *body = json_pack("{s:s, s:s, s:{s:s, s:s}}", "sex", "Feminine", "region", "astana",
                             "personal", "given_name", "Aigerim", "iin", f->iin_girl);
    take_code(create_ok(f, &f->cm_b, body), hidden);
    secret(f, "Aigerim");
    do
        child_code_new(missing);
    while (strcmp(missing, hidden) == 0);
    /* the counters count: the owner's read of the personal part decrypts */
    work_seen own = run_counted(f, &f->cm_b, W_PERSONAL, hidden);
    assert_int_equal(own.code, QG_OK);
    assert_true(own.opens >= 1 && own.prepares >= 2 && own.steps >= 2);
    const qg_actor *actors[] = {&f->cm1, &f->sup_a, &f->fr_a};
    for (size_t i = 0; i < sizeof actors / sizeof *actors; i++)
        for (work w = W_GET; w <= W_LAST; w++) {
            work_seen h = run_counted(f, actors[i], w, hidden);
            work_seen m = run_counted(f, actors[i], w, missing);
            if (h.code != m.code || strcmp(h.reason, m.reason) != 0 ||
                strcmp(h.field, m.field) != 0 || h.prepares != m.prepares ||
                h.steps != m.steps || h.rows != m.rows || h.opens != m.opens)
                fail_msg("actor %zu, service %d: hidden %d %s/%s %ld prepares %ld steps %ld rows"
                         " %ld decryptions; missing %d %s/%s %ld %ld %ld %ld",
                         i, (int)w, h.code, h.reason, h.field, h.prepares, h.steps, h.rows,
                         h.opens, m.code, m.reason, m.field, m.prepares, m.steps, m.rows,
                         m.opens);
            if (i == 0 && w == W_GET)
                assert_int_equal(h.code, QG_ENOTFOUND);
        }
}

#define BOTH(fn)                                                                         \
    {"direct/" #fn, fn, setup, teardown, &DIRECT}, {"threaded/" #fn, fn, setup, teardown, \
                                                    &THREADED}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_app_files),
        BOTH(test_orgs),
        BOTH(test_user_create_and_list),
        BOTH(test_user_disable_and_password),
        BOTH(test_login_lookup_logout),
        BOTH(test_login_failures),
        BOTH(test_login_throttled),
        BOTH(test_login_throttled_per_prefix),
        BOTH(test_login_deletes_expired_sessions),
        BOTH(test_case_create_by_role),
        BOTH(test_case_create_invalid),
        BOTH(test_case_personal_sealed),
        BOTH(test_duplicate_iin_on_create),
        BOTH(test_duplicate_iin_on_put),
        BOTH(test_personal_put_version),
        BOTH(test_patch_audits_personal_use),
        BOTH(test_case_visibility),
        BOTH(test_case_update),
        BOTH(test_case_update_reconciles_personal),
        BOTH(test_case_list),
        BOTH(test_personal_get_put),
        BOTH(test_assign_unassign),
        {"direct/test_hidden_answers_like_missing", test_hidden_answers_like_missing, setup,
         teardown, &DIRECT},
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
