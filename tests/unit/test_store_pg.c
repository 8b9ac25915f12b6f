/* test_store_pg.c — the storage contract of db.h run against PostgreSQL (src/store/db_pg.c):
 * open, migrate and refusing to re-initialise; statements, binds, blobs and NULL; constraint
 * errors; transactions, savepoints and the cross-process write lock; the group-commit writer;
 * and the services end to end on a PostgreSQL database, with two app instances ("servers")
 * appending to one audit chain at the same time.
 *
 * The database is the URI in $QORGAU_TEST_PG (scripts/pg-test.sh makes a throw-away server
 * and sets it; `make test` runs every test under it). Each test empties that database first.
 * Without $QORGAU_TEST_PG the tests are skipped, visibly, unless $QORGAU_TEST_PG_REQUIRED is
 * set (pg-test.sh sets it): then a missing server is a failure. */
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/account/account.h"
#include "core/instance/app_open.h"
#include "core/account/audit.h"
#include "core/case/case.h"
#include "store/db.h"
#include "store/writer.h"
#include "support/qgtest.h"

#define SECRET "SECRET-990101300123" /* stands for personal data: must never reach a message */

static const char *url;

/* Skips the test when no PostgreSQL is given (fails instead when one was required). */
static void need_pg(void)
{
    url = getenv("QORGAU_TEST_PG");
    if (url && *url)
        return;
    const char *required = getenv("QORGAU_TEST_PG_REQUIRED");
    if (required && *required)
        fail_msg("QORGAU_TEST_PG_REQUIRED is set but no PostgreSQL server is available");
    skip();
}

/* Empties the test database: its public schema is dropped and made again. */
static void reset_db(void)
{
    db *conn = NULL;
    qg_error err = {0};
    if (db_open(url, true, &conn, &err) == QG_ECONFLICT)
        assert_int_equal(db_open(url, false, &conn, &err), QG_OK);
    assert_non_null(conn);
    assert_int_equal(db_exec(conn, "DROP SCHEMA public CASCADE; CREATE SCHEMA public", &err), QG_OK);
    db_close(conn);
}

/* Returns a connection to an emptied, migrated database with a scratch table t. */
static db *fresh_db(void)
{
    need_pg();
    reset_db();
    db *conn = NULL;
    qg_error err = {0};
    assert_int_equal(db_open(url, true, &conn, &err), QG_OK);
    assert_int_equal(db_migrate(conn, &err), QG_OK);
    assert_int_equal(db_exec(conn,
                             "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT UNIQUE, data BYTEA,"
                             " n INTEGER)",
                             &err),
                     QG_OK);
    return conn;
}

static const char *const INSERT_T = "INSERT INTO t (id, name, data, n) VALUES (?, ?, ?, ?)";

static qg_code insert_t(db *conn, int64_t id, const char *name, qg_error *err)
{
    db_stmt *st = db_prepare(conn, INSERT_T, err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, name);
    return db_run(st, err);
}

static int64_t count_t(db *conn)
{
    qg_error err = {0};
    db_stmt *st = db_prepare(conn, "SELECT count(*) FROM t", &err);
    assert_non_null(st);
    assert_int_equal(db_step(st, &err), 1);
    int64_t n = db_col_int(st, 0);
    db_done(st);
    return n;
}

static bool has_t(db *conn, int64_t id)
{
    qg_error err = {0};
    db_stmt *st = db_prepare(conn, "SELECT EXISTS (SELECT 1 FROM t WHERE id = ?)", &err);
    assert_non_null(st);
    db_bind_int(st, 1, id);
    assert_int_equal(db_step(st, &err), 1);
    bool yes = db_col_int(st, 0) == 1;
    db_done(st);
    return yes;
}

/* ---- paths (runs without PostgreSQL) ---- */

