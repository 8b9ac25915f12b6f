/*
 * test_read_gate.c — the one gate for reads and the services the API and the command
 * line use instead of the pool and the writer, on a real app in a temporary directory
 * with ONE reading connection, so a connection not given back would hang the next read
 * (an alarm turns a hang into a failure):
 * - app_read gives the connection back when the read fails, and passes the read's
 *   result and error through;
 * - audit_trail_list and audit_trail_verify ask the policy (an auditor and the system
 *   may, a case manager, an admin, an analyst may not: QG_EFORBIDDEN before any read),
 *   check their bounds, page the real entries and really verify (an altered head of the
 *   trail is reported);
 * - backup_write copies the database and records "database.backup" in the trail, only
 *   for the system, and refuses an existing file leaving the trail as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/account/account.h"
#include "core/account/audit_trail.h"
#include "core/instance/app_open.h"
#include "core/instance/backup.h"
#include "support/tmpdir.h"

#define HANG_S 20 /* a read waiting this long for the pool's only connection has hung */

typedef struct {
    char dir[QGT_TMPDIR_MAX];
    char db_path[QGT_TMPDIR_MAX + 32];
    char key_path[QGT_TMPDIR_MAX + 32];
    qg_app *app;
} fixture;

/* a system-wide auditor reads every entry; one of organisation 1 only its own */
static const qg_actor AUDITOR = {.user_id = 7, .org_id = 1, .role = ROLE_AUDITOR,
                                 .system_wide = true};
static const qg_actor ORG_AUDITOR = {.user_id = 11, .org_id = 1, .role = ROLE_AUDITOR};
static const qg_actor CASE_MANAGER = {.user_id = 8, .org_id = 1, .role = ROLE_CASE_MANAGER};
static const qg_actor ADMIN = {.user_id = 9, .org_id = 1, .role = ROLE_ADMIN};
static const qg_actor ANALYST = {.user_id = 10, .org_id = 1, .role = ROLE_ANALYST};

/* A fresh database (its trail holds "database.init"), one organisation made by the
 * system ("org.create"): two entries. The app has a single reading connection. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    qg_error err = {0};
    if (!f || !qgt_tmpdir_make("readgate", f->dir, sizeof f->dir) ||
        !qgt_tmpdir_path(f->dir, "q.db", f->db_path, sizeof f->db_path) ||
        !qgt_tmpdir_path(f->dir, "q.db.key", f->key_path, sizeof f->key_path) ||
        app_init_files(f->db_path, f->key_path, &err) != QG_OK ||
        app_open(f->db_path, f->key_path, 1, false, &f->app, &err) != QG_OK)
        return -1;
    qg_actor sys = actor_system();
    int64_t org = 0;
    if (org_create(f->app, &sys, "Read Gate Test Org", "ngo", "almaty", &org, &err) != QG_OK)
        return -1;
    *state = f;
    alarm(HANG_S);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    alarm(0);
    app_close(f->app);
    qgt_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* ---- app_read ------------------------------------------------------------------------ */

typedef struct {
    int calls;
    int64_t count;
} probe;

/* A read that fails: a statement on a table that does not exist. */
static qg_code failing_read(db *conn, void *arg, qg_error *err)
{
    probe *p = arg;
    p->calls++;
    db_stmt *st = db_prepare(conn, "SELECT x FROM no_such_table", err);
    if (st) {
        db_done(st);
        return qg_fail(err, QG_EIO, NULL, "test.failure", "the table was expected to be missing");
    }
    return err->code;
}

/* A read that fails by returning its own error without touching the database. */
static qg_code refusing_read(db *conn, void *arg, qg_error *err)
{
    (void)conn;
    probe *p = arg;
    p->calls++;
    return qg_fail(err, QG_ENOTFOUND, "probe", "test.failure", "nothing here");
}

