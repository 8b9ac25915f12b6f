/*
 * conn_guard.h — connection deadlines and the counting of connection events for the
 * HTTP adapter (server.c) only: nothing outside src/http includes this file.
 *
 * libmicrohttpd 0.9.75's own timeout counts inactivity only, so a client that trickles
 * a byte every few seconds keeps a connection (and a slot of the connection limit)
 * forever. The guard tracks every connection (MHD_OPTION_NOTIFY_CONNECTION) and a
 * reaper thread shuts down the socket of any connection whose request headers are not
 * complete within the header deadline, counted from the connection's start or from the
 * end of its previous request (keep-alive), or whose body is not complete within
 * CONN_GUARD_BODY_S after its headers. It also stands in for libmicrohttpd's
 * logger: each message template is counted, and once per log interval one line per
 * template says how often it came ("Server reached connection limit" among them),
 * instead of one line per connection.
 */
#ifndef QG_HTTP_CONN_GUARD_H
#define QG_HTTP_CONN_GUARD_H

#include <microhttpd.h>
#include <stdarg.h>

#define CONN_GUARD_BODY_S 60 /* a request body (at most 256 KiB) must arrive within */

typedef struct conn_guard conn_guard;

typedef struct {
    unsigned header_timeout_s; /* request headers must be complete within this */
    unsigned log_interval_s;   /* counted events are logged this often */
    unsigned max_connections;  /* for the log line: the global limit */
    unsigned per_address;      /* for the log line: the per-address limit (0: none) */
} conn_guard_config;

/* Makes a guard and starts its reaper thread. Returns NULL when out of memory or the
 * thread cannot start. */
conn_guard *conn_guard_start(const conn_guard_config *cfg);

/* Stops the reaper, logs the counts not yet logged and frees the guard. Call after the
 * daemon has stopped (no more callbacks). NULL is allowed. */
void conn_guard_stop(conn_guard *g);

/* The MHD_OPTION_NOTIFY_CONNECTION callback (cls: the guard): tracks a connection from
 * MHD_CONNECTION_NOTIFY_STARTED to MHD_CONNECTION_NOTIFY_CLOSED. */
void conn_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode code);

/* The request's headers are complete (first access-handler call): the body's deadline
 * starts. */
void conn_guard_headers_done(struct MHD_Connection *conn);

/* The request's body is complete (last access-handler call): no deadline while it is
 * handled and answered. */
void conn_guard_body_done(struct MHD_Connection *conn);

/* The request is over (MHD_OPTION_NOTIFY_COMPLETED; cls: the guard): the header
 * deadline starts again for the next request on this connection. */
void conn_guard_request_done(void *cls, struct MHD_Connection *conn);

/* The MHD_OPTION_EXTERNAL_LOGGER callback (cls: the guard): counts the message by its
 * template; the arguments (which may be request data) are never printed. */
void conn_guard_log(void *cls, const char *fmt, va_list ap);

#endif
