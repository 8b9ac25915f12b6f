/*
 * vet.h — checks of a request as libmicrohttpd parsed it, for the HTTP adapter
 * (server.c) only: nothing outside src/http includes this file. Together with
 * server.c and conn_guard.c, vet.c is where <microhttpd.h> is used.
 */
#ifndef QG_HTTP_VET_H
#define QG_HTTP_VET_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

/* True when the n bytes at s hold a control character (0x00-0x1F, 0x7F); a tab counts
 * only when allow_tab is false. */
bool vet_has_ctl(const char *s, size_t n, bool allow_tab);

/* True when the raw (still percent-encoded) URI holds a control character, as a byte
 * or as an escape such as %00 or %0A. */
bool vet_raw_uri_bad(const char *uri);

/* True when the decoded path starts with '/' and holds no control character. */
bool vet_path_ok(const char *url);

/* True when the n bytes at s are a token of RFC 9110 5.6.2 (one or more tchar): what a
 * header name must be. */
bool vet_token_ok(const char *s, size_t n);

/* True when a header name is not a token (a blank before the colon, a control
 * character, a separator), or a value holds a control character other than tab (sizes
 * from libmicrohttpd: a NUL inside the reported length counts too). */
bool vet_headers_bad(struct MHD_Connection *conn);

/* True when the body's framing is ambiguous: two Content-Length headers, two
 * Transfer-Encoding headers, or both kinds. */
bool vet_framing_ambiguous(struct MHD_Connection *conn);

/* True when a Transfer-Encoding is present and is not exactly "chunked" (any case, blanks
 * before it allowed, none after): libmicrohttpd decodes nothing else. */
bool vet_transfer_coding_bad(struct MHD_Connection *conn);

/* True when the request line "METHOD\0URI\0VERSION" in libmicrohttpd's read buffer hides
 * nothing behind a NUL: the method ends right before uri (the raw URI as the URI
 * callback saw it), and uri_end (where that URI's text ended) right before version. */
bool vet_request_line_ok(const char *method, const char *version, const char *uri,
                         const char *uri_end);

/* True when no byte of a header line hides behind a NUL: every byte between the version,
 * the names and the values is one libmicrohttpd 0.9.75's parser wrote or skipped, up to
 * the header block's end (docs/security.md, "HTTP framing: bytes hidden behind a NUL").
 * Call on the first access-handler call, after vet_request_line_ok. */
bool vet_headers_layout_ok(struct MHD_Connection *conn, const char *method,
                           const char *version);

/* True when the request ended with trailer fields (after a chunked body). */
bool vet_has_trailers(struct MHD_Connection *conn);

#endif
