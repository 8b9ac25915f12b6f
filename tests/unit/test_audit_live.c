/*
 * test_audit_live.c — verifying the audit trail while the server keeps appending to it
 * must never report tampering: audit_verify_snapshot reads the rows and the recorded
 * head from one snapshot. (Without it, a verify that reads the rows, then the head
 * after another commit, sees a head "ahead" of the rows.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "core/account/account.h"
#include "core/account/audit.h"
#include "core/instance/app_open.h"
#include "support/tmpdir.h"

#define APPENDS 150

typedef struct {
    qg_app *app;
    atomic_int done;
    int failures;
} writer_ctx;

static void *append_orgs(void *arg)
{
    writer_ctx *w = arg;
    qg_actor sys = actor_system();
    for (int i = 0; i < APPENDS; i++) {
        char name[64];
        int64_t id = 0;
        qg_error err = {0};
        snprintf(name, sizeof name, "Live Audit Org %d", i);
        if (org_create(w->app, &sys, name, "ngo", "almaty", &id, &err) != QG_OK)
            w->failures++;
    }
    atomic_store(&w->done, 1);
    return NULL;
}

static void test_verify_while_appending(void **state)
{
    (void)state;
    char dir[256], db_path[512], key_path[512];
    assert_true(qgt_tmpdir_make("auditlive", dir, sizeof dir));
    assert_true(qgt_tmpdir_path(dir, "q.db", db_path, sizeof db_path));
    assert_true(qgt_tmpdir_path(dir, "q.db.key", key_path, sizeof key_path));
    qg_error err = {0};
    assert_int_equal(app_init_files(db_path, key_path, &err), QG_OK);
    writer_ctx w = {0};
    assert_int_equal(app_open(db_path, key_path, 2, true, &w.app, &err), QG_OK);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, append_orgs, &w), 0);
    int verifies = 0;
    while (!atomic_load(&w.done) || verifies < 5) {
        db *conn = db_pool_acquire(w.app->readers);
        audit_report r;
        qg_code c = audit_verify_snapshot(conn, w.app->keys, &r, &err);
        db_pool_release(w.app->readers, conn);
        assert_int_equal(c, QG_OK);
        if (r.first_bad)
            fail_msg("verify %d saw entry %lld as bad (%s) while the server appended", verifies,
                     (long long)r.first_bad, r.reason);
        verifies++;
    }
    pthread_join(t, NULL);
    assert_int_equal(w.failures, 0);
    db *conn = db_pool_acquire(w.app->readers);
    audit_report r;
    assert_int_equal(audit_verify_snapshot(conn, w.app->keys, &r, &err), QG_OK);
    db_pool_release(w.app->readers, conn);
    assert_int_equal(r.first_bad, 0);
    assert_int_equal(r.entries, APPENDS + 1); /* database.init and one per organisation */
    app_close(w.app);
    qgt_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_verify_while_appending)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
