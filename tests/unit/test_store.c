/*
 * test_store.c — unit tests of src/store: opening and creating database files,
 * migrations, statements (binding, stepping, columns, blobs, NULLs), constraint
 * errors, transactions and savepoints, the meta table, online backup, the connection
 * pool across threads, and the writer in direct and group-commit mode, including a
 * failing job that is undone alone inside a shared batch.
 */
#include <fcntl.h>
#include <pthread.h>
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

#include "store/db.h"
#include "store/schema.h"
#include "store/writer.h"
#include "support/tmpdir.h"

typedef struct {
    char dir[QGT_TMPDIR_MAX];
    char path[QGT_TMPDIR_MAX + 32]; /* dir/test.db */
    db *conn;                       /* open on path with the schema applied */
} fixture;

static void in_dir(const fixture *f, const char *name, char *out, size_t size)
{
    assert_true(qgt_tmpdir_path(f->dir, name, out, size));
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

static bool file_has(const char *path, const char *text)
{
    char buf[256] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n == (ssize_t)strlen(text) && memcmp(buf, text, (size_t)n) == 0;
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

static int setup_empty(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_true(qgt_tmpdir_make("store", f->dir, sizeof f->dir));
    in_dir(f, "test.db", f->path, sizeof f->path);
    *state = f;
    return 0;
}

/* A migrated database with a scratch table t. */
static int setup_db(void **state)
{
    setup_empty(state);
    fixture *f = *state;
    qg_error err = {0};
    assert_int_equal(db_open(f->path, true, &f->conn, &err), QG_OK);
    assert_int_equal(db_migrate(f->conn, &err), QG_OK);
    assert_int_equal(db_exec(f->conn,
                             "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT,"
                             " b BLOB, u TEXT UNIQUE, req TEXT NOT NULL DEFAULT 'x')",
                             &err),
                     QG_OK);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    db_close(f->conn);
    qgt_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* Returns the single integer the query yields, or -1 when it yields no row. */
static int64_t query_int(db *conn, const char *sql)
{
    qg_error err = {0};
    db_stmt *st = db_prepare(conn, sql, &err);
    assert_non_null(st);
    int rc = db_step(st, &err);
    assert_true(rc >= 0);
    int64_t v = rc == 1 ? db_col_int(st, 0) : -1;
    db_done(st);
    return v;
}

static int64_t count_rows(db *conn, const char *tag)
{
    qg_error err = {0};
    db_stmt *st = db_prepare(conn, "SELECT count(*) FROM t WHERE s = ?", &err);
    assert_non_null(st);
    db_bind_text(st, 1, tag);
    assert_int_equal(db_step(st, &err), 1);
    int64_t n = db_col_int(st, 0);
    db_done(st);
    return n;
}

static qg_code insert_row(db *conn, int64_t n, const char *s, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "INSERT INTO t (n, s) VALUES (?, ?)", err);
    if (!st)
        return err->code;
    db_bind_int(st, 1, n);
    db_bind_text(st, 2, s);
    return db_run(st, err);
}

/* ---- opening --------------------------------------------------------------------- */

static void test_open_create_new(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    db *conn = (db *)&err; /* must be replaced */
    assert_int_equal(db_open(f->path, true, &conn, &err), QG_OK);
    assert_non_null(conn);
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0); /* never readable by others */
    assert_int_equal(query_int(conn, "PRAGMA foreign_keys"), 1);
    assert_int_equal(query_int(conn, "PRAGMA synchronous"), 2); /* FULL */
    db_stmt *st = db_prepare(conn, "PRAGMA journal_mode", &err);
    assert_non_null(st);
    assert_int_equal(db_step(st, &err), 1);
    assert_string_equal(db_col_text(st, 0), "wal");
    db_done(st);
    db_close(conn);
    db_close(NULL);
    /* the same file opens again without create */
    assert_int_equal(db_open(f->path, false, &conn, &err), QG_OK);
    db_close(conn);
}

static void test_open_create_refuses_existing(void **state)
{
    fixture *f = *state;
    write_file(f->path, "not a database, keep me");
    qg_error err = {0};
    db *conn = (db *)&err;
    assert_int_equal(db_open(f->path, true, &conn, &err), QG_ECONFLICT);
    assert_null(conn);
    assert_int_equal(err.code, QG_ECONFLICT);
    assert_string_equal(err.field, "db");
    assert_true(file_has(f->path, "not a database, keep me"));
}

static void test_open_refuses_missing(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    db *conn = (db *)&err;
    assert_int_equal(db_open(f->path, false, &conn, &err), QG_EIO);
    assert_null(conn);
    assert_string_equal(err.field, "db");
    assert_false(exists(f->path)); /* nothing was created */
    /* a directory that does not exist cannot be created into */
    char deep[QGT_TMPDIR_MAX + 64];
    in_dir(f, "no/such/dir.db", deep, sizeof deep);
    assert_int_equal(db_open(deep, true, &conn, &err), QG_EIO);
    assert_null(conn);
}

static void test_open_not_a_database(void **state)
{
    fixture *f = *state;
    write_file(f->path, "this is plain text, long enough to be read as a header....."
                        "................................................................");
    qg_error err = {0};
    db *conn = (db *)&err;
    assert_int_equal(db_open(f->path, false, &conn, &err), QG_EDB);
    assert_null(conn);
}

/* ---- migrations ------------------------------------------------------------------ */

static void test_migrate_records_version(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    assert_int_equal(db_open(f->path, true, &f->conn, &err), QG_OK);
    assert_true(db_schema_version() >= 1);
    assert_int_equal(db_schema_version(), schema_migration_count());
    assert_int_equal(db_migrate(f->conn, &err), QG_OK);
    char v[32];
    assert_int_equal(db_meta_get(f->conn, "schema_version", v, sizeof v, &err), QG_OK);
    assert_int_equal(strtol(v, NULL, 10), db_schema_version());
    const char *tables[] = {"orgs", "users", "sessions", "cases", "case_personal",
                            "case_assignments", "audit", "meta"};
    db_stmt *st = db_prepare(f->conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", &err);
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        db_bind_text(st, 1, tables[i]);
        assert_int_equal(db_step(st, &err), 1);
        if (db_col_int(st, 0) != 1)
            fail_msg("table %s missing", tables[i]);
        db_done(st);
    }
    /* migration texts: one per version, none outside the range */
    for (int n = 1; n <= schema_migration_count(); n++) {
        assert_non_null(schema_migration(n));
        assert_non_null(schema_migration_pg(n)); /* both engines, same versions */
    }
    assert_null(schema_migration(0));
    assert_null(schema_migration(-1));
    assert_null(schema_migration(schema_migration_count() + 1));
    assert_null(schema_migration_pg(0));
    assert_null(schema_migration_pg(schema_migration_count() + 1));
}

static void test_migrate_twice_is_noop(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    assert_int_equal(db_open(f->path, true, &f->conn, &err), QG_OK);
    assert_int_equal(db_migrate(f->conn, &err), QG_OK);
    assert_int_equal(db_exec(f->conn, "INSERT INTO orgs (name, type, region, created_at)"
                                      " VALUES ('Org One', 'ngo', 'almaty', '2024-01-01T00:00:00Z')", &err),
                     QG_OK);
    /* a second run (and one from another connection) changes nothing and keeps data */
    assert_int_equal(db_migrate(f->conn, &err), QG_OK);
    db *other = NULL;
    assert_int_equal(db_open(f->path, false, &other, &err), QG_OK);
    assert_int_equal(db_migrate(other, &err), QG_OK);
    db_close(other);
    assert_int_equal(query_int(f->conn, "SELECT count(*) FROM orgs"), 1);
    char v[32];
    assert_int_equal(db_meta_get(f->conn, "schema_version", v, sizeof v, &err), QG_OK);
    assert_int_equal(strtol(v, NULL, 10), db_schema_version());
}

static void test_migrate_refuses_newer(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    assert_int_equal(db_open(f->path, true, &f->conn, &err), QG_OK);
    assert_int_equal(db_migrate(f->conn, &err), QG_OK);
    char newer[16];
    snprintf(newer, sizeof newer, "%d", db_schema_version() + 1);
    assert_int_equal(db_meta_set(f->conn, "schema_version", newer, &err), QG_OK);
    memset(&err, 0, sizeof err);
    assert_int_equal(db_migrate(f->conn, &err), QG_EDB);
    assert_int_equal(err.code, QG_EDB);
    assert_string_equal(err.field, "db");
    assert_non_null(strstr(err.message, "newer"));
    char v[32];
    assert_int_equal(db_meta_get(f->conn, "schema_version", v, sizeof v, &err), QG_OK);
    assert_string_equal(v, newer); /* left as it was */
}

/* A migration that fails is undone as a whole and its version is not recorded. */
static void test_migrate_failure_rolls_back(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    assert_int_equal(db_open(f->path, true, &f->conn, &err), QG_OK);
    /* a stray table makes migration 1 fail half-way (after it made orgs and users) */
    assert_int_equal(db_exec(f->conn, "CREATE TABLE sessions (x INTEGER)", &err), QG_OK);
    memset(&err, 0, sizeof err);
    assert_int_equal(db_migrate(f->conn, &err), QG_EDB);
    assert_int_equal(query_int(f->conn, "SELECT count(*) FROM sqlite_master WHERE name = 'orgs'"), 0);
    assert_int_equal(query_int(f->conn, "SELECT count(*) FROM sqlite_master WHERE name = 'users'"), 0);
    char v[32];
    assert_int_equal(db_meta_get(f->conn, "schema_version", v, sizeof v, &err), QG_ENOTFOUND);
    /* with the obstacle gone it applies cleanly */
    assert_int_equal(db_exec(f->conn, "DROP TABLE sessions", &err), QG_OK);
    assert_int_equal(db_migrate(f->conn, &err), QG_OK);
    assert_int_equal(db_meta_get(f->conn, "schema_version", v, sizeof v, &err), QG_OK);
}

/* ---- statements ------------------------------------------------------------------ */

static void test_bind_and_columns(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    static const unsigned char blob[] = {0x00, 0xFF, 0x10, 0x00, 0x7F, 'a'};
    const char *ins = "INSERT INTO t (n, s, b, u) VALUES (?, ?, ?, ?) RETURNING id";
    db_stmt *st = db_prepare(f->conn, ins, &err);
    assert_non_null(st);
    db_bind_int(st, 1, INT64_MAX);
    db_bind_text(st, 2, "Қорғау текст");
    db_bind_blob(st, 3, blob, sizeof blob);
    db_bind_null(st, 4);
    assert_int_equal(db_step(st, &err), 1);
    int64_t id1 = db_col_int(st, 0);
    assert_int_equal(db_step(st, &err), 0);
    db_done(st);
    /* the cache hands back the same statement for the same SQL pointer */
    assert_ptr_equal(db_prepare(f->conn, ins, &err), st);
    db_bind_int(st, 1, INT64_MIN);
    db_bind_text(st, 2, NULL); /* NULL text binds SQL NULL */
    db_bind_blob(st, 3, "", 0);
    db_bind_text(st, 4, "unique-1");
    assert_int_equal(db_step(st, &err), 1);
    int64_t id2 = db_col_int(st, 0);
    db_done(st);
    assert_true(id2 > id1);

    db_stmt *sel = db_prepare(f->conn, "SELECT n, s, b, u FROM t WHERE id = ?", &err);
    assert_non_null(sel);
    db_bind_int(sel, 1, id1);
    assert_int_equal(db_step(sel, &err), 1);
    assert_true(db_col_int(sel, 0) == INT64_MAX);
    assert_string_equal(db_col_text(sel, 1), "Қорғау текст");
    size_t len = 0;
    const void *b = db_col_blob(sel, 2, &len);
    assert_int_equal(len, sizeof blob);
    assert_memory_equal(b, blob, sizeof blob);
    assert_true(db_col_null(sel, 3));
    assert_null(db_col_text(sel, 3));
    assert_false(db_col_null(sel, 0));
    assert_int_equal(db_step(sel, &err), 0);
    db_done(sel);

    db_bind_int(sel, 1, id2);
    assert_int_equal(db_step(sel, &err), 1);
    assert_true(db_col_int(sel, 0) == INT64_MIN);
    assert_true(db_col_null(sel, 1));
    assert_null(db_col_text(sel, 1));
    assert_false(db_col_null(sel, 2)); /* an empty blob is not NULL */
    len = 99;
    db_col_blob(sel, 2, &len);
    assert_int_equal(len, 0);
    assert_string_equal(db_col_text(sel, 3), "unique-1");
    db_done(sel);

    /* db_done clears bindings: an unbound parameter is NULL and matches nothing */
    assert_int_equal(db_step(sel, &err), 0);
    db_done(sel);
    db_done(NULL);
}

/* Inserts a row labelled label whose n and b the caller binds through the "or NULL"
 * helpers, and reads back whether each is NULL (and n). */
typedef struct {
    bool n_null, b_null;
    int64_t n;
    size_t b_len;
} or_null_row;

static or_null_row read_or_null(db *conn, const char *label)
{
    qg_error err = {0};
    or_null_row r = {0};
    db_stmt *st = db_prepare(conn, "SELECT n, b FROM t WHERE s = ?", &err);
    assert_non_null(st);
    db_bind_text(st, 1, label);
    assert_int_equal(db_step(st, &err), 1);
    r.n_null = db_col_null(st, 0);
    r.n = r.n_null ? -1 : db_col_int(st, 0);
    r.b_null = db_col_null(st, 1);
    if (!r.b_null)
        db_col_blob(st, 1, &r.b_len);
    db_done(st);
    return r;
}

static void test_bind_or_null(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    static const unsigned char bytes[] = {1, 2, 3};
    const char *ins = "INSERT INTO t (s, n, b) VALUES (?, ?, ?)";
    db_stmt *st = db_prepare(f->conn, ins, &err);
    db_bind_text(st, 1, "id-none");
    db_bind_id_or_null(st, 2, 0); /* 0 is no id: NULL */
    db_bind_blob_or_null(st, 3, NULL, 0);
    assert_int_equal(db_run(st, &err), QG_OK);
    st = db_prepare(f->conn, ins, &err);
    db_bind_text(st, 1, "id-some");
    db_bind_id_or_null(st, 2, 7);
    db_bind_blob_or_null(st, 3, bytes, sizeof bytes);
    assert_int_equal(db_run(st, &err), QG_OK);
    st = db_prepare(f->conn, ins, &err);
    db_bind_text(st, 1, "int-none");
    db_bind_int_or_null(st, 2, false, 5); /* no value: the 5 is not bound */
    db_bind_blob_or_null(st, 3, bytes, 0); /* an empty blob is a value, not NULL */
    assert_int_equal(db_run(st, &err), QG_OK);
    st = db_prepare(f->conn, ins, &err);
    db_bind_text(st, 1, "int-zero");
    db_bind_int_or_null(st, 2, true, 0); /* a 0 that is there is 0, not NULL */
    db_bind_null(st, 3);
    assert_int_equal(db_run(st, &err), QG_OK);

    or_null_row r = read_or_null(f->conn, "id-none");
    assert_true(r.n_null);
    assert_true(r.b_null);
    r = read_or_null(f->conn, "id-some");
    assert_false(r.n_null);
    assert_int_equal(r.n, 7);
    assert_false(r.b_null);
    assert_int_equal(r.b_len, sizeof bytes);
    r = read_or_null(f->conn, "int-none");
    assert_true(r.n_null);
    assert_false(r.b_null);
    assert_int_equal(r.b_len, 0);
    r = read_or_null(f->conn, "int-zero");
    assert_false(r.n_null);
    assert_int_equal(r.n, 0);
}

static void test_text_and_blob_copied(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    char text[16], bytes[4] = {1, 2, 3, 4};
    snprintf(text, sizeof text, "%s", "before");
    db_stmt *st = db_prepare(f->conn, "INSERT INTO t (s, b) VALUES (?, ?)", &err);
    db_bind_text(st, 1, text);
    db_bind_blob(st, 2, bytes, sizeof bytes);
    snprintf(text, sizeof text, "%s", "AFTER!");
    memset(bytes, 9, sizeof bytes);
    assert_int_equal(db_run(st, &err), QG_OK);
    assert_int_equal(db_changes(f->conn), 1);
    assert_int_equal(count_rows(f->conn, "before"), 1);
    st = db_prepare(f->conn, "SELECT b FROM t WHERE s = 'before'", &err);
    assert_int_equal(db_step(st, &err), 1);
    size_t len = 0;
    const unsigned char *b = db_col_blob(st, 0, &len);
    assert_int_equal(len, 4);
    assert_int_equal(b[0], 1);
    assert_int_equal(b[3], 4);
    db_done(st);
}

static void test_constraint_errors(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    const char *ins = "INSERT INTO t (u) VALUES (?)";
    db_stmt *st = db_prepare(f->conn, ins, &err);
    db_bind_text(st, 1, "Aidana-unique-value");
    assert_int_equal(db_run(st, &err), QG_OK);
    db_bind_text(st, 1, "Aidana-unique-value");
    memset(&err, 0, sizeof err);
    assert_int_equal(db_step(st, &err), -1);
    assert_int_equal(err.code, QG_ECONFLICT);
    assert_null(strstr(err.message, "Aidana")); /* the value never reaches the message */
    db_done(st);
    db_bind_text(st, 1, "Aidana-unique-value");
    memset(&err, 0, sizeof err);
    assert_int_equal(db_run(st, &err), QG_ECONFLICT);
    assert_int_equal(query_int(f->conn, "SELECT count(*) FROM t"), 1);
    /* the statement is usable again after the failure */
    db_bind_text(st, 1, "another");
    assert_int_equal(db_run(st, &err), QG_OK);
    /* NOT NULL and foreign keys are constraint violations too */
    assert_int_equal(db_exec(f->conn, "INSERT INTO t (req) VALUES (NULL)", &err), QG_ECONFLICT);
    assert_int_equal(db_exec(f->conn, "INSERT INTO users (org_id, login, role, pw_hash, created_at,"
                                      " pw_changed_at) VALUES (999, 'x', 'admin', 'h', 'a', 'b')", &err),
                     QG_ECONFLICT);
    /* other failures are QG_EDB */
    memset(&err, 0, sizeof err);
    assert_null(db_prepare(f->conn, "SELECT nonsense FROM nowhere", &err));
    assert_int_equal(err.code, QG_EDB);
    assert_int_equal(db_exec(f->conn, "NOT SQL AT ALL", &err), QG_EDB);
}

/* ---- transactions ---------------------------------------------------------------- */

static void test_transactions(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    db *other = NULL;
    assert_int_equal(db_open(f->path, false, &other, &err), QG_OK);

    assert_int_equal(db_begin(f->conn, &err), QG_OK);
    assert_int_equal(insert_row(f->conn, 1, "rolled-back", &err), QG_OK);
    assert_int_equal(count_rows(f->conn, "rolled-back"), 1);
    assert_int_equal(count_rows(other, "rolled-back"), 0); /* not visible before commit */
    db_rollback(f->conn);
    assert_int_equal(count_rows(f->conn, "rolled-back"), 0);

    assert_int_equal(db_begin(f->conn, &err), QG_OK);
    assert_int_equal(insert_row(f->conn, 2, "committed", &err), QG_OK);
    assert_int_equal(count_rows(other, "committed"), 0);
    /* no nested BEGIN */
    memset(&err, 0, sizeof err);
    assert_int_equal(db_begin(f->conn, &err), QG_EDB);
    assert_int_equal(db_commit(f->conn, &err), QG_OK);
    assert_int_equal(count_rows(other, "committed"), 1);

    /* commit without a transaction fails; rollback without one is harmless */
    memset(&err, 0, sizeof err);
    assert_int_equal(db_commit(f->conn, &err), QG_EDB);
    db_rollback(f->conn);
    assert_int_equal(count_rows(f->conn, "committed"), 1);
    db_close(other);
}

static void test_savepoints(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    assert_int_equal(db_begin(f->conn, &err), QG_OK);
    assert_int_equal(insert_row(f->conn, 1, "a", &err), QG_OK);
    assert_int_equal(db_savepoint(f->conn, &err), QG_OK);
    assert_int_equal(insert_row(f->conn, 2, "b", &err), QG_OK);
    db_savepoint_rollback(f->conn);
    assert_int_equal(count_rows(f->conn, "a"), 1);
    assert_int_equal(count_rows(f->conn, "b"), 0);
    assert_int_equal(db_savepoint(f->conn, &err), QG_OK);
    assert_int_equal(insert_row(f->conn, 3, "c", &err), QG_OK);
    db_savepoint_release(f->conn);
    /* the savepoints released; the transaction is still open */
    assert_int_equal(db_savepoint(f->conn, &err), QG_OK);
    assert_int_equal(insert_row(f->conn, 4, "d", &err), QG_OK);
    db_savepoint_rollback(f->conn);
    assert_int_equal(db_commit(f->conn, &err), QG_OK);
    assert_int_equal(count_rows(f->conn, "a"), 1);
    assert_int_equal(count_rows(f->conn, "b"), 0);
    assert_int_equal(count_rows(f->conn, "c"), 1);
    assert_int_equal(count_rows(f->conn, "d"), 0);
    /* a rollback of the whole transaction also undoes released savepoints */
    assert_int_equal(db_begin(f->conn, &err), QG_OK);
    assert_int_equal(db_savepoint(f->conn, &err), QG_OK);
    assert_int_equal(insert_row(f->conn, 5, "e", &err), QG_OK);
    db_savepoint_release(f->conn);
    db_rollback(f->conn);
    assert_int_equal(count_rows(f->conn, "e"), 0);
}

/* ---- meta ------------------------------------------------------------------------- */

static void test_meta(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    char out[64] = "untouched";
    assert_int_equal(db_meta_get(f->conn, "colour", out, sizeof out, &err), QG_ENOTFOUND);
    assert_int_equal(err.code, QG_ENOTFOUND);
    assert_int_equal(db_meta_set(f->conn, "colour", "blue", &err), QG_OK);
    assert_int_equal(db_meta_get(f->conn, "colour", out, sizeof out, &err), QG_OK);
    assert_string_equal(out, "blue");
    assert_int_equal(db_meta_set(f->conn, "colour", "green", &err), QG_OK);
    assert_int_equal(db_meta_get(f->conn, "colour", out, sizeof out, &err), QG_OK);
    assert_string_equal(out, "green");
    assert_int_equal(query_int(f->conn, "SELECT count(*) FROM meta WHERE key = 'colour'"), 1);
    /* a small buffer gets a truncated, terminated copy */
    char small[4];
    assert_int_equal(db_meta_set(f->conn, "long", "abcdefgh", &err), QG_OK);
    assert_int_equal(db_meta_get(f->conn, "long", small, sizeof small, &err), QG_OK);
    assert_string_equal(small, "abc");
    /* an empty value is a value */
    assert_int_equal(db_meta_set(f->conn, "empty", "", &err), QG_OK);
    assert_int_equal(db_meta_get(f->conn, "empty", out, sizeof out, &err), QG_OK);
    assert_string_equal(out, "");
}

static void test_meta_without_schema(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    assert_int_equal(db_open(f->path, true, &f->conn, &err), QG_OK);
    char out[16];
    memset(&err, 0, sizeof err);
    assert_int_equal(db_meta_get(f->conn, "k", out, sizeof out, &err), QG_EDB);
    assert_int_equal(db_meta_set(f->conn, "k", "v", &err), QG_EDB);
}

/* ---- backup ----------------------------------------------------------------------- */

static void test_backup_copy_readable(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    for (int i = 0; i < 300; i++)
        assert_int_equal(insert_row(f->conn, i, "row", &err), QG_OK);
    assert_int_equal(db_meta_set(f->conn, "marker", "m1", &err), QG_OK);
    char copy[QGT_TMPDIR_MAX + 32], partial[QGT_TMPDIR_MAX + 48];
    in_dir(f, "copy.db", copy, sizeof copy);
    in_dir(f, "copy.db.partial", partial, sizeof partial);
    assert_int_equal(db_backup(f->conn, copy, &err), QG_OK);
    assert_false(exists(partial));
    struct stat sb;
    assert_int_equal(stat(copy, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
    /* writes after the backup do not reach it */
    assert_int_equal(insert_row(f->conn, 999, "later", &err), QG_OK);
    db *c = NULL;
    assert_int_equal(db_open(copy, false, &c, &err), QG_OK);
    assert_int_equal(count_rows(c, "row"), 300);
    assert_int_equal(count_rows(c, "later"), 0);
    assert_int_equal(query_int(c, "SELECT sum(n) FROM t"), 299 * 300 / 2);
    char out[16];
    assert_int_equal(db_meta_get(c, "marker", out, sizeof out, &err), QG_OK);
    assert_string_equal(out, "m1");
    assert_int_equal(db_migrate(c, &err), QG_OK); /* a complete, current schema */
    db_stmt *st = db_prepare(c, "PRAGMA integrity_check", &err);
    assert_non_null(st);
    assert_int_equal(db_step(st, &err), 1);
    assert_string_equal(db_col_text(st, 0), "ok");
    db_done(st);
    st = db_prepare(c, "PRAGMA journal_mode", &err); /* opened as a live database again */
    assert_int_equal(db_step(st, &err), 1);
    assert_string_equal(db_col_text(st, 0), "wal");
    db_done(st);
    db_close(c);
}

static void test_backup_refuses_existing(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    char target[QGT_TMPDIR_MAX + 32];
    in_dir(f, "existing.db", target, sizeof target);
    write_file(target, "precious");
    memset(&err, 0, sizeof err);
    assert_int_equal(db_backup(f->conn, target, &err), QG_ECONFLICT);
    assert_string_equal(err.field, "file");
    assert_true(file_has(target, "precious"));
    /* a directory that does not exist */
    char nowhere[QGT_TMPDIR_MAX + 32];
    in_dir(f, "missing/dir/copy.db", nowhere, sizeof nowhere);
    memset(&err, 0, sizeof err);
    assert_int_equal(db_backup(f->conn, nowhere, &err), QG_EIO);
    assert_false(exists(nowhere));
    /* a leftover partial file from a crashed backup is not overwritten either */
    char copy[QGT_TMPDIR_MAX + 32], partial[QGT_TMPDIR_MAX + 48];
    in_dir(f, "copy.db", copy, sizeof copy);
    in_dir(f, "copy.db.partial", partial, sizeof partial);
    write_file(partial, "stale");
    assert_int_equal(db_backup(f->conn, copy, &err), QG_EIO);
    assert_false(exists(copy));
    assert_true(file_has(partial, "stale"));
}

/* ---- pool -------------------------------------------------------------------------- */

#define POOL_SIZE 3
#define POOL_THREADS 6
#define POOL_ROUNDS 40

typedef struct {
    db_pool *pool;
    pthread_mutex_t lock;
    int in_use, max_in_use, done;
    db *seen[POOL_THREADS * POOL_ROUNDS];
} pool_shared;

static void *pool_worker(void *p)
{
    pool_shared *s = p;
    for (int i = 0; i < POOL_ROUNDS; i++) {
        db *conn = db_pool_acquire(s->pool);
        pthread_mutex_lock(&s->lock);
        s->in_use++;
        if (s->in_use > s->max_in_use)
            s->max_in_use = s->in_use;
        s->seen[s->done++] = conn;
        pthread_mutex_unlock(&s->lock);
        qg_error err = {0};
        db_stmt *st = db_prepare(conn, "SELECT count(*) FROM t", &err);
        if (st) {
            db_step(st, &err);
            db_done(st);
        }
        pthread_mutex_lock(&s->lock);
        s->in_use--;
        pthread_mutex_unlock(&s->lock);
        db_pool_release(s->pool, conn);
    }
    return NULL;
}

static void test_pool_threads(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    pool_shared *s = calloc(1, sizeof *s);
    assert_non_null(s);
    pthread_mutex_init(&s->lock, NULL);
    assert_int_equal(db_pool_open(f->path, POOL_SIZE, &s->pool, &err), QG_OK);
    /* the pool's connections are distinct */
    db *held[POOL_SIZE];
    for (int i = 0; i < POOL_SIZE; i++) {
        held[i] = db_pool_acquire(s->pool);
        for (int k = 0; k < i; k++)
            assert_ptr_not_equal(held[i], held[k]);
    }
    for (int i = 0; i < POOL_SIZE; i++)
        db_pool_release(s->pool, held[i]);
    pthread_t th[POOL_THREADS];
    for (int i = 0; i < POOL_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, pool_worker, s), 0);
    for (int i = 0; i < POOL_THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_int_equal(s->done, POOL_THREADS * POOL_ROUNDS);
    assert_true(s->max_in_use <= POOL_SIZE);
    assert_true(s->max_in_use >= 1);
    for (int i = 0; i < s->done; i++) {
        bool known = false;
        for (int k = 0; k < POOL_SIZE; k++)
            known = known || s->seen[i] == held[k];
        assert_true(known); /* only the pool's own connections are handed out */
    }
    db_pool_close(s->pool);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

typedef struct {
    db_pool *pool;
    db *got;
    volatile int state; /* 0 waiting, 1 acquired */
    pthread_mutex_t lock;
} blocked_acquire;

static void *acquire_one(void *p)
{
    blocked_acquire *b = p;
    db *conn = db_pool_acquire(b->pool);
    pthread_mutex_lock(&b->lock);
    b->got = conn;
    b->state = 1;
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

static void test_pool_acquire_waits(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    blocked_acquire b = {0};
    pthread_mutex_init(&b.lock, NULL);
    assert_int_equal(db_pool_open(f->path, 2, &b.pool, &err), QG_OK);
    db *one = db_pool_acquire(b.pool), *two = db_pool_acquire(b.pool);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, acquire_one, &b), 0);
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    pthread_mutex_lock(&b.lock);
    int got_early = b.state;
    pthread_mutex_unlock(&b.lock);
    assert_int_equal(got_early, 0); /* still waiting: both are in use */
    db_pool_release(b.pool, two);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(b.state, 1);
    assert_ptr_equal(b.got, two); /* it got exactly the one given back */
    db_pool_release(b.pool, b.got);
    db_pool_release(b.pool, one);
    db_pool_close(b.pool);
    db_pool_close(NULL);
    pthread_mutex_destroy(&b.lock);
}

static void test_pool_open_missing(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    char missing[QGT_TMPDIR_MAX + 32];
    in_dir(f, "missing.db", missing, sizeof missing);
    db_pool *pool = (db_pool *)&err;
    assert_int_equal(db_pool_open(missing, 3, &pool, &err), QG_EIO);
    assert_null(pool);
    assert_false(exists(missing));
}

/* ---- writer ------------------------------------------------------------------------ */

typedef struct {
    int64_t n;
    const char *tag;
    qg_code fail_with;   /* QG_OK: succeed; else insert, then fail with this */
    char fail_field[32]; /* the field named by the failure */
    bool in_open_batch;  /* a reader saw no committed row with this tag yet */
    db *reader;          /* NULL: skip that check */
} insert_job;

static qg_code insert_then_maybe_fail(db *conn, void *arg, qg_error *err)
{
    insert_job *j = arg;
    qg_code c = insert_row(conn, j->n, j->tag, err);
    if (c != QG_OK)
        return c;
    if (j->reader) /* has any job with this tag been committed before this one ran? */
        j->in_open_batch = count_rows(j->reader, j->tag) == 0;
    if (j->fail_with != QG_OK)
        return qg_fail(err, j->fail_with, j->fail_field, "test.failure", "job %lld fails on purpose", (long long)j->n);
    return QG_OK;
}

static void test_writer_direct(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    writer *w = NULL;
    assert_int_equal(writer_open(f->path, false, &w, &err), QG_OK);
    insert_job ok = {.n = 1, .tag = "direct-ok"};
    assert_int_equal(writer_run(w, insert_then_maybe_fail, &ok, &err), QG_OK);
    assert_int_equal(count_rows(f->conn, "direct-ok"), 1); /* committed: seen elsewhere */
    insert_job bad = {.n = 2, .tag = "direct-bad", .fail_with = QG_EINVAL};
    snprintf(bad.fail_field, sizeof bad.fail_field, "%s", "stage");
    memset(&err, 0, sizeof err);
    assert_int_equal(writer_run(w, insert_then_maybe_fail, &bad, &err), QG_EINVAL);
    assert_int_equal(err.code, QG_EINVAL);
    assert_string_equal(err.field, "stage");
    assert_int_equal(count_rows(f->conn, "direct-bad"), 0);
    assert_int_equal(count_rows(writer_conn(w), "direct-bad"), 0);
    /* a constraint error inside the job reaches the caller as QG_ECONFLICT */
    insert_job dup = {.n = 3, .tag = "direct-ok"};
    assert_int_equal(db_exec(f->conn, "CREATE UNIQUE INDEX t_s ON t(s)", &err), QG_OK);
    memset(&err, 0, sizeof err);
    assert_int_equal(writer_run(w, insert_then_maybe_fail, &dup, &err), QG_ECONFLICT);
    /* the writer's connection serves reads in direct mode */
    assert_int_equal(count_rows(writer_conn(w), "direct-ok"), 1);
    /* and the next job still works */
    insert_job again = {.n = 4, .tag = "direct-again"};
    assert_int_equal(writer_run(w, insert_then_maybe_fail, &again, &err), QG_OK);
    writer_close(w);
    writer_close(NULL);
    assert_int_equal(count_rows(f->conn, "direct-again"), 1);
}

static void test_writer_open_missing(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    char missing[QGT_TMPDIR_MAX + 32];
    in_dir(f, "missing.db", missing, sizeof missing);
    writer *w = (writer *)&err;
    assert_int_equal(writer_open(missing, true, &w, &err), QG_EIO);
    assert_null(w);
    w = (writer *)&err;
    assert_int_equal(writer_open(missing, false, &w, &err), QG_EIO);
    assert_null(w);
}

#define W_THREADS 8
#define W_JOBS 40

typedef struct {
    writer *w;
    int index;
    insert_job jobs[W_JOBS];
    qg_code results[W_JOBS];
    qg_error errs[W_JOBS];
} writer_thread;

static bool should_fail(int thread, int job) { return (thread * W_JOBS + job) % 7 == 3; }

static void *writer_worker(void *p)
{
    writer_thread *t = p;
    for (int i = 0; i < W_JOBS; i++)
        t->results[i] = writer_run(t->w, insert_then_maybe_fail, &t->jobs[i], &t->errs[i]);
    return NULL;
}

static void test_writer_threaded_many(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    writer *w = NULL;
    assert_int_equal(writer_open(f->path, true, &w, &err), QG_OK);
    static writer_thread threads[W_THREADS];
    pthread_t th[W_THREADS];
    for (int t = 0; t < W_THREADS; t++) {
        threads[t] = (writer_thread){.w = w, .index = t};
        for (int i = 0; i < W_JOBS; i++) {
            insert_job *j = &threads[t].jobs[i];
            *j = (insert_job){.n = t * 1000 + i, .tag = "many"};
            if (should_fail(t, i)) {
                j->fail_with = (qg_code)(QG_EINVAL + (t + i) % 5);
                snprintf(j->fail_field, sizeof j->fail_field, "t%d.j%d", t, i);
            }
        }
        assert_int_equal(pthread_create(&th[t], NULL, writer_worker, &threads[t]), 0);
    }
    for (int t = 0; t < W_THREADS; t++)
        assert_int_equal(pthread_join(th[t], NULL), 0);
    writer_close(w);
    int expected = 0;
    db_stmt *st = db_prepare(f->conn, "SELECT count(*) FROM t WHERE n = ? AND s = 'many'", &err);
    for (int t = 0; t < W_THREADS; t++)
        for (int i = 0; i < W_JOBS; i++) {
            const insert_job *j = &threads[t].jobs[i];
            db_bind_int(st, 1, j->n);
            assert_int_equal(db_step(st, &err), 1);
            int64_t rows = db_col_int(st, 0);
            db_done(st);
            if (should_fail(t, i)) {
                /* each caller got its own job's error, and its row is gone */
                assert_int_equal(threads[t].results[i], j->fail_with);
                assert_int_equal(threads[t].errs[i].code, j->fail_with);
                assert_string_equal(threads[t].errs[i].field, j->fail_field);
                assert_int_equal(rows, 0);
            } else {
                assert_int_equal(threads[t].results[i], QG_OK);
                assert_int_equal(rows, 1);
                expected++;
            }
        }
    assert_int_equal(count_rows(f->conn, "many"), expected);
}

/* The first job holds the writer thread until every other job is queued, so they all
 * land together in the next batch; one of them fails and must be undone alone. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int announced;
    int expected;
    bool started;
} gate;

typedef struct {
    gate *g;
    insert_job job;
} blocker_arg;

static qg_code blocker_job(db *conn, void *arg, qg_error *err)
{
    blocker_arg *b = arg;
    qg_code c = insert_row(conn, 0, "blocker", err);
    pthread_mutex_lock(&b->g->lock);
    b->g->started = true;
    pthread_cond_broadcast(&b->g->cond);
    while (b->g->announced < b->g->expected)
        pthread_cond_wait(&b->g->cond, &b->g->lock);
    pthread_mutex_unlock(&b->g->lock);
    /* announced means "about to call writer_run": give them time to enqueue */
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    return c;
}

typedef struct {
    writer *w;
    gate *g;
    insert_job job;
    qg_code result;
    qg_error err;
} batch_member;

static void *batch_worker(void *p)
{
    batch_member *m = p;
    pthread_mutex_lock(&m->g->lock);
    while (!m->g->started)
        pthread_cond_wait(&m->g->cond, &m->g->lock);
    m->g->announced++;
    pthread_cond_broadcast(&m->g->cond);
    pthread_mutex_unlock(&m->g->lock);
    m->result = writer_run(m->w, insert_then_maybe_fail, &m->job, &m->err);
    return NULL;
}

typedef struct {
    writer *w;
    blocker_arg *b;
    qg_code result;
    qg_error err;
} blocker_thread;

static void *run_blocker(void *p)
{
    blocker_thread *t = p;
    t->result = writer_run(t->w, blocker_job, t->b, &t->err);
    return NULL;
}

#define BATCH_MEMBERS 6
#define FAILING_MEMBER 3

static void test_writer_failed_job_undone_alone_in_batch(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    writer *w = NULL;
    assert_int_equal(writer_open(f->path, true, &w, &err), QG_OK);
    db *reader = NULL;
    assert_int_equal(db_open(f->path, false, &reader, &err), QG_OK);
    gate g = {.expected = BATCH_MEMBERS};
    pthread_mutex_init(&g.lock, NULL);
    pthread_cond_init(&g.cond, NULL);
    blocker_arg b = {.g = &g};
    blocker_thread bt = {.w = w, .b = &b};
    batch_member members[BATCH_MEMBERS];
    pthread_t bth, th[BATCH_MEMBERS];
    assert_int_equal(pthread_create(&bth, NULL, run_blocker, &bt), 0);
    for (int i = 0; i < BATCH_MEMBERS; i++) {
        members[i] = (batch_member){.w = w, .g = &g};
        members[i].job = (insert_job){.n = 100 + i, .tag = "batch", .reader = reader};
        if (i == FAILING_MEMBER) {
            members[i].job.fail_with = QG_ECONFLICT;
            snprintf(members[i].job.fail_field, sizeof members[i].job.fail_field, "%s", "version");
        }
        assert_int_equal(pthread_create(&th[i], NULL, batch_worker, &members[i]), 0);
    }
    assert_int_equal(pthread_join(bth, NULL), 0);
    for (int i = 0; i < BATCH_MEMBERS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_int_equal(bt.result, QG_OK);
    /* all members ran in one transaction: none saw another member's row committed */
    for (int i = 0; i < BATCH_MEMBERS; i++)
        if (!members[i].job.in_open_batch)
            fail_msg("member %d did not run in the shared batch", i);
    for (int i = 0; i < BATCH_MEMBERS; i++) {
        if (i == FAILING_MEMBER) {
            assert_int_equal(members[i].result, QG_ECONFLICT);
            assert_int_equal(members[i].err.code, QG_ECONFLICT);
            assert_string_equal(members[i].err.field, "version");
        } else {
            assert_int_equal(members[i].result, QG_OK);
            assert_int_equal(members[i].err.code, QG_OK);
            assert_string_equal(members[i].err.field, "");
        }
    }
    writer_close(w);
    db_close(reader);
    pthread_mutex_destroy(&g.lock);
    pthread_cond_destroy(&g.cond);
    assert_int_equal(count_rows(f->conn, "blocker"), 1);
    assert_int_equal(count_rows(f->conn, "batch"), BATCH_MEMBERS - 1);
    assert_int_equal(query_int(f->conn, "SELECT count(*) FROM t WHERE n = 103"), 0);
    for (int i = 0; i < BATCH_MEMBERS; i++)
        if (i != FAILING_MEMBER) {
            qg_error e2 = {0};
            db_stmt *st = db_prepare(f->conn, "SELECT count(*) FROM t WHERE n = ?", &e2);
            db_bind_int(st, 1, 100 + i);
            assert_int_equal(db_step(st, &e2), 1);
            assert_int_equal(db_col_int(st, 0), 1);
            db_done(st);
        }
}

/* A job that leaves the error alone on success must not see an error filled. */
static qg_code noop_job(db *conn, void *arg, qg_error *err)
{
    (void)conn;
    (void)err;
    (*(int *)arg)++;
    return QG_OK;
}

/* A full disk (a job's write refused with QG_EUNAVAIL) undoes the WHOLE batch: the
 * members that had finished are not committed either, every member is told 503 with
 * the disk's reason, the writer says "full", and a job sent at once is refused without
 * being run. */
static void test_writer_full_disk_undoes_whole_batch(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    writer *w = NULL;
    assert_int_equal(writer_open(f->path, true, &w, &err), QG_OK);
    assert_int_equal(writer_storage(w), STORAGE_OK);
    gate g = {.expected = BATCH_MEMBERS};
    pthread_mutex_init(&g.lock, NULL);
    pthread_cond_init(&g.cond, NULL);
    blocker_arg b = {.g = &g};
    blocker_thread bt = {.w = w, .b = &b};
    batch_member members[BATCH_MEMBERS];
    pthread_t bth, th[BATCH_MEMBERS];
    assert_int_equal(pthread_create(&bth, NULL, run_blocker, &bt), 0);
    for (int i = 0; i < BATCH_MEMBERS; i++) {
        members[i] = (batch_member){.w = w, .g = &g};
        members[i].job = (insert_job){.n = 200 + i, .tag = "full"};
        if (i == FAILING_MEMBER)
            members[i].job.fail_with = QG_EUNAVAIL; /* its write refused by the disk */
        assert_int_equal(pthread_create(&th[i], NULL, batch_worker, &members[i]), 0);
    }
    assert_int_equal(pthread_join(bth, NULL), 0);
    for (int i = 0; i < BATCH_MEMBERS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_int_equal(bt.result, QG_OK); /* the blocker's own batch came before */
    for (int i = 0; i < BATCH_MEMBERS; i++) {
        assert_int_equal(members[i].result, QG_EUNAVAIL);
        assert_int_equal(members[i].err.code, QG_EUNAVAIL);
    }
    assert_int_equal(writer_storage(w), STORAGE_FULL);
    assert_string_equal(storage_state_name(writer_storage(w)), "full");
    int ran = 0;
    memset(&err, 0, sizeof err);
    assert_int_equal(writer_run(w, noop_job, &ran, &err), QG_EUNAVAIL);
    assert_string_equal(qg_error_reason(&err), "storage.full");
    assert_int_equal(ran, 0); /* refused without touching the disk */
    writer_close(w);
    pthread_mutex_destroy(&g.lock);
    pthread_cond_destroy(&g.cond);
    assert_int_equal(count_rows(f->conn, "blocker"), 1);
    assert_int_equal(count_rows(f->conn, "full"), 0); /* nothing of the batch is written */
}


static void test_writer_close_after_jobs(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    writer *w = NULL;
    assert_int_equal(writer_open(f->path, true, &w, &err), QG_OK);
    int ran = 0;
    for (int i = 0; i < 20; i++)
        assert_int_equal(writer_run(w, noop_job, &ran, &err), QG_OK);
    assert_int_equal(ran, 20);
    assert_int_equal(err.code, QG_OK);
    writer_close(w);
    /* closing an idle threaded writer right away also works */
    assert_int_equal(writer_open(f->path, true, &w, &err), QG_OK);
    writer_close(w);
}

static void test_now_iso(void **state)
{
    (void)state;
    char now[21];
    db_now_iso(now);
    assert_int_equal(strlen(now), 20);
    assert_int_equal(now[4], '-');
    assert_int_equal(now[10], 'T');
    assert_int_equal(now[19], 'Z');
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char year[5];
    snprintf(year, sizeof year, "%04d", tm.tm_year + 1900);
    assert_memory_equal(now, year, 4);
}

/* Migration 2 on a database written by version 1: cases that already had a case
 * manager are marked handed over, the others are not. */
static void test_migration_2_marks_handed_over_cases(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    assert_int_equal(db_open(f->path, true, &f->conn, &err), QG_OK);
    assert_int_equal(db_exec(f->conn, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", &err), QG_OK);
    assert_int_equal(db_exec(f->conn, schema_migration(1), &err), QG_OK);
    assert_int_equal(db_meta_set(f->conn, "schema_version", "1", &err), QG_OK);
    assert_int_equal(db_exec(f->conn,
                             "INSERT INTO orgs VALUES (1, 'Org', 'ngo', 'almaty', 'now');"
                             "INSERT INTO users (id, org_id, login, role, pw_hash, created_at, pw_changed_at)"
                             " VALUES (1, 1, 'cm', 'case_manager', 'x', 'now', 'now');"
                             "INSERT INTO cases (id, code, org_id, identified_on, stage, status, created_at, updated_at)"
                             " VALUES (1, 'QG-A', 1, '2024-01-01', 'identification', 'open', 'now', 'now'),"
                             " (2, 'QG-B', 1, '2024-01-01', 'identification', 'open', 'now', 'now');"
                             "INSERT INTO case_assignments VALUES (1, 1, NULL, 'now');",
                             &err),
                     QG_OK);
    assert_int_equal(db_migrate(f->conn, &err), QG_OK);
    assert_int_equal(query_int(f->conn, "SELECT handed_over FROM cases WHERE id = 1"), 1);
    assert_int_equal(query_int(f->conn, "SELECT handed_over FROM cases WHERE id = 2"), 0);
    char v[16];
    assert_int_equal(db_meta_get(f->conn, "schema_version", v, sizeof v, &err), QG_OK);
    assert_int_equal(strtol(v, NULL, 10), schema_migration_count());
}

/* Migration 14 on a database written before it: only the first active admin the command
 * line made becomes system-wide; every older audit entry is attributed to the
 * organisations it concerns (the acting user's, its object's, those its detail names,
 * both sides of a referral). */
static void test_migration_14_scopes_accounts(void **state)
{
    fixture *f = *state;
    qg_error err = {0};
    assert_int_equal(db_open(f->path, true, &f->conn, &err), QG_OK);
    assert_int_equal(db_exec(f->conn, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", &err), QG_OK);
    int mine = 0;
    for (int n = 1; n <= schema_migration_count() && !mine; n++) {
        if (strstr(schema_migration(n), "CREATE TABLE audit_orgs"))
            mine = n;
        else
            assert_int_equal(db_exec(f->conn, schema_migration(n), &err), QG_OK);
    }
    assert_true(mine > 0);
    char v[16];
    snprintf(v, sizeof v, "%d", mine - 1);
    assert_int_equal(db_meta_set(f->conn, "schema_version", v, &err), QG_OK);
    /* users 1 (admin, made through the API by 3), 2 (admin, made on the server), 3 (admin,
     * made on the server, later), 4 (auditor of B, made on the server) */
    assert_int_equal(db_exec(f->conn,
                             "INSERT INTO orgs VALUES (1, 'A', 'ngo', 'almaty', 'now'),"
                             " (2, 'B', 'ngo', 'almaty', 'now'), (3, 'C', 'ngo', 'almaty', 'now');"
                             "INSERT INTO users (id, org_id, login, role, pw_hash, created_at, pw_changed_at)"
                             " VALUES (1, 1, 'a1', 'admin', 'x', 'now', 'now'),"
                             " (2, 1, 'a2', 'admin', 'x', 'now', 'now'),"
                             " (3, 2, 'a3', 'admin', 'x', 'now', 'now'),"
                             " (4, 2, 'b.aud', 'auditor', 'x', 'now', 'now');"
                             "INSERT INTO cases (id, code, org_id, identified_on, stage, status, created_at, updated_at)"
                             " VALUES (1, 'QG-A', 1, '2024-01-01', 'identification', 'open', 'now', 'now');"
                             "INSERT INTO referrals (id, ref, case_id, from_org, to_org, service, parts, sealed,"
                             " status, respond_by, created_at, updated_at) VALUES (1, 'RF-1', 1, 1, 3,"
                             " 'medical', '[]', x'00', 'sent', '2030-01-01', 'now', 'now');"
                             "INSERT INTO audit (seq, at, actor, action, object, detail, prev, hash) VALUES"
                             " (1, 'now', NULL, 'user.create', 'user:2', '{\"org_id\":1}', 'p', 'h'),"
                             " (2, 'now', NULL, 'user.create', 'user:3', '{\"org_id\":2}', 'p', 'h'),"
                             " (3, 'now', 3, 'user.create', 'user:1', '{\"org_id\":1}', 'p', 'h'),"
                             " (4, 'now', 1, 'referral.create', 'QG-A', '{\"to_org\":3,\"ref\":\"RF-1\"}', 'p', 'h'),"
                             " (5, 'now', NULL, 'login_failed', NULL, '{\"user_id\":4}', 'p', 'h'),"
                             " (6, 'now', NULL, 'database.backup', NULL, '{}', 'p', 'h');",
                             &err),
                     QG_OK);
    assert_int_equal(db_migrate(f->conn, &err), QG_OK);
    assert_int_equal(query_int(f->conn, "SELECT COUNT(*) FROM users WHERE system_wide = 1"), 1);
    assert_int_equal(query_int(f->conn, "SELECT id FROM users WHERE system_wide = 1"), 2);
    assert_int_equal(query_int(f->conn, "SELECT COUNT(*) FROM audit_orgs WHERE seq = 1 AND org_id = 1"), 1);
    /* made by a3 (of B) in A: both */
    assert_int_equal(query_int(f->conn, "SELECT COUNT(*) FROM audit_orgs WHERE seq = 3"), 2);
    /* the referral: A (the actor, the case) and C (to_org, the referral's other side) */
    assert_int_equal(query_int(f->conn, "SELECT COUNT(*) FROM audit_orgs WHERE seq = 4"), 2);
    assert_int_equal(query_int(f->conn, "SELECT COUNT(*) FROM audit_orgs WHERE seq = 4 AND org_id = 3"), 1);
    assert_int_equal(query_int(f->conn, "SELECT org_id FROM audit_orgs WHERE seq = 5"), 2);
    assert_int_equal(query_int(f->conn, "SELECT COUNT(*) FROM audit_orgs WHERE seq = 6"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_create_new, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_open_create_refuses_existing, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_open_refuses_missing, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_open_not_a_database, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_records_version, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_twice_is_noop, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_refuses_newer, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_failure_rolls_back, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_bind_and_columns, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_bind_or_null, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_text_and_blob_copied, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_constraint_errors, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_savepoints, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_meta, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_meta_without_schema, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_backup_copy_readable, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_backup_refuses_existing, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_pool_threads, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_pool_acquire_waits, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_pool_open_missing, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_writer_direct, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_writer_open_missing, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_writer_threaded_many, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_writer_failed_job_undone_alone_in_batch, setup_db,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_writer_close_after_jobs, setup_db, teardown),
        cmocka_unit_test_setup_teardown(test_writer_full_disk_undoes_whole_batch, setup_db,
                                        teardown),
        cmocka_unit_test(test_now_iso),
        cmocka_unit_test_setup_teardown(test_migration_2_marks_handed_over_cases, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_migration_14_scopes_accounts, setup_empty, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
