/* qgtest.c — the black-box test harness (see qgtest.h). */
#include "support/qgtest.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/case/iin.h"

#define ARGV_MAX 32
#define START_TIMEOUT_MS 15000

static const char *binary(void)
{
    const char *b = getenv("QORGAU_BIN");
    return b && *b ? b : "build/asan/qorgau";
}

bool qgt_env_init(qgt_env *e)
{
    memset(e, 0, sizeof *e);
    /* Passwords are only the way in here: the qorgau this harness runs hashes new ones at
     * the minimum argon2id cost (a test build's switch, src/crypto/crypto.c), unless the
     * caller chose otherwise. scripts/run-tests.sh sets it for every test binary; test_crypto
     * turns it off to check the real cost. */
    setenv("QORGAU_TEST_CHEAP_PWHASH", "1", 0);
    snprintf(e->dir, sizeof e->dir, "/tmp/qgtest-XXXXXX");
    if (!mkdtemp(e->dir))
        return false;
    snprintf(e->db, sizeof e->db, "%s/qorgau.db", e->dir);
    snprintf(e->key, sizeof e->key, "%s/qorgau.db.key", e->dir);
    snprintf(e->log, sizeof e->log, "%s/server.log", e->dir);
    const char *argv[] = {"init", NULL};
    return qgt_cli(e, true, NULL, NULL, NULL, argv) == 0;
}

