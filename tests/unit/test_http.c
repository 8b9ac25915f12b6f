/* test_http.c — unit tests of src/http/server.c through tests/support/httpc: request
 * delivery, keep-alive, body caps (413), no memory reserved for a merely declared
 * body, control-character rejection (400), security and extra headers,
 * http_add_header checks, many concurrent clients, the per-address connection limit,
 * and the client address taken from X-Forwarded-For only behind a trusted proxy. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/http.h"
#include "support/httpc.h"

#define MAX_BODY 1024
#define CLIENT_THREADS 4
#define REQUESTS_PER_THREAD 50

static http_server *server;
static unsigned port;
static atomic_int handler_calls;

/* ---- the toy handler -------------------------------------------------------- */

static unsigned body_sum(const char *body, size_t len)
{
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = sum * 31u + (unsigned char)body[i];
    return sum;
}

static const char *or_dash(const char *s)
{
    return s ? s : "-";
}

/* Answers every request with a JSON echo of what the adapter delivered. /cookie adds a
 * Set-Cookie and Retry-After and answers 201; /plain answers text/plain. */
static void toy_handler(void *ctx, const http_request *req, http_response *resp)
{
    (void)ctx;
    atomic_fetch_add(&handler_calls, 1);
    if (strcmp(req->path, "/cookie") == 0) {
        resp->status = 201;
        http_add_header(resp, "Set-Cookie", "sid=abc123; Path=/; HttpOnly; SameSite=Strict");
        http_add_header(resp, "Retry-After", "5");
    } else if (strcmp(req->path, "/plain") == 0) {
        resp->content_type = "text/plain; charset=utf-8";
    }
    http_add_header(resp, "X-Echo-Method", req->method);
    bool terminated = req->body[req->body_len] == '\0' && strlen(req->body) == req->body_len;
    size_t cap = 1024;
    resp->body = malloc(cap);
    if (!resp->body)
        return;
    int n = snprintf(resp->body, cap,
                     "{\"method\":\"%s\",\"path\":\"%s\",\"body_len\":%zu,\"nul\":%s,"
                     "\"sum\":%u,\"q\":\"%s\",\"sid\":\"%s\",\"x\":\"%s\",\"client\":\"%s\"}",
                     req->method, req->path, req->body_len, terminated ? "true" : "false",
                     body_sum(req->body, req->body_len), or_dash(http_query(req, "q")),
                     or_dash(http_cookie(req, "sid")), or_dash(http_header(req, "X-Test")),
                     req->client_addr);
    resp->body_len = (n > 0 && (size_t)n < cap) ? (size_t)n : 0;
}

static int start_server(void **state)
{
    (void)state;
    http_config cfg = {"127.0.0.1", 0, 4, MAX_BODY, 10};
    qg_error err;
    if (http_server_start(&cfg, toy_handler, NULL, &server, &err) != QG_OK)
        return -1;
    port = http_server_port(server);
    return (port > 0 && httpc_wait_port(port, 2000)) ? 0 : -1;
}

static int stop_server(void **state)
{
    (void)state;
    http_server_stop(server);
    server = NULL;
    return 0;
}

/* ---- helpers ---------------------------------------------------------------- */

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, hay ? hay : "(null)");
}

/* Checks an error answer: status, JSON code and field. */
static void assert_error(const httpc_response *r, int status, const char *code,
                         const char *field)
{
    char want[128];
    assert_non_null(r);
    assert_int_equal(r->status, status);
    snprintf(want, sizeof want, "\"code\":\"%s\"", code);
    assert_contains(r->body, want);
    snprintf(want, sizeof want, "\"field\":\"%s\"", field);
    assert_contains(r->body, want);
}

