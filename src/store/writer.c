/* writer.c — one write path with group commit (see writer.h). */
#include "store/writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MAX 128

typedef struct job {
    write_fn fn;
    void *arg;
    qg_error *err;
    qg_code result;
    bool done;
    struct job *next;
} job;

struct writer {
    db *conn;
    bool threaded, stopping;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t queued, finished;
    job *head, *tail;
    storage_state storage; /* what the last write found; under lock */
    int64_t retry_at;      /* while not ok: refuse jobs until this monotonic second */
};

static int64_t mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

const char *storage_state_name(storage_state s)
{
    return s == STORAGE_FULL ? "full" : s == STORAGE_READ_ONLY ? "read_only" : "ok";
}

static void run_in_savepoint(db *conn, job *j)
{
    qg_code c = db_savepoint(conn, j->err);
    if (c == QG_OK) {
        c = j->fn(conn, j->arg, j->err);
        if (c == QG_OK)
            db_savepoint_release(conn);
        else
            db_savepoint_rollback(conn);
    }
    j->result = c;
}

/* Fails every job of batch that has not failed on its own (or never ran) with from. */
static void fail_rest(job *batch, const qg_error *from)
{
    for (job *j = batch; j; j = j->next)
        if (j->result == QG_OK)
            j->result = qg_fail_copy(j->err, from);
}

/* What a failure says of the disk: -1 nothing, else STORAGE_FULL or STORAGE_READ_ONLY. */
static int learnt_from(const qg_error *e)
{
    if (e->code != QG_EUNAVAIL)
        return -1;
    return strcmp(qg_error_reason(e), "storage.read_only") == 0 ? STORAGE_READ_ONLY
                                                                : STORAGE_FULL;
}

/* Runs a batch in one transaction; on a failed commit every job of it fails, and so it
 * does when the disk refuses a write of any job: the whole transaction is rolled back
 * then, so nothing of the batch is left half-written. Returns what the batch learnt of
 * the disk: -1 nothing, else a storage_state (STORAGE_OK: a job's write was committed). */
static int run_batch(writer *w, job *batch)
{
    qg_error fatal = {0};
    if (db_begin(w->conn, &fatal) != QG_OK) {
        fail_rest(batch, &fatal);
        return learnt_from(&fatal);
    }
    for (job *j = batch; j; j = j->next) {
        run_in_savepoint(w->conn, j);
        if (j->result != QG_EUNAVAIL)
            continue;
        if (j->err)
            fatal = *j->err;
        else
            qg_fail(&fatal, QG_EUNAVAIL, NULL, "storage.full", "the disk refused a write");
        db_rollback(w->conn);
        fail_rest(batch, &fatal);
        return learnt_from(&fatal);
    }
    bool wrote = false;
    for (job *j = batch; j; j = j->next)
        wrote = wrote || j->result == QG_OK;
    if (db_commit(w->conn, &fatal) != QG_OK) {
        fail_rest(batch, &fatal);
        return learnt_from(&fatal);
    }
    return wrote ? STORAGE_OK : -1;
}

/* Keeps what a batch learnt (lock held); a server says so on stderr when the state
 * changes. */
static void note_storage(writer *w, int learnt)
{
    if (learnt < 0)
        return;
    storage_state was = w->storage;
    w->storage = (storage_state)learnt;
    if (learnt != STORAGE_OK)
        w->retry_at = mono_s() + WRITER_RETRY_S;
    if (was != w->storage && w->threaded) /* the server's log; a command says it itself */
        fprintf(stderr, "qorgau: storage %s%s\n", storage_state_name(w->storage),
                learnt == STORAGE_OK ? ": writes work again"
                                     : ": writes, logins and audited reads are refused (503)");
}

/* Refuses a job at once (lock held) while the disk is full or read-only and the retry
 * time has not come; false when the job may run. */
static bool refuse_now(writer *w, qg_error *err)
{
    if (w->storage == STORAGE_OK || mono_s() >= w->retry_at)
        return false;
    if (w->storage == STORAGE_READ_ONLY)
        qg_fail(err, QG_EUNAVAIL, NULL, "storage.read_only",
                "the database cannot be written; nothing is saved until it can");
    else
        qg_fail(err, QG_EUNAVAIL, NULL, "storage.full",
                "the disk is full; nothing is saved until space returns");
    return true;
}

