/*
 * server.c — the libmicrohttpd adapter behind http.h; with its helpers vet.c (checks of
 * a parsed request) and conn_guard.c (connection deadlines and limits), the only place
 * that includes <microhttpd.h>.
 *
 * One request goes through three kinds of access-handler call:
 *   1. the first call (headers parsed): allocate per-request state and vet the request
 *      (path, header values, declared Content-Length). A rejected request is answered
 *      here, which makes libmicrohttpd close the connection afterwards: we never read
 *      or trust the rest of a request we refused. Nothing is reserved for the body
 *      yet: a declared length costs no memory until the data arrives.
 *   2. upload calls: append the body to a buffer that grows (doubling) as data
 *      arrives, capped at max_body. Past the cap the buffer is wiped and dropped, and
 *      further data is discarded (up to DRAIN_MAX, then the connection is cut).
 *   3. the final call (*upload_data_size == 0): call the handler, answer.
 * libmicrohttpd 0.9.75 closes the connection when an answer is queued on the first
 * call, so accepted requests are always answered on the final call (keep-alive).
 *
 * The client address handed to the handler is the peer's, except that when the peer
 * is the configured trusted proxy it is the last entry of X-Forwarded-For (the one
 * that proxy appended), provided that is a numeric address. Each address may hold
 * HTTP_PER_IP_CONNECTIONS connections at once, or any number with a trusted proxy
 * (every client then arrives from the proxy's address).
 *
 * Nothing here logs request data: libmicrohttpd's own messages are counted by their
 * format strings (conn_guard.c) and logged once per interval with their counts, every
 * argument replaced by "?".
 *
 * Floods: at most max_connections connections in all (libmicrohttpd's default would be
 * FD_SETSIZE - 4, though epoll has no such bound), each address at most
 * HTTP_PER_IP_CONNECTIONS of them, and a request's headers must be complete within the
 * header deadline (conn_guard.c reaps the late ones; libmicrohttpd's own timeout counts
 * only silence).
 *
 * Request bodies are wiped before they are freed, and so are response bodies (freed
 * by libmicrohttpd through owned_buf_free once sent).
 */
#include "http/http.h"
#include "http/conn_guard.h"
#include "http/vet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define POOL_BYTES \
    (32u * 1024u) /* per-connection memory: headers, buffers (MHD zeroes it per request) */
#define DRAIN_MAX (1024u * 1024u)         /* excess body bytes discarded before hanging up */
#define BODY_HARD_MAX ((size_t)1 << 30)   /* largest max_body a config may ask for */
#define DEFAULT_TIMEOUT_S 30u
#define MAX_THREADS 1024u
#define BODY_FIRST_CAP 1024u              /* first buffer size when the length is unknown */
#define ERROR_JSON_MAX 320

/* A numeric IPv4 or IPv6 address; an IPv4-mapped IPv6 address is kept as IPv4. */
typedef struct {
    int family; /* AF_INET, AF_INET6, or 0 when unknown */
    unsigned char bytes[16];
} net_addr;

struct http_server {
    struct MHD_Daemon *daemon;
    http_handler_fn handler;
    void *ctx;
    size_t max_body;
    unsigned port;
    net_addr proxy; /* family 0: no trusted proxy */
    conn_guard *guard;
};

typedef enum { REQ_OK = 0, REQ_TOO_LARGE } req_verdict;

typedef struct {
    bool started;        /* the first access-handler call has run */
    bool uri_bad;        /* the raw URI holds a control character */
    const char *uri;     /* the raw URI in libmicrohttpd's read buffer (see on_uri) */
    const char *uri_end; /* where that URI's text ends (its first NUL) */
    req_verdict verdict;
    char *body;     /* NUL-terminated when not NULL */
    size_t len;
    size_t cap;
    size_t dropped; /* bytes discarded after the body went over the cap */
} req_state;

static const char *const security_headers[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Cache-Control", "no-store"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"},
};

