/*
 * httpc.h — a tiny HTTP/1.1 client for tests, talking to 127.0.0.1 over TCP.
 *
 * It sends well-formed requests (or raw bytes, for tests of malformed input) and
 * reads one response at a time: status, headers and body (Content-Length, chunked,
 * or up to the close). Connections can be kept alive and reused. Every socket has
 * send and receive timeouts (HTTPC_TIMEOUT_MS) so a test never hangs. Not for
 * production use: it trusts nothing but is built for clarity, not speed.
 */
#ifndef QG_TESTS_HTTPC_H
#define QG_TESTS_HTTPC_H

#include <stdbool.h>
#include <stddef.h>

#define HTTPC_TIMEOUT_MS 10000
#define HTTPC_MAX_HEADERS 64
#define HTTPC_MAX_RESPONSE (64u * 1024u * 1024u)

typedef struct {
    char *name;  /* points into the response's own storage */
    char *value; /* trimmed of surrounding blanks */
} httpc_header_line;

typedef struct {
    int status;                  /* e.g. 200 */
    httpc_header_line headers[HTTPC_MAX_HEADERS];
    size_t header_count;
    char *body;                  /* NUL-terminated; "" when empty */
    size_t body_len;
    char *storage_;              /* private: header text */
} httpc_response;

typedef struct httpc_conn httpc_conn;

/* Opens a TCP connection to 127.0.0.1:port with timeouts set. Returns NULL on
 * failure. The caller closes it with httpc_close. */
httpc_conn *httpc_open(unsigned port);

/* Closes the connection and frees it. NULL is allowed. */
void httpc_close(httpc_conn *c);

/* True once the peer has closed the connection or announced it would (a response
 * with "Connection: close"), or a send or read failed; further requests fail. */
bool httpc_conn_closed(const httpc_conn *c);

/* Sends one request on c and reads its response. headers is a NULL-terminated array
 * of "Name: value" strings, or NULL. When body is not NULL, Content-Length and (unless
 * the caller gave one) Content-Type: application/json are added. Host is always sent.
 * Returns a response the caller frees with httpc_response_free, or NULL when sending
 * or reading failed (e.g. the server closed the connection). */
httpc_response *httpc_request(httpc_conn *c, const char *method, const char *path,
                              const char *const *headers, const char *body,
                              size_t body_len);

/* One-shot: opens a connection, sends one request (as httpc_request), closes.
 * Returns a response the caller frees, or NULL. */
httpc_response *httpc_do(unsigned port, const char *method, const char *path,
                         const char *const *headers, const char *body, size_t body_len);

/* Sends len raw bytes on c as they are and reads one response. Returns a response the
 * caller frees, or NULL when the server answered nothing readable. */
httpc_response *httpc_raw_on(httpc_conn *c, const void *bytes, size_t len);

/* One-shot raw: opens a connection, sends len bytes, reads one response, closes.
 * Returns a response the caller frees, or NULL. */
httpc_response *httpc_raw(unsigned port, const void *bytes, size_t len);

/* Returns the value of the first header called name (case-insensitive), or NULL.
 * The string belongs to r. */
const char *httpc_header(const httpc_response *r, const char *name);

/* Returns the value of the index-th (0-based) header called name, or NULL; use it for
 * headers that repeat, such as Set-Cookie. The string belongs to r. */
const char *httpc_header_at(const httpc_response *r, const char *name, size_t index);

/* Returns the full value of the Set-Cookie header that sets cookie name, attributes
 * included (e.g. "sid=abc; Path=/; HttpOnly"), or NULL. The string belongs to r. */
const char *httpc_set_cookie(const httpc_response *r, const char *name);

/* Copies the value of cookie name set by r (without attributes) into out, which has
 * size bytes. Returns false when there is no such cookie or it does not fit. */
bool httpc_cookie_value(const httpc_response *r, const char *name, char *out,
                        size_t size);

/* Frees a response. NULL is allowed. */
void httpc_response_free(httpc_response *r);

/* Waits until something accepts TCP connections on 127.0.0.1:port, trying every
 * 20 ms. Returns true when it does within timeout_ms. */
bool httpc_wait_port(unsigned port, int timeout_ms);

#endif