static void test_url_needs_key_file(void **state)
{
    (void)state;
    char dbp[QG_PATH_MAX], keyp[QG_PATH_MAX];
    qg_error err = {0};
    const char *old = getenv("QORGAU_KEY_FILE");
    char saved[QG_PATH_MAX] = "";
    if (old)
        snprintf(saved, sizeof saved, "%s", old);
    unsetenv("QORGAU_KEY_FILE");
    assert_true(db_is_url("postgresql:///qorgau"));
    assert_true(db_is_url("postgres://db.example/qorgau"));
    assert_false(db_is_url("qorgau.db"));
    assert_false(db_is_url("/var/lib/postgresql.db"));
    assert_int_equal(app_resolve_paths("postgresql:///qorgau", dbp, keyp, &err), QG_EINVAL);
    assert_string_equal(err.field, "key");
    assert_int_equal(app_resolve_paths("/tmp/x.db", dbp, keyp, &err), QG_OK);
    assert_string_equal(keyp, "/tmp/x.db.key");
    setenv("QORGAU_KEY_FILE", "/etc/qorgau/key", 1);
    assert_int_equal(app_resolve_paths("postgres:///qorgau", dbp, keyp, &err), QG_OK);
    assert_string_equal(dbp, "postgres:///qorgau");
    assert_string_equal(keyp, "/etc/qorgau/key");
    if (old)
        setenv("QORGAU_KEY_FILE", saved, 1);
    else
        unsetenv("QORGAU_KEY_FILE");
}

/* ---- the engine ---- */

static void test_open_migrate_refuse(void **state)
{
    (void)state;
    need_pg();
    reset_db();
    db *conn = NULL;
    qg_error err = {0};
    assert_int_equal(db_open(url, false, &conn, &err), QG_EIO); /* not initialised */
    assert_string_equal(err.field, "db");
    assert_null(conn);
    assert_int_equal(db_open(url, true, &conn, &err), QG_OK);
    assert_int_equal(db_migrate(conn, &err), QG_OK);
    assert_int_equal(db_migrate(conn, &err), QG_OK); /* nothing left to do */
    char v[16], want[16];
    assert_int_equal(db_meta_get(conn, "schema_version", v, sizeof v, &err), QG_OK);
    snprintf(want, sizeof want, "%d", db_schema_version());
    assert_string_equal(v, want);
    assert_int_equal(db_meta_get(conn, "no such key", v, sizeof v, &err), QG_ENOTFOUND);
    assert_int_equal(db_backup(conn, "/tmp/qorgau-never-written.db", &err), QG_EINVAL);
    assert_non_null(strstr(err.message, "pg_dump"));
    assert_int_equal(access("/tmp/qorgau-never-written.db", F_OK), -1);
    db_close(conn);
    conn = NULL;
    assert_int_equal(db_open(url, true, &conn, &err), QG_ECONFLICT); /* never re-initialised */
    assert_null(conn);
    assert_int_equal(db_open(url, false, &conn, &err), QG_OK);
    db_close(conn);
    conn = NULL;
    assert_int_equal(db_open("postgresql://127.0.0.1:1/qorgau?connect_timeout=2", false, &conn, &err),
                     QG_EIO);
    assert_null(conn);
}

static void check_first_row(db_stmt *st)
{
    static const unsigned char bytes[] = {0, 1, 0xff, '\\', '\'', 0};
    size_t len = 0;
    assert_int_equal(db_col_int(st, 0), 1);
    assert_string_equal(db_col_text(st, 1), "a'?b");
    const void *blob = db_col_blob(st, 2, &len);
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(blob, bytes, sizeof bytes);
    assert_true(db_col_null(st, 3));
    assert_int_equal(db_col_int(st, 3), 0);
    assert_int_equal(db_col_int(st, 4), 1); /* boolean true */
    assert_string_equal(db_col_text(st, 5), "?");
    assert_string_equal(db_col_text(st, 6), "echo");
}

static void check_other_rows(db_stmt *st)
{
    qg_error err = {0};
    size_t len = 7;
    assert_int_equal(db_step(st, &err), 1);
    assert_int_equal(db_col_int(st, 0), 2);
    assert_null(db_col_text(st, 1));
    assert_true(db_col_null(st, 1));
    assert_null(db_col_blob(st, 2, &len));
    assert_int_equal(len, 0);
    assert_int_equal(db_col_int(st, 3), 42);
    assert_int_equal(db_col_int(st, 4), 0); /* boolean false */
    assert_int_equal(db_step(st, &err), 1);
    assert_string_equal(db_col_text(st, 1), "Қорғау — ?");
    assert_false(db_col_null(st, 2));
    db_col_blob(st, 2, &len);
    assert_int_equal(len, 0);
    assert_int_equal(db_col_int(st, 3), -7);
    assert_int_equal(db_step(st, &err), 0);
    assert_int_equal(db_step(st, &err), 0);
}