#define SECURITY_HEADER_COUNT (sizeof security_headers / sizeof security_headers[0])

/* ---- buffers ----------------------------------------------------------------- */

static void wipe_free(void *p, size_t n)
{
    if (!p)
        return;
    explicit_bzero(p, n);
    free(p);
}

typedef struct {
    void *data;
    size_t len;
} owned_buf;

static void owned_buf_free(void *cls)
{
    owned_buf *b = cls;
    wipe_free(b->data, b->len);
    free(b);
}

static void state_drop_body(req_state *st)
{
    wipe_free(st->body, st->cap);
    st->body = NULL;
    st->len = st->cap = 0;
}

/* Grows st->body to hold at least need bytes (need <= limit), doubling but never
 * past limit; the old buffer is wiped. Keeps the NUL terminator. */
static bool state_reserve(req_state *st, size_t need, size_t limit)
{
    if (need <= st->cap)
        return true;
    size_t cap = st->cap ? st->cap * 2 : BODY_FIRST_CAP;
    if (cap > limit)
        cap = limit;
    if (cap < need)
        cap = need;
    char *p = malloc(cap);
    if (!p)
        return false;
    if (st->body)
        memcpy(p, st->body, st->len);
    p[st->len] = '\0';
    wipe_free(st->body, st->cap);
    st->body = p;
    st->cap = cap;
    return true;
}

/* Appends n bytes; false when the body would pass max (or memory runs out). */
static bool state_append(req_state *st, const char *data, size_t n, size_t max)
{
    if (n > max - st->len)
        return false;
    if (!state_reserve(st, st->len + n + 1, max + 1))
        return false;
    memcpy(st->body + st->len, data, n);
    st->len += n;
    st->body[st->len] = '\0';
    return true;
}

/* ---- answers ----------------------------------------------------------------- */

static bool add_all_headers(struct MHD_Response *r, const http_response *resp)
{
    for (size_t i = 0; i < SECURITY_HEADER_COUNT; i++)
        if (MHD_add_response_header(r, security_headers[i][0], security_headers[i][1]) !=
            MHD_YES)
            return false;
    const char *type = resp->content_type ? resp->content_type
                                          : "application/json; charset=utf-8";
    if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type) != MHD_YES)
        return false;
    int n = resp->extra_count;
    if (n < 0 || n > HTTP_EXTRA_HEADERS)
        return false;
    for (int i = 0; i < n; i++)
        if (MHD_add_response_header(r, resp->extra[i].name, resp->extra[i].value) !=
            MHD_YES)
            return false;
    return true;
}

/* Wraps resp->body (taking ownership) in a libmicrohttpd response; NULL on failure,
 * in which case the body has been freed. */
