/*
 * db_sqlite.c — the SQLite engine behind the storage interface in db.h: WAL mode,
 * synchronous=FULL (a committed record survives power loss), a per-connection cache of
 * prepared statements and online backup. db.c dispatches to it through db_sqlite_ops.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "store/db_engine.h"
#include "store/schema.h"

#define STMT_CACHE 160 /* distinct SQL texts per connection */
#define BUSY_TIMEOUT_MS 10000

typedef struct {
    db_stmt base;
    sqlite3_stmt *st;
} lite_stmt;

typedef struct {
    struct db base;
    sqlite3 *h;
    struct {
        const char *sql;
        lite_stmt stmt;
    } cache[STMT_CACHE];
    int cached;
} lite_db;

/* The engine's views of the handles db.c passes in. */
static sqlite3 *H(db *conn) { return ((lite_db *)conn)->h; }
static sqlite3_stmt *S(db_stmt *st) { return ((lite_stmt *)st)->st; }

/* True when the file system holding the database is mounted read-only. */
static bool on_read_only_fs(sqlite3 *h)
{
    const char *path = sqlite3_db_filename(h, "main");
    struct statvfs fs;
    return path && *path && statvfs(path, &fs) == 0 && (fs.f_flag & ST_RDONLY);
}

/* Why a write could not reach the disk: 'f' full, 'r' read-only, 0 anything else.
 * SQLITE_FULL is a full disk (ENOSPC) and SQLITE_READONLY a database that cannot be
 * written. A write, sync or resize that fails otherwise (SQLITE_IOERR_WRITE for EFBIG
 * under a file size limit, EDQUOT over a quota, EROFS, or EIO from a failing disk) says
 * no more: SQLite keeps no reliable errno for it. It is read-only when the file system
 * is mounted so, else taken as full: either way nothing can be saved until an
 * administrator acts. A file that cannot be opened is read-only on such a mount. */
static char unwritable(sqlite3 *h, int rc)
{
    int primary = rc & 0xff;
    if (primary == SQLITE_FULL)
        return 'f';
    if (primary == SQLITE_READONLY)
        return 'r';
    bool write_io = rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC ||
                    rc == SQLITE_IOERR_DIR_FSYNC || rc == SQLITE_IOERR_TRUNCATE;
    if (write_io)
        return on_read_only_fs(h) ? 'r' : 'f';
    return primary == SQLITE_CANTOPEN && on_read_only_fs(h) ? 'r' : 0;
}