static void test_statements(void **state)
{
    (void)state;
    static const unsigned char bytes[] = {0, 1, 0xff, '\\', '\'', 0};
    db *conn = fresh_db();
    qg_error err = {0};
    db_stmt *st = db_prepare(conn, INSERT_T, &err);
    assert_non_null(st);
    assert_ptr_equal(db_prepare(conn, INSERT_T, &err), st); /* cached by the pointer */
    db_bind_int(st, 1, 1);
    db_bind_text(st, 2, "a'?b");
    db_bind_blob(st, 3, bytes, sizeof bytes); /* n left unbound: NULL */
    assert_int_equal(db_run(st, &err), QG_OK);
    assert_int_equal(db_changes(conn), 1);
    db_bind_int(st, 1, 2);
    db_bind_text(st, 2, NULL);
    db_bind_blob(st, 3, NULL, 0);
    db_bind_int(st, 4, 42);
    assert_int_equal(db_run(st, &err), QG_OK);
    db_bind_int(st, 1, 3);
    db_bind_text(st, 2, "Қорғау — ?");
    db_bind_blob(st, 3, "", 0);
    db_bind_int(st, 4, -7);
    db_bind_int(st, 9, 99); /* no such parameter: ignored, as SQLite does */
    assert_int_equal(db_run(st, &err), QG_OK);

    st = db_prepare(conn,
                    "SELECT id, name, data, n, n IS NULL, '?' AS q, CAST(? AS TEXT) /* ? */ FROM t"
                    " WHERE id >= ? -- a '?' in a comment\n ORDER BY id",
                    &err);
    assert_non_null(st);
    db_bind_text(st, 1, "echo");
    db_bind_int(st, 2, 1);
    assert_int_equal(db_step(st, &err), 1);
    check_first_row(st);
    check_other_rows(st);
    db_done(st);

    st = db_prepare(conn, "UPDATE t SET n = 5 WHERE id < ?", &err);
    db_bind_int(st, 1, 3);
    assert_int_equal(db_run(st, &err), QG_OK);
    assert_int_equal(db_changes(conn), 2);
    assert_int_equal(count_t(conn), 3); /* a SELECT leaves the count alone */
    assert_int_equal(db_changes(conn), 2);
    assert_true(has_t(conn, 2));
    assert_false(has_t(conn, 4));

    st = db_prepare(conn, "SELECT CAST(? AS BIGINT), CAST(? AS BIGINT)", &err);
    db_bind_int(st, 1, INT64_MAX);
    db_bind_int(st, 2, INT64_MIN);
    assert_int_equal(db_step(st, &err), 1);
    assert_true(db_col_int(st, 0) == INT64_MAX);
    assert_true(db_col_int(st, 1) == INT64_MIN);
    db_done(st);
    db_close(conn);
}

