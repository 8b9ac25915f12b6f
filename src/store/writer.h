/*
 * writer.h — the single write path, with group commit.
 *
 * Every change to the database is a job: a function that runs inside a transaction on
 * the writer's connection. In server mode one writer thread takes all queued jobs,
 * runs each in its own savepoint (a failed job undoes only itself), then commits them
 * together with one fsync: many durable writes per disk flush. A caller returns only
 * after its job's transaction is on disk. In direct mode (the command line) a job runs
 * in its own transaction on the caller's thread.
 *
 * Because all writes go through one connection in order, the audit chain is appended
 * without races.
 */
#ifndef QG_WRITER_H
#define QG_WRITER_H

#include <stdbool.h>

#include "base/err.h"
#include "store/db.h"

typedef qg_code (*write_fn)(db *conn, void *arg, qg_error *err);

typedef struct writer writer;

/* Opens a writer with its own connection to path. threaded=true starts the group
 * commit thread. *out is freed with writer_close. */
qg_code writer_open(const char *path, bool threaded, writer **out, qg_error *err);

/* Runs fn(conn, arg, err) in a transaction and waits until it is committed. Returns
 * fn's error (its changes undone) or a commit error, else QG_OK. */
qg_code writer_run(writer *w, write_fn fn, void *arg, qg_error *err);

/* Returns the writer's connection, for the command line's reads in direct mode. */
db *writer_conn(writer *w);

/* Finishes queued jobs, stops the thread, closes the connection. NULL is allowed. */
void writer_close(writer *w);

#endif