/* A read that succeeds: counts the trail's entries. */
static qg_code counting_read(db *conn, void *arg, qg_error *err)
{
    probe *p = arg;
    p->calls++;
    db_stmt *st = db_prepare(conn, "SELECT COUNT(*) FROM audit", err);
    if (!st)
        return err->code;
    int rc = db_step(st, err);
    if (rc == 1)
        p->count = db_col_int(st, 0);
    db_done(st);
    return rc == 1 ? QG_OK : err->code;
}

static void test_app_read_gives_the_connection_back_on_error(void **state)
{
    fixture *f = *state;
    probe p = {0};
    for (int i = 0; i < 3; i++) { /* with one connection, a second read would hang */
        qg_error err = {0};
        assert_int_equal(app_read(f->app, failing_read, &p, &err), QG_EDB);
        assert_int_equal(err.code, QG_EDB);
        memset(&err, 0, sizeof err);
        assert_int_equal(app_read(f->app, refusing_read, &p, &err), QG_ENOTFOUND);
        assert_string_equal(err.field, "probe");
    }
    qg_error err = {0};
    assert_int_equal(app_read(f->app, counting_read, &p, &err), QG_OK);
    assert_int_equal(p.calls, 7);
    assert_int_equal(p.count, 2); /* database.init, org.create */
}

/* ---- the audit trail through core ---------------------------------------------------- */

static void expect_forbidden(fixture *f, const qg_actor *actor)
{
    qg_error err = {0};
    json_t *list = (json_t *)1;
    assert_int_equal(audit_trail_check(actor, &err), QG_EFORBIDDEN);
    memset(&err, 0, sizeof err);
    assert_int_equal(audit_trail_list(f->app, actor, 0, 10, &list, &err), QG_EFORBIDDEN);
    assert_null(list);
    assert_int_equal(err.code, QG_EFORBIDDEN);
    assert_string_equal(err.message, "your role may not read the audit trail");
    audit_report r = {.entries = 99};
    memset(&err, 0, sizeof err);
    assert_int_equal(audit_trail_verify(f->app, actor, &r, &err), QG_EFORBIDDEN);
    assert_int_equal(r.entries, 0); /* nothing was read */
}

static void test_audit_trail_asks_the_policy(void **state)
{
    fixture *f = *state;
    expect_forbidden(f, &CASE_MANAGER);
    expect_forbidden(f, &ADMIN);
    expect_forbidden(f, &ANALYST);
    qg_error err = {0};
    assert_int_equal(audit_trail_check(&AUDITOR, &err), QG_OK);
    qg_actor sys = actor_system();
    assert_int_equal(audit_trail_check(&sys, &err), QG_OK);
}

static const char *action_of(json_t *list, size_t i)
{
    return json_string_value(json_object_get(json_array_get(list, i), "action"));
}

static void test_audit_trail_list_pages(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    json_t *list = NULL;
    int max = AUDIT_TRAIL_PAGE_MAX;
    assert_int_equal(audit_trail_list(f->app, &AUDITOR, 0, max, &list, &err), QG_OK);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(action_of(list, 0), "database.init");
    assert_string_equal(action_of(list, 1), "org.create");
    json_decref(list);
    assert_int_equal(audit_trail_list(f->app, &AUDITOR, 0, 1, &list, &err), QG_OK);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(action_of(list, 0), "database.init");
    json_decref(list);
    qg_actor sys = actor_system();
    assert_int_equal(audit_trail_list(f->app, &sys, 1, 10, &list, &err), QG_OK);
    assert_int_equal(json_array_size(list), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "seq")), 2);
    json_decref(list);
    assert_int_equal(audit_trail_list(f->app, &AUDITOR, 2, 10, &list, &err), QG_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    /* the auditor of the organisation the fixture made: its making, not the database's */
    assert_int_equal(audit_trail_list(f->app, &ORG_AUDITOR, 0, max, &list, &err), QG_OK);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(action_of(list, 0), "org.create");
    json_decref(list);
}

