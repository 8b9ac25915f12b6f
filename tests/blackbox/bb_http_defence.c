/* bb_http_defence.c — black-box tests of the HTTP server's own defences, against the real
 * `qorgau serve` over raw sockets:
 *   - a NUL (or any other control character) in the request line, a header name or a
 *     header value is refused with 400, even where libmicrohttpd cuts the value at the
 *     NUL and reports only what came before it (`X-CSRF-Token: <token>\0JUNK`); folded
 *     header lines and request trailers are refused too; tabs and spaces in values,
 *     bare LF line ends and empty values still pass.
 * One server serves every test that needs no options of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/bbhelp.h"
#include "support/qgtest.h"

#define PASSWORD "defence-password-1"
#define HEALTH "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"

static struct {
    qgt_env env;
    qgt_session sup;
} fx;

/* Fails the test unless r is a 400 whose error has the given reason. Frees r. */
static void expect_refused(httpc_response *r, const char *reason, const char *what)
{
    json_t *j = qgt_json(r);
    const char *got = json_string_value(json_object_get(json_object_get(j, "error"), "reason"));
    if (!r || r->status != 400 || !got || strcmp(got, reason) != 0)
        fail_msg("%s: status %d, reason %s (want 400 %s)", what, r ? r->status : -1,
                 got ? got : "(none)", reason);
    json_decref(j);
    httpc_response_free(r);
}

typedef struct {
    const char *what;
    const char *bytes;
    size_t len; /* the bytes hold NULs: strlen would stop early */
    const char *reason;
} raw_probe;

#define PROBE(what, text, reason) {what, text, sizeof text - 1, reason}

/* Each hides bytes behind a NUL or carries another control character. */
static const raw_probe refused[] = {
    PROBE("NUL inside a value", HEALTH "X-Note: a\0JUNK\r\nX-Last: b\r\n\r\n", "request.header"),
    PROBE("NUL inside the last value", HEALTH "X-Note: a\0JUNK\r\n\r\n", "request.header"),
    PROBE("NUL before CR LF", HEALTH "X-Note: a\0\r\n\r\n", "request.header"),
    PROBE("two NULs then bytes", HEALTH "X-Note: a\0\0JUNK\r\n\r\n", "request.header"),
    PROBE("NUL as the whole value", HEALTH "X-Note:\0JUNK\r\n\r\n", "request.header"),
    PROBE("NUL starting a line", HEALTH "\0X-Note: a\r\n\r\n", "request.header"),
    PROBE("NUL inside a name", HEALTH "X-No\0te: a\r\n\r\n", NULL),
    PROBE("NUL inside the path", "GET /api/v1/health\0JUNK HTTP/1.1\r\nHost: h\r\n\r\n",
          "request.path"),
    PROBE("NUL inside the method", "GE\0T /api/v1/health HTTP/1.1\r\nHost: h\r\n\r\n",
          "request.path"),
    PROBE("folded line", HEALTH "X-Note: a\r\n  folded\r\n\r\n", "request.header"),
    PROBE("\\x01 in a name", HEALTH "X-No\x01te: a\r\n\r\n", "request.header"),
    PROBE("\\x7f in a name", HEALTH "X-No\x7fte: a\r\n\r\n", "request.header"),
    PROBE("\\x01 in a value", HEALTH "X-Note: a\x01" "b\r\n\r\n", "request.header"),
    PROBE("\\x7f in a value", HEALTH "X-Note: a\x7f" "b\r\n\r\n", "request.header"),
    PROBE("lone CR in a value", HEALTH "X-Note: a\rX-Other: b\r\n\r\n", "request.header"),
    PROBE("NUL before a body",
          "POST /api/v1/session HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
          "Content-Length: 2\r\nX-Note: a\0\0JUNK\r\n\r\n{}",
          "request.header"),
    PROBE("trailer after a chunked body",
          "POST /api/v1/session HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
          "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Note: a\r\n\r\n",
          "request.header"),
};

