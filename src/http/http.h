/*
 * http.h — the HTTP server seen by the rest of Qorgau.
 *
 * server.c (with its helpers vet.c and conn_guard.c) is the only place that includes
 * <microhttpd.h>. It accepts a request, caps and collects its body, rejects header
 * values with control characters, and hands a complete http_request to one handler
 * function; the handler fills an http_response. The adapter adds the security headers
 * every answer carries and frees the body. Nothing here knows about JSON routes, sessions or cases.
 */
#ifndef QG_HTTP_H
#define QG_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define HTTP_ADDR_MAX 64
#define HTTP_EXTRA_HEADERS 6
#define HTTP_PER_IP_CONNECTIONS 256  /* open connections per client address (no proxy) */
#define HTTP_MAX_CONNECTIONS 8192    /* open connections in all, at most */
#define HTTP_HEADER_TIMEOUT_S 5      /* a request's headers must be complete within */
#define HTTP_LOG_INTERVAL_S 60       /* connection events are logged this often */

typedef struct {
    const char *method;             /* "GET", "POST", ... */
    const char *path;               /* decoded path without the query string */
    const char *body;               /* NUL-terminated; "" when there is none */
    size_t body_len;
    char client_addr[HTTP_ADDR_MAX]; /* numeric client address, for throttling only:
                                      * the peer's, or X-Forwarded-For's last entry
                                      * when the peer is the trusted proxy */
    void *impl;                     /* adapter-private */
} http_request;

typedef struct {
    char name[40];
    char value[512];
} http_header_pair;

typedef struct {
    int status;               /* defaults to 200 */
    char *body;               /* malloc'ed by the handler; the adapter frees it */
    size_t body_len;
    const char *content_type; /* static string; defaults to application/json */
    http_header_pair extra[HTTP_EXTRA_HEADERS]; /* e.g. Set-Cookie, Retry-After */
    int extra_count;
} http_response;

/* Returns the value of request header name (case-insensitive), or NULL. The string
 * belongs to the request and lives until the handler returns. */
const char *http_header(const http_request *req, const char *name);

/* Returns the decoded value of query parameter name, or NULL. Same lifetime. */
const char *http_query(const http_request *req, const char *name);

/* Returns the value of cookie name, or NULL. Same lifetime. */
const char *http_cookie(const http_request *req, const char *name);

/* Adds a response header. Returns false (and adds nothing) when the table is full,
 * the name is not a token (RFC 9110) or the value holds a control character. */
bool http_add_header(http_response *resp, const char *name, const char *value);

typedef void (*http_handler_fn)(void *ctx, const http_request *req, http_response *resp);

typedef struct {
    const char *bind_addr; /* numeric IPv4 or IPv6, e.g. "127.0.0.1" */
    unsigned port;         /* 0 picks a free port (see http_server_port) */
    unsigned threads;      /* worker threads in the pool */
    size_t max_body;       /* larger bodies are answered 413 without calling handler */
    unsigned timeout_s;    /* idle connection timeout */
    /* Numeric IPv4 or IPv6 address of a reverse proxy, or NULL. Only for connections
     * from exactly this address is the client address taken from the last entry of
     * X-Forwarded-For (when that is a numeric address; otherwise the header is
     * ignored); the header is never believed from anyone else. With a trusted proxy
     * the per-address connection limit (HTTP_PER_IP_CONNECTIONS) is off, since every
     * client then connects from the proxy's address. */
    const char *trusted_proxy;
    unsigned max_connections;  /* open connections in all; 0: HTTP_MAX_CONNECTIONS */
    unsigned header_timeout_s; /* 0: HTTP_HEADER_TIMEOUT_S; counted from the connection's
                                * start, or the end of its previous request */
    unsigned log_interval_s;   /* 0: HTTP_LOG_INTERVAL_S */
} http_config;

typedef struct http_server http_server;

/* Starts serving in background threads; each complete request calls handler(ctx, ...)
 * on a worker thread. On success *out is the running server, stopped and freed with
 * http_server_stop. Fails with QG_EINVAL naming the field when the bind address or
 * the trusted proxy is not a numeric address, and QG_EIO when the address cannot be
 * bound. */
qg_code http_server_start(const http_config *cfg, http_handler_fn handler, void *ctx,
                          http_server **out, qg_error *err);

/* Returns the port the server listens on (useful after asking for port 0). */
unsigned http_server_port(const http_server *srv);

/* Stops accepting, waits for running handlers and frees the server. NULL is allowed. */
void http_server_stop(http_server *srv);

#endif
