/*
 * conn_guard.c — the header deadline and the counted log of libmicrohttpd's messages
 * (conn_guard.h says what and why).
 *
 * Every tracked connection is an entry in one list under one mutex, with the time by
 * which it must have moved on: its headers complete (header deadline, from its start
 * or the end of its previous request), or its body (CONN_GUARD_BODY_S after the
 * headers); no deadline while the handler runs and the answer is sent (the idle
 * timeout still applies). The reaper thread wakes every TICK_MS, shuts down
 * (shutdown(2), SHUT_RDWR) the socket of each entry that is overdue, and once per log
 * interval prints the counts. shutdown does not close the descriptor: libmicrohttpd
 * sees the end of the stream in its own thread and closes the connection as if the
 * client had gone. That is safe against a reused descriptor because libmicrohttpd
 * calls MHD_CONNECTION_NOTIFY_CLOSED (which removes the entry under the mutex) before
 * it closes the socket, and the reaper calls shutdown only under the mutex, on entries
 * still in the list.
 */
#include "http/conn_guard.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define TICK_MS 200
#define TEMPLATES 24    /* distinct libmicrohttpd messages counted; more print at once */
#define MESSAGE_MAX 200 /* a template as printed, arguments replaced by "?" */

typedef struct guard_entry {
    struct guard_entry *prev, *next;
    conn_guard *guard;
    int fd;
    int64_t due_ms; /* shut down when still here then; 0: no deadline now */
    bool reaped;    /* shut down already */
} guard_entry;

typedef struct {
    const char *fmt; /* libmicrohttpd's format string (a literal in the library) */
    char text[MESSAGE_MAX];
    unsigned long count;
} template_count;

struct conn_guard {
    conn_guard_config cfg;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t reaper;
    bool stopping;
    guard_entry *head;
    unsigned long reaped; /* since the last log line */
    template_count templates[TEMPLATES];
    int64_t last_log_ms;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the message log --------------------------------------------------------- */

/* Length of the printf conversion at fmt (which starts with '%'). */
static size_t conversion_length(const char *fmt)
{
    size_t n = 1;
    while (fmt[n] && strchr("#0- +'.*123456789hlLqjzt", fmt[n]))
        n++;
    return fmt[n] ? n + 1 : n;
}

/* Writes libmicrohttpd's message template into out with every argument replaced by "?"
 * (the arguments may be request data) and without line ends. */
static void template_text(const char *fmt, char *out, size_t size)
{
    size_t n = 0;
    while (*fmt && n + 1 < size) {
        if (fmt[0] == '%' && fmt[1] == '%') {
            out[n++] = '%';
            fmt += 2;
        } else if (fmt[0] == '%') {
            out[n++] = '?';
            fmt += conversion_length(fmt);
        } else {
            if (*fmt != '\n' && *fmt != '\r')
                out[n++] = *fmt;
            fmt++;
        }
    }
    out[n] = '\0';
}

static bool is_limit_message(const char *text)
{
    return strstr(text, "connection limit") != NULL;
}

/* Prints the counts gathered since the last time and clears them. Caller holds lock. */
static void flush_counts(conn_guard *g, int64_t now)
{
    unsigned secs = (unsigned)((now - g->last_log_ms + 500) / 1000);
    g->last_log_ms = now;
    flockfile(stderr);
    for (size_t i = 0; i < TEMPLATES && g->templates[i].fmt; i++) {
        template_count *t = &g->templates[i];
        if (t->count == 0)
            continue;
        if (is_limit_message(t->text) && g->cfg.per_address)
            fprintf(stderr,
                    "qorgau: http: connection limit reached %lu times in the last %u s "
                    "(at most %u connections, %u per address)\n",
                    t->count, secs, g->cfg.max_connections, g->cfg.per_address);
        else if (is_limit_message(t->text))
            fprintf(stderr,
                    "qorgau: http: connection limit reached %lu times in the last %u s "
                    "(at most %u connections)\n",
                    t->count, secs, g->cfg.max_connections);
        else
            fprintf(stderr, "qorgau: http: %lu times in the last %u s: %s\n", t->count,
                    secs, t->text);
        t->count = 0;
    }
    if (g->reaped)
        fprintf(stderr,
                "qorgau: http: %lu connections closed in the last %u s: request headers "
                "not complete within %u s or body within %u s\n",
                g->reaped, secs, g->cfg.header_timeout_s, CONN_GUARD_BODY_S);
    g->reaped = 0;
    fflush(stderr);
    funlockfile(stderr);
}

void conn_guard_log(void *cls, const char *fmt, va_list ap)
{
    conn_guard *g = cls;
    (void)ap;
    char text[MESSAGE_MAX];
    template_text(fmt, text, sizeof text);
    pthread_mutex_lock(&g->lock);
    for (size_t i = 0; i < TEMPLATES; i++) {
        template_count *t = &g->templates[i];
        if (!t->fmt) {
            t->fmt = fmt;
            memcpy(t->text, text, sizeof text);
        }
        if (t->fmt == fmt || strcmp(t->text, text) == 0) {
            t->count++;
            pthread_mutex_unlock(&g->lock);
            return;
        }
    }
    pthread_mutex_unlock(&g->lock);
    fprintf(stderr, "qorgau: http: %s\n", text); /* the table is full: as it comes */
}

/* ---- the reaper ---------------------------------------------------------------- */

/* Shuts down every connection whose headers or body are overdue. Caller holds lock. */
static void reap(conn_guard *g, int64_t now)
{
    for (guard_entry *e = g->head; e; e = e->next) {
        if (e->due_ms == 0 || e->reaped || now < e->due_ms)
            continue;
        e->reaped = true;
        if (e->fd >= 0 && shutdown(e->fd, SHUT_RDWR) == 0)
            g->reaped++;
    }
}

static void *reaper_main(void *arg)
{
    conn_guard *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += TICK_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g->wake, &g->lock, &until);
        int64_t now = now_ms();
        reap(g, now);
        if (now - g->last_log_ms >= (int64_t)g->cfg.log_interval_s * 1000)
            flush_counts(g, now);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

conn_guard *conn_guard_start(const conn_guard_config *cfg)
{
    conn_guard *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->cfg = *cfg;
    if (g->cfg.header_timeout_s == 0)
        g->cfg.header_timeout_s = 1;
    if (g->cfg.log_interval_s == 0)
        g->cfg.log_interval_s = 60;
    g->last_log_ms = now_ms();
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    bool ok = pthread_mutex_init(&g->lock, NULL) == 0;
    if (ok && pthread_cond_init(&g->wake, &attr) != 0) {
        pthread_mutex_destroy(&g->lock);
        ok = false;
    }
    pthread_condattr_destroy(&attr);
    if (ok && pthread_create(&g->reaper, NULL, reaper_main, g) != 0) {
        pthread_cond_destroy(&g->wake);
        pthread_mutex_destroy(&g->lock);
        ok = false;
    }
    if (!ok) {
        free(g);
        return NULL;
    }
    return g;
}

void conn_guard_stop(conn_guard *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&g->lock);
    g->stopping = true;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->reaper, NULL);
    pthread_mutex_lock(&g->lock);
    flush_counts(g, now_ms());
    guard_entry *e = g->head;
    while (e) { /* none once the daemon has stopped; freed in case */
        guard_entry *next = e->next;
        free(e);
        e = next;
    }
    pthread_mutex_unlock(&g->lock);
    pthread_cond_destroy(&g->wake);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