static qg_code fail_sqlite(qg_error *err, sqlite3 *h, const char *what)
{
    int rc = h ? sqlite3_extended_errcode(h) : SQLITE_ERROR;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return qg_fail(err, QG_ECONFLICT, NULL, "storage.constraint", "%s: constraint violated",
                       what);
    char why = h ? unwritable(h, rc) : 0;
    if (why == 'f')
        return qg_fail(err, QG_EUNAVAIL, NULL, "storage.full", "%s: the disk is full (%s)", what,
                       sqlite3_errstr(rc));
    if (why == 'r')
        return qg_fail(err, QG_EUNAVAIL, NULL, "storage.read_only",
                       "%s: the database cannot be written (%s)", what, sqlite3_errstr(rc));
    return qg_fail(err, QG_EDB, NULL, "storage.failure", "%s: %s", what,
                   h ? sqlite3_errstr(rc) : "error");
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static qg_code lite_exec(db *conn, const char *sql, qg_error *err)
{
    if (sqlite3_exec(H(conn), sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail_sqlite(err, H(conn), "database statement failed");
    return QG_OK;
}

static qg_code configure(db *conn, qg_error *err)
{
    sqlite3_busy_timeout(H(conn), BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(H(conn), 1);
    if (sqlite3_db_readonly(H(conn), "main") == 1) /* read-only media: nothing to set up */
        return lite_exec(conn, "PRAGMA foreign_keys=ON;", err);
    return lite_exec(conn,
                     "PRAGMA journal_mode=WAL;"
                     "PRAGMA synchronous=FULL;"
                     "PRAGMA foreign_keys=ON;"
                     "PRAGMA secure_delete=ON;"
                     "PRAGMA cache_size=-2000;",
                     err);
}

static void lite_close(db *conn)
{
    lite_db *l = (lite_db *)conn;
    if (!l)
        return;
    for (int i = 0; i < l->cached; i++)
        sqlite3_finalize(l->cache[i].stmt.st);
    sqlite3_close(l->h);
    free(l);
}

static pthread_once_t config_once = PTHREAD_ONCE_INIT;

/* Process-wide settings, before the first connection: no global memory statistics,
 * whose mutex every allocation of every thread would take. */
static void configure_library(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

/* True when the file system holding path is mounted read-only. */
static bool path_on_read_only_fs(const char *path)
{
    struct statvfs fs;
    return statvfs(path, &fs) == 0 && (fs.f_flag & ST_RDONLY);
}

/* Writes the URI that opens path read-only into out: "immutable" when no WAL file lies
 * beside it (a clean shutdown left everything in the database file, and nothing can
 * change it on a read-only mount), else "mode=ro", which reads the WAL through its
 * existing -shm file. '%', '?' and '#' in the path are escaped. False when too long. */
static bool read_only_uri(const char *path, char *out, size_t size)
{
    char wal[4096];
    if (snprintf(wal, sizeof wal, "%s-wal", path) >= (int)sizeof wal)
        return false;
    size_t n = (size_t)snprintf(out, size, "file:");
    for (const char *p = path; *p && n + 4 < size; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            n += (size_t)snprintf(out + n, size - n, "%%%02X", (unsigned char)*p);
        else
            out[n++] = *p;
    }
    out[n] = '\0';
    const char *q = file_exists(wal) ? "?mode=ro" : "?mode=ro&immutable=1";
    return n + strlen(q) < size && snprintf(out + n, size - n, "%s", q) > 0;
}

/* Opens an existing database on a read-only mount for reading only (a backup, audit
 * verify, a server that answers reads): every write then fails as storage.read_only. */
static int open_read_only(const char *path, sqlite3 **h)
{
    char uri[4200];
    if (!read_only_uri(path, uri, sizeof uri))
        return SQLITE_CANTOPEN;
    return sqlite3_open_v2(uri, h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                           NULL);
}

static qg_code lite_open(const char *path, bool create, db **out, qg_error *err)
{
    *out = NULL;
    bool exists = file_exists(path);
    if (create && exists)
        return qg_fail(err, QG_ECONFLICT, "db", "storage.exists",
                       "database file already exists; it is never overwritten");
    if (!create && !exists)
        return qg_fail(err, QG_EIO, "db", "storage.not_initialised",
                       "database file not found; create it with 'qorgau init'");
    lite_db *l = calloc(1, sizeof *l);
    if (!l)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    l->base.ops = &db_sqlite_ops;
    pthread_once(&config_once, configure_library);
    /* NOMUTEX: a connection is only ever used by one thread at a time (the pool hands it
     * to one request, the writer keeps its own), so SQLite's per-call locking is waste. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (create) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) {
            free(l);
            return qg_fail(err, QG_EIO, "db", "file.create_failed",
                           "cannot create database file: %s", strerror(errno));
        }
        close(fd);
    }
    int rc = !create && path_on_read_only_fs(path) ? open_read_only(path, &l->h)
                                                   : sqlite3_open_v2(path, &l->h, flags, NULL);
    if (rc != SQLITE_OK) {
        qg_code c = fail_sqlite(err, l->h, "cannot open database");
        lite_close(&l->base);
        return c;
    }
    qg_code c = configure(&l->base, err);
    if (c != QG_OK) {
        lite_close(&l->base);
        return c;
    }
    *out = &l->base;
    return QG_OK;
}

static db_stmt *lite_prepare(db *conn, const char *sql, qg_error *err)
{
    lite_db *l = (lite_db *)conn;
    for (int i = 0; i < l->cached; i++)
        if (l->cache[i].sql == sql)
            return &l->cache[i].stmt.base;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(l->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fail_sqlite(err, l->h, "cannot prepare statement");
        return NULL;
    }
    if (l->cached == STMT_CACHE) { /* more distinct statements than the program has */
        sqlite3_finalize(st);
        qg_fail(err, QG_EDB, NULL, "storage.failure", "statement cache full");
        return NULL;
    }
    int slot = l->cached++;
    l->cache[slot].sql = sql;
    l->cache[slot].stmt.st = st;
    l->cache[slot].stmt.base.owner = conn;
    return &l->cache[slot].stmt.base;
}

static void lite_done(db_stmt *st)
{
    sqlite3_reset(S(st));
    sqlite3_clear_bindings(S(st));
}

static void lite_bind_int(db_stmt *st, int i, int64_t v) { sqlite3_bind_int64(S(st), i, v); }

static void lite_bind_text(db_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(S(st), i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(S(st), i);
}

static void lite_bind_blob(db_stmt *st, int i, const void *v, size_t len)
{
    sqlite3_bind_blob64(S(st), i, v, len, SQLITE_TRANSIENT);
}

static void lite_bind_null(db_stmt *st, int i) { sqlite3_bind_null(S(st), i); }

static int lite_step(db_stmt *st, qg_error *err)
{
    int rc = sqlite3_step(S(st));
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    fail_sqlite(err, H(st->owner), "database step failed");
    return -1;
}

static int64_t lite_col_int(db_stmt *st, int i) { return sqlite3_column_int64(S(st), i); }

static const char *lite_col_text(db_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(S(st), i);
}

static const void *lite_col_blob(db_stmt *st, int i, size_t *len)
{
    const void *p = sqlite3_column_blob(S(st), i);
    *len = (size_t)sqlite3_column_bytes(S(st), i);
    return p;
}

static bool lite_col_null(db_stmt *st, int i)
{
    return sqlite3_column_type(S(st), i) == SQLITE_NULL;
}

static int lite_changes(db *conn) { return sqlite3_changes(H(conn)); }

static qg_code lite_begin(db *conn, qg_error *err)
{
    return lite_exec(conn, "BEGIN IMMEDIATE", err);
}

/* A deferred transaction takes its WAL snapshot at the first read and keeps it. */
static qg_code lite_begin_read(db *conn, qg_error *err) { return lite_exec(conn, "BEGIN", err); }

static void lite_rollback(db *conn)
{
    if (!sqlite3_get_autocommit(H(conn)))
        sqlite3_exec(H(conn), "ROLLBACK", NULL, NULL, NULL);
}

static qg_code lite_commit(db *conn, qg_error *err)
{
    qg_code c = lite_exec(conn, "COMMIT", err);
    if (c != QG_OK)
        lite_rollback(conn);
    return c;
}

static qg_code lite_savepoint(db *conn, qg_error *err)
{
    return lite_exec(conn, "SAVEPOINT job", err);
}

static void lite_savepoint_release(db *conn)
{
    sqlite3_exec(H(conn), "RELEASE job", NULL, NULL, NULL);
}

static void lite_savepoint_rollback(db *conn)
{
    sqlite3_exec(H(conn), "ROLLBACK TO job; RELEASE job", NULL, NULL, NULL);
}

static qg_code backup_into(db *conn, const char *tmp, qg_error *err)
{
    sqlite3 *dst = NULL;
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        sqlite3_close(dst);
        return qg_fail(err, QG_EIO, "file", "file.create_failed", "cannot create backup file");
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", H(conn), "main");
    qg_code c = QG_OK;
    if (!b) {
        c = fail_sqlite(err, dst, "backup failed");
    } else {
        int rc;
        /* All pages in one step: a copy made in small steps restarts whenever another
         * connection writes, and on a busy server might never finish. In WAL mode the
         * one long read does not block the writer. */
        while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_OK || rc == SQLITE_BUSY ||
               rc == SQLITE_LOCKED)
            sqlite3_sleep(5);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE)
            c = qg_fail(err, QG_EIO, "file", "file.create_failed", "backup failed: %s",
                        sqlite3_errstr(rc));
    }
    if (c == QG_OK &&
        sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
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
        return qg_fail(err, QG_EIO, "file", "file.create_failed", "cannot sync backup file: %s",
                       strerror(errno));
    }
    close(fd);
    return QG_OK;
}

static qg_code lite_backup(db *conn, const char *path, qg_error *err)
{
    if (file_exists(path))
        return qg_fail(err, QG_ECONFLICT, "file", "file.exists",
                       "backup file already exists; it is never overwritten");
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.partial", path) >= (int)sizeof tmp)
        return qg_fail(err, QG_EINVAL, "file", "path.too_long", "path too long");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return qg_fail(err, QG_EIO, "file", "file.create_failed", "cannot create backup file: %s",
                       strerror(errno));
    close(fd);
    qg_code c = backup_into(conn, tmp, err);
    if (c == QG_OK)
        c = fsync_path(tmp, err);
    if (c == QG_OK && link(tmp, path) != 0) /* link, unlike rename, never replaces */
        c = qg_fail(err, QG_EIO, "file", "file.create_failed", "cannot move backup into place: %s",
                    strerror(errno));
    unlink(tmp);
    return c;
}

const db_ops db_sqlite_ops = {
    .name = "sqlite",
    .open = lite_open,
    .close = lite_close,
    .exec = lite_exec,
    .prepare = lite_prepare,
    .done = lite_done,
    .bind_int = lite_bind_int,
    .bind_text = lite_bind_text,
    .bind_blob = lite_bind_blob,
    .bind_null = lite_bind_null,
    .step = lite_step,
    .col_int = lite_col_int,
    .col_text = lite_col_text,
    .col_blob = lite_col_blob,
    .col_null = lite_col_null,
    .changes = lite_changes,
    .begin = lite_begin,
    .begin_read = lite_begin_read,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .savepoint = lite_savepoint,
    .savepoint_release = lite_savepoint_release,
    .savepoint_rollback = lite_savepoint_rollback,
    .backup = lite_backup,
    .migration = schema_migration,
};
