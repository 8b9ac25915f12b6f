/*
 * db.c — the storage interface of db.h as a thin dispatcher: db_open picks the engine
 * from the path (a postgresql:// or postgres:// URI is PostgreSQL, anything else a
 * SQLite file) and every later call goes to that connection's engine. What does not
 * depend on the engine lives here: migrations, the meta table, the connection pool and
 * the clock.
 */
#include "store/db_engine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db_fault.h"
#include "store/schema.h"

#define META_DDL "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"

struct db_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int size, free_count;
    db **conns;
    db **free_list;
};

bool db_is_url(const char *path)
{
    return path &&
           (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

qg_code db_open(const char *path, bool create, db **out, qg_error *err)
{
    const db_ops *ops = db_is_url(path) ? &db_pg_ops : &db_sqlite_ops;
    qg_code c = ops->open(path, create, out, err);
    if (c == QG_OK)
        db_fault_attach(*out); /* nothing unless a test enabled fault injection */
    return c;
}

void db_close(db *conn)
{
    if (conn)
        conn->ops->close(conn);
}

qg_code db_exec(db *conn, const char *sql, qg_error *err)
{
    return conn->ops->exec(conn, sql, err);
}

static _Thread_local db_counts thread_counts;

db_counts db_thread_counts(void) { return thread_counts; }

db_stmt *db_prepare(db *conn, const char *sql, qg_error *err)
{
    thread_counts.prepares++;
    return conn->ops->prepare(conn, sql, err);
}

void db_done(db_stmt *st)
{
    if (st)
        st->owner->ops->done(st);
}

void db_bind_int(db_stmt *st, int i, int64_t v) { st->owner->ops->bind_int(st, i, v); }

void db_bind_text(db_stmt *st, int i, const char *v) { st->owner->ops->bind_text(st, i, v); }

void db_bind_blob(db_stmt *st, int i, const void *v, size_t len)
{
    st->owner->ops->bind_blob(st, i, v, len);
}

void db_bind_null(db_stmt *st, int i) { st->owner->ops->bind_null(st, i); }

void db_bind_id_or_null(db_stmt *st, int i, int64_t id) { db_bind_int_or_null(st, i, id != 0, id); }

void db_bind_int_or_null(db_stmt *st, int i, bool has, int64_t v)
{
    if (has)
        db_bind_int(st, i, v);
    else
        db_bind_null(st, i);
}

void db_bind_blob_or_null(db_stmt *st, int i, const void *v, size_t len)
{
    if (v)
        db_bind_blob(st, i, v, len);
    else
        db_bind_null(st, i);
}

int db_step(db_stmt *st, qg_error *err)
{
    int rc = st->owner->ops->step(st, err);
    thread_counts.steps++;
    thread_counts.rows += rc == 1;
    return rc;
}

int64_t db_col_int(db_stmt *st, int i) { return st->owner->ops->col_int(st, i); }

const char *db_col_text(db_stmt *st, int i) { return st->owner->ops->col_text(st, i); }

const void *db_col_blob(db_stmt *st, int i, size_t *len)
{
    return st->owner->ops->col_blob(st, i, len);
}

bool db_col_null(db_stmt *st, int i) { return st->owner->ops->col_null(st, i); }

qg_code db_run(db_stmt *st, qg_error *err)
{
    int rc = db_step(st, err);
    db_done(st);
    return rc < 0 ? err->code : QG_OK;
}

int db_changes(db *conn) { return conn->ops->changes(conn); }

qg_code db_begin(db *conn, qg_error *err) { return conn->ops->begin(conn, err); }

qg_code db_begin_read(db *conn, qg_error *err) { return conn->ops->begin_read(conn, err); }

qg_code db_commit(db *conn, qg_error *err) { return conn->ops->commit(conn, err); }

void db_rollback(db *conn) { conn->ops->rollback(conn); }

#define DB_BULK_CACHE_KIB "262144" /* 256 MiB of page cache: the rows of a long transaction
                                     stay in memory until the commit writes them once */

qg_code db_bulk_writes(db *conn, qg_error *err)
{
    return strcmp(conn->ops->name, "sqlite") == 0 /* also behind db_fault.c */
               ? db_exec(conn, "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-" DB_BULK_CACHE_KIB,
                         err)
               : QG_OK;
}

qg_code db_savepoint(db *conn, qg_error *err) { return conn->ops->savepoint(conn, err); }

void db_savepoint_release(db *conn) { conn->ops->savepoint_release(conn); }

void db_savepoint_rollback(db *conn) { conn->ops->savepoint_rollback(conn); }

qg_code db_backup(db *conn, const char *path, qg_error *err)
{
    return conn->ops->backup(conn, path, err);
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
        c = qg_fail(err, QG_ENOTFOUND, NULL, "storage.failure", "meta value missing");
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

/* Applies migration v in its own write transaction, unless another process (sharing a
 * PostgreSQL database) applied it first: the version is read again under the lock. */
static qg_code apply_migration(db *conn, int v, qg_error *err)
{
    char num[16];
    snprintf(num, sizeof num, "%d", v);
    qg_code c = db_begin(conn, err);
    if (c != QG_OK)
        return c;
    if (stored_version(conn) >= v) {
        db_rollback(conn);
        return QG_OK;
    }
    if ((c = db_exec(conn, conn->ops->migration(v), err)) != QG_OK ||
        (c = db_meta_set(conn, "schema_version", num, err)) != QG_OK) {
        db_rollback(conn);
        return c;
    }
    return db_commit(conn, err);
}

qg_code db_migrate(db *conn, qg_error *err)
{
    /* An up-to-date database is only read: so a read-only one (a read-only mount, a
     * PostgreSQL standby, whose CREATE ... IF NOT EXISTS fails) still opens. */
    int have = stored_version(conn), want = schema_migration_count();
    if (have == want)
        return QG_OK;
    qg_code c = db_exec(conn, META_DDL, err);
    if (c != QG_OK)
        return c;
    have = stored_version(conn);
    if (have > want)
        return qg_fail(err, QG_EDB, "db", "storage.schema_newer",
                       "database schema %d is newer than this program (%d)", have, want);
    for (int v = have + 1; v <= want && c == QG_OK; v++)
        c = apply_migration(conn, v, err);
    return c;
}

qg_code db_pool_open(const char *path, int size, db_pool **out, qg_error *err)
{
    *out = NULL;
    db_pool *p = calloc(1, sizeof *p);
    if (!p)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    p->conns = calloc((size_t)size, sizeof *p->conns);
    p->free_list = calloc((size_t)size, sizeof *p->free_list);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    if (!p->conns || !p->free_list) {
        db_pool_close(p);
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
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
