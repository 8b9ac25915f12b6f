/*
 * db_sqlite.c — the SQLite implementation of the storage interface in db.h: WAL mode,
 * synchronous=FULL (a committed record survives power loss), a per-connection cache of
 * prepared statements, a blocking connection pool and online backup.
 */
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/schema.h"

#define STMT_CACHE 160 /* distinct SQL texts per connection */
#define BUSY_TIMEOUT_MS 10000

struct db_stmt {
    sqlite3_stmt *st;
    db *owner;
};

struct db {
    sqlite3 *h;
    struct {
        const char *sql;
        db_stmt stmt;
    } cache[STMT_CACHE];
    int cached;
};

struct db_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int size, free_count;
    db **conns;
    db **free_list;
};

static qg_code fail_sqlite(qg_error *err, sqlite3 *h, const char *what)
{
    int rc = h ? sqlite3_extended_errcode(h) : SQLITE_ERROR;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return qg_fail(err, QG_ECONFLICT, NULL, "%s: constraint violated", what);
    return qg_fail(err, QG_EDB, NULL, "%s: %s", what, h ? sqlite3_errstr(rc) : "error");
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

qg_code db_exec(db *conn, const char *sql, qg_error *err)
{
    if (sqlite3_exec(conn->h, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail_sqlite(err, conn->h, "database statement failed");
    return QG_OK;
}

static qg_code configure(db *conn, qg_error *err)
{
    sqlite3_busy_timeout(conn->h, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(conn->h, 1);
    return db_exec(conn,
                   "PRAGMA journal_mode=WAL;"
                   "PRAGMA synchronous=FULL;"
                   "PRAGMA foreign_keys=ON;"
                   "PRAGMA secure_delete=ON;"
                   "PRAGMA cache_size=-2000;",
                   err);
}

qg_code db_open(const char *path, bool create, db **out, qg_error *err)
{
    *out = NULL;
    bool exists = file_exists(path);
    if (create && exists)
        return qg_fail(err, QG_ECONFLICT, "db", "database file already exists; it is never overwritten");
    if (!create && !exists)
        return qg_fail(err, QG_EIO, "db", "database file not found; create it with 'qorgau init'");
    db *conn = calloc(1, sizeof *conn);
    if (!conn)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (create) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) {
            free(conn);
            return qg_fail(err, QG_EIO, "db", "cannot create database file: %s", strerror(errno));
        }
        close(fd);
    }
    if (sqlite3_open_v2(path, &conn->h, flags, NULL) != SQLITE_OK) {
        qg_code c = fail_sqlite(err, conn->h, "cannot open database");
        db_close(conn);
        return c;
    }
    qg_code c = configure(conn, err);
    if (c != QG_OK) {
        db_close(conn);
        return c;
    }
    *out = conn;
    return QG_OK;
}

void db_close(db *conn)
{
    if (!conn)
        return;
    for (int i = 0; i < conn->cached; i++)
        sqlite3_finalize(conn->cache[i].stmt.st);
    sqlite3_close(conn->h);
    free(conn);
}

db_stmt *db_prepare(db *conn, const char *sql, qg_error *err)
{
    for (int i = 0; i < conn->cached; i++)
        if (conn->cache[i].sql == sql)
            return &conn->cache[i].stmt;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(conn->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fail_sqlite(err, conn->h, "cannot prepare statement");
        return NULL;
    }
    if (conn->cached == STMT_CACHE) { /* more distinct statements than the program has */
        sqlite3_finalize(st);
        qg_fail(err, QG_EDB, NULL, "statement cache full");
        return NULL;
    }
    int slot = conn->cached++;
    conn->cache[slot].sql = sql;
    conn->cache[slot].stmt.st = st;
    conn->cache[slot].stmt.owner = conn;
    return &conn->cache[slot].stmt;
}

void db_done(db_stmt *st)
{
    if (!st)
        return;
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
}

void db_bind_int(db_stmt *st, int i, int64_t v) { sqlite3_bind_int64(st->st, i, v); }

void db_bind_text(db_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st->st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st->st, i);
}

void db_bind_blob(db_stmt *st, int i, const void *v, size_t len)
{
    sqlite3_bind_blob64(st->st, i, v, len, SQLITE_TRANSIENT);
}

void db_bind_null(db_stmt *st, int i) { sqlite3_bind_null(st->st, i); }

int db_step(db_stmt *st, qg_error *err)
{
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    fail_sqlite(err, st->owner->h, "database step failed");
    return -1;
}

int64_t db_col_int(db_stmt *st, int i) { return sqlite3_column_int64(st->st, i); }

const char *db_col_text(db_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st->st, i);
}

const void *db_col_blob(db_stmt *st, int i, size_t *len)
{
    const void *p = sqlite3_column_blob(st->st, i);
    *len = (size_t)sqlite3_column_bytes(st->st, i);
    return p;
}

bool db_col_null(db_stmt *st, int i) { return sqlite3_column_type(st->st, i) == SQLITE_NULL; }