/* ---- connections --------------------------------------------------------------- */

static void track(conn_guard *g, struct MHD_Connection *conn, void **socket_context)
{
    guard_entry *e = calloc(1, sizeof *e);
    if (!e)
        return; /* untracked: only the idle timeout applies to it */
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    e->guard = g;
    e->fd = ci ? ci->connect_fd : -1;
    pthread_mutex_lock(&g->lock);
    e->due_ms = now_ms() + (int64_t)g->cfg.header_timeout_s * 1000;
    e->next = g->head;
    if (g->head)
        g->head->prev = e;
    g->head = e;
    pthread_mutex_unlock(&g->lock);
    *socket_context = e;
}

static void untrack(guard_entry *e)
{
    conn_guard *g = e->guard;
    pthread_mutex_lock(&g->lock);
    if (e->prev)
        e->prev->next = e->next;
    else
        g->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    pthread_mutex_unlock(&g->lock);
    free(e);
}

void conn_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode code)
{
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        track(cls, conn, socket_context);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        untrack(*socket_context);
        *socket_context = NULL;
    }
}

static guard_entry *entry_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Sets the deadline of conn's entry to seconds from now (0: none). */
static void set_due(struct MHD_Connection *conn, unsigned seconds)
{
    guard_entry *e = entry_of(conn);
    if (!e)
        return;
    pthread_mutex_lock(&e->guard->lock);
    e->due_ms = seconds ? now_ms() + (int64_t)seconds * 1000 : 0;
    pthread_mutex_unlock(&e->guard->lock);
}

void conn_guard_headers_done(struct MHD_Connection *conn)
{
    set_due(conn, CONN_GUARD_BODY_S);
}

void conn_guard_body_done(struct MHD_Connection *conn)
{
    set_due(conn, 0);
}

void conn_guard_request_done(void *cls, struct MHD_Connection *conn)
{
    const conn_guard *g = cls;
    set_due(conn, g->cfg.header_timeout_s);
}
