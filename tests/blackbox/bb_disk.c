/* bb_disk.c — black-box test of a full disk under a running server (issue 15, item 5).
 *
 * The disk is made full for real, without privileges: the test lowers the running
 * server's file size limit (prlimit RLIMIT_FSIZE to 0), so every write the server makes
 * to a file fails in the kernel with EFBIG, as writes to a full disk fail with ENOSPC
 * (SQLite reports both as a failed write; the server ignores SIGXFSZ). Then: the health
 * answer says "full"; a login, a wrong login and a personal-data read answer 503
 * "storage.full", and so does a change; the reads that append no audit entry (the case
 * list, a case's record without personal data, the code lists, the web's files) still
 * answer 200 with the session that was open before. The limit is raised again: the
 * server notices by itself within a few seconds (health turns "ok"), a login works
 * without a restart, the audit chain verifies, and nothing refused left a trace: one
 * case, and exactly two more audit entries (the new login and its personal read).
 *
 * On PostgreSQL (with $QORGAU_TEST_PG, else skipped) a database made read-only for real
 * (default_transaction_read_only, as on a standby) maps the same way: SQLSTATE 25006 is
 * health "read_only" and 503 "storage.read_only" for a login and a personal read, while
 * the case list answers; made writable again and restarted, a login works and the chain
 * verifies. (A PostgreSQL disk that fills, SQLSTATE 53100, is "storage.full" the same way;
 * a test cannot fill the test server's disk.)
 */
#define _GNU_SOURCE /* prlimit */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "support/bbhelp.h"
#include "support/qgtest.h"

#define SUP_LOGIN "disk.sup"
#define SUP_PASSWORD "disk-password-1"
#define LOGIN_BODY "{\"login\":\"" SUP_LOGIN "\",\"password\":\"" SUP_PASSWORD "\"}"
#define WRONG_BODY "{\"login\":\"" SUP_LOGIN "\",\"password\":\"not-the-password\"}"

/* Sets the running server's file size limit (soft; the hard one stays unlimited). */
static void set_fsize(qgt_env *e, rlim_t soft)
{
    struct rlimit lim = {.rlim_cur = soft, .rlim_max = RLIM_INFINITY};
    assert_int_equal(prlimit(e->server, RLIMIT_FSIZE, &lim, NULL), 0);
}

/* The health answer's "storage" value, copied into out. */
static void health_storage(qgt_env *e, char out[32])
{
    json_t *h = NULL;
    assert_int_equal(qgt_send(e, NULL, "GET", "/api/v1/health", NULL, &h), 200);
    const char *s = json_string_value(json_object_get(h, "storage"));
    snprintf(out, 32, "%s", s ? s : "(none)");
    json_decref(h);
}

/* Sends a request and expects 503 with reason want (and code "unavailable"). */
static void expect_503(qgt_env *e, const qgt_session *s, const char *method, const char *path,
                       const char *body, const char *want)
{
    json_t *o = NULL;
    int status = qgt_send(e, s, method, path, body, &o);
    json_t *err = json_object_get(o, "error");
    const char *reason = json_string_value(json_object_get(err, "reason"));
    if (status != 503 || !reason || strcmp(reason, want) != 0)
        fail_msg("%s %s: %d %s, want 503 %s", method, path, status, reason ? reason : "-", want);
    assert_string_equal(json_string_value(json_object_get(err, "code")), "unavailable");
    json_decref(o);
}

/* The number of audit entries `qorgau audit verify` checked; fails unless intact. */
static long audit_entries(qgt_env *e)
{
    static char out[QGT_OUT];
    const char *argv[] = {"audit", "verify", NULL};
    assert_int_equal(qgt_cli(e, true, NULL, out, NULL, argv), 0);
    const char *p = strstr(out, "audit trail intact: ");
    assert_non_null(p);
    return strtol(p + strlen("audit trail intact: "), NULL, 10);
}

