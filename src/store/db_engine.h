/*
 * db_engine.h — what a storage engine provides behind db.h: a table of operations that
 * db.c dispatches to, chosen per connection when it is opened. Only db.c, db_sqlite.c
 * and db_pg.c include this header.
 *
 * Each engine's connection struct begins with a `struct db` and each statement struct
 * with a `struct db_stmt`, so db.c can find the engine of any handle it is given while
 * the engines keep their own state private.
 */
#ifndef QG_DB_ENGINE_H
#define QG_DB_ENGINE_H

#include "store/db.h"

typedef struct db_ops db_ops;

struct db {
    const db_ops *ops;
};

struct db_stmt {
    db *owner;
};

/* The engine operations; each has the contract of the db.h function of the same name. */
struct db_ops {
    const char *name;
    qg_code (*open)(const char *path, bool create, db **out, qg_error *err);
    void (*close)(db *conn);
    qg_code (*exec)(db *conn, const char *sql, qg_error *err);
    db_stmt *(*prepare)(db *conn, const char *sql, qg_error *err);
    void (*done)(db_stmt *st);
    void (*bind_int)(db_stmt *st, int i, int64_t v);
    void (*bind_text)(db_stmt *st, int i, const char *v);
    void (*bind_blob)(db_stmt *st, int i, const void *v, size_t len);
    void (*bind_null)(db_stmt *st, int i);
    int (*step)(db_stmt *st, qg_error *err);
    int64_t (*col_int)(db_stmt *st, int i);
    const char *(*col_text)(db_stmt *st, int i);
    const void *(*col_blob)(db_stmt *st, int i, size_t *len);
    bool (*col_null)(db_stmt *st, int i);
    int (*changes)(db *conn);
    qg_code (*begin)(db *conn, qg_error *err);
    qg_code (*begin_read)(db *conn, qg_error *err);
    qg_code (*commit)(db *conn, qg_error *err);
    void (*rollback)(db *conn);
    qg_code (*savepoint)(db *conn, qg_error *err);
    void (*savepoint_release)(db *conn);
    void (*savepoint_rollback)(db *conn);
    qg_code (*backup)(db *conn, const char *path, qg_error *err);
    const char *(*migration)(int n); /* the engine's SQL of migration n, see schema.h */
};

/* The SQLite engine (db_sqlite.c), used for every path that is not a URL. */
extern const db_ops db_sqlite_ops;

/* The PostgreSQL engine (db_pg.c), used for postgresql:// and postgres:// URIs. */
extern const db_ops db_pg_ops;

#endif