static void test_errors(void **state)
{
    (void)state;
    db *conn = fresh_db();
    qg_error err = {0};
    assert_int_equal(insert_t(conn, 1, SECRET, &err), QG_OK);
    assert_int_equal(insert_t(conn, 2, SECRET, &err), QG_ECONFLICT); /* UNIQUE name */
    assert_null(strstr(err.message, "SECRET"));
    assert_int_equal(insert_t(conn, 1, "other", &err), QG_ECONFLICT); /* PRIMARY KEY */

    db_stmt *st = db_prepare(conn, "INSERT INTO case_personal (case_id, sealed, updated_at) VALUES (?, ?, ?)", &err);
    assert_non_null(st);
    db_bind_int(st, 1, 777);
    db_bind_blob(st, 2, SECRET, strlen(SECRET));
    db_bind_text(st, 3, "2026-01-01T00:00:00Z");
    assert_int_equal(db_run(st, &err), QG_ECONFLICT); /* FOREIGN KEY */
    assert_null(strstr(err.message, "SECRET"));

    st = db_prepare(conn, "SELECT CAST(? AS BIGINT)", &err);
    db_bind_text(st, 1, SECRET);
    assert_int_equal(db_step(st, &err), -1);
    assert_int_equal(err.code, QG_EDB);
    assert_null(strstr(err.message, "SECRET"));
    assert_non_null(strstr(err.message, "SQLSTATE 22"));
    db_done(st);

    assert_null(db_prepare(conn, "SELEC nothing", &err));
    assert_int_equal(err.code, QG_EDB);
    assert_int_equal(db_exec(conn, "INSERT INTO t (id) VALUES (NULL)", &err), QG_ECONFLICT);

    assert_int_equal(db_exec(conn,
                             "INSERT INTO audit (seq, at, action, detail, prev, hash)"
                             " VALUES (1, 'x', 'y', '{}', 'p', 'h')",
                             &err),
                     QG_OK);
    assert_int_equal(db_exec(conn, "UPDATE audit SET action = 'z'", &err), QG_ECONFLICT);
    assert_int_equal(db_exec(conn, "DELETE FROM audit", &err), QG_ECONFLICT);
    assert_int_equal(db_exec(conn, "TRUNCATE audit", &err), QG_ECONFLICT);
    assert_int_equal(count_t(conn), 1); /* outside a transaction the connection goes on */

    /* the server's own errors for a full disk (53100) and a read-only database (25006)
     * are the disk's reasons, 503; other lacks of resources (53200) are not */
    static const struct {
        const char *sql, *reason;
        qg_code code;
    } states[] = {
        {"DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = 'disk_full'; END $$", "storage.full",
         QG_EUNAVAIL},
        {"DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = 'read_only_sql_transaction'; END $$",
         "storage.read_only", QG_EUNAVAIL},
        {"DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = 'out_of_memory'; END $$",
         "storage.failure", QG_EDB},
    };
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        memset(&err, 0, sizeof err);
        assert_int_equal(db_exec(conn, states[i].sql, &err), states[i].code);
        assert_string_equal(qg_error_reason(&err), states[i].reason);
    }
    db_close(conn);
}

static void test_transactions_and_savepoints(void **state)
{
    (void)state;
    db *conn = fresh_db();
    qg_error err = {0};
    assert_int_equal(db_begin(conn, &err), QG_OK);
    assert_int_equal(insert_t(conn, 10, "ten", &err), QG_OK);
    assert_int_equal(db_savepoint(conn, &err), QG_OK);
    assert_int_equal(insert_t(conn, 10, "again", &err), QG_ECONFLICT);
    db_savepoint_rollback(conn);
    assert_int_equal(db_savepoint(conn, &err), QG_OK);
    assert_int_equal(insert_t(conn, 11, "eleven", &err), QG_OK);
    db_savepoint_release(conn);
    assert_int_equal(db_commit(conn, &err), QG_OK);
    assert_true(has_t(conn, 10));
    assert_true(has_t(conn, 11));

    assert_int_equal(db_begin(conn, &err), QG_OK);
    assert_int_equal(insert_t(conn, 12, "twelve", &err), QG_OK);
    db_rollback(conn);
    assert_false(has_t(conn, 12));

    assert_int_equal(db_begin(conn, &err), QG_OK); /* a failed statement spoils the commit */
    assert_int_equal(insert_t(conn, 13, "thirteen", &err), QG_OK);
    assert_int_equal(insert_t(conn, 10, "dup", &err), QG_ECONFLICT);
    assert_int_equal(db_commit(conn, &err), QG_EDB);
    db_rollback(conn); /* harmless after a failed commit */
    assert_false(has_t(conn, 13));
    assert_int_equal(db_begin(conn, &err), QG_OK);
    db_rollback(conn);
    db_close(conn);
}

typedef struct {
    db *conn;
    volatile int began;
} locker;

static void *begin_later(void *arg)
{
    locker *l = arg;
    qg_error err = {0};
    if (db_begin(l->conn, &err) == QG_OK) {
        l->began = 1;
        db_rollback(l->conn);
    } else {
        l->began = -1;
    }
    return NULL;
}