qg_code db_run(db_stmt *st, qg_error *err)
{
    int rc = db_step(st, err);
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

int db_changes(db *conn) { return sqlite3_changes(conn->h); }

qg_code db_begin(db *conn, qg_error *err) { return db_exec(conn, "BEGIN IMMEDIATE", err); }

qg_code db_commit(db *conn, qg_error *err)
{
    qg_code c = db_exec(conn, "COMMIT", err);
    if (c != QG_OK)
        db_rollback(conn);
    return c;
}

void db_rollback(db *conn)
{
    if (!sqlite3_get_autocommit(conn->h))
        sqlite3_exec(conn->h, "ROLLBACK", NULL, NULL, NULL);
}

qg_code db_savepoint(db *conn, qg_error *err) { return db_exec(conn, "SAVEPOINT job", err); }

void db_savepoint_release(db *conn) { sqlite3_exec(conn->h, "RELEASE job", NULL, NULL, NULL); }

void db_savepoint_rollback(db *conn)
{
    sqlite3_exec(conn->h, "ROLLBACK TO job; RELEASE job", NULL, NULL, NULL);
}

qg_code db_meta_get(db *conn, const char *key, char *out, size_t size, qg_error *err)
{
    db_stmt *st = db_prepare(conn, "SELECT value FROM meta WHERE key = ?", err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, key);
    int rc = db_step(st, err);
    qg_code c = QG_OK;
    if (rc == 1)
        snprintf(out, size, "%s", db_col_text(st, 0));
    else if (rc == 0)
        c = qg_fail(err, QG_ENOTFOUND, NULL, "meta value missing");
    else
        c = err->code;
    db_done(st);
    return c;
}

qg_code db_meta_set(db *conn, const char *key, const char *value, qg_error *err)
{
    db_stmt *st = db_prepare(conn,
                             "INSERT INTO meta (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                             err);
    if (!st)
        return err->code;
    db_bind_text(st, 1, key);
    db_bind_text(st, 2, value);
    return db_run(st, err);
}

int db_schema_version(void) { return schema_migration_count(); }

static int stored_version(db *conn)
{
    char v[32];
    qg_error ignored = {0};
    if (db_meta_get(conn, "schema_version", v, sizeof v, &ignored) != QG_OK)
        return 0;
    return (int)strtol(v, NULL, 10);
}

qg_code db_migrate(db *conn, qg_error *err)
{
    qg_code c = db_exec(conn, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", err);
    if (c != QG_OK)
        return c;
    int have = stored_version(conn), want = schema_migration_count();
    if (have > want)
        return qg_fail(err, QG_EDB, "db", "database schema %d is newer than this program (%d)", have, want);
    for (int v = have + 1; v <= want; v++) {
        char num[16];
        snprintf(num, sizeof num, "%d", v);
        if ((c = db_begin(conn, err)) != QG_OK)
            return c;
        if ((c = db_exec(conn, schema_migration(v), err)) != QG_OK ||
            (c = db_meta_set(conn, "schema_version", num, err)) != QG_OK) {
            db_rollback(conn);
            return c;
        }
        if ((c = db_commit(conn, err)) != QG_OK)
            return c;
    }
    return QG_OK;
}

static qg_code backup_into(db *conn, const char *tmp, qg_error *err)
{
    sqlite3 *dst = NULL;
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        sqlite3_close(dst);
        return qg_fail(err, QG_EIO, "file", "cannot create backup file");
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", conn->h, "main");
    qg_code c = QG_OK;
    if (!b) {
        c = fail_sqlite(err, dst, "backup failed");
    } else {
        int rc;
        while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(5);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE)
            c = qg_fail(err, QG_EIO, "file", "backup failed: %s", sqlite3_errstr(rc));
    }
    if (c == QG_OK && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
        c = fail_sqlite(err, dst, "backup failed");
    sqlite3_close(dst);
    return c;
}

static qg_code fsync_path(const char *path, qg_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        if (fd >= 0)
            close(fd);
        return qg_fail(err, QG_EIO, "file", "cannot sync backup file: %s", strerror(errno));
    }
    close(fd);
    return QG_OK;
}

qg_code db_backup(db *conn, const char *path, qg_error *err)
{
    if (file_exists(path))
        return qg_fail(err, QG_ECONFLICT, "file", "backup file already exists; it is never overwritten");
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.partial", path) >= (int)sizeof tmp)
        return qg_fail(err, QG_EINVAL, "file", "path too long");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return qg_fail(err, QG_EIO, "file", "cannot create backup file: %s", strerror(errno));
    close(fd);
    qg_code c = backup_into(conn, tmp, err);
    if (c == QG_OK)
        c = fsync_path(tmp, err);
    if (c == QG_OK && link(tmp, path) != 0) /* link, unlike rename, never replaces */
        c = qg_fail(err, QG_EIO, "file", "cannot move backup into place: %s", strerror(errno));
    unlink(tmp);
    return c;
}

qg_code db_pool_open(const char *path, int size, db_pool **out, qg_error *err)
{
    *out = NULL;
    db_pool *p = calloc(1, sizeof *p);
    if (!p)
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    p->conns = calloc((size_t)size, sizeof *p->conns);
    p->free_list = calloc((size_t)size, sizeof *p->free_list);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    if (!p->conns || !p->free_list) {
        db_pool_close(p);
        return qg_fail(err, QG_ENOMEM, NULL, "out of memory");
    }
    for (int i = 0; i < size; i++) {
        qg_code c = db_open(path, false, &p->conns[i], err);
        if (c != QG_OK) {
            db_pool_close(p);
            return c;
        }
        p->size++;
        p->free_list[p->free_count++] = p->conns[i];
    }
    *out = p;
    return QG_OK;
}

db *db_pool_acquire(db_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    while (pool->free_count == 0)
        pthread_cond_wait(&pool->freed, &pool->lock);
    db *conn = pool->free_list[--pool->free_count];
    pthread_mutex_unlock(&pool->lock);
    return conn;
}

void db_pool_release(db_pool *pool, db *conn)
{
    pthread_mutex_lock(&pool->lock);
    pool->free_list[pool->free_count++] = conn;
    pthread_cond_signal(&pool->freed);
    pthread_mutex_unlock(&pool->lock);
}

void db_pool_close(db_pool *pool)
{
    if (!pool)
        return;
    for (int i = 0; i < pool->size; i++)
        db_close(pool->conns[i]);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->freed);
    free(pool->conns);
    free(pool->free_list);
    free(pool);
}

void db_now_iso(char out[21])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
