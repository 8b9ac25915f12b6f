/*
 * httpc.c — the tiny HTTP/1.1 test client (see httpc.h): TCP to 127.0.0.1, request
 * writing, and response reading with Content-Length, chunked, or read-to-close bodies.
 */
#include "support/httpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK 16384

struct httpc_conn {
    int fd;
    unsigned port;
    bool closed;
    char *buf;  /* bytes received and not yet consumed */
    size_t len;
    size_t cap;
};

/* A growable byte buffer, always NUL-terminated when p is not NULL. */
typedef struct {
    char *p;
    size_t len;
    size_t cap;
} gbuf;

static bool gbuf_add(gbuf *b, const void *data, size_t n)
{
    if (n > HTTPC_MAX_RESPONSE || b->len > HTTPC_MAX_RESPONSE - n)
        return false;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return false;
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return true;
}

static bool gbuf_str(gbuf *b, const char *s)
{
    return gbuf_add(b, s, strlen(s));
}

/* ---- sockets ------------------------------------------------------------------ */

static void set_timeouts(int fd)
{
    struct timeval tv = {HTTPC_TIMEOUT_MS / 1000, (HTTPC_TIMEOUT_MS % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static int connect_local(unsigned port)
{
    if (port == 0 || port > 65535)
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    set_timeouts(fd);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool send_all(httpc_conn *c, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t k = send(c->fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            c->closed = true;
            return false;
        }
        p += k;
        n -= (size_t)k;
    }
    return true;
}

/* Receives more bytes into c->buf. Returns >0 on data, 0 at end of stream, -1 on
 * error, timeout, or when the response grows past HTTPC_MAX_RESPONSE. */
static ssize_t fill(httpc_conn *c)
{
    if (c->len >= HTTPC_MAX_RESPONSE)
        return -1;
    if (c->cap - c->len < READ_CHUNK) {
        size_t cap = c->len + READ_CHUNK;
        char *p = realloc(c->buf, cap);
        if (!p)
            return -1;
        c->buf = p;
        c->cap = cap;
    }
    ssize_t k;
    do
        k = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
    while (k < 0 && errno == EINTR);
    if (k <= 0) {
        c->closed = true;
        return k < 0 ? -1 : 0;
    }
    c->len += (size_t)k;
    return k;
}

static void consume(httpc_conn *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
}

/* Returns the offset of needle in the first len bytes of hay, or -1. */
static long find(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return (long)i;
    return -1;
}

/* Waits until c->buf holds at least n bytes. */
static bool ensure(httpc_conn *c, size_t n)
{
    while (c->len < n)
        if (fill(c) <= 0)
            return false;
    return true;
}

/* Waits until c->buf holds needle; returns its offset or -1. */
static long ensure_find(httpc_conn *c, const char *needle)
{
    for (;;) {
        long at = find(c->buf ? c->buf : "", c->len, needle);
        if (at >= 0)
            return at;
        if (fill(c) <= 0)
            return -1;
    }
}

/* ---- response parsing --------------------------------------------------------- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Splits the head text (status line and headers, lines ended by CRLF) into r. */
static bool parse_head(httpc_response *r, char *text)
{
    char *line = text;
    char *eol = strstr(line, "\r\n");
    if (!eol || strncmp(line, "HTTP/1.", 7) != 0 || eol - line < 12)
        return false;
    *eol = '\0';
    char *end;
    long status = strtol(line + 9, &end, 10);
    if (end != line + 12 || status < 100 || status > 999)
        return false;
    r->status = (int)status;
    for (line = eol + 2; *line; line = eol + 2) {
        eol = strstr(line, "\r\n");
        if (!eol)
            return false;
        *eol = '\0';
        char *colon = strchr(line, ':');
        if (!colon || r->header_count >= HTTPC_MAX_HEADERS)
            return false;
        *colon = '\0';
        r->headers[r->header_count].name = line;
        r->headers[r->header_count].value = trim(colon + 1);
        r->header_count++;
    }
    return true;
}

static bool read_fixed_body(httpc_conn *c, size_t n, gbuf *body)
{
    if (n > HTTPC_MAX_RESPONSE || !ensure(c, n))
        return false;
    bool ok = gbuf_add(body, c->buf, n);
    consume(c, n);
    return ok;
}

/* Reads chunks up to the last one and skips any trailers. */
static bool read_chunked_body(httpc_conn *c, gbuf *body)
{
    for (;;) {
        long eol = ensure_find(c, "\r\n");
        if (eol < 0)
            return false;
        char *end;
        unsigned long size = strtoul(c->buf, &end, 16);
        if (end == c->buf)
            return false;
        consume(c, (size_t)eol + 2);
        if (size == 0)
            break;
        if (size > HTTPC_MAX_RESPONSE || !read_fixed_body(c, size, body) || !ensure(c, 2))
            return false;
        if (memcmp(c->buf, "\r\n", 2) != 0)
            return false;
        consume(c, 2);
    }
    for (;;) { /* trailers end with an empty line */
        long eol = ensure_find(c, "\r\n");
        if (eol < 0)
            return false;
        consume(c, (size_t)eol + 2);
        if (eol == 0)
            return true;
    }
}

static bool read_to_close(httpc_conn *c, gbuf *body)
{
    ssize_t k;
    while ((k = fill(c)) > 0)
        ;
    if (k < 0)
        return false;
    bool ok = gbuf_add(body, c->buf ? c->buf : "", c->len);
    consume(c, c->len);
    return ok;
}

static bool has_token(const char *value, const char *token)
{
    size_t n = strlen(token);
    for (const char *p = value; p && *p; p++)
        if (strncasecmp(p, token, n) == 0)
            return true;
    return false;
}

static bool read_body(httpc_conn *c, httpc_response *r, bool head_request, gbuf *body)
{
    if (head_request || r->status == 204 || r->status == 304)
        return gbuf_add(body, "", 0);
    const char *te = httpc_header(r, "Transfer-Encoding");
    if (te && has_token(te, "chunked"))
        return read_chunked_body(c, body);
    const char *cl = httpc_header(r, "Content-Length");
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (end == cl || *end || errno)
            return false;
        return gbuf_add(body, "", 0) && read_fixed_body(c, (size_t)n, body);
    }
    return read_to_close(c, body);
}

/* Reads the next non-1xx response head from c. Returns NULL on failure. */
static httpc_response *read_head(httpc_conn *c)
{
    for (;;) {
        long at = ensure_find(c, "\r\n\r\n");
        if (at < 0)
            return NULL;
        httpc_response *r = calloc(1, sizeof *r);
        if (!r)
            return NULL;
        r->storage_ = malloc((size_t)at + 3);
        if (!r->storage_) {
            free(r);
            return NULL;
        }
        memcpy(r->storage_, c->buf, (size_t)at + 2);
        r->storage_[at + 2] = '\0';
        consume(c, (size_t)at + 4);
        if (!parse_head(r, r->storage_)) {
            httpc_response_free(r);
            return NULL;
        }
        if (r->status >= 200 || r->status == 101)
            return r;
        httpc_response_free(r); /* 100 Continue and friends */
    }
}

static httpc_response *read_response(httpc_conn *c, bool head_request)
{
    httpc_response *r = read_head(c);
    if (!r)
        return NULL;
    gbuf body = {0};
    if (!read_body(c, r, head_request, &body) || !gbuf_add(&body, "", 0)) {
        free(body.p);
        httpc_response_free(r);
        return NULL;
    }
    r->body = body.p;
    r->body_len = body.len;
    const char *conn = httpc_header(r, "Connection");
    if (conn && has_token(conn, "close"))
        c->closed = true;
    return r;
}

/* ---- public API --------------------------------------------------------------- */

httpc_conn *httpc_open(unsigned port)
{
    int fd = connect_local(port);
    if (fd < 0)
        return NULL;
    httpc_conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return NULL;
    }
    c->fd = fd;
    c->port = port;
    return c;
}

void httpc_close(httpc_conn *c)
{
    if (!c)
        return;
    close(c->fd);
    free(c->buf);
    free(c);
}

bool httpc_conn_closed(const httpc_conn *c)
{
    return !c || c->closed;
}

static bool caller_sets(const char *const *headers, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; headers && headers[i]; i++)
        if (strncasecmp(headers[i], name, n) == 0 && headers[i][n] == ':')
            return true;
    return false;
}