static job *take_batch(writer *w)
{
    job *batch = w->head, *last = batch;
    for (int n = 1; n < BATCH_MAX && last->next; n++)
        last = last->next;
    w->head = last->next;
    if (!w->head)
        w->tail = NULL;
    last->next = NULL;
    return batch;
}

static void *writer_main(void *arg)
{
    writer *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->queued, &w->lock);
        if (!w->head && w->stopping)
            break;
        job *batch = take_batch(w);
        pthread_mutex_unlock(&w->lock);
        int learnt = run_batch(w, batch);
        pthread_mutex_lock(&w->lock);
        note_storage(w, learnt);
        for (job *j = batch, *next; j; j = next) {
            next = j->next; /* j may be gone once done is seen */
            j->done = true;
        }
        pthread_cond_broadcast(&w->finished);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* The probe's write: one meta value (a writer job; arg unused). */
static qg_code probe_write(db *conn, void *arg, qg_error *err)
{
    (void)arg;
    char now[21];
    db_now_iso(now);
    return db_meta_set(conn, "storage_probe", now, err);
}

qg_code writer_open(const char *path, bool threaded, writer **out, qg_error *err)
{
    *out = NULL;
    writer *w = calloc(1, sizeof *w);
    if (!w)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    qg_code c = db_open(path, false, &w->conn, err);
    if (c != QG_OK) {
        free(w);
        return c;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->queued, NULL);
    pthread_cond_init(&w->finished, NULL);
    w->threaded = threaded;
    if (threaded && pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        w->threaded = false;
        writer_close(w);
        return qg_fail(err, QG_EIO, NULL, "storage.failure", "cannot start the writer thread");
    }
    *out = w;
    return QG_OK;
}

static qg_code run_direct(writer *w, write_fn fn, void *arg, qg_error *err)
{
    qg_code c = db_begin(w->conn, err);
    if (c == QG_OK) {
        c = fn(w->conn, arg, err);
        if (c != QG_OK)
            db_rollback(w->conn);
        else
            c = db_commit(w->conn, err);
    }
    int learnt = c == QG_OK ? STORAGE_OK : err ? learnt_from(err) : -1;
    pthread_mutex_lock(&w->lock);
    note_storage(w, learnt);
    pthread_mutex_unlock(&w->lock);
    return c;
}

qg_code writer_run(writer *w, write_fn fn, void *arg, qg_error *err)
{
    pthread_mutex_lock(&w->lock);
    bool refused = refuse_now(w, err);
    pthread_mutex_unlock(&w->lock);
    if (refused)
        return QG_EUNAVAIL;
    if (!w->threaded)
        return run_direct(w, fn, arg, err);
    job j = {.fn = fn, .arg = arg, .err = err};
    pthread_mutex_lock(&w->lock);
    if (w->tail)
        w->tail->next = &j;
    else
        w->head = &j;
    w->tail = &j;
    pthread_cond_signal(&w->queued);
    while (!j.done)
        pthread_cond_wait(&w->finished, &w->lock);
    pthread_mutex_unlock(&w->lock);
    return j.result;
}

storage_state writer_storage(writer *w)
{
    pthread_mutex_lock(&w->lock);
    storage_state s = w->storage;
    pthread_mutex_unlock(&w->lock);
    return s;
}

storage_state writer_storage_try(writer *w)
{
    qg_error ignored = {0};
    writer_run(w, probe_write, NULL, &ignored);
    return writer_storage(w);
}

storage_state writer_storage_probe(writer *w)
{
    pthread_mutex_lock(&w->lock);
    bool due = w->storage != STORAGE_OK && mono_s() >= w->retry_at;
    pthread_mutex_unlock(&w->lock);
    return due ? writer_storage_try(w) : writer_storage(w);
}

db *writer_conn(writer *w) { return w->conn; }

void writer_close(writer *w)
{
    if (!w)
        return;
    if (w->threaded) {
        pthread_mutex_lock(&w->lock);
        w->stopping = true;
        pthread_cond_signal(&w->queued);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
    }
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->queued);
    pthread_cond_destroy(&w->finished);
    db_close(w->conn);
    free(w);
}