static struct MHD_Response *make_response(http_response *resp)
{
    char *body = resp->body;
    size_t len = body ? resp->body_len : 0;
    resp->body = NULL;
    if (len == 0) {
        free(body);
        return MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    owned_buf *owner = malloc(sizeof *owner);
    if (!owner) {
        wipe_free(body, len);
        return NULL;
    }
    owner->data = body;
    owner->len = len;
    struct MHD_Response *r =
        MHD_create_response_from_buffer_with_free_callback_cls(len, body, owned_buf_free,
                                                               owner);
    if (!r)
        owned_buf_free(owner);
    return r;
}

/* Queues resp on conn (freeing its body in every case). MHD_NO closes the connection. */
static enum MHD_Result send_answer(struct MHD_Connection *conn, http_response *resp)
{
    int status = resp->status ? resp->status : 200;
    if (status < 100 || status > 599)
        status = 500;
    struct MHD_Response *r = make_response(resp);
    if (!r)
        return MHD_NO;
    enum MHD_Result ok = MHD_NO;
    if (add_all_headers(r, resp))
        ok = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ok;
}

/* Answers with the JSON error body {"error":{"code","message","field","reason"}}. The message
 * and field are constants of this file (no quotes to escape, no request data). */
static enum MHD_Result send_error(struct MHD_Connection *conn, const qg_error *e)
{
    http_response resp = {0};
    resp.status = qg_code_http_status(e->code);
    char *json = malloc(ERROR_JSON_MAX);
    if (!json)
        return MHD_NO;
    int n = snprintf(json, ERROR_JSON_MAX,
                     "{\"error\":{\"code\":\"%s\",\"message\":\"%s\",\"field\":\"%s\","
                     "\"reason\":\"%s\"}}",
                     qg_code_name(e->code), e->message, e->field, qg_error_reason(e));
    if (n < 0 || n >= ERROR_JSON_MAX) {
        free(json);
        return MHD_NO;
    }
    resp.body = json;
    resp.body_len = (size_t)n;
    return send_answer(conn, &resp);
}

static enum MHD_Result send_too_large(struct MHD_Connection *conn, size_t max)
{
    qg_error e;
    qg_fail(&e, QG_ETOOLARGE, "body", "body.too_large", "request body exceeds %zu bytes", max);
    return send_error(conn, &e);
}

static enum MHD_Result send_invalid(struct MHD_Connection *conn, const char *field,
                                    const char *reason, const char *message)
{
    qg_error e;
    qg_fail_at(&e, QG_EINVAL, field, reason, "%s", message);
    return send_error(conn, &e);
}

/* ---- request phases ---------------------------------------------------------- */

/* ---- client addresses -------------------------------------------------------- */

/* True for ::ffff:a.b.c.d (checked byte by byte: bytes need not be aligned). */
static bool v4_mapped(const unsigned char *b)
{
    static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(b, prefix, sizeof prefix) == 0;
}

static void addr_set(net_addr *a, int family, const void *bytes)
{
    memset(a, 0, sizeof *a);
    a->family = family;
    memcpy(a->bytes, bytes, family == AF_INET ? 4 : 16);
    if (family == AF_INET6 && v4_mapped(a->bytes)) {
        a->family = AF_INET;
        memmove(a->bytes, a->bytes + 12, 4);
        memset(a->bytes + 4, 0, 12);
    }
}

/* Parses numeric IPv4 or IPv6 text (nothing else: no names, ports or brackets). */
static bool addr_parse(const char *text, net_addr *out)
{
    unsigned char buf[16];
    if (inet_pton(AF_INET, text, buf) == 1)
        addr_set(out, AF_INET, buf);
    else if (inet_pton(AF_INET6, text, buf) == 1)
        addr_set(out, AF_INET6, buf);
    else
        return false;
    return true;
}

static bool addr_equal(const net_addr *a, const net_addr *b)
{
    return a->family != 0 && a->family == b->family && memcmp(a->bytes, b->bytes, 16) == 0;
}

static void peer_addr(struct MHD_Connection *conn, net_addr *out)
{
    memset(out, 0, sizeof *out);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        addr_set(out, AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr);
    else if (sa->sa_family == AF_INET6)
        addr_set(out, AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
}

static enum MHD_Result keep_forwarded_for(void *cls, enum MHD_ValueKind kind, const char *key,
                                          const char *value)
{
    (void)kind;
    if (key && value && strcasecmp(key, "X-Forwarded-For") == 0)
        *(const char **)cls = value; /* the last such header line wins */
    return MHD_YES;
}

/* The last entry of X-Forwarded-For (the address the proxy itself appended) when it
 * is a numeric address; false otherwise (no header, empty or malformed entry). */
static bool forwarded_client(struct MHD_Connection *conn, net_addr *out)
{
    const char *value = NULL;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, keep_forwarded_for, &value);
    if (!value)
        return false;
    const char *last = strrchr(value, ',');
    last = last ? last + 1 : value;
    last += strspn(last, " \t");
    size_t n = strcspn(last, " \t");
    if (n == 0 || n >= INET6_ADDRSTRLEN || last[n + strspn(last + n, " \t")] != '\0')
        return false;
    char text[INET6_ADDRSTRLEN];
    memcpy(text, last, n);
    text[n] = '\0';
    return addr_parse(text, out);
}

/* Writes the numeric client address as text ("" when unknown): the peer's, or the
 * forwarded one when the peer is the trusted proxy. */
static void client_addr_text(const http_server *srv, struct MHD_Connection *conn, char *out,
                             size_t size)
{
    out[0] = '\0';
    net_addr peer, forwarded;
    peer_addr(conn, &peer);
    if (addr_equal(&peer, &srv->proxy) && forwarded_client(conn, &forwarded))
        peer = forwarded;
    if (peer.family == 0 || !inet_ntop(peer.family, peer.bytes, out, (socklen_t)size))
        out[0] = '\0';
}

/* Parses the declared Content-Length; false when there is none (or it is garbage,
 * which libmicrohttpd has already refused). */
static bool declared_length(struct MHD_Connection *conn, unsigned long long *out)
{
    const char *v =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!v)
        return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (end == v || errno == ERANGE) {
        *out = ULLONG_MAX;
        return true;
    }
    *out = n;
    return true;
}

