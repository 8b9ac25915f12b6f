/*
 * hammer.c — the HTTP load of `make reliability` (scripts/reliability/): a small keep-alive
 * HTTP/1.1 client over loopback, with four modes. Every mode takes --port P and the
 * session as --cookie TOKEN --csrf CSRF (a logged-in supervisor's, from the script).
 *
 *   hammer writes --threads N        POSTs new cases on N connections until the server
 *                                    stops answering (it is killed); prints "ACK CODE"
 *                                    for every 201, flushed at once, so what the client
 *                                    was told is on record before the kill lands.
 *   hammer check                     reads "ACK CODE" lines on stdin and GETs each case;
 *                                    prints "checked N missing M" (exit 1 when M > 0).
 *   hammer timing --a PATH --b PATH --count N
 *                                    GETs PATH a and PATH b alternately, N times each,
 *                                    after a warm-up; prints each one's median and
 *                                    quartiles in microseconds and the difference of the
 *                                    medians.
 *   hammer newcode                   prints a new random case code (no server needed),
 *                                    e.g. one that no case has.
 *   hammer mixed --seconds S --threads N
 *                                    mixed work for S seconds: create a case, read it,
 *                                    read its personal part, change it, list cases; prints
 *                                    the requests made and any answer that was not 2xx
 *                                    (exit 1 when there was one).
 *
 * Made-up data only: the child's name is the same invented one every time.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/case/child_code.h"

#define BUF_MAX (1 << 20)

typedef struct {
    unsigned port;
    const char *cookie, *csrf;
    const char *a, *b;
    long count, seconds;
    int threads;
} opts;

static opts O;

typedef struct {
    int fd;
    char *buf;
} conn;

static bool conn_open(conn *c)
{
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0)
        return false;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)O.port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(c->fd);
        c->fd = -1;
        return false;
    }
    if (!c->buf)
        c->buf = malloc(BUF_MAX + 1);
    return c->buf != NULL;
}

static void conn_close(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static bool send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Sends one request and reads its answer into c->buf (body at *body). Returns the status,
 * or -1 when the connection failed (it is then closed). */
static int request(conn *c, const char *method, const char *path, const char *body,
                   const char **out_body)
{
    if (c->fd < 0 && !conn_open(c))
        return -1;
    char head[1024];
    size_t blen = body ? strlen(body) : 0;
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: qg_session=%s\r\n"
                     "X-CSRF-Token: %s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     method, path, O.cookie, O.csrf, blen);
    if (!send_all(c->fd, head, (size_t)n) || (blen && !send_all(c->fd, body, blen))) {
        conn_close(c);
        return -1;
    }
    size_t have = 0;
    char *end = NULL;
    c->buf[0] = '\0';
    while (!(end = strstr(c->buf, "\r\n\r\n"))) {
        ssize_t r = recv(c->fd, c->buf + have, BUF_MAX - have, 0);
        if (r <= 0) {
            conn_close(c);
            return -1;
        }
        have += (size_t)r;
        c->buf[have] = '\0';
    }
    int status = 0;
    sscanf(c->buf, "HTTP/1.%*d %d", &status);
    const char *cl = strcasestr(c->buf, "\r\ncontent-length:");
    size_t want = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
    size_t hlen = (size_t)(end + 4 - c->buf);
    while (have < hlen + want && have < BUF_MAX) {
        ssize_t r = recv(c->fd, c->buf + have, BUF_MAX - have, 0);
        if (r <= 0) {
            conn_close(c);
            return -1;
        }
        have += (size_t)r;
    }
    c->buf[hlen + want < BUF_MAX ? hlen + want : BUF_MAX] = '\0';
    if (out_body)
        *out_body = c->buf + hlen;
    if (strcasestr(c->buf, "\r\nconnection: close"))
        conn_close(c);
    return status;
}

