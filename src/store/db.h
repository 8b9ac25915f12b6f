/*
 * db.h — the storage interface: connections, prepared statements, transactions,
 * migrations, a connection pool and online backup.
 *
 * SQL written against this interface is kept portable between SQLite (the embedded
 * default, one file in WAL mode) and PostgreSQL: '?' placeholders, INTEGER ids returned
 * with RETURNING, text timestamps in UTC ISO 8601. Only db_sqlite.c includes sqlite3.h.
 */
#ifndef QG_DB_H
#define QG_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct db db;
typedef struct db_stmt db_stmt;
typedef struct db_pool db_pool;

/* Opens the database at path. With create=false a missing file is QG_EIO ("database
 * not found"); with create=true an existing file is QG_ECONFLICT. Sets WAL mode,
 * synchronous=FULL, foreign keys on and a busy timeout. *out is owned by the caller
 * and closed with db_close. */
qg_code db_open(const char *path, bool create, db **out, qg_error *err);

/* Closes a connection and its cached statements. NULL is allowed. */
void db_close(db *conn);

/* Applies every migration newer than the stored schema version, each in its own
 * transaction. Returns QG_OK, or QG_EDB when the database is newer than this program. */
qg_code db_migrate(db *conn, qg_error *err);

/* Returns the schema version this program writes. */
int db_schema_version(void);

/* Runs SQL without parameters or results (e.g. DDL). */
qg_code db_exec(db *conn, const char *sql, qg_error *err);

/* Returns a ready statement for sql, cached per connection by the sql pointer: pass
 * string literals. The statement is owned by the connection; give it back with
 * db_done after use. NULL on failure (err filled, QG_EDB). */
db_stmt *db_prepare(db *conn, const char *sql, qg_error *err);

/* Resets the statement and clears its bindings so the cache can reuse it. */
void db_done(db_stmt *st);

/* Binds parameter i (1-based). Text and blobs are copied. NULL text binds SQL NULL. */
void db_bind_int(db_stmt *st, int i, int64_t v);
void db_bind_text(db_stmt *st, int i, const char *v);
void db_bind_blob(db_stmt *st, int i, const void *v, size_t len);
void db_bind_null(db_stmt *st, int i);

/* Steps: returns 1 when a row is ready, 0 when done, -1 on error (err filled:
 * QG_ECONFLICT for a UNIQUE or constraint violation, QG_EDB otherwise). */
int db_step(db_stmt *st, qg_error *err);

/* Column accessors for the current row (0-based). Text and blob pointers stay valid
 * until the next step or db_done. db_col_text returns NULL for SQL NULL. */
int64_t db_col_int(db_stmt *st, int i);
const char *db_col_text(db_stmt *st, int i);
const void *db_col_blob(db_stmt *st, int i, size_t *len);
bool db_col_null(db_stmt *st, int i);

/* Runs a statement expected to return nothing (INSERT/UPDATE/DELETE without
 * RETURNING) and gives it back. Returns QG_OK or the step's error. */
qg_code db_run(db_stmt *st, qg_error *err);

/* Returns the number of rows the last INSERT/UPDATE/DELETE on conn changed. */
int db_changes(db *conn);

/* Starts a write transaction (BEGIN IMMEDIATE on SQLite), commits, or rolls back. */
qg_code db_begin(db *conn, qg_error *err);
qg_code db_commit(db *conn, qg_error *err);
void db_rollback(db *conn);

/* Savepoints, so one failed job in a shared transaction undoes only itself. */
qg_code db_savepoint(db *conn, qg_error *err);
void db_savepoint_release(db *conn);
void db_savepoint_rollback(db *conn);

/* Copies the live database to path with SQLite's online backup API, consistent even
 * while the server writes. An existing path is refused (QG_ECONFLICT). The copy is
 * written to a temporary name, fsynced and renamed into place. */
qg_code db_backup(db *conn, const char *path, qg_error *err);

/* Reads and writes the small meta table (schema version, key check value). Getter
 * copies into out (size bytes) and returns QG_ENOTFOUND when absent. */
qg_code db_meta_get(db *conn, const char *key, char *out, size_t size, qg_error *err);
qg_code db_meta_set(db *conn, const char *key, const char *value, qg_error *err);

/* A fixed set of connections shared by server threads. */
qg_code db_pool_open(const char *path, int size, db_pool **out, qg_error *err);

/* Takes a connection, waiting while all are in use. Never NULL. */
db *db_pool_acquire(db_pool *pool);

/* Gives a connection back. */
void db_pool_release(db_pool *pool, db *conn);

/* Closes every connection; they must all have been released. NULL is allowed. */
void db_pool_close(db_pool *pool);

/* Writes the current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into out (21 bytes). */
void db_now_iso(char out[21]);

#endif
