/* writer.c — one write path with group commit (see writer.h). */
#include "store/writer.h"

#include <pthread.h>
#include <stdlib.h>

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
};

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

/* Runs a batch in one transaction; on a failed commit every job of it fails. */
static void run_batch(writer *w, job *batch)
{
    qg_error begin_err = {0};
    qg_code c = db_begin(w->conn, &begin_err);
    for (job *j = batch; j; j = j->next) {
        if (c == QG_OK)
            run_in_savepoint(w->conn, j);
        else
            j->result = qg_fail_copy(j->err, &begin_err);
    }
    if (c != QG_OK)
        return;
    qg_error commit_err = {0};
    if (db_commit(w->conn, &commit_err) == QG_OK)
        return;
    for (job *j = batch; j; j = j->next)
        if (j->result == QG_OK)
            j->result = qg_fail_copy(j->err, &commit_err);
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
        run_batch(w, batch);
        pthread_mutex_lock(&w->lock);
        for (job *j = batch, *next; j; j = next) {
            next = j->next; /* j may be gone once done is seen */
            j->done = true;
        }
        pthread_cond_broadcast(&w->finished);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
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
    if (c != QG_OK)
        return c;
    c = fn(w->conn, arg, err);
    if (c != QG_OK) {
        db_rollback(w->conn);
        return c;
    }
    return db_commit(w->conn, err);
}

qg_code writer_run(writer *w, write_fn fn, void *arg, qg_error *err)
{
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
