/*
 * vet.c — the checks the HTTP adapter (server.c) makes on a request before any handler
 * sees it: control characters in the URI, path and header values; header names that are
 * not tokens; ambiguous body framing and transfer codings other than chunked; bytes
 * hidden behind a NUL that libmicrohttpd 0.9.75 cut a line at; and trailer fields. Each
 * reads libmicrohttpd's parse of the request and copies nothing.
 */
#include "http/vet.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "http/urlform.h"

/* ---- small checks ------------------------------------------------------------ */

static bool is_ctl(unsigned char c, bool allow_tab)
{
    if (c == '\t')
        return !allow_tab;
    return c < 0x20 || c == 0x7f;
}

bool vet_has_ctl(const char *s, size_t n, bool allow_tab)
{
    for (size_t i = 0; i < n; i++)
        if (is_ctl((unsigned char)s[i], allow_tab))
            return true;
    return false;
}

/* True when the raw (still percent-encoded) URI holds a control character, either
 * as a byte or as an escape such as %00 or %0A. */
bool vet_raw_uri_bad(const char *uri)
{
    for (const char *p = uri; *p; p++) {
        if (is_ctl((unsigned char)*p, false))
            return true;
        if (p[0] == '%' && urlform_hex_value(p[1]) >= 0 && urlform_hex_value(p[2]) >= 0) {
            int c = urlform_hex_value(p[1]) * 16 + urlform_hex_value(p[2]);
            if (is_ctl((unsigned char)c, false))
                return true;
        }
    }
    return false;
}

/* True when the decoded path is acceptable: starts with '/', no control chars. */
bool vet_path_ok(const char *url)
{
    return url && url[0] == '/' && !vet_has_ctl(url, strlen(url), false);
}

/* True for a tchar of RFC 9110 5.6.2: a letter, a digit or one of !#$%&'*+-.^_`|~. */
static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

bool vet_token_ok(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_tchar((unsigned char)s[i]))
            return false;
    return true;
}

/* A name must be a token: libmicrohttpd 0.9.75 cuts the name at the colon and keeps any
 * blank before it ("Transfer-Encoding " is not Transfer-Encoding to a check by name, but
 * a proxy may read it as one; RFC 9112 5.1 wants a 400). */
static enum MHD_Result check_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    bool *bad = cls;
    (void)kind;
    if ((key && !vet_token_ok(key, key_size)) ||
        (value && vet_has_ctl(value, value_size, true))) {
        *bad = true;
        return MHD_NO;
    }
    return MHD_YES;
}

/* Sizes come from libmicrohttpd, so a NUL inside the reported length counts too. */
bool vet_headers_bad(struct MHD_Connection *conn)
{
    bool bad = false;
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, check_value, &bad);
    return bad;
}

typedef struct {
    int content_length;    /* Content-Length headers seen */
    int transfer_encoding; /* Transfer-Encoding headers seen */
} framing_count;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    framing_count *n = cls;
    (void)kind;
    (void)value;
    if (key && strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
        n->content_length++;
    if (key && strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
        n->transfer_encoding++;
    return MHD_YES;
}

/* True when the body's framing is ambiguous: two Content-Length headers (libmicrohttpd
 * takes the first, a proxy in front may take the last), or Transfer-Encoding beside a
 * Content-Length (RFC 9112 6.3: a server may reject it, and must not trust either when
 * a proxy could read it the other way). Either invites request smuggling. */
bool vet_framing_ambiguous(struct MHD_Connection *conn)
{
    framing_count n = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &n);
    return n.content_length > 1 || n.transfer_encoding > 1 ||
           (n.transfer_encoding && n.content_length);
}

/* True when the request has a Transfer-Encoding other than exactly "chunked" (in any
 * case; libmicrohttpd has skipped the blanks before it). libmicrohttpd 0.9.75 decodes
 * only a value that is exactly chunked (a blank after it counts: "chunked " is not); for
 * any other value it would wait for the body until the connection closes, and a proxy
 * could frame the same bytes differently (RFC 9112 6.1: chunked must be the final
 * coding, and a server that does not know a coding answers 501; 400 here, as framing). */
bool vet_transfer_coding_bad(struct MHD_Connection *conn)
{
    const char *v =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    return v && strcasecmp(v, "chunked") != 0;
}