/* Write transactions on two connections (as in two server processes) run one at a time. */
static void test_write_lock_serialises(void **state)
{
    (void)state;
    db *a = fresh_db(), *b = NULL;
    qg_error err = {0};
    assert_int_equal(db_open(url, false, &b, &err), QG_OK);
    assert_int_equal(db_begin(a, &err), QG_OK);
    locker l = {.conn = b};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, begin_later, &l), 0);
    usleep(300 * 1000);
    assert_int_equal(l.began, 0); /* still waiting for a */
    assert_int_equal(insert_t(a, 1, "one", &err), QG_OK);
    assert_int_equal(db_commit(a, &err), QG_OK);
    pthread_join(th, NULL);
    assert_int_equal(l.began, 1);
    assert_true(has_t(b, 1));
    db_close(b);
    db_close(a);
}

/* Ends conn's server session from another connection, as a server restart or a
 * failover would. */
static void kill_session(db *conn)
{
    qg_error err = {0};
    db *other = NULL;
    db_stmt *st = db_prepare(conn, "SELECT pg_backend_pid()", &err);
    assert_int_equal(db_step(st, &err), 1);
    int64_t pid = db_col_int(st, 0);
    db_done(st);
    assert_int_equal(db_open(url, false, &other, &err), QG_OK);
    st = db_prepare(other, "SELECT pg_terminate_backend(CAST(? AS INTEGER))", &err);
    db_bind_int(st, 1, pid);
    assert_int_equal(db_step(st, &err), 1);
    assert_int_equal(db_col_int(st, 0), 1);
    db_done(st);
    db_close(other);
    usleep(100 * 1000);
}

/* A lost connection fails the call that finds it lost, then is opened again (with its
 * statements prepared again) — but never in the middle of a transaction. */
static void test_reconnects_between_transactions(void **state)
{
    (void)state;
    db *conn = fresh_db();
    qg_error err = {0};
    assert_int_equal(insert_t(conn, 1, "one", &err), QG_OK);
    kill_session(conn);
    assert_int_equal(insert_t(conn, 2, "two", &err), QG_EDB);
    assert_int_equal(insert_t(conn, 2, "two", &err), QG_OK); /* reconnected, re-prepared */
    assert_int_equal(count_t(conn), 2);

    assert_int_equal(db_begin(conn, &err), QG_OK);
    assert_int_equal(insert_t(conn, 3, "three", &err), QG_OK);
    kill_session(conn);
    assert_int_equal(insert_t(conn, 4, "four", &err), QG_EDB);
    assert_int_equal(insert_t(conn, 4, "four", &err), QG_EDB); /* not inside the transaction */
    assert_int_equal(db_commit(conn, &err), QG_EDB);
    assert_int_equal(db_begin(conn, &err), QG_OK);
    assert_int_equal(insert_t(conn, 5, "five", &err), QG_OK);
    assert_int_equal(db_commit(conn, &err), QG_OK);
    assert_false(has_t(conn, 3));
    assert_false(has_t(conn, 4));
    assert_true(has_t(conn, 5));
    db_close(conn);
}

/* ---- the writer ---- */

#define WRITER_THREADS 6
#define WRITER_JOBS 25
#define FAILING_ID 1013 /* this job inserts its row, then fails */
#define CLASHING_ID 1017 /* this job inserts a row that is already there */

static qg_code job_insert(db *conn, void *arg, qg_error *err)
{
    int64_t id = *(int64_t *)arg;
    qg_code c = insert_t(conn, id, NULL, err);
    if (c == QG_OK && id == CLASHING_ID)
        c = insert_t(conn, 1, NULL, err);
    if (c == QG_OK && id == FAILING_ID)
        c = qg_fail(err, QG_EINVAL, "job", "test.failure", "fails on purpose");
    return c;
}

typedef struct {
    writer *w;
    int first;
    int failures;
} writer_arg;

static void *writer_thread(void *arg)
{
    writer_arg *a = arg;
    for (int i = 0; i < WRITER_JOBS; i++) {
        int64_t id = a->first + i;
        qg_error err = {0};
        if (writer_run(a->w, job_insert, &id, &err) != QG_OK)
            a->failures++;
    }
    return NULL;
}