static bool build_request(gbuf *b, unsigned port, const char *method, const char *path,
                          const char *const *headers, const char *body, size_t body_len)
{
    char line[128];
    bool ok = gbuf_str(b, method) && gbuf_str(b, " ") && gbuf_str(b, path) &&
              gbuf_str(b, " HTTP/1.1\r\n");
    snprintf(line, sizeof line, "Host: 127.0.0.1:%u\r\n", port);
    ok = ok && gbuf_str(b, line);
    for (size_t i = 0; headers && headers[i]; i++)
        ok = ok && gbuf_str(b, headers[i]) && gbuf_str(b, "\r\n");
    if (body) {
        if (!caller_sets(headers, "Content-Type"))
            ok = ok && gbuf_str(b, "Content-Type: application/json\r\n");
        snprintf(line, sizeof line, "Content-Length: %zu\r\n", body_len);
        ok = ok && gbuf_str(b, line);
    }
    ok = ok && gbuf_str(b, "\r\n");
    return ok && (!body || gbuf_add(b, body, body_len));
}

httpc_response *httpc_request(httpc_conn *c, const char *method, const char *path,
                              const char *const *headers, const char *body,
                              size_t body_len)
{
    if (!c || c->closed)
        return NULL;
    gbuf req = {0};
    httpc_response *r = NULL;
    if (build_request(&req, c->port, method, path, headers, body, body_len) &&
        send_all(c, req.p, req.len))
        r = read_response(c, strcmp(method, "HEAD") == 0);
    free(req.p);
    return r;
}