/* ---- bytes hidden behind a NUL -------------------------------------------------
 *
 * libmicrohttpd 0.9.75 parses the request line and the headers in place in its read
 * buffer: each line's CR and LF become NULs, the colon after a name becomes a NUL, and
 * every name and value is then measured with strlen. A NUL inside a line therefore cuts
 * the name or value there, and the bytes after it stay in the buffer unseen. The
 * layout check walks the request line and the headers (MHD_HEADER_KIND, in the order
 * they came, with pointers into that buffer) and requires every byte between them to be
 * one the parser wrote or skipped: one or two NULs for a line end (LF, or CR LF), the
 * colon's NUL and blanks between a name and its value, two to four NULs for the last
 * line end and the empty line, ending exactly at the size of the header block
 * (MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE, counted from the method). Any other byte
 * was behind a NUL, and a name or value outside the block (libmicrohttpd copies a
 * folded header line elsewhere) is refused too: obsolete line folding is not HTTP/1.1
 * any more (RFC 9112 5.2). docs/security.md, "HTTP framing", says why this is sound. */

typedef struct {
    uintptr_t begin;  /* the method: the header block's first byte */
    uintptr_t end;    /* one past the empty line that ends the header block */
    uintptr_t cursor; /* one past the last byte accounted for */
    bool ok;
} layout_walk;

/* True when [from, to) lies inside the header block (from <= to). */
static bool in_block(const layout_walk *w, uintptr_t from, uintptr_t to)
{
    return from >= w->begin && from <= to && to <= w->end;
}

/* True when [from, to) inside the block holds only NULs, at least min and at most max. */
static bool only_nuls(const layout_walk *w, uintptr_t from, uintptr_t to, size_t min,
                      size_t max)
{
    if (!in_block(w, from, to) || to - from < min || to - from > max)
        return false;
    for (const char *p = (const char *)from; (uintptr_t)p < to; p++)
        if (*p != '\0')
            return false;
    return true;
}

/* Accounts for one header line: a line end before its name, the name, the colon's NUL,
 * blanks, the value. */
static enum MHD_Result walk_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    layout_walk *w = cls;
    (void)kind;
    if (!key || !value) {
        w->ok = false;
        return MHD_NO;
    }
    uintptr_t name = (uintptr_t)key, name_end = name + key_size;
    uintptr_t val = (uintptr_t)value, val_end = val + value_size;
    bool ok = only_nuls(w, w->cursor, name, 1, 2) && in_block(w, name, name_end) &&
              in_block(w, name_end + 1, val) && in_block(w, val, val_end) &&
              key[key_size] == '\0';
    for (const char *p = key + key_size + 1; ok && (uintptr_t)p < val; p++)
        ok = *p == ' ' || *p == '\t';
    w->ok = ok;
    w->cursor = val_end;
    return ok ? MHD_YES : MHD_NO;
}

/* True when nothing hides behind a NUL in the request line "METHOD\0URI\0VERSION": the
 * three touch, and neither the method nor the URI (as the URI callback saw it) was cut. */
bool vet_request_line_ok(const char *method, const char *version, const char *uri,
                         const char *uri_end)
{
    if (!method || !version || !uri || !uri_end)
        return false;
    return (uintptr_t)method + strlen(method) + 1 == (uintptr_t)uri &&
           (uintptr_t)uri_end + 1 == (uintptr_t)version;
}

/* True when no byte of a header line hides behind a NUL (see above); the request line
 * has passed vet_request_line_ok. */
bool vet_headers_layout_ok(struct MHD_Connection *conn, const char *method,
                           const char *version)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    if (!ci)
        return false;
    layout_walk w = {.begin = (uintptr_t)method, .ok = true};
    w.end = w.begin + ci->header_size;
    uintptr_t ver = (uintptr_t)version, ver_end = ver + strlen(version);
    if (!in_block(&w, ver, ver_end))
        return false;
    w.cursor = ver_end;
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, walk_header, &w);
    return w.ok && only_nuls(&w, w.cursor, w.end, 2, 4);
}

typedef struct {
    size_t count;
} value_count;

static enum MHD_Result count_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    (void)key;
    (void)value;
    ((value_count *)cls)->count++;
    return MHD_YES;
}

/* True when a chunked body ended with trailer fields: refused as a whole (no browser
 * sends them, and they are parsed like headers, behind the same NUL). */
bool vet_has_trailers(struct MHD_Connection *conn)
{
    value_count n = {0};
    MHD_get_connection_values(conn, MHD_FOOTER_KIND, count_value, &n);
    return n.count > 0;
}

