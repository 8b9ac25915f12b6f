/*
 * db_fault.c — the fault-injection wrapper engine of db_fault.h. Each wrapped
 * connection's ops point at a copy of its real engine's table in which prepare, step,
 * begin, begin_read, savepoint, commit and exec first ask whether the armed fault is
 * due; every other operation is the real engine's own.
 */
#include "store/db_fault.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "store/db_engine.h"

/* A wrapper table: the ops db.c calls, and the real engine's behind them. */
typedef struct {
    db_ops ops; /* first: a connection's ops pointer is also a pointer to this */
    const db_ops *real;
} fault_engine;

static fault_engine fault_sqlite, fault_pg;
static atomic_bool enabled;
static atomic_int armed_kind = -1;
static atomic_long countdown;
static atomic_bool fired;

static const db_ops *real_ops(db *conn) { return ((const fault_engine *)conn->ops)->real; }

static bool is_pg(db *conn) { return real_ops(conn) == &db_pg_ops; }

/* Counts one call of kind; true when it is the one that must fail. */
static bool due(db_fault_kind kind)
{
    if (atomic_load(&armed_kind) != (int)kind)
        return false;
    if (atomic_fetch_sub(&countdown, 1) != 1)
        return false;
    atomic_store(&fired, true);
    return true;
}

/* Fills err as the engine would for a failed statement. On PostgreSQL a failed
 * statement inside a transaction aborts it, so one failing statement is run for real. */
static qg_code fail_as_engine(db *conn, const char *what, qg_error *err)
{
    if (is_pg(conn)) {
        qg_error ignored = {0};
        real_ops(conn)->exec(conn, "SELECT 1/0", &ignored);
        return qg_fail(err, QG_EDB, NULL, "storage.failure",
                       "%s: insufficient resources (SQLSTATE 53100)", what);
    }
    return qg_fail(err, QG_EDB, NULL, "storage.failure", "%s: disk I/O error", what);
}

static qg_code f_exec(db *conn, const char *sql, qg_error *err)
{
    if (due(DB_FAULT_EXEC))
        return fail_as_engine(conn, "database statement failed", err);
    return real_ops(conn)->exec(conn, sql, err);
}

static db_stmt *f_prepare(db *conn, const char *sql, qg_error *err)
{
    if (due(DB_FAULT_PREPARE)) {
        fail_as_engine(conn, "cannot prepare statement", err);
        return NULL;
    }
    return real_ops(conn)->prepare(conn, sql, err);
}

static int f_step(db_stmt *st, qg_error *err)
{
    if (due(DB_FAULT_STEP)) {
        fail_as_engine(st->owner, "database step failed", err);
        return -1;
    }
    return real_ops(st->owner)->step(st, err);
}

static qg_code f_begin(db *conn, qg_error *err)
{
    if (due(DB_FAULT_BEGIN))
        return fail_as_engine(conn, "database statement failed", err);
    return real_ops(conn)->begin(conn, err);
}

static qg_code f_begin_read(db *conn, qg_error *err)
{
    if (due(DB_FAULT_BEGIN))
        return fail_as_engine(conn, "database statement failed", err);
    return real_ops(conn)->begin_read(conn, err);
}

static qg_code f_savepoint(db *conn, qg_error *err)
{
    if (due(DB_FAULT_BEGIN))
        return fail_as_engine(conn, "database statement failed", err);
    return real_ops(conn)->savepoint(conn, err);
}

/* A failed commit leaves nothing of the transaction behind, as the engines do. */
static qg_code f_commit(db *conn, qg_error *err)
{
    if (due(DB_FAULT_COMMIT)) {
        real_ops(conn)->rollback(conn);
        return qg_fail(err, QG_EDB, NULL, "storage.failure", "%s",
                       is_pg(conn) ? "commit failed: insufficient resources (SQLSTATE 53100)"
                                   : "database statement failed: disk I/O error");
    }
    return real_ops(conn)->commit(conn, err);
}

static void wrap(fault_engine *f, const db_ops *real)
{
    f->ops = *real;
    f->real = real;
    f->ops.exec = f_exec;
    f->ops.prepare = f_prepare;
    f->ops.step = f_step;
    f->ops.begin = f_begin;
    f->ops.begin_read = f_begin_read;
    f->ops.savepoint = f_savepoint;
    f->ops.commit = f_commit;
}

static pthread_once_t wrap_once = PTHREAD_ONCE_INIT;

static void build_tables(void)
{
    wrap(&fault_sqlite, &db_sqlite_ops);
    wrap(&fault_pg, &db_pg_ops);
}

void db_fault_enable(void)
{
    pthread_once(&wrap_once, build_tables);
    atomic_store(&enabled, true);
}

void db_fault_attach(db *conn)
{
    if (!atomic_load(&enabled) || !conn)
        return;
    if (conn->ops == &db_sqlite_ops)
        conn->ops = &fault_sqlite.ops;
    else if (conn->ops == &db_pg_ops)
        conn->ops = &fault_pg.ops;
}

void db_fault_arm(db_fault_kind kind, long n)
{
    atomic_store(&armed_kind, -1);
    atomic_store(&fired, false);
    atomic_store(&countdown, n);
    atomic_store(&armed_kind, (int)kind);
}

void db_fault_disarm(void) { atomic_store(&armed_kind, -1); }

bool db_fault_fired(void) { return atomic_load(&fired); }