/* First call: vet the request and set up its state (made by on_uri, or here when on_uri
 * could not). Rejections are answered now. */
static enum MHD_Result begin_request(http_server *srv, struct MHD_Connection *conn,
                                     const char *url, const char *method,
                                     const char *version, void **req_cls)
{
    req_state *st = *req_cls ? *req_cls : calloc(1, sizeof *st);
    if (!st)
        return MHD_NO;
    *req_cls = st;
    st->started = true;
    conn_guard_headers_done(conn);
    if (st->uri_bad || !vet_path_ok(url) ||
        !vet_request_line_ok(method, version, st->uri, st->uri_end))
        return send_invalid(conn, "path", "request.path", "request path is not valid");
    if (vet_headers_bad(conn) || !vet_headers_layout_ok(conn, method, version))
        return send_invalid(conn, "header", "request.header",
                            "request header name or value is not valid");
    if (vet_framing_ambiguous(conn))
        return send_invalid(conn, "header", "request.framing",
                            "the body's length is given twice or in two ways");
    if (vet_transfer_coding_bad(conn))
        return send_invalid(conn, "header", "request.framing",
                            "the body's transfer coding is not chunked");
    unsigned long long declared;
    if (declared_length(conn, &declared) && declared > srv->max_body)
        return send_too_large(conn, srv->max_body);
    return MHD_YES;
}

/* Upload call: keep the data while it fits, otherwise discard it. */
static enum MHD_Result take_upload(http_server *srv, req_state *st, const char *data,
                                   size_t n)
{
    if (st->verdict == REQ_OK && !state_append(st, data, n, srv->max_body)) {
        st->verdict = REQ_TOO_LARGE;
        state_drop_body(st);
    }
    if (st->verdict == REQ_TOO_LARGE) {
        st->dropped += n;
        if (st->dropped > DRAIN_MAX)
            return MHD_NO;
    }
    return MHD_YES;
}

/* Final call: hand the complete request to the handler and answer. */
static enum MHD_Result finish_request(http_server *srv, struct MHD_Connection *conn,
                                      const char *url, const char *method, req_state *st)
{
    conn_guard_body_done(conn);
    if (st->verdict == REQ_TOO_LARGE)
        return send_too_large(conn, srv->max_body);
    if (vet_has_trailers(conn))
        return send_invalid(conn, "header", "request.header",
                            "request trailers are not accepted");
    http_request req = {0};
    req.method = method;
    req.path = url;
    req.body = st->body ? st->body : "";
    req.body_len = st->len;
    req.impl = conn;
    client_addr_text(srv, conn, req.client_addr, sizeof req.client_addr);
    http_response resp = {0};
    srv->handler(srv->ctx, &req, &resp);
    state_drop_body(st);
    return send_answer(conn, &resp);
}

