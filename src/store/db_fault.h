/*
 * db_fault.h — fault injection for the storage interface, for tests only.
 *
 * A wrapper engine sits between db.c and the real engine (SQLite or PostgreSQL) of
 * every connection opened after db_fault_enable. While disarmed it only passes each
 * call on. Armed with db_fault_arm(kind, n), the nth call of that kind from then on
 * (counted over all connections and threads) fails once, with the error the real
 * engine would give: QG_EDB and the engine's message, a failed commit rolled back, and
 * on PostgreSQL a failed statement inside a transaction aborts that transaction.
 *
 * Nothing in src/ arms it: only test programs call these functions, so no request and
 * no command can reach it. Without db_fault_enable no connection is wrapped at all.
 */
#ifndef QG_DB_FAULT_H
#define QG_DB_FAULT_H

#include <stdbool.h>

#include "store/db.h"

typedef enum {
    DB_FAULT_PREPARE, /* db_prepare returns NULL */
    DB_FAULT_STEP,    /* db_step returns -1 before running the statement */
    DB_FAULT_BEGIN,   /* db_begin, db_begin_read and db_savepoint fail */
    DB_FAULT_COMMIT,  /* db_commit fails and rolls the transaction back */
    DB_FAULT_EXEC,    /* db_exec fails */
    DB_FAULT_KINDS
} db_fault_kind;

/* Wraps every connection opened from now on (process-wide; call it before opening the
 * database). There is no way back: a test program enables it once. */
void db_fault_enable(void);

/* Called by db_open for each new connection: wraps it when fault injection is enabled,
 * else does nothing. */
void db_fault_attach(db *conn);

/* Makes the nth (n >= 1) call of kind from now on fail, once. Re-arming resets the
 * count; the other kinds never fail meanwhile. */
void db_fault_arm(db_fault_kind kind, long n);

/* Stops any armed fault. */
void db_fault_disarm(void);

/* Returns true when the armed fault has fired since db_fault_arm. */
bool db_fault_fired(void);

#endif