/* The value of "code" in a JSON answer, into out. */
static bool code_of(const char *body, char out[64])
{
    const char *p = strstr(body, "\"code\":\"");
    if (!p)
        return false;
    p += 8;
    size_t n = strcspn(p, "\"");
    if (n == 0 || n >= 64)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

static const char CASE_BODY[] =
    "{\"sex\":\"Feminine\",\"region\":\"almaty\",\"age_at_identification\":14,"
    "\"personal\":{\"given_name\":\"Synaq\",\"family_name\":\"Balasy\"}}";

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void *writes_worker(void *arg)
{
    (void)arg;
    conn c = {.fd = -1};
    char code[64];
    for (;;) {
        const char *body = NULL;
        int st = request(&c, "POST", "/api/v1/cases", CASE_BODY, &body);
        if (st < 0)
            break;
        if (st == 201 && code_of(body, code)) {
            pthread_mutex_lock(&out_lock);
            printf("ACK %s\n", code);
            fflush(stdout);
            pthread_mutex_unlock(&out_lock);
        }
    }
    free(c.buf);
    return NULL;
}

static int run_threads(void *(*fn)(void *), int n)
{
    pthread_t th[64];
    if (n < 1 || n > 64)
        return 2;
    for (int i = 0; i < n; i++)
        pthread_create(&th[i], NULL, fn, NULL);
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    return 0;
}

static int mode_check(void)
{
    conn c = {.fd = -1};
    char line[256], path[128];
    long checked = 0, missing = 0;
    while (fgets(line, sizeof line, stdin)) {
        char code[64];
        if (sscanf(line, "ACK %63s", code) != 1)
            continue;
        snprintf(path, sizeof path, "/api/v1/cases/%s", code);
        int st = request(&c, "GET", path, NULL, NULL);
        checked++;
        if (st != 200) {
            missing++;
            fprintf(stderr, "hammer: acknowledged case %ld answers %d\n", checked, st);
        }
    }
    printf("checked %ld missing %ld\n", checked, missing);
    free(c.buf);
    return missing ? 1 : 0;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double at(const double *v, long n, double q) { return v[(long)(q * (double)(n - 1))]; }

static int mode_timing(void)
{
    conn c = {.fd = -1};
    long n = O.count;
    double *ta = malloc(sizeof *ta * (size_t)n), *tb = malloc(sizeof *tb * (size_t)n);
    int sa = 0, sb = 0;
    for (long i = 0; i < n / 10 + 10; i++) { /* warm-up: caches, the statement cache */
        request(&c, "GET", O.a, NULL, NULL);
        request(&c, "GET", O.b, NULL, NULL);
    }
    for (long i = 0; i < n; i++) {
        bool a_first = i % 2 == 0; /* neither always goes first */
        for (int k = 0; k < 2; k++) {
            bool is_a = (k == 0) == a_first;
            double t0 = now_us();
            int st = request(&c, "GET", is_a ? O.a : O.b, NULL, NULL);
            double dt = now_us() - t0;
            if (is_a) {
                ta[i] = dt;
                sa = st;
            } else {
                tb[i] = dt;
                sb = st;
            }
        }
    }
    qsort(ta, (size_t)n, sizeof *ta, cmp_double);
    qsort(tb, (size_t)n, sizeof *tb, cmp_double);
    printf("a: status %d, median %.1f us (quartiles %.1f-%.1f)\n", sa, at(ta, n, 0.5),
           at(ta, n, 0.25), at(ta, n, 0.75));
    printf("b: status %d, median %.1f us (quartiles %.1f-%.1f)\n", sb, at(tb, n, 0.5),
           at(tb, n, 0.25), at(tb, n, 0.75));
    printf("difference of medians (a - b): %.1f us\n", at(ta, n, 0.5) - at(tb, n, 0.5));
    free(ta);
    free(tb);
    free(c.buf);
    return sa == sb ? 0 : 1;
}

static long mixed_requests, mixed_bad;
static double mixed_end;

static void tally(int st)
{
    pthread_mutex_lock(&out_lock);
    mixed_requests++;
    if (st < 200 || st > 299) {
        if (mixed_bad++ < 10)
            fprintf(stderr, "hammer: an answer %d\n", st);
    }
    pthread_mutex_unlock(&out_lock);
}

static void *mixed_worker(void *arg)
{
    (void)arg;
    conn c = {.fd = -1};
    char code[64], path[160];
    while (now_us() < mixed_end) {
        const char *body = NULL;
        int st = request(&c, "POST", "/api/v1/cases", CASE_BODY, &body);
        tally(st);
        if (st != 201 || !code_of(body, code))
            continue;
        snprintf(path, sizeof path, "/api/v1/cases/%s", code);
        tally(request(&c, "GET", path, NULL, NULL));
        snprintf(path, sizeof path, "/api/v1/cases/%s/personal", code);
        tally(request(&c, "GET", path, NULL, NULL));
        snprintf(path, sizeof path, "/api/v1/cases/%s", code);
        tally(request(&c, "PATCH", path, "{\"region\":\"astana\"}", NULL));
        tally(request(&c, "GET", "/api/v1/cases?limit=20", NULL, NULL));
    }
    free(c.buf);
    return NULL;
}

static const char *arg_of(int argc, char **argv, const char *name, const char *fallback)
{
    for (int i = 2; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return fallback;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: hammer writes|check|timing|mixed --port P --cookie T"
                        " --csrf C [...]\n");
        return 2;
    }
    if (strcmp(argv[1], "newcode") == 0) {
        char code[QG_CODE_SIZE];
        child_code_new(code);
        printf("%s\n", code);
        return 0;
    }
    O.port = (unsigned)strtoul(arg_of(argc, argv, "--port", "0"), NULL, 10);
    O.cookie = arg_of(argc, argv, "--cookie", "");
    O.csrf = arg_of(argc, argv, "--csrf", "");
    O.a = arg_of(argc, argv, "--a", "/");
    O.b = arg_of(argc, argv, "--b", "/");
    O.count = strtol(arg_of(argc, argv, "--count", "2000"), NULL, 10);
    O.seconds = strtol(arg_of(argc, argv, "--seconds", "60"), NULL, 10);
    O.threads = (int)strtol(arg_of(argc, argv, "--threads", "4"), NULL, 10);
    if (O.port == 0 || O.count < 1) {
        fprintf(stderr, "hammer: --port and a positive --count are needed\n");
        return 2;
    }
    if (strcmp(argv[1], "writes") == 0)
        return run_threads(writes_worker, O.threads);
    if (strcmp(argv[1], "check") == 0)
        return mode_check();
    if (strcmp(argv[1], "timing") == 0)
        return mode_timing();
    if (strcmp(argv[1], "mixed") == 0) {
        mixed_end = now_us() + (double)O.seconds * 1e6;
        int rc = run_threads(mixed_worker, O.threads);
        printf("requests %ld not-2xx %ld\n", mixed_requests, mixed_bad);
        return rc ? rc : mixed_bad ? 1 : 0;
    }
    fprintf(stderr, "hammer: unknown mode %s\n", argv[1]);
    return 2;
}