static void test_writer_group_commit(void **state)
{
    (void)state;
    db *conn = fresh_db();
    qg_error err = {0};
    assert_int_equal(insert_t(conn, 1, NULL, &err), QG_OK);
    writer *w = NULL;
    assert_int_equal(writer_open(url, true, &w, &err), QG_OK);
    pthread_t th[WRITER_THREADS];
    writer_arg args[WRITER_THREADS];
    for (int i = 0; i < WRITER_THREADS; i++) {
        args[i] = (writer_arg){.w = w, .first = 1000 + i * WRITER_JOBS};
        assert_int_equal(pthread_create(&th[i], NULL, writer_thread, &args[i]), 0);
    }
    int failures = 0;
    for (int i = 0; i < WRITER_THREADS; i++) {
        pthread_join(th[i], NULL);
        failures += args[i].failures;
    }
    writer_close(w);
    assert_int_equal(failures, 2);
    assert_int_equal(count_t(conn), 1 + WRITER_THREADS * WRITER_JOBS - 2);
    assert_false(has_t(conn, FAILING_ID));
    assert_false(has_t(conn, CLASHING_ID));
    assert_true(has_t(conn, FAILING_ID + 1));
    db_close(conn);
}

/* ---- the services on PostgreSQL ---- */

/* Verifies the audit chain; returns how many entries it has. */
static int64_t chain_intact(qg_app *app)
{
    qg_error err = {0};
    audit_report r = {0};
    db *conn = db_pool_acquire(app->readers);
    assert_int_equal(audit_verify(conn, app->keys, &r, &err), QG_OK);
    db_pool_release(app->readers, conn);
    assert_int_equal(r.first_bad, 0);
    return r.entries;
}

typedef struct {
    char dir[64];
    char key[128];
    qg_app *app;
    int64_t org, sup;
    int64_t entries; /* audit entries once the organisation and user exist */
} service;

static void service_open(service *s)
{
    need_pg();
    reset_db();
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "/tmp/qgpg-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->key, sizeof s->key, "%s/qorgau.key", s->dir);
    qg_error err = {0};
    assert_int_equal(app_init_files(url, s->key, &err), QG_OK);
    assert_int_equal(app_open(url, s->key, 2, true, &s->app, &err), QG_OK);
    qg_actor sys = actor_system();
    assert_int_equal(org_create(s->app, &sys, "PG NGO", "ngo", "almaty", &s->org, &err), QG_OK);
    assert_int_equal(user_create(s->app, &sys, s->org, "pg.sup", "supervisor", "pg-password-123",
                                 &s->sup, &err),
                     QG_OK);
    s->entries = chain_intact(s->app);
}

static void service_close(service *s)
{
    app_close(s->app);
    unlink(s->key);
    rmdir(s->dir);
}

/* A made-up child per seed: the IIN and the family name differ, so no two seeds are
 * likely duplicates of each other (the same names and birth date, issue 14). */
static json_t *personal_of(int seed)
{
    static const char *const part[] = {"Бек", "Сар", "Тал", "Жан", "Кен",
                                       "Мур", "Ора", "Дос", "Ерж", "Нур"};
    char iin[13], family[96];
    qgt_make_iin(2012, 5, 17, 'F', seed, iin);
    snprintf(family, sizeof family, "%s%s%sова", part[seed % 10], part[(seed / 10) % 10],
             part[(seed / 100) % 10]);
    return json_pack("{s:s, s:s, s:s}", "given_name", "Айгерим", "family_name", family, "iin",
                     iin);
}

static qg_code create_case(qg_app *app, const qg_actor *who, json_t *personal, json_t **out,
                           qg_error *err)
{
    json_t *body = json_pack("{s:s, s:O}", "region", "astana", "personal", personal);
    qg_code c = case_create(app, who, body, out, err);
    json_decref(body);
    return c;
}

static void list_count(qg_app *app, const qg_actor *who, const char *stage, size_t want)
{
    qg_error err = {0};
    json_t *out = NULL;
    case_query q = {.limit = 50, .stage = stage};
    assert_int_equal(case_list(app, who, &q, &out, &err), QG_OK);
    assert_int_equal(json_array_size(json_object_get(out, "cases")), want);
    json_decref(out);
}