static void assert_security_headers(const httpc_response *r)
{
    assert_string_equal(httpc_header(r, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(httpc_header(r, "Cache-Control"), "no-store");
    assert_string_equal(httpc_header(r, "Referrer-Policy"), "no-referrer");
    assert_string_equal(httpc_header(r, "X-Frame-Options"), "DENY");
    assert_string_equal(httpc_header(r, "Content-Security-Policy"),
                        "default-src 'self'; script-src 'self'; style-src 'self'; "
                        "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                        "frame-ancestors 'none'; form-action 'self'");
}

static httpc_response *raw_text(const char *text)
{
    return httpc_raw(port, text, strlen(text));
}

/* Sends a raw request and expects a 400 "invalid" for field, handler not called. */
static void expect_raw_invalid(const void *bytes, size_t len, const char *field)
{
    int before = atomic_load(&handler_calls);
    httpc_response *r = httpc_raw(port, bytes, len);
    assert_error(r, 400, "invalid", field);
    assert_security_headers(r);
    assert_string_equal(httpc_header(r, "Connection"), "close"); /* never trusted further */
    assert_int_equal(atomic_load(&handler_calls), before);
    httpc_response_free(r);
}

/* Builds a chunked POST of `chunks` chunks of `size` bytes 'a' into a malloc'ed
 * buffer; *len gets its length. */
static char *chunked_request(size_t chunks, size_t size, size_t *len)
{
    const char *head = "POST /chunk HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    size_t cap = strlen(head) + chunks * (size + 16) + 8;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n = strlen(head);
    memcpy(buf, head, n);
    for (size_t i = 0; i < chunks; i++) {
        n += (size_t)snprintf(buf + n, cap - n, "%zx\r\n", size);
        memset(buf + n, 'a', size);
        n += size;
        memcpy(buf + n, "\r\n", 2);
        n += 2;
    }
    memcpy(buf + n, "0\r\n\r\n", 5);
    *len = n + 5;
    return buf;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_get_delivers_request(void **state)
{
    (void)state;
    const char *headers[] = {"Cookie: theme=dark; sid=s3cr3t", "X-Test: hello", NULL};
    httpc_response *r = httpc_do(port, "GET", "/hello/world?q=a%20b&z=1", headers, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_contains(r->body, "\"method\":\"GET\"");
    assert_contains(r->body, "\"path\":\"/hello/world\"");
    assert_contains(r->body, "\"body_len\":0");
    assert_contains(r->body, "\"nul\":true");
    assert_contains(r->body, "\"q\":\"a b\"");
    assert_contains(r->body, "\"sid\":\"s3cr3t\"");
    assert_contains(r->body, "\"x\":\"hello\"");
    assert_contains(r->body, "\"client\":\"127.0.0.1\"");
    assert_string_equal(httpc_header(r, "Content-Type"), "application/json; charset=utf-8");
    httpc_response_free(r);
}

static void test_post_body_delivered(void **state)
{
    (void)state;
    const char *body = "{\"name\":\"x\",\"n\":[1,2,3]}";
    char want[64];
    snprintf(want, sizeof want, "\"sum\":%u", body_sum(body, strlen(body)));
    httpc_response *r = httpc_do(port, "POST", "/p", NULL, body, strlen(body));
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_contains(r->body, "\"body_len\":24");
    assert_contains(r->body, "\"nul\":true");
    assert_contains(r->body, want);
    httpc_response_free(r);
}

static void test_body_of_exactly_max_accepted(void **state)
{
    (void)state;
    char *body = malloc(MAX_BODY);
    assert_non_null(body);
    memset(body, 'b', MAX_BODY);
    httpc_response *r = httpc_do(port, "PUT", "/max", NULL, body, MAX_BODY);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_contains(r->body, "\"body_len\":1024");
    httpc_response_free(r);
    free(body);
}

static void test_keep_alive_reuses_connection(void **state)
{
    (void)state;
    int before = atomic_load(&handler_calls);
    httpc_conn *c = httpc_open(port);
    assert_non_null(c);
    for (int i = 0; i < 3; i++) {
        httpc_response *r = i == 1 ? httpc_request(c, "POST", "/k", NULL, "{}", 2)
                                   : httpc_request(c, "GET", "/k", NULL, NULL, 0);
        assert_non_null(r);
        assert_int_equal(r->status, 200);
        const char *conn_header = httpc_header(r, "Connection");
        assert_true(conn_header == NULL || strcasecmp(conn_header, "close") != 0);
        assert_false(httpc_conn_closed(c));
        httpc_response_free(r);
    }
    httpc_close(c);
    assert_int_equal(atomic_load(&handler_calls), before + 3);
}

static void test_content_length_over_max_is_413(void **state)
{
    (void)state;
    int before = atomic_load(&handler_calls);
    httpc_response *r = raw_text("POST /big HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Content-Type: application/json\r\n"
                                 "Content-Length: 99999999999\r\n\r\n");
    assert_error(r, 413, "too_large", "body");
    assert_contains(r->body, "\"message\":\"request body exceeds 1024 bytes\"");
    assert_security_headers(r);
    httpc_response_free(r);

    char *body = malloc(MAX_BODY + 1);
    assert_non_null(body);
    memset(body, 'c', MAX_BODY + 1);
    r = httpc_do(port, "POST", "/big", NULL, body, MAX_BODY + 1);
    assert_error(r, 413, "too_large", "body");
    httpc_response_free(r);
    free(body);
    assert_int_equal(atomic_load(&handler_calls), before);
}

static void test_chunked_body_under_max_delivered(void **state)
{
    (void)state;
    size_t len;
    char *req = chunked_request(4, 200, &len);
    httpc_response *r = httpc_raw(port, req, len);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_contains(r->body, "\"body_len\":800");
    assert_contains(r->body, "\"nul\":true");
    httpc_response_free(r);
    free(req);
}

static void test_chunked_body_over_max_is_413(void **state)
{
    (void)state;
    int before = atomic_load(&handler_calls);
    size_t len;
    char *req = chunked_request(4, 512, &len);
    httpc_response *r = httpc_raw(port, req, len);
    assert_error(r, 413, "too_large", "body");
    assert_security_headers(r);
    httpc_response_free(r);
    free(req);
    assert_int_equal(atomic_load(&handler_calls), before);
}

static void test_endless_chunked_body_is_cut(void **state)
{
    (void)state;
    int before = atomic_load(&handler_calls);
    size_t len;
    char *req = chunked_request(64, 64 * 1024, &len); /* 4 MiB */
    httpc_response *r = httpc_raw(port, req, len);
    if (r) /* the cut may come before or after an answer got through */
        assert_int_equal(r->status, 413);
    httpc_response_free(r);
    free(req);
    assert_int_equal(atomic_load(&handler_calls), before);
    r = httpc_do(port, "GET", "/after", NULL, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    httpc_response_free(r);
}

static void test_control_char_in_header_is_400(void **state)
{
    (void)state;
    static const char soh[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\x01" "b\r\n\r\n";
    static const char del[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\x7f" "b\r\n\r\n";
    static const char esc[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sid=\x1b[0m\r\n\r\n";
    expect_raw_invalid(soh, sizeof soh - 1, "header");
    expect_raw_invalid(del, sizeof del - 1, "header");
    expect_raw_invalid(esc, sizeof esc - 1, "header");
}

/* Ambiguous framing invites request smuggling behind a proxy (issue 15 item 5): two
 * Content-Length headers, Transfer-Encoding beside Content-Length, or two
 * Transfer-Encoding headers are refused before the body is read. */
static void test_ambiguous_framing_is_400(void **state)
{
    (void)state;
    static const char two_lengths[] = "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                      "Content-Length: 2\r\nContent-Length: 12\r\n\r\n{}";
    static const char te_and_cl[] = "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    "Content-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    "2\r\n{}\r\n0\r\n\r\n";
    static const char two_te[] = "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Transfer-Encoding: chunked\r\ntransfer-encoding: chunked\r\n\r\n"
                                 "2\r\n{}\r\n0\r\n\r\n";
    expect_raw_invalid(two_lengths, sizeof two_lengths - 1, "header");
    expect_raw_invalid(te_and_cl, sizeof te_and_cl - 1, "header");
    expect_raw_invalid(two_te, sizeof two_te - 1, "header");
    /* a blank before the colon hides a header from a check by name; libmicrohttpd decodes
     * no transfer coding but a lone chunked */
    static const char te_blank[] = "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
                                   "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n";
    static const char te_other[] = "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n";
    expect_raw_invalid(te_blank, sizeof te_blank - 1, "header");
    expect_raw_invalid(te_other, sizeof te_other - 1, "header");
    /* one Content-Length, or chunked alone, still reaches the handler */
    httpc_response *r = raw_text("POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    httpc_response_free(r);
}

/* libmicrohttpd 0.9.75 cuts a header value at a NUL byte and reports only the prefix;
 * the adapter finds the bytes left behind it (server.c, "bytes hidden behind a NUL")
 * and refuses the request before the handler runs. */
static void test_nul_in_header_never_reaches_handler(void **state)
{
    (void)state;
    static const char nul[] =
        "GET /nul HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Test: a\0\x01" "b\r\n\r\n";
    httpc_response *r = httpc_raw(port, nul, sizeof nul - 1);
    assert_non_null(r);
    assert_int_equal(r->status, 400);
    assert_contains(r->body, "\"reason\":\"request.header\"");
    httpc_response_free(r);
}

static void test_tab_in_header_is_allowed(void **state)
{
    (void)state;
    httpc_response *r = raw_text("GET /tab HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "X-Test: a\tb\r\n\r\n");
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_contains(r->body, "\"x\":\"a\tb\"");
    httpc_response_free(r);
}

static void test_bad_path_is_400(void **state)
{
    (void)state;
    static const char enc_nul[] = "GET /a%00b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    static const char enc_lf[] = "GET /a%0ab HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    static const char enc_q[] = "GET /a?q=%7F HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    static const char raw_soh[] = "GET /a\x01" "b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    static const char relative[] = "GET a/b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    expect_raw_invalid(enc_nul, sizeof enc_nul - 1, "path");
    expect_raw_invalid(enc_lf, sizeof enc_lf - 1, "path");
    expect_raw_invalid(enc_q, sizeof enc_q - 1, "path");
    expect_raw_invalid(raw_soh, sizeof raw_soh - 1, "path");
    expect_raw_invalid(relative, sizeof relative - 1, "path");
}

static void test_security_headers_on_every_answer(void **state)
{
    (void)state;
    httpc_response *r = httpc_do(port, "GET", "/", NULL, NULL, 0);
    assert_non_null(r);
    assert_security_headers(r);
    httpc_response_free(r);
    r = httpc_do(port, "GET", "/plain", NULL, NULL, 0);
    assert_non_null(r);
    assert_security_headers(r);
    assert_string_equal(httpc_header(r, "Content-Type"), "text/plain; charset=utf-8");
    httpc_response_free(r);
}

static void test_extra_headers_from_handler(void **state)
{
    (void)state;
    char sid[32];
    httpc_response *r = httpc_do(port, "POST", "/cookie", NULL, "{}", 2);
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    assert_string_equal(httpc_set_cookie(r, "sid"),
                        "sid=abc123; Path=/; HttpOnly; SameSite=Strict");
    assert_true(httpc_cookie_value(r, "sid", sid, sizeof sid));
    assert_string_equal(sid, "abc123");
    assert_null(httpc_set_cookie(r, "other"));
    assert_string_equal(httpc_header(r, "retry-after"), "5");
    assert_string_equal(httpc_header(r, "X-Echo-Method"), "POST");
    assert_security_headers(r);
    httpc_response_free(r);
}

static void test_head_and_options_reach_handler(void **state)
{
    (void)state;
    httpc_response *r = httpc_do(port, "HEAD", "/h", NULL, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    assert_string_equal(httpc_header(r, "X-Echo-Method"), "HEAD");
    assert_int_equal(r->body_len, 0);
    httpc_response_free(r);
    r = httpc_do(port, "OPTIONS", "/o", NULL, NULL, 0);
    assert_non_null(r);
    assert_string_equal(httpc_header(r, "X-Echo-Method"), "OPTIONS");
    assert_contains(r->body, "\"method\":\"OPTIONS\"");
    httpc_response_free(r);
}

static void test_add_header_checks(void **state)
{
    (void)state;
    http_response resp = {0};
    char long_value[600];
    memset(long_value, 'v', sizeof long_value - 1);
    long_value[sizeof long_value - 1] = '\0';
    assert_false(http_add_header(&resp, "Set-Cookie", "a=b\r\nX-Evil: 1"));
    assert_false(http_add_header(&resp, "X-A", "a\nb"));
    assert_false(http_add_header(&resp, "X-A", "a\tb"));
    assert_false(http_add_header(&resp, "X-A", "a\x7f" "b"));
    assert_false(http_add_header(&resp, "X-A\r\nX-B", "v"));
    assert_false(http_add_header(&resp, "X(A)", "v")); /* a name must be a token */
    assert_false(http_add_header(&resp, "X A", "v"));
    assert_false(http_add_header(&resp, "X:A", "v"));
    assert_false(http_add_header(&resp, "", "v"));
    assert_false(http_add_header(&resp, "X-Long", long_value));
    assert_int_equal(resp.extra_count, 0);
    for (int i = 0; i < HTTP_EXTRA_HEADERS; i++)
        assert_true(http_add_header(&resp, "X-Ok", "fine value; with=parts"));
    assert_false(http_add_header(&resp, "X-Full", "v"));
    assert_int_equal(resp.extra_count, HTTP_EXTRA_HEADERS);
    assert_string_equal(resp.extra[0].name, "X-Ok");
    assert_string_equal(resp.extra[0].value, "fine value; with=parts");
}

static void test_lookups_without_connection(void **state)
{
    (void)state;
    http_request fake = {"GET", "/", "", 0, "", NULL};
    assert_null(http_header(&fake, "Host"));
    assert_null(http_query(&fake, "q"));
    assert_null(http_cookie(&fake, "sid"));
}

static void *client_thread(void *arg)
{
    atomic_int *ok = arg;
    httpc_conn *c = httpc_open(port);
    for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
        httpc_response *r;
        if (i % 2 == 0 && c && !httpc_conn_closed(c))
            r = httpc_request(c, "POST", "/many", NULL, "{\"i\":1}", 7);
        else
            r = httpc_do(port, "GET", "/many?q=x", NULL, NULL, 0);
        if (r && r->status == 200 && strstr(r->body, "\"path\":\"/many\""))
            atomic_fetch_add(ok, 1);
        httpc_response_free(r);
    }
    httpc_close(c);
    return NULL;
}

static void test_many_concurrent_clients(void **state)
{
    (void)state;
    int before = atomic_load(&handler_calls);
    atomic_int ok = 0;
    pthread_t threads[CLIENT_THREADS];
    for (int i = 0; i < CLIENT_THREADS; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, client_thread, &ok), 0);
    for (int i = 0; i < CLIENT_THREADS; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    assert_int_equal(atomic_load(&ok), CLIENT_THREADS * REQUESTS_PER_THREAD);
    assert_int_equal(atomic_load(&handler_calls),
                     before + CLIENT_THREADS * REQUESTS_PER_THREAD);
}

static void test_start_errors(void **state)
{
    (void)state;
    http_server *other = NULL;
    qg_error err;
    http_config bad_addr = {"not-an-address", 0, 1, MAX_BODY, 5};
    assert_int_equal(http_server_start(&bad_addr, toy_handler, NULL, &other, &err),
                     QG_EINVAL);
    assert_null(other);
    assert_string_equal(err.field, "bind_addr");
    http_config taken = {"127.0.0.1", port, 1, MAX_BODY, 5};
    assert_int_equal(http_server_start(&taken, toy_handler, NULL, &other, &err), QG_EIO);
    assert_null(other);
    const char *bad_proxies[] = {"", "localhost", "127.0.0.1:80", "10.0.0.0/8", NULL};
    for (const char *const *b = bad_proxies; *b; b++) {
        http_config bad_proxy = {"127.0.0.1", 0, 1, MAX_BODY, 5, *b};
        assert_int_equal(http_server_start(&bad_proxy, toy_handler, NULL, &other, &err),
                         QG_EINVAL);
        assert_null(other);
        assert_string_equal(err.field, "trusted_proxy");
    }
    http_server_stop(NULL);
}

/* ---- memory for declared bodies --------------------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ALLOCATOR_STATS 1
size_t __sanitizer_get_current_allocated_bytes(void); /* from the ASan runtime */
#endif

#define BIG_BODY (64u * 1024u * 1024u)

#ifdef HAVE_ALLOCATOR_STATS
/* A TCP connection to 127.0.0.1:to_port that the test writes to by hand; -1 on
 * failure. Only the allocator test below uses it, and only under ASan. */
static int raw_connect(unsigned to_port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)to_port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}
#endif

static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0)
        ;
}

/* A request that announces a 64 MiB body (allowed) but sends two bytes of it makes
 * the server hold no more than those bytes: nothing is reserved before the data
 * arrives, and so before the handler could authenticate anyone. */
static void test_declared_length_reserves_nothing(void **state)
{
    (void)state;
#ifdef HAVE_ALLOCATOR_STATS
    http_server *big = NULL;
    qg_error err;
    http_config cfg = {"127.0.0.1", 0, 1, BIG_BODY, 10};
    assert_int_equal(http_server_start(&cfg, toy_handler, NULL, &big, &err), QG_OK);
    unsigned big_port = http_server_port(big);
    size_t before = __sanitizer_get_current_allocated_bytes();
    int fds[4];
    char head[256];
    int n = snprintf(head, sizeof head,
                     "POST /big HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nContent-Length: %u\r\n\r\n{\"",
                     BIG_BODY);
    for (int i = 0; i < 4; i++) {
        fds[i] = raw_connect(big_port);
        assert_true(fds[i] >= 0);
        assert_int_equal(send(fds[i], head, (size_t)n, 0), n);
    }
    /* one thread serves the connections in turn: once a later request is answered and
     * a moment has passed, the partial ones have been seen */
    httpc_response *r = httpc_do(big_port, "GET", "/after", NULL, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    httpc_response_free(r);
    pause_ms(200);
    size_t after = __sanitizer_get_current_allocated_bytes();
    if (after > before && after - before > 1024u * 1024u)
        fail_msg("%zu bytes held for 4 requests that sent 2 body bytes each",
                 after - before);
    for (int i = 0; i < 4; i++)
        close(fds[i]);
    http_server_stop(big);
#else
    skip();
#endif
}

/* ---- the per-address connection limit ----------------------------------------- */

/* Opens count keep-alive connections to to_port, each with one answered request. */
static void open_busy(unsigned to_port, httpc_conn **conns, int count)
{
    for (int i = 0; i < count; i++) {
        conns[i] = httpc_open(to_port);
        assert_non_null(conns[i]);
        httpc_response *r = httpc_request(conns[i], "GET", "/held", NULL, NULL, 0);
        assert_non_null(r);
        assert_int_equal(r->status, 200);
        httpc_response_free(r);
    }
}

static void close_all(httpc_conn **conns, int count)
{
    for (int i = 0; i < count; i++)
        httpc_close(conns[i]);
}

/* Retries a GET for up to two seconds (the server notices closed connections on its
 * own schedule); returns its status, or -1. */
static int get_soon(unsigned to_port)
{
    for (int i = 0; i < 100; i++) {
        httpc_response *r = httpc_do(to_port, "GET", "/again", NULL, NULL, 0);
        int status = r ? r->status : -1;
        httpc_response_free(r);
        if (status > 0)
            return status;
        pause_ms(20);
    }
    return -1;
}

/* One address may hold HTTP_PER_IP_CONNECTIONS connections at once; the next one is
 * closed unanswered, and works again once others have closed. */
static void test_per_address_connection_limit(void **state)
{
    (void)state;
    httpc_conn *conns[HTTP_PER_IP_CONNECTIONS];
    open_busy(port, conns, HTTP_PER_IP_CONNECTIONS);
    httpc_response *r = httpc_do(port, "GET", "/one-too-many", NULL, NULL, 0);
    assert_null(r);
    close_all(conns, HTTP_PER_IP_CONNECTIONS);
    assert_int_equal(get_soon(port), 200);
}

/* ---- X-Forwarded-For and the trusted proxy --------------------------------------- */

/* Asks srv_port with these headers and checks the client address the handler saw. */
static void expect_client(unsigned srv_port, const char *const *headers, const char *want)
{
    httpc_response *r = httpc_do(srv_port, "GET", "/who", headers, NULL, 0);
    assert_non_null(r);
    assert_int_equal(r->status, 200);
    char field[128];
    snprintf(field, sizeof field, "\"client\":\"%s\"", want);
    assert_contains(r->body, field);
    httpc_response_free(r);
}

static void expect_forwarded(unsigned srv_port, const char *header, const char *want)
{
    const char *headers[] = {header, NULL};
    expect_client(srv_port, headers, want);
}

/* Behind the trusted proxy the client is the last X-Forwarded-For entry (the one the
 * proxy appended; earlier ones are whatever the client claimed), when it is a numeric
 * address; anything else leaves the proxy's own address. */
static void test_forwarded_for_from_trusted_proxy(void **state)
{
    (void)state;
    http_server *behind = NULL;
    qg_error err;
    http_config cfg = {"127.0.0.1", 0, 2, MAX_BODY, 10, "127.0.0.1"};
    assert_int_equal(http_server_start(&cfg, toy_handler, NULL, &behind, &err), QG_OK);
    unsigned p = http_server_port(behind);
    expect_forwarded(p, "X-Forwarded-For: 10.0.0.1", "10.0.0.1");
    expect_forwarded(p, "X-Forwarded-For: 10.0.0.2, 10.0.0.1", "10.0.0.1");
    expect_forwarded(p, "x-forwarded-for:203.0.113.9 ,  10.0.0.7  ", "10.0.0.7");
    expect_forwarded(p, "X-Forwarded-For: 2001:DB8:0::1", "2001:db8::1");
    expect_forwarded(p, "X-Forwarded-For: ::ffff:10.0.0.3", "10.0.0.3");
    const char *bad[] = {"X-Forwarded-For: ",          "X-Forwarded-For: 10.0.0.1,",
                         "X-Forwarded-For: proxy.example", "X-Forwarded-For: 10.0.0.1:8080",
                         "X-Forwarded-For: [2001:db8::1]", "X-Forwarded-For: 10.0.0.1 10.0.0.2",
                         "X-Forwarded-For: 10.0.0.256",     "X-Forwarded-For: unknown",
                         NULL};
    for (const char *const *b = bad; *b; b++)
        expect_forwarded(p, *b, "127.0.0.1");
    expect_client(p, NULL, "127.0.0.1");
    /* two header lines: the last line's last entry */
    const char *two[] = {"X-Forwarded-For: 10.0.0.5", "X-Forwarded-For: 10.0.0.6", NULL};
    expect_client(p, two, "10.0.0.6");
    /* behind a proxy one address may hold any number of connections */
    httpc_conn *conns[HTTP_PER_IP_CONNECTIONS + 4];
    open_busy(p, conns, HTTP_PER_IP_CONNECTIONS + 4);
    close_all(conns, HTTP_PER_IP_CONNECTIONS + 4);
    http_server_stop(behind);
}

/* Without a trusted proxy, or from any other peer, the header is ignored. */
static void test_forwarded_for_ignored_otherwise(void **state)
{
    (void)state;
    expect_forwarded(port, "X-Forwarded-For: 10.0.0.1", "127.0.0.1");
    http_server *elsewhere = NULL;
    qg_error err;
    http_config cfg = {"127.0.0.1", 0, 1, MAX_BODY, 10, "192.0.2.1"};
    assert_int_equal(http_server_start(&cfg, toy_handler, NULL, &elsewhere, &err), QG_OK);
    expect_forwarded(http_server_port(elsewhere), "X-Forwarded-For: 10.0.0.1", "127.0.0.1");
    http_server_stop(elsewhere);
    /* an IPv6 proxy address is not the IPv4 peer either */
    cfg.trusted_proxy = "::1";
    assert_int_equal(http_server_start(&cfg, toy_handler, NULL, &elsewhere, &err), QG_OK);
    expect_forwarded(http_server_port(elsewhere), "X-Forwarded-For: 10.0.0.1", "127.0.0.1");
    http_server_stop(elsewhere);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_delivers_request),
        cmocka_unit_test(test_post_body_delivered),
        cmocka_unit_test(test_body_of_exactly_max_accepted),
        cmocka_unit_test(test_keep_alive_reuses_connection),
        cmocka_unit_test(test_content_length_over_max_is_413),
        cmocka_unit_test(test_chunked_body_under_max_delivered),
        cmocka_unit_test(test_chunked_body_over_max_is_413),
        cmocka_unit_test(test_endless_chunked_body_is_cut),
        cmocka_unit_test(test_control_char_in_header_is_400),
        cmocka_unit_test(test_nul_in_header_never_reaches_handler),
        cmocka_unit_test(test_ambiguous_framing_is_400),
        cmocka_unit_test(test_tab_in_header_is_allowed),
        cmocka_unit_test(test_bad_path_is_400),
        cmocka_unit_test(test_security_headers_on_every_answer),
        cmocka_unit_test(test_extra_headers_from_handler),
        cmocka_unit_test(test_head_and_options_reach_handler),
        cmocka_unit_test(test_add_header_checks),
        cmocka_unit_test(test_lookups_without_connection),
        cmocka_unit_test(test_many_concurrent_clients),
        cmocka_unit_test(test_declared_length_reserves_nothing),
        cmocka_unit_test(test_per_address_connection_limit),
        cmocka_unit_test(test_forwarded_for_from_trusted_proxy),
        cmocka_unit_test(test_forwarded_for_ignored_otherwise),
        cmocka_unit_test(test_start_errors),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