/* ---- libmicrohttpd callbacks ------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    http_server *srv = cls;
    req_state *st = *req_cls;
    if (st == NULL || !st->started)
        return begin_request(srv, conn, url, method, version, req_cls);
    if (*upload_data_size != 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        return take_upload(srv, st, upload_data, n);
    }
    return finish_request(srv, conn, url, method, st);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    http_server *srv = cls;
    (void)toe;
    conn_guard_request_done(srv->guard, conn);
    req_state *st = *req_cls;
    *req_cls = NULL;
    if (!st)
        return;
    state_drop_body(st);
    free(st);
}

/* Called with the raw URI (in libmicrohttpd's read buffer, before it is decoded in
 * place) as soon as the request line is read: makes the request's state and notes where
 * the URI's text ends, which layout_ok compares with where the version starts. NULL when
 * out of memory (begin_request then makes the state, and the request is refused). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    req_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->uri_bad = uri == NULL || vet_raw_uri_bad(uri);
    st->uri = uri;
    st->uri_end = uri ? uri + strlen(uri) : NULL;
    return st;
}

/* ---- public API -------------------------------------------------------------- */

const char *http_header(const http_request *req, const char *name)
{
    if (!req || !req->impl || !name)
        return NULL;
    return MHD_lookup_connection_value(req->impl, MHD_HEADER_KIND, name);
}