static void test_full_disk(void **state)
{
    (void)state;
    qgt_env e;
    assert_true(qgt_env_init(&e));
    int64_t org = qgt_org(&e, "Disk Test NGO", "ngo", "almaty");
    assert_true(org > 0);
    assert_true(qgt_user(&e, org, SUP_LOGIN, "supervisor", SUP_PASSWORD) > 0);
    assert_true(qgt_server_start(&e, NULL));
    qgt_session s;
    assert_int_equal(qgt_login(&e, SUP_LOGIN, SUP_PASSWORD, &s), 201);
    json_t *made = NULL;
    assert_int_equal(qgt_send(&e, &s, "POST", "/api/v1/cases",
                              "{\"sex\":\"Feminine\",\"region\":\"almaty\","
                              "\"personal\":{\"given_name\":\"Diskgul Madeupova\"}}",
                              &made),
                     201);
    char code[64], personal[160], one[160];
    snprintf(code, sizeof code, "%s", json_string_value(json_object_get(made, "code")));
    json_decref(made);
    qgt_case_path(code, "/personal", personal, sizeof personal);
    qgt_case_path(code, NULL, one, sizeof one);
    assert_int_equal(qgt_send(&e, &s, "GET", personal, NULL, NULL), 200);
    char storage[32];
    health_storage(&e, storage);
    assert_string_equal(storage, "ok");
    long before = audit_entries(&e);

    set_fsize(&e, 0); /* from here every write to a file fails: the disk is full */
    expect_503(&e, NULL, "POST", "/api/v1/session", LOGIN_BODY, "storage.full");
    health_storage(&e, storage);
    assert_string_equal(storage, "full");
    expect_503(&e, NULL, "POST", "/api/v1/session", WRONG_BODY, "storage.full");
    expect_503(&e, &s, "GET", personal, NULL, "storage.full");
    expect_503(&e, &s, "POST", "/api/v1/cases",
               "{\"sex\":\"Feminine\",\"region\":\"almaty\","
               "\"personal\":{\"given_name\":\"Refusedgul Madeupova\"}}",
               "storage.full");
    /* what appends no audit entry keeps working, with the session opened before */
    assert_int_equal(qgt_send(&e, &s, "GET", "/api/v1/cases", NULL, NULL), 200);
    assert_int_equal(qgt_send(&e, &s, "GET", one, NULL, NULL), 200);
    assert_int_equal(qgt_send(&e, &s, "GET", "/api/v1/vocab", NULL, NULL), 200);
    assert_int_equal(qgt_status(qgt_call(&e, NULL, "GET", "/js/core.js", NULL)), 200);
    assert_int_equal(qgt_status(qgt_call(&e, NULL, "GET", "/i18n/errors.json", NULL)), 200);

    set_fsize(&e, RLIM_INFINITY); /* space returns; the server is not restarted */
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 200 * 1000 * 1000};
    for (int i = 0; i < 60; i++) { /* the server tries again within 3 s */
        health_storage(&e, storage);
        if (strcmp(storage, "ok") == 0)
            break;
        nanosleep(&pause, NULL);
    }
    assert_string_equal(storage, "ok");
    qgt_session again;
    assert_int_equal(qgt_login(&e, SUP_LOGIN, SUP_PASSWORD, &again), 201);
    assert_int_equal(qgt_send(&e, &again, "GET", personal, NULL, NULL), 200);
    json_t *list = NULL;
    assert_int_equal(qgt_send(&e, &again, "GET", "/api/v1/cases", NULL, &list), 200);
    assert_int_equal(json_array_size(json_object_get(list, "cases")), 1);
    json_decref(list);
    assert_int_equal(qgt_server_stop(&e), 0);
    /* nothing refused was written: the login and the personal read after recovery are
     * the only new entries */
    assert_int_equal(audit_entries(&e), before + 2);
    qgt_env_free(&e);
}