/* Ordinary requests, some with what the check must not mistake for a hidden byte. */
static const raw_probe accepted[] = {
    PROBE("tabs and spaces in a value", HEALTH "X-Note: a\tb c  \r\nX-Last: d\r\n\r\n", NULL),
    PROBE("bare LF line ends", "GET /api/v1/health HTTP/1.1\nHost: h\nX-Note: a\tb\n\n", NULL),
    PROBE("empty values", HEALTH "X-Empty:\r\nX-Blank: \t \r\n\r\n", NULL),
    PROBE("no headers", "GET /api/v1/health HTTP/1.0\r\n\r\n", NULL),
    PROBE("query string", "GET /api/v1/health?a=1&b&c=%41 HTTP/1.1\r\nHost: h\r\n\r\n", NULL),
    PROBE("cookies", HEALTH "Cookie: a=1; b=2\r\nX-Last: d\r\n\r\n", NULL),
};

static void test_control_characters_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        httpc_response *r = httpc_raw(fx.env.port, refused[i].bytes, refused[i].len);
        if (!refused[i].reason) { /* libmicrohttpd refuses it before we see it */
            if (!r || r->status != 400)
                fail_msg("%s: status %d (want 400)", refused[i].what, r ? r->status : -1);
            httpc_response_free(r);
            continue;
        }
        expect_refused(r, refused[i].reason, refused[i].what);
    }
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        int status = qgt_status(httpc_raw(fx.env.port, accepted[i].bytes, accepted[i].len));
        if (status != 200)
            fail_msg("%s: status %d (want 200)", accepted[i].what, status);
    }
}

/* A large header that arrives in pieces (the read buffer grows under it) still passes,
 * and so do requests pipelined on one connection; a NUL on that connection is refused. */
static void test_large_and_pipelined_requests_pass(void **state)
{
    (void)state;
    size_t big = 12000;
    char *req = malloc(big + 128);
    assert_non_null(req);
    int n = snprintf(req, 128, HEALTH "X-Big: ");
    memset(req + n, 'b', big);
    memcpy(req + n + big, "\r\n\r\n", 4);
    assert_int_equal(qgt_status(httpc_raw(fx.env.port, req, (size_t)n + big + 4)), 200);
    free(req);
    httpc_conn *c = httpc_open(fx.env.port);
    assert_non_null(c);
    for (int i = 0; i < 3; i++)
        assert_int_equal(qgt_status(httpc_raw_on(c, HEALTH "\r\n", sizeof HEALTH + 1)), 200);
    static const char nul[] = HEALTH "X-Note: a\0b\r\n\r\n";
    expect_refused(httpc_raw_on(c, nul, sizeof nul - 1), "request.header", "keep-alive NUL");
    httpc_close(c);
}

/* The reported case: a valid CSRF token followed by a NUL and junk is refused (and does
 * nothing); the same token alone works. */
static void test_csrf_token_with_nul_refused(void **state)
{
    (void)state;
    char req[512];
    int n = snprintf(req, sizeof req,
                     "DELETE /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
                     "X-CSRF-Token: %s",
                     fx.sup.cookie, fx.sup.csrf);
    assert_true(n > 0 && (size_t)n + 32 < sizeof req);
    memcpy(req + n, "\0JUNK\r\n\r\n", 9);
    expect_refused(httpc_raw(fx.env.port, req, (size_t)n + 9), "request.header", "CSRF NUL");
    assert_int_equal(qgt_send(&fx.env, &fx.sup, "GET", "/api/v1/session", NULL, NULL), 200);
    memcpy(req + n, "\r\n\r\n", 4);
    int status = qgt_status(httpc_raw(fx.env.port, req, (size_t)n + 4));
    assert_true(status == 200 || status == 204);
}

static int group_setup(void **state)
{
    (void)state;
    qgt_main_env();
    memset(&fx, 0, sizeof fx);
    if (!qgt_env_init(&fx.env))
        return -1;
    int64_t org = qgt_org(&fx.env, "Defence NGO", "ngo", "almaty");
    if (org <= 0 || qgt_user(&fx.env, org, "def.sup", "supervisor", PASSWORD) <= 0)
        return -1;
    if (!qgt_server_start(&fx.env, NULL))
        return -1;
    return qgt_login(&fx.env, "def.sup", PASSWORD, &fx.sup) == 201 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    int status = qgt_server_stop(&fx.env);
    if (status != 0) {
        char *log = qgt_read_file(fx.env.log, NULL);
        fprintf(stderr, "server log:\n%s\n", log ? log : "(none)");
        free(log);
    }
    qgt_env_free(&fx.env);
    return status == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_control_characters_refused),
        cmocka_unit_test(test_large_and_pipelined_requests_pass),
        cmocka_unit_test(test_csrf_token_with_nul_refused),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