const char *http_query(const http_request *req, const char *name)
{
    if (!req || !req->impl || !name)
        return NULL;
    return MHD_lookup_connection_value(req->impl, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_cookie(const http_request *req, const char *name)
{
    if (!req || !req->impl || !name)
        return NULL;
    return MHD_lookup_connection_value(req->impl, MHD_COOKIE_KIND, name);
}

bool http_add_header(http_response *resp, const char *name, const char *value)
{
    if (!resp || !name || !value)
        return false;
    if (resp->extra_count < 0 || resp->extra_count >= HTTP_EXTRA_HEADERS)
        return false;
    size_t nlen = strlen(name), vlen = strlen(value);
    http_header_pair *slot = &resp->extra[resp->extra_count];
    if (nlen >= sizeof slot->name || vlen >= sizeof slot->value)
        return false;
    if (!vet_token_ok(name, nlen) || vet_has_ctl(value, vlen, false))
        return false;
    memcpy(slot->name, name, nlen + 1);
    memcpy(slot->value, value, vlen + 1);
    resp->extra_count++;
    return true;
}

typedef union {
    struct sockaddr sa;
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
} bind_addr;

/* Fills addr from numeric text and port; false when the text is not an address. */
static bool parse_bind(const char *text, unsigned port, bind_addr *addr, bool *v6)
{
    memset(addr, 0, sizeof *addr);
    *v6 = false;
    if (!text || port > 65535)
        return false;
    if (inet_pton(AF_INET, text, &addr->v4.sin_addr) == 1) {
        addr->v4.sin_family = AF_INET;
        addr->v4.sin_port = htons((uint16_t)port);
        return true;
    }
    if (inet_pton(AF_INET6, text, &addr->v6.sin6_addr) == 1) {
        addr->v6.sin6_family = AF_INET6;
        addr->v6.sin6_port = htons((uint16_t)port);
        *v6 = true;
        return true;
    }
    return false;
}

static qg_code check_config(const http_config *cfg, http_handler_fn handler,
                            qg_error *err)
{
    if (!cfg || !handler)
        return qg_fail(err, QG_EINVAL, "config", "config.missing", "server configuration missing");
    if (cfg->max_body > BODY_HARD_MAX)
        return qg_fail(err, QG_EINVAL, "max_body", "config.max_body", "max_body over %zu bytes",
                       BODY_HARD_MAX);
    if (cfg->threads > MAX_THREADS)
        return qg_fail(err, QG_EINVAL, "threads", "config.threads", "more than %u threads",
                       MAX_THREADS);
    net_addr proxy;
    if (cfg->trusted_proxy && !addr_parse(cfg->trusted_proxy, &proxy))
        return qg_fail(err, QG_EINVAL, "trusted_proxy", "config.address",
                       "not a numeric IPv4 or IPv6 address");
    return QG_OK;
}

/* Behind a trusted proxy every client comes from the proxy's address: no limit then. */
static unsigned per_address_limit(const http_server *srv)
{
    return srv->proxy.family ? 0u : HTTP_PER_IP_CONNECTIONS;
}

static struct MHD_Daemon *start_daemon(http_server *srv, const http_config *cfg,
                                       const bind_addr *addr, bool v6)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
#ifdef __linux__
    flags |= MHD_USE_EPOLL;
#else
    flags |= MHD_USE_AUTO;
#endif
    if (v6)
        flags |= MHD_USE_IPv6;
    unsigned threads = cfg->threads ? cfg->threads : 1;
    unsigned timeout = cfg->timeout_s ? cfg->timeout_s : DEFAULT_TIMEOUT_S;
    unsigned per_ip = per_address_limit(srv);
    unsigned limit = cfg->max_connections ? cfg->max_connections : HTTP_MAX_CONNECTIONS;
    /* A pool of one thread draws a warning: then the array stays empty. */
    struct MHD_OptionItem pool[] = {
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads,
         NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    /* The logger must come first or libmicrohttpd logs earlier options itself. */
    return MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, srv,
        MHD_OPTION_EXTERNAL_LOGGER, conn_guard_log, srv->guard,
        MHD_OPTION_NOTIFY_CONNECTION, conn_guard_notify, srv->guard,
        MHD_OPTION_CONNECTION_LIMIT, limit,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr->sa,
        MHD_OPTION_ARRAY, pool,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_BYTES,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
        MHD_OPTION_STRICT_FOR_CLIENT, 1,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_END);
}

qg_code http_server_start(const http_config *cfg, http_handler_fn handler, void *ctx,
                          http_server **out, qg_error *err)
{
    *out = NULL;
    qg_code rc = check_config(cfg, handler, err);
    if (rc != QG_OK)
        return rc;
    bind_addr addr;
    bool v6;
    if (!parse_bind(cfg->bind_addr, cfg->port, &addr, &v6))
        return qg_fail(err, QG_EINVAL, "bind_addr", "config.address",
                       "not a numeric address and port");
    http_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    srv->handler = handler;
    srv->ctx = ctx;
    srv->max_body = cfg->max_body;
    if (cfg->trusted_proxy)
        addr_parse(cfg->trusted_proxy, &srv->proxy); /* checked by check_config */
    conn_guard_config gc = {
        .header_timeout_s = cfg->header_timeout_s ? cfg->header_timeout_s
                                                  : HTTP_HEADER_TIMEOUT_S,
        .log_interval_s = cfg->log_interval_s ? cfg->log_interval_s : HTTP_LOG_INTERVAL_S,
        .max_connections = cfg->max_connections ? cfg->max_connections
                                                : HTTP_MAX_CONNECTIONS,
        .per_address = per_address_limit(srv)};
    srv->guard = conn_guard_start(&gc);
    srv->daemon = srv->guard ? start_daemon(srv, cfg, &addr, v6) : NULL;
    if (!srv->daemon) {
        conn_guard_stop(srv->guard);
        free(srv);
        return qg_fail(err, QG_EIO, "bind_addr", "server.listen_failed",
                       "cannot listen on the address");
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : cfg->port;
    *out = srv;
    return QG_OK;
}

unsigned http_server_port(const http_server *srv)
{
    return srv ? srv->port : 0;
}

void http_server_stop(http_server *srv)
{
    if (!srv)
        return;
    MHD_stop_daemon(srv->daemon);
    conn_guard_stop(srv->guard);
    free(srv);
}