httpc_response *httpc_do(unsigned port, const char *method, const char *path,
                         const char *const *headers, const char *body, size_t body_len)
{
    httpc_conn *c = httpc_open(port);
    httpc_response *r = httpc_request(c, method, path, headers, body, body_len);
    httpc_close(c);
    return r;
}

httpc_response *httpc_raw_on(httpc_conn *c, const void *bytes, size_t len)
{
    if (!c || !send_all(c, bytes, len))
        return NULL;
    return read_response(c, false);
}

httpc_response *httpc_raw(unsigned port, const void *bytes, size_t len)
{
    httpc_conn *c = httpc_open(port);
    httpc_response *r = httpc_raw_on(c, bytes, len);
    httpc_close(c);
    return r;
}

const char *httpc_header_at(const httpc_response *r, const char *name, size_t index)
{
    for (size_t i = 0; r && i < r->header_count; i++)
        if (strcasecmp(r->headers[i].name, name) == 0 && index-- == 0)
            return r->headers[i].value;
    return NULL;
}

const char *httpc_header(const httpc_response *r, const char *name)
{
    return httpc_header_at(r, name, 0);
}

const char *httpc_set_cookie(const httpc_response *r, const char *name)
{
    size_t n = strlen(name);
    const char *v;
    for (size_t i = 0; (v = httpc_header_at(r, "Set-Cookie", i)) != NULL; i++)
        if (strncmp(v, name, n) == 0 && v[n] == '=')
            return v;
    return NULL;
}

bool httpc_cookie_value(const httpc_response *r, const char *name, char *out,
                        size_t size)
{
    const char *v = httpc_set_cookie(r, name);
    if (!v || size == 0)
        return false;
    v += strlen(name) + 1;
    size_t n = strcspn(v, ";");
    if (n >= size)
        return false;
    memcpy(out, v, n);
    out[n] = '\0';
    return true;
}

void httpc_response_free(httpc_response *r)
{
    if (!r)
        return;
    free(r->storage_);
    free(r->body);
    free(r);
}

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - since->tv_sec) * 1000 +
           (now.tv_nsec - since->tv_nsec) / 1000000;
}

bool httpc_wait_port(unsigned port, int timeout_ms)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int fd = connect_local(port);
        if (fd >= 0) {
            close(fd);
            return true;
        }
        if (elapsed_ms(&start) >= timeout_ms)
            return false;
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}
