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
 *
 * A full or read-only disk: when a job or a commit fails with QG_EUNAVAIL ("storage.full"
 * or "storage.read_only", from either engine), the whole batch is rolled back (no job of
 * it is written, not even one that had finished) and the writer remembers the state.
 * For the next WRITER_RETRY_S seconds every job is refused at once with the same reason,
 * without touching the disk; the first job after that is tried for real, and a commit
 * that succeeds makes the state "ok" again. writer_storage_probe lets a health check
 * try a tiny write when no job comes.
 */
#ifndef QG_WRITER_H
#define QG_WRITER_H

#include <stdbool.h>

#include "base/err.h"
#include "store/db.h"

typedef qg_code (*write_fn)(db *conn, void *arg, qg_error *err);

/* Seconds a full or read-only disk refuses jobs before the next one is tried for real. */
#define WRITER_RETRY_S 3

/* What the last write found of the disk. */
typedef enum { STORAGE_OK, STORAGE_FULL, STORAGE_READ_ONLY } storage_state;

typedef struct writer writer;

/* Opens a writer with its own connection to path. threaded=true starts the group
 * commit thread. *out is freed with writer_close. */
qg_code writer_open(const char *path, bool threaded, writer **out, qg_error *err);

/* Runs fn(conn, arg, err) in a transaction and waits until it is committed. Returns
 * fn's error (its changes undone) or a commit error, else QG_OK. */
qg_code writer_run(writer *w, write_fn fn, void *arg, qg_error *err);

/* Returns what the last write found of the disk (see above); reads no file. */
storage_state writer_storage(writer *w);

/* Returns the state as writer_storage, but first, when the disk was full or read-only
 * and WRITER_RETRY_S have passed since the last try, tries a one-row write (the meta
 * value "storage_probe") to learn whether space has returned. Cheap: at most one small
 * transaction every WRITER_RETRY_S seconds, and none while the state is "ok". */
storage_state writer_storage_probe(writer *w);

/* Tries the probe's one-row write now (unless the retry time has not come) and returns
 * the state it leaves: a server calls it once it has opened its database, so one
 * started on a full or read-only disk says so before anyone tries to write. */
storage_state writer_storage_try(writer *w);

/* "ok", "full" or "read_only". */
const char *storage_state_name(storage_state s);

/* Returns the writer's connection, for the command line's reads in direct mode. */
db *writer_conn(writer *w);

/* Finishes queued jobs, stops the thread, closes the connection. NULL is allowed. */
void writer_close(writer *w);

#endif