static void test_service_end_to_end(void **state)
{
    (void)state;
    service s;
    service_open(&s);
    qg_error err = {0};
    qg_actor sup = {.user_id = s.sup, .org_id = s.org, .role = ROLE_SUPERVISOR};
    json_t *personal = personal_of(1), *made = NULL, *read = NULL, *dup = NULL;
    assert_int_equal(create_case(s.app, &sup, personal, &made, &err), QG_OK);
    const char *code = json_string_value(json_object_get(made, "code"));
    assert_non_null(code);
    assert_true(json_is_true(json_object_get(made, "has_personal")));
    assert_int_equal(case_personal_get(s.app, &sup, code, &read, &err), QG_OK);
    assert_true(json_equal(read, personal));
    assert_int_equal(create_case(s.app, &sup, personal, &dup, &err), QG_ECONFLICT);
    assert_string_equal(err.field, "personal.iin");
    assert_string_equal(json_string_value(json_object_get(json_object_get(dup, "existing"), "code")), code);
    list_count(s.app, &sup, NULL, 1);
    list_count(s.app, &sup, "identification", 1);
    list_count(s.app, &sup, "recovery", 0);
    assert_int_equal(chain_intact(s.app), s.entries + 3); /* case, personal read, duplicate */

    qg_app *again = NULL;
    char other[160];
    snprintf(other, sizeof other, "%s/other.key", s.dir);
    assert_int_equal(app_init_files(url, other, &err), QG_ECONFLICT); /* never over a database */
    assert_string_equal(err.field, "db");
    assert_int_equal(access(other, F_OK), -1); /* and leaves no key behind */
    assert_int_equal(keyfile_create(other, &err), QG_OK);
    assert_int_equal(app_open(url, other, 1, false, &again, &err), QG_EKEY);
    unlink(other);
    json_decref(personal);
    json_decref(made);
    json_decref(read);
    json_decref(dup);
    service_close(&s);
}

#define SERVERS 2
#define SERVER_THREADS 3
#define SERVER_JOBS 8

typedef struct {
    qg_app *app;
    qg_actor who;
    int seed;
    int failures;
} server_arg;

static void *server_thread(void *arg)
{
    server_arg *a = arg;
    for (int i = 0; i < SERVER_JOBS; i++) {
        qg_error err = {0};
        json_t *personal = personal_of(a->seed + i * 10), *out = NULL; /* apart: an IIN may skip ahead */
        if (create_case(a->app, &a->who, personal, &out, &err) != QG_OK)
            a->failures++;
        json_decref(out);
        json_decref(personal);
    }
    return NULL;
}

/* Two app instances on one database, like two `qorgau serve` processes, write at once. */
static void test_two_servers_keep_chain(void **state)
{
    (void)state;
    service s;
    service_open(&s);
    qg_app *apps[SERVERS] = {s.app, NULL};
    qg_error err = {0};
    assert_int_equal(app_open(url, s.key, 2, true, &apps[1], &err), QG_OK);
    for (int i = 0; i < SERVERS; i++) /* one supervisor makes them all: not an IIN probe */
        apps[i]->settings.iin_per_user_hour = apps[i]->settings.iin_per_org_hour = 100000;
    pthread_t th[SERVERS * SERVER_THREADS];
    server_arg args[SERVERS * SERVER_THREADS];
    for (int i = 0; i < SERVERS * SERVER_THREADS; i++) {
        args[i] = (server_arg){.app = apps[i % SERVERS], .seed = 1000 + i * SERVER_JOBS * 10,
                               .who = {.user_id = s.sup, .org_id = s.org, .role = ROLE_SUPERVISOR}};
        assert_int_equal(pthread_create(&th[i], NULL, server_thread, &args[i]), 0);
    }
    for (int i = 0; i < SERVERS * SERVER_THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
    app_close(apps[1]);
    assert_int_equal(chain_intact(s.app), s.entries + SERVERS * SERVER_THREADS * SERVER_JOBS);
    list_count(s.app, &(qg_actor){.user_id = s.sup, .org_id = s.org, .role = ROLE_SUPERVISOR}, NULL,
               SERVERS * SERVER_THREADS * SERVER_JOBS);
    service_close(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_needs_key_file),
        cmocka_unit_test(test_open_migrate_refuse),
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_transactions_and_savepoints),
        cmocka_unit_test(test_write_lock_serialises),
        cmocka_unit_test(test_reconnects_between_transactions),
        cmocka_unit_test(test_writer_group_commit),
        cmocka_unit_test(test_service_end_to_end),
        cmocka_unit_test(test_two_servers_keep_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