static void test_audit_trail_list_bounds(void **state)
{
    fixture *f = *state;
    static const struct {
        int64_t after;
        int limit;
        const char *field;
    } bad[] = {
        {-1, 10, "after"},
        {0, 0, "limit"},
        {0, AUDIT_TRAIL_PAGE_MAX + 1, "limit"},
        {0, -5, "limit"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qg_error err = {0};
        json_t *list = (json_t *)1;
        qg_code c = audit_trail_list(f->app, &AUDITOR, bad[i].after, bad[i].limit, &list, &err);
        assert_int_equal(c, QG_EINVAL);
        assert_null(list);
        assert_string_equal(err.field, bad[i].field);
    }
}

static void test_audit_trail_verify(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    audit_report r;
    assert_int_equal(audit_trail_verify(f->app, &AUDITOR, &r, &err), QG_OK);
    assert_int_equal(r.first_bad, 0);
    assert_int_equal(r.entries, 2);
    /* Someone alters the recorded head: the service must see it. */
    db *conn = writer_conn(f->app->writer);
    assert_int_equal(db_meta_set(conn, "audit_head", "1:forged", &err), QG_OK);
    assert_int_equal(audit_trail_verify(f->app, &AUDITOR, &r, &err), QG_OK);
    assert_int_equal(r.entries, 2);
    assert_int_equal(r.first_bad, 3);
    assert_non_null(strstr(r.reason, "head"));
}

/* ---- backup ---------------------------------------------------------------------------- */

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Returns how many entries of the trail have action. */
static size_t count_action(fixture *f, const char *action)
{
    qg_error err = {0};
    json_t *list = NULL;
    qg_actor sys = actor_system();
    int max = AUDIT_TRAIL_PAGE_MAX;
    assert_int_equal(audit_trail_list(f->app, &sys, 0, max, &list, &err), QG_OK);
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(list); i++)
        n += strcmp(action_of(list, i), action) == 0;
    json_decref(list);
    return n;
}

static void test_backup_is_copied_and_audited(void **state)
{
    fixture *f = *state;
    char copy[QGT_TMPDIR_MAX + 32];
    assert_true(qgt_tmpdir_path(f->dir, "copy.db", copy, sizeof copy));
    qg_actor sys = actor_system();
    qg_error err = {0};
    bool in_copy = true;
    assert_int_equal(backup_write(f->app, &sys, copy, &in_copy, &err), QG_OK);
    assert_false(in_copy); /* the live trail takes the entry */
    assert_true(exists(copy));
    assert_int_equal(count_action(f, "database.backup"), 1);
    /* The copy opens with the same key and holds the trail as it was before the copy's
     * own entry. */
    qg_app *other = NULL;
    assert_int_equal(app_open(copy, f->key_path, 1, false, &other, &err), QG_OK);
    audit_report r;
    assert_int_equal(audit_trail_verify(other, &sys, &r, &err), QG_OK);
    assert_int_equal(r.first_bad, 0);
    assert_int_equal(r.entries, 2);
    app_close(other);
    /* An existing file is refused and the trail does not change. */
    memset(&err, 0, sizeof err);
    assert_int_equal(backup_write(f->app, &sys, copy, &in_copy, &err), QG_ECONFLICT);
    assert_int_equal(count_action(f, "database.backup"), 1);
}

static void test_backup_only_for_the_system(void **state)
{
    fixture *f = *state;
    char copy[QGT_TMPDIR_MAX + 32];
    assert_true(qgt_tmpdir_path(f->dir, "stolen.db", copy, sizeof copy));
    const qg_actor *others[] = {&AUDITOR, &CASE_MANAGER, &ADMIN, &ANALYST};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        qg_error err = {0};
        bool in_copy = false;
        assert_int_equal(backup_write(f->app, others[i], copy, &in_copy, &err), QG_EFORBIDDEN);
        assert_false(exists(copy));
    }
    assert_int_equal(count_action(f, "database.backup"), 0);
}

int main(void)
{
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        TEST(test_app_read_gives_the_connection_back_on_error),
        TEST(test_audit_trail_asks_the_policy),
        TEST(test_audit_trail_list_pages),
        TEST(test_audit_trail_list_bounds),
        TEST(test_audit_trail_verify),
        TEST(test_backup_is_copied_and_audited),
        TEST(test_backup_only_for_the_system),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