/* Sets (on) or resets (off) default_transaction_read_only for the database at url:
 * connections opened after it start read-only transactions. */
static void pg_read_only(const char *url, bool on)
{
    db *conn = NULL;
    qg_error err = {0};
    assert_int_equal(db_open(url, false, &conn, &err), QG_OK);
    assert_int_equal(db_exec(conn,
                             on ? "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET"
                                  " default_transaction_read_only = on', current_database());"
                                  " END $$"
                                : "BEGIN READ WRITE; DO $$ BEGIN EXECUTE format('ALTER DATABASE"
                                  " %I RESET default_transaction_read_only', current_database());"
                                  " END $$; COMMIT",
                             &err),
                     QG_OK);
    db_close(conn);
}

/* Restarts e's server (the old log moved aside: the port is read from the new one). */
static void restart(qgt_env *e)
{
    assert_int_equal(qgt_server_stop(e), 0);
    char old[QGT_PATH + 16];
    snprintf(old, sizeof old, "%s.old", e->log);
    rename(e->log, old);
    assert_true(qgt_server_start(e, NULL));
}

static void test_pg_read_only(void **state)
{
    (void)state;
    const char *url = qgt_pg_url();
    qgt_pg_reset(url);
    qgt_env e;
    memset(&e, 0, sizeof e);
    snprintf(e.dir, sizeof e.dir, "/tmp/qgbbdisk-XXXXXX");
    assert_non_null(mkdtemp(e.dir));
    snprintf(e.db, sizeof e.db, "%s", url);
    snprintf(e.key, sizeof e.key, "%s/qorgau.key", e.dir);
    snprintf(e.log, sizeof e.log, "%s/server.log", e.dir);
    setenv("QORGAU_KEY_FILE", e.key, 1);
    const char *init[] = {"init", NULL};
    assert_int_equal(qgt_cli(&e, true, NULL, NULL, NULL, init), 0);
    int64_t org = qgt_org(&e, "Disk PG NGO", "ngo", "almaty");
    assert_true(org > 0 && qgt_user(&e, org, SUP_LOGIN, "supervisor", SUP_PASSWORD) > 0);
    assert_true(qgt_server_start(&e, NULL));
    qgt_session s;
    assert_int_equal(qgt_login(&e, SUP_LOGIN, SUP_PASSWORD, &s), 201);
    json_t *made = NULL;
    assert_int_equal(qgt_send(&e, &s, "POST", "/api/v1/cases",
                              "{\"sex\":\"Feminine\",\"region\":\"almaty\","
                              "\"personal\":{\"given_name\":\"Pggul Madeupova\"}}",
                              &made),
                     201);
    char personal[160];
    qgt_case_path(json_string_value(json_object_get(made, "code")), "/personal", personal,
                  sizeof personal);
    json_decref(made);

    pg_read_only(url, true);
    restart(&e); /* its connections are opened read-only now */
    char storage[32];
    health_storage(&e, storage);
    assert_string_equal(storage, "read_only");
    expect_503(&e, NULL, "POST", "/api/v1/session", LOGIN_BODY, "storage.read_only");
    expect_503(&e, &s, "GET", personal, NULL, "storage.read_only");
    assert_int_equal(qgt_send(&e, &s, "GET", "/api/v1/cases", NULL, NULL), 200);

    pg_read_only(url, false);
    restart(&e);
    health_storage(&e, storage);
    assert_string_equal(storage, "ok");
    assert_int_equal(qgt_login(&e, SUP_LOGIN, SUP_PASSWORD, &s), 201);
    assert_int_equal(qgt_server_stop(&e), 0);
    audit_entries(&e); /* fails unless intact */
    unsetenv("QORGAU_KEY_FILE");
    unlink(e.key);
    qgt_env_free(&e);
}

int main(void)
{
    qgt_main_env();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_full_disk),
                                       cmocka_unit_test(test_pg_read_only)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