static void remove_tree(const char *dir)
{
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", dir, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

void qgt_env_free(qgt_env *e)
{
    if (e->server)
        qgt_server_stop(e);
    if (e->dir[0])
        remove_tree(e->dir);
}

/* Reads fd to EOF into buf (size bytes, NUL-terminated; excess dropped). */
static void drain(int fd, char *buf, size_t size)
{
    size_t used = 0;
    char scratch[4096];
    for (;;) {
        ssize_t n = read(fd, scratch, sizeof scratch);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t room = buf && size > used + 1 ? size - used - 1 : 0;
        size_t take = (size_t)n < room ? (size_t)n : room;
        if (take)
            memcpy(buf + used, scratch, take);
        used += take;
    }
    if (buf && size)
        buf[used] = '\0';
}

static int build_argv(qgt_env *e, bool with_db, const char *const *argv, char **out)
{
    int n = 0;
    out[n++] = (char *)binary();
    for (; argv && *argv && n < ARGV_MAX - 4; argv++)
        out[n++] = (char *)*argv;
    if (with_db) {
        out[n++] = "--db";
        out[n++] = e->db;
    }
    out[n] = NULL;
    return n;
}

int qgt_cli(qgt_env *e, bool with_db, const char *stdin_text, char *out, char *errout,
            const char *const *argv)
{
    char *args[ARGV_MAX];
    build_argv(e, with_db, argv, args);
    char errfile[QGT_PATH + 16];
    snprintf(errfile, sizeof errfile, "%s/cli.err", e->dir);
    int in[2], outp[2];
    if (pipe(in) != 0 || pipe(outp) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        int errfd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(in[0], 0);
        dup2(outp[1], 1);
        dup2(errfd, 2);
        close(in[1]);
        close(outp[0]);
        execv(args[0], args);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    if (stdin_text && write(in[1], stdin_text, strlen(stdin_text)) < 0)
        perror("write");
    close(in[1]);
    drain(outp[0], out, out ? QGT_OUT : 0);
    close(outp[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (errout) {
        int fd = open(errfile, O_RDONLY);
        errout[0] = '\0';
        if (fd >= 0) {
            drain(fd, errout, QGT_OUT);
            close(fd);
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int64_t cli_id(qgt_env *e, const char *stdin_text, const char *const *argv)
{
    char out[QGT_OUT];
    if (qgt_cli(e, true, stdin_text, out, NULL, argv) != 0)
        return -1;
    return strtoll(out, NULL, 10);
}

int64_t qgt_org(qgt_env *e, const char *name, const char *type, const char *region)
{
    const char *argv[] = {"org", "add", "--name", name, "--type", type, "--region", region, NULL};
    return cli_id(e, NULL, argv);
}

int64_t qgt_user(qgt_env *e, int64_t org, const char *login, const char *role,
                 const char *password)
{
    char org_text[32], pw[256];
    snprintf(org_text, sizeof org_text, "%lld", (long long)org);
    snprintf(pw, sizeof pw, "%s\n", password);
    const char *argv[] = {"user", "add", "--org", org_text, "--login", login, "--role", role, NULL};
    return cli_id(e, pw, argv);
}

int64_t qgt_user_wide(qgt_env *e, int64_t org, const char *login, const char *role,
                      const char *password)
{
    char org_text[32], pw[256];
    snprintf(org_text, sizeof org_text, "%lld", (long long)org);
    snprintf(pw, sizeof pw, "%s\n", password);
    const char *argv[] = {"user",  "add", "--org", org_text,        "--login", login,
                          "--role", role, "--system-wide", NULL};
    return cli_id(e, pw, argv);
}

/* Waits until the log shows "serving http://ADDR:PORT/" after byte offset from (the
 * log's size before this start: earlier servers of the same env wrote before it) and
 * reads the port. */
static bool read_port(qgt_env *e, size_t from)
{
    for (int waited = 0; waited < START_TIMEOUT_MS; waited += 20) {
        size_t len = 0;
        char *log = qgt_read_file(e->log, &len);
        const char *at = log && len > from ? strstr(log + from, "serving http://") : NULL;
        const char *colon = at ? strchr(at + strlen("serving http://"), ':') : NULL;
        if (colon) {
            e->port = (unsigned)strtoul(colon + 1, NULL, 10);
            free(log);
            return e->port > 0;
        }
        free(log);
        int status;
        if (waitpid(e->server, &status, WNOHANG) == e->server) {
            e->server = 0;
            return false;
        }
        poll(NULL, 0, 20);
    }
    return false;
}

bool qgt_server_start(qgt_env *e, const char *const *extra)
{
    const char *argv[ARGV_MAX] = {"serve", "--port", "0"};
    int n = 3;
    for (; extra && *extra && n < ARGV_MAX - 6; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;
    char *args[ARGV_MAX];
    build_argv(e, true, argv, args);
    size_t log_before = 0;
    free(qgt_read_file(e->log, &log_before));
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(e->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        execv(args[0], args);
        _exit(127);
    }
    if (pid < 0)
        return false;
    e->server = pid;
    return read_port(e, log_before) && httpc_wait_port(e->port, START_TIMEOUT_MS);
}

int qgt_server_stop(qgt_env *e)
{
    if (!e->server)
        return -1;
    kill(e->server, SIGTERM);
    int status = 0;
    waitpid(e->server, &status, 0);
    e->server = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int qgt_login(qgt_env *e, const char *login, const char *password, qgt_session *s)
{
    json_t *body = json_pack("{s:s, s:s}", "login", login, "password", password);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    httpc_response *r = httpc_do(e->port, "POST", "/api/v1/session", NULL, text, strlen(text));
    free(text);
    if (!r)
        return -1;
    int status = r->status;
    memset(s, 0, sizeof *s);
    char token[128];
    if (status == 201 && httpc_cookie_value(r, "qg_session", token, sizeof token)) {
        snprintf(s->cookie, sizeof s->cookie, "qg_session=%s", token);
        json_t *o = json_loads(r->body, 0, NULL);
        snprintf(s->csrf, sizeof s->csrf, "%s", json_string_value(json_object_get(o, "csrf")));
        s->user_id = json_integer_value(json_object_get(json_object_get(o, "user"), "id"));
        json_decref(o);
    }
    httpc_response_free(r);
    return status;
}

httpc_response *qgt_call(qgt_env *e, const qgt_session *s, const char *method,
                         const char *path, const char *body)
{
    char cookie[200], csrf[120];
    const char *headers[3] = {NULL, NULL, NULL};
    if (s && s->cookie[0]) {
        snprintf(cookie, sizeof cookie, "Cookie: %s", s->cookie);
        snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", s->csrf);
        headers[0] = cookie;
        headers[1] = csrf;
    }
    return httpc_do(e->port, method, path, headers, body, body ? strlen(body) : 0);
}

char *qgt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, used = 0;
    char *buf = malloc(cap + 1);
    size_t n;
    while (buf && (n = fread(buf + used, 1, cap - used, f)) > 0) {
        used += n;
        if (used == cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[used] = '\0';
    if (len)
        *len = used;
    return buf;
}

bool qgt_file_contains(const char *path, const char *needle)
{
    size_t len = 0, nlen = strlen(needle);
    char *data = qgt_read_file(path, &len);
    bool found = false;
    for (size_t i = 0; data && !found && i + nlen <= len; i++)
        found = memcmp(data + i, needle, nlen) == 0;
    free(data);
    return found;
}

void qgt_make_iin(int year, int month, int day, char sex, int seed, char out[13])
{
    int century = year >= 2000 ? 5 : 3;
    int digit7 = century + (sex == 'F' ? 1 : 0);
    for (int s = seed;; s++) {
        char first11[12];
        snprintf(first11, sizeof first11, "%02d%02d%02d%d%04d", year % 100, month, day, digit7,
                 s % 10000);
        int check = iin_check_digit(first11);
        if (check >= 0) {
            snprintf(out, 13, "%s%d", first11, check);
            return;
        }
    }
}
